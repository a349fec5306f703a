"""Reads for exemptions, members working away and residence liaison, always
through the caller's scope (NotFound outside it: pages and the API answer 404),
the write-scope getters of each workflow step (`<obj>_get_for_step`), and the
small reads other areas use: `is_graded`, `exemption_in_force`,
`residence_comment_for`."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Max, Min, Q, QuerySet

from dangvien.accounts.scope import Scope
from dangvien.compliance.workflow import Workflow
from dangvien.core.errors import NotFound
from dangvien.members.models import ACTIVE_STATUSES, ENDED_STATUSES, Member
from dangvien.organizations.models import Organization

from . import rules
from .models import (
    EXEMPTION_OPEN,
    CommentPurpose,
    Exemption,
    ExemptionKind,
    ExemptionStatus,
    ResidenceComment,
    ResidenceGroup,
    ResidenceLiaison,
    ResidenceMeeting,
    ResidenceStatus,
    WorkingAway,
    WorkingAwayStatus,
)
from .workflows import EXEMPTION, RESIDENCE, WORKING_AWAY


def _pk(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound from None
    if not 0 < number < 2**63:
        raise NotFound
    return number


def _for_step(wf: Workflow, scope: Scope, obj, step: str):
    """`obj` if `scope` may take `step` on it (a writing role at the acting
    body's organisation or above, or the member's own step); raises
    `unknown_step`, or `not_acting_body` (the API answers 403). Whether the
    state allows the step now is the service's check (`out_of_order`)."""
    wf.require_acting(scope, obj, step)
    return obj


def _member_q(scope: Scope, prefix: str = "member__") -> Q:
    if scope.everything:
        return Q()
    q = scope.org_q(f"{prefix}org_path")
    if scope.member_id is not None:
        q |= Q(**{f"{prefix}id": scope.member_id})
    return q


# --- Exemption --------------------------------------------------------------


def exemptions_visible_to(scope: Scope) -> QuerySet[Exemption]:
    """Exemptions of members the scope reaches (and the member's own)."""
    return Exemption.objects.filter(_member_q(scope))


def exemption_get_for(scope: Scope, pk) -> Exemption:
    """The exemption `pk` if the scope reaches it; raises NotFound otherwise."""
    found = (
        exemptions_visible_to(scope)
        .select_related("member", "organization", "working_away")
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound
    return found


def exemption_get_for_step(scope: Scope, pk, step: str) -> Exemption:
    """The exemption `pk` in the scope, if the scope may take `step` on it.
    Raises NotFound (outside the scope) or `not_acting_body`."""
    return _for_step(EXEMPTION, scope, exemption_get_for(scope, pk), step)


def exemptions_under(org: Organization) -> QuerySet[Exemption]:
    """Exemptions of members in `org`'s subtree (unscoped: the caller checked `org`)."""
    return Exemption.objects.filter(member__org_path__startswith=org.path).select_related(
        "member", "organization"
    )


@dataclass
class ExemptionLists:
    open: list[Exemption]
    overdue_for_return: list[Exemption]
    closed: list[Exemption]
    exempt_count: int
    reduced_count: int


def exemption_lists(org: Organization, today: dt.date | None = None) -> ExemptionLists:
    """Open, overdue-for-return and recent closed exemptions under `org`, with counts."""
    today = today or dt.date.today()
    # A member out of the Party has no open file (movements.endings closes them;
    # older rows are left out all the same), so no list or count shows them.
    open_rows = list(
        exemptions_under(org)
        .filter(status__in=EXEMPTION_OPEN)
        .exclude(member__status__in=ENDED_STATUSES)
        .order_by("start")
    )
    for row in open_rows:
        row.overdue = exemption_overdue(row, today)
    return ExemptionLists(
        open=open_rows,
        overdue_for_return=[row for row in open_rows if row.overdue],
        closed=list(
            exemptions_under(org)
            .exclude(status__in=EXEMPTION_OPEN)
            .order_by("-applied_on", "-id")[:50]
        ),
        exempt_count=sum(
            1
            for row in open_rows
            if row.kind != ExemptionKind.REDUCTION and row.status != ExemptionStatus.APPLIED
        ),
        reduced_count=sum(
            1
            for row in open_rows
            if row.kind == ExemptionKind.REDUCTION and row.status != ExemptionStatus.APPLIED
        ),
    )


def exemption_overdue(exemption: Exemption, today: dt.date | None = None) -> bool:
    """A temporary exemption in force past its end date, no return decided yet."""
    today = today or dt.date.today()
    in_force = exemption.status in (ExemptionStatus.DECIDED, ExemptionStatus.IN_FORCE)
    return in_force and rules.is_overdue_for_return(exemption.kind, exemption.end, False, today)


def _periods(member: Member) -> list[tuple[str, dt.date, dt.date | None]]:
    rows = Exemption.objects.filter(
        member=member,
        status__in=(
            ExemptionStatus.DECIDED,
            ExemptionStatus.IN_FORCE,
            ExemptionStatus.RETURN_APPLIED,
            ExemptionStatus.RETURNED,
        ),
    ).values_list("kind", "start", "end", "returned_on")
    # A return ends the period (the day before); an open one runs until returned.
    return [
        (kind, start, (returned - dt.timedelta(days=1)) if returned else None)
        for kind, start, _end, returned in rows
    ]


def exemption_in_force(member: Member, on: dt.date | None = None) -> Exemption | None:
    """The exemption or reduction decided for `member` and not yet ended by a return on `on`."""
    on = on or dt.date.today()
    return (
        Exemption.objects.filter(
            member=member,
            status__in=(
                ExemptionStatus.DECIDED,
                ExemptionStatus.IN_FORCE,
                ExemptionStatus.RETURN_APPLIED,
                ExemptionStatus.RETURNED,
            ),
            start__lte=on,
        )
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gt=on))
        .order_by("-start")
        .first()
    )


