"""Reading meetings: the roll of a cell on a day, calendars, attendance rates,
the name-deletion candidates from missed meetings, the committee's overview.

Scoped readers take a `Scope` and answer NotFound outside it; the unscoped
ones (`cell_roll_on`, ...) are for services that already hold the cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from dangvien.accounts.scope import Scope
from dangvien.core.errors import NotFound
from dangvien.members.models import ACTIVE_STATUSES, Member, MembershipEvent
from dangvien.movements.selectors import temporary_transfers_on
from dangvien.organizations.models import (
    MEMBER_HOLDING_LEVELS,
    CommitteePost,
    CommitteePostKind,
    Level,
    Organization,
)

from . import rules
from .models import (
    CELL_LEVELS,
    REGULAR_KINDS,
    THEMATIC_KINDS,
    Attendance,
    CommitteeConference,
    Feedback,
    FeedbackStatus,
    Meeting,
    MeetingKind,
    MeetingSchedule,
    MeetingStatus,
    Presence,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a dev dependency: for the checker only


@dataclass(frozen=True)
class RollRow:
    """A member on a cell's roll for a meeting day. `expected`: must attend;
    `why_not`: why not (exempted, attached elsewhere)."""

    member: Member
    expected: bool
    why_not: str = ""

    @property
    def attends_elsewhere(self) -> bool:
        return self.why_not == ATTACHED_ELSEWHERE


ATTACHED_ELSEWHERE = "Sinh hoạt tạm thời nơi khác"


def cell_roll_on(cell: Organization, day: dt.date) -> list[RollRow]:
    """Who is on the cell's roll on `day`, in Vietnamese name order.

    Its official and probationary members that day (from the events); those
    exempted from activity are not expected (they count if they come); those
    on a temporary transfer to another cell attend there; members of other
    cells temporarily attached here attend here (R2.4, addendum 8.6)."""
    latest = MembershipEvent.objects.filter(member=OuterRef("pk"), date__lte=day).order_by(
        "-date", "-seq", "-id"
    )
    own = list(
        Member.objects.filter(
            pk__in=MembershipEvent.objects.filter(organization_after=cell).values("member")
        )
        .annotate(
            status_on=Subquery(latest.values("status_after")[:1]),
            organization_on=Subquery(latest.values("organization_after")[:1]),
            exempt_on=Subquery(latest.values("exempt_after")[:1]),
        )
        .filter(status_on__in=ACTIVE_STATUSES, organization_on=cell.pk)
    )
    temporary = temporary_transfers_on(day)
    away = set(
        temporary.filter(member__in=[m.pk for m in own])
        .exclude(to_organization=cell)
        .values_list("member_id", flat=True)
    )
    attached = list(
        Member.objects.filter(
            pk__in=temporary.filter(to_organization=cell).values("member"),
            status__in=ACTIVE_STATUSES,
        )
    )
    rows = []
    for member in own:
        if member.pk in away:
            rows.append(RollRow(member, False, ATTACHED_ELSEWHERE))
        elif member.exempt_on:
            rows.append(RollRow(member, False, "Được miễn sinh hoạt"))
        else:
            rows.append(RollRow(member, True))
    seen = {m.pk for m in own}
    rows.extend(RollRow(m, True) for m in attached if m.pk not in seen)
    rows.sort(key=lambda r: (bytes(r.member.sort_key or b""), r.member.pk))
    return rows


def schedule_in_force(cell: Organization, on: dt.date) -> MeetingSchedule | None:
    """The cell's meeting schedule in force on `on` (the latest set from a day
    on or before it)."""
    return (
        MeetingSchedule.objects.filter(cell=cell, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )


def scheduled_day_of(schedule: MeetingSchedule, month: dt.date) -> dt.date | None:
    return rules.scheduled_day(
        schedule.kind, month, day=schedule.day, weekday=schedule.weekday, week=schedule.week
    )


def meetings_visible_to(scope: Scope) -> QuerySet[Meeting]:
    return Meeting.objects.filter(scope.org_q("cell__path"))


def meeting_get_for(scope: Scope, pk) -> Meeting:
    """The meeting `pk` if its cell lies in the scope; NotFound otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    meeting = (
        meetings_visible_to(scope).select_related("cell", "cell__parent").filter(pk=pk).first()
    )
    if meeting is None:
        raise NotFound()
    return meeting


