"""The end of a membership reaches every side file (issue 9, item 12).

Death, name deletion, exit and expulsion are membership events; whichever page,
API call or workflow appends one (`members.services.member_add_event`), the
signal `members.signals.membership_ended` brings it here, in the same
transaction. Here, once, every file still open around the member is closed
with the date and the reason, audited in each file's history (who, when,
before and after, the reason as the change reason):

- exemptions, reductions, temporary exemptions (liaison): status «ended»;
- working away (liaison): ended;
- residence liaison (QĐ 213, liaison): ended;
- open transfers (opened, sent, or temporary and still away): cancelled, the
  reason saying why (the letter issued stays in the register);

and every open case of the member (compliance.Case) is closed, through each
workflow's `close_cases` and then for the member as a whole. The lists and
counts of open files read the status, so the member leaves them all.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dangvien.compliance.models import Case
from dangvien.core.actors import Actor, with_change_reason, with_history_user
from dangvien.liaison.models import (
    EXEMPTION_OPEN,
    Exemption,
    ExemptionStatus,
    ResidenceLiaison,
    ResidenceStatus,
    WorkingAway,
    WorkingAwayStatus,
)
from dangvien.liaison.workflows import EXEMPTION, RESIDENCE, WORKING_AWAY
from dangvien.members.models import EventKind, Member, MembershipEvent

from .models import Transfer, TransferKind, TransferStatus
from .workflow import TRANSFER

# What the reason says for each ending event.
ENDING_WORDS: dict[str, str] = {
    EventKind.NAME_DELETED: "bị xóa tên",
    EventKind.LEFT: "ra khỏi Đảng",
    EventKind.EXPELLED: "bị khai trừ",
    EventKind.DECEASED: "từ trần",
}


def end_reason(kind: str, day: dt.date) -> str:
    """The reason written on every file closed by the end of the membership."""
    return f"Đảng viên {ENDING_WORDS.get(kind, 'ra khỏi Đảng')} ngày {day:%d/%m/%Y}"


def _save(obj, actor: Actor, reason: str) -> None:
    with_change_reason(with_history_user(obj, actor), reason).save()


def close_side_files(*, actor: Actor, member: Member, kind: str, day: dt.date) -> dict[str, int]:
    """Close or mark every open side file of `member`, whose membership ended
    by `kind` (an ending EventKind) on `day`, and close their open cases.
    Returns how many files of each sort were closed."""
    reason = end_reason(kind, day)
    today = dt.date.today()
    closed = {"exemptions": 0, "working_away": 0, "residence": 0, "transfers": 0, "cases": 0}

    for exemption in Exemption.objects.select_for_update().filter(
        member=member, status__in=EXEMPTION_OPEN
    ):
        exemption.status = ExemptionStatus.ENDED
        exemption.ended_on = day
        exemption.end_reason = reason[:255]
        _save(exemption, actor, reason)
        closed["cases"] += EXEMPTION.close_cases(exemption, on=today)
        closed["exemptions"] += 1

    for away in (
        WorkingAway.objects.select_for_update()
        .filter(member=member)
        .exclude(status=WorkingAwayStatus.ENDED)
    ):
        away.status = WorkingAwayStatus.ENDED
        away.ended_on = day
        away.end_note = reason[:255]
        _save(away, actor, reason)
        closed["cases"] += WORKING_AWAY.close_cases(away, on=today)
        closed["working_away"] += 1

    for liaison in (
        ResidenceLiaison.objects.select_for_update()
        .filter(member=member)
        .exclude(status=ResidenceStatus.ENDED)
    ):
        liaison.status = ResidenceStatus.ENDED
        liaison.ended_on = day
        liaison.end_reason = reason[:255]
        _save(liaison, actor, reason)
        closed["cases"] += RESIDENCE.close_cases(liaison, on=today)
        closed["residence"] += 1

    open_transfers = Q(status__in=(TransferStatus.OPENED, TransferStatus.SENT)) | Q(
        kind=TransferKind.TEMPORARY, status=TransferStatus.RECEIVED
    )
    for transfer in Transfer.objects.select_for_update().filter(open_transfers, member=member):
        transfer.status = TransferStatus.CANCELLED
        transfer.cancelled_reason = reason[:255]
        transfer.version += 1
        _save(transfer, actor, reason)
        closed["cases"] += TRANSFER.close_cases(transfer, on=today)
        closed["transfers"] += 1

    # Whatever else waits on the member (a removal proposed, a recognition file).
    closed["cases"] += Case.objects.filter(member=member, closed_on__isnull=True).update(
        closed_on=today
    )
    return closed


def on_membership_ended(sender, *, actor: Actor, member: Member, event: MembershipEvent, **kw):
    """Receiver of members.signals.membership_ended (connected in apps.py)."""
    close_side_files(actor=actor, member=member, kind=event.kind, day=event.date)
