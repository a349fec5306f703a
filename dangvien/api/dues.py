"""API of party dues (issue 11, part 6): a cell's ledger for a month, a
member's ledger, payments (cash or a National Public Service Portal
reference), correction entries, computing and closing a month, the member's
dues profile and reliefs, the committee's overview and the arrears of a year.
Reads go through dues.selectors on organisations and members found in the
caller's scope, writes through dues.services, as the pages do. Outside the
scope: 404; a role that may not act: 403 `not_acting_body`; a refusal: 400
with the DuesError code and its Vietnamese message, nothing written.

(No `from __future__ import annotations`: see api/common.py.)
"""

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from dangvien.accounts.scope import Scope, scope_for
from dangvien.core.errors import NotFound
from dangvien.dues import rules, selectors, services
from dangvien.dues.errors import DuesError
from dangvien.dues.models import (
    DuesLedger,
    DuesPayment,
    DuesProfile,
    DuesRelief,
    LedgerStatus,
)
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import Organization

from .common import ID, READ_ERRORS, WRITE_ERRORS, ErrorOut, Input, Ref, ref

router = Router(tags=["Đảng phí"])

MONTH = r"^(19[3-9]\d|20\d\d|2100)-(0[1-9]|1[0-2])$"
MONTH_DOC = "Tháng, dạng YYYY-MM"
# Amounts are whole đồng; a float or a negative reaches the service, which
# answers with its own code (amount_not_whole, amount_not_positive).
AMOUNT_LIMIT = 2**31 - 1


def _month(text: str) -> dt.date:
    year, month = (int(x) for x in text.split("-"))
    return dt.date(year, month, 1)


def _cell_get_for(scope: Scope, pk: int) -> Organization:
    """A cell (an organisation holding members) in the scope; 404 outside,
    400 `not_a_cell` for a committee."""
    org = org_selectors.organization_get_for(scope, pk)
    if not org.holds_members:
        raise DuesError.NOT_A_CELL.error(field="cell", organization=org.name)
    return org


def _member_paying(scope: Scope, pk: int, month: dt.date) -> Member:
    """The member if the scope reaches their record or the cell where they pay
    `month` (a member on a temporary transfer pays where attached, R2.4);
    NotFound otherwise."""
    try:
        return member_selectors.member_get_for(scope, pk)
    except NotFound:
        member = Member.objects.filter(pk=pk).select_related("organization").first()
        if member is not None and scope.reaches_path(services.paying_cell(member, month).path):
            return member
        raise


def _ledger_get_for(scope: Scope, pk: int) -> DuesLedger:
    row = DuesLedger.objects.select_related("organization", "member").filter(pk=pk).first()
    if row is None or not scope.reaches_path(row.organization.path):
        raise NotFound()
    return row


# --- output ------------------------------------------------------------------------


class DuesPaymentOut(Schema):
    id: int
    kind: str
    kind_label: str
    month: dt.date
    amount: int
    channel: str
    channel_label: str
    reference: str | None
    receipt_number: str
    paid_on: dt.date
    advance: bool
    corrects: int | None
    reason: str


class DuesLedgerOut(Schema):
    id: int
    member: Ref
    month: dt.date
    organization: Ref
    system: str
    category: str
    basis: str
    relief_percent: int
    amount_due: int
    amount_paid: int
    outstanding: int
    paid_on: dt.date | None
    status: str
    status_label: str
    reason: str
    closed: bool


class DuesHistoryRowOut(DuesLedgerOut):
    payments: list[DuesPaymentOut]


class DuesSheetRowOut(Schema):
    member: Ref
    profile_category: str | None
    ledger: DuesLedgerOut | None


def _payment_out(p: DuesPayment) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "month": p.month,
        "amount": p.amount,
        "channel": p.channel,
        "channel_label": p.get_channel_display(),
        "reference": p.reference,
        "receipt_number": p.receipt_number,
        "paid_on": p.paid_on,
        "advance": p.advance,
        "corrects": p.corrects_id,
        "reason": p.reason,
    }