def feedback_get_for(scope: Scope, pk) -> Feedback:
    """The feedback item `pk` if its cell or the committee it went to lies in the
    scope; NotFound otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    item = (
        Feedback.objects.filter(scope.org_q("cell__path") | scope.org_q("to_organization__path"))
        .select_related("cell", "to_organization", "meeting")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise NotFound()
    return item


@dataclass(frozen=True)
class AttendanceRate:
    """Counts of a set of meetings: expected attendances, those present among
    them, present though not expected (exempted members who came), absences
    with and without reason; `percent` over the expected (None when none)."""

    meetings: int
    expected: int
    present: int
    present_unexpected: int
    excused: int
    unexcused: int

    @property
    def percent(self) -> Decimal | None:
        """Over those expected plus those who came without having to (an exempted
        member who comes counts, issue 10 part 3)."""
        extra = self.present_unexpected
        return rules.attendance_percent(self.present + extra, self.expected + extra)


def attendance_rate(meetings: QuerySet[Meeting], member: Member | None = None) -> AttendanceRate:
    """Attendance over the held `meetings` (of a cell, a period), or of one member."""
    held = meetings.filter(status=MeetingStatus.HELD)
    rows = Attendance.objects.filter(meeting__in=held)
    if member is not None:
        rows = rows.filter(member=member)
    totals = rows.aggregate(
        n_expected=Count("pk", filter=Q(expected=True)),
        n_present=Count("pk", filter=Q(expected=True, presence=Presence.PRESENT)),
        n_present_unexpected=Count("pk", filter=Q(expected=False, presence=Presence.PRESENT)),
        n_excused=Count("pk", filter=Q(expected=True, presence=Presence.EXCUSED)),
        n_unexcused=Count("pk", filter=Q(expected=True, presence=Presence.UNEXCUSED)),
    )
    return AttendanceRate(
        meetings=held.count(), **{key[2:]: value for key, value in totals.items()}
    )


def unexcused_regular_meetings(member: Member, year: int) -> QuerySet[Meeting]:
    """The regular meetings of `year` the member was expected at and missed
    without reason (R4.1): the evidence of a name-deletion proposal. Members
    not expected (exempted, attached elsewhere) are never counted."""
    return Meeting.objects.filter(
        kind__in=REGULAR_KINDS,
        status=MeetingStatus.HELD,
        month__year=year,
        attendances__member=member,
        attendances__expected=True,
        attendances__presence=Presence.UNEXCUSED,
    ).order_by("month")


@dataclass(frozen=True)
class DeletionCandidate:
    member_id: int
    name: str
    cell_id: int
    cell_name: str
    months: int


def name_deletion_candidates(org: Organization, year: int) -> list[DeletionCandidate]:
    """Members in `org`'s subtree who missed regular meetings without reason in
    at least rules.MISSED_MEETINGS_LIMIT distinct months of `year` (R4.1, exactly
    3 is enough), wherever in the subtree they met that year; months the
    organisation excused (movements.selectors.excused_months: an exemption, a
    temporary transfer) never count, even if an attendance row says otherwise.
    Most months first. Unscoped: the caller has `org`."""
    from dangvien.movements.selectors import excused_months

    limit = rules.MISSED_MEETINGS_LIMIT.on(dt.date(year, 12, 31))
    missed = Attendance.objects.filter(
        meeting__cell__path__startswith=org.path,
        meeting__kind__in=REGULAR_KINDS,
        meeting__status=MeetingStatus.HELD,
        meeting__month__gte=dt.date(year, 1, 1),
        meeting__month__lte=dt.date(year, 12, 1),
        expected=True,
        presence=Presence.UNEXCUSED,
    )
    over = (
        missed.values("member_id")
        .annotate(months=Count("meeting__month", distinct=True))
        .filter(months__gte=limit)
        .order_by()
    )
    ids = [r["member_id"] for r in over]
    months_of: dict[int, set[dt.date]] = {}
    for member_id, month in missed.filter(member_id__in=ids).values_list(
        "member_id", "meeting__month"
    ):
        months_of.setdefault(member_id, set()).add(month)
    found = []
    for member in Member.objects.filter(pk__in=ids, status__in=ACTIVE_STATUSES).select_related(
        "organization"
    ):
        excused = excused_months(member, dt.date(year, 1, 1), dt.date(year, 12, 31))
        counted = [m for m in months_of[member.pk] if (m.year, m.month) not in excused]
        if len(counted) >= limit:
            found.append(
                DeletionCandidate(
                    member.pk,
                    member.full_name,
                    member.organization_id,
                    member.organization.name,
                    len(counted),
                )
            )
    return sorted(found, key=lambda c: (-c.months, c.name))


@dataclass(frozen=True)
class CellMonth:
    """One cell's regular meeting of a month in the committee's overview."""

    cell_id: int
    cell_name: str
    meeting_id: int | None
    status: str
    day: dt.date | None
    duration_minutes: int | None
    expected: int
    present: int
    flags: tuple[str, ...]

    @property
    def percent(self) -> Decimal | None:
        return rules.attendance_percent(self.present, self.expected)

    @property
    def status_label(self) -> str:
        return str(MeetingStatus(self.status).label) if self.status else ""


OVERVIEW_PAGE = 200


def _cells_of(org: Organization, first: dt.date) -> QuerySet[Organization]:
    """The cells (cells and grassroots cells) under `org` in being on `first`."""
    return Organization.objects.filter(path__startswith=org.path, level__in=CELL_LEVELS).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )


def _thematic_due(first: dt.date, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The quarter whose thematic meeting the overview of month `first` checks:
    the month closes the quarter and the quarter has ended (R9.2)."""
    start, end = rules.quarter_of(first)
    if first.month != end.month or end >= today:
        return None
    return start, end


