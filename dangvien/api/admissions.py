"""API of admission and recognition, built from the workflow tables
(`dangvien.admissions.workflow`): for each, a list (scoped, by organisation), a
detail with the steps the caller may take now (`open_steps`: code and label),
and one POST per step of the table (`/admissions/{id}/{step}`) calling the same
service as the pages; opening an admission file too.

Outside the caller's scope the answer is 404; a step by a role that does not
hold the acting body (or an organisation above it) answers 403 with code
`not_acting_body`; a step out of order 400 `out_of_order`; every refusal
writes nothing.

(No `from __future__ import annotations`: the step endpoints are made in a loop
and django-ninja reads their payload annotations as objects.)
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import Field

from dangvien.accounts.scope import Scope, scope_for
from dangvien.admissions import selectors, services
from dangvien.admissions.models import AdmissionFile, IntroductionKind, Proposal, RecognitionFile
from dangvien.admissions.workflow import (
    ADMISSION,
    RECOGNITION,
    admission_detail,
    recognition_detail,
)
from dangvien.compliance.workflow import Workflow
from dangvien.core.errors import RecordValidationError
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Gender
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import Organization

from .common import ErrorOut, Ref, StepRef

router = Router(tags=["Kết nạp, công nhận đảng viên chính thức"])

ID = Field(ge=1, le=2**63 - 1)


class CaseOut(Schema):
    step: str
    step_label: str
    detail: str
    acting_body: str
    acting_organization: Ref | None
    due_date: dt.date | None


READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class AdmissionListQuery(Schema):
    org: int | None = Field(None, ge=1, le=2**63 - 1, description="Tổ chức đảng (cả cây con)")
    offset: int = Field(0, ge=0, le=100_000)
    limit: int = Field(100, ge=1, le=500)


def _ref(org: Organization | None) -> dict | None:
    return {"id": org.pk, "name": org.name} if org else None


def _open_steps(wf: Workflow, obj, request) -> list[dict]:
    return [{"code": s.code, "label": s.label} for s in wf.open_steps(obj, request.auth)]


def _awaited(wf: Workflow, obj, detail: str) -> dict | None:
    """The step the file waits for (what its open case says), from the table."""
    step = wf.awaited(obj).get("")
    if step is None:
        return None
    return {
        "step": step.code,
        "step_label": step.label,
        "detail": detail,
        "acting_body": str(step.body),
        "acting_organization": _ref(step.acting(obj)),
        "due_date": step.due(obj) if step.due else None,
    }


def _org(scope: Scope, query: AdmissionListQuery) -> Organization | None:
    return org_selectors.organization_get_for(scope, query.org) if query.org else None


def _step_endpoint(wf: Workflow, code: str, call, get_for_step, out):
    """The view of one step: fetch in scope, ask the table, call the service."""

    def endpoint(request, pk, payload):
        scope = scope_for(request.auth)
        obj = get_for_step(scope, pk, code)
        wf.require(obj, code, request.auth)  # the same coded refusal as the service
        call(request.auth, obj, payload)
        obj.refresh_from_db()
        return out(obj, request)

    return endpoint


def _register_steps(
    prefix: str,
    wf: Workflow,
    get_for_step: Callable[[Scope, int, str], Any],
    out: Callable[[Any, Any], dict],
    out_schema: type[Schema],
    table: dict[str, tuple[type[Schema], Callable[[Any, Any, Any], Any]]],
) -> None:
    """One POST /<prefix>/{pk}/<code> per step of the table (all of them: a step
    added to the table without its endpoint fails at import)."""
    missing = {s.code for s in wf.steps} - set(table)
    if missing:
        raise RuntimeError(f"{prefix}: no API endpoint for steps {sorted(missing)}")
    for code, (payload_schema, call) in table.items():
        step = wf.step(code)
        endpoint = _step_endpoint(wf, code, call, get_for_step, out)
        endpoint.__annotations__ = {"pk": int, "payload": payload_schema}
        endpoint.__name__ = f"{prefix}_{code}"
        router.post(
            f"/{prefix}/{{pk}}/{code}",
            response={200: out_schema, **WRITE_ERRORS},
            summary=step.label,
            operation_id=f"{prefix}_{code}",
        )(endpoint)


# =============================================================================
# Admission
# =============================================================================


class AdmissionItem(Schema):
    id: int
    kind: str
    candidate: str
    organization: Ref
    stage: str
    stage_label: str
    opened_on: dt.date
    due_date: dt.date | None


class VoteOut(Schema):
    """One vote of the cell (R1.8, R1.8a): the base it was judged on and who was present."""

    round: int
    meeting_date: dt.date
    proposal: str
    official_members: int
    vote_base: int
    present_count: int | None
    present: list[int]
    not_counted: dict[str, str]
    votes_for: int
    passed: bool


def _votes_out(file) -> list[dict]:
    return [
        {
            "round": v.round,
            "meeting_date": v.meeting_date,
            "proposal": v.proposal,
            "official_members": v.official_members,
            "vote_base": v.base,
            "present_count": v.present_count,
            "present": [r["id"] for r in v.roll if r.get("present")],
            "not_counted": {str(r["id"]): r["reason"] for r in v.roll if not r.get("counted")},
            "votes_for": v.votes_for,
            "passed": v.passed,
        }
        for v in file.votes.all()
    ]


class AdmissionOut(Schema):
    id: int
    kind: str
    candidate: str
    birth_date: dt.date
    organization: Ref
    stage: str
    stage_label: str
    opened_on: dt.date
    dossier_on: dt.date | None
    cell_resolution_date: dt.date | None
    cell_resolution_number: str
    grassroots_resolution_date: dt.date | None
    decision_date: dt.date | None
    decision_number: str
    ceremony_date: dt.date | None
    closed_on: dt.date | None
    member_id: int | None
    votes: list[VoteOut]
    next: CaseOut | None
    open_steps: list[StepRef]


def _admission_out(file: AdmissionFile, request) -> dict:
    return {
        "id": file.pk,
        "kind": file.kind,
        "candidate": file.candidate.full_name,
        "birth_date": file.candidate.birth_date,
        "organization": _ref(file.organization),
        "stage": file.stage,
        "stage_label": file.get_stage_display(),
        **{
            f: getattr(file, f)
            for f in (
                "opened_on",
                "dossier_on",
                "cell_resolution_date",
                "cell_resolution_number",
                "grassroots_resolution_date",
                "decision_date",
                "decision_number",
                "ceremony_date",
                "closed_on",
                "member_id",
            )
        },
        "votes": _votes_out(file),
        "next": _awaited(ADMISSION, file, admission_detail(file)),
        "open_steps": _open_steps(ADMISSION, file, request),
    }


class AdmissionIn(Schema):
    organization: int = ID
    family_name: str = Field(max_length=40)
    middle_name: str = Field("", max_length=60)
    given_name: str = Field(max_length=40)
    gender: Gender
    birth_date: dt.date
    education_level: str = Field(max_length=40)
    meets_education: bool = True
    education_exception: str = Field("", max_length=255)
    application_date: dt.date
    certificate_number: str = Field(max_length=64)
    certificate_date: dt.date
    opened_on: dt.date


class DossierIn(Schema):
    date: dt.date
    cv_verified_on: dt.date | None = None
    cv_verified_by: str = Field("", max_length=255)
    introduction_kind: IntroductionKind
    introducer_1: int | None = Field(None, ge=1, le=2**63 - 1, description="Đảng viên (id)")
    introducer_1_since: dt.date | None = None
    introducer_2: int | None = Field(None, ge=1, le=2**63 - 1, description="Đảng viên (id)")
    introducer_2_since: dt.date | None = None
    union_resolution: str = Field("", max_length=255)
    residence_comment: str = Field("", max_length=255)
    mass_org_comment: str = Field("", max_length=255)
    age_exception: str = Field("", max_length=255)


class VoteIn(Schema):
    meeting_date: dt.date
    votes_for: int = Field(ge=0, le=100_000)
    present: list[int] | None = Field(
        None,
        max_length=2000,
        description="Đảng viên chính thức có mặt (id); để trống: tất cả có mặt",
    )
    resolution_number: str = Field("", max_length=64, description="Để trống: lập nghị quyết")
    age_exception: str = Field("", max_length=255)
    signer_name: str = Field("", max_length=120)


class EscalationIn(Schema):
    date: dt.date
    agreed: bool
    note: str = Field(max_length=255)


class GrassrootsIn(Schema):
    date: dt.date
    resolution_number: str = Field(max_length=64)
    agreed: bool = True


class ExtensionIn(Schema):
    date: dt.date
    days: int = Field(ge=0, le=1000, description="ngày làm việc")
    reason: str = Field(max_length=255)


class DecisionIn(Schema):
    decision_date: dt.date
    decision_number: str = Field("", max_length=64, description="Để trống: lập quyết định")
    decided_by: str = Field("", max_length=255)
    received_on: dt.date | None = None
    readmission_approval: str = Field("", max_length=255)
    signer_name: str = Field("", max_length=120)


class CeremonyIn(Schema):
    date: dt.date
    late_consent: str = Field("", max_length=255)


class CloseIn(Schema):
    date: dt.date
    reason: str = Field(max_length=255)


def _dossier(actor, file, payload: DossierIn):
    """The dossier with its introducers looked up in the caller's scope."""
    scope = scope_for(actor)
    data = payload.model_dump()
    errors: dict[str, list[str]] = {}
    for name in ("introducer_1", "introducer_2"):
        if data[name] is not None:
            found = member_selectors.members_visible_to(scope).filter(pk=data[name]).first()
            if found is None:
                errors[name] = ["Không tìm thấy đảng viên này."]
            data[name] = found
    if errors:
        raise RecordValidationError(errors)
    return services.admission_complete_dossier(actor=actor, file=file, **data)


