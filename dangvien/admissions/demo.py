"""The demo's yearly admission targets: each province and every committee
directly under it get this year's target, about 2.5% of their members (a
common order of the yearly admissions), set as the province's resolution."""

from __future__ import annotations

import datetime as dt

from dangvien.core.actors import SYSTEM
from dangvien.members.models import MembershipSummary
from dangvien.organizations.models import Level, Organization

from .services import admission_target_set

SHARE_PER_THOUSAND = 25


def demo_targets(today: dt.date) -> int:
    """Set the targets of `today`'s year for each province in force and its
    children in force; returns how many were set."""
    members = dict(MembershipSummary.objects.values_list("organization_id", "members"))
    set_count = 0
    for root in Organization.objects.filter(level=Level.PROVINCIAL, valid_to__isnull=True):
        for org in [root, *Organization.objects.filter(parent=root, valid_to__isnull=True)]:
            count = max(1, members.get(org.pk, 0) * SHARE_PER_THOUSAND // 1000)
            admission_target_set(
                actor=SYSTEM,
                organization=org,
                year=today.year,
                count=count,
                decision=f"Nghị quyết của {root.name} về công tác phát triển đảng viên năm "
                f"{today.year}",
            )
            set_count += 1
    return set_count
