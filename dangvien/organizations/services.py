"""Writes to the organisation tree. Renames, moves, mergers and dissolutions are
dated events; members and their history survive every one of them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from dangvien.core.actors import with_history_user
from dangvien.core.errors import DomainError

from . import rules
from .models import Organization, OrganizationEvent, OrganizationEventKind


def _actor_or_none(actor):  # the user for a created_by column
    return actor if getattr(actor, "pk", None) else None


def _next_child_path(parent: Organization | None) -> str:
    """The path of a new child of `parent`: one step after every step ever used
    under it. A child moved away frees its path in the tree, but records keep
    the paths of their day (cases, papers, discipline, grading): a new child
    given that path would inherit them, so the old paths of moved
    organisations (their MOVED events) count as used."""
    siblings = Organization.objects.filter(parent=parent).order_by("-path")
    if parent is not None:
        Organization.objects.select_for_update().filter(pk=parent.pk).first()
    prefix = parent.path if parent else ""
    width = len(prefix) + rules.STEP_LEN
    used = [p for p in siblings.values_list("path", flat=True)[:1]]
    used += [
        old[:width]
        for old in OrganizationEvent.objects.filter(
            kind=OrganizationEventKind.MOVED, before__path__startswith=prefix
        ).values_list("before__path", flat=True)
        if isinstance(old, str) and len(old) >= width
    ]
    index = max((rules.step_index(p[-rules.STEP_LEN :]) for p in used), default=0) + 1
    return prefix + rules.path_step(index)


@transaction.atomic
def organization_create(
    *,
    actor,
    parent: Organization | None,
    code: str,
    name: str,
    document_name: str = "",
    level: str,
    valid_from: dt.date,
    decision_number: str = "",
    **fields,
) -> Organization:
    if Organization.objects.filter(code=code).exists():
        raise DomainError(f"Mã tổ chức «{code}» đã được dùng.", field="code")
    if parent is not None and not parent.is_active:
        raise DomainError("Tổ chức cấp trên đã giải thể.", field="parent")
    org = Organization(
        parent=parent,
        path=_next_child_path(parent),
        depth=(parent.depth + 1) if parent else 1,
        code=code,
        name=name,
        document_name=document_name or name.upper(),
        level=level,
        valid_from=valid_from,
        **fields,
    )
    with_history_user(org, actor)
    org.save()
    OrganizationEvent.objects.create(
        organization=org,
        kind=OrganizationEventKind.CREATED,
        date=valid_from,
        decision_number=decision_number,
        after={"name": org.name, "parent_id": org.parent_id},
        created_by=_actor_or_none(actor),
    )
    return org


@transaction.atomic
def organization_rename(
    *,
    actor,
    organization: Organization,
    name: str,
    document_name: str,
    date: dt.date,
    decision_number: str = "",
) -> Organization:
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    before = {"name": org.name, "document_name": org.document_name}
    org.name, org.document_name = name, document_name
    with_history_user(org, actor)
    org.save()
    OrganizationEvent.objects.create(
        organization=org,
        kind=OrganizationEventKind.RENAMED,
        date=date,
        decision_number=decision_number,
        before=before,
        after={"name": name, "document_name": document_name},
        created_by=_actor_or_none(actor),
    )
    return org


def _rewrite_paths(old_prefix: str, new_prefix: str, depth_change: int) -> None:
    """Move a subtree's paths (organisations and the members' cached paths)."""
    from dangvien.members.models import Member
    from dangvien.members.name_words import name_words_move

    cut = len(old_prefix) + 1
    Organization.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", cut)),
        depth=F("depth") + depth_change,
    )
    Member.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", cut))
    )
    name_words_move(old_prefix, new_prefix)


@transaction.atomic
def organization_move(
    *,
    actor,
    organization: Organization,
    new_parent: Organization,
    date: dt.date,
    decision_number: str = "",
) -> Organization:
    """Place an organisation (with its whole subtree and members) under a new parent."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(org.path):
        raise DomainError("Không thể chuyển một tổ chức vào chính cấp dưới của nó.", field="parent")
    if not new_parent.is_active:
        raise DomainError("Tổ chức cấp trên mới đã giải thể.", field="parent")
    from dangvien.members.summary import membership_summary_move

    old_path = org.path
    before = {"parent_id": org.parent_id, "path": old_path}
    new_path = _next_child_path(new_parent)
    _rewrite_paths(old_path, new_path, new_parent.depth + 1 - org.depth)
    membership_summary_move(org, old_path, new_parent)
    org.refresh_from_db()
    org.parent = new_parent
    with_history_user(org, actor)
    org.save(update_fields=["parent"])
    OrganizationEvent.objects.create(
        organization=org,
        kind=OrganizationEventKind.MOVED,
        date=date,
        decision_number=decision_number,
        before=before,
        after={"parent_id": new_parent.pk, "path": org.path},
        related=new_parent,
        created_by=_actor_or_none(actor),
    )
    return org


