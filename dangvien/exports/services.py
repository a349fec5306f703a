"""Exports (issue 13, part 3): the member list book (7-HSĐV) and member lists
with chosen columns as .xlsx, the record card and CV summary as .docx/.pdf.

Every export goes through the caller's scope (an organisation or member
outside it: NotFound, answered 404), leaves the sensitive sections out for a
caller who may not see them (citizen ID, discipline, family: the organisation
board, the inspection committee, the member; accounts.scope.SENSITIVE_ROLES)
and is logged: ExportLog (who, what, which subtree, how many rows), and for a
single record the access log (accounts.AccessLog) as the record page does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.db import transaction

from dangvien.accounts.scope import Scope, scope_for
from dangvien.members.models import Status
from dangvien.organizations.models import Organization

from . import books, selectors
from .columns import LIST_COLUMNS, Column, list_columns
from .errors import ExportError
from .models import ExportFormat, ExportKind, ExportLog

BOOK, LIST = "book", "list"
# The statuses a list may be filtered on ("" is the default of the kind).
STATUSES = ("", "all", "active", *Status.values)


def sees_sensitive_at(scope: Scope, org: Organization) -> bool:
    """Whether `scope` sees the sensitive sections of every record under `org`."""
    return scope.everything or any(org.path.startswith(p) for p in scope.sensitive_paths)


def columns_for(scope: Scope, org: Organization) -> list[Column]:
    """The list columns `scope` may export for `org`'s subtree (the sensitive
    ones only where it sees the sensitive sections of the whole subtree)."""
    sensitive = sees_sensitive_at(scope, org)
    return [c for c in LIST_COLUMNS if sensitive or not c.sensitive]


def _staff(scope: Scope) -> bool:
    return scope.everything or bool(scope.paths)


@dataclass(frozen=True)
class ListExport:
    rows: int
    log: ExportLog


def export_list(
    *,
    actor,
    org: Organization,
    out: str | IO[bytes],
    kind: str = BOOK,
    columns: list[str] | None = None,
    status: str = "",
    address: str | None = None,
    scope: Scope | None = None,
) -> ListExport:
    """Write the list book (`kind` "book", 14 columns, every member ever in
    the list unless `status` says otherwise) or a member list (`kind` "list",
    `columns` chosen from columns.LIST_COLUMNS, active members by default) of
    `org`'s subtree to `out` (.xlsx), and log it.

    `actor` None is the operator on the server (every record). Raises NotFound
    when the scope does not reach `org` (a member-only caller reaches no list),
    DomainError `sensitive_column` for a sensitive column the caller may not
    see, `unknown_column`, `unknown_kind`."""
    if scope is None:
        scope = scope_for(actor) if actor is not None else _operator()
    if not _staff(scope) or not scope.reaches_path(org.path):
        raise ExportError.ORGANIZATION_NOT_FOUND.not_found(code=org.code)
    if kind == BOOK:
        chosen = None
        status = status or "all"
    elif kind == LIST:
        chosen = list_columns(columns)
        status = status or "active"
        allowed = {c.key for c in columns_for(scope, org)}
        for column in chosen:
            if column.key not in allowed:
                raise ExportError.SENSITIVE_COLUMN.error(field="columns", column=column.label)
    else:
        raise ExportError.UNKNOWN_KIND.error(field="kind")
    members = selectors.export_members(scope, org, status)
    with_discipline = chosen is not None and any(c.key == "ky_luat" for c in chosen)
    rows = selectors.export_rows(members, org, discipline=with_discipline)
    if chosen is None:
        written = books.write_book(out, rows, org)
    else:
        written = books.write_xlsx(out, rows, chosen, org=org, title=books.LIST_TITLE)
    log = ExportLog.objects.create(
        user=actor,
        kind=ExportKind.LIST_BOOK if chosen is None else ExportKind.MEMBER_LIST,
        file_format=ExportFormat.XLSX,
        organization=org,
        org_path=org.path,
        columns=[c.key for c in chosen] if chosen else [],
        sensitive=any(c.sensitive for c in chosen or []),
        rows=written.rows,
        address=address or None,
    )
    return ListExport(rows=written.rows, log=log)


def _operator() -> Scope:
    """The operator at the server console (`dangvien export-members`): everything."""
    return Scope(everything=True, paths=(), member_id=None)


def exports_log_for(scope: Scope, limit: int = 20) -> list[ExportLog]:
    """The latest exports of the subtrees `scope` reaches (none for a member)."""
    if not _staff(scope):
        return []
    qs = ExportLog.objects.select_related("user", "organization", "member")
    if not scope.everything:
        qs = qs.filter(scope.org_q("org_path"))
    return list(qs[:limit])


def log_paper(
    *,
    actor,
    member,
    kind: str,
    file_format: str,
    sensitive: bool,
    request=None,
) -> ExportLog:
    """Log the export of one member's paper: ExportLog, and the access log
    (record, and sensitive sections when shown) as the record page writes it."""
    from dangvien.accounts.models import AccessKind
    from dangvien.accounts.services import access_log_add

    address = request.META.get("REMOTE_ADDR") if request is not None else None
    with transaction.atomic():
        log = ExportLog.objects.create(
            user=actor,
            kind=kind,
            file_format=file_format,
            organization_id=member.organization_id,
            member=member,
            org_path=member.org_path,
            sensitive=sensitive,
            rows=1,
            address=address or None,
        )
        if actor is not None:
            kinds = [AccessKind.RECORD, AccessKind.SENSITIVE] if sensitive else [AccessKind.RECORD]
            access_log_add(user=actor, member=member, kinds=kinds, request=request)
    return log
