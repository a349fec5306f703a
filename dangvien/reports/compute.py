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
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from dangvien.core.alongside import alongside
from dangvien.core.memory import without_cycle_collector
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
class Composition:
    """A list of members by every dimension, as the report keeps it: `members`
    the ids in name order; `keys[dimension]` its category keys in the order they
    first occur ("" is unknown); `index[dimension]` one byte a member, the
    position of the member's category in `keys[dimension]` (at most 256
    categories a dimension)."""

    members: list[int] = field(default_factory=list)
    keys: dict[str, list[str]] = field(default_factory=dict)
    index: dict[str, bytes] = field(default_factory=dict)

    def counts(self, dimension: str) -> dict[str, int]:
        """Category key -> members in it, in the keys' order."""
        index = self.index[dimension]
        return {key: index.count(n) for n, key in enumerate(self.keys[dimension])}

    def categories(self) -> dict[str, dict[str, list[int]]]:
        """Dimension -> category key -> its members, in name order."""
        out: dict[str, dict[str, list[int]]] = {}
        for dimension, keys in self.keys.items():
            index = self.index[dimension]
            out[dimension] = {
                key: [pk for pk, i in zip(self.members, index, strict=True) if i == n]
                for n, key in enumerate(keys)
            }
        return out


@dataclass
class Computed:
    """`lists`: code of MOVEMENT_CODES -> member ids, in Vietnamese name order;
    `end`: the composition of `lists["D"]`; `entered`: of the members admitted
    in the period (`lists["B1"]`, form 2)."""

    lists: dict[str, list[int]] = field(default_factory=dict)
    end: Composition = field(default_factory=Composition)
    entered: Composition = field(default_factory=Composition)
    average_age: float | None = None  # of D on the last day, one decimal
    # Member id -> its place in Vietnamese name order, for every member whose
    # record the computation read (not kept).
    rank: dict[int, int] = field(default_factory=dict)

    def in_name_order(self, ids: list[int]) -> list[int]:
        """`ids`, each once, in Vietnamese name order: by `rank` (no query),
        or by the database (compute.in_name_order) when one of them is not
        ranked."""
        distinct = set(ids)
        if all(pk in self.rank for pk in distinct):
            return sorted(distinct, key=self.rank.__getitem__)
        return in_name_order(distinct)

    @property
    def categories(self) -> dict[str, dict[str, list[int]]]:
        """Dimension -> category key -> the members of D in it."""
        return self.end.categories()

    @property
    def admitted(self) -> dict[str, dict[str, list[int]]]:
        """The same for the admitted."""
        return self.entered.categories()


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
    with without_cycle_collector():
        return _compute(scope, period)


def _compute(scope: ReportScope, period: ReportPeriod) -> Computed:
    start_scope = report_scope(scope.organization, period.start - dt.timedelta(days=1))
    # The members with an event in either scope, then their whole histories and
    # records by those ids, a chunk at a time: a province is a few percent of
    # the party, and a join over the candidates' subquery made the planner read
    # every event and every record (a province at 5.6 million members: 18.8 s
    # computed fresh, 7.5 s by ids; BENCHMARKS.md).
    candidates = (
        MembershipEvent.objects.filter(
            _scope_q(scope, "organization_after__path")
            | _scope_q(start_scope, "organization_after__path")
        )
        .filter(date__lte=period.end)
        .order_by()  # sorted here: the database only drops the repeats
        .values_list("member_id", flat=True)
        .distinct()
    )
    with _index_reads():  # by organisation (event_org_date), not all the events
        ids = sorted(candidates)
    out = Computed(lists={code: [] for code in MOVEMENT_CODES})
    scopes = (_cached(start_scope.covers), _cached(scope.covers), scope)
    end_state: dict[int, tuple[str, bool]] = {}
    end_paths: dict[int, str] = {}
    # The records read by a second connection while the histories are walked,
    # for a large scope (core.alongside: the database and Python at once).
    reading = alongside(_records, ids, worth=len(ids) >= settings.REPORT_ALONGSIDE_MIN_MEMBERS)
    # Each member's events in order (the rows come by member id).
    try:
        for member_id, rows in groupby(_events_of(ids), key=itemgetter(0)):
            _walk(member_id, list(rows), scopes, period, out.lists, end_state, end_paths)
    finally:
        reading.settle()
    # Every list in the records' order, so that a figure's members page by slices.
    records = reading.result()
    rank = out.rank = {pk: i for i, pk in enumerate(records)}
    for code, id_list in out.lists.items():
        if code in ("A", "D"):  # each member once, most of them: a pass over the records
            on_list = set(id_list)
            out.lists[code] = [pk for pk in records if pk in on_list]
        else:
            id_list.sort(key=rank.__getitem__)
    end = out.lists["D"]
    out.end, out.average_age = _composition(end, records, end_state, period.end)
    out.end.keys["unit_type"], out.end.index["unit_type"] = _by_unit_type(end, end_paths)
    # The admitted: their status and exemption as they entered (dự bị, not exempt).
    entered: dict[int, tuple[str, bool]] = dict.fromkeys(
        out.lists["B1"], (str(Status.PROBATIONARY), False)
    )
    out.entered, _ = _composition(out.lists["B1"], records, entered, period.end)
    out.entered.keys["unit_type"] = []  # form 2 has no such column
    out.entered.index["unit_type"] = bytes(len(out.lists["B1"]))
    return out


