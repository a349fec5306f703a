"""Transfers and removals: one function per step, each in one transaction.

Each step checks that it may follow the transfer's or removal's status (the
tables STEP_FROM below), writes the membership event where the step takes
effect, keeps the open-cases table in step (compliance.case_sync) and leaves
who/when/before/after in the row's history. A refused step changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.urls import reverse

from dangvien.compliance.models import Case, CaseKind
from dangvien.compliance.services import case_close, case_sync
from dangvien.core.actors import history_user
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.documents.models import DocumentKind
from dangvien.documents.services import document_issue
from dangvien.members import services as member_services
from dangvien.members.models import ACTIVE_STATUSES, EventKind, Member, Status
from dangvien.members.selectors import official_member_count_on
from dangvien.organizations.models import Organization
from dangvien.organizations.selectors import organization_ancestors

from . import rules
from .models import (
    Removal,
    RemovalCause,
    RemovalKind,
    RemovalStatus,
    Transfer,
    TransferKind,
    TransferReason,
    TransferStatus,
)

SENDING, RECEIVING = "", "receiving"


def _chain(org: Organization) -> list[Organization]:
    return [*organization_ancestors(org), org]


def transfer_issuer(transfer: Transfer) -> tuple[Organization, str]:
    """The body that issues the letter and the capacity it signs in (R2.2)."""
    to_chain = _chain(transfer.to_organization) if transfer.to_organization else None
    return rules.letter_issuer(_chain(transfer.from_organization), to_chain)


def _transfer_url(transfer: Transfer) -> str:
    return reverse("transfer_detail", args=[transfer.pk])


def _sync_transfer_cases(transfer: Transfer, today: dt.date) -> None:
    """The cases of a transfer after each step: who acts next, by when."""
    name = transfer.member.full_name
    url = _transfer_url(transfer)
    common = {"kind": CaseKind.TRANSFER, "subject": name, "member": transfer.member, "url": url}
    if transfer.status == TransferStatus.OPENED:
        issuer, _capacity = transfer_issuer(transfer)
        case_sync(
            transfer,
            organization=transfer.from_organization,
            step="send",
            step_label="Làm thủ tục, cấp giấy giới thiệu sinh hoạt đảng",
            actor=issuer.name,
            due_date=transfer.start_due,
            today=today,
            **common,
        )
        return
    case_close(transfer, on=today, slot=SENDING)
    if transfer.status == TransferStatus.SENT and transfer.to_organization is not None:
        case_sync(
            transfer,
            organization=transfer.to_organization,
            slot=RECEIVING,
            step="receive",
            step_label="Tiếp nhận đảng viên và hồ sơ (đối chiếu danh mục)",
            actor=f"Chi ủy {transfer.to_organization.name}",
            due_date=transfer.present_due,
            today=today,
            **common,
        )
        return
    case_close(transfer, on=today, slot=RECEIVING)
    if transfer.kind == TransferKind.TEMPORARY and transfer.status == TransferStatus.RECEIVED:
        case_sync(
            transfer,
            organization=transfer.from_organization,
            step="return",
            step_label="Đảng viên trở về sinh hoạt khi hết thời hạn tạm thời",
            actor=f"Chi ủy {transfer.from_organization.name}",
            due_date=transfer.period_end,
            closed_on=None,
            today=today,
            **common,
        )
    else:
        case_close(transfer, on=today, slot=SENDING)


def _require(transfer: Transfer, *allowed: str, message: str) -> None:
    if transfer.status not in allowed:
        raise DomainError(message, field="status")


def _not_future(day: dt.date, field: str) -> None:
    if day > dt.date.today():
        raise DomainError("Ngày này không được ở tương lai.", field=field)


@transaction.atomic
def transfer_open(
    *,
    actor,
    member: Member,
    kind: str,
    reason: str,
    trigger_date: dt.date,
    to_organization: Organization | None = None,
    to_outside: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    note: str = "",
) -> Transfer:
    """Open a transfer of party activity for a member in activity (R2.1, R2.4)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    if member.status not in ACTIVE_STATUSES:
        add("member", "Chỉ chuyển sinh hoạt cho đảng viên đang sinh hoạt.")
    if (
        Transfer.objects.filter(
            member=member, status__in=(TransferStatus.OPENED, TransferStatus.SENT)
        ).exists()
        or Transfer.objects.filter(
            member=member, kind=TransferKind.TEMPORARY, status=TransferStatus.RECEIVED
        ).exists()
    ):
        add("member", "Đảng viên đang có một lần chuyển sinh hoạt chưa kết thúc.")
    if kind not in TransferKind.values:
        add("kind", "Hình thức chuyển sinh hoạt không hợp lệ.")
    if reason not in TransferReason.values:
        add("reason", "Lý do chuyển sinh hoạt không hợp lệ.")
    to_outside = (to_outside or "").strip()
    if to_organization is None and not to_outside:
        add("to_organization", "Chọn chi bộ nơi đến, hoặc ghi tên tổ chức đảng nơi đến.")
    if to_organization is not None:
        if to_outside:
            add(
                "to_outside", "Chỉ chọn một nơi đến: chi bộ trong hệ thống hoặc nơi ngoài hệ thống."
            )
        if not to_organization.holds_members or not to_organization.is_active:
            add("to_organization", "Nơi đến phải là chi bộ đang hoạt động.")
        elif to_organization.pk == member.organization_id:
            add("to_organization", "Nơi đến trùng với chi bộ đang sinh hoạt.")
    if "<" in to_outside or ">" in to_outside:
        add("to_outside", "Không được chứa ký tự < hoặc >.")
    if kind == TransferKind.TEMPORARY:
        if not period_start or not period_end:
            add("period_end", "Chuyển sinh hoạt tạm thời cần thời gian từ ngày, đến ngày.")
        elif period_end <= period_start:
            add("period_end", "«Đến ngày» phải sau «Từ ngày».")
        else:
            add(
                "period_end",
                rules.temporary_period_error(
                    period_start, period_end, study=reason == TransferReason.STUDY
                ),
            )
    if trigger_date < member.birth_date:
        add("trigger_date", "Ngày này trước ngày sinh của đảng viên.")
    if errors:
        raise RecordValidationError(errors)
    transfer = Transfer(
        member=member,
        kind=kind,
        reason=reason,
        trigger_date=trigger_date,
        start_due=rules.transfer_start_due(trigger_date),
        from_organization=member.organization,
        from_path=member.org_path,
        to_organization=to_organization,
        to_path=to_organization.path if to_organization else "",
        to_outside=to_outside,
        period_start=period_start if kind == TransferKind.TEMPORARY else None,
        period_end=period_end if kind == TransferKind.TEMPORARY else None,
        note=note,
        created_by=history_user(actor),
    )
    transfer._history_user = history_user(actor)
    transfer.save()
    _sync_transfer_cases(transfer, dt.date.today())
    return transfer


