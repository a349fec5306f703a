"""API of the liaison area, built from its workflow tables
(`dangvien.liaison.workflows`): exemptions, members working away and residence
liaison. For each: a list (scoped, by organisation), a detail with the steps
the caller may take now (`open_steps`: code and label), an opening POST, and
one POST per step of the table calling the same service as the pages.

Outside the caller's scope the answer is 404; a step by a role that does not
hold the acting body answers 403 with code `not_acting_body`; a step out of
order 400 `out_of_order`; every refusal writes nothing.

(No `from __future__ import annotations` here: the step endpoints are made in
a loop and django-ninja reads their payload annotations as objects.)
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import Field

from dangvien.accounts.scope import Scope, scope_for
from dangvien.compliance.workflow import Workflow
from dangvien.liaison import selectors, services
from dangvien.liaison.errors import LiaisonError
from dangvien.liaison.models import (
    CommentPurpose,
    ContactKind,
    Exemption,
    ExemptionGround,
    ExemptionKind,
    HostKind,
    ResidenceCategory,
    ResidenceGroup,
    ResidenceLiaison,
    WorkingAway,
)
from dangvien.liaison.workflows import EXEMPTION, RESIDENCE, WORKING_AWAY
from dangvien.members import selectors as member_selectors
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import Organization
from dangvien.places.models import Commune, Province

from .common import ErrorOut, Ref, StepRef, register_steps

router = Router(tags=["Miễn sinh hoạt, đi làm ăn xa, nơi cư trú"])

ID = Field(ge=1, le=2**63 - 1)


READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class LiaisonListQuery(Schema):
    org: int | None = Field(None, ge=1, le=2**63 - 1, description="Tổ chức đảng (cả cây con)")
    status: str = Field("", max_length=20, description="Chỉ hồ sơ ở tình trạng này")
    offset: int = Field(0, ge=0, le=100_000)
    limit: int = Field(100, ge=1, le=500)


def _ref(org: Organization | Province | Commune | None) -> dict | None:
    return {"id": org.pk, "name": org.name} if org else None


def _open_steps(wf: Workflow, obj, request) -> list[dict]:
    return [{"code": s.code, "label": s.label} for s in wf.open_steps(obj, request.auth)]


def _page(qs: QuerySet, query: LiaisonListQuery) -> QuerySet:
    """Rows under ?org (in the scope) with ?status, one page."""
    if query.status:
        qs = qs.filter(status=query.status)
    return qs.order_by("-id")[query.offset : query.offset + query.limit]


def _under(scope: Scope, query: LiaisonListQuery, qs: QuerySet, path_field: str) -> QuerySet:
    if query.org is not None:
        org = org_selectors.organization_get_for(scope, query.org)
        qs = qs.filter(**{f"{path_field}__startswith": org.path})
    return qs


def _register_steps(
    prefix: str,
    wf: Workflow,
    get_for_step: Callable[[Scope, int, str], Any],
    out: Callable[[Any, Any], dict],
    out_schema: type[Schema],
    table: dict[str, tuple[type[Schema], Callable[[Any, Any, Any], Any]]],
) -> None:
    """One POST /<prefix>/{pk}/<code> per step of the table (api/common.py)."""
    register_steps(router, "liaison", prefix, wf, get_for_step, out, out_schema, table)


# =============================================================================
# Exemptions
# =============================================================================


class ExemptionOut(Schema):
    id: int
    member: Ref
    organization: Ref
    kind: str
    ground: str
    status: str
    status_label: str
    applied_on: dt.date
    start: dt.date
    end: dt.date | None
    inability: str
    decided_on: dt.date | None
    resolution_number: str
    reported_on: dt.date | None
    return_applied_on: dt.date | None
    returned_on: dt.date | None
    open_steps: list[StepRef]


def _exemption_out(e: Exemption, request) -> dict:
    return {
        "id": e.pk,
        "member": {"id": e.member_id, "name": e.member.full_name},
        "organization": _ref(e.organization),
        "kind": e.kind,
        "ground": e.ground,
        "status": e.status,
        "status_label": e.get_status_display(),
        "applied_on": e.applied_on,
        "start": e.start,
        "end": e.end,
        "inability": e.inability,
        "decided_on": e.decided_on,
        "resolution_number": e.resolution_number,
        "reported_on": e.reported_on,
        "return_applied_on": e.return_applied_on,
        "returned_on": e.returned_on,
        "open_steps": _open_steps(EXEMPTION, e, request),
    }


class ExemptionItem(Schema):
    id: int
    member: Ref
    kind: str
    status: str
    status_label: str
    applied_on: dt.date
    start: dt.date
    end: dt.date | None


class ExemptionIn(Schema):
    member: int = ID
    kind: ExemptionKind
    ground: ExemptionGround
    applied_on: dt.date
    start: dt.date
    end: dt.date | None = None
    treatment_months: int | None = Field(None, ge=0, le=600)
    reason: str = Field("", max_length=2000)
    inability: str = Field(
        "",
        max_length=2000,
        description="Tình trạng không thể tham gia công tác, sinh hoạt (bắt buộc khi vì tuổi cao)",
    )


class ExemptionDecideIn(Schema):
    decided_on: dt.date
    resolution_number: str = Field("", max_length=64, description="Để trống: lập nghị quyết")


class RefuseIn(Schema):
    decided_on: dt.date
    refusal_reason: str = Field(max_length=255)


class ReportIn(Schema):
    reported_on: dt.date
    reported_to: str = Field("", max_length=255)


class ApplyReturnIn(Schema):
    applied_on: dt.date


class ExemptionReturnIn(Schema):
    returned_on: dt.date
    resolution_number: str = Field(max_length=64)


@router.get("/exemptions", response={200: list[ExemptionItem], **READ_ERRORS}, summary="Miễn, giảm")
def exemptions(request, query: Query[LiaisonListQuery]):
    scope = scope_for(request.auth)
    qs = _under(scope, query, selectors.exemptions_visible_to(scope), "member__org_path")
    return [
        {
            "id": e.pk,
            "member": {"id": e.member_id, "name": e.member.full_name},
            "kind": e.kind,
            "status": e.status,
            "status_label": e.get_status_display(),
            "applied_on": e.applied_on,
            "start": e.start,
            "end": e.end,
        }
        for e in _page(qs.select_related("member"), query)
    ]


@router.get(
    "/exemptions/{pk}", response={200: ExemptionOut, **READ_ERRORS}, summary="Hồ sơ miễn, giảm"
)
def exemption(request, pk: int):
    return _exemption_out(selectors.exemption_get_for(scope_for(request.auth), pk), request)


@router.post(
    "/exemptions",
    response={201: ExemptionOut, **WRITE_ERRORS},
    summary="Đơn xin miễn, giảm, tạm miễn sinh hoạt",
)
def exemption_apply(request, payload: ExemptionIn):
    scope = scope_for(request.auth)
    member = member_selectors.member_get_for(scope, payload.member)
    created = services.exemption_apply(
        actor=request.auth,
        member=member,
        kind=payload.kind,
        ground=payload.ground,
        applied_on=payload.applied_on,
        start=payload.start,
        end=payload.end,
        treatment_months=payload.treatment_months,
        reason=payload.reason,
        inability=payload.inability,
    )
    return Reply(201, _exemption_out(selectors.exemption_get_for(scope, created.pk), request))


_register_steps(
    "exemptions",
    EXEMPTION,
    selectors.exemption_get_for_step,
    _exemption_out,
    ExemptionOut,
    {
        "decide": (
            ExemptionDecideIn,
            lambda actor, e, p: services.exemption_decide(
                actor=actor,
                exemption=e,
                decided_on=p.decided_on,
                resolution_number=p.resolution_number,
            ),
        ),
        "refuse": (
            RefuseIn,
            lambda actor, e, p: services.exemption_refuse(
                actor=actor, exemption=e, decided_on=p.decided_on, refusal_reason=p.refusal_reason
            ),
        ),
        "report": (
            ReportIn,
            lambda actor, e, p: services.exemption_report(
                actor=actor, exemption=e, reported_on=p.reported_on, reported_to=p.reported_to
            ),
        ),
        "apply_return": (
            ApplyReturnIn,
            lambda actor, e, p: services.exemption_apply_return(
                actor=actor, exemption=e, applied_on=p.applied_on
            ),
        ),
        "request_return": (
            ApplyReturnIn,
            lambda actor, e, p: services.exemption_apply_return(
                actor=actor, exemption=e, applied_on=p.applied_on
            ),
        ),
        "return": (
            ExemptionReturnIn,
            lambda actor, e, p: services.exemption_return(
                actor=actor,
                exemption=e,
                returned_on=p.returned_on,
                resolution_number=p.resolution_number,
            ),
        ),
    },
)


# =============================================================================
# Working away
# =============================================================================


class WorkingAwayOut(Schema):
    id: int
    member: Ref
    organization: Ref
    status: str
    status_label: str
    reported_on: dt.date
    left_on: dt.date | None
    expected_return: dt.date | None
    reviewed_on: dt.date | None
    declared: bool = Field(description="Đã khai báo nơi làm việc, người sử dụng lao động")
    registered: bool = Field(description="Đã đăng ký nơi đến (kể cả chỉ nơi tạm trú)")
    dest_province: Ref | None
    dest_commune: Ref | None
    employer: str
    last_news: dt.date
    ended_on: dt.date | None
    open_steps: list[StepRef]


def _away_out(w: WorkingAway, request) -> dict:
    return {
        "id": w.pk,
        "member": {"id": w.member_id, "name": w.member.full_name},
        "organization": _ref(w.organization),
        "status": w.status,
        "status_label": w.get_status_display(),
        "reported_on": w.reported_on,
        "left_on": w.left_on,
        "expected_return": w.expected_return,
        "reviewed_on": w.reviewed_on,
        "declared": w.declared,
        "registered": w.registered,
        "dest_province": _ref(w.dest_province),
        "dest_commune": _ref(w.dest_commune),
        "employer": w.employer,
        "last_news": services.working_away_last_news(w),
        "ended_on": w.ended_on,
        "open_steps": _open_steps(WORKING_AWAY, w, request),
    }


class WorkingAwayItem(Schema):
    id: int
    member: Ref
    status: str
    status_label: str
    reported_on: dt.date
    declared: bool = Field(description="Đã khai báo nơi làm việc, người sử dụng lao động")
    registered: bool = Field(description="Đã đăng ký nơi đến (kể cả chỉ nơi tạm trú)")


class WorkingAwayIn(Schema):
    member: int = ID
    reported_on: dt.date
    left_on: dt.date | None = None
    expected_return: dt.date | None = None
    report_text: str = Field("", max_length=2000)


class WorkingAwayReviewIn(Schema):
    reviewed_on: dt.date
    committee_reported_on: dt.date
    review_note: str = Field("", max_length=2000)


class DestinationIn(Schema):
    registered_on: dt.date
    province: int = ID
    commune: int = ID
    address: str = Field("", max_length=255)
    employer: str = Field("", max_length=255)
    host_kind: HostKind | None = None
    host_name: str = Field("", max_length=255)
    host_contact_name: str = Field("", max_length=120)
    host_contact_phone: str = Field("", max_length=20)


class ContactIn(Schema):
    date: dt.date
    kind: ContactKind
    note: str = Field("", max_length=255)
    amount: int | None = Field(None, ge=0, le=10**12, description="đồng")


class YearReviewIn(Schema):
    year: int = Field(ge=2000, le=2100)
    received_on: dt.date
    self_review: str = Field(max_length=4000)
    host_comment: str = Field("", max_length=4000)
    host_commenter: str = Field("", max_length=255)


class AwayExemptionIn(Schema):
    ground: ExemptionGround
    applied_on: dt.date
    start: dt.date
    end: dt.date
    reason: str = Field("", max_length=2000)


class AwayEndIn(Schema):
    ended_on: dt.date
    end_note: str = Field("", max_length=255)


def _destination(actor, w: WorkingAway, p: DestinationIn):
    return services.working_away_register_destination(
        actor=actor,
        working_away=w,
        registered_on=p.registered_on,
        province=Province.objects.filter(pk=p.province).first(),
        commune=Commune.objects.filter(pk=p.commune).first(),
        address=p.address,
        employer=p.employer,
        host_kind=p.host_kind or "",
        host_name=p.host_name,
        host_contact_name=p.host_contact_name,
        host_contact_phone=p.host_contact_phone,
    )


@router.get(
    "/working-away", response={200: list[WorkingAwayItem], **READ_ERRORS}, summary="Đi làm ăn xa"
)
def working_aways(request, query: Query[LiaisonListQuery]):
    scope = scope_for(request.auth)
    qs = _under(scope, query, selectors.working_aways_visible_to(scope), "member__org_path")
    return [
        {
            "id": w.pk,
            "member": {"id": w.member_id, "name": w.member.full_name},
            "status": w.status,
            "status_label": w.get_status_display(),
            "reported_on": w.reported_on,
            "declared": w.declared,
            "registered": w.registered,
        }
        for w in _page(qs.select_related("member"), query)
    ]


@router.get(
    "/working-away/{pk}",
    response={200: WorkingAwayOut, **READ_ERRORS},
    summary="Hồ sơ đi làm ăn xa",
)
def working_away(request, pk: int):
    return _away_out(selectors.working_away_get_for(scope_for(request.auth), pk), request)


@router.post(
    "/working-away",
    response={201: WorkingAwayOut, **WRITE_ERRORS},
    summary="Đơn báo cáo đi làm ăn xa",
)
def working_away_report(request, payload: WorkingAwayIn):
    scope = scope_for(request.auth)
    member = member_selectors.member_get_for(scope, payload.member)
    created = services.working_away_report(
        actor=request.auth,
        member=member,
        reported_on=payload.reported_on,
        left_on=payload.left_on,
        expected_return=payload.expected_return,
        report_text=payload.report_text,
    )
    return Reply(201, _away_out(selectors.working_away_get_for(scope, created.pk), request))


_register_steps(
    "working-away",
    WORKING_AWAY,
    selectors.working_away_get_for_step,
    _away_out,
    WorkingAwayOut,
    {
        "review": (
            WorkingAwayReviewIn,
            lambda actor, w, p: services.working_away_review(
                actor=actor,
                working_away=w,
                reviewed_on=p.reviewed_on,
                committee_reported_on=p.committee_reported_on,
                review_note=p.review_note,
            ),
        ),
        "destination": (DestinationIn, _destination),
        "destination_change": (DestinationIn, _destination),
        "contact": (
            ContactIn,
            lambda actor, w, p: services.working_away_contact_add(
                actor=actor, working_away=w, date=p.date, kind=p.kind, note=p.note, amount=p.amount
            ),
        ),
        "year_review": (
            YearReviewIn,
            lambda actor, w, p: services.working_away_year_review(
                actor=actor,
                working_away=w,
                year=p.year,
                received_on=p.received_on,
                self_review=p.self_review,
                host_comment=p.host_comment,
                host_commenter=p.host_commenter,
            ),
        ),
        "exemption": (
            AwayExemptionIn,
            lambda actor, w, p: services.exemption_apply(
                actor=actor,
                member=w.member,
                kind=ExemptionKind.TEMPORARY,
                ground=p.ground,
                applied_on=p.applied_on,
                start=p.start,
                end=p.end,
                reason=p.reason,
                working_away=w,
            ),
        ),
        "end": (
            AwayEndIn,
            lambda actor, w, p: services.working_away_end(
                actor=actor, working_away=w, ended_on=p.ended_on, end_note=p.end_note
            ),
        ),
    },
)


# =============================================================================
# Residence liaison
# =============================================================================


class ResidenceOut(Schema):
    id: int
    member: Ref
    workplace: Ref
    category: str
    status: str
    status_label: str
    introduced_on: dt.date | None
    letter_number: str
    residence_committee: Ref | None
    outside_committee: str
    received_on: dt.date | None
    residential_cell: Ref | None
    outside_cell: str
    assigned_on: dt.date | None
    ended_on: dt.date | None
    open_steps: list[StepRef]


def _residence_out(r: ResidenceLiaison, request) -> dict:
    return {
        "id": r.pk,
        "member": {"id": r.member_id, "name": r.member.full_name},
        "workplace": _ref(r.workplace),
        "category": r.category,
        "status": r.status,
        "status_label": r.get_status_display(),
        "introduced_on": r.introduced_on,
        "letter_number": r.letter_number,
        "residence_committee": _ref(r.residence_committee),
        "outside_committee": r.outside_committee,
        "received_on": r.received_on,
        "residential_cell": _ref(r.residential_cell),
        "outside_cell": r.outside_cell,
        "assigned_on": r.assigned_on,
        "ended_on": r.ended_on,
        "open_steps": _open_steps(RESIDENCE, r, request),
    }


class ResidenceItem(Schema):
    id: int
    member: Ref
    status: str
    status_label: str
    introduced_on: dt.date | None


class IntroduceIn(Schema):
    member: int = ID
    introduced_on: dt.date
    letter_number: str = Field("", max_length=64, description="Để trống: lập giấy giới thiệu")
    category: ResidenceCategory = ResidenceCategory.NONE
    note: str = Field("", max_length=255)


class ResidenceReceiveIn(Schema):
    received_on: dt.date


class AssignIn(Schema):
    assigned_on: dt.date
    cell: int | None = Field(None, ge=1, le=2**63 - 1)
    group: int | None = Field(None, ge=1, le=2**63 - 1)
    outside_cell: str = Field("", max_length=255)


class GroupIn(Schema):
    group: int | None = Field(None, ge=1, le=2**63 - 1)


class CommentIn(Schema):
    year: int = Field(ge=2000, le=2100)
    commented_on: dt.date
    text: str = Field(max_length=4000)
    purpose: CommentPurpose = CommentPurpose.YEARLY
    commenter: str = Field("", max_length=255)


class ResidenceEndIn(Schema):
    ended_on: dt.date
    end_reason: str = Field(max_length=255)


def _group(pk: int | None) -> ResidenceGroup | None:
    if pk is None:
        return None
    found = ResidenceGroup.objects.filter(pk=pk).first()
    if found is None:
        raise LiaisonError.GROUP_UNKNOWN.error(field="group")
    return found


def _assign(actor, r: ResidenceLiaison, p: AssignIn):
    cell = Organization.objects.filter(pk=p.cell).first() if p.cell else None
    return services.residence_assign(
        actor=actor,
        liaison=r,
        assigned_on=p.assigned_on,
        cell=cell,
        group=_group(p.group),
        outside_cell=p.outside_cell,
    )


def _comment(actor, r: ResidenceLiaison, p: CommentIn):
    return services.residence_comment_add(
        actor=actor,
        liaison=r,
        year=p.year,
        commented_on=p.commented_on,
        text=p.text,
        purpose=p.purpose,
        commenter=p.commenter,
    )


@router.get(
    "/residence-liaisons",
    response={200: list[ResidenceItem], **READ_ERRORS},
    summary="Giữ mối liên hệ nơi cư trú",
)
def residences(request, query: Query[LiaisonListQuery]):
    scope = scope_for(request.auth)
    qs = selectors.residences_visible_to(scope)
    if query.org is not None:
        org = org_selectors.organization_get_for(scope, query.org)
        qs = qs.filter(
            Q(member__org_path__startswith=org.path)
            | (Q(residence_path__startswith=org.path) & ~Q(residence_path=""))
        )
    return [
        {
            "id": r.pk,
            "member": {"id": r.member_id, "name": r.member.full_name},
            "status": r.status,
            "status_label": r.get_status_display(),
            "introduced_on": r.introduced_on,
        }
        for r in _page(qs.select_related("member"), query)
    ]


@router.get(
    "/residence-liaisons/{pk}",
    response={200: ResidenceOut, **READ_ERRORS},
    summary="Hồ sơ giữ mối liên hệ nơi cư trú",
)
def residence(request, pk: int):
    return _residence_out(selectors.residence_get_for(scope_for(request.auth), pk), request)


@router.post(
    "/residence-liaisons",
    response={201: ResidenceOut, **WRITE_ERRORS},
    summary="Giới thiệu đảng viên về nơi cư trú",
)
def residence_introduce(request, payload: IntroduceIn):
    scope = scope_for(request.auth)
    member = member_selectors.member_get_for(scope, payload.member)
    created = services.residence_introduce(
        actor=request.auth,
        member=member,
        introduced_on=payload.introduced_on,
        letter_number=payload.letter_number,
        category=payload.category,
        note=payload.note,
    )
    return Reply(201, _residence_out(selectors.residence_get_for(scope, created.pk), request))


_register_steps(
    "residence-liaisons",
    RESIDENCE,
    selectors.residence_get_for_step,
    _residence_out,
    ResidenceOut,
    {
        "receive": (
            ResidenceReceiveIn,
            lambda actor, r, p: services.residence_receive(
                actor=actor, liaison=r, received_on=p.received_on
            ),
        ),
        "assign": (AssignIn, _assign),
        "group": (
            GroupIn,
            lambda actor, r, p: services.residence_set_group(
                actor=actor, liaison=r, group=_group(p.group)
            ),
        ),
        "comment": (CommentIn, _comment),
        "comment_when_needed": (CommentIn, _comment),
        "end": (
            ResidenceEndIn,
            lambda actor, r, p: services.residence_end(
                actor=actor, liaison=r, ended_on=p.ended_on, end_reason=p.end_reason
            ),
        ),
    },
)