def _call(service):
    return lambda actor, file, payload: service(actor=actor, file=file, **payload.model_dump())


@router.get(
    "/admissions", response={200: list[AdmissionItem], **READ_ERRORS}, summary="Hồ sơ kết nạp"
)
def admissions(request, query: Query[AdmissionListQuery]):
    scope = scope_for(request.auth)
    files = selectors.admission_files_open(scope, _org(scope, query))
    return [
        {
            "id": f.pk,
            "kind": f.kind,
            "candidate": f.candidate.full_name,
            "organization": _ref(f.organization),
            "stage": f.stage,
            "stage_label": f.get_stage_display(),
            "opened_on": f.opened_on,
            "due_date": f.due_date,
        }
        for f in files[query.offset : query.offset + query.limit]
    ]


@router.get(
    "/admissions/{pk}", response={200: AdmissionOut, **READ_ERRORS}, summary="Một hồ sơ kết nạp"
)
def admission(request, pk: int):
    return _admission_out(selectors.admission_get_for(scope_for(request.auth), pk), request)


@router.post(
    "/admissions", response={201: AdmissionOut, **WRITE_ERRORS}, summary="Mở hồ sơ kết nạp"
)
def admission_open(request, payload: AdmissionIn):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, payload.organization)
    data = payload.model_dump(exclude={"organization", "opened_on"})
    file = services.admission_open(
        actor=request.auth, organization=org, data=data, opened_on=payload.opened_on
    )
    return Reply(201, _admission_out(selectors.admission_get_for(scope, file.pk), request))