_MONTH_RE = re.compile(r"^(0[1-9]|1[0-2])/(19|20)\d\d$")


def _save(transfer: Transfer, actor) -> None:
    transfer.version += 1
    transfer._history_user = history_user(actor)
    transfer.save()


@transaction.atomic
def transfer_send(
    *,
    actor,
    transfer: Transfer,
    sent_on: dt.date,
    dues_paid_through: str,
    letter_number: str = "",
) -> Transfer:
    """Issue the introduction letter (R2.2): the member has 30 working days to
    present it (R2.3). A permanent transfer leaves the sending cell that day."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require(
        transfer,
        TransferStatus.OPENED,
        message="Chỉ cấp giấy giới thiệu cho hồ sơ chuyển sinh hoạt đang làm thủ tục.",
    )
    _not_future(sent_on, "sent_on")
    if sent_on < transfer.trigger_date - dt.timedelta(days=366):
        raise DomainError("Ngày giới thiệu đi quá sớm so với ngày phát sinh.", field="sent_on")
    if not _MONTH_RE.match(dues_paid_through or ""):
        raise DomainError(
            "Ghi tháng đã đóng đảng phí theo dạng tháng/năm, ví dụ 10/2026.",
            field="dues_paid_through",
        )
    issuer, capacity = transfer_issuer(transfer)
    transfer.sent_on = sent_on
    transfer.present_due = rules.transfer_present_due(sent_on)
    transfer.dues_paid_through = dues_paid_through
    transfer.issued_by = issuer.name
    transfer.status = TransferStatus.SENT
    letter = _issue_letter(transfer, issuer, capacity, actor)
    transfer.letter_number = letter_number.strip()[:64] or letter.symbol
    if transfer.kind == TransferKind.PERMANENT:
        member_services.member_add_event(
            actor=actor,
            member=transfer.member,
            kind=EventKind.TRANSFERRED_OUT,
            date=sent_on,
            other_party=transfer.destination,
            decision_number=transfer.letter_number,
            decision_date=sent_on,
            decided_by=issuer.name,
            reason=transfer.get_reason_display(),
        )
    _save(transfer, actor)
    _sync_transfer_cases(transfer, dt.date.today())
    return transfer


def _issue_letter(transfer: Transfer, issuer: Organization, capacity: str, actor):
    """The introduction letter (giấy giới thiệu sinh hoạt đảng), numbered in the
    issuer's register (HD 12-HD/BTCTW 2022 Phần II 4.2-4.3)."""
    member = transfer.member
    permanent = transfer.kind == TransferKind.PERMANENT
    return document_issue(
        actor=actor,
        organization=issuer,
        kind=DocumentKind.TRANSFER_LETTER,
        date=transfer.sent_on,
        summary=f"Giới thiệu sinh hoạt đảng {transfer.get_kind_display().lower()}: "
        f"{member.full_name}",
        context={
            "member_name": member.full_name,
            "birth_date": member.birth_date,
            "gender": member.get_gender_display(),
            "membership": "chính thức" if member.status == Status.OFFICIAL else "dự bị",
            "joining_date": member.joining_date,
            "official_date": member.official_date,
            "card_number": member.party_card_number or "",
            "cv_number": member.cv_number,
            "from_organization": transfer.origin,
            "to_organization": transfer.destination,
            "permanent": permanent,
            "dues_paid_through": transfer.dues_paid_through,
            "present_by": transfer.present_due,
            "valid_until": transfer.present_due,
            "signer_capacity": capacity,
            "recipients": [f"{transfer.destination};", "Lưu hồ sơ."],
        },
        concerns_path=transfer.from_path,
        subject=transfer,
    )


