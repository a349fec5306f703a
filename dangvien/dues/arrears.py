"""Arrears notices (R5.8): opened after a month close for members reaching
the limit, settled by the cell or closed when it proposes name deletion.
One transaction each; refusals raise DomainError and write nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Sum

from dangvien.core.actors import Actor, with_history_user
from dangvien.members.models import Member
from dangvien.organizations.models import Organization

from . import rules, selectors
from .errors import DuesError
from .models import ARREARS_STATUSES, ArrearsNotice, DuesLedger, NoticeStatus
from .workflow import ARREARS


def notices_after_close(organization: Organization, month: dt.date, *, on: dt.date) -> int:
    """Open (or bring up to date) the arrears notice of each member of the
    subtree who has reached UNPAID_MONTHS_LIMIT unpaid months in `month`'s year
    (one grouped query), with its open case. Returns the notices written."""
    limit = rules.UNPAID_MONTHS_LIMIT.on(month)
    year = month.year
    reached = list(
        DuesLedger.objects.filter(
            organization__path__startswith=organization.path,
            month__year=year,
            status__in=ARREARS_STATUSES,
        )
        .values("member_id")
        .annotate(n=Count("id"), owed=Sum("amount_due"), paid=Sum("amount_paid"))
        .filter(n__gte=limit)
    )
    # Every reached member's months in one query, not one per member.
    months_of: dict[int, list[tuple[dt.date, int]]] = {}
    for member_id, day, org_id in (
        DuesLedger.objects.filter(
            member_id__in=[item["member_id"] for item in reached],
            month__year=year,
            status__in=ARREARS_STATUSES,
        )
        .order_by("member_id", "month")
        .values_list("member_id", "month", "organization_id")
    ):
        months_of.setdefault(member_id, []).append((day, org_id))
    written = 0
    for item in reached:
        months = months_of[item["member_id"]]
        notice, created = ArrearsNotice.objects.get_or_create(
            member_id=item["member_id"],
            year=year,
            defaults={
                "organization_id": months[-1][1],
                "opened_on": on,
                "months": [m.isoformat() for m, _ in months],
                "amount": (item["owed"] or 0) - (item["paid"] or 0),
            },
        )
        if not created:
            if notice.status != NoticeStatus.OPEN:
                continue
            notice.months = [m.isoformat() for m, _ in months]
            notice.amount = (item["owed"] or 0) - (item["paid"] or 0)
            notice.save(update_fields=["months", "amount"])
        ARREARS.sync_case(notice, on=on, detail=", ".join(f"{m:%m/%Y}" for m, _ in months))
        written += 1
    return written


@transaction.atomic
def notice_settle(*, actor: Actor, notice: ArrearsNotice, note: str, on: dt.date) -> ArrearsNotice:
    """The cell records how the arrears were settled (step "settle"): the
    note is required. Raises out_of_order, not_acting_body or reason_required."""
    notice = ArrearsNotice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
    ARREARS.require(notice, "settle", actor)
    note = (note or "").replace("\x00", "").strip()
    if not note:
        raise DuesError.REASON_REQUIRED.error(field="note")
    if "<" in note or ">" in note:
        raise DuesError.ANGLE_BRACKETS.error(field="note")
    if on > dt.date.today():
        raise DuesError.DATE_IN_FUTURE.error(field="on")
    notice.status, notice.settled_on, notice.note = NoticeStatus.SETTLED, on, note[:255]
    with_history_user(notice, actor).save()
    ARREARS.sync_case(notice, on=on)
    return notice


def notice_proposed(member: Member, on: dt.date) -> None:
    """The cell proposed the member's name deletion for unpaid dues: the open
    notices of the member move to "proposed" and their cases close."""
    for notice in ArrearsNotice.objects.filter(member=member, status=NoticeStatus.OPEN):
        notice.status, notice.settled_on = NoticeStatus.PROPOSED, on
        notice.save(update_fields=["status", "settled_on"])
        ARREARS.sync_case(notice, on=on)


__all__ = ["notice_proposed", "notice_settle", "notices_after_close", "selectors"]
