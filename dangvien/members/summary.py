"""The maintained summary of members in activity per organisation subtree
(issue 14, part 1): MembershipSummary, one row per organisation.

Exact, not periodic: every write that places, ends or edits a member calls
`membership_summary_shift` with the member's counted facts before and after, in
its own transaction, and the change is added to the row of the member's
organisation and of every organisation above it (in organisation-id order, the
same lock order for every writer). Moving an organisation moves its subtree's
figures (`membership_summary_move`). Writers in bulk (imports, seeding) and the
daily job recount a subtree whole (`membership_summary_rebuild`), which also
brings the age columns to the day; `membership_summary_differences` is what
`dangvien summary_check` reports.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Count, F, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from dangvien.organizations.models import STEP_LEN, Organization

from .models import ACTIVE_STATUSES, Gender, Member, MembershipSummary, Status
from .rules import AGE_BANDS, age_band_of, age_years, born_by

AGE_COLUMNS = tuple(f"age_{key}" for key, *_ in AGE_BANDS)
# The counted columns of MembershipSummary, in this order everywhere below.
COLUMNS = ("members", "probationary", "female", "exempt", *AGE_COLUMNS, "age_years")
WRITE_BATCH = 2000


class Counted(NamedTuple):
    """What of a member the summary counts (the Member fields of the same names)."""

    status: str
    organization_id: int
    org_path: str
    gender: str
    birth_date: dt.date
    is_exempt: bool


COUNTED_FIELDS = Counted._fields


def counted_of(member_id: int) -> Counted | None:
    """The member's counted facts as stored now (None: no such record)."""
    row = Member.objects.filter(pk=member_id).values_list(*COUNTED_FIELDS).first()
    return Counted(*row) if row else None


def counted_from(member: Member) -> Counted:
    """The counted facts of an instance in memory (a record being saved)."""
    return Counted(*(getattr(member, name) for name in COUNTED_FIELDS))


def columns_of(counted: Counted | None, on: dt.date) -> dict[str, int]:
    """What one member adds to the summary: {column: amount}, empty for a member
    not in activity. Ages are full years on `on` (rules.age_years)."""
    if counted is None or counted.status not in ACTIVE_STATUSES:
        return {}
    return {
        "members": 1,
        "probationary": int(counted.status == Status.PROBATIONARY),
        "female": int(counted.gender == Gender.FEMALE),
        "exempt": int(counted.is_exempt),
        f"age_{age_band_of(counted.birth_date, on)}": 1,
        "age_years": age_years(counted.birth_date, on),
    }


def _chain(path: str) -> list[str]:
    """The paths of the organisation at `path` and of all those above it."""
    return [path[:end] for end in range(STEP_LEN, len(path) + 1, STEP_LEN)]


Change = dict[str, dict[str, int]]  # {organisation path: {column: amount}}


class Tally:
    """Changes of many members gathered by their own organisation, added to the
    summary by `apply` (the organisations above included): one UPDATE per
    organisation whatever the number of members (imports write 100,000)."""

    def __init__(self, on: dt.date | None = None) -> None:
        self.on = on or dt.date.today()
        self.own: Change = defaultdict(lambda: defaultdict(int))

    def add(self, counted: Counted | None, sign: int = 1) -> None:
        """Count `counted` (sign 1) or take it out of the count (sign -1)."""
        if counted is None:
            return
        own = self.own[counted.org_path]
        for column, amount in columns_of(counted, self.on).items():
            own[column] += sign * amount

    def move(self, before: Counted | None, after: Counted | None) -> None:
        self.add(before, -1)
        self.add(after)

    def apply(self) -> None:
        """Add what was gathered to the rows, in the caller's transaction."""
        change: Change = defaultdict(lambda: defaultdict(int))
        for path, columns in self.own.items():
            for above in _chain(path):
                for column, amount in columns.items():
                    change[above][column] += amount
        _apply(change, self.on)
        self.own.clear()