@transaction.atomic
def transfer_receive(
    *,
    actor,
    transfer: Transfer,
    received_on: dt.date,
    dossier_checked: bool,
    dossier_note: str = "",
    late_reason: str = "",
) -> Transfer:
    """The receiving cell confirms the member and the sealed dossier (R2.6).
    A permanent transfer places the member in the receiving cell that day."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require(
        transfer,
        TransferStatus.SENT,
        message="Chưa có giấy giới thiệu sinh hoạt đảng: chưa thể xác nhận tiếp nhận.",
    )
    if transfer.to_organization is None:
        raise DomainError(
            "Nơi đến ở ngoài hệ thống: việc tiếp nhận do tổ chức đảng nơi đến thực hiện.",
            field="status",
        )
    _not_future(received_on, "received_on")
    if received_on < transfer.sent_on:
        raise DomainError(
            "Ngày tiếp nhận không được trước ngày giới thiệu đi.", field="received_on"
        )
    if transfer.kind == TransferKind.PERMANENT and not dossier_checked:
        raise DomainError(
            "Phải đối chiếu hồ sơ đảng viên với danh mục có xác nhận của cấp ủy nơi đi "
            "trước khi tiếp nhận (HD 01-HD/TW điểm 8.2).",
            field="dossier_checked",
        )
    late_reason = (late_reason or "").strip()
    if received_on > transfer.present_due and not late_reason:
        overdue = (received_on - transfer.present_due).days
        raise DomainError(
            f"Xuất trình quá hạn {overdue} ngày (hạn {transfer.present_due:%d/%m/%Y}): ghi rõ "
            "lý do để báo cáo cấp ủy có thẩm quyền (QĐ 294-QĐ/TW điểm 6.3.1).",
            field="late_reason",
        )
    transfer.received_on = received_on
    transfer.dossier_checked = dossier_checked
    transfer.dossier_note = dossier_note[:255]
    transfer.late_reason = late_reason[:255]
    transfer.status = TransferStatus.RECEIVED
    if transfer.kind == TransferKind.PERMANENT:
        member_services.member_add_event(
            actor=actor,
            member=transfer.member,
            kind=EventKind.TRANSFERRED_IN,
            date=received_on,
            organization=transfer.to_organization,
            other_party=transfer.origin,
            decision_number=transfer.letter_number,
            decision_date=transfer.sent_on,
            decided_by=transfer.issued_by,
        )
    _save(transfer, actor)
    _sync_transfer_cases(transfer, dt.date.today())
    return transfer


@transaction.atomic
def transfer_return(*, actor, transfer: Transfer, returned_on: dt.date) -> Transfer:
    """A temporary transfer ends: the member is back in their own cell."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.kind != TransferKind.TEMPORARY:
        raise DomainError("Chỉ chuyển sinh hoạt tạm thời mới có bước trở về.", field="status")
    _require(
        transfer,
        TransferStatus.SENT,
        TransferStatus.RECEIVED,
        message="Chỉ ghi trở về cho lần chuyển sinh hoạt tạm thời đã giới thiệu đi.",
    )
    _not_future(returned_on, "returned_on")
    if returned_on < transfer.sent_on:
        raise DomainError("Ngày trở về không được trước ngày giới thiệu đi.", field="returned_on")
    transfer.returned_on = returned_on
    transfer.status = TransferStatus.RETURNED
    _save(transfer, actor)
    case_close(transfer, on=dt.date.today())
    return transfer


