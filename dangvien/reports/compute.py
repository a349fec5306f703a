"""Compute a periodic report from the dated events: who was on a scope's list at
the start and at the end of a period, every increase and decrease between by
cause (form 1-BTCTW), and the composition of the list at the end (forms 3 and
4-BTCTW, the dashboards' figures), with the members behind each figure.

Everything is read from MembershipEvent (what happened, when, where to), so a
2025 report run in 2027 gives the 2025 answer; the members' own attributes
(gender, birth date, ethnicity, education...) are today's record, the one
thing the history does not date.

One pass: the events of every member who ever had an event in the scope, in
(member, date, seq, id) order, streamed; for a province of 170,000 members about
half a million rows (BENCHMARKS.md, "Reports").
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from dangvien.members import rules as member_rules
from dangvien.members.models import (
    ACTIVE_STATUSES,
    CatalogItem,
    EventKind,
    Member,
    MembershipEvent,
    Status,
)
from dangvien.organizations.models import Level, Organization

from . import rules
from .periods import ReportPeriod
from .scope import ReportScope, report_scope

# Lists kept per member id: A and D (start and end), each cause of form 1, and
# B_OTHER / C_OTHER (a change by an event no row of the form names; none is
# expected, kept so that D = A + B - C always holds and the page can show it).
MOVEMENT_CODES = (
    "A",
    "B1",
    "B1r",
    "B2a",
    "B2b",
    "B3",
    "B_OTHER",
    "C1",
    "C2",
    "C3",
    "C3p",
    "C4",
    "C5a",
    "C5b",
    "C_OTHER",
    "D",
)
# The dimensions of the composition of D, in the order the page shows them.
DIMENSIONS = (
    "status",
    "gender",
    "age",
    "party_age",
    "admission",
    "ethnicity",
    "religion",
    "general_education",
    "professional",
    "academic_title",
    "political_theory",
    "occupation",
    "exempt",
    "unit_type",
)
_CATALOG_DIMS = {
    "ethnicity": "ethnicity_id",
    "religion": "religion_id",
    "general_education": "general_education_id",
    "academic_title": "academic_title_id",
    "political_theory": "political_theory_id",
    "occupation": "occupation_id",
}


@dataclass
class Computed:
    """`lists`: code of MOVEMENT_CODES -> member ids; `categories`: dimension
    -> category key -> the members of `lists["D"]` in it ("" is unknown); every
    list in Vietnamese name order."""

    lists: dict[str, list[int]] = field(default_factory=dict)
    categories: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # The same for the members admitted in the period (lists["B1"]; form 2).
    admitted: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    average_age: float | None = None  # of D on the last day, one decimal


def _cached(fn):
    memo: dict[str, bool] = {}

    def covers(path: str) -> bool:
        if path not in memo:
            memo[path] = fn(path)
        return memo[path]

    return covers


def _scope_q(scope: ReportScope, prefix: str) -> Q:
    q = Q(pk__in=[])
    for path in scope.include:
        q |= Q(**{f"{prefix}__startswith": path})
    for path in scope.exclude:
        q &= ~Q(**{f"{prefix}__startswith": path})
    return q


def compute(scope: ReportScope, period: ReportPeriod) -> Computed:
    """The lists and composition of `scope` over `period` (see the module)."""
    start_scope = report_scope(scope.organization, period.start - dt.timedelta(days=1))
    # The members with an event in either scope, then their whole histories and
    # records by those ids, a chunk at a time: a province is a few percent of
    # the party, and a join over the candidates' subquery made the planner read
    # every event and every record (a province at 5.6 million members: 18.8 s
    # computed fresh, 7.5 s by ids; BENCHMARKS.md).
    ids = sorted(
        MembershipEvent.objects.filter(
            _scope_q(scope, "organization_after__path")
            | _scope_q(start_scope, "organization_after__path")
        )
        .filter(date__lte=period.end)
        .order_by()  # sorted here: the database only drops the repeats
        .values_list("member_id", flat=True)
        .distinct()
    )
    out = Computed(lists={code: [] for code in MOVEMENT_CODES})
    scopes = (_cached(start_scope.covers), _cached(scope.covers), scope)
    end_state: dict[int, tuple[str, bool]] = {}
    end_paths: dict[int, str] = {}
    current: int | None = None
    history: list[tuple] = []
    for row in _events_of(ids):  # by member id, each member's in order
        if row[0] != current:
            if history:
                _walk(current, history, scopes, period, out.lists, end_state, end_paths)
            current, history = row[0], []
        history.append(row[1:])
    if history:
        _walk(current, history, scopes, period, out.lists, end_state, end_paths)
    # The records in Vietnamese name order (sort_key, the bytes the database
    # sorts by, then id): every list is put in that order, so that a figure's
    # members page by slices.
    fetched = list(_by_ids(Member.objects.values_list("sort_key", *_FIELDS), "pk", ids))
    fetched.sort(key=lambda r: (bytes(r[0]), r[1]))
    records = {r[1]: r[1:] for r in fetched}
    rank = {pk: i for i, pk in enumerate(records)}
    for id_list in out.lists.values():
        id_list.sort(key=rank.__getitem__)
    out.categories, out.average_age = _composition(out.lists["D"], records, end_state, period.end)
    out.categories["unit_type"] = _by_unit_type(out.lists["D"], end_paths)
    # The admitted: their status and exemption as they entered (dự bị, not exempt).
    entered: dict[int, tuple[str, bool]] = dict.fromkeys(
        out.lists["B1"], (str(Status.PROBATIONARY), False)
    )
    out.admitted, _ = _composition(out.lists["B1"], records, entered, period.end)
    return out


# Member ids per query of the report's reads: on PostgreSQL one array each
# (fewer round trips: a whole province of 190,000 members as fast as one
# streamed join); on SQLite under its limit of bound parameters.
ID_CHUNK = {"postgresql": 50_000}
ID_CHUNK_ELSEWHERE = 10_000


def _by_ids(rows: QuerySet, field: str, ids: list[int]) -> Iterator[tuple]:
    """The rows of the values_list queryset `rows` whose `field` is in `ids`
    (ascending), a chunk of ids at a time (ID_CHUNK), each chunk in the queryset's order.
    On PostgreSQL a chunk is one array (`__any`, dangvien.core.lookups): `__in`
    binds every id on its own, which cost more than the index scan (0.25 s
    against 0.13 s for 10,000 members' events)."""
    lookup = f"{field}__any" if connection.vendor == "postgresql" else f"{field}__in"
    chunk = ID_CHUNK.get(connection.vendor, ID_CHUNK_ELSEWHERE)
    for start in range(0, len(ids), chunk):
        yield from rows.filter(**{lookup: ids[start : start + chunk]})


def _events_of(ids: list[int]) -> Iterator[tuple]:
    """(member id, date, kind, status after, organisation path after, exempt
    after) of every event of `ids` (ascending), by member id, then date, seq
    and id."""
    return _by_ids(
        MembershipEvent.objects.order_by("member_id", "date", "seq", "id").values_list(
            "member_id",
            "date",
            "kind",
            "status_after",
            "organization_after__path",
            "exempt_after",
        ),
        "member_id",
        ids,
    )


GRASSROOTS_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)