# Member ids per query of the report's reads: on PostgreSQL one array each
# (fewer round trips: a whole province of 190,000 members as fast as one
# streamed join); on SQLite under its limit of bound parameters.
ID_CHUNK = {"postgresql": 50_000}
ID_CHUNK_ELSEWHERE = 10_000
# PostgreSQL settings while a chunk is read (restored after): the planner's
# default cost of a random page (4, a spinning disk) made it scan all 12 million
# events for 50,000 members' 110,000 (1.5-2 s a chunk; by the index 0.5 s,
# BENCHMARKS.md), and the sort of a chunk's events spilled to disk.
INDEX_READ_SETTINGS = {"random_page_cost": "1.1", "work_mem": "64MB"}


@contextmanager
def _index_reads() -> Iterator[None]:
    """INDEX_READ_SETTINGS for the queries inside (PostgreSQL; elsewhere
    nothing), in a transaction: each put back as it was after them, or undone
    with the transaction when one of them fails (its error is what is raised)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        before = {}
        for name, value in INDEX_READ_SETTINGS.items():
            cursor.execute("SELECT current_setting(%s)", [name])
            before[name] = cursor.fetchone()[0]
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield
        for name, value in before.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _by_ids(rows: QuerySet, field: str, ids: list[int]) -> Iterator[tuple]:
    """The rows of the values_list queryset `rows` whose `field` is in `ids`
    (ascending), a chunk of ids at a time (ID_CHUNK), each chunk in the
    queryset's order, the next chunk read while this one is used. On
    PostgreSQL a chunk is one array (`__any`, dangvien.core.lookups: `__in`
    binds every id on its own, which cost more than the index scan) read by
    the index (_index_reads)."""
    chunk = ID_CHUNK.get(connection.vendor, ID_CHUNK_ELSEWHERE)

    def read(start: int) -> list[tuple]:
        part = ids[start : start + chunk]
        if connection.vendor == "postgresql":  # an array: not resolved id by id
            found = rows.filter(**{f"{field}__any": array("q", part)})
        else:
            found = rows.filter(**{f"{field}__in": part})
        with _index_reads():
            return list(found)

    # Each next chunk read by a second connection while the caller uses this
    # one, when there are several for a large scope (core.alongside; in a
    # transaction, in turn).
    starts = range(0, len(ids), chunk)
    if not starts:
        return
    worth = len(starts) > 1 and len(ids) >= settings.REPORT_ALONGSIDE_MIN_MEMBERS
    pending = alongside(read, starts[0], worth=worth)
    try:
        for start in starts[1:]:
            batch = pending.result()
            pending = alongside(read, start, worth=worth)
            yield from batch
        yield from pending.result()
    finally:
        pending.settle()  # the caller stopped early or failed: no read left running


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


def _records(ids: list[int]) -> dict[int, tuple]:
    """Member id -> its record's _FIELDS (id first), for `ids` (ascending), in
    Vietnamese name order: sort_key (the bytes the database sorts by), then id.
    On PostgreSQL one query sorted by the database; elsewhere by chunks
    (_by_ids), sorted here."""
    if connection.vendor == "postgresql":
        with _index_reads():
            found = list(
                Member.objects.filter(pk__any=array("q", ids))
                .order_by("sort_key", "id")
                .values_list(*_FIELDS)
            )
        return {row[0]: row for row in found}
    fetched = list(_by_ids(Member.objects.values_list("sort_key", *_FIELDS), "pk", ids))
    fetched.sort(key=lambda r: (bytes(r[0]), r[1]))
    return {row[1]: row[1:] for row in fetched}


def in_name_order(ids: Iterable[int]) -> list[int]:
    """The members of `ids`, each once, in Vietnamese name order (sort_key,
    then id); ids of no member are left out. On PostgreSQL one query sorted by
    the database (the 176,811 graded members of a province's year: one array,
    not 18 queries of 10,000 bound ids sorted here); elsewhere by chunks."""
    wanted = sorted(set(ids))
    if connection.vendor == "postgresql":
        with _index_reads():
            return list(
                Member.objects.filter(pk__any=array("q", wanted))
                .order_by("sort_key", "id")
                .values_list("pk", flat=True)
            )
    found = list(_by_ids(Member.objects.values_list("sort_key", "pk"), "pk", wanted))
    found.sort(key=lambda r: (bytes(r[0]), r[1]))
    return [pk for _, pk in found]


GRASSROOTS_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)


def _by_unit_type(ids: list[int], paths: dict[int, str]) -> tuple[list[str], bytes]:
    """The members of `ids` by the kind of grassroots unit (UnitType) of the
    grassroots organisation above their organisation at the end (form 5-BTCTW),
    as Composition keeps a dimension; "" when none is above it."""
    column = list(map(paths.__getitem__, ids))
    ancestors = {p[:i] for p in set(column) for i in range(4, len(p) + 1, 4)}
    grassroots = dict(
        Organization.objects.filter(path__in=ancestors, level__in=GRASSROOTS_LEVELS).values_list(
            "path", "unit_type"
        )
    )

    def unit_of(path: str) -> str:
        return next(
            (grassroots[path[:i]] for i in range(len(path), 0, -4) if path[:i] in grassroots), ""
        )

    return _indexed(column, unit_of)


def _in_flags(history, covers) -> list[bool]:
    """For each event of a member's history (member id, date, kind,
    status_after, path, exempt_after): whether the state it leads to is on the
    list of the scope `covers` tells (path -> bool). In activity in a covered
    organisation; or in transit between two covered organisations (sent from
    one, and the next arrival, whenever it is, into one): a transfer inside
    the scope never takes the member off its list."""
    flags = []
    for idx, (_member, _date, _kind, status, path, _exempt) in enumerate(history):
        if status in ACTIVE_STATUSES:
            flags.append(covers(path))
        elif status == Status.TRANSFERRED_OUT and covers(path):
            arrival = next(
                (h for h in history[idx + 1 :] if h[2] == EventKind.TRANSFERRED_IN), None
            )
            flags.append(
                arrival is not None and arrival[3] in ACTIVE_STATUSES and covers(arrival[4])
            )
        else:
            flags.append(False)
    return flags


def _walk(member_id, history, scopes, period, lists, end_state, end_paths) -> None:
    """One member's events (member id, date, kind, status_after, path,
    exempt_after; the rows of _events_of): the lists they join. `scopes`:
    (covers on the tree of the day before the period, covers on the tree of
    its last day, that scope). A member is on A
    by the first tree and on D by the second; an organisation moved in between
    brings its members in or takes them out (B2 / C5) with no event of theirs.
    `end_state` gets (status, exempt) and `end_paths` the organisation's path
    of those on D."""
    covers_start, covers_end, scope = scopes
    last = history[-1]
    if last[1] < period.start:
        # Nothing happened to them since: where the last event left them (most
        # members). Out of activity they are on no list: a transfer out with no
        # arrival after it is not in transit inside the scope.
        _member, _date, _kind, status, path, exempt = last
        active = status in ACTIVE_STATUSES
        was_in_start = active and covers_start(path)
        was_in = active and covers_end(path)
        if was_in_start:
            lists["A"].append(member_id)
            if not was_in:
                lists[_where(scope, path, "C5")].append(member_id)
        if was_in:
            if not was_in_start:
                lists[_where(scope, path, "B2")].append(member_id)
            lists["D"].append(member_id)
            end_state[member_id] = (status, exempt)
            end_paths[member_id] = path
        return
    before = _in_flags(history, covers_start)
    flags = _in_flags(history, covers_end)
    n = len(history)
    i = 0
    while i < n and history[i][1] < period.start:
        i += 1
    was_in_start = before[i - 1] if i else False
    was_in = flags[i - 1] if i else False
    status, path, exempt = history[i - 1][3:6] if i else (None, None, False)
    held = status if status in ACTIVE_STATUSES else Status.OFFICIAL
    if was_in_start:
        lists["A"].append(member_id)
    if was_in_start and not was_in:  # their organisation moved out of the scope
        lists[_where(scope, path, "C5")].append(member_id)
    elif was_in and not was_in_start:  # ... or into it
        lists[_where(scope, path, "B2")].append(member_id)
    while i < n and history[i][1] <= period.end:
        _member, _date, kind, new_status, new_path, new_exempt = history[i]
        now_in = flags[i]
        if was_in and not now_in:
            code = rules.DECREASE.get(kind, "C_OTHER")
            if code == "C5":
                # Where to: the next arrival's organisation (none: outside the system).
                arrival = next(
                    (h for h in history[i + 1 :] if h[2] == EventKind.TRANSFERRED_IN), None
                )
                to = new_path if kind == EventKind.REASSIGNED else (arrival[4] if arrival else None)
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


def _indexed(values: Sequence[Hashable], key_of: Callable[[Any], str]) -> tuple[list[str], bytes]:
    """A dimension as Composition keeps it: the category keys in the order they
    first occur, and for each of `values` the position of `key_of(value)` among
    them. `key_of` is asked once a distinct value."""
    keys: dict[str, int] = {}
    position = {value: keys.setdefault(key_of(value), len(keys)) for value in dict.fromkeys(values)}
    return list(keys), bytes(map(position.__getitem__, values))


def _composition(
    ids: list[int],
    records: dict[int, tuple],
    end_state: dict[int, tuple[str, bool]],
    on: dt.date,
) -> tuple[Composition, float | None]:
    """The members of `ids` (in name order) by every dimension but unit_type
    (_by_unit_type), and their average age on `on` (one decimal). Ages and
    party ages count full years on `on`. Computed a column at a time: each
    distinct value (a birth date, a catalog item) is classified once."""
    catalog = dict(CatalogItem.objects.values_list("pk", "code"))
    kinds = dict(CatalogItem.objects.values_list("pk", "kind"))
    degree_key = {pk: f"{kinds[pk][:3]}:{code}" for pk, code in catalog.items()}
    age_cuts, age_keys = _bands(on, member_rules.AGE_BANDS)
    party_cuts, party_keys = _bands(on, rules.PARTY_AGE_BANDS)
    rows = [records[pk] for pk in ids]
    columns = dict(zip(_FIELDS, zip(*rows, strict=True), strict=True)) if rows else {}
    states = list(map(end_state.__getitem__, ids))
    empty: tuple = ()
    born = columns.get("birth_date", empty)
    joined = columns.get("joining_date", empty)
    party_from = [
        age_from or joined_on
        for age_from, joined_on in zip(columns.get("party_age_start", empty), joined, strict=True)
    ]

    def catalog_key(value) -> str:
        return catalog.get(value, "") if value else ""

    def age_key(value) -> str:
        return age_keys[bisect_left(age_cuts, value)] if value else ""

    def party_age_key(value) -> str:
        if value and value <= on:
            return party_keys[bisect_left(party_cuts, value)]
        return ""

    def professional_key(value) -> str:
        # The highest qualification: a degree (thạc sĩ, tiến sĩ) above the level.
        prof, degree = value
        return degree_key[degree] if degree else catalog_key(prof)

    qualification = list(
        zip(
            columns.get("professional_qualification_id", empty),
            columns.get("degree_id", empty),
            strict=True,
        )
    )
    dimensions: dict[str, tuple[Sequence[Hashable], Callable[[Any], str]]] = {
        "status": ([state[0] for state in states], str),
        "gender": (columns.get("gender", empty), str),
        "age": (born, age_key),
        "party_age": (party_from, party_age_key),
        "admission": (joined, rules.admission_period_of),
        **{dim: (columns.get(name, empty), catalog_key) for dim, name in _CATALOG_DIMS.items()},
        "professional": (qualification, professional_key),
        "exempt": ([state[1] for state in states], lambda exempt: "yes" if exempt else "no"),
    }
    out = Composition(members=ids)
    for dimension in DIMENSIONS:
        if dimension in dimensions:
            values, key_of = dimensions[dimension]
            out.keys[dimension], out.index[dimension] = _indexed(values, key_of)
    ages = Counter(born)
    known = sum(n for day, n in ages.items() if day)
    total = sum(member_rules.age_years(day, on) * n for day, n in ages.items() if day)
    return out, (round(total / known, 1) if known else None)
