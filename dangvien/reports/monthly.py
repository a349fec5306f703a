"""Members in activity of a subtree at the end of each past month, from the
dated events (the dashboards' "members over time"): one pass over the events of
the subtree's members for all the months asked, kept in MonthlyFigure."""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_right

from django.db import transaction

from dangvien.members.models import ACTIVE_STATUSES, Gender, Member, MembershipEvent, Status
from dangvien.organizations.models import Organization

from .compute import _scope_q
from .models import MonthlyFigure
from .scope import report_scope

MONTHS = 12  # months shown before the current one


def month_ends(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The last days of the `months` months before `today`'s, oldest first."""
    out = []
    year, month = today.year, today.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return out[::-1]


def members_at(org: Organization, days: list[dt.date]) -> dict[dt.date, tuple[int, int, int]]:
    """(members, probationary, female) in activity in `org`'s report scope (the
    tree of each day's... of the last day, reports.scope) at the end of each of
    `days` (sorted)."""
    scope = report_scope(org, days[-1])
    candidates = MembershipEvent.objects.filter(
        _scope_q(scope, "organization_after__path"), date__lte=days[-1]
    ).values("member_id")
    female = set(
        Member.objects.filter(pk__in=candidates, gender=Gender.FEMALE).values_list("pk", flat=True)
    )
    counts = {d: [0, 0, 0] for d in days}
    covers: dict[str, bool] = {}
    rows = (
        MembershipEvent.objects.filter(member_id__in=candidates, date__lte=days[-1])
        .order_by("member_id", "date", "seq", "id")
        .values_list("member_id", "date", "status_after", "organization_after__path")
    )
    current: int | None = None
    history: list[tuple[dt.date, str, str]] = []

    def flush():
        if not history:
            return
        dates = [h[0] for h in history]
        for day in days:
            i = bisect_right(dates, day)
            if not i:
                continue
            _d, status, path = history[i - 1]
            if status not in ACTIVE_STATUSES:
                continue
            if path not in covers:
                covers[path] = scope.covers(path)
            if covers[path]:
                c = counts[day]
                c[0] += 1
                c[1] += status == Status.PROBATIONARY
                c[2] += current in female

    for member_id, date, status, path in rows.iterator(chunk_size=20000):
        if member_id != current:
            flush()
            current, history = member_id, []
        history.append((date, status, path))
    flush()
    return {d: (c[0], c[1], c[2]) for d, c in counts.items()}


def months_wanted(org: Organization, today: dt.date) -> list[dt.date]:
    """The month ends a dashboard shows before `today`'s month: the MONTHS last
    ones, those before the organisation (and its predecessors) existed left out."""
    wanted = month_ends(today)
    earliest = report_scope(org, wanted[-1]).earliest
    return [d for d in wanted if earliest is None or d >= earliest]


def monthly_figures_ensure(
    org: Organization, today: dt.date, *, refresh: bool = False
) -> list[MonthlyFigure]:
    """The MonthlyFigure rows of `org` for the MONTHS months before `today`'s,
    computing those missing (all with `refresh`); oldest first. Months before
    the organisation (or its predecessors) existed are left out."""
    wanted = months_wanted(org, today)
    if not wanted:
        return []
    kept = {
        f.month_end: f for f in MonthlyFigure.objects.filter(organization=org, month_end__in=wanted)
    }
    missing = wanted if refresh else [d for d in wanted if d not in kept]
    if missing:
        figures = members_at(org, missing)
        with transaction.atomic():
            for day, (members, probationary, female) in figures.items():
                kept[day], _ = MonthlyFigure.objects.update_or_create(
                    organization=org,
                    month_end=day,
                    defaults={"members": members, "probationary": probationary, "female": female},
                )
    return [kept[d] for d in wanted]