def _by_unit_type(ids: list[int], paths: dict[int, str]) -> dict[str, list[int]]:
    """The members of `ids` by the kind of grassroots unit (UnitType) of the
    grassroots organisation above their organisation at the end (form 5-BTCTW);
    "" when none is above it."""
    ancestors = {p[:i] for p in set(paths.values()) for i in range(4, len(p) + 1, 4)}
    grassroots = dict(
        Organization.objects.filter(path__in=ancestors, level__in=GRASSROOTS_LEVELS).values_list(
            "path", "unit_type"
        )
    )
    unit_of: dict[str, str] = {}
    out: dict[str, list[int]] = defaultdict(list)
    for pk in ids:
        path = paths[pk]
        if path not in unit_of:
            unit_of[path] = next(
                (grassroots[path[:i]] for i in range(len(path), 0, -4) if path[:i] in grassroots),
                "",
            )
        out[unit_of[path]].append(pk)
    return dict(out)


def _in_flags(history, covers) -> list[bool]:
    """For each event of a member's history (date, kind, status_after, path,
    exempt_after): whether the state it leads to is on the list of the scope
    `covers` tells (path -> bool). In activity in a covered organisation; or in
    transit between two covered organisations (sent from one, and the next
    arrival, whenever it is, into one): a transfer inside the scope never takes
    the member off its list."""
    flags = []
    for idx, (_date, _kind, status, path, _exempt) in enumerate(history):
        if status in ACTIVE_STATUSES:
            flags.append(covers(path))
        elif status == Status.TRANSFERRED_OUT and covers(path):
            arrival = next(
                (h for h in history[idx + 1 :] if h[1] == EventKind.TRANSFERRED_IN), None
            )
            flags.append(
                arrival is not None and arrival[2] in ACTIVE_STATUSES and covers(arrival[3])
            )
        else:
            flags.append(False)
    return flags