def _thematic_held_q(start: dt.date, end: dt.date) -> Exists:
    return Exists(
        Meeting.objects.filter(
            cell=OuterRef("pk"),
            kind__in=THEMATIC_KINDS,
            status=MeetingStatus.HELD,
            month__gte=start,
            month__lte=end,
        )
    )


def month_overview(
    org: Organization,
    month: dt.date,
    *,
    flagged_only: bool = False,
    after: int | None = None,
    limit: int | None = None,
    today: dt.date | None = None,
) -> list[CellMonth]:
    """Each cell under `org` (cells and grassroots cells) and its regular
    meeting of `month`: status, day, length, attendance and flags, in path
    order. A page: the cells after cell `after` (keyset on the path), at most
    `limit`; `flagged_only` keeps the cells with something to note (no
    meeting, a flagged meeting, no thematic meeting in an ended quarter),
    filtered in the query. One query for the page's cells, one for their
    meetings with counts, one for the thematic check of the quarter's last
    month (R9.2: flag "no_thematic" once the quarter has ended).
    Unscoped: the caller has `org`."""
    first = rules.month_start(month)
    today = today or dt.date.today()
    quarter = _thematic_due(first, today)
    cells_qs = _cells_of(org, first)
    if after is not None:
        last_path = (
            Organization.objects.filter(pk=after, path__startswith=org.path)
            .values_list("path", flat=True)
            .first()
        )
        if last_path is not None:
            cells_qs = cells_qs.filter(path__gt=last_path)
    if flagged_only:
        regular = Meeting.objects.filter(cell=OuterRef("pk"), month=first, kind__in=REGULAR_KINDS)
        flagged = Q(~Exists(regular)) | Q(Exists(regular.exclude(flags="")))
        if quarter is not None:
            flagged |= Q(~_thematic_held_q(*quarter))
        cells_qs = cells_qs.filter(flagged)
    cells_qs = cells_qs.order_by("path")
    if limit is not None:
        cells_qs = cells_qs[:limit]
    cells = list(cells_qs.values_list("pk", "name"))
    ids = [pk for pk, _name in cells]
    meetings = {
        m["cell_id"]: m
        for m in Meeting.objects.filter(cell_id__in=ids, month=first, kind__in=REGULAR_KINDS)
        .annotate(
            # Those expected plus those who came anyway (every row is one or the other).
            n_expected=Count("attendances"),
            n_present=Count("attendances", filter=Q(attendances__presence=Presence.PRESENT)),
        )
        .values(
            "pk",
            "cell_id",
            "status",
            "held_on",
            "planned_on",
            "scheduled_on",
            "duration_minutes",
            "n_expected",
            "n_present",
            "flags",
        )
    }
    no_thematic: set[int] = set()
    if quarter is not None and ids:
        start, end = quarter
        held = dict(
            Meeting.objects.filter(
                cell_id__in=ids,
                kind__in=THEMATIC_KINDS,
                status=MeetingStatus.HELD,
                month__gte=start,
                month__lte=end,
            )
            .values("cell_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("cell_id", "n")
        )
        no_thematic = {pk for pk in ids if rules.thematic_missing(held.get(pk, 0), end, today)}
    rows = []
    for pk, name in cells:
        extra = ("no_thematic",) if pk in no_thematic else ()
        m = meetings.get(pk)
        if m is None:
            rows.append(CellMonth(pk, name, None, "", None, None, 0, 0, ("no_meeting", *extra)))
            continue
        rows.append(
            CellMonth(
                pk,
                name,
                m["pk"],
                m["status"],
                m["held_on"] or m["planned_on"] or m["scheduled_on"],
                m["duration_minutes"],
                m["n_expected"],
                m["n_present"],
                (*(f for f in m["flags"].split(",") if f), *extra),
            )
        )
    return rows


@dataclass(frozen=True)
class MonthSummary:
    cells: int
    held: int


def month_summary(org: Organization, month: dt.date) -> MonthSummary:
    """How many cells under `org` there are in `month` and how many held their
    regular meeting: two counts, whatever the page shown."""
    first = rules.month_start(month)
    cells = _cells_of(org, first)
    held = Meeting.objects.filter(
        cell__in=cells, month=first, kind__in=REGULAR_KINDS, status=MeetingStatus.HELD
    )
    return MonthSummary(cells.count(), held.count())


@dataclass(frozen=True)
class GrassrootsYear:
    organization_id: int
    name: str
    held: int


def grassroots_meetings_short(
    org: Organization, year: int, today: dt.date | None = None
) -> list[GrassrootsYear]:
    """The grassroots party organisations under `org` (itself included) that
    held fewer meetings (kind "grassroots") than R9.3 asks in `year`, once the
    year has ended; empty while it runs. Counted in one query. Unscoped."""
    today = today or dt.date.today()
    if not rules.grassroots_meetings_short(0, year, today):
        return []
    least = rules.GRASSROOTS_MEETINGS_PER_YEAR.on(dt.date(year, 12, 31))
    rows = (
        Organization.objects.filter(path__startswith=org.path, level=Level.GRASSROOTS_COMMITTEE)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 12, 31)))
        .filter(valid_from__lte=dt.date(year, 1, 1))
        .annotate(
            n_held=Count(
                "meetings",
                filter=Q(
                    meetings__kind=MeetingKind.GRASSROOTS,
                    meetings__status=MeetingStatus.HELD,
                    meetings__month__year=year,
                ),
            )
        )
        .filter(n_held__lt=least)
        .order_by("path")
        .values_list("pk", "name", "n_held")
    )
    return [GrassrootsYear(pk, name, n) for pk, name, n in rows]


