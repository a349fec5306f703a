"""The caller's scope: the organisation subtrees their roles reach.

Every selector filters through `Scope`; there is no unscoped read path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from .models import Role, RoleGrant

# Roles that may change records in their subtree; the others only read there.
WRITING_ROLES = frozenset(
    {Role.CELL_SECRETARY, Role.GRASSROOTS_OFFICE, Role.ORGANISATION_BOARD, Role.SYSTEM_ADMIN}
)


# Roles that see the sensitive sections (citizen ID, family relations, later
# discipline and inspections) of the records in their subtree.
SENSITIVE_ROLES = frozenset({Role.ORGANISATION_BOARD, Role.INSPECTION, Role.SYSTEM_ADMIN})


@dataclass(frozen=True)
class Scope:
    everything: bool
    paths: tuple[str, ...]  # organisation subtrees reached
    member_id: int | None  # a member's own record (role MEMBER)
    write_paths: tuple[str, ...] = ()  # subtrees where records may be changed
    sensitive_paths: tuple[str, ...] = ()  # subtrees whose sensitive sections are shown
    inspection_paths: tuple[str, ...] = ()  # subtrees where the inspection committee acts

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

    def writes_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.write_paths)

    def sees_sensitive(self, member) -> bool:
        """Citizen ID and family: the board, the inspection committee, the member."""
        # A member's own record only when both are known: a caller without a
        # member (None) never matches a record not yet saved (pk None).
        own = self.member_id is not None and member.pk is not None and member.pk == self.member_id
        return (
            self.everything
            or own
            or any((member.org_path or "").startswith(p) for p in self.sensitive_paths)
        )


NOTHING = Scope(everything=False, paths=(), member_id=None)


def scope_for(user, on: dt.date | None = None) -> Scope:
    """What `user` reaches on day `on` (today by default) through the role grants
    in force that day (`RoleGrant.objects.in_force`)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(everything=True, paths=(), member_id=None)
    # Two columns, not the grants and their organisations as models: read on
    # every request (the API's hottest call: a fifth of its Python went to
    # building the statement and the rows).
    grants = (
        RoleGrant.objects.in_force(on)
        .filter(user=user)
        .order_by()
        .values_list("role", "organization__path")
    )
    paths: list[str] = []
    write_paths: list[str] = []
    sensitive_paths: list[str] = []
    inspection_paths: list[str] = []
    member_id = None
    for role, path in grants:
        if role == Role.SYSTEM_ADMIN:
            return Scope(everything=True, paths=(), member_id=None)
        if role == Role.MEMBER:
            member = getattr(user, "member", None)
            member_id = member.pk if member else None
            continue
        paths.append(path)
        if role in WRITING_ROLES:
            write_paths.append(path)
        if role in SENSITIVE_ROLES:
            sensitive_paths.append(path)
        if role == Role.INSPECTION:
            inspection_paths.append(path)
    return Scope(
        everything=False,
        paths=_outermost(paths),
        member_id=member_id,
        write_paths=_outermost(write_paths),
        sensitive_paths=_outermost(sensitive_paths),
        inspection_paths=_outermost(inspection_paths),
    )


def _outermost(paths: list[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one."""
    kept: list[str] = []
    for path in sorted(paths):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)