def _walk(member_id, history, scopes, period, lists, end_state, end_paths) -> None:
    """One member's events (date, kind, status_after, path, exempt_after): the
    lists they join. `scopes`: (covers on the tree of the day before the
    period, covers on the tree of its last day, that scope). A member is on A
    by the first tree and on D by the second; an organisation moved in between
    brings its members in or takes them out (B2 / C5) with no event of theirs.
    `end_state` gets (status, exempt) and `end_paths` the organisation's path
    of those on D."""
    covers_start, covers_end, scope = scopes
    before = _in_flags(history, covers_start)
    flags = _in_flags(history, covers_end)
    n = len(history)
    i = 0
    while i < n and history[i][0] < period.start:
        i += 1
    was_in_start = before[i - 1] if i else False
    was_in = flags[i - 1] if i else False
    status, path, exempt = history[i - 1][2:5] if i else (None, None, False)
    held = status if status in ACTIVE_STATUSES else Status.OFFICIAL
    if was_in_start:
        lists["A"].append(member_id)
    if was_in_start and not was_in:  # their organisation moved out of the scope
        lists[_where(scope, path, "C5")].append(member_id)
    elif was_in and not was_in_start:  # ... or into it
        lists[_where(scope, path, "B2")].append(member_id)
    while i < n and history[i][0] <= period.end:
        _date, kind, new_status, new_path, new_exempt = history[i]
        now_in = flags[i]
        if was_in and not now_in:
            code = rules.DECREASE.get(kind, "C_OTHER")
            if code == "C5":
                # Where to: the next arrival's organisation (none: outside the system).
                arrival = next(
                    (h for h in history[i + 1 :] if h[1] == EventKind.TRANSFERRED_IN), None
                )
                to = new_path if kind == EventKind.REASSIGNED else (arrival[3] if arrival else None)
                lists[_where(scope, to, "C5")].append(member_id)
            else:
                lists[code].append(member_id)
                if code == "C3" and status == Status.PROBATIONARY:
                    lists["C3p"].append(member_id)
        elif now_in and not was_in:
            code = rules.INCREASE.get(kind, "B_OTHER")
            if code == "B2":
                lists[_where(scope, path, "B2")].append(member_id)
            else:
                lists[code].append(member_id)
                if kind == EventKind.READMITTED:
                    lists["B1r"].append(member_id)
        was_in, status, path = now_in, new_status, new_path
        if new_status in ACTIVE_STATUSES:
            held, exempt = new_status, new_exempt
        i += 1
    if was_in:
        lists["D"].append(member_id)
        end_state[member_id] = (held, exempt)
        end_paths[member_id] = path


