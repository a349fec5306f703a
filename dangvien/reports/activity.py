"""The work of a period beside its membership figures (issue 15 part 1): new
members against the yearly admission target, the cells' regular meetings held
and their attendance, dues collected and members who did not pay, discipline
decided, and the grading of the year the period closes.

Unlike the membership figures (reports.compute, from the dated events and the
dated tree), these read the records of each area as they carry their
organisation: a meeting and a ledger month by their cell (as the meetings and
dues pages count them: a cell moved since takes them along), a discipline and
a review by the organisation path recorded on the day (a cell moved since
leaves them with the subtree it was in). Meetings and dues count the months
wholly within the period (months_ended): a month still running is not owed
yet.

`activity(org, period, admitted)` gives a JSON-able dict (kept in
ReportResult.counts["activity"]) and the member ids behind its figures (kept
as ReportFigure rows "act:<code>").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Aggregate, Count, Q, QuerySet, Sum, Value

from dangvien.core.alongside import alongside
from dangvien.organizations.models import Organization

from .compute import in_name_order
from .periods import ReportPeriod

# The shape of the kept dict: a result kept with another is computed again when read.
ACTIVITY_VERSION = 2

# The figures with a list of members behind them: code -> what they count.
ABSENT = "act:absent"
DUES_UNPAID = "act:dues_unpaid"
DISCIPLINE = "act:disc:"  # + the form (members.Sanction)
GRADE = "act:grade:"  # + the grade (grading.rules.Grade)


def activity_label(figure: str) -> str | None:
    """What an "act:" figure counts, as the page names it; None when unknown."""
    from dangvien.discipline.models import Sanction
    from dangvien.grading.rules import GRADE_LABELS

    if figure == ABSENT:
        return "Đảng viên vắng sinh hoạt thường kỳ không có lý do trong kỳ"
    if figure == DUES_UNPAID:
        return "Đảng viên không đóng đảng phí, không có lý do (ít nhất một tháng trong kỳ)"
    if figure.startswith(DISCIPLINE):
        label = dict(Sanction.choices).get(figure.removeprefix(DISCIPLINE))
        return f"Đảng viên bị kỷ luật trong kỳ: {label}" if label else None
    if figure.startswith(GRADE):
        label = GRADE_LABELS.get(figure.removeprefix(GRADE))
        return f"Đảng viên xếp loại «{label}»" if label else None
    return None


def months_ended(period: ReportPeriod) -> list[dt.date]:
    """The first days of the months wholly within the period: begun on or after
    its start and ended by its end. A month still running is left out (its
    meeting and its dues may not be due yet), and so is one begun before the
    period (its meeting may have been held before it). [] when none is."""
    out, month = [], period.start.replace(day=1)
    while month <= period.end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        if month >= period.start and following - dt.timedelta(days=1) <= period.end:
            out.append(month)
        month = following
    return out


def _admissions(org: Organization, period: ReportPeriod, admitted: int | None) -> dict:
    """The period's admitted (form 1 row B1) and, when the period lies in one
    year, that year's target and the admissions from 1 January to its end."""
    from dangvien.admissions.selectors import admission_progress

    out: dict = {"admitted": admitted, "year": None, "target": None, "year_to_date": None}
    if period.start.year != period.end.year:
        return out
    progress = admission_progress(org, period.end.year, period.end, children=False)[0]
    out.update(year=period.end.year, target=progress.target, year_to_date=progress.admitted)
    return out


def _totals_and_members(rows: QuerySet, who: Q, /, **totals: Aggregate) -> tuple[dict, list[int]]:
    """`rows.aggregate(**totals)`, and the distinct member ids of the rows that
    match `who` (unordered). On PostgreSQL one scan of the rows (an array of
    the ids beside the totals: the attendance of a province's quarter, 530,000
    rows, read once, not twice); elsewhere a second query."""
    if connection.vendor == "postgresql":
        found = rows.aggregate(
            **totals, _ids=ArrayAgg("member_id", distinct=True, filter=who, default=Value([]))
        )
        return found, found.pop("_ids")
    ids = rows.filter(who).values_list("member_id", flat=True).distinct()
    return rows.aggregate(**totals), list(ids)