def _ledger_out(row: DuesLedger, member: Member, org: Organization) -> dict:
    return {
        "id": row.pk,
        "member": {"id": member.pk, "name": member.full_name},
        "month": row.month,
        "organization": ref(org),
        "system": row.system,
        "category": row.category,
        "basis": row.basis,
        "relief_percent": row.relief_percent,
        "amount_due": row.amount_due,
        "amount_paid": row.amount_paid,
        "outstanding": row.outstanding,
        "paid_on": row.paid_on,
        "status": row.status,
        "status_label": LedgerStatus(row.status).label,
        "reason": row.reason,
        "closed": row.closed,
    }


# --- reads -------------------------------------------------------------------------


class DuesSheetQuery(Schema):
    cell: int = ID
    month: str = Field(pattern=MONTH, description=MONTH_DOC)


@router.get(
    "/dues/ledger",
    response={200: list[DuesSheetRowOut], **READ_ERRORS, 400: ErrorOut},
    summary="Sổ đảng phí của chi bộ trong tháng",
    operation_id="dues_ledger_month",
)
def dues_ledger_month(request, query: Query[DuesSheetQuery]):
    cell = _cell_get_for(scope_for(request.auth), query.cell)
    return [
        {
            "member": {"id": r.member.pk, "name": r.member.full_name},
            "profile_category": r.profile.category if r.profile else None,
            "ledger": _ledger_out(r.ledger, r.member, cell) if r.ledger else None,
        }
        for r in selectors.month_sheet(cell, _month(query.month))
    ]


class DuesYearQuery(Schema):
    year: int | None = Field(None, ge=1930, le=2100)


@router.get(
    "/dues/members/{pk}/ledger",
    response={200: list[DuesHistoryRowOut], **READ_ERRORS},
    summary="Đảng phí của một đảng viên qua các tháng",
    operation_id="dues_member_ledger",
)
def dues_member_ledger(request, pk: int, query: Query[DuesYearQuery]):
    member = member_selectors.member_get_for(scope_for(request.auth), pk)
    return [
        {
            **_ledger_out(row, member, row.organization),
            "payments": [_payment_out(p) for p in sorted(row.payments.all(), key=lambda p: p.pk)],
        }
        for row in selectors.member_history(member, query.year)
    ]


class DuesOverviewQuery(Schema):
    org: int = ID
    month: str = Field(pattern=MONTH, description=MONTH_DOC)


class DuesCellMonthOut(Schema):
    cell: Ref
    members: int
    due: int
    paid: int
    paid_count: int
    unpaid_count: int
    exempt_count: int
    closed: bool
    closed_on: dt.date | None
    kept: int | None
    sent_up: int | None
    late: bool


@router.get(
    "/dues/overview",
    response={200: list[DuesCellMonthOut], **READ_ERRORS},
    summary="Thu, nộp đảng phí của các chi bộ trong tháng",
    operation_id="dues_overview",
)
def dues_overview(request, query: Query[DuesOverviewQuery]):
    org = org_selectors.organization_get_for(scope_for(request.auth), query.org)
    return [
        {
            "cell": ref(c.organization),
            "members": c.members,
            "due": c.due,
            "paid": c.paid,
            "paid_count": c.paid_count,
            "unpaid_count": c.unpaid_count,
            "exempt_count": c.exempt_count,
            "closed": c.closed is not None,
            "closed_on": c.closed.closed_on if c.closed else None,
            "kept": c.closed.kept if c.closed else None,
            "sent_up": c.closed.sent_up if c.closed else None,
            "late": c.late,
        }
        for c in selectors.committee_overview(org, _month(query.month), today=dt.date.today())
    ]


class DuesArrearsQuery(Schema):
    org: int = ID
    year: int = Field(ge=2011, le=2100)
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(500, ge=1, le=2000)


