"""Demo posts: every demo organisation gets a secretary, a deputy and a committee
member, taken from its own official members, so that each paper it issues is
signed by name. The first commune committee also shows a change of secretary
(the old one until 30/09/2025, the new one from 01/10/2025).

Call `demo_posts()` after the members are loaded; it is idempotent (an
organisation that already has posts is left alone) and writes the rows with
their history baseline (`bulk_create_with_history`).
"""

from __future__ import annotations

import datetime as dt

from simple_history.utils import bulk_create_with_history

from dangvien.members.models import Member, Status
from dangvien.organizations.models import (
    STEP_LEN,
    CommitteePost,
    CommitteePostKind,
    Level,
    Organization,
)

TERM_START = dt.date(2025, 10, 1)  # after the 2025-2030 congresses
CHANGE_ON = dt.date(2025, 10, 1)
K = CommitteePostKind


def _official_members_by_path(limit: int = 6) -> dict[str, list[tuple[int, str]]]:
    """For every organisation path, up to `limit` official members of its subtree
    (by id): one pass over the members."""
    found: dict[str, list[tuple[int, str]]] = {}
    rows = (
        Member.objects.filter(status=Status.OFFICIAL)
        .order_by("id")
        .values_list("id", "org_path", "family_name", "middle_name", "given_name")
        .iterator(chunk_size=5000)
    )
    for pk, path, family, middle, given in rows:
        name = " ".join(p for p in (family, middle, given) if p)
        for end in range(STEP_LEN, len(path or "") + 1, STEP_LEN):
            bucket = found.setdefault(path[:end], [])
            if len(bucket) < limit:
                bucket.append((pk, name))
    return found


def demo_posts() -> int:
    """Record the demo organisations' posts; returns the rows written."""
    members = _official_members_by_path()
    taken = set(CommitteePost.objects.values_list("organization_id", flat=True).distinct())
    rows: list[CommitteePost] = []
    changed_one = False
    for org in Organization.objects.exclude(level=Level.CENTRAL).order_by("path"):
        if org.pk in taken or not org.is_active:
            continue
        people = members.get(org.path, [])
        # A committee's leaders come from its cells, but not their secretaries.
        chosen = people[:3] if org.holds_members else (people[3:6] or people[:3])
        if not chosen:
            continue
        start = max(TERM_START, org.valid_from)
        kinds = [K.SECRETARY, K.DEPUTY_SECRETARY, K.COMMITTEE_MEMBER]
        if not changed_one and org.level == Level.SUPERIOR and len(chosen) >= 3:
            # A change of secretary on CHANGE_ON: the previous one held it until the day before.
            earlier = max(org.valid_from, dt.date(2020, 10, 1))
            if earlier < CHANGE_ON:
                changed_one = True
                previous = people[2] if len(people) > 2 else chosen[-1]
                rows.append(
                    _post(org, K.SECRETARY, previous, earlier, CHANGE_ON - dt.timedelta(days=1))
                )
                start = CHANGE_ON
        for kind, person in zip(kinds, chosen, strict=False):
            rows.append(_post(org, kind, person, start, None))
        if org.level == Level.PROVINCIAL and chosen:
            rows.append(_post(org, K.BOARD_HEAD, chosen[-1], start, None))
    bulk_create_with_history(rows, CommitteePost, batch_size=1000)
    return len(rows)


def _post(org: Organization, kind: str, person, starts_on, ends_on) -> CommitteePost:
    pk, name = person
    return CommitteePost(
        organization=org,
        kind=kind,
        member_id=pk,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        note="Dữ liệu trình diễn",
    )