def membership_summary_shift(
    before: Counted | None, after: Counted | None, *, on: dt.date | None = None
) -> None:
    """Move one member's count from `before` to `after` (None: not counted, as a
    record not yet saved) in the caller's transaction: the member's old
    organisation and those above it lose what `before` added, the new ones gain
    what `after` adds. No query when nothing counted changed."""
    tally = Tally(on)
    tally.move(before, after)
    tally.apply()


def membership_summary_move(org: Organization, old_path: str, new_parent: Organization) -> None:
    """Carry `org`'s subtree figures from the organisations above its old place
    (`old_path`) to those above it under `new_parent`; those above both keep
    theirs. Called after the members' paths are rewritten, so the member rows
    are locked before the summary rows, as every member write does; the moved
    row is locked while it is read."""
    row = (
        MembershipSummary.objects.select_for_update()
        .filter(organization_id=org.pk)
        .values(*COLUMNS)
        .first()
    )
    if not row:
        return
    change: Change = defaultdict(lambda: defaultdict(int))
    for sign, chain in ((-1, _chain(old_path)[:-1]), (1, _chain(new_parent.path))):
        for path in chain:
            for column in COLUMNS:
                change[path][column] += sign * row[column]
    _apply(change)


def _apply(change: Change, on: dt.date | None = None) -> None:
    """Add `change` to the rows (created at zero where missing, ages on `on`),
    one UPDATE per organisation in id order."""
    change = {
        path: {column: amount for column, amount in columns.items() if amount}
        for path, columns in change.items()
    }
    change = {path: columns for path, columns in change.items() if columns}
    if not change:
        return
    ids = dict(Organization.objects.filter(path__in=list(change)).values_list("path", "pk"))
    now = timezone.now()
    for path in sorted(change, key=lambda p: ids[p]):
        update = {column: F(column) + amount for column, amount in change[path].items()}
        rows = MembershipSummary.objects.filter(organization_id=ids[path])
        if not rows.update(**update, updated_at=now):
            MembershipSummary.objects.bulk_create(
                [MembershipSummary(organization_id=ids[path], ages_on=on or dt.date.today())],
                ignore_conflicts=True,
            )
            rows.update(**update, updated_at=now)


def _recount(path: str, on: dt.date) -> dict[int, list[int]]:
    """{organisation id: COLUMNS} of the members in activity in each
    organisation of the subtree at `path` itself (not its subtree): one grouped
    query. Ages on `on`."""
    aggregates: dict[str, Any] = {
        "members": Count("id"),
        "probationary": Count("id", filter=Q(status=Status.PROBATIONARY)),
        "female": Count("id", filter=Q(gender=Gender.FEMALE)),
        "exempt": Count("id", filter=Q(is_exempt=True)),
    }
    for key, _label, low, high in AGE_BANDS:
        band = Q(birth_date__lte=born_by(on, low)) if low else Q()
        if high is not None:
            band &= Q(birth_date__gt=born_by(on, high + 1))
        aggregates[f"age_{key}"] = Count("id", filter=band)
    # age = on.year - birth year - (1 while the birthday of on.year is still to come)
    aggregates["birth_years"] = Sum(ExtractYear("birth_date"))
    aggregates["birthday_to_come"] = Count(
        "id",
        filter=Q(birth_date__month__gt=on.month)
        | Q(birth_date__month=on.month, birth_date__day__gt=on.day),
    )
    members = Member.objects.filter(status__in=ACTIVE_STATUSES)
    if path:
        members = members.filter(org_path__startswith=path)
    own: dict[int, list[int]] = {}
    for row in members.order_by().values("organization_id").annotate(**aggregates):
        ages = on.year * row["members"] - (row["birth_years"] or 0) - row["birthday_to_come"]
        own[row["organization_id"]] = [row[c] for c in COLUMNS[:-1]] + [ages]
    return own


def _subtree_totals(orgs: dict[str, int], own: dict[int, list[int]]) -> dict[int, list[int]]:
    """Each organisation's own counts plus its children's totals, deepest first."""
    totals = {pk: list(own.get(pk, [0] * len(COLUMNS))) for pk in orgs.values()}
    for path in sorted(orgs, key=len, reverse=True):
        parent = orgs.get(path[:-STEP_LEN])
        if parent is not None:
            mine, theirs = totals[orgs[path]], totals[parent]
            for i, amount in enumerate(mine):
                theirs[i] += amount
    return totals


