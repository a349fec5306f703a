"""API of inspection and discipline, built from the tables
`discipline.workflow.INSPECTION` and `DISCIPLINE`: inspections (plan, list,
one, conclude), violations (record; unreported trips abroad), disciplines
(propose, one, a member's record, the lapsed ones, and one POST per step:
vote, decide, announce, answer a complaint, restore), complaints (lodge),
trip reports (record), disciplines of party organisations (propose, one, and
one POST per step of the same table: org_vote, org_decide, org_announce,
org_dissolve).
Discipline is sensitive: outside the board, the inspection committee, the
deciding body and the member, 404. A role that may not act: 403
`not_acting_body`; out of order: 400; nothing is written on refusal.

(No `from __future__ import annotations`: see api/common.py.)
"""

import datetime as dt
from typing import cast

from ninja import Query, Router, Schema
from pydantic import Field

from dangvien.accounts.scope import scope_for
from dangvien.compliance.workflow import Workflow
from dangvien.discipline import selectors, services
from dangvien.discipline.errors import DisciplineError
from dangvien.discipline.models import (
    ComplaintOutcome,
    Discipline,
    Inspection,
    InspectionKind,
    OrgDiscipline,
    OrgSanction,
    Sanction,
    ViolationKind,
)
from dangvien.discipline.workflow import DISCIPLINE, INSPECTION
from dangvien.members import selectors as member_selectors
from dangvien.members.models import PostHeld, TripAbroad
from dangvien.organizations import selectors as org_selectors

from .common import (
    ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Input,
    Ref,
    StepRef,
    open_steps,
    ref,
    register_steps,
)

router = Router(tags=["Kiểm tra, giám sát và kỷ luật"])


class InspectionOut(Schema):
    id: int
    kind: str
    kind_label: str
    organization: Ref
    member: Ref | None
    target: Ref | None
    content: str
    period_start: dt.date
    period_end: dt.date
    status: str
    conclusion: str
    concluded_on: dt.date | None
    violations: list[int]
    open_steps: list[StepRef]


def _member_ref(m) -> dict | None:
    return {"id": m.pk, "name": m.full_name} if m is not None else None


def _inspection_out(i: Inspection, request) -> dict:
    return {
        "id": i.pk,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "organization": ref(i.organization),
        "member": _member_ref(i.member),
        "target": ref(i.target),
        "content": i.content,
        "period_start": i.period_start,
        "period_end": i.period_end,
        "status": i.status,
        "conclusion": i.conclusion,
        "concluded_on": i.concluded_on,
        "violations": list(i.violations.values_list("pk", flat=True)),
        "open_steps": open_steps(INSPECTION, i, request.auth),
    }


class InspectionQuery(Schema):
    org: int | None = Field(None, ge=1, le=2**63 - 1)
    status: str | None = Field(None, max_length=12)
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "/inspections",
    response={200: list[InspectionOut], **READ_ERRORS},
    summary="Các cuộc kiểm tra, giám sát",
)
def inspection_list(request, query: Query[InspectionQuery]):
    scope = scope_for(request.auth)
    qs = selectors.inspections_visible_to(scope)
    if query.org is not None:
        org = org_selectors.organization_get_for(scope, query.org)
        qs = qs.filter(organization__path__startswith=org.path)
    if query.status:
        qs = qs.filter(status=query.status)
    rows = qs.order_by("-period_start", "-id")[query.offset : query.offset + query.limit]
    return [_inspection_out(i, request) for i in rows]


@router.get(
    "/inspections/{pk}",
    response={200: InspectionOut, **READ_ERRORS},
    summary="Một cuộc kiểm tra, giám sát",
)
def inspection_detail(request, pk: int):
    return _inspection_out(selectors.inspection_get_for(scope_for(request.auth), pk), request)


class InspectionIn(Input):
    organization: int = ID
    kind: InspectionKind
    content: str = Field(max_length=4000)
    period_start: dt.date
    period_end: dt.date
    member: int | None = Field(None, ge=1, le=2**63 - 1)
    target: int | None = Field(None, ge=1, le=2**63 - 1)


