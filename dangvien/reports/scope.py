"""The organisations a report covers on a day: the subtree of the organisation
as the tree stood that day, with the organisations merged into it.

The tree is kept by materialised paths of today. A report of a past period
reads the tree of a day: the moves after that day (dated MOVED events, few) are
undone, and the organisations merged into the reported one (MERGED events)
count with it, so that a report of a merged organisation covers its
predecessors for the days before the merger (their members' events stay on the
predecessors' ids). A report reads two trees: the day before its period (its
list A) and the period's last day (its list D, and the period's events); an
organisation moved in between brings its members in or takes them out
(reports.compute).

The scope is said as path prefixes (`include`, `exclude`): one indexed prefix
condition each, never a list of the 278,000 organisation ids of the party.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangvien.organizations.models import (
    Level,
    Organization,
    OrganizationEvent,
    OrganizationEventKind,
)


@dataclass(frozen=True)
class ReportScope:
    """Organisations whose path starts with one of `include` and none of
    `exclude`; `province_path` the province the scope sits in ("" at or above a
    province), which tells a transfer from another district of the same province
    from one from another province (form 1-BTCTW rows B2a/B2b, C5a/C5b)."""

    organization: Organization
    on: dt.date
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    province_path: str = ""
    earliest: dt.date | None = None  # the first day one of its organisations existed

    def covers(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.include) and not any(
            path.startswith(p) for p in self.exclude
        )

    def in_province(self, path: str) -> bool:
        return bool(self.province_path) and path.startswith(self.province_path)

    def path_sql(self, column: str) -> tuple[str, list[str]]:
        """A SQL condition on a path column and its parameters (LIKE 'p%')."""
        inc = " OR ".join(f"{column} LIKE %s" for _ in self.include)
        sql = f"({inc})"
        params = [_like(p) for p in self.include]
        if self.exclude:
            sql += " AND NOT (" + " OR ".join(f"{column} LIKE %s" for _ in self.exclude) + ")"
            params += [_like(p) for p in self.exclude]
        return sql, params


def _like(prefix: str) -> str:
    # Paths are base-36 steps: no LIKE wildcard can occur in them.
    return prefix + "%"


def report_scope(org: Organization, on: dt.date) -> ReportScope:
    """The organisations of `org`'s report on the tree of `on` (see the module)."""
    include = [org.path]
    exclude: list[str] = []
    paths: dict[int, str | None] = {}

    def path_of(pk: int | None) -> str | None:
        if pk is None:
            return None
        if pk not in paths:
            paths[pk] = Organization.objects.filter(pk=pk).values_list("path", flat=True).first()
        return paths[pk]

    def covered(path: str | None) -> bool:
        return path is not None and (
            any(path.startswith(p) for p in include)
            and not any(path.startswith(p) for p in exclude)
        )

    # Predecessors: the organisations merged into the reported one (and, in
    # turn, into those): its report covers them for the days before the
    # merger. An organisation above it does not take them in: a cell merged
    # into a cell of another district stays in its own district's past.
    targets, seen = [org.pk], {org.pk}
    while targets:
        sources = list(
            OrganizationEvent.objects.filter(
                kind=OrganizationEventKind.MERGED, related_id__in=targets
            ).values_list("organization_id", "organization__path")
        )
        targets = []
        for source_id, source_path in sources:
            if source_id not in seen:
                seen.add(source_id)
                targets.append(source_id)
                if not covered(source_path):
                    include.append(source_path)
    # Moves after `on`, newest first: where the organisation stood before.
    moves = OrganizationEvent.objects.filter(
        kind=OrganizationEventKind.MOVED, date__gt=on
    ).select_related("organization")
    for event in moves.order_by("-date", "-id"):
        moved = event.organization
        if moved.path == org.path or org.path.startswith(moved.path):
            continue  # the reported organisation itself (or an ancestor) moved
        was_in = covered(path_of(event.before.get("parent_id")))
        if was_in and not covered(moved.path):
            include.append(moved.path)
        elif covered(moved.path) and not was_in:
            exclude.append(moved.path)
    earliest = (
        Organization.objects.filter(path__in=include)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    province = ""
    if org.level != Level.CENTRAL:
        ancestors = [org.path[:i] for i in range(4, len(org.path) + 1, 4)]
        province = (
            Organization.objects.filter(path__in=ancestors, level=Level.PROVINCIAL)
            .values_list("path", flat=True)
            .first()
            or ""
        )
        if province == org.path:
            province = ""  # a province's report: every transfer in or out is another province's
    return ReportScope(org, on, tuple(include), tuple(exclude), province, earliest)
