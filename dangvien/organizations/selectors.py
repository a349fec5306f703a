"""Reads of the organisation tree, always within the caller's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from dangvien.accounts.scope import Scope

from .models import Organization, OrganizationEventKind


def organizations_visible_to(scope: Scope) -> QuerySet[Organization]:
    return Organization.objects.filter(scope.org_q("path"))


def organization_get_for(scope: Scope, pk, *, with_parent: bool = True) -> Organization:
    """The organisation if the scope reaches it; 404 otherwise (never 403).
    `with_parent` False leaves its parent to be read if asked for (a caller
    that needs the path only: the API's member list)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:  # beyond the id column: nothing there
        raise Http404
    # One row by its key: no ORDER BY (first() would sort by the tree's path).
    found = organizations_visible_to(scope).filter(pk=pk).order_by()
    if with_parent:
        found = found.select_related("parent")
    org = next(iter(found[:1]), None)
    if org is None:
        raise Http404
    return org


def organization_roots_for(scope: Scope) -> list[Organization]:
    """The top organisations a scope reaches (the tree's starting points)."""
    if scope.everything:
        return list(Organization.objects.filter(parent__isnull=True))
    return list(Organization.objects.filter(path__in=scope.paths))


def organization_subtree(org: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__startswith=org.path)


def organization_ancestors(org: Organization) -> list[Organization]:
    prefixes = [org.path[:i] for i in range(4, len(org.path), 4)]
    return list(Organization.objects.filter(path__in=prefixes).order_by("path"))


def organization_children_with_counts(org: Organization, *, include_dissolved: bool = False):
    """The children of `org`, each with `member_count`: the members in activity
    over its subtree, read from the maintained summary (members.summary; exact,
    kept by every write), one query whatever the size of the subtree."""
    children = Organization.objects.filter(parent=org).order_by("path")
    if not include_dissolved:
        children = children.filter(valid_to__isnull=True)
    return list(children.annotate(member_count=Coalesce("membership_summary__members", Value(0))))


@dataclass(frozen=True)
class OrganizationState:
    name: str
    document_name: str
    parent_id: int | None
    exists: bool


def organization_state_on(org: Organization, day: dt.date) -> OrganizationState:
    """Name, parent and existence of an organisation on `day`, from its events."""
    name, document_name, parent_id = org.name, org.document_name, org.parent_id
    later = org.events.filter(date__gt=day).order_by("-date", "-id")
    for event in later:  # undo the changes made after `day`, newest first
        if event.kind == OrganizationEventKind.RENAMED:
            name = event.before.get("name", name)
            document_name = event.before.get("document_name", document_name)
        elif event.kind == OrganizationEventKind.MOVED:
            parent_id = event.before.get("parent_id", parent_id)
    exists = org.valid_from <= day and (org.valid_to is None or day < org.valid_to)
    return OrganizationState(name, document_name, parent_id, exists)