def _meetings(org: Organization, months: list[dt.date]) -> tuple[dict, list[int]]:
    """The cells' meetings of the months: regular meetings held over cells ×
    months (meetings.selectors.month_summary, as the meetings pages count),
    thematic meetings held, attendance of the regular ones, who was absent
    without reason. By the month a meeting belongs to (Meeting.month)."""
    from dangvien.meetings.models import (
        REGULAR_KINDS,
        THEMATIC_KINDS,
        Attendance,
        Meeting,
        MeetingStatus,
        Presence,
    )
    from dangvien.meetings.selectors import month_summary

    cell_months = held = 0
    for month in months:
        summary = month_summary(org, month)
        cell_months += summary.cells
        held += summary.held
    meetings = Meeting.objects.filter(
        cell__path__startswith=org.path, status=MeetingStatus.HELD, month__in=months
    )
    thematic = meetings.filter(kind__in=THEMATIC_KINDS).count()
    regular = Attendance.objects.filter(
        meeting__in=meetings.filter(kind__in=REGULAR_KINDS), expected=True
    )
    seats, absent_ids = _totals_and_members(
        regular,
        Q(presence=Presence.UNEXCUSED),
        expected=Count("id"),
        present=Count("id", filter=Q(presence=Presence.PRESENT)),
        unexcused=Count("id", filter=Q(presence=Presence.UNEXCUSED)),
    )
    return {
        "cell_months": cell_months,
        "regular_held": held,
        "thematic_held": thematic,
        "seats": seats["expected"],
        "present": seats["present"],
        "unexcused": seats["unexcused"],
        "absent_members": len(absent_ids),
    }, absent_ids


def _dues(org: Organization, months: list[dt.date]) -> tuple[dict, list[int]]:
    """The ledgers of the months (each owed to the cell where the member was):
    đồng owed and paid, member-months owed (those exempt left out) and those
    not paid (for any reason, or not yet), who did not pay without reason."""
    from dangvien.dues.models import DuesLedger, LedgerStatus

    ledger = DuesLedger.objects.filter(
        organization__path__startswith=org.path, month__in=months
    ).exclude(status=LedgerStatus.EXEMPT)
    totals, unpaid_ids = _totals_and_members(
        ledger,
        Q(status=LedgerStatus.UNPAID),
        due=Sum("amount_due"),
        paid=Sum("amount_paid"),
        rows=Count("id"),
        not_paid=Count("id", filter=~Q(status=LedgerStatus.PAID)),
    )
    return {
        "amount_due": int(totals["due"] or 0),
        "amount_paid": int(totals["paid"] or 0),
        "member_months": totals["rows"],
        "not_paid_months": totals["not_paid"],
        "unpaid_members": len(unpaid_ids),
    }, unpaid_ids


def _discipline(org: Organization, period: ReportPeriod) -> tuple[dict, dict[str, list[int]]]:
    """Disciplines whose decision was signed in the period and stand (decided
    or in force: one annulled on a complaint or found wrongful and restored is
    not counted), by form, members and organisations; a member counted once
    in the total."""
    from dangvien.discipline.models import (
        Discipline,
        DisciplineStatus,
        OrgDiscipline,
        OrgDisciplineStatus,
        OrgSanction,
        Sanction,
    )

    decided = Discipline.objects.filter(
        org_path__startswith=org.path,
        decision_date__gte=period.start,
        decision_date__lte=period.end,
        status__in=(DisciplineStatus.DECIDED, DisciplineStatus.IN_FORCE),
    )
    ids: dict[str, list[int]] = {form: [] for form in Sanction.values}
    for form, member_id in decided.values_list("form", "member_id"):
        ids.setdefault(form, []).append(member_id)
    orgs = dict(
        OrgDiscipline.objects.filter(
            org_path__startswith=org.path,
            decision_date__gte=period.start,
            decision_date__lte=period.end,
            status__in=(
                OrgDisciplineStatus.DECIDED,
                OrgDisciplineStatus.IN_FORCE,
                OrgDisciplineStatus.DISSOLVED,
            ),
        )
        .values_list("form")
        .annotate(n=Count("id"))
        .order_by()
    )
    lists = {form: list(dict.fromkeys(v)) for form, v in ids.items()}  # each once
    return {
        "members": {form: len(v) for form, v in lists.items()},
        "members_total": len({pk for v in lists.values() for pk in v}),
        "organizations": {form: int(orgs.get(form, 0)) for form in OrgSanction.values},
    }, lists