@router.post(
    "/inspections",
    response={201: InspectionOut, **WRITE_ERRORS},
    summary="Lập kế hoạch kiểm tra, giám sát",
)
def inspection_create(request, payload: InspectionIn):
    scope = scope_for(request.auth)
    inspection = services.inspection_plan(
        actor=request.auth,
        organization=org_selectors.organization_get_for(scope, payload.organization),
        kind=payload.kind,
        content=payload.content,
        period_start=payload.period_start,
        period_end=payload.period_end,
        member=member_selectors.member_get_for(scope, payload.member) if payload.member else None,
        target=org_selectors.organization_get_for(scope, payload.target)
        if payload.target
        else None,
    )
    return 201, _inspection_out(inspection, request)


class DisciplineConcludeIn(Input):
    concluded_on: dt.date
    conclusion: str = Field(max_length=8000)


register_steps(
    router,
    "discipline",
    "inspections",
    INSPECTION,
    lambda scope, pk, _code: selectors.inspection_get_for(scope, pk),
    _inspection_out,
    InspectionOut,
    {
        "conclude": (
            DisciplineConcludeIn,
            lambda u, i, p: services.inspection_conclude(actor=u, inspection=i, **p.dict()),
        )
    },
)


class ViolationOut(Schema):
    id: int
    member: Ref
    kind: str
    kind_label: str
    description: str
    committed_on: dt.date
    found_on: dt.date
    inspection: int | None
    trip: int | None


def _violation_out(v) -> dict:
    return {
        "id": v.pk,
        "member": _member_ref(v.member),
        "kind": v.kind,
        "kind_label": v.get_kind_display(),
        "description": v.description,
        "committed_on": v.committed_on,
        "found_on": v.found_on,
        "inspection": v.inspection_id,
        "trip": v.trip_id,
    }


class ViolationIn(Input):
    member: int = ID
    kind: ViolationKind
    description: str = Field(max_length=4000)
    committed_on: dt.date
    found_on: dt.date
    inspection: int | None = Field(None, ge=1, le=2**63 - 1)
    trip: int | None = Field(None, ge=1, le=2**63 - 1)


@router.post("/violations", response={201: ViolationOut, **WRITE_ERRORS}, summary="Ghi vi phạm")
def violation_create(request, payload: ViolationIn):
    scope = scope_for(request.auth)
    member = member_selectors.member_get_for(scope, payload.member)
    # Who may record is the domain's rule (the inspection committee, or a
    # writer over the member's cell: violations_visible_to), not who sees the
    # whole discipline record.
    if not (
        selectors.sees_record(scope, member)
        or any(member.org_path.startswith(p) for p in scope.write_paths)
    ):
        raise DisciplineError.NOT_FOUND.not_found()
    trip = None
    if payload.trip:
        trip = TripAbroad.objects.filter(pk=payload.trip, member=member).first()
        if trip is None:
            raise DisciplineError.NOT_FOUND.not_found()
    violation = services.violation_record(
        actor=request.auth,
        member=member,
        kind=payload.kind,
        description=payload.description,
        committed_on=payload.committed_on,
        found_on=payload.found_on,
        inspection=selectors.inspection_get_for(scope, payload.inspection)
        if payload.inspection
        else None,
        trip=trip,
    )
    return 201, _violation_out(violation)


class DisciplineTripOut(Schema):
    id: int
    member: Ref
    country: str
    purpose: str
    start: dt.date
    end: dt.date | None


@router.get(
    "/trips-not-reported",
    response={200: list[DisciplineTripOut], **READ_ERRORS},
    summary="Chuyến đi nước ngoài chưa báo cáo cấp ủy",
)
def trips_not_reported(request, on: dt.date | None = None):
    rows = selectors.trips_not_reported(scope_for(request.auth), on or dt.date.today())
    return [
        {
            "id": t.pk,
            "member": _member_ref(t.member),
            "country": t.country,
            "purpose": t.purpose,
            "start": t.start,
            "end": t.end,
        }
        for t in rows.order_by("start", "pk")[:500]
    ]


class DisciplineComplaintOut(Schema):
    id: int
    lodged_on: dt.date
    content: str
    answering_organization: Ref
    status: str
    outcome: str
    new_form: str
    answer: str
    answered_on: dt.date | None


class DisciplineOut(Schema):
    id: int
    member: Ref
    violation: ViolationOut
    form: str
    form_label: str
    authority: Ref
    authority_body: str
    status: str
    standing: str
    standing_label: str
    lapses_on: dt.date | None
    entitled: int | None
    votes_for: int | None
    decision_number: str
    decision_date: dt.date | None
    announce_due: dt.date | None
    announced_on: dt.date | None
    complaints: list[DisciplineComplaintOut]
    open_steps: list[StepRef]