@transaction.atomic
def transfer_cancel(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """Drop a transfer whose letter was not issued yet (the letter, once out, stays)."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require(
        transfer,
        TransferStatus.OPENED,
        message="Giấy giới thiệu đã cấp: không hủy được, hãy ghi tiếp nhận hoặc trở về.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Ghi lý do hủy.", field="cancelled_reason")
    transfer.cancelled_reason = reason[:255]
    transfer.status = TransferStatus.CANCELLED
    _save(transfer, actor)
    case_close(transfer, on=dt.date.today())
    return transfer


@transaction.atomic
def transfer_register_incoming(
    *,
    actor,
    organization: Organization,
    data: dict,
    from_outside: str,
    letter_number: str,
    sent_on: dt.date,
    received_on: dt.date,
    dossier_checked: bool,
    dues_paid_through: str = "",
) -> Transfer:
    """A member arriving from an organisation this installation does not manage,
    registered from their letter: the record and a TRANSFERRED_IN event."""
    errors: dict[str, list[str]] = {}
    from_outside = (from_outside or "").strip()
    if not from_outside:
        errors.setdefault("from_outside", []).append(
            "Ghi tổ chức đảng nơi đi (trên giấy giới thiệu)."
        )
    if not (letter_number or "").strip():
        errors.setdefault("letter_number", []).append("Ghi số giấy giới thiệu sinh hoạt đảng.")
    if received_on < sent_on:
        errors.setdefault("received_on", []).append(
            "Ngày tiếp nhận không được trước ngày giới thiệu."
        )
    if received_on > dt.date.today():
        errors.setdefault("received_on", []).append("Ngày này không được ở tương lai.")
    if not dossier_checked:
        errors.setdefault("dossier_checked", []).append(
            "Phải đối chiếu hồ sơ đảng viên với danh mục trước khi tiếp nhận."
        )
    if dues_paid_through and not _MONTH_RE.match(dues_paid_through):
        errors.setdefault("dues_paid_through", []).append("Ghi theo dạng tháng/năm, ví dụ 10/2026.")
    if errors:
        raise RecordValidationError(errors)
    member = member_services.member_create(
        actor=actor,
        organization=organization,
        data=data,
        event_kind=EventKind.TRANSFERRED_IN,
        event_date=received_on,
        decision_number=letter_number.strip()[:64],
    )
    present_due = rules.transfer_present_due(sent_on)
    transfer = Transfer(
        member=member,
        kind=TransferKind.PERMANENT,
        reason=TransferReason.OTHER,
        trigger_date=sent_on,
        start_due=sent_on,
        status=TransferStatus.RECEIVED,
        from_outside=from_outside[:255],
        to_organization=organization,
        to_path=organization.path,
        sent_on=sent_on,
        letter_number=letter_number.strip()[:64],
        issued_by=from_outside[:255],
        dues_paid_through=dues_paid_through,
        present_due=present_due,
        received_on=received_on,
        dossier_checked=True,
        created_by=history_user(actor),
    )
    transfer._history_user = history_user(actor)
    transfer.save()
    return transfer


# --- Removal ----------------------------------------------------------------

DECIDABLE = {
    RemovalKind.NAME_DELETION: EventKind.NAME_DELETED,
    RemovalKind.VOLUNTARY_EXIT: EventKind.LEFT,
}


def _removal_url(removal: Removal) -> str:
    return reverse("removal_detail", args=[removal.pk])


def _cause_errors(member: Member, cause: str, data: dict, meeting_on: dt.date) -> dict:
    errors: dict[str, list[str]] = {}
    if cause not in RemovalCause.values:
        errors["cause"] = ["Chọn căn cứ xóa tên (Điều lệ Đảng, Điều 8)."]
        return errors
    message = None
    field = "cause"
    if cause in (RemovalCause.MISSED_ACTIVITY, RemovalCause.UNPAID_DUES):
        months = data.get("evidence_months") or []
        field = "evidence_months"
        message = rules.missed_months_error(months)
        if not message and any(m > meeting_on for m in months):
            message = "Các tháng vi phạm phải trước ngày chi bộ họp xét."
    elif cause == RemovalCause.NO_PROGRESS:
        field = "educated_on"
        educated = data.get("educated_on")
        message = (
            "Ghi ngày chi bộ giáo dục đảng viên."
            if not educated
            else rules.education_wait_error(educated, meeting_on)
        )
    elif cause == RemovalCause.BREACH_TWO_YEARS:
        field = "breach_years"
        message = rules.breach_years_error(data.get("breach_years") or [])
    elif cause == RemovalCause.PROBATION_NOT_PASSED and member.status != Status.PROBATIONARY:
        message = "Căn cứ này chỉ áp dụng cho đảng viên dự bị (Điều lệ Đảng, Điều 5)."
    if message:
        errors[field] = [message]
    return errors


@transaction.atomic
def removal_propose(
    *,
    actor,
    member: Member,
    kind: str,
    meeting_on: dt.date,
    votes_for: int,
    cause: str = "",
    evidence_months: list[dt.date] | None = None,
    educated_on: dt.date | None = None,
    breach_years: list[int] | None = None,
    details: str = "",
    resolution_number: str = "",
) -> Removal:
    """The cell's resolution proposing name deletion (R4.1, with at least 2/3 of
    its official members, R1.8) or accepting an application to leave (R4.4).

    A vote short of 2/3 is kept as a failed vote and proposes nothing."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if kind not in DECIDABLE:
        raise DomainError(
            "Chi bộ chỉ đề nghị xóa tên hoặc cho ra khỏi Đảng; khai trừ, từ trần ghi trực tiếp.",
            field="kind",
        )
    if member.status not in ACTIVE_STATUSES:
        raise DomainError("Đảng viên không còn sinh hoạt đảng.", field="member")
    if Removal.objects.filter(member=member, status=RemovalStatus.PROPOSED).exists():
        raise DomainError("Đảng viên đã có một đề nghị đang chờ quyết định.", field="member")
    _not_future(meeting_on, "meeting_on")
    data = {
        "evidence_months": sorted(evidence_months or []),
        "educated_on": educated_on,
        "breach_years": sorted(breach_years or []),
    }
    errors = (
        _cause_errors(member, cause, data, meeting_on) if kind == RemovalKind.NAME_DELETION else {}
    )
    official = official_member_count_on(member.organization, meeting_on)
    if votes_for < 0 or votes_for > official:
        errors.setdefault("votes_for", []).append(
            f"Số tán thành phải từ 0 đến {official} (số đảng viên chính thức của chi bộ)."
        )
    if errors:
        raise RecordValidationError(errors)
    passed = kind != RemovalKind.NAME_DELETION or rules.vote_passes(votes_for, official, meeting_on)
    removal = Removal(
        member=member,
        kind=kind,
        cause=cause if kind == RemovalKind.NAME_DELETION else "",
        evidence_months=[d.isoformat() for d in data["evidence_months"]],
        educated_on=educated_on,
        breach_years=data["breach_years"],
        details=details,
        organization=member.organization,
        org_path=member.org_path,
        meeting_on=meeting_on,
        official_members=official,
        votes_for=votes_for,
        resolution_number=resolution_number.strip()[:64],
        status=RemovalStatus.PROPOSED if passed else RemovalStatus.FAILED_VOTE,
        created_by=history_user(actor),
    )
    removal._history_user = history_user(actor)
    removal.save()
    if passed:
        resolution = _issue_removal_resolution(removal, actor)
        if not removal.resolution_number:
            removal.resolution_number = resolution.symbol
            removal.save(update_fields=["resolution_number"])
        case_sync(
            removal,
            kind=CaseKind.REMOVAL,
            organization=member.organization,
            subject=member.full_name,
            member=member,
            step="decide",
            step_label=f"Cấp ủy có thẩm quyền quyết định: {removal.get_kind_display().lower()}",
            actor="Cấp ủy cấp trên",
            due_date=None,
            url=_removal_url(removal),
        )
    return removal