def conference_clashes(org: Organization, day: dt.date) -> list[Meeting]:
    """Meetings of cells under `org` set for `day` by the calendar and not yet
    registered, or registered (notified) for `day`: what a conference of `org`
    on that day would clash with (issue 10 part 1). Unscoped."""
    return list(
        Meeting.objects.filter(cell__path__startswith=org.path)
        .filter(
            Q(status=MeetingStatus.SCHEDULED, scheduled_on=day)
            | Q(status__in=(MeetingStatus.REGISTERED, MeetingStatus.NOTIFIED), planned_on=day)
        )
        .select_related("cell")
        .order_by("cell__path", "pk")
    )


def conferences_of(org: Organization, month: dt.date) -> list[tuple[CommitteeConference, list]]:
    """The conferences `org` put on its calendar in `month`, each with its
    clashes (`conference_clashes`). Unscoped."""
    first = rules.month_start(month)
    conferences = CommitteeConference.objects.filter(
        organization=org, date__gte=first, date__lte=rules.month_end(first)
    ).order_by("date", "pk")
    return [(c, conference_clashes(org, c.date)) for c in conferences]


def committee_meetings(org: Organization, year: int) -> QuerySet[Meeting]:
    """A grassroots committee's own meetings of `year` (R9.3)."""
    return Meeting.objects.filter(cell=org, month__year=year).order_by("month", "pk")


@dataclass(frozen=True)
class MemberYear:
    """A member's attendance at the regular and other meetings of a year."""

    member_id: int
    name: str
    expected: int
    present: int
    excused: int
    unexcused: int

    @property
    def percent(self) -> Decimal | None:
        return rules.attendance_percent(self.present, self.expected)


def attendance_by_member(cell: Organization, year: int) -> list[MemberYear]:
    """Per member, the held meetings of the cell in `year` they were expected
    at and how they attended, in name order. Unscoped."""
    rows = list(
        Attendance.objects.filter(
            meeting__cell=cell, meeting__status=MeetingStatus.HELD, meeting__month__year=year
        )
        .values("member_id")
        .annotate(
            n_expected=Count("pk"),  # expected, or came anyway
            n_present=Count("pk", filter=Q(presence=Presence.PRESENT)),
            n_excused=Count("pk", filter=Q(expected=True, presence=Presence.EXCUSED)),
            n_unexcused=Count("pk", filter=Q(expected=True, presence=Presence.UNEXCUSED)),
        )
        .order_by()
    )
    members = Member.objects.in_bulk([r["member_id"] for r in rows])
    result = [
        MemberYear(
            r["member_id"],
            members[r["member_id"]].full_name,
            r["n_expected"],
            r["n_present"],
            r["n_excused"],
            r["n_unexcused"],
        )
        for r in rows
    ]
    result.sort(key=lambda r: (bytes(members[r.member_id].sort_key or b""), r.member_id))
    return result