@transaction.atomic
def organization_merge(
    *,
    actor,
    source: Organization,
    target: Organization,
    date: dt.date,
    decision_number: str = "",
) -> Organization:
    """Merge `source` into `target`: its children move under the target, its own
    members are reassigned to the target (a dated event each, no gap in party
    age), then the source is dissolved. History stays with every record."""
    from dangvien.members.models import ACTIVE_STATUSES, EventKind, Member
    from dangvien.members.services import member_add_event

    source = Organization.objects.select_for_update().get(pk=source.pk)
    target = Organization.objects.get(pk=target.pk)
    if source.pk == target.pk or target.path.startswith(source.path):
        raise DomainError(
            "Không thể hợp nhất một tổ chức vào chính nó hoặc cấp dưới của nó.", field="target"
        )
    # The source's own members are locked first (id order), as every member
    # write locks the record before the organisations' figures.
    direct_members = list(
        Member.objects.select_for_update()
        .filter(organization=source, status__in=ACTIVE_STATUSES)
        .order_by("pk")
    )
    if direct_members and not target.holds_members:
        raise DomainError("Tổ chức nhận hợp nhất phải là chi bộ để nhận đảng viên.", field="target")
    for child in Organization.objects.filter(parent=source, valid_to__isnull=True):
        organization_move(
            actor=actor,
            organization=child,
            new_parent=target,
            date=date,
            decision_number=decision_number,
        )
    for member in direct_members:
        member_add_event(
            actor=actor,
            member=member,
            kind=EventKind.REASSIGNED,
            date=date,
            organization=target,
            decision_number=decision_number,
            reason=f"Hợp nhất {source.name} vào {target.name}",
        )
    OrganizationEvent.objects.create(
        organization=source,
        kind=OrganizationEventKind.MERGED,
        date=date,
        decision_number=decision_number,
        related=target,
        after={"merged_into": target.pk},
        created_by=_actor_or_none(actor),
    )
    return organization_dissolve(
        actor=actor, organization=source, date=date, decision_number=decision_number
    )


@transaction.atomic
def organization_dissolve(
    *, actor, organization: Organization, date: dt.date, decision_number: str = ""
) -> Organization:
    from dangvien.members.models import ACTIVE_STATUSES, Member

    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not org.is_active:
        raise DomainError("Tổ chức này đã giải thể.")
    if Organization.objects.filter(parent=org, valid_to__isnull=True).exists():
        raise DomainError("Còn tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể trước.")
    if Member.objects.filter(organization=org, status__in=ACTIVE_STATUSES).exists():
        raise DomainError("Còn đảng viên đang sinh hoạt; hãy chuyển sinh hoạt trước khi giải thể.")
    org.valid_to = date
    with_history_user(org, actor)
    org.save(update_fields=["valid_to"])
    OrganizationEvent.objects.create(
        organization=org,
        kind=OrganizationEventKind.DISSOLVED,
        date=date,
        decision_number=decision_number,
        created_by=_actor_or_none(actor),
    )
    return org