@dataclass(frozen=True)
class RebuildDone:
    organizations: int  # organisations in the subtree
    changed: int  # rows written because they differed (or were missing)
    seconds: float


def membership_summary_rebuild(
    root: Organization | None = None, *, on: dt.date | None = None
) -> RebuildDone:
    """Recount the subtree of `root` (the whole tree when None) and write the
    rows that differ, ages on `on` (today); the organisations above `root` get
    the change of its figures added. The rows are locked first (id order), so a
    member written meanwhile is counted either by the recount or by its own
    shift after it, never twice or not at all."""
    started = time.perf_counter()
    on = on or dt.date.today()
    path = root.path if root is not None else ""
    with transaction.atomic():
        orgs = dict(Organization.objects.filter(path__startswith=path).values_list("path", "pk"))
        above = _chain(path)[:-1]
        locked = Organization.objects.filter(Q(path__startswith=path) | Q(path__in=above))
        list(
            MembershipSummary.objects.select_for_update()
            .filter(organization_id__in=Subquery(locked.values("pk")))
            .order_by("organization_id")
            .values_list("organization_id", flat=True)
        )
        totals = _subtree_totals(orgs, _recount(path, on))
        stored = _stored(path)
        changed = [
            MembershipSummary(
                organization_id=pk, ages_on=on, **dict(zip(COLUMNS, figures, strict=True))
            )
            for pk, figures in totals.items()
            if stored.get(pk) != (*figures, on)
        ]
        now = timezone.now()
        for row in changed:
            row.updated_at = now
        MembershipSummary.objects.bulk_create(
            changed,
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=["organization"],
            update_fields=[*COLUMNS, "ages_on", "updated_at"],
        )
        if root is not None:
            before = stored.get(root.pk, (0,) * len(COLUMNS))
            after = totals[root.pk]
            _apply({p: {c: after[i] - before[i] for i, c in enumerate(COLUMNS)} for p in above})
    return RebuildDone(len(orgs), len(changed), time.perf_counter() - started)


def _stored(path: str) -> dict[int, tuple]:
    """{organisation id: (*COLUMNS, ages_on)} of the stored rows of the subtree at `path`."""
    rows = MembershipSummary.objects.all()
    if path:
        rows = rows.filter(organization__path__startswith=path)
    return {row[0]: row[1:] for row in rows.values_list("organization_id", *COLUMNS, "ages_on")}


@dataclass(frozen=True)
class Difference:
    organization_id: int
    column: str
    stored: int | None  # None: no row
    counted: int


def membership_summary_differences(
    root: Organization | None = None, *, on: dt.date | None = None
) -> list[Difference]:
    """Where the stored rows of `root`'s subtree (the whole tree when None)
    differ from a recount now. The age columns are compared only on rows whose
    ages were counted on `on` (today); older ones are brought to the day by the
    daily recount, not wrong."""
    on = on or dt.date.today()
    path = root.path if root is not None else ""
    orgs = dict(Organization.objects.filter(path__startswith=path).values_list("path", "pk"))
    totals = _subtree_totals(orgs, _recount(path, on))
    stored = _stored(path)
    ages = {*AGE_COLUMNS, "age_years"}
    found = []
    for pk, figures in sorted(totals.items()):
        row = stored.get(pk)
        for i, column in enumerate(COLUMNS):
            if row is None:
                if figures[i]:
                    found.append(Difference(pk, column, None, figures[i]))
            elif row[i] != figures[i] and (column not in ages or row[-1] == on):
                found.append(Difference(pk, column, row[i], figures[i]))
    return found


def summary_of(org: Organization) -> MembershipSummary:
    """The stored row of `org` (a row of zeros, unsaved, when it has none yet)."""
    row = MembershipSummary.objects.filter(organization=org).first()
    return row or MembershipSummary(organization=org)