class DuesArrearsOut(Schema):
    member: Ref
    organization: Ref
    months: list[dt.date] = Field(description="Tháng đã khóa sổ, không đóng, không có lý do")
    open_months: list[dt.date] = Field(description="Tháng đã qua, chưa đóng, chưa khóa sổ")
    excused_months: list[dt.date] = Field(description="Tháng không đóng, có lý do")
    amount: int
    name_deletion: bool = Field(description="Đủ số tháng để chi bộ xem xét xóa tên (R5.8)")


@router.get(
    "/dues/arrears",
    response={200: list[DuesArrearsOut], **READ_ERRORS},
    summary="Đảng viên nợ đảng phí trong năm",
    operation_id="dues_arrears",
)
def dues_arrears(request, query: Query[DuesArrearsQuery]):
    org = org_selectors.organization_get_for(scope_for(request.auth), query.org)
    items = selectors.arrears(org, query.year, today=dt.date.today())
    page = items[query.offset : query.offset + query.limit]
    names = dict(
        Organization.objects.filter(pk__in={a.member.organization_id for a in page}).values_list(
            "pk", "name"
        )
    )
    return [
        {
            "member": {"id": a.member.pk, "name": a.member.full_name},
            "organization": {
                "id": a.member.organization_id,
                "name": names.get(a.member.organization_id, ""),
            },
            "months": a.months,
            "open_months": a.open_months,
            "excused_months": a.excused_months,
            "amount": a.amount,
            "name_deletion": a.reaches_limit,
        }
        for a in page
    ]


# --- payments and corrections -------------------------------------------------------


class DuesPaymentIn(Input):
    member: int = ID
    month: str = Field(pattern=MONTH, description=MONTH_DOC)
    amount: int | float = Field(le=AMOUNT_LIMIT, description="Số tiền (đồng, số nguyên dương)")
    channel: str = Field(max_length=8, description="cash (tiền mặt tại chi bộ) hoặc portal")
    paid_on: dt.date
    reference: str = Field(
        "", max_length=64, description="Mã giao dịch trên Cổng Dịch vụ công Quốc gia"
    )
    receipt_number: str = Field("", max_length=32, description="Số biên lai; để trống: tự đánh")


@router.post(
    "/dues/payments",
    response={201: DuesPaymentOut, **WRITE_ERRORS},
    summary="Ghi đảng viên đóng đảng phí tháng",
    operation_id="dues_payment_record",
)
def dues_payment_record(request, payload: DuesPaymentIn):
    month = _month(payload.month)
    member = _member_paying(scope_for(request.auth), payload.member, month)
    payment = services.payment_record(
        actor=request.auth,
        member=member,
        month=month,
        amount=payload.amount,  # type: ignore[arg-type]  # a float is refused there
        channel=payload.channel,
        paid_on=payload.paid_on,
        reference=payload.reference,
        receipt_number=payload.receipt_number,
    )
    return Status(201, _payment_out(payment))


class DuesCorrectionIn(Input):
    amount: int | float = Field(
        ge=-AMOUNT_LIMIT, le=AMOUNT_LIMIT, description="Số tiền điều chỉnh (đồng, âm để giảm)"
    )
    reason: str = Field(max_length=255)
    on: dt.date


@router.post(
    "/dues/ledger/{pk}/corrections",
    response={201: DuesPaymentOut, **WRITE_ERRORS},
    summary="Bút toán điều chỉnh sổ đảng phí (kể cả tháng đã khóa)",
    operation_id="dues_ledger_correct",
)
def dues_ledger_correct(request, pk: int, payload: DuesCorrectionIn):
    row = _ledger_get_for(scope_for(request.auth), pk)
    payment = services.payment_correct(
        actor=request.auth,
        ledger=row,
        amount=payload.amount,  # type: ignore[arg-type]  # a float is refused there
        reason=payload.reason,
        on=payload.on,
    )
    return Status(201, _payment_out(payment))


# --- computing and closing a month ----------------------------------------------------


class DuesMonthIn(Input):
    org: int = ID
    month: str = Field(pattern=MONTH, description=MONTH_DOC)


