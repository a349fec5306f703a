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
from dataclasses import dataclass, field

from django.db.models import Q

from dangvien.members import rules as member_rules
from dangvien.members.models import (
    ACTIVE_STATUSES,
    CatalogItem,
    EventKind,
    Member,
    MembershipEvent,
    Status,
)

from . import rules
from .periods import ReportPeriod
from .scope import ReportScope

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
    """`lists`: code of MOVEMENT_CODES -> member ids; `dims`: dimension ->
    category key per member of `lists["D"]` (same order); "" is unknown."""

    lists: dict[str, list[int]] = field(default_factory=dict)
    dims: dict[str, list[str]] = field(default_factory=dict)
    average_age: float | None = None  # of D on the last day, one decimal


def _scope_q(scope: ReportScope, prefix: str) -> Q:
    q = Q(pk__in=[])
    for path in scope.include:
        q |= Q(**{f"{prefix}__startswith": path})
    for path in scope.exclude:
        q &= ~Q(**{f"{prefix}__startswith": path})
    return q


def compute(scope: ReportScope, period: ReportPeriod) -> Computed:
    """The lists and composition of `scope` over `period` (see the module)."""
    candidates = (
        MembershipEvent.objects.filter(_scope_q(scope, "organization_after__path"))
        .filter(date__lte=period.end)
        .values("member_id")
    )
    rows = (
        MembershipEvent.objects.filter(member_id__in=candidates)
        .order_by("member_id", "date", "seq", "id")
        .values_list(
            "member_id", "date", "kind", "status_after", "organization_after__path", "exempt_after"
        )
    )
    out = Computed(lists={code: [] for code in MOVEMENT_CODES})
    covers: dict[str, bool] = {}
    end_state: dict[int, tuple[str, bool]] = {}
    current: int | None = None
    history: list[tuple] = []
    for row in rows.iterator(chunk_size=20000):
        if row[0] != current:
            if history:
                _walk(current, history, scope, period, covers, out.lists, end_state)
            current, history = row[0], []
        history.append(row[1:])
    if history:
        _walk(current, history, scope, period, covers, out.lists, end_state)
    records = {
        r[0]: r
        for r in Member.objects.filter(pk__in=candidates).values_list(*_FIELDS).iterator(20000)
    }
    # Every list in Vietnamese name order: a figure's members page by slices.
    for ids in out.lists.values():
        ids.sort(key=lambda pk: (bytes(records[pk][1]), pk))
    out.dims = _composition(out.lists["D"], records, end_state, period.end)
    ages = [
        member_rules.age_years(records[pk][3], period.end)
        for pk in out.lists["D"]
        if records[pk][3]
    ]
    out.average_age = round(sum(ages) / len(ages), 1) if ages else None
    return out


def _walk(member_id, history, scope, period, covers, lists, end_state) -> None:
    """One member's events (date, kind, status_after, path, exempt_after): the
    lists they join; `end_state` gets (status, exempt) of those on D."""

    def inside(status: str, path: str) -> bool:
        if status not in ACTIVE_STATUSES:
            return False
        if path not in covers:
            covers[path] = scope.covers(path)
        return covers[path]

    was_in, status, path, exempt = False, None, None, False
    i, n = 0, len(history)
    while i < n and history[i][0] < period.start:
        _date, _kind, status, path, exempt = history[i]
        was_in = inside(status, path)
        i += 1
    if was_in:
        lists["A"].append(member_id)
    pending_out = False  # left by a transfer; where to is told by the arrival
    while i < n and history[i][0] <= period.end:
        _date, kind, new_status, new_path, new_exempt = history[i]
        now_in = inside(new_status, new_path)
        if pending_out and kind == EventKind.TRANSFERRED_IN:
            pending_out = False
            if not now_in:  # arrived outside the scope: a transfer out, to there
                lists[_where(scope, new_path, "C5")].append(member_id)
            else:  # moved between two organisations of the scope: neither
                was_in, status, path, exempt = True, new_status, new_path, new_exempt
                i += 1
                continue
        if was_in and not now_in:
            code = rules.DECREASE.get(kind, "C_OTHER")
            if kind == EventKind.TRANSFERRED_OUT:
                pending_out = True
            elif code == "C5":
                lists[_where(scope, new_path, "C5")].append(member_id)
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
        was_in, status, path, exempt = now_in, new_status, new_path, new_exempt
        i += 1
    if pending_out:
        # Sent within the period, received after it (or not yet, or outside the
        # system): where the next arrival placed the member, if any.
        arrival = next((h for h in history[i:] if h[1] == EventKind.TRANSFERRED_IN), None)
        lists[_where(scope, arrival[3] if arrival else None, "C5")].append(member_id)
    if was_in:
        lists["D"].append(member_id)
        end_state[member_id] = (status, exempt)


def _where(scope: ReportScope, other_path: str | None, row: str) -> str:
    """B2/C5 split: "b" another district of the scope's province, "a" another
    province (or outside this system: no organisation to tell)."""
    return f"{row}b" if other_path and scope.in_province(other_path) else f"{row}a"


_FIELDS = (
    "id",
    "sort_key",
    "gender",
    "birth_date",
    "joining_date",
    "party_age_start",
    "professional_qualification_id",
    "degree_id",
    *_CATALOG_DIMS.values(),
)


def _composition(
    ids: list[int],
    records: dict[int, tuple],
    end_state: dict[int, tuple[str, bool]],
    on: dt.date,
) -> dict[str, list[str]]:
    """Each member of `ids` by every dimension (their record, of _FIELDS; ages on `on`)."""
    codes = dict(CatalogItem.objects.values_list("pk", "code"))
    kinds = dict(CatalogItem.objects.values_list("pk", "kind"))
    dims: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    for member_id in ids:
        (_pk, _key, gender, born, joined, age_from, prof, degree, *catalog) = records[member_id]
        status, exempt = end_state[member_id]
        dims["status"].append(status)
        dims["gender"].append(gender)
        dims["age"].append(member_rules.age_band_of(born, on) if born else "")
        party_from = age_from or joined
        dims["party_age"].append(
            rules.party_age_band_of(member_rules.age_years(party_from, on))
            if party_from and party_from <= on
            else ""
        )
        dims["admission"].append(rules.admission_period_of(joined))
        for dim, value in zip(_CATALOG_DIMS, catalog, strict=True):
            dims[dim].append(codes.get(value, "") if value else "")
        # The highest qualification: a degree (thạc sĩ, tiến sĩ) above the level.
        if degree:
            dims["professional"].append(f"{kinds[degree][:3]}:{codes[degree]}")
        else:
            dims["professional"].append(codes.get(prof, "") if prof else "")
        dims["exempt"].append("yes" if exempt else "no")
    return dims
