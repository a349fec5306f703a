"""The data-quality console's demo: real findings in the demo data and a first
snapshot. Every record is written through the member services (history kept),
and a second call adds nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from dangvien.core.actors import SYSTEM
from dangvien.members import services as member_services
from dangvien.members.models import ACTIVE_STATUSES, Gender, Member
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization

from . import checks as c
from .services import quality_snapshot_write

# The demo's likely duplicate: one person entered in two cells, the tone mark
# typed on the "o" in one ("Hòa", the old placement) and on the "a" in the other
# ("Hoà"), the second record without its citizen ID.
DUPLICATE_NAME = ("Trần", "Thị", "Hòa", "Hoà")
DUPLICATE_BIRTH = dt.date(1979, 6, 12)
# The likely duplicate pair is two new records (the demo's other findings change
# existing ones).
MEMBERS_ADDED = 2


@dataclass
class DemoQuality:
    without_citizen_id: int = 0
    duplicates: int = 0
    year_mismatches: int = 0
    snapshot_rows: int = 0


def _cells_with_members(limit: int) -> list[Organization]:
    cells = []
    for org in Organization.objects.filter(level__in=MEMBER_HOLDING_LEVELS).order_by("path"):
        if Member.objects.filter(organization=org, status__in=ACTIVE_STATUSES).exists():
            cells.append(org)
        if len(cells) == limit:
            break
    return cells


def _update(member: Member, **data) -> Member:
    return member_services.member_update(
        actor=SYSTEM, member_id=member.pk, expected_version=member.version, data=data
    )


@transaction.atomic
def demo_quality(today: dt.date, *, without_citizen_id: int = 3) -> DemoQuality:
    """Make sure the demo has findings: a likely duplicate "Trần Thị Hòa"/"Trần
    Thị Hoà" in two cells (the second record without a citizen ID),
    `without_citizen_id` members in all without their citizen ID, one member whose citizen ID encodes another birth year than the
    CV's (flagged; the CV date is kept, Thông báo 13-TB/TW); then the first
    snapshot of the counts for every top organisation on `today`.
    Returns what is there now."""
    result = DemoQuality()
    cells = _cells_with_members(2)
    roots = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
    if len(cells) < 2 or not roots:
        return result
    everything = ""  # the path prefix of the whole tree

    family, middle, given_old, given_new = DUPLICATE_NAME
    if not Member.objects.filter(
        family_name=family, middle_name=middle, birth_date=DUPLICATE_BIRTH
    ).exists():
        for cell, given, citizen_id in (
            (cells[0], given_old, "042179990001"),
            (cells[1], given_new, None),
        ):
            member_services.member_create(
                actor=SYSTEM,
                organization=cell,
                data={
                    "family_name": family,
                    "middle_name": middle,
                    "given_name": given,
                    "gender": Gender.FEMALE,
                    "birth_date": DUPLICATE_BIRTH,
                    "citizen_id": citizen_id,
                    "admission_decision_date": dt.date(2005, 8, 20),
                    "joining_date": dt.date(2005, 9, 2),
                    "official_date": dt.date(2006, 9, 2),
                },
            )

    missing = c.citizen_id_missing(everything, today)
    if missing.count() < without_citizen_id:
        chosen = (
            Member.objects.filter(organization=cells[1], status__in=ACTIVE_STATUSES)
            .exclude(citizen_id__isnull=True)
            .order_by("id")[: without_citizen_id - missing.count()]
        )
        for member in list(chosen):
            _update(member, citizen_id="")

    if not c.citizen_id_year_mismatch(everything, today).exists():
        found = (
            Member.objects.filter(
                organization=cells[0], status__in=ACTIVE_STATUSES, birth_date__year__lt=1999
            )
            .exclude(citizen_id__isnull=True)
            .order_by("id")
            .first()
        )
        if found is not None and found.citizen_id:
            # The same ID with the year one later, as the citizen card reads.
            year = (found.birth_date.year + 1) % 100
            _update(found, citizen_id=f"{found.citizen_id[:4]}{year:02d}{found.citizen_id[6:]}")

    for root in roots:
        result.snapshot_rows += quality_snapshot_write(organization=root, day=today).rows
    result.without_citizen_id = c.citizen_id_missing(everything, today).count()
    result.duplicates = c.duplicate_name_birth(everything, today).count()
    result.year_mismatches = c.citizen_id_year_mismatch(everything, today).count()
    return result