_register_steps(
    "admissions",
    ADMISSION,
    selectors.admission_get_for_step,
    _admission_out,
    AdmissionOut,
    {
        "dossier": (DossierIn, _dossier),
        "renew": (DossierIn, _dossier),
        "cell_vote": (VoteIn, _call(services.admission_cell_vote)),
        "escalation": (EscalationIn, _call(services.admission_escalation_decide)),
        "grassroots": (GrassrootsIn, _call(services.admission_grassroots_resolve)),
        "extension": (ExtensionIn, _call(services.admission_extend)),
        "decision": (DecisionIn, _call(services.admission_decide)),
        "ceremony": (CeremonyIn, _call(services.admission_ceremony)),
        "close": (CloseIn, _call(services.admission_close)),
    },
)


# =============================================================================
# Recognition as official member
# =============================================================================


class RecognitionItem(Schema):
    id: int
    member: Ref
    organization: Ref
    stage: str
    stage_label: str
    probation_end: dt.date
    due_date: dt.date | None


class RecognitionOut(Schema):
    id: int
    member: Ref
    organization: Ref
    stage: str
    stage_label: str
    probation_start: dt.date
    probation_end: dt.date
    proposal: str
    cell_resolution_date: dt.date | None
    grassroots_resolution_date: dt.date | None
    decision_date: dt.date | None
    decision_number: str
    closed_on: dt.date | None
    votes: list[VoteOut]
    next: CaseOut | None
    open_steps: list[StepRef]


