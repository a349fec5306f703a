"""Reading Party badges: the list of candidates for an award date over a
subtree, one member's badge basis (party age net of gaps, the milestone day),
the rounds and awards a caller sees.

The candidates list is built for the whole party by one SQL query on
Member.party_age_start (the first admission decision moved later by the gaps,
R1.17-R1.18, kept exact by the member services and indexed for the members in
activity): a milestone of N years in the list's window is a party_age_start in
the window moved N years back. No party age is recomputed in Python for the
list of a coming award date; only an earlier window (the reminder) recomputes
the few members whose gap closed after it, from their events loaded in bulk
per chunk (the pattern of dues.selectors.party_ages_on).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from dangvien.accounts.scope import Scope
from dangvien.core.errors import NotFound
from dangvien.liaison.rules import keeps_badge_rights
from dangvien.members import rules as member_rules
from dangvien.members.models import (
    ACTIVE_STATUSES,
    EventKind,
    Member,
    MembershipEvent,
    Status,
)
from dangvien.members.selectors import member_first_decision_date
from dangvien.organizations.models import Organization

from . import rules
from .models import HOLDING_STATUSES, AwardStatus, BadgeAward, BadgeRound

CHUNK = 2000
# Events after which a member is in activity again after a gap (R1.17-R1.18):
# a member without one has no gap to deduct.
GAP_CLOSING_KINDS = (EventKind.TRANSFERRED_IN, EventKind.READMITTED, EventKind.RESTORED)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


@dataclass(frozen=True)
class Basis:
    """A member's party age read for a badge: counted from `counted_from`
    (first decision plus `gap_days`), read on `read_on`; `exempt`: exempted
    from activity that day (keeps the right, R11.5)."""

    counted_from: dt.date
    gap_days: int
    read_on: dt.date
    exempt: bool

    def reached_on(self, years: int) -> dt.date:
        return rules.milestone_reached_on(self.counted_from, years)


def _history(events: Iterable[MembershipEvent]) -> list[tuple]:
    return [
        (e.date, e.status_after, e.decision_date if e.kind == EventKind.TRANSFERRED_IN else None)
        for e in events
    ]


def member_basis(member: Member, on: dt.date) -> Basis | None:
    """The member's party age on `on` (R1.17, net of gaps; the day before death
    for a posthumous award, R11.2): None when the member has none that day
    (not official, between two organisations, out of the Party)."""
    events = list(member.events.filter(date__lte=on).order_by("date", "seq", "id"))
    first = member_first_decision_date(member, events)
    age = member_rules.party_age(first, _history(events), on)
    if age is None:
        return None
    exempt = bool(events and events[-1].exempt_after)
    return Basis(age.counted_from, age.gap_days, on, exempt)


def death_date(member: Member) -> dt.date | None:
    """The day of the DECEASED event, if any."""
    event = member.events.filter(kind=EventKind.DECEASED).order_by("-date").first()
    return event.date if event else None


@dataclass(frozen=True)
class Candidate:
    """A member whose party age reaches `years` in the list window of an award
    date, on `reached_on`. `award`: their badge record for that milestone
    (proposed, decided, awarded...), if any."""

    member_id: int
    full_name: str
    organization_id: int
    years: int
    reached_on: dt.date
    counted_from: dt.date
    gap_days: int
    award: BadgeAward | None = None
    # A reminder: reached in the window of an earlier award date (`due_on`)
    # and never proposed.
    overdue: bool = False
    due_on: dt.date | None = None


def candidate_rows(org: Organization | None, award: dt.date) -> list[Candidate]:
    """Every member in `org`'s subtree (None: the whole installation, for the
    system and the bench) whose party age (net of gaps) reaches a
    milestone (R11.1) in the list window of `award` (rules.list_window,
    R11.3), by milestone then Vietnamese name order (without their award
    records: see `candidates_for`). Members exempted from activity keep the
    right (R11.5, liaison.rules.keeps_badge_rights).

    One indexed SQL query on Member.party_age_start (the day party age counts
    from, net of gaps, kept by the member services)."""
    start, end = rules.list_window(award)
    return _rows_between(org, start, end, award)


FIELDS = (
    "pk",
    "admission_decision_date",
    "joining_date",
    "is_exempt",
    "family_name",
    "middle_name",
    "given_name",
    "organization_id",
    "sort_key",
)


def _rows_between(
    org: Organization | None, start: dt.date, end: dt.date, award: dt.date
) -> list[Candidate]:
    """`candidate_rows` over the milestone days in (start, end], the
    milestones of `award`.

    Party age is read on `end`. Member.party_age_start gives it for every
    official member whose latest event is on or before `end` (always so for
    the list of a coming award date: events are never dated in the future),
    by one query on its partial index. The few members in activity with a
    gap-closing event after `end` (an earlier window, for the reminder) are
    computed from their events up to `end` (rules.party_age), as before."""
    milestones = tuple(rules.MILESTONES.on(award))
    day = dt.timedelta(days=1)
    window_q = Q()
    for years in milestones:
        # One day wider on each side: 29/02 falls on 28/02 in add_years; the
        # exact test below decides.
        window_q |= Q(
            party_age_start__gt=rules.add_years(start, -years) - day,
            party_age_start__lte=rules.add_years(end, -years) + day,
        )
    members = Member.objects.filter(status__in=ACTIVE_STATUSES)
    if org is not None:
        members = members.filter(org_path__startswith=org.path)
    rows: dict[int, tuple] = {}
    counted: dict[int, tuple[dt.date, int | None]] = {}
    # Members who never left and came back have no gap: their party age counts
    # from the first decision itself (gap 0, nothing more to read). Only the
    # others' gap days are read below.
    gapped = Exists(
        MembershipEvent.objects.filter(member_id=OuterRef("pk"), kind__in=GAP_CLOSING_KINDS)
    )
    for counted_from, has_gap, *row in (
        members.filter(window_q, status=Status.OFFICIAL)
        .annotate(has_gap=gapped)
        .values_list("party_age_start", "has_gap", *FIELDS)
    ):
        rows[row[0]] = tuple(row)
        counted[row[0]] = (counted_from, None if has_gap else 0)
    if end < dt.date.today():  # an earlier window: a gap may have closed since
        later = MembershipEvent.objects.filter(
            member_id=OuterRef("pk"), kind__in=GAP_CLOSING_KINDS, date__gt=end
        )
        late = {row[0]: row for row in members.filter(Exists(later)).values_list(*FIELDS)}
        for pk in late:
            counted.pop(pk, None)
        rows.update(late)
        first_of = {pk: r[1] or r[2] for pk, r in late.items()}
        counted.update(_counted_exactly(list(late), first_of, end))

    # Each milestone's window of starting days (as in the query, a day wider):
    # only a start inside it can reach that milestone between start and end.
    bounds = [
        (years, rules.add_years(start, -years) - day, rules.add_years(end, -years) + day)
        for years in milestones
    ]
    found: list[tuple[bytes, Candidate]] = []
    for pk, _d, _j, exempt, family, middle, given, org_id, sort_key in rows.values():
        if pk not in counted or (exempt and not keeps_badge_rights(True)):
            continue
        counted_from, gap = counted[pk]
        for years, low, high in bounds:
            if not low < counted_from <= high:  # the query's window: cheap to skip
                continue
            reached = rules.milestone_reached_on(counted_from, years)
            if start < reached <= end:
                name = " ".join(p for p in (family, middle, given) if p)
                candidate = Candidate(pk, name, org_id, years, reached, counted_from, gap or 0)
                found.append((bytes(sort_key or b""), candidate))
    # The gap days of the candidates read from party_age_start: how far the
    # gaps moved their first decision (one query per chunk of candidates).
    first_of = _first_decisions(
        list({c.member_id for _k, c in found if counted[c.member_id][1] is None}), rows
    )
    result = []
    for key, c in found:
        first = first_of.get(c.member_id)
        if counted[c.member_id][1] is None and first is not None:
            c = dataclasses.replace(c, gap_days=(c.counted_from - first).days)
        result.append((key, c))
    result.sort(key=lambda item: (item[1].years, item[0], item[1].member_id))
    return [c for _key, c in result]


def _first_decisions(ids: list[int], rows: dict[int, tuple]) -> dict[int, dt.date | None]:
    """member id -> first admission decision (members.selectors.
    member_first_decision_date: the first ADMITTED event's decision date, else
    the record's decision date, else its joining date), for the `ids` of
    `rows` (FIELDS tuples), events loaded per chunk."""
    found: dict[int, dt.date | None] = {}
    for chunk in _chunks(ids):
        for member_id, decided in (
            MembershipEvent.objects.filter(
                member_id__in=chunk, kind=EventKind.ADMITTED, decision_date__isnull=False
            )
            .order_by("member_id", "date", "seq", "id")
            .values_list("member_id", "decision_date")
        ):
            found.setdefault(member_id, decided)
    for pk in ids:
        if pk not in found:
            found[pk] = rows[pk][1] or rows[pk][2]
    return found


def _counted_exactly(
    ids: list[int], first_of: dict[int, dt.date | None], on: dt.date
) -> dict[int, tuple[dt.date, int | None]]:
    """member id -> (counted from, gap days) on `on`, from the events (R1.17)."""
    result: dict[int, tuple[dt.date, int | None]] = {}
    for chunk in _chunks(ids):
        history: dict[int, list[tuple]] = defaultdict(list)
        first_decision: dict[int, dt.date] = {}
        for member_id, kind, date, status, decision in (
            MembershipEvent.objects.filter(member_id__in=chunk, date__lte=on)
            .order_by("member_id", "date", "seq", "id")
            .values_list("member_id", "kind", "date", "status_after", "decision_date")
        ):
            history[member_id].append(
                (date, status, decision if kind == EventKind.TRANSFERRED_IN else None)
            )
            if kind == EventKind.ADMITTED and decision and member_id not in first_decision:
                first_decision[member_id] = decision
        for pk in chunk:
            age = member_rules.party_age(
                first_decision.get(pk) or first_of.get(pk), history[pk], on
            )
            if age is not None:
                result[pk] = (age.counted_from, age.gap_days)
    return result


def candidates_for(org: Organization | None, award: dt.date) -> list[Candidate]:
    """`candidate_rows` with each candidate's badge record for that milestone."""
    rows = candidate_rows(org, award)
    held: dict[tuple[int, int], BadgeAward] = {}
    ids = [c.member_id for c in rows]
    for chunk in _chunks(ids):
        for a in BadgeAward.objects.filter(member_id__in=chunk, status__in=HOLDING_STATUSES):
            held[(a.member_id, a.milestone)] = a
    return [Candidate(**{**c.__dict__, "award": held.get((c.member_id, c.years))}) for c in rows]


def overdue_for(org: Organization | None, award: dt.date) -> list[Candidate]:
    """The reminder of the list of `award`: members in `org`'s subtree whose
    party age (net of gaps) reached a milestone in the windows of the
    OVERDUE_ROUNDS award dates before it (rules.overdue_window) and who have
    no badge record for that milestone (a cancelled proposal counts as none;
    a refusal or any other record as proposed). Each is marked `overdue`
    with `due_on`, the award date whose list should have held them; by
    milestone then name. They may be proposed for `award` (their milestone
    is before its cut-off)."""
    start, end = rules.overdue_window(award)
    rows = _rows_between(org, start, end, award)
    proposed: set[tuple[int, int]] = set()
    ids = [c.member_id for c in rows]
    for chunk in _chunks(ids):
        proposed |= set(
            BadgeAward.objects.filter(member_id__in=chunk)
            .exclude(status=AwardStatus.CANCELLED)
            .values_list("member_id", "milestone")
        )
    return [
        Candidate(**{**c.__dict__, "overdue": True, "due_on": rules.award_date_of(c.reached_on)})
        for c in rows
        if (c.member_id, c.years) not in proposed
    ]


def candidates_by_milestone(candidates: list[Candidate]) -> list[tuple[int, list[Candidate]]]:
    grouped: dict[int, list[Candidate]] = defaultdict(list)
    for c in candidates:
        grouped[c.years].append(c)
    return sorted(grouped.items())


# --- scoped reads -----------------------------------------------------------------


def awards_visible_to(scope: Scope) -> QuerySet[BadgeAward]:
    if scope.everything:
        return BadgeAward.objects.all()
    q = Q(pk__in=[])
    for path in scope.paths:
        q |= Q(org_path__startswith=path)
    if scope.member_id is not None:
        q |= Q(member_id=scope.member_id)
    return BadgeAward.objects.filter(q)


def award_get_for(scope: Scope, pk) -> BadgeAward:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound from None
    award = (
        awards_visible_to(scope)
        .select_related("member", "organization", "round", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if award is None:
        raise NotFound
    return award


def rounds_visible_to(scope: Scope) -> QuerySet[BadgeRound]:
    return BadgeRound.objects.filter(scope.org_q("organization__path"))


def round_get_for(scope: Scope, pk) -> BadgeRound:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound from None
    found = rounds_visible_to(scope).select_related("organization").filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def round_of(org: Organization, award: dt.date) -> BadgeRound | None:
    return BadgeRound.objects.filter(organization=org, award_date=award).first()


def awards_of_date(org: Organization, award: dt.date) -> QuerySet[BadgeAward]:
    """The badge records of `award` in `org`'s subtree, by milestone and name."""
    return (
        BadgeAward.objects.filter(org_path__startswith=org.path, award_date=award)
        .select_related("member", "organization", "decided_by")
        .order_by("milestone", "member__sort_key", "pk")
    )


def member_badges(member: Member) -> QuerySet[BadgeAward]:
    """The member's badges, proposals and returns, newest milestone first."""
    return (
        BadgeAward.objects.filter(member=member)
        .select_related("organization", "decided_by")
        .order_by("-milestone", "-pk")
    )