def _issue_removal_resolution(removal: Removal, actor):
    """The cell's resolution proposing the name deletion or the exit (R4.1, R4.4)."""
    member = removal.member
    what = "xóa tên" if removal.kind == RemovalKind.NAME_DELETION else "cho ra khỏi Đảng"
    grounds = removal.get_cause_display() if removal.cause else "đơn xin ra khỏi Đảng"
    return document_issue(
        actor=actor,
        organization=removal.organization,
        kind=DocumentKind.RESOLUTION,
        date=removal.meeting_on,
        summary=f"đề nghị {what} đảng viên {member.full_name}",
        context={
            "bases": [
                "Căn cứ Điều lệ Đảng Cộng sản Việt Nam (Điều 8);",
                "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương "
                "về thi hành Điều lệ Đảng;",
            ],
            "preamble": [
                f"Ngày {removal.meeting_on:%d/%m/%Y}, chi bộ họp xét đề nghị {what} đối với "
                f"đồng chí {member.full_name}, sinh ngày {member.birth_date:%d/%m/%Y}. "
                f"Căn cứ: {grounds}." + (f" {removal.details}" if removal.details else "")
            ],
            "resolutions": [
                f"Đề nghị cấp ủy có thẩm quyền {what} đối với đồng chí {member.full_name}.",
                "Chi ủy hoàn chỉnh hồ sơ, báo cáo cấp ủy cấp trên xem xét, quyết định.",
            ],
            "vote": {"total": removal.official_members, "agree": removal.votes_for},
            "signer_capacity": "T/M CHI BỘ",
            "signer_title": "BÍ THƯ",
            "recipients": ["Cấp ủy cấp trên (báo cáo);", "Lưu chi bộ."],
        },
        concerns_path=removal.org_path,
        subject=removal,
    )


