"""API of transfers of party activity and removal from the Party, from the
workflow tables (dangvien/movements/workflow.py).

Transfers: list, detail (with the steps open to the caller), open, register a
member arriving from outside, and one POST per step of the table (send,
receive, return, reissue, cancel). Removals: list, detail, propose (the cell's vote),
decide (the step of the table), record (expulsion, death).

Same selectors and services as the pages. Outside the scope: 404. A step the
caller's roles do not reach: 403 with code `not_acting_body`. Other refusals:
400 {code, message, errors} (422 for several fields at once), through the
handlers of dangvien/api/api.py. Nothing is written on refusal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import Field

from dangvien.accounts.scope import scope_for
from dangvien.compliance.workflow import Workflow
from dangvien.core.errors import NotFound
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Gender
from dangvien.movements import selectors, services
from dangvien.movements.errors import MovementError
from dangvien.movements.models import (
    ReissueReason,
    Removal,
    RemovalCause,
    RemovalKind,
    Transfer,
    TransferKind,
    TransferReason,
)
from dangvien.movements.workflow import REMOVAL, TRANSFER
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization

from .common import ErrorOut, Input, Ref

router = Router(tags=["Chuyển sinh hoạt, ra khỏi Đảng"])
# Fixed paths (/transfers/incoming, /removals/record) are declared before the
# paths with an id, which would otherwise take them.

PK = Field(ge=1, le=2**63 - 1)


class StepOut(Schema):
    code: str
    label: str
    acting_body: str
    acting_body_label: str
    acting_organization: Ref | None


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}


def _ref(org: Organization | None) -> dict | None:
    return {"id": org.pk, "name": org.name} if org else None


def _open_steps(workflow: Workflow, obj, user) -> list[dict]:
    """The steps of the table the caller may take on `obj` now."""
    return [
        {
            "code": s.code,
            "label": s.label,
            "acting_body": str(s.body_of(obj)),
            "acting_body_label": str(s.body_of(obj).label),
            "acting_organization": _ref(s.acting(obj)),
        }
        for s in workflow.open_steps(obj, user)
    ]


def _org_or_root(scope, org_id: int | None) -> Organization:
    if org_id:
        return org_selectors.organization_get_for(scope, org_id)
    roots = org_selectors.organization_roots_for(scope)
    if not roots:
        raise NotFound()
    return roots[0]


# --- transfers ------------------------------------------------------------------


class TransferOut(Schema):
    id: int
    member: Ref
    kind: str
    reason: str
    status: str
    status_label: str
    trigger_date: dt.date
    start_due: dt.date
    origin: str
    destination: str
    to_organization: Ref | None
    period_start: dt.date | None
    period_end: dt.date | None
    sent_on: dt.date | None
    letter_number: str
    issued_by: str
    present_due: dt.date | None
    reissued_on: dt.date | None
    reissue_reason: str
    received_on: dt.date | None
    late_reason: str
    returned_on: dt.date | None


class TransferDetailOut(TransferOut):
    open_steps: list[StepOut]


class TransferPageOut(Schema):
    items: list[TransferOut]


def _transfer_out(t: Transfer) -> dict:
    return {
        "id": t.pk,
        "member": {"id": t.member_id, "name": t.member.full_name},
        "kind": t.kind,
        "reason": t.reason,
        "status": t.status,
        "status_label": t.get_status_display(),
        "trigger_date": t.trigger_date,
        "start_due": t.start_due,
        "origin": t.origin,
        "destination": t.destination,
        "to_organization": _ref(t.to_organization),
        "period_start": t.period_start,
        "period_end": t.period_end,
        "sent_on": t.sent_on,
        "letter_number": t.letter_number,
        "issued_by": t.issued_by,
        "present_due": t.present_due,
        "reissued_on": t.reissued_on,
        "reissue_reason": t.reissue_reason,
        "received_on": t.received_on,
        "late_reason": t.late_reason,
        "returned_on": t.returned_on,
    }


class TransferQuery(Schema):
    org: int | None = Field(None, ge=1, le=2**63 - 1, description="Tổ chức đảng (cả cây con)")
    open_only: bool = Field(True, description="Chỉ hồ sơ chưa kết thúc")


class TransferIn(Input):
    member: int = PK
    kind: TransferKind
    reason: TransferReason
    trigger_date: dt.date
    to_code: str | None = Field(None, max_length=40, description="Mã chi bộ nơi đến")
    to_outside: str = Field("", max_length=255, description="Nơi đến ngoài hệ thống")
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    note: str = Field("", max_length=2000)


class SendIn(Input):
    sent_on: dt.date
    dues_paid_through: str = Field(max_length=7, description="tháng/năm, ví dụ 10/2026")
    letter_number: str = Field("", max_length=64)


class ReceiveIn(Input):
    received_on: dt.date
    dossier_checked: bool
    dossier_note: str = Field("", max_length=255)
    late_reason: str = Field("", max_length=255)


class ReturnIn(Input):
    returned_on: dt.date


class ReissueIn(Input):
    reissued_on: dt.date
    reason: ReissueReason = Field(description="lost: bị mất; damaged: bị hư hỏng")
    note: str = Field("", max_length=255)


class CancelIn(Input):
    reason: str = Field(max_length=255, description="Lý do hủy")


class IncomingMember(Input):
    family_name: str = Field(max_length=40)
    middle_name: str = Field("", max_length=60)
    given_name: str = Field(max_length=40)
    gender: Gender
    birth_date: dt.date
    admission_decision_date: dt.date | None = None
    joining_date: dt.date | None = None
    official_date: dt.date | None = None
    party_card_number: str | None = Field(None, max_length=20)


class IncomingIn(Input):
    organization: int = PK
    member: IncomingMember
    from_outside: str = Field(max_length=255, description="Tổ chức đảng nơi đi")
    letter_number: str = Field(max_length=64)
    sent_on: dt.date
    received_on: dt.date
    dossier_checked: bool
    dues_paid_through: str = Field("", max_length=7)
    late_reason: str = Field("", max_length=255, description="Bắt buộc khi xuất trình quá hạn")


@router.get(
    "/transfers", response={200: TransferPageOut, **READ_ERRORS}, summary="Chuyển sinh hoạt"
)
def transfer_list(request, query: Query[TransferQuery]):
    scope = scope_for(request.auth)
    org = _org_or_root(scope, query.org)
    found = selectors.transfers_of(scope, org, open_only=query.open_only)[:200]
    return {"items": [_transfer_out(t) for t in found]}


@router.post(
    "/transfers", response={201: TransferOut, **WRITE_ERRORS}, summary="Mở hồ sơ chuyển sinh hoạt"
)
def transfer_open(request, payload: TransferIn):
    scope = scope_for(request.auth)
    member = member_selectors.member_get_for(scope, payload.member)
    to = None
    if payload.to_code:
        # A destination may lie outside the caller's scope: it is named by its code.
        to = Organization.objects.filter(
            code=payload.to_code, level__in=MEMBER_HOLDING_LEVELS, valid_to__isnull=True
        ).first()
        if to is None:
            raise MovementError.DESTINATION_UNKNOWN_CODE.error(field="to_code")
    created = services.transfer_open(
        actor=request.auth,
        member=member,
        kind=payload.kind,
        reason=payload.reason,
        trigger_date=payload.trigger_date,
        to_organization=to,
        to_outside=payload.to_outside,
        period_start=payload.period_start,
        period_end=payload.period_end,
        note=payload.note,
    )
    return Reply(201, _transfer_out(created))


@router.post(
    "/transfers/incoming",
    response={201: TransferOut, **WRITE_ERRORS},
    summary="Tiếp nhận đảng viên chuyển đến từ ngoài hệ thống",
)
def transfer_incoming(request, payload: IncomingIn):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, payload.organization)
    created = services.transfer_register_incoming(
        actor=request.auth,
        organization=org,
        data=payload.member.model_dump(exclude_none=True),
        from_outside=payload.from_outside,
        letter_number=payload.letter_number,
        sent_on=payload.sent_on,
        received_on=payload.received_on,
        dossier_checked=payload.dossier_checked,
        dues_paid_through=payload.dues_paid_through,
        late_reason=payload.late_reason,
    )
    return Reply(201, _transfer_out(created))


@router.get(
    "/transfers/{transfer_id}",
    response={200: TransferDetailOut, **READ_ERRORS},
    summary="Hồ sơ chuyển sinh hoạt và các bước tài khoản này thực hiện được",
)
def transfer(request, transfer_id: int):
    found = selectors.transfer_get_for(scope_for(request.auth), transfer_id)
    return {**_transfer_out(found), "open_steps": _open_steps(TRANSFER, found, request.auth)}


def _step_target(request, transfer_id: int, step: str) -> Transfer:
    return selectors.transfer_get_for_step(scope_for(request.auth), transfer_id, step)


@router.post(
    "/transfers/{transfer_id}/send",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="Cấp giấy giới thiệu sinh hoạt đảng",
)
def transfer_send(request, transfer_id: int, payload: SendIn):
    done = services.transfer_send(
        actor=request.auth,
        transfer=_step_target(request, transfer_id, "send"),
        sent_on=payload.sent_on,
        dues_paid_through=payload.dues_paid_through,
        letter_number=payload.letter_number,
    )
    return _transfer_out(done)


@router.post(
    "/transfers/{transfer_id}/receive",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="Tiếp nhận đảng viên và hồ sơ",
)
def transfer_receive(request, transfer_id: int, payload: ReceiveIn):
    done = services.transfer_receive(
        actor=request.auth,
        transfer=_step_target(request, transfer_id, "receive"),
        received_on=payload.received_on,
        dossier_checked=payload.dossier_checked,
        dossier_note=payload.dossier_note,
        late_reason=payload.late_reason,
    )
    return _transfer_out(done)


@router.post(
    "/transfers/{transfer_id}/return",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="Trở về sinh hoạt (hết tạm thời)",
)
def transfer_return(request, transfer_id: int, payload: ReturnIn):
    done = services.transfer_return(
        actor=request.auth,
        transfer=_step_target(request, transfer_id, "return"),
        returned_on=payload.returned_on,
    )
    return _transfer_out(done)


@router.post(
    "/transfers/{transfer_id}/reissue",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="Cấp lại giấy giới thiệu (giấy bị mất, hư hỏng)",
)
def transfer_reissue(request, transfer_id: int, payload: ReissueIn):
    done = services.transfer_reissue(
        actor=request.auth,
        transfer=_step_target(request, transfer_id, "reissue"),
        reissued_on=payload.reissued_on,
        reason=payload.reason,
        note=payload.note,
    )
    return _transfer_out(done)


@router.post(
    "/transfers/{transfer_id}/cancel",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="Hủy hồ sơ (chưa cấp giấy)",
)
def transfer_cancel(request, transfer_id: int, payload: CancelIn):
    done = services.transfer_cancel(
        actor=request.auth,
        transfer=_step_target(request, transfer_id, "cancel"),
        reason=payload.reason,
    )
    return _transfer_out(done)


# --- removals -------------------------------------------------------------------


class RemovalOut(Schema):
    id: int
    member: Ref
    kind: str
    kind_label: str
    cause: str
    status: str
    status_label: str
    organization: Ref
    meeting_on: dt.date | None
    official_members: int | None
    vote_base: int | None
    present_count: int | None
    present: list[int]
    not_counted: dict[str, str]
    votes_for: int | None
    resolution_number: str
    decided_by: str
    decision_number: str
    decision_date: dt.date | None
    effective_date: dt.date | None


class RemovalDetailOut(RemovalOut):
    open_steps: list[StepOut]


class RemovalPageOut(Schema):
    items: list[RemovalOut]


def _removal_out(r: Removal) -> dict:
    return {
        "id": r.pk,
        "member": {"id": r.member_id, "name": r.member.full_name},
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "cause": r.cause,
        "status": r.status,
        "status_label": r.get_status_display(),
        "organization": _ref(r.organization),
        "meeting_on": r.meeting_on,
        "official_members": r.official_members,
        "vote_base": r.base,
        "present_count": r.present_count,
        "present": [row["id"] for row in r.roll or [] if row.get("present")],
        "not_counted": {
            str(row["id"]): row["reason"] for row in r.roll or [] if not row.get("counted")
        },
        "votes_for": r.votes_for,
        "resolution_number": r.resolution_number,
        "decided_by": r.decided_by,
        "decision_number": r.decision_number,
        "decision_date": r.decision_date,
        "effective_date": r.effective_date,
    }


class RemovalQuery(Schema):
    org: int | None = Field(None, ge=1, le=2**63 - 1, description="Tổ chức đảng (cả cây con)")


class ProposeIn(Input):
    member: int = PK
    kind: RemovalKind
    meeting_on: dt.date
    votes_for: int = Field(ge=0, le=100000)
    cause: RemovalCause | None = None
    evidence_months: list[dt.date] = Field(
        default_factory=list,
        max_length=36,
        description="Các tháng vi phạm (ngày bất kỳ trong tháng)",
    )
    educated_on: dt.date | None = None
    breach_years: list[int] = Field(default_factory=list, max_length=20)
    details: str = Field("", max_length=4000)
    resolution_number: str = Field("", max_length=64)
    present: list[int] | None = Field(
        None,
        max_length=2000,
        description="Đảng viên chính thức có mặt (id); để trống: tất cả có mặt",
    )


class DecideIn(Input):
    approved: bool
    decided_by: str = Field(max_length=255)
    decision_number: str = Field(max_length=64)
    decision_date: dt.date
    effective_date: dt.date | None = None


class RecordIn(Input):
    member: int = PK
    kind: RemovalKind
    date: dt.date
    decided_by: str = Field("", max_length=255)
    decision_number: str = Field("", max_length=64)
    decision_date: dt.date | None = None
    details: str = Field("", max_length=4000)


@router.get("/removals", response={200: RemovalPageOut, **READ_ERRORS}, summary="Ra khỏi Đảng")
def removal_list(request, query: Query[RemovalQuery]):
    scope = scope_for(request.auth)
    org = _org_or_root(scope, query.org)
    return {"items": [_removal_out(r) for r in selectors.removals_of(scope, org)[:300]]}


@router.post(
    "/removals",
    response={201: RemovalOut, **WRITE_ERRORS},
    summary="Chi bộ đề nghị xóa tên, cho ra khỏi Đảng",
)
def removal_propose(request, payload: ProposeIn):
    member = member_selectors.member_get_for(scope_for(request.auth), payload.member)
    created = services.removal_propose(
        actor=request.auth,
        member=member,
        kind=payload.kind,
        meeting_on=payload.meeting_on,
        votes_for=payload.votes_for,
        cause=payload.cause or "",
        evidence_months=payload.evidence_months,
        educated_on=payload.educated_on,
        breach_years=payload.breach_years,
        details=payload.details,
        resolution_number=payload.resolution_number,
        present=payload.present,
    )
    return Reply(201, _removal_out(created))


@router.post(
    "/removals/record",
    response={201: RemovalOut, **WRITE_ERRORS},
    summary="Ghi khai trừ, từ trần",
)
def removal_record(request, payload: RecordIn):
    member = member_selectors.member_get_for(scope_for(request.auth), payload.member)
    created = services.removal_record(
        actor=request.auth,
        member=member,
        kind=payload.kind,
        date=payload.date,
        decided_by=payload.decided_by,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        details=payload.details,
    )
    return Reply(201, _removal_out(created))


@router.get(
    "/removals/{removal_id}",
    response={200: RemovalDetailOut, **READ_ERRORS},
    summary="Hồ sơ ra khỏi Đảng và các bước tài khoản này thực hiện được",
)
def removal(request, removal_id: int):
    found = selectors.removal_get_for(scope_for(request.auth), removal_id)
    return {**_removal_out(found), "open_steps": _open_steps(REMOVAL, found, request.auth)}


@router.post(
    "/removals/{removal_id}/decide",
    response={200: RemovalOut, **WRITE_ERRORS},
    summary="Cấp ủy có thẩm quyền quyết định",
)
def removal_decide(request, removal_id: int, payload: DecideIn):
    found = selectors.removal_get_for_step(scope_for(request.auth), removal_id, "decide")
    done = services.removal_decide(
        actor=request.auth,
        removal=found,
        approved=payload.approved,
        decided_by=payload.decided_by,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        effective_date=payload.effective_date,
    )
    return _removal_out(done)
