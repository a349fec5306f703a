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

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from dangvien.accounts.scope import Scope
from dangvien.core.errors import NotFound
from dangvien.members.models import ACTIVE_STATUSES, Member, MembershipEvent
from dangvien.movements.models import Transfer, TransferKind, TransferStatus
from dangvien.organizations.models import Level, Organization

from . import rules
from .models import (
    REGULAR_KINDS,
    Attendance,
    Feedback,
    FeedbackStatus,
    Guest,
    Meeting,
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


def _temporary_transfers_on(day: dt.date) -> QuerySet[Transfer]:
    """Temporary transfers in force on `day` (R2.4: the member attends where
    they are attached, from the receipt until the return)."""
    return Transfer.objects.filter(
        kind=TransferKind.TEMPORARY,
        status__in=(TransferStatus.RECEIVED, TransferStatus.RETURNED),
        received_on__lte=day,
    ).filter(Q(returned_on__isnull=True) | Q(returned_on__gt=day))


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
    temporary = _temporary_transfers_on(day)
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


def month_overview(org: Organization, month: dt.date) -> list[CellMonth]:
    """Each cell under `org` and its regular meeting of `month`: status, day,
    length, attendance and flags, in one query for the cells and one for the
    meetings with their counts. Unscoped: the caller has `org`."""
    first = rules.month_start(month)
    cells = list(
        Organization.objects.filter(path__startswith=org.path, level=Level.CELL)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .values_list("pk", "name")
        .order_by("path")
    )
    meetings = {
        m["cell_id"]: m
        for m in Meeting.objects.filter(
            cell__path__startswith=org.path, month=first, kind__in=REGULAR_KINDS
        )
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
    rows = []
    for pk, name in cells:
        m = meetings.get(pk)
        if m is None:
            rows.append(CellMonth(pk, name, None, "", None, None, 0, 0, ("no_meeting",)))
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
                tuple(f for f in m["flags"].split(",") if f),
            )
        )
    return rows


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
    name: str
    title: str
    visits: int


def leader_visits(org: Organization, year: int) -> list[LeaderVisits]:
    """Leaders of the superior committee recorded as guests at meetings of cells
    under `org` in `year`, with the number of those meetings held outside their
    own cell (seed 002), fewest first; those under
    rules.LEADER_VISITS_PER_YEAR are the ones to remind."""
    guests = Guest.objects.filter(
        leader=True,
        meeting__cell__path__startswith=org.path,
        meeting__status=MeetingStatus.HELD,
        meeting__month__year=year,
    ).values("member_id", "name", "title", "meeting__cell_id", "member__organization_id")
    counts: dict[tuple, list] = {}
    for g in guests:
        key = (g["member_id"] or g["name"],)
        entry = counts.setdefault(key, [g["name"], g["title"], 0])
        if g["member__organization_id"] != g["meeting__cell_id"]:
            entry[2] += 1
    return sorted(
        (LeaderVisits(name, title, visits) for name, title, visits in counts.values()),
        key=lambda v: (v.visits, v.name),
    )


def my_meetings(member: Member, year: int) -> list[tuple[Meeting, Attendance | None]]:
    """The meetings of the member's cell (and of a cell they are attached to)
    in `year`, with their own attendance: what the member's page shows,
    documents included once notified."""
    temporary = _temporary_transfers_on(dt.date.today()).filter(member=member)
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
