"""API of the member lifecycle: the open cases of every workflow (the same list
as the page «Việc cần làm»), and transfers step by step. Same scope, services
and errors as the pages: outside the scope, 404."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import Field

from dangvien.accounts.scope import scope_for
from dangvien.compliance.models import CaseKind
from dangvien.compliance.selectors import CaseFilter, open_cases_page
from dangvien.compliance.workflow import Body
from dangvien.core.errors import DomainError
from dangvien.members import selectors as member_selectors
from dangvien.movements import selectors as movement_selectors
from dangvien.movements import services as movement_services
from dangvien.movements.models import TransferKind, TransferReason
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization
from dangvien.web.cases.registry import case_display

router = Router(tags=["Quy trình"])


class Ref(Schema):
    id: int
    name: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


class CaseItem(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str
    member_id: int | None
    organization: Ref
    step: str
    step_label: str
    acting_body: str
    acting_body_label: str
    acting_organization: Ref | None
    actor: str
    due_date: dt.date | None
    overdue_days: int
    url: str


class CasePageOut(Schema):
    items: list[CaseItem]
    next_cursor: str | None


class CaseQuery(Schema):
    org: int | None = Field(None, ge=1, le=2**63 - 1, description="Tổ chức đảng (cả cây con)")
    kind: CaseKind | None = Field(None, description="Loại việc")
    overdue: bool = Field(False, description="Chỉ việc quá hạn")
    acting_body: Body | None = Field(None, description="Chỉ việc do cơ quan này thực hiện")
    mine: bool = Field(False, description="Chỉ việc tài khoản này phải thực hiện")
    cursor: str | None = Field(None, max_length=40)


ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/cases", response={200: CasePageOut, **ERRORS}, summary="Việc cần làm")
def cases(request, query: Query[CaseQuery]):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, query.org) if query.org else None
    today = dt.date.today()
    flt = CaseFilter(
        organization=org,
        kind=query.kind or "",
        overdue_only=query.overdue,
        today=today,
        acting_body=query.acting_body or "",
        mine=query.mine,
    )
    page = open_cases_page(scope, flt, query.cursor)
    return {
        "items": [
            {
                "id": c.pk,
                "kind": c.kind,
                "kind_label": c.kind_label,
                "subject": c.subject,
                "member_id": c.member_id,
                "organization": {"id": c.organization_id, "name": c.organization_name},
                "step": c.step,
                "acting_body": c.acting_body,
                "acting_body_label": Body(c.acting_body).label if c.acting_body else "",
                "acting_organization": (
                    {"id": c.acting_organization_id, "name": c.acting_organization_name}
                    if c.acting_organization_id
                    else None
                ),
                "due_date": c.due_date,
                "overdue_days": max(0, (today - c.due_date).days) if c.due_date else 0,
                **case_display(c),
            }
            for c in page.items
        ],
        "next_cursor": page.next_cursor,
    }


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
    received_on: dt.date | None
    returned_on: dt.date | None


def _transfer_out(t) -> dict:
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
        "to_organization": {"id": t.to_organization_id, "name": t.to_organization.name}
        if t.to_organization
        else None,
        "period_start": t.period_start,
        "period_end": t.period_end,
        "sent_on": t.sent_on,
        "letter_number": t.letter_number,
        "issued_by": t.issued_by,
        "present_due": t.present_due,
        "received_on": t.received_on,
        "returned_on": t.returned_on,
    }


class TransferIn(Schema):
    member: int = Field(ge=1, le=2**63 - 1)
    kind: TransferKind
    reason: TransferReason
    trigger_date: dt.date
    to_code: str | None = Field(None, max_length=40, description="Mã chi bộ nơi đến")
    to_outside: str = Field("", max_length=255, description="Nơi đến ngoài hệ thống")
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class SendIn(Schema):
    sent_on: dt.date
    dues_paid_through: str = Field(max_length=7, description="tháng/năm, ví dụ 10/2026")
    letter_number: str = Field("", max_length=64)


class ReceiveIn(Schema):
    received_on: dt.date
    dossier_checked: bool
    dossier_note: str = Field("", max_length=255)
    late_reason: str = Field("", max_length=255)


WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "/transfers/{transfer_id}", response={200: TransferOut, **ERRORS}, summary="Chuyển sinh hoạt"
)
def transfer(request, transfer_id: int):
    return _transfer_out(movement_selectors.transfer_get_for(scope_for(request.auth), transfer_id))


@router.post(
    "/transfers", response={201: TransferOut, **WRITE_ERRORS}, summary="Mở hồ sơ chuyển sinh hoạt"
)
def transfer_open(request, payload: TransferIn):
    scope = scope_for(request.auth)
    member = member_selectors.member_get_for(scope, payload.member)
    if not scope.writes_path(member.org_path):
        raise Http404
    to = None
    if payload.to_code:
        to = Organization.objects.filter(
            code=payload.to_code.replace("\x00", ""),
            level__in=MEMBER_HOLDING_LEVELS,
            valid_to__isnull=True,
        ).first()
        if to is None:
            raise DomainError("Không có chi bộ đang hoạt động mang mã này.", field="to_code")
    created = movement_services.transfer_open(
        actor=request.auth,
        member=member,
        kind=payload.kind,
        reason=payload.reason,
        trigger_date=payload.trigger_date,
        to_organization=to,
        to_outside=payload.to_outside.replace("\x00", ""),
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Reply(201, _transfer_out(created))


def _step_target(request, transfer_id: int, path_of):
    scope = scope_for(request.auth)
    found = movement_selectors.transfer_get_for(scope, transfer_id)
    if not scope.writes_path(path_of(found)):
        raise Http404
    return found


@router.post(
    "/transfers/{transfer_id}/send",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="Cấp giấy giới thiệu",
)
def transfer_send(request, transfer_id: int, payload: SendIn):
    found = _step_target(
        request,
        transfer_id,
        lambda t: movement_services.transfer_issuer(t)[0].path if t.from_organization else "~",
    )
    done = movement_services.transfer_send(
        actor=request.auth,
        transfer=found,
        sent_on=payload.sent_on,
        dues_paid_through=payload.dues_paid_through,
        letter_number=payload.letter_number.replace("\x00", ""),
    )
    return _transfer_out(done)


@router.post(
    "/transfers/{transfer_id}/receive",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="Tiếp nhận",
)
def transfer_receive(request, transfer_id: int, payload: ReceiveIn):
    found = _step_target(request, transfer_id, lambda t: t.to_path or "~")
    done = movement_services.transfer_receive(
        actor=request.auth,
        transfer=found,
        received_on=payload.received_on,
        dossier_checked=payload.dossier_checked,
        dossier_note=payload.dossier_note.replace("\x00", ""),
        late_reason=payload.late_reason.replace("\x00", ""),
    )
    return _transfer_out(done)
