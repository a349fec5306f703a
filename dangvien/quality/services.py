"""Writes of the data-quality console: the daily counts (QualitySnapshot)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from dangvien.organizations.models import Organization

from . import checks as c
from .models import QualitySnapshot
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