class DuesComputedOut(Schema):
    created: int
    updated: int
    kept: int
    without_profile: int


@router.post(
    "/dues/months/compute",
    response={200: DuesComputedOut, **WRITE_ERRORS},
    summary="Lập (tính lại) sổ đảng phí tháng cho chi bộ hoặc cả cây tổ chức",
    operation_id="dues_month_compute",
)
def dues_month_compute(request, payload: DuesMonthIn):
    org = org_selectors.organization_get_for(scope_for(request.auth), payload.org)
    done = services.month_compute(actor=request.auth, organization=org, month=_month(payload.month))
    return {
        "created": done.created,
        "updated": done.updated,
        "kept": done.kept,
        "without_profile": done.without_profile,
    }


class DuesUnpaidReasonIn(Input):
    member: int = ID
    reason: str = Field(max_length=160)


class DuesCloseIn(DuesMonthIn):
    reasons: list[DuesUnpaidReasonIn] = Field(
        default_factory=list,
        max_length=5000,
        description="Lý do của đảng viên không đóng (tháng được tính là có lý do)",
    )


class DuesClosedOut(Schema):
    cells: int
    rows: int
    unpaid: int
    excused: int
    already_closed: int


@router.post(
    "/dues/months/close",
    response={200: DuesClosedOut, **WRITE_ERRORS},
    summary="Khóa sổ đảng phí tháng (chi bộ, hoặc mọi chi bộ chưa khóa của cây tổ chức)",
    operation_id="dues_month_close",
)
def dues_month_close(request, payload: DuesCloseIn):
    org = org_selectors.organization_get_for(scope_for(request.auth), payload.org)
    done = services.month_close(
        actor=request.auth,
        organization=org,
        month=_month(payload.month),
        reasons={r.member: r.reason for r in payload.reasons},
    )
    return {
        "cells": done.cells,
        "rows": done.rows,
        "unpaid": done.unpaid,
        "excused": done.excused,
        "already_closed": done.already_closed,
    }


# --- profile and reliefs -------------------------------------------------------------


class DuesProfileOut(Schema):
    id: int
    member: Ref
    valid_from: dt.date
    category: str
    category_label: str
    base: int | None
    voluntary: int | None
    voluntary_approved_by: Ref | None
    note: str


def _profile_out(p: DuesProfile, member: Member) -> dict:
    return {
        "id": p.pk,
        "member": {"id": member.pk, "name": member.full_name},
        "valid_from": p.valid_from,
        "category": p.category,
        "category_label": p.get_category_display(),
        "base": p.base,
        "voluntary": p.voluntary,
        "voluntary_approved_by": ref(p.voluntary_approved_by),
        "note": p.note,
    }


@router.get(
    "/dues/members/{pk}/profiles",
    response={200: list[DuesProfileOut], **READ_ERRORS},
    summary="Đối tượng đóng đảng phí của đảng viên (theo thời gian)",
    operation_id="dues_profile_list",
)
def dues_profile_list(request, pk: int):
    member = member_selectors.member_get_for(scope_for(request.auth), pk)
    rows = DuesProfile.objects.filter(member=member).select_related("voluntary_approved_by")
    return [_profile_out(p, member) for p in rows.order_by("-valid_from", "-id")]


class DuesProfileIn(Input):
    member: int = ID
    valid_from: dt.date
    category: str = Field(
        max_length=20, description=", ".join(code for code, _ in rules.Category.CHOICES)
    )
    base: int | float | None = Field(
        None, le=2**53, description="Căn cứ tính (đồng/tháng): lương đóng BHXH, trợ cấp, lương hưu"
    )
    voluntary: int | float | None = Field(
        None, le=AMOUNT_LIMIT, description="Mức tự nguyện đóng cao hơn (đồng/tháng)"
    )
    note: str = Field("", max_length=255)


