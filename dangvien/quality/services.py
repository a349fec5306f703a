"""Writes of the data-quality console: the daily counts (QualitySnapshot) and the
maintained summary the console reads (QualitySummary)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet, Subquery, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from dangvien.members.models import Member
from dangvien.organizations.models import STEP_LEN, Organization
from dangvien.seeding import writer

from . import checks as c
from .models import MEMBERS_CODE, QualitySnapshot, QualitySummary
from .selectors import _child_ids, children_of, quality_counts


@dataclass(frozen=True)
class SnapshotDone:
    organizations: int
    rows: int


@transaction.atomic
def quality_snapshot_write(*, organization: Organization, day: dt.date) -> SnapshotDone:
    """Count every check over the subtree of `organization` on `day` and keep the
    counts of `organization` and of each organisation one level down (what the
    console shows). One grouped query per check; a second run the same day
    replaces that day's rows (update in place), so the daily job may be rerun.
    Returns how many organisations and rows were written."""
    children = children_of(organization)
    _total, members, counted = quality_counts(organization, day)
    members_by_child = _child_ids(organization, children, members)
    targets = [(organization, sum(members.values()), None), *[(ch, 0, ch.pk) for ch in children]]
    rows = []
    for org, total, child_id in targets:
        n_members = total if child_id is None else members_by_child.get(child_id, 0)
        for check in c.CHECKS:
            by_child = _child_ids(organization, children, counted[check.code])
            count = (
                sum(counted[check.code].values()) if child_id is None else by_child.get(child_id, 0)
            )
            rows.append(
                QualitySnapshot(
                    organization=org,
                    date=day,
                    check_code=check.code,
                    count=count,
                    members=n_members,
                )
            )
    QualitySnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["organization", "date", "check_code"],
        update_fields=["count", "members"],
    )
    return SnapshotDone(organizations=len(targets), rows=len(rows))


# The advisory lock key of the summary refresh (any fixed number of ours).
SUMMARY_LOCK = 1_303_013


@dataclass(frozen=True)
class SummaryDone:
    organizations: int
    rows: int
    seconds: float


def quality_summary_refresh(
    *, root: Organization | None = None, today: dt.date | None = None
) -> SummaryDone:
    """Recount every check over the subtree of `root` (the whole tree when None)
    and rewrite the maintained summary (QualitySummary) of every organisation in
    it: one grouped query per check by the members' own organisation, summed up
    the tree in Python, written by COPY (PostgreSQL). The organisations above
    `root` get the change of `root`'s counts added, so every console stays
    consistent. One refresh at a time (a transaction-wide lock on PostgreSQL;
    SQLite writes one transaction at a time). Returns the organisations and
    rows written and the seconds taken."""
    started = time.perf_counter()
    today = today or dt.date.today()
    path = root.path if root is not None else ""
    with transaction.atomic():
        _lock_summary()
        orgs = dict(Organization.objects.filter(path__startswith=path).values_list("path", "pk"))
        counted: dict[str, dict[str, int]] = {
            MEMBERS_CODE: _by_own_path(c.active_members(path)),
            **{check.code: _by_own_path(check.members(path, today)) for check in c.CHECKS},
        }
        now = QualitySummary._meta.get_field("computed_at").get_db_prep_save(
            timezone.now(), connection
        )
        rows = []
        root_totals: dict[str, int] = {}
        for code, by_path in counted.items():
            totals: dict[str, int] = defaultdict(int)
            for own, n in by_path.items():
                for end in range(max(len(path), STEP_LEN), len(own) + 1, STEP_LEN):
                    totals[own[:end]] += n
            rows += [(pk, code, totals.get(org_path, 0), now) for org_path, pk in orgs.items()]
            root_totals[code] = totals.get(path, 0)
        before: dict[str, int] = {}
        if root is not None:
            before = dict(
                QualitySummary.objects.filter(organization=root).values_list("check_code", "count")
            )
        QualitySummary.objects.filter(organization_id__in=Subquery(_subtree_ids(path))).delete()
        writer.write_rows(
            QualitySummary._meta.db_table,
            ["organization_id", "check_code", "count", "computed_at"],
            rows,
        )
        if root is not None and before:
            _add_above(root, {code: n - before.get(code, 0) for code, n in root_totals.items()})
    return SummaryDone(len(orgs), len(rows), time.perf_counter() - started)


def _lock_summary() -> None:
    """Refreshes wait for one another (PostgreSQL: an advisory lock held to the
    end of the transaction); two at once would each delete and re-insert."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SUMMARY_LOCK])


def _add_above(root: Organization, change: dict[str, int]) -> None:
    """Add the change of `root`'s counts to every organisation above it."""
    above = [root.path[:end] for end in range(STEP_LEN, len(root.path), STEP_LEN)]
    if not above:
        return
    ids = Organization.objects.filter(path__in=above).values("pk")
    for code, delta in change.items():
        if delta:
            QualitySummary.objects.filter(
                organization_id__in=Subquery(ids), check_code=code
            ).update(count=Greatest(F("count") + delta, Value(0)))


def quality_summary_ensure(org: Organization, today: dt.date | None = None) -> None:
    """Compute the summary of `org`'s subtree now if it has never been (a new
    organisation, a fresh install): the console then always reads the summary."""
    if not QualitySummary.objects.filter(organization=org).exists():
        quality_summary_refresh(root=org, today=today)


def _subtree_ids(path: str) -> Any:
    return Organization.objects.filter(path__startswith=path).values("pk")


def _by_own_path(qs: QuerySet[Member]) -> dict[str, int]:
    """Counts of `qs` by the path of each member's own organisation: one grouped query."""
    return dict(qs.order_by().values_list("org_path").annotate(n=Count("id")))


def summary_minutes() -> int:
    """How often the job queue recounts the whole summary (setting
    QUALITY_SUMMARY_MINUTES, minutes, 1 to 59; 10 by default): the figures' largest age."""
    return max(1, min(59, int(getattr(settings, "QUALITY_SUMMARY_MINUTES", 10))))