class MeetingCounts(TypedDict):
    """What `meetings_of_year` adds to each meeting: members expected, present."""

    n_expected: int
    n_present: int


def meetings_of_year(
    cell: Organization, year: int
) -> QuerySet[WithAnnotations[Meeting, MeetingCounts]]:
    """The cell's meetings of `year`, by month, with their attendance counts."""
    return (
        Meeting.objects.filter(cell=cell, month__year=year)
        .annotate(
            # Those expected plus those who came anyway (every row is one or the other).
            n_expected=Count("attendances"),
            n_present=Count("attendances", filter=Q(attendances__presence=Presence.PRESENT)),
        )
        .order_by("month", "kind", "pk")
    )


def feedback_waiting(org: Organization) -> QuerySet[Feedback]:
    """Feedback sent to `org` or to committees below it, not yet answered, oldest
    first."""
    return (
        Feedback.objects.filter(
            to_organization__path__startswith=org.path, status=FeedbackStatus.SENT
        )
        .select_related("cell", "to_organization")
        .order_by("sent_on", "pk")
    )


@dataclass(frozen=True)
class LeaderVisits:
    member_id: int
    name: str
    title: str
    visits: int


def leader_visits(org: Organization, year: int) -> list[LeaderVisits]:
    """The leaders of the committees in `org`'s subtree (holders of a committee
    post of a committee, not of a cell, at some time in `year`, voided rows
    aside) with the number of meetings of cells under `org` held in `year` they
    attended as a leader, outside their own cell (seed 002); fewest first, those
    with no visit included. One query: the count is an aggregate over the
    members, never rows read into Python. Those under
    rules.LEADER_VISITS_PER_YEAR are the ones to remind. Unscoped."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    posts = CommitteePost.objects.filter(
        organization__path__startswith=org.path,
        voided=False,
        member__isnull=False,
        starts_on__lte=last,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
    posts = posts.exclude(organization__level__in=MEMBER_HOLDING_LEVELS)
    title = posts.filter(member=OuterRef("pk")).order_by("organization__path", "kind", "rank")
    visited = Q(
        visits__leader=True,
        visits__meeting__status=MeetingStatus.HELD,
        visits__meeting__month__gte=first,
        visits__meeting__month__lte=last,
        visits__meeting__cell__path__startswith=org.path,
    ) & ~Q(visits__meeting__cell_id=F("organization_id"))
    rows = (
        Member.objects.filter(pk__in=posts.values("member_id"))
        .annotate(
            n_visits=Count("visits__meeting", filter=visited, distinct=True),
            post_kind=Subquery(title.values("kind")[:1]),
            post_org=Subquery(title.values("organization__name")[:1]),
        )
        .order_by("n_visits", "sort_key", "pk")
        .values_list(
            "pk", "family_name", "middle_name", "given_name", "post_kind", "post_org", "n_visits"
        )
    )
    kinds = dict(CommitteePostKind.choices)
    return [
        LeaderVisits(
            pk,
            " ".join(p for p in (family, middle, given) if p),
            f"{kinds.get(kind, '')} {(org_name or '').replace('Đảng bộ', 'Đảng ủy', 1)}".strip(),
            n,
        )
        for pk, family, middle, given, kind, org_name, n in rows
    ]


def my_meetings(member: Member, year: int) -> list[tuple[Meeting, Attendance | None]]:
    """The meetings of the member's cell (and of a cell they are attached to)
    in `year`, with their own attendance: what the member's page shows,
    documents included once notified."""
    temporary = temporary_transfers_on(dt.date.today()).filter(member=member)
    cells = [member.organization_id, *temporary.values_list("to_organization_id", flat=True)]
    meetings = list(
        Meeting.objects.filter(cell_id__in=cells, month__year=year)
        .select_related("cell")
        .order_by("-month", "-pk")
    )
    mine = {
        a.meeting_id: a
        for a in Attendance.objects.filter(member=member, meeting__in=[m.pk for m in meetings])
    }
    return [(m, mine.get(m.pk)) for m in meetings]