@router.post(
    "/dues/profiles",
    response={201: DuesProfileOut, **WRITE_ERRORS},
    summary="Ghi đối tượng đóng đảng phí của đảng viên từ một ngày",
    operation_id="dues_profile_set",
)
def dues_profile_set(request, payload: DuesProfileIn):
    member = member_selectors.member_get_for(scope_for(request.auth), payload.member)
    profile = services.profile_set(
        actor=request.auth,
        member=member,
        valid_from=payload.valid_from,
        category=payload.category,
        base=payload.base,  # type: ignore[arg-type]  # a float is refused there
        voluntary=payload.voluntary,  # type: ignore[arg-type]
        note=payload.note,
    )
    return Status(201, _profile_out(profile, member))


@router.post(
    "/dues/profiles/{pk}/approve-voluntary",
    response={200: DuesProfileOut, **WRITE_ERRORS},
    summary="Cấp ủy cấp trên đồng ý mức đóng tự nguyện cao hơn",
    operation_id="dues_profile_approve_voluntary",
)
def dues_profile_approve_voluntary(request, pk: int):
    scope = scope_for(request.auth)
    profile = DuesProfile.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if profile is None:
        raise NotFound()
    member = member_selectors.member_get_for(scope, profile.member_id)
    approved = services.voluntary_approve(actor=request.auth, profile=profile)
    return _profile_out(approved, member)


class DuesReliefOut(Schema):
    id: int
    member: Ref
    kind: str
    kind_label: str
    percent: int
    ground: str
    ground_label: str
    first_month: dt.date
    last_month: dt.date
    decided_by: Ref
    decision: str
    decided_on: dt.date
    cancelled_on: dt.date | None


def _relief_out(r: DuesRelief, member: Member) -> dict:
    return {
        "id": r.pk,
        "member": {"id": member.pk, "name": member.full_name},
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "percent": r.percent,
        "ground": r.ground,
        "ground_label": r.get_ground_display(),
        "first_month": r.first_month,
        "last_month": r.last_month,
        "decided_by": ref(r.decided_by),
        "decision": r.decision,
        "decided_on": r.decided_on,
        "cancelled_on": r.cancelled_on,
    }


@router.get(
    "/dues/members/{pk}/reliefs",
    response={200: list[DuesReliefOut], **READ_ERRORS},
    summary="Miễn, giảm đảng phí của đảng viên",
    operation_id="dues_relief_list",
)
def dues_relief_list(request, pk: int):
    member = member_selectors.member_get_for(scope_for(request.auth), pk)
    rows = DuesRelief.objects.filter(member=member).select_related("decided_by")
    return [_relief_out(r, member) for r in rows.order_by("-first_month", "-id")]


class DuesReliefIn(Input):
    member: int = ID
    kind: str = Field(max_length=12, description="exemption (miễn) hoặc reduction (giảm)")
    percent: int = Field(100, ge=0, le=100, description="Mức giảm: 30, 50 hoặc 70; miễn: 100")
    ground: str = Field(max_length=20, description="poor, near_poor, serious_illness, hardship")
    first_month: str = Field(pattern=MONTH, description=MONTH_DOC)
    last_month: str = Field(pattern=MONTH, description=MONTH_DOC)
    decided_on: dt.date
    decision: str = Field("", max_length=64, description="Số nghị quyết, quyết định")


@router.post(
    "/dues/reliefs",
    response={201: DuesReliefOut, **WRITE_ERRORS},
    summary="Quyết định miễn, giảm đảng phí",
    operation_id="dues_relief_decide",
)
def dues_relief_decide(request, payload: DuesReliefIn):
    member = _member_paying(scope_for(request.auth), payload.member, dt.date.today())
    relief = services.relief_decide(
        actor=request.auth,
        member=member,
        kind=payload.kind,
        percent=payload.percent,
        ground=payload.ground,
        first_month=_month(payload.first_month),
        last_month=_month(payload.last_month),
        decided_on=payload.decided_on,
        decision=payload.decision,
    )
    return Status(201, _relief_out(relief, member))


__all__ = ["router"]
