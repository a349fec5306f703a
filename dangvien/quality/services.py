"""Writes of the data-quality console: the daily counts (QualitySnapshot) and the
maintained summary the console reads (QualitySummary)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet, Subquery
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
    the tree in Python, written by COPY (PostgreSQL). The counts of organisations
    above `root` are left to the next whole refresh. Returns the organisations
    and rows written and the seconds taken."""
    started = time.perf_counter()
    today = today or dt.date.today()
    path = root.path if root is not None else ""
    orgs = dict(Organization.objects.filter(path__startswith=path).values_list("path", "pk"))
    counted: dict[str, dict[str, int]] = {
        MEMBERS_CODE: _by_own_path(c.active_members(path)),
        **{check.code: _by_own_path(check.members(path, today)) for check in c.CHECKS},
    }
    now = timezone.now()
    rows = []
    for code, by_path in counted.items():
        totals: dict[str, int] = defaultdict(int)
        for own, n in by_path.items():
            for end in range(max(len(path), STEP_LEN), len(own) + 1, STEP_LEN):
                totals[own[:end]] += n
        rows += [(pk, code, totals.get(org_path, 0), now) for org_path, pk in orgs.items()]
    with transaction.atomic():
        QualitySummary.objects.filter(organization_id__in=Subquery(_subtree_ids(path))).delete()
        writer.write_rows(
            QualitySummary._meta.db_table,
            ["organization_id", "check_code", "count", "computed_at"],
            rows,
        )
    return SummaryDone(len(orgs), len(rows), time.perf_counter() - started)


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
    QUALITY_SUMMARY_MINUTES, minutes; 10 by default): the figures' largest age."""
    return int(getattr(settings, "QUALITY_SUMMARY_MINUTES", 10))