def is_graded(member: Member, year: int) -> bool:
    """R3.4(c): False when the member is exempted (miễn) on 31/12 of `year`.

    For the evaluations area. A temporary exemption (working away) does not
    exclude by default; see rules.NOT_GRADED_KINDS.
    """
    return rules.is_graded_given(_periods(member), year)


def keeps_badge_rights(member: Member) -> bool:
    """R3.4(b), R11.5: exemption does not take away the Party badge."""
    return rules.keeps_badge_rights(member.is_exempt)


def can_be_disciplined(member: Member) -> bool:
    """R3.4(d): exempted members are disciplined like any other."""
    return rules.can_be_disciplined(member.is_exempt)


# --- Working away -------------------------------------------------------------


def working_aways_visible_to(scope: Scope) -> QuerySet[WorkingAway]:
    """Working-away files of members the scope reaches (and the member's own)."""
    return WorkingAway.objects.filter(_member_q(scope))


def working_away_get_for(scope: Scope, pk) -> WorkingAway:
    """The working-away file `pk` if the scope reaches it; raises NotFound otherwise."""
    found = (
        working_aways_visible_to(scope)
        .select_related("member", "organization", "dest_province", "dest_commune")
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound
    return found


def working_away_get_for_step(scope: Scope, pk, step: str) -> WorkingAway:
    """The working-away file `pk` in the scope, if the scope may take `step` on
    it. Raises NotFound (outside the scope) or `not_acting_body`."""
    return _for_step(WORKING_AWAY, scope, working_away_get_for(scope, pk), step)


@dataclass
class WorkingAwaySummary:
    open: Sequence[WorkingAway]
    not_declared: Sequence[WorkingAway]
    silent: Sequence[WorkingAway]
    silent_months: int
    total: int = 0
    not_declared_percent: float = 0.0
    members_in_subtree: int = 0
    ended: list[WorkingAway] = field(default_factory=list)


def working_away_summary(org: Organization, today: dt.date | None = None) -> WorkingAwaySummary:
    """Who is away under `org`, who has not declared where they work (their
    workplace or employer: a lodging address alone is not a declaration; with
    the count and share, as in seed 001: 326 of 2,008 = 16.2%), and who has sent
    no news for more than N months."""
    today = today or dt.date.today()
    rows = list(
        WorkingAway.objects.filter(member__org_path__startswith=org.path)
        .exclude(status=WorkingAwayStatus.ENDED)
        .exclude(member__status__in=ENDED_STATUSES)
        .select_related("member", "organization", "dest_province", "dest_commune")
        .annotate(last_in=Max("contacts__date", filter=Q(contacts__direction="in")))
        .order_by("member__sort_key", "id")
    )
    for row in rows:
        row.last_news = max(filter(None, [row.last_in, row.reported_on]))
        row.silent = rules.silent_since(row.last_news, today)
    not_declared = [row for row in rows if not row.declared]
    silent = [row for row in rows if row.silent and row.status == WorkingAwayStatus.REVIEWED]
    return WorkingAwaySummary(
        open=rows,
        not_declared=not_declared,
        silent=silent,
        silent_months=rules.WORKING_AWAY_SILENT_MONTHS.on(today),
        total=len(rows),
        not_declared_percent=rules.percentage(len(not_declared), len(rows)),
        members_in_subtree=Member.objects.filter(
            org_path__startswith=org.path, status__in=ACTIVE_STATUSES
        ).count(),
        ended=list(
            WorkingAway.objects.filter(
                member__org_path__startswith=org.path, status=WorkingAwayStatus.ENDED
            )
            .select_related("member")
            .order_by("-ended_on")[:50]
        ),
    )


# --- Residence liaison --------------------------------------------------------


def _residence_q(scope: Scope) -> Q:
    if scope.everything:
        return Q()
    q = _member_q(scope)
    for path in scope.paths:
        q |= Q(residence_path__startswith=path) & ~Q(residence_path="")
    return q


def residences_visible_to(scope: Scope) -> QuerySet[ResidenceLiaison]:
    """Files the scope reaches from either side: the workplace or the residence."""
    return ResidenceLiaison.objects.filter(_residence_q(scope))


def residence_get_for(scope: Scope, pk) -> ResidenceLiaison:
    """The residence liaison `pk` if the scope reaches either side; raises NotFound."""
    found = (
        residences_visible_to(scope)
        .select_related(
            "member",
            "workplace",
            "residence_committee",
            "residential_cell",
            "group",
            "residence_commune",
            "residence_province",
        )
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound
    return found


def residence_get_for_step(scope: Scope, pk, step: str) -> ResidenceLiaison:
    """The residence liaison `pk` in the scope (from either side), if the scope
    may take `step` on it. Raises NotFound (outside the scope) or
    `not_acting_body`."""
    return _for_step(RESIDENCE, scope, residence_get_for(scope, pk), step)


def residence_comment_for(member: Member, year: int) -> ResidenceComment | None:
    """The residence cell's yearly comment, read by the workplace cell at grading
    time (R6.9, R8.4); None when there is none (or none is due: HD 33 mục 1.1)."""
    return ResidenceComment.objects.filter(
        member=member, year=year, purpose=CommentPurpose.YEARLY
    ).first()


def working_members_under(org: Organization) -> QuerySet[Member]:
    """Active members of agency, enterprise, school and armed-forces cells (R8.1)."""
    return Member.objects.filter(
        org_path__startswith=org.path,
        status__in=ACTIVE_STATUSES,
        organization__unit_type__in=rules.WORKPLACE_UNIT_TYPES,
    )


def _open_files_reached(org: Organization) -> QuerySet[ResidenceLiaison]:
    """Open files (introduced or further) of `org`'s subtree from either side,
    in the members' name order."""
    reached = Q(member__org_path__startswith=org.path) | (
        Q(residence_path__startswith=org.path) & ~Q(residence_path="")
    )
    # The residence side may be outside the installation: its committee and
    # cell are then NULL (LEFT JOINs), and pages show the recorded names.
    return (
        ResidenceLiaison.objects.exclude(status=ResidenceStatus.ENDED)
        .filter(reached)
        .exclude(status=ResidenceStatus.NOT_INTRODUCED)
        .select_related("member", "workplace", "residence_committee", "residential_cell", "group")
        .order_by("member__sort_key", "id")
    )


def residence_comments_owed(org: Organization, year: int) -> QuerySet[ResidenceLiaison]:
    """Files of `org`'s subtree (either side) assigned to a residential cell by
    the end of `year` that owe the yearly comment of `year` (R8.4; the
    categories that owe none left out: HD 33 mục 1.1), in name order."""
    return (
        _open_files_reached(org)
        .filter(status=ResidenceStatus.ASSIGNED, assigned_on__lte=dt.date(year, 12, 31))
        .exclude(category__in=rules.NO_YEARLY_COMMENT_CATEGORIES)
    )


def residence_comments_missing(org: Organization, year: int) -> QuerySet[ResidenceLiaison]:
    """Those of residence_comments_owed whose comment of `year` is not recorded."""
    return residence_comments_owed(org, year).exclude(
        member_id__in=ResidenceComment.objects.filter(
            year=year, purpose=CommentPurpose.YEARLY
        ).values("member_id")
    )


RESIDENCE_PAGE_SIZE = 100  # rows of the list of all files on one page
RESIDENCE_SHORT_LIST = 100  # rows shown of each «to do» list (with its count)


@dataclass
class ResidenceLists:
    never_introduced: list[Member]
    not_received: list[ResidenceLiaison]
    comment_missing: list[ResidenceLiaison]
    year: int
    open: list[ResidenceLiaison]  # one page of all open files
    meetings_due: list[tuple[Organization, dt.date | None, dt.date]]
    never_count: int = 0
    not_received_count: int = 0
    missing_count: int = 0
    open_count: int = 0
    open_from: int = 0  # 1-based position of the page's first row (0: none)
    next_cursor: str | None = None


def _liaison_cursor(liaison: ResidenceLiaison) -> str:
    raw = bytes(liaison.member.sort_key or b"") + b"|" + str(liaison.pk).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str | None) -> Q | None:
    """Rows after the cursor in (member name order, id); None for the first page
    or a cursor that does not decode (the first page then)."""
    from dangvien.members.selectors import decode_cursor

    decoded = decode_cursor(cursor) if cursor else None
    if decoded is None:
        return None
    key, pk = decoded
    return Q(member__sort_key__gt=key) | Q(member__sort_key=key, id__gt=pk)


def residence_lists(
    org: Organization,
    today: dt.date | None = None,
    *,
    year: int | None = None,
    cursor: str | None = None,
    size: int | None = None,
) -> ResidenceLists:
    """The three lists (never introduced; introduced but not received; yearly
    comment of `year` missing) for `org`'s subtree, from either side, each with
    its count (the first RESIDENCE_SHORT_LIST rows shown), and one page of all
    open files in name order (keyset `cursor`, with the total). `year` defaults
    to the year being graded on `today` (rules.year_being_graded: in January
    2027, the comments of 2026)."""
    today = today or dt.date.today()
    year = year or rules.year_being_graded(today)
    size = size or RESIDENCE_PAGE_SIZE
    open_files = ResidenceLiaison.objects.exclude(status=ResidenceStatus.ENDED)
    never_qs = working_members_under(org).exclude(pk__in=open_files.values("member_id"))
    rows = _open_files_reached(org)
    not_received = rows.filter(status=ResidenceStatus.INTRODUCED)
    missing = residence_comments_missing(org, year)
    page_qs = rows
    after = _after(cursor)
    open_from = 1
    if after is not None:
        open_from = rows.exclude(after).count() + 1
        page_qs = rows.filter(after)
    page = list(page_qs[: size + 1])
    open_count = rows.count()
    return ResidenceLists(
        never_introduced=list(
            never_qs.select_related("organization").order_by("sort_key", "id")[
                :RESIDENCE_SHORT_LIST
            ]
        ),
        not_received=list(not_received[:RESIDENCE_SHORT_LIST]),
        comment_missing=list(missing[:RESIDENCE_SHORT_LIST]),
        year=year,
        open=page[:size],
        meetings_due=residence_meetings_due(org, today),
        never_count=never_qs.count(),
        not_received_count=not_received.count(),
        missing_count=missing.count(),
        open_count=open_count,
        open_from=open_from if page else 0,
        next_cursor=_liaison_cursor(page[size - 1]) if len(page) > size else None,
    )


def residence_meetings_due(
    org: Organization, today: dt.date | None = None
) -> list[tuple[Organization, dt.date | None, dt.date]]:
    """Residential cells under `org` whose 6-monthly meeting is past due:
    (cell, last meeting, due date)."""
    today = today or dt.date.today()
    firsts = dict(
        ResidenceLiaison.objects.filter(
            status=ResidenceStatus.ASSIGNED, residential_cell__path__startswith=org.path
        )
        .values("residential_cell_id")
        .annotate(first=Min("assigned_on"))
        .values_list("residential_cell_id", "first")
    )
    if not firsts:
        return []
    last = dict(
        ResidenceMeeting.objects.filter(cell_id__in=firsts)
        .values("cell_id")
        .annotate(last=Max("date"))
        .values_list("cell_id", "last")
    )
    cells = Organization.objects.in_bulk(list(firsts))
    due_rows = []
    for cell_id, first in firsts.items():
        due = rules.next_meeting_due(last.get(cell_id), first)
        if due < today:
            due_rows.append((cells[cell_id], last.get(cell_id), due))
    return sorted(due_rows, key=lambda row: row[2])


@dataclass
class Household:
    address: str
    liaisons: list[ResidenceLiaison]
    present: int = 0

    @property
    def only_some_came(self) -> bool:
        return len(self.liaisons) > 1 and 0 < self.present < len(self.liaisons)


def households(liaisons: list[ResidenceLiaison], present_ids: set[int] | None = None):
    """Members at the same current address, grouped (households of 2 or more).
    With `present_ids`, each household counts who came: seed 003 saw households
    where only one of several members attended."""
    groups: dict[tuple, Household] = {}
    for liaison in liaisons:
        member = liaison.member
        key = rules.household_key(member.current_commune_id, member.current_street)
        if key is None:
            continue
        house = groups.setdefault(key, Household(member.current_street, []))
        house.liaisons.append(liaison)
        if present_ids is not None and liaison.pk in present_ids:
            house.present += 1
    return [house for house in groups.values() if len(house.liaisons) > 1]


@dataclass
class CellRoster:
    cell: Organization
    liaisons: list[ResidenceLiaison]
    groups: list[ResidenceGroup]
    meetings: list[ResidenceMeeting]
    households: list[Household]
    last_meeting: dt.date | None
    next_due: dt.date | None


def residence_cell_roster(cell: Organization, today: dt.date | None = None) -> CellRoster:
    """A residential cell's working members, groups, meetings and households."""
    liaisons = list(
        ResidenceLiaison.objects.filter(residential_cell=cell, status=ResidenceStatus.ASSIGNED)
        .select_related("member", "workplace", "group")
        .order_by("group__name", "member__sort_key")
    )
    meetings = list(ResidenceMeeting.objects.filter(cell=cell).prefetch_related("attendance")[:20])
    for meeting in meetings:
        present = {a.liaison_id for a in meeting.attendance.all() if a.present}
        meeting.present_count = len(present)
        meeting.expected_count = len(meeting.attendance.all())
        meeting.partial_households = [h for h in households(liaisons, present) if h.only_some_came]
    last = meetings[0].date if meetings else None
    first = min(
        (liaison.assigned_on for liaison in liaisons if liaison.assigned_on is not None),
        default=None,
    )
    return CellRoster(
        cell=cell,
        liaisons=liaisons,
        groups=list(ResidenceGroup.objects.filter(cell=cell).select_related("leader")),
        meetings=meetings,
        households=households(liaisons),
        last_meeting=last,
        next_due=rules.next_meeting_due(last, first) if first else None,
    )


def members_to_pick(scope: Scope, org: Organization) -> list[Member]:
    """Active members of a cell the caller may act for (to open a new file from a
    list page); empty elsewhere."""
    if not org.holds_members or not scope.writes_path(org.path):
        return []
    return list(
        Member.objects.filter(organization=org, status__in=ACTIVE_STATUSES).order_by(
            "sort_key", "id"
        )[:500]
    )


def excused_activity_periods(member: Member) -> list[tuple[dt.date, dt.date | None, str]]:
    """(start, last day or None, reason) of each exemption or temporary exemption
    from party activity the cell decided for `member` (R3.1-R3.3): the months it
    covers are excused, never "abandoning activity" (R4.1.1). A reduction is not
    an exemption. A period runs to the day before the return, else to the end
    of a temporary exemption, else to the day the file ended, else on."""
    rows = Exemption.objects.filter(
        member=member,
        kind__in=(ExemptionKind.EXEMPTION, ExemptionKind.TEMPORARY),
        status__in=(
            ExemptionStatus.DECIDED,
            ExemptionStatus.IN_FORCE,
            ExemptionStatus.RETURN_APPLIED,
            ExemptionStatus.RETURNED,
            ExemptionStatus.ENDED,
        ),
    ).order_by("start", "id")
    periods = []
    for row in rows:
        ends = [
            d
            for d in (
                row.returned_on - dt.timedelta(days=1) if row.returned_on else None,
                row.end if row.kind == ExemptionKind.TEMPORARY else None,
                row.ended_on,
            )
            if d is not None
        ]
        number = f" số {row.resolution_number}" if row.resolution_number else ""
        reason = (
            f"đảng viên được {row.get_kind_display().lower()} từ {row.start:%d/%m/%Y}"
            + (f" đến {min(ends):%d/%m/%Y}" if ends else "")
            + f" (nghị quyết chi bộ{number})"
        )
        periods.append((row.start, min(ends) if ends else None, reason))
    return periods
