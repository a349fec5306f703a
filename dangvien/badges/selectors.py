"""Reading Party badges: the list of candidates for an award date over a
subtree, one member's badge basis (party age net of gaps, the milestone day),
the rounds and awards a caller sees.

The candidates list is built for the whole party: a SQL prefilter keeps only
the members whose first admission decision (Member.admission_decision_date,
else joining_date: the record mirrors the first ADMITTED event) puts a
milestone in the list's window, plus the members whose history has a gap
(an arrival or a readmission), whose milestone a gap may push into it. Members
without a gap who are official count their party age from that date; only the
gapped ones are computed exactly with members.rules.party_age, their events
loaded in bulk per chunk (the pattern of dues.selectors.party_ages_on).
"""

from __future__ import annotations

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
from .models import HOLDING_STATUSES, BadgeAward, BadgeRound

CHUNK = 2000
# Events after which a member is in activity again after a gap (R1.17-R1.18):
# a member without one has no gap to deduct.
GAP_CLOSING_KINDS = (EventKind.TRANSFERRED_IN, EventKind.READMITTED)


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


def _first_q(field_lo: dt.date, field_hi: dt.date) -> Q:
    """The first decision (record's decision date, else joining date) in (lo, hi]."""
    return Q(admission_decision_date__gt=field_lo, admission_decision_date__lte=field_hi) | Q(
        admission_decision_date__isnull=True, joining_date__gt=field_lo, joining_date__lte=field_hi
    )


def _first_before_q(bound: dt.date) -> Q:
    return Q(admission_decision_date__lte=bound) | Q(
        admission_decision_date__isnull=True, joining_date__lte=bound
    )


def candidate_rows(org: Organization | None, award: dt.date) -> list[Candidate]:
    """Every member in `org`'s subtree (None: the whole installation, for the
    system and the bench) whose party age (net of gaps) reaches a
    milestone (R11.1) in the list window of `award` (rules.list_window,
    R11.3), by milestone then Vietnamese name order (without their award
    records: see `candidates_for`). Members exempted from activity keep the
    right (R11.5, liaison.rules.keeps_badge_rights).

    One SQL query prefilters by the first decision date; the members with a
    gap are computed exactly from their events, loaded per chunk."""
    start, end = rules.list_window(award)
    milestones = tuple(rules.MILESTONES.on(award))
    day = dt.timedelta(days=1)
    window_q = Q()
    for years in milestones:
        # One day wider on each side: 29/02 falls on 28/02 in add_years; the
        # exact test below decides.
        window_q |= _first_q(
            rules.add_years(start, -years) - day, rules.add_years(end, -years) + day
        )
    oldest_bound = rules.add_years(end, -min(milestones)) + day
    gapped = Exists(
        MembershipEvent.objects.filter(member=OuterRef("pk"), kind__in=GAP_CLOSING_KINDS)
    )
    members = Member.objects.filter(status__in=ACTIVE_STATUSES)
    if org is not None:
        members = members.filter(org_path__startswith=org.path)
    rows = list(
        members.alias(gapped=gapped)
        .filter(window_q | (Q(gapped=True) & _first_before_q(oldest_bound)))
        .annotate(has_gap=gapped)
        .values_list(
            "pk",
            "admission_decision_date",
            "joining_date",
            "status",
            "has_gap",
            "is_exempt",
            "family_name",
            "middle_name",
            "given_name",
            "organization_id",
            "sort_key",
        )
    )
    counted: dict[int, tuple[dt.date, int]] = {}
    exact: list[int] = []
    for pk, decided, joined, status, has_gap, *_rest in rows:
        first = decided or joined
        if has_gap:
            exact.append(pk)
        elif status == Status.OFFICIAL and first is not None:
            counted[pk] = (first, 0)
    counted.update(_counted_exactly(exact, {r[0]: r[1] or r[2] for r in rows}, end))

    found: list[tuple[bytes, Candidate]] = []
    for pk, _d, _j, _s, _g, exempt, family, middle, given, org_id, sort_key in rows:
        if pk not in counted or (exempt and not keeps_badge_rights(True)):
            continue
        counted_from, gap = counted[pk]
        for years in milestones:
            reached = rules.milestone_reached_on(counted_from, years)
            if start < reached <= end:
                name = " ".join(p for p in (family, middle, given) if p)
                candidate = Candidate(pk, name, org_id, years, reached, counted_from, gap)
                found.append((bytes(sort_key or b""), candidate))
    found.sort(key=lambda item: (item[1].years, item[0], item[1].member_id))
    return [c for _key, c in found]


def _counted_exactly(
    ids: list[int], first_of: dict[int, dt.date | None], on: dt.date
) -> dict[int, tuple[dt.date, int]]:
    """member id -> (counted from, gap days) on `on`, from the events (R1.17)."""
    result: dict[int, tuple[dt.date, int]] = {}
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
