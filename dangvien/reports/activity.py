"""The work of a period beside its membership figures (issue 15 part 1): new
members against the yearly admission target, the cells' regular meetings held
and their attendance, dues collected and members who did not pay, discipline
decided, and the grading of the year the period closes.

Unlike the membership figures (reports.compute, from the dated events and the
dated tree), these read the records of each area as they carry their
organisation: a meeting its cell, a ledger month the cell owed, a discipline
the member's organisation when decided, a review the cell graded in. They are
counted over the organisation's subtree of today: a cell moved away since took
its meetings with it, as the area's own pages show them.

`activity(org, period, admitted)` gives a JSON-able dict (kept in
ReportResult.counts["activity"]) and the member ids behind its figures (kept
as ReportFigure rows "act:<code>").
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum

from dangvien.organizations.models import Organization

from .periods import ReportPeriod

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


def _months(period: ReportPeriod) -> list[dt.date]:
    out, month = [], period.start.replace(day=1)
    while month <= period.end:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def _admissions(org: Organization, period: ReportPeriod, admitted: int) -> dict:
    """The period's admitted (form 1 row B1) and, when the period lies in one
    year, that year's target and the admissions from 1 January to its end."""
    from dangvien.admissions.models import AdmissionTarget
    from dangvien.admissions.selectors import admission_progress

    out: dict = {"admitted": admitted, "year": None, "target": None, "year_to_date": None}
    if period.start.year != period.end.year:
        return out
    year = period.end.year
    progress = admission_progress(org, year, period.end, children=False)[0]
    target = (
        AdmissionTarget.objects.filter(organization=org, year=year)
        .values_list("count", flat=True)
        .first()
    )
    out.update(year=year, target=target, year_to_date=progress.admitted)
    return out


def _meetings(org: Organization, period: ReportPeriod) -> tuple[dict, list[int]]:
    from dangvien.meetings.models import (
        REGULAR_KINDS,
        THEMATIC_KINDS,
        Attendance,
        Meeting,
        MeetingStatus,
        Presence,
    )
    from dangvien.meetings.selectors import month_summary

    months = _months(period)
    cell_months = held = 0
    for month in months:
        summary = month_summary(org, month)
        cell_months += summary.cells
        held += summary.held
    meetings = Meeting.objects.filter(
        cell__path__startswith=org.path,
        status=MeetingStatus.HELD,
        held_on__gte=period.start,
        held_on__lte=period.end,
    )
    thematic = meetings.filter(kind__in=THEMATIC_KINDS).count()
    regular = Attendance.objects.filter(meeting__in=meetings.filter(kind__in=REGULAR_KINDS))
    seats = regular.filter(expected=True).aggregate(
        expected=Count("id"),
        present=Count("id", filter=Q(presence=Presence.PRESENT)),
        unexcused=Count("id", filter=Q(presence=Presence.UNEXCUSED)),
    )
    absent = list(
        regular.filter(expected=True, presence=Presence.UNEXCUSED)
        .values_list("member_id", flat=True)
        .distinct()
    )
    return {
        "months": len(months),
        "cell_months": cell_months,
        "regular_held": held,
        "thematic_held": thematic,
        "seats": seats["expected"],
        "present": seats["present"],
        "unexcused": seats["unexcused"],
        "absent_members": len(absent),
    }, absent


def _dues(org: Organization, period: ReportPeriod) -> tuple[dict, list[int]]:
    from dangvien.dues.models import DuesLedger, LedgerStatus

    months = _months(period)
    ledger = DuesLedger.objects.filter(
        organization__path__startswith=org.path, month__gte=months[0], month__lte=months[-1]
    )
    totals = ledger.aggregate(
        due=Sum("amount_due"),
        paid=Sum("amount_paid"),
        rows=Count("id"),
        open=Count("id", filter=Q(status__in=(LedgerStatus.DUE, LedgerStatus.DEFERRED))),
    )
    unpaid = list(
        ledger.filter(status=LedgerStatus.UNPAID).values_list("member_id", flat=True).distinct()
    )
    return {
        "first_month": months[0].isoformat(),
        "last_month": months[-1].isoformat(),
        "amount_due": int(totals["due"] or 0),
        "amount_paid": int(totals["paid"] or 0),
        "member_months": totals["rows"],
        "open_months": totals["open"],
        "unpaid_members": len(unpaid),
    }, unpaid


def _discipline(org: Organization, period: ReportPeriod) -> tuple[dict, dict[str, list[int]]]:
    from dangvien.discipline.models import (
        Discipline,
        DisciplineStatus,
        OrgDiscipline,
        OrgDisciplineStatus,
        OrgSanction,
        Sanction,
    )

    undecided = (DisciplineStatus.PROPOSED, DisciplineStatus.REJECTED, DisciplineStatus.VOTED)
    decided = Discipline.objects.filter(
        org_path__startswith=org.path,
        decision_date__gte=period.start,
        decision_date__lte=period.end,
    ).exclude(status__in=undecided)
    ids: dict[str, list[int]] = {form: [] for form in Sanction.values}
    for form, member_id in decided.values_list("form", "member_id"):
        ids.setdefault(form, []).append(member_id)
    orgs = dict(
        OrgDiscipline.objects.filter(
            org_path__startswith=org.path,
            decision_date__gte=period.start,
            decision_date__lte=period.end,
        )
        .exclude(
            status__in=(
                OrgDisciplineStatus.PROPOSED,
                OrgDisciplineStatus.REJECTED,
                OrgDisciplineStatus.VOTED,
            )
        )
        .values_list("form")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "members": {form: len(set(v)) for form, v in ids.items()},
        "organizations": {form: int(orgs.get(form, 0)) for form in OrgSanction.values},
    }, {form: sorted(set(v)) for form, v in ids.items()}


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
    return {
        "year": year,
        "members": {grade: len(v) for grade, v in ids.items()},
        "organizations": organization_results(org, year),
    }, ids


def activity(
    org: Organization, period: ReportPeriod, admitted: int
) -> tuple[dict, dict[str, list[int]]]:
    """The period's work over `org`'s subtree of today (see the module):
    ({"admissions", "meetings", "dues", "discipline", "grading"}: counts, đồng
    for dues), and {figure code: member ids} for the figures with a list.
    `admitted` is the period's row B1 (new and readmitted members)."""
    meetings, absent = _meetings(org, period)
    dues, unpaid = _dues(org, period)
    discipline, disciplined = _discipline(org, period)
    grading, graded = _grading(org, period)
    lists = {ABSENT: absent, DUES_UNPAID: unpaid}
    lists.update({f"{DISCIPLINE}{form}": v for form, v in disciplined.items()})
    lists.update({f"{GRADE}{grade}": v for grade, v in graded.items()})
    return {
        "admissions": _admissions(org, period, admitted),
        "meetings": meetings,
        "dues": dues,
        "discipline": discipline,
        "grading": grading,
    }, lists
