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

import tempfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from dangvien.accounts.scope import Scope, scope_for
from dangvien.core.errors import DomainError
from dangvien.members.models import Status
from dangvien.organizations.models import Organization

from . import books, selectors
from .columns import LIST_COLUMNS, Column, list_columns
from .errors import ExportError
from .models import ExportFormat, ExportJob, ExportJobStatus, ExportKind, ExportLog

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
    chosen, status = check_export(scope, org, kind, columns, status)
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


def check_export(
    scope: Scope, org: Organization, kind: str, columns: list[str] | None, status: str
) -> tuple[list[Column] | None, str]:
    """(the chosen columns, None for the book; the status filter) of an export
    the scope may take; the errors of `export_list` (NotFound outside the
    scope, DomainError for a sensitive or unknown column, an unknown kind)."""
    if not _staff(scope) or not scope.reaches_path(org.path):
        raise ExportError.ORGANIZATION_NOT_FOUND.not_found(code=org.code)
    if kind == BOOK:
        return None, status or "all"
    if kind != LIST:
        raise ExportError.UNKNOWN_KIND.error(field="kind")
    chosen = list_columns(columns)
    allowed = {c.key for c in columns_for(scope, org)}
    for column in chosen:
        if column.key not in allowed:
            raise ExportError.SENSITIVE_COLUMN.error(field="columns", column=column.label)
    return chosen, status or "active"


def inline_max() -> int:
    """Lists of more members than this (setting EXPORT_INLINE_MAX, 20,000) are
    made by the job queue instead of while the browser waits (about 3 s per
    20,000 members)."""
    return int(getattr(settings, "EXPORT_INLINE_MAX", 20_000))


def needs_job(scope: Scope, org: Organization, kind: str, status: str) -> bool:
    """Whether the list of `org` for `scope` is larger than `inline_max()`:
    a count that stops one past the limit (it never counts a whole province)."""
    _chosen, status = check_export(scope, org, kind, None if kind == BOOK else [], status)
    members = selectors.export_members(scope, org, status).order_by()
    return members.values("pk")[: inline_max() + 1].count() > inline_max()


@transaction.atomic
def export_job_start(
    *,
    actor,
    org: Organization,
    kind: str = BOOK,
    columns: list[str] | None = None,
    status: str = "",
    address: str | None = None,
    scope: Scope | None = None,
) -> ExportJob:
    """Queue the export (checked now, with the errors of `export_list`) for the
    job queue, which makes the file (`run_export_job`); returns the job (the
    same one while an identical request is still being made). The file is
    logged in ExportLog when it is made."""
    scope = scope if scope is not None else scope_for(actor)
    check_export(scope, org, kind, columns, status)
    running = ExportJob.objects.filter(
        created_by=actor,
        organization=org,
        kind=kind,
        columns=list(columns or []),
        status_filter=status,
        status=ExportJobStatus.RUNNING,
    ).first()
    if running is not None:  # asked again (a reload) while it is being made
        return running
    job = ExportJob.objects.create(
        created_by=actor,
        organization=org,
        kind=kind,
        columns=list(columns or []),
        status_filter=status,
        address=address or None,
    )
    from .jobs import run_export_job

    transaction.on_commit(lambda: run_export_job(job.pk))
    return job


def export_job_run(job_id: int) -> ExportJob:
    """Make the file of job `job_id` as its requester (their scope read again
    now), keep it on the job and log it; a refusal (the scope no longer
    reaches, a column no longer allowed) leaves the job FAILED with the message."""
    job = ExportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    with tempfile.TemporaryFile() as handle:
        try:
            done = export_list(
                actor=job.created_by,
                org=job.organization,
                out=handle,
                kind=job.kind,
                columns=job.columns,
                status=job.status_filter,
                address=job.address,
            )
        except DomainError as refused:
            job.status = ExportJobStatus.FAILED
            job.message = refused.message[:300]
        else:
            handle.seek(0)
            stem = "so-danh-sach-dang-vien" if job.kind == BOOK else "danh-sach-dang-vien"
            job.file.save(f"{stem}-{job.organization.code}.xlsx", File(handle), save=False)
            job.status = ExportJobStatus.DONE
            job.rows = done.rows
            job.log = done.log
    job.finished_at = timezone.now()
    job.save()
    return job


def export_jobs_for(actor, limit: int = 10) -> list[ExportJob]:
    """The latest export jobs `actor` asked for."""
    return list(ExportJob.objects.filter(created_by=actor).select_related("organization")[:limit])


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