def grading_year_of(period: ReportPeriod) -> int:
    """The year whose grading a period reports: its own year when it ends in
    December (the grading runs in December and January), else the year before;
    the report falls back one year while that year's grading is not decided."""
    return period.end.year if period.end.month == 12 else period.end.year - 1


def _grading(org: Organization, period: ReportPeriod) -> tuple[dict, dict[str, list[int]]]:
    from dangvien.grading.models import MemberReview
    from dangvien.grading.rules import GRADES
    from dangvien.grading.selectors import DECIDED_STATUSES, organization_results

    year = grading_year_of(period)
    decided = MemberReview.objects.filter(
        cell_path__startswith=org.path, status__in=DECIDED_STATUSES
    )
    if not decided.filter(year=year).exists() and decided.filter(year=year - 1).exists():
        year -= 1  # the year's grading not decided yet (a December not over): the last one
    ids: dict[str, list[int]] = {grade: [] for grade in GRADES}
    for grade, member_id in decided.filter(year=year).values_list("grade", "member_id"):
        if grade in ids:
            ids[grade].append(member_id)
    ids = {grade: list(dict.fromkeys(v)) for grade, v in ids.items()}  # each once
    return {
        "year": year,
        "members": {grade: len(v) for grade, v in ids.items()},
        "organizations": organization_results(org, year),
    }, ids


def activity(
    org: Organization,
    period: ReportPeriod,
    admitted: int | None,
    parallel: bool = False,
    order: Callable[[list[int]], list[int]] | None = in_name_order,
) -> tuple[dict, dict[str, list[int]]]:
    """The period's work over `org`'s subtree of today (see the module):
    ({"admissions", "meetings", "dues", "discipline", "grading"}: counts, đồng
    for dues), and {figure code: member ids} for the figures with a list.
    `admitted` is the period's row B1 (new and readmitted members); None when
    the caller fills it in afterwards (computed at the same time). `parallel`:
    the meetings, the dues and the discipline each read on their own
    connection while the grading is read here (core.alongside; a large
    subtree, outside a transaction). Each list holds a member once, put in
    Vietnamese name order by `order`; None leaves them as found, for a caller
    that orders them itself (reports.services: by the name order its
    computation of the lists already read)."""
    months = months_ended(period)
    meetings_read = alongside(_meetings, org, months, worth=parallel)
    dues_read = alongside(_dues, org, months, worth=parallel)
    discipline_read = alongside(_discipline, org, period, worth=parallel)
    grading, graded = _grading(org, period)
    meetings, absent = meetings_read.result()
    dues, unpaid = dues_read.result()
    discipline, disciplined = discipline_read.result()
    lists = {ABSENT: absent, DUES_UNPAID: unpaid}
    lists.update({f"{DISCIPLINE}{form}": v for form, v in disciplined.items()})
    lists.update({f"{GRADE}{grade}": v for grade, v in graded.items()})
    if order is not None:
        lists = {code: order(ids) for code, ids in lists.items()}
    return {
        "version": ACTIVITY_VERSION,
        "months": [m.isoformat() for m in months],
        "admissions": _admissions(org, period, admitted),
        "meetings": meetings,
        "dues": dues,
        "discipline": discipline,
        "grading": grading,
    }, lists
