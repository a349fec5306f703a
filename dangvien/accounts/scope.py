"""The caller's scope: the organisation subtrees their roles reach.

Every selector filters through `Scope`; there is no unscoped read path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from .models import Role, RoleGrant


@dataclass(frozen=True)
class Scope:
    everything: bool
    paths: tuple[str, ...]  # organisation subtrees reached
    member_id: int | None  # a member's own record (role MEMBER)

    def org_q(self, field: str = "path") -> Q:
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        for path in self.paths:
            q |= Q(**{f"{field}__startswith": path})
        return q

    def member_q(self) -> Q:
        if self.everything:
            return Q()
        q = self.org_q("org_path")
        if self.member_id is not None:
            q |= Q(pk=self.member_id)
        return q

    def reaches_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)


NOTHING = Scope(everything=False, paths=(), member_id=None)


def scope_for(user, on: dt.date | None = None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(everything=True, paths=(), member_id=None)
    on = on or dt.date.today()
    grants = (
        RoleGrant.objects.filter(user=user, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("organization")
    )
    paths: list[str] = []
    member_id = None
    for grant in grants:
        if grant.role == Role.SYSTEM_ADMIN:
            return Scope(everything=True, paths=(), member_id=None)
        if grant.role == Role.MEMBER:
            member = getattr(user, "member", None)
            member_id = member.pk if member else None
            continue
        paths.append(grant.organization.path)
    # Drop paths already covered by a shorter one.
    paths.sort()
    kept: list[str] = []
    for path in paths:
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return Scope(everything=False, paths=tuple(kept), member_id=member_id)