def _discipline_out(d: Discipline, request) -> dict:
    standing = selectors.standing_on(d, dt.date.today())
    return {
        "id": d.pk,
        "member": _member_ref(d.member),
        "violation": _violation_out(d.violation),
        "form": d.form,
        "form_label": d.get_form_display(),
        "authority": ref(d.authority),
        "authority_body": d.authority_body,
        "status": d.status,
        "standing": standing.code,
        "standing_label": standing.label,
        "lapses_on": standing.lapses_on,
        "entitled": d.entitled,
        "votes_for": d.votes_for,
        "decision_number": d.decision_number,
        "decision_date": d.decision_date,
        "announce_due": d.announce_due,
        "announced_on": d.announced_on,
        "complaints": [
            {
                "id": c.pk,
                "lodged_on": c.lodged_on,
                "content": c.content,
                "answering_organization": ref(c.answering_organization),
                "status": c.status,
                "outcome": c.outcome,
                "new_form": c.new_form,
                "answer": c.answer,
                "answered_on": c.answered_on,
            }
            for c in d.complaints.select_related("answering_organization")
        ],
        "open_steps": open_steps(DISCIPLINE, d, request.auth),
    }


@router.get(
    "/disciplines/{pk}",
    response={200: DisciplineOut, **READ_ERRORS},
    summary="Một hồ sơ kỷ luật",
)
def discipline_detail(request, pk: int):
    return _discipline_out(selectors.discipline_get_for(scope_for(request.auth), pk), request)


@router.get(
    "/members/{pk}/disciplines",
    response={200: list[DisciplineOut], **READ_ERRORS},
    summary="Kỷ luật của một đảng viên",
)
def member_discipline_record(request, pk: int):
    scope = scope_for(request.auth)
    member = member_selectors.member_get_for(scope, pk)
    return [_discipline_out(d, request) for d in selectors.member_disciplines(scope, member)]


class DisciplineLapsedOut(Schema):
    id: int
    member: Ref
    form: str
    decision_number: str
    lapsed_on: dt.date


@router.get(
    "/disciplines-lapsed",
    response={200: list[DisciplineLapsedOut], **READ_ERRORS},
    summary="Quyết định kỷ luật đã tự chấm dứt hiệu lực",
)
def discipline_lapsed(request, on: dt.date | None = None):
    rows = selectors.lapsed_disciplines(scope_for(request.auth), on or dt.date.today())
    return [
        {
            "id": d.pk,
            "member": _member_ref(d.member),
            "form": d.form,
            "decision_number": d.decision_number,
            "lapsed_on": day,
        }
        for d, day in rows
    ]


class DisciplineIn(Input):
    violation: int = ID
    form: Sanction
    authority: int = ID
    authority_body: str = Field(max_length=24)
    proposed_on: dt.date
    post: int | None = Field(None, ge=1, le=2**63 - 1)


@router.post(
    "/disciplines", response={201: DisciplineOut, **WRITE_ERRORS}, summary="Đề nghị kỷ luật"
)
def discipline_create(request, payload: DisciplineIn):
    scope = scope_for(request.auth)
    violation = selectors.violation_get_for(scope, payload.violation)
    post = None
    if payload.post:
        post = PostHeld.objects.filter(pk=payload.post, member_id=violation.member_id).first()
        if post is None:
            raise DisciplineError.NOT_FOUND.not_found()
    discipline = services.discipline_propose(
        actor=request.auth,
        violation=violation,
        form=payload.form,
        authority=org_selectors.organization_get_for(scope, payload.authority),
        authority_body=payload.authority_body,
        proposed_on=payload.proposed_on,
        post=post,
    )
    return 201, _discipline_out(discipline, request)


class DisciplineComplaintIn(Input):
    lodged_on: dt.date
    content: str = Field(max_length=4000)
    answering_organization: int = ID


def _answering_organization(discipline, pk: int):
    """The organisation a complaint goes to: the deciding body or one of its
    ancestors (the member concerned reads none of them; the service checks
    which level may answer). 404 for any other id."""
    from dangvien.organizations.models import Organization

    authority = discipline.authority
    prefixes = [authority.path[:i] for i in range(4, len(authority.path) + 1, 4)]
    found = Organization.objects.filter(pk=pk, path__in=prefixes).first()
    if found is None:
        raise DisciplineError.NOT_FOUND.not_found()
    return found


