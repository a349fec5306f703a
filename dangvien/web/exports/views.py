"""Export pages (Vietnamese): the page to choose an export, the .xlsx list
book or member list of a subtree, a member's record card or CV summary as
.docx or .pdf. Outside the caller's scope: 404. Each download is logged
(exports.services)."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dangvien.core.errors import DomainError
from dangvien.exports import papers, services
from dangvien.exports.columns import DEFAULT_LIST_COLUMNS
from dangvien.exports.models import ExportFormat, ExportJob, ExportJobStatus
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Status
from dangvien.organizations import selectors as org_selectors
from dangvien.web.common import request_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = {"so": services.BOOK, "danh-sach": services.LIST}
ORG_CHOICES_LIMIT = 500


def _staff(scope) -> bool:
    return scope.everything or bool(scope.paths)


def _context(request: HttpRequest, org, *, error: str = "") -> dict:
    scope = request_scope(request)
    orgs = org_selectors.organizations_visible_to(scope).filter(valid_to__isnull=True)
    chosen = request.GET.getlist("cot") or DEFAULT_LIST_COLUMNS
    return {
        "org": org,
        "orgs": list(orgs.order_by("path")[:ORG_CHOICES_LIMIT]),
        "columns": services.columns_for(scope, org) if org else [],
        "sensitive": services.sees_sensitive_at(scope, org) if org else False,
        "chosen": chosen,
        "kind": request.GET.get("loai", "so"),
        "status": request.GET.get("tinh-trang", ""),
        "statuses": Status.choices,
        "error": error,
        "log": services.exports_log_for(scope),
        "jobs": services.export_jobs_for(request.user),
        "inline_max": services.inline_max(),
    }


@login_required
@require_GET
def exports_page(request: HttpRequest) -> HttpResponse:
    """Choose an organisation, the list book or a member list and its columns;
    the latest exports of the caller's subtrees. A member-only caller: 404."""
    scope = request_scope(request)
    if not _staff(scope):
        raise Http404
    org_id = request.GET.get("org")
    org = org_selectors.organization_get_for(scope, org_id) if org_id else None
    return render(request, "exports/page.html", _context(request, org))


@login_required
@require_GET
def exports_list_xlsx(request: HttpRequest) -> HttpResponse | FileResponse:
    """The list book (`?loai=so`) or a member list (`?loai=danh-sach&cot=...`) of
    `?org=` as .xlsx, streamed from a temporary file. A refused column: the
    page again with the message (400)."""
    scope = request_scope(request)
    if not _staff(scope):
        raise Http404
    org = org_selectors.organization_get_for(scope, request.GET.get("org"))
    kind = KINDS.get(request.GET.get("loai", "so"))
    status = request.GET.get("tinh-trang", "")
    if kind is None or status not in ("", "all", "active", *Status.values):
        raise Http404
    try:
        if services.needs_job(scope, org, kind, status):
            # Too large to make while the browser waits: the job queue makes it.
            services.export_job_start(
                actor=request.user,
                org=org,
                kind=kind,
                columns=request.GET.getlist("cot"),
                status=status,
                address=request.META.get("REMOTE_ADDR"),
                scope=scope,
            )
            messages.success(
                request,
                "Danh sách lớn: máy chủ đang tạo tệp. Khi xong, tệp có ở mục «Tệp đang tạo» "
                "dưới đây (tải lại trang để xem).",
            )
            return redirect(f"{reverse('exports')}?org={org.pk}")
    except DomainError as exc:
        context = _context(request, org, error=exc.message)
        return render(request, "exports/page.html", context, status=400)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    try:
        services.export_list(
            actor=request.user,
            org=org,
            out=handle,
            kind=kind,
            columns=request.GET.getlist("cot"),
            status=status,
            address=request.META.get("REMOTE_ADDR"),
            scope=scope,
        )
    except DomainError as exc:
        handle.close()
        context = _context(request, org, error=exc.message)
        return render(request, "exports/page.html", context, status=400)
    handle.seek(0)
    stem = "so-danh-sach-dang-vien" if kind == services.BOOK else "danh-sach-dang-vien"
    return FileResponse(
        handle, as_attachment=True, filename=f"{stem}-{org.code}.xlsx", content_type=XLSX
    )


@login_required
@require_GET
def exports_job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file an export job made: to the one who asked for it, while their
    scope still allows that export (the organisation, a sensitive column);
    404 otherwise (and while running)."""
    scope = request_scope(request)
    job = ExportJob.objects.select_related("organization").filter(pk=pk).first()
    if (
        job is None
        or job.created_by_id != request.user.pk
        or job.status != ExportJobStatus.DONE
        or not job.file
        or not scope.reaches_path(job.organization.path)
    ):
        raise Http404
    try:  # the columns too are checked again: a sensitive one needs the right now
        services.check_export(scope, job.organization, job.kind, job.columns, job.status_filter)
    except DomainError as exc:
        raise Http404 from exc
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=XLSX,
    )


@login_required
@require_GET
def exports_member_paper(request: HttpRequest, pk, paper: str, fmt: str) -> HttpResponse:
    """A member's record card (`phieu`) or CV summary (`so-yeu-ly-lich`) as .docx
    or .pdf, with the sensitive sections only for those who see them."""
    kind = papers.PAPERS.get(paper)
    if kind is None or fmt not in (ExportFormat.DOCX, ExportFormat.PDF):
        raise Http404
    scope = request_scope(request)
    member = member_selectors.member_get_for(scope, pk)
    sensitive = scope.sees_sensitive(member)
    context = papers.paper_context(member, kind, sensitive=sensitive)
    if fmt == ExportFormat.PDF:
        try:
            content = papers.render_pdf(context)
        except DomainError as exc:
            return HttpResponse(exc.message, status=503, content_type="text/plain; charset=utf-8")
        content_type = "application/pdf"
    else:
        content = papers.render_docx(context, kind)
        content_type = DOCX
    services.log_paper(
        actor=request.user,
        member=member,
        kind=kind,
        file_format=fmt,
        sensitive=sensitive,
        request=request,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{paper}-{member.pk}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