def _recognition_out(file: RecognitionFile, request) -> dict:
    return {
        "id": file.pk,
        "member": {"id": file.member_id, "name": file.member.full_name},
        "organization": _ref(file.organization),
        "stage": file.stage,
        "stage_label": file.get_stage_display(),
        **{
            f: getattr(file, f)
            for f in (
                "probation_start",
                "probation_end",
                "proposal",
                "cell_resolution_date",
                "grassroots_resolution_date",
                "decision_date",
                "decision_number",
                "closed_on",
            )
        },
        "votes": _votes_out(file),
        "next": _awaited(RECOGNITION, file, recognition_detail(file)),
        "open_steps": _open_steps(RECOGNITION, file, request),
    }


class RecognitionVoteIn(Schema):
    meeting_date: dt.date
    votes_for: int = Field(ge=0, le=100_000)
    present: list[int] | None = Field(
        None,
        max_length=2000,
        description="Đảng viên chính thức có mặt (id); để trống: tất cả có mặt",
    )
    proposal: Proposal = Proposal.RECOGNISE
    resolution_number: str = Field("", max_length=64, description="Để trống: lập nghị quyết")
    signer_name: str = Field("", max_length=120)


class RecognitionEscalationIn(Schema):
    date: dt.date
    proposal: Proposal
    note: str = Field(max_length=255)


class RecognitionGrassrootsIn(Schema):
    date: dt.date
    resolution_number: str = Field(max_length=64)


class RecognitionDecisionIn(Schema):
    decision_date: dt.date
    decision_number: str = Field("", max_length=64, description="Để trống: lập quyết định")
    decided_by: str = Field("", max_length=255)
    deletion_reason: str = Field("", max_length=255)
    signer_name: str = Field("", max_length=120)


@router.get(
    "/recognitions",
    response={200: list[RecognitionItem], **READ_ERRORS},
    summary="Hồ sơ công nhận đảng viên chính thức",
)
def recognitions(request, query: Query[AdmissionListQuery]):
    scope = scope_for(request.auth)
    files = selectors.recognition_files_open(scope, _org(scope, query))
    return [
        {
            "id": f.pk,
            "member": {"id": f.member_id, "name": f.member.full_name},
            "organization": _ref(f.organization),
            "stage": f.stage,
            "stage_label": f.get_stage_display(),
            "probation_end": f.probation_end,
            "due_date": f.due_date,
        }
        for f in files[query.offset : query.offset + query.limit]
    ]


@router.get(
    "/recognitions/{pk}",
    response={200: RecognitionOut, **READ_ERRORS},
    summary="Một hồ sơ công nhận đảng viên chính thức",
)
def recognition(request, pk: int):
    return _recognition_out(selectors.recognition_get_for(scope_for(request.auth), pk), request)


_register_steps(
    "recognitions",
    RECOGNITION,
    selectors.recognition_get_for_step,
    _recognition_out,
    RecognitionOut,
    {
        "cell_vote": (RecognitionVoteIn, _call(services.recognition_cell_vote)),
        "escalation": (RecognitionEscalationIn, _call(services.recognition_escalation_decide)),
        "grassroots": (RecognitionGrassrootsIn, _call(services.recognition_grassroots_resolve)),
        "extension": (ExtensionIn, _call(services.recognition_extend)),
        "decision": (RecognitionDecisionIn, _call(services.recognition_decide)),
    },
)
