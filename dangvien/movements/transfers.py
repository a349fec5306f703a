"""Transfers of party activity (R2, regulations.md §2): one function per step,
each in one transaction.

Each step takes the transfer's row locked, asks the workflow table
(movements.workflow.TRANSFER) whether the actor may take it now, writes the
membership event where the step takes effect, keeps the open cases in step
(`TRANSFER.sync_case`) and leaves who/when/before/after in the row's history.
A refused step changes nothing. Errors: DomainError with a code of
movements.errors.MovementError or compliance.workflow.WorkflowError
(`out_of_order`, `not_applicable`, `not_acting_body`).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from dangvien.compliance.workflow import WorkflowError, require_act_at
from dangvien.core.actors import Actor, history_user, with_history_user
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.discipline.errors import DisciplineError
from dangvien.discipline.selectors import blocks_transfer
from dangvien.documents.models import DocumentKind
from dangvien.documents.selectors import documents_of
from dangvien.documents.services import document_issue, document_void
from dangvien.members import services as member_services
from dangvien.members.models import ACTIVE_STATUSES, EventKind, Member, Status
from dangvien.organizations.models import Organization

from . import rules
from .errors import MovementError
from .models import ReissueReason, Transfer, TransferKind, TransferReason, TransferStatus
from .workflow import OPEN_TRANSFER, REGISTER_INCOMING, TRANSFER, transfer_issuer

_MONTH_RE = re.compile(r"^(0[1-9]|1[0-2])/(19|20)\d\d$")

# A step refused by the table's generic check, explained in the step's own words
# (the code stays the generic one).
_OUT_OF_ORDER = {
    "send": MovementError.SEND_OUT_OF_ORDER,
    "receive": MovementError.RECEIVE_OUT_OF_ORDER,
    "return": MovementError.RETURN_OUT_OF_ORDER,
    "cancel": MovementError.CANCEL_OUT_OF_ORDER,
    "reissue": MovementError.REISSUE_OUT_OF_ORDER,
}
_NOT_APPLICABLE = {
    "receive": MovementError.RECEIVE_OUTSIDE,
    "return": MovementError.RETURN_NOT_TEMPORARY,
    "reissue": MovementError.REISSUE_OUTSIDE,
}


def _require(transfer: Transfer, code: str, actor: Actor) -> None:
    """`TRANSFER.require`, with the step's own message for a step out of order or
    not applicable (codes `out_of_order`, `not_applicable`, `not_acting_body`)."""
    try:
        TRANSFER.require(transfer, code, actor)
    except DomainError as exc:
        explain = {
            WorkflowError.OUT_OF_ORDER.code: _OUT_OF_ORDER,
            WorkflowError.NOT_APPLICABLE.code: _NOT_APPLICABLE,
        }.get(exc.code, {})
        if code in explain:
            raise DomainError(explain[code].text(), field="status", code=exc.code) from exc
        raise


def _not_future(day: dt.date, field: str) -> None:
    if day > dt.date.today():
        raise MovementError.DATE_IN_FUTURE.error(field=field)


def _save(transfer: Transfer, actor: Actor) -> None:
    transfer.version += 1
    with_history_user(transfer, actor)
    transfer.save()


@transaction.atomic
def transfer_open(
    *,
    actor: Actor,
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
    """Open a transfer of party activity for a member in activity (R2.1, R2.4).

    The sending cell's writers (or a writer above it) open it; the letter is then
    due within TRANSFER_START_WORKING_DAYS working days of `trigger_date`
    (`rules.transfer_start_due`). A temporary transfer needs its period (months,
    `rules.temporary_period_error`). Raises `not_acting_body` (the actor does not
    write at the member's cell) or RecordValidationError (field → messages).
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    require_act_at(actor, member.organization, OPEN_TRANSFER.label, OPEN_TRANSFER.body)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    if member.status not in ACTIVE_STATUSES:
        add("member", MovementError.TRANSFER_MEMBER_NOT_ACTIVE.text())
    # R7.4 (QĐ 69-QĐ/TW Điều 2 khoản 13): no transfer while a discipline is in force.
    barring = blocks_transfer(member, trigger_date)
    if barring is not None:
        add(
            "member",
            DisciplineError.BLOCKS_TRANSFER.text(
                name=member.full_name,
                form=barring.get_form_display().lower(),
                number=barring.decision_number,
                day=f"{barring.announced_on:%d/%m/%Y}",
            ),
        )
    if (
        Transfer.objects.filter(
            member=member, status__in=(TransferStatus.OPENED, TransferStatus.SENT)
        ).exists()
        or Transfer.objects.filter(
            member=member, kind=TransferKind.TEMPORARY, status=TransferStatus.RECEIVED
        ).exists()
    ):
        add("member", MovementError.TRANSFER_ALREADY_OPEN.text())
    if kind not in TransferKind.values:
        add("kind", MovementError.TRANSFER_KIND_INVALID.text())
    if reason not in TransferReason.values:
        add("reason", MovementError.TRANSFER_REASON_INVALID.text())
    to_outside = (to_outside or "").strip()
    if to_organization is None and not to_outside:
        add("to_organization", MovementError.DESTINATION_REQUIRED.text())
    if to_organization is not None:
        if to_outside:
            add("to_outside", MovementError.DESTINATION_TWICE.text())
        if not to_organization.holds_members or not to_organization.is_active:
            add("to_organization", MovementError.DESTINATION_NOT_CELL.text())
        elif to_organization.pk == member.organization_id:
            add("to_organization", MovementError.DESTINATION_SAME.text())
    if "<" in to_outside or ">" in to_outside:
        add("to_outside", MovementError.ANGLE_BRACKETS.text())
    if kind == TransferKind.TEMPORARY:
        if not period_start or not period_end:
            add("period_end", MovementError.PERIOD_REQUIRED.text())
        elif period_end <= period_start:
            add("period_end", MovementError.PERIOD_ORDER.text())
        else:
            add(
                "period_end",
                rules.temporary_period_error(
                    period_start, period_end, study=reason == TransferReason.STUDY
                ),
            )
    if trigger_date < member.birth_date:
        add("trigger_date", MovementError.BEFORE_BIRTH.text())
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
    with_history_user(transfer, actor)
    transfer.save()
    TRANSFER.sync_case(transfer, on=dt.date.today())
    return transfer


@transaction.atomic
def transfer_send(
    *,
    actor: Actor,
    transfer: Transfer,
    sent_on: dt.date,
    dues_paid_through: str,
    letter_number: str = "",
) -> Transfer:
    """Step "send": issue the introduction letter (R2.2), by the letter issuer
    (`workflow.transfer_issuer`) or a writer above it.

    The member then has TRANSFER_PRESENT_WORKING_DAYS working days (in force on
    `sent_on`) to present it (R2.3). A permanent transfer leaves the sending cell
    that day (TRANSFERRED_OUT event). `dues_paid_through` is "mm/yyyy". Raises
    `out_of_order`, `not_acting_body`, or a MovementError at its field."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require(transfer, "send", actor)
    _not_future(sent_on, "sent_on")
    earliest = rules.transfer_send_earliest(transfer.trigger_date)
    if sent_on < earliest:
        raise MovementError.SENT_TOO_EARLY.error(field="sent_on", day=f"{earliest:%d/%m/%Y}")
    if not _MONTH_RE.match(dues_paid_through or ""):
        raise MovementError.MONTH_FORMAT.error(field="dues_paid_through")
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
    TRANSFER.sync_case(transfer, on=dt.date.today())
    return transfer


def _issue_letter(
    transfer: Transfer,
    issuer: Organization,
    capacity: str,
    actor: Actor,
    date: dt.date | None = None,
    replaces: str = "",
):
    """The introduction letter (giấy giới thiệu sinh hoạt đảng), numbered in the
    issuer's register (HD 12-HD/BTCTW 2022 Phần II 4.2-4.3), dated `date`
    (default the day it was sent; a re-issued letter carries its own)."""
    member = transfer.member
    permanent = transfer.kind == TransferKind.PERMANENT
    day = date or transfer.sent_on
    assert day is not None
    return document_issue(
        actor=actor,
        organization=issuer,
        kind=DocumentKind.TRANSFER_LETTER,
        date=day,
        summary=f"Giới thiệu sinh hoạt đảng {transfer.get_kind_display().lower()}: "
        f"{member.full_name}" + (f" (cấp lại thay giấy số {replaces})" if replaces else ""),
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
    actor: Actor,
    transfer: Transfer,
    received_on: dt.date,
    dossier_checked: bool,
    dossier_note: str = "",
    late_reason: str = "",
) -> Transfer:
    """Step "receive": the receiving cell (or a writer above it) confirms the
    member and the sealed dossier (R2.6). A permanent transfer places the
    member in the receiving cell that day (TRANSFERRED_IN event).

    Past the present due date (R2.3, from the letter in force: a re-issued
    letter restarts it) a `late_reason` is required; the message gives the
    days late (calendar days). `rules.letter_presentation`, the rule an arrival
    from outside is registered by too. Raises `out_of_order`,
    `not_applicable` (destination outside the installation), `not_acting_body`,
    or a MovementError at its field."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require(transfer, "receive", actor)
    _not_future(received_on, "received_on")
    assert transfer.sent_on is not None and transfer.present_due is not None
    if received_on < transfer.letter_date:  # the letter in force (a re-issued one)
        raise MovementError.RECEIVED_BEFORE_SENT.error(field="received_on")
    if transfer.kind == TransferKind.PERMANENT and not dossier_checked:
        raise MovementError.DOSSIER_NOT_CHECKED.error(field="dossier_checked")
    late_reason = (late_reason or "").strip()
    presented = rules.letter_presentation(
        transfer.letter_date, received_on, left_on=transfer.sent_on
    )
    if presented.late and not late_reason:
        raise MovementError.PRESENTED_LATE.error(
            field="late_reason", days=presented.days_late, due=f"{presented.due:%d/%m/%Y}"
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
            decision_date=transfer.letter_date,
            decided_by=transfer.issued_by,
        )
    _save(transfer, actor)
    TRANSFER.sync_case(transfer, on=dt.date.today())
    return transfer


@transaction.atomic
def transfer_return(*, actor: Actor, transfer: Transfer, returned_on: dt.date) -> Transfer:
    """Step "return": a temporary transfer ends, the member is back in their own
    cell (R2.4); recorded by the sending cell or a writer above it. Raises
    `out_of_order`, `not_applicable` (a permanent transfer), `not_acting_body`,
    or a MovementError at its field."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require(transfer, "return", actor)
    _not_future(returned_on, "returned_on")
    assert transfer.sent_on is not None
    if returned_on < transfer.sent_on:
        raise MovementError.RETURNED_BEFORE_SENT.error(field="returned_on")
    transfer.returned_on = returned_on
    transfer.status = TransferStatus.RETURNED
    _save(transfer, actor)
    TRANSFER.sync_case(transfer, on=dt.date.today())
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: Actor, transfer: Transfer, reason: str) -> Transfer:
    """Step "cancel": drop a transfer whose letter was not issued yet (the letter,
    once out, stays); by the sending cell or a writer above it. Raises
    `out_of_order`, `not_acting_body`, or `cancel_reason_required`."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require(transfer, "cancel", actor)
    reason = (reason or "").strip()
    if not reason:
        raise MovementError.CANCEL_REASON_REQUIRED.error(field="cancelled_reason")
    transfer.cancelled_reason = reason[:255]
    transfer.status = TransferStatus.CANCELLED
    _save(transfer, actor)
    TRANSFER.sync_case(transfer, on=dt.date.today())
    return transfer


@transaction.atomic
def transfer_reissue(
    *,
    actor: Actor,
    transfer: Transfer,
    reissued_on: dt.date,
    reason: str,
    note: str = "",
) -> Transfer:
    """Step "reissue": the letter was lost or damaged before it was presented.
    The issuing body (`workflow.transfer_issuer`, or a writer above it) voids
    the letter in force (it stays in the register and the record, marked void
    and pointing to its replacement), issues a new letter with the next number
    of its register, dated `reissued_on`, and the member has the full
    presentation period again from it (`rules.transfer_present_due`, R2.3). The
    member left the sending cell on `sent_on`, which does not change. Raises
    `out_of_order` (not sent, or already received), `not_applicable` (a letter
    from outside the installation), `not_acting_body`, or a MovementError at its
    field."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require(transfer, "reissue", actor)
    _not_future(reissued_on, "reissued_on")
    if reason not in ReissueReason.values:
        raise MovementError.REISSUE_REASON_INVALID.error(field="reason")
    current_date = transfer.letter_date
    assert current_date is not None
    if reissued_on < current_date:
        raise MovementError.REISSUED_BEFORE_LETTER.error(
            field="reissued_on", day=f"{current_date:%d/%m/%Y}"
        )
    old_letters = [
        d
        for d in documents_of(transfer)
        if d.kind == DocumentKind.TRANSFER_LETTER and d.voided_on is None
    ]
    issuer, capacity = transfer_issuer(transfer)
    transfer.reissued_on = reissued_on
    transfer.reissue_reason = reason
    transfer.reissue_note = (note or "").strip()[:255]
    transfer.present_due = rules.transfer_present_due(reissued_on)
    transfer.issued_by = issuer.name
    letter = _issue_letter(
        transfer,
        issuer,
        capacity,
        actor,
        date=reissued_on,
        replaces=", ".join(d.symbol for d in old_letters) or transfer.letter_number,
    )
    for old in old_letters:
        document_void(
            actor=actor,
            document=old,
            on=reissued_on,
            reason=f"{ReissueReason(reason).label}; cấp lại bằng giấy số {letter.symbol}",
            replaced_by=letter,
        )
    transfer.letter_number = letter.symbol
    _save(transfer, actor)
    TRANSFER.sync_case(transfer, on=dt.date.today())
    return transfer


@transaction.atomic
def transfer_register_incoming(
    *,
    actor: Actor,
    organization: Organization,
    data: dict,
    from_outside: str,
    letter_number: str,
    sent_on: dt.date,
    received_on: dt.date,
    dossier_checked: bool,
    dues_paid_through: str = "",
    late_reason: str = "",
) -> Transfer:
    """A member arriving from an organisation this installation does not manage,
    registered from their letter by the receiving cell (or a writer above it):
    the member's record (`data`, as members.services.member_create takes it), a
    TRANSFERRED_IN event carrying the letter's date and a received permanent
    transfer.

    The same rule as a receipt between two cells (`rules.letter_presentation`):
    past the presentation deadline a `late_reason` is required, and the time
    from the letter to the receipt is left out of party age (R1.17, R2.3).
    Raises `not_acting_body` or RecordValidationError (field → messages)."""
    require_act_at(actor, organization, REGISTER_INCOMING.label, REGISTER_INCOMING.body)
    errors: dict[str, list[str]] = {}

    def add(field: str, error: MovementError) -> None:
        errors.setdefault(field, []).append(error.text())

    from_outside = (from_outside or "").strip()
    if not from_outside:
        add("from_outside", MovementError.ORIGIN_REQUIRED)
    if not (letter_number or "").strip():
        add("letter_number", MovementError.LETTER_NUMBER_REQUIRED)
    if received_on < sent_on:
        add("received_on", MovementError.RECEIVED_BEFORE_LETTER)
    if received_on > dt.date.today():
        add("received_on", MovementError.DATE_IN_FUTURE)
    if not dossier_checked:
        add("dossier_checked", MovementError.INCOMING_DOSSIER_NOT_CHECKED)
    if dues_paid_through and not _MONTH_RE.match(dues_paid_through):
        add("dues_paid_through", MovementError.INCOMING_MONTH_FORMAT)
    late_reason = (late_reason or "").strip()
    presented = rules.letter_presentation(sent_on, received_on)
    if received_on >= sent_on and presented.late and not late_reason:
        errors.setdefault("late_reason", []).append(
            MovementError.PRESENTED_LATE.text(
                days=presented.days_late, due=f"{presented.due:%d/%m/%Y}"
            )
        )
    if errors:
        raise RecordValidationError(errors)
    member = member_services.member_create(
        actor=actor,
        organization=organization,
        data=data,
        event_kind=EventKind.TRANSFERRED_IN,
        event_date=received_on,
        decision_number=letter_number.strip()[:64],
        decision_date=sent_on,
    )
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
        present_due=presented.due,
        received_on=received_on,
        dossier_checked=True,
        late_reason=late_reason[:255],
        created_by=history_user(actor),
    )
    with_history_user(transfer, actor)
    transfer.save()
    return transfer


__all__ = [
    "transfer_cancel",
    "transfer_issuer",
    "transfer_open",
    "transfer_receive",
    "transfer_register_incoming",
    "transfer_reissue",
    "transfer_return",
    "transfer_send",
]