@router.post(
    "/disciplines/{pk}/complaints",
    response={201: DisciplineOut, **WRITE_ERRORS},
    summary="Ghi khiếu nại kỷ luật",
)
def complaint_create(request, pk: int, payload: DisciplineComplaintIn):
    scope = scope_for(request.auth)
    discipline = selectors.discipline_get_for(scope, pk)
    services.complaint_lodge(
        actor=request.auth,
        discipline=discipline,
        lodged_on=payload.lodged_on,
        content=payload.content,
        answering_organization=_answering_organization(discipline, payload.answering_organization),
    )
    discipline.refresh_from_db()
    return 201, _discipline_out(discipline, request)


class DisciplineVoteIn(Input):
    voted_on: dt.date
    entitled: int = Field(ge=0, le=100000)
    votes_for: int = Field(ge=0, le=100000)
    record_rejection: bool = Field(
        False,
        description="Ghi nhận biểu quyết không đủ số, không kỷ luật (nếu không, số phiếu "
        "chưa đủ bị từ chối: vote_below_threshold)",
    )


class DisciplineDecideIn(Input):
    decision_date: dt.date
    decision_number: str = Field("", max_length=64)


class DisciplineAnnounceIn(Input):
    announced_on: dt.date


class DisciplineAnswerComplaintIn(Input):
    answered_on: dt.date
    outcome: ComplaintOutcome
    answer: str = Field(max_length=4000)
    answer_number: str = Field("", max_length=64)
    new_form: str = Field("", max_length=12)


class DisciplineRestoreIn(Input):
    restored_on: dt.date
    decision: str = Field(max_length=128)
    apologised_on: dt.date | None = None
    rights: str = Field(max_length=4000)


class _Steps:
    """The part of the one DISCIPLINE table that applies to one kind of record
    (a member's discipline, or an organisation's: steps "org_*"), for
    `register_steps`, which wants an endpoint for each step it is given."""

    def __init__(self, wf, codes: set[str]) -> None:
        self.steps = tuple(s for s in wf.steps if s.code in codes)
        self.step = wf.step
        self.require = wf.require


_ORG_CODES = {s.code for s in DISCIPLINE.steps if s.code.startswith("org_")}
_MEMBER_STEPS = cast(Workflow, _Steps(DISCIPLINE, {s.code for s in DISCIPLINE.steps} - _ORG_CODES))
_ORG_STEPS = cast(Workflow, _Steps(DISCIPLINE, _ORG_CODES))


register_steps(
    router,
    "discipline",
    "disciplines",
    _MEMBER_STEPS,
    lambda scope, pk, _code: selectors.discipline_get_for(scope, pk),
    _discipline_out,
    DisciplineOut,
    {
        "vote": (
            DisciplineVoteIn,
            lambda u, d, p: services.discipline_vote(actor=u, discipline=d, **p.dict()),
        ),
        "decide": (
            DisciplineDecideIn,
            lambda u, d, p: services.discipline_decide(actor=u, discipline=d, **p.dict()),
        ),
        "announce": (
            DisciplineAnnounceIn,
            lambda u, d, p: services.discipline_announce(actor=u, discipline=d, **p.dict()),
        ),
        "answer": (
            DisciplineAnswerComplaintIn,
            lambda u, d, p: services.complaint_answer(actor=u, discipline=d, **p.dict()),
        ),
        "restore": (
            DisciplineRestoreIn,
            lambda u, d, p: services.discipline_restore(actor=u, discipline=d, **p.dict()),
        ),
    },
)


# --- trip reports ---------------------------------------------------------------------------


class TripReportIn(Input):
    reported_on: dt.date
    reported_to: str = Field("", max_length=255)


class TripReportOut(Schema):
    id: int
    trip: int
    member: Ref
    country: str
    start: dt.date
    reported_on: dt.date
    reported_to: str


@router.post(
    "/trips/{pk}/report",
    response={201: TripReportOut, **WRITE_ERRORS},
    summary="Ghi báo cáo đi nước ngoài của đảng viên",
)
def trip_report_create(request, pk: int, payload: TripReportIn):
    trip = selectors.trip_get_for(scope_for(request.auth), pk)
    report = services.trip_report_record(
        actor=request.auth,
        trip=trip,
        reported_on=payload.reported_on,
        reported_to=payload.reported_to,
    )
    return 201, {
        "id": report.pk,
        "trip": trip.pk,
        "member": _member_ref(trip.member),
        "country": trip.country,
        "start": trip.start,
        "reported_on": report.reported_on,
        "reported_to": report.reported_to,
    }