def _issue_removal_decision(removal: Removal, actor):
    """The competent committee's decision, issued by the committee above the cell."""
    member = removal.member
    issuer = removal.organization.parent or removal.organization
    what = (
        "xóa tên trong danh sách đảng viên"
        if removal.kind == RemovalKind.NAME_DELETION
        else "cho ra khỏi Đảng"
    )
    return document_issue(
        actor=actor,
        organization=issuer,
        kind=DocumentKind.DECISION,
        date=removal.decision_date,
        summary=f"{what} đối với đảng viên {member.full_name}",
        context={
            "authority": removal.decided_by.upper(),
            "bases": [
                "Căn cứ Điều lệ Đảng Cộng sản Việt Nam (Điều 8);",
                f"Căn cứ nghị quyết của {removal.organization.name} ngày "
                f"{removal.meeting_on:%d/%m/%Y};",
            ],
            "articles": [
                f"{what.capitalize()} đối với đồng chí {member.full_name}, sinh ngày "
                f"{member.birth_date:%d/%m/%Y}, đảng viên {removal.organization.name}, "
                f"kể từ ngày {removal.effective_date:%d/%m/%Y}.",
                f"{removal.organization.name} và đồng chí {member.full_name} chịu trách "
                "nhiệm thi hành quyết định này.",
            ],
            "signer_capacity": "T/M BAN THƯỜNG VỤ",
            "recipients": [f"{removal.organization.name};", "Như Điều 2;", "Lưu hồ sơ."],
        },
        concerns_path=removal.org_path,
        subject=removal,
    )