def _where(scope: ReportScope, other_path: str | None, row: str) -> str:
    """B2/C5 split: "b" another district of the scope's province, "a" another
    province (or outside this system: no organisation to tell)."""
    return f"{row}b" if other_path and scope.in_province(other_path) else f"{row}a"


_FIELDS = (
    "id",
    "gender",
    "birth_date",
    "joining_date",
    "party_age_start",
    "professional_qualification_id",
    "degree_id",
    *_CATALOG_DIMS.values(),
)


def _bands(on: dt.date, bands) -> tuple[list[dt.date], list[str]]:
    """Cut-off dates for bands of full years on `on` ((key, label, low, high)),
    ascending, and the band keys: a date d is in keys[bisect_left(cuts, d)]
    (d after born_by(on, high + 1) means at most `high` full years on `on`)."""
    cuts, keys = [], []
    for key, _label, _low, high in bands:
        if high is not None:
            cuts.append(member_rules.born_by(on, high + 1))
            keys.append(key)
    keys.append(bands[-1][0])
    # bisect over ascending dates: the oldest cut-off first, its band last.
    return cuts[::-1], keys[::-1]


def _composition(
    ids: list[int],
    records: dict[int, tuple],
    end_state: dict[int, tuple[str, bool]],
    on: dt.date,
) -> tuple[dict[str, dict[str, list[int]]], float | None]:
    """The members of `ids` (in name order) by every dimension: dimension ->
    category key -> ids in the same order ("" unknown); and their average age
    on `on` (one decimal). Ages and party ages count full years on `on`."""
    catalog = dict(CatalogItem.objects.values_list("pk", "code"))
    kinds = dict(CatalogItem.objects.values_list("pk", "kind"))
    degree_key = {pk: f"{kinds[pk][:3]}:{code}" for pk, code in catalog.items()}
    cats: dict[str, dict[str, list[int]]] = {d: defaultdict(list) for d in DIMENSIONS}
    age_cuts, age_keys = _bands(on, member_rules.AGE_BANDS)
    party_cuts, party_keys = _bands(on, rules.PARTY_AGE_BANDS)
    by_catalog = [cats[d] for d in _CATALOG_DIMS]
    status_c, gender_c, age_c = cats["status"], cats["gender"], cats["age"]
    party_c, admission_c, prof_c, exempt_c = (
        cats["party_age"],
        cats["admission"],
        cats["professional"],
        cats["exempt"],
    )
    admission_of = rules.admission_period_of
    ages_total = ages_known = 0
    on_ordinal = on.toordinal()
    for pk in ids:
        (_pk, gender, born, joined, age_from, prof, degree, *catalog_ids) = records[pk]
        status, exempt = end_state[pk]
        status_c[status].append(pk)
        gender_c[gender].append(pk)
        if born:
            age_c[age_keys[bisect_left(age_cuts, born)]].append(pk)
            ages_total += member_rules.age_years(born, on)
            ages_known += 1
        else:
            age_c[""].append(pk)
        party_from = age_from or joined
        if party_from and party_from.toordinal() <= on_ordinal:
            party_c[party_keys[bisect_left(party_cuts, party_from)]].append(pk)
        else:
            party_c[""].append(pk)
        admission_c[admission_of(joined)].append(pk)
        for target, value in zip(by_catalog, catalog_ids, strict=True):
            target[catalog.get(value, "") if value else ""].append(pk)
        # The highest qualification: a degree (thạc sĩ, tiến sĩ) above the level.
        prof_c[degree_key[degree] if degree else catalog.get(prof, "") if prof else ""].append(pk)
        exempt_c["yes" if exempt else "no"].append(pk)
    average = round(ages_total / ages_known, 1) if ages_known else None
    return {d: dict(v) for d, v in cats.items()}, average