# --- discipline of party organisations -----------------------------------------------------


class OrgDisciplineOut(Schema):
    id: int
    organization: Ref
    form: str
    form_label: str
    violation_kind: str
    description: str
    committed_on: dt.date
    authority: Ref
    authority_body: str
    status: str
    status_label: str
    proposed_on: dt.date
    entitled: int | None
    votes_for: int | None
    voted_on: dt.date | None
    decision_number: str
    decision_date: dt.date | None
    announce_due: dt.date | None
    announced_on: dt.date | None
    dissolved_on: dt.date | None
    open_steps: list[StepRef]


def _org_discipline_out(d: OrgDiscipline, request) -> dict:
    return {
        "id": d.pk,
        "organization": ref(d.organization),
        "form": d.form,
        "form_label": d.get_form_display(),
        "violation_kind": d.violation_kind,
        "description": d.description,
        "committed_on": d.committed_on,
        "authority": ref(d.authority),
        "authority_body": d.authority_body,
        "status": d.status,
        "status_label": d.get_status_display(),
        "proposed_on": d.proposed_on,
        "entitled": d.entitled,
        "votes_for": d.votes_for,
        "voted_on": d.voted_on,
        "decision_number": d.decision_number,
        "decision_date": d.decision_date,
        "announce_due": d.announce_due,
        "announced_on": d.announced_on,
        "dissolved_on": d.dissolved_on,
        "open_steps": open_steps(DISCIPLINE, d, request.auth),
    }


class OrgDisciplineIn(Input):
    organization: int = ID
    form: OrgSanction
    violation_kind: ViolationKind
    description: str = Field(max_length=4000)
    committed_on: dt.date
    authority: int = ID
    authority_body: str = Field(max_length=24)
    proposed_on: dt.date
    inspection: int | None = Field(None, ge=1, le=2**63 - 1)


@router.post(
    "/org-disciplines",
    response={201: OrgDisciplineOut, **WRITE_ERRORS},
    summary="Đề nghị kỷ luật tổ chức đảng",
)
def org_discipline_create(request, payload: OrgDisciplineIn):
    scope = scope_for(request.auth)
    discipline = services.org_discipline_propose(
        actor=request.auth,
        organization=org_selectors.organization_get_for(scope, payload.organization),
        form=payload.form,
        violation_kind=payload.violation_kind,
        description=payload.description,
        committed_on=payload.committed_on,
        authority=org_selectors.organization_get_for(scope, payload.authority),
        authority_body=payload.authority_body,
        proposed_on=payload.proposed_on,
        inspection=selectors.inspection_get_for(scope, payload.inspection)
        if payload.inspection
        else None,
    )
    return 201, _org_discipline_out(discipline, request)


@router.get(
    "/org-disciplines/{pk}",
    response={200: OrgDisciplineOut, **READ_ERRORS},
    summary="Một hồ sơ kỷ luật tổ chức đảng",
)
def org_discipline_detail(request, pk: int):
    return _org_discipline_out(
        selectors.org_discipline_get_for(scope_for(request.auth), pk), request
    )


class OrgDissolveIn(Input):
    dissolved_on: dt.date


register_steps(
    router,
    "discipline",
    "org-disciplines",
    _ORG_STEPS,
    lambda scope, pk, _code: selectors.org_discipline_get_for(scope, pk),
    _org_discipline_out,
    OrgDisciplineOut,
    {
        "org_vote": (
            DisciplineVoteIn,
            lambda u, d, p: services.org_discipline_vote(actor=u, discipline=d, **p.dict()),
        ),
        "org_decide": (
            DisciplineDecideIn,
            lambda u, d, p: services.org_discipline_decide(actor=u, discipline=d, **p.dict()),
        ),
        "org_announce": (
            DisciplineAnnounceIn,
            lambda u, d, p: services.org_discipline_announce(actor=u, discipline=d, **p.dict()),
        ),
        "org_dissolve": (
            OrgDissolveIn,
            lambda u, d, p: services.org_discipline_dissolve(actor=u, discipline=d, **p.dict()),
        ),
    },
)