@transaction.atomic
def removal_decide(
    *,
    actor,
    removal: Removal,
    approved: bool,
    decided_by: str,
    decision_number: str,
    decision_date: dt.date,
    effective_date: dt.date | None = None,
) -> Removal:
    """The competent committee decides on the cell's proposal; an approval writes
    the member's NAME_DELETED or LEFT event on its effective date."""
    removal = Removal.objects.select_for_update().get(pk=removal.pk)
    if removal.status != RemovalStatus.PROPOSED:
        raise DomainError("Đề nghị này không còn chờ quyết định.", field="status")
    errors: dict[str, list[str]] = {}
    if not (decided_by or "").strip():
        errors["decided_by"] = ["Ghi cấp ủy ra quyết định."]
    if not (decision_number or "").strip():
        errors["decision_number"] = ["Ghi số quyết định."]
    if decision_date > dt.date.today():
        errors["decision_date"] = ["Ngày này không được ở tương lai."]
    elif removal.meeting_on and decision_date < removal.meeting_on:
        errors["decision_date"] = ["Ngày quyết định không được trước ngày chi bộ họp xét."]
    effective = effective_date or decision_date
    if effective > dt.date.today():
        errors["effective_date"] = ["Ngày này không được ở tương lai."]
    if errors:
        raise RecordValidationError(errors)
    removal.decided_by = decided_by.strip()[:255]
    removal.decision_number = decision_number.strip()[:64]
    removal.decision_date = decision_date
    if approved:
        removal.effective_date = effective
        removal.event = member_services.member_add_event(
            actor=actor,
            member=removal.member,
            kind=DECIDABLE[removal.kind],
            date=effective,
            decision_number=removal.decision_number,
            decision_date=decision_date,
            decided_by=removal.decided_by,
            reason=removal.get_cause_display() if removal.cause else removal.get_kind_display(),
        )
        removal.status = RemovalStatus.DECIDED
        _close_member_cases(removal.member)
        _issue_removal_decision(removal, actor)
    else:
        removal.status = RemovalStatus.REJECTED
    removal._history_user = history_user(actor)
    removal.save()
    case_close(removal, on=dt.date.today())
    return removal


@transaction.atomic
def removal_record(
    *,
    actor,
    member: Member,
    kind: str,
    date: dt.date,
    decided_by: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    details: str = "",
) -> Removal:
    """Record an expulsion (decided by the discipline work, R7) or a death."""
    event_kind = {RemovalKind.EXPULSION: EventKind.EXPELLED, RemovalKind.DEATH: EventKind.DECEASED}
    if kind not in event_kind:
        raise DomainError("Xóa tên, ra khỏi Đảng phải qua đề nghị của chi bộ.", field="kind")
    if kind == RemovalKind.EXPULSION and not (decision_number or "").strip():
        raise DomainError("Ghi số quyết định khai trừ.", field="decision_number")
    member = Member.objects.select_for_update().get(pk=member.pk)
    event = member_services.member_add_event(
        actor=actor,
        member=member,
        kind=event_kind[kind],
        date=date,
        decision_number=(decision_number or "").strip()[:64],
        decision_date=decision_date,
        decided_by=(decided_by or "").strip()[:255],
        reason=details[:255],
    )
    removal = Removal(
        member=member,
        kind=kind,
        details=details,
        organization=member.organization,
        org_path=member.org_path,
        decided_by=(decided_by or "").strip()[:255],
        decision_number=(decision_number or "").strip()[:64],
        decision_date=decision_date,
        effective_date=date,
        status=RemovalStatus.DECIDED,
        event=event,
        created_by=history_user(actor),
    )
    removal._history_user = history_user(actor)
    removal.save()
    _close_member_cases(member)
    return removal


def _close_member_cases(member: Member) -> None:
    """A member out of the Party has nothing left open: their cases end too."""
    Case.objects.filter(member=member, closed_on__isnull=True).update(closed_on=dt.date.today())
