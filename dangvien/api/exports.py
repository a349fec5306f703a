"""Xuất dữ liệu: API (issue 13, part 3). The member list book (7-HSĐV) or a
member list with chosen columns of an organisation's subtree as .xlsx, a
member's record card or CV summary as .docx or .pdf, and the columns the
caller may export. Outside the scope: 404; a sensitive column the caller may
not see: 400 `sensitive_column`; PDF without WeasyPrint on the server: 400
`pdf_unavailable`. Every download is logged (exports.models.ExportLog, and
the access log for a member's paper).

(No `from __future__ import annotations`: see api/common.py.)
"""

import tempfile
from typing import Literal

from django.http import FileResponse, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from dangvien.accounts.scope import scope_for
from dangvien.exports import papers, services
from dangvien.exports.columns import LIST_COLUMNS
from dangvien.members import selectors as member_selectors
from dangvien.organizations import selectors as org_selectors

from .common import ID, READ_ERRORS, ErrorOut

router = Router(tags=["Xuất dữ liệu"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAPERS = {"card": papers.CARD, "cv": papers.CV}


class ColumnOut(Schema):
    key: str
    label: str
    sensitive: bool
    allowed: bool


class OrgQuery(Schema):
    org: int = ID


@router.get(
    "/exports/columns",
    response={200: list[ColumnOut], **READ_ERRORS},
    summary="Các cột danh sách đảng viên được xuất cho một tổ chức",
    operation_id="exports_columns",
)
def exports_columns(request, query: Query[OrgQuery]):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, query.org)
    allowed = {c.key for c in services.columns_for(scope, org)}
    return [
        {"key": c.key, "label": c.label, "sensitive": c.sensitive, "allowed": c.key in allowed}
        for c in LIST_COLUMNS
    ]


class ListQuery(Schema):
    org: int = ID
    kind: Literal["book", "list"] = "book"
    columns: list[str] = Field(default_factory=list, max_length=64)
    status: str = Field("", max_length=20)


@router.get(
    "/exports/members.xlsx",
    response={**READ_ERRORS, 400: ErrorOut},
    summary="Sổ danh sách đảng viên (7-HSĐV) hoặc danh sách đảng viên (.xlsx)",
    operation_id="exports_members_xlsx",
)
def exports_members_xlsx(request, query: Query[ListQuery]):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, query.org)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    try:
        services.export_list(
            actor=request.auth,
            org=org,
            out=handle,
            kind=query.kind,
            columns=query.columns,
            status=query.status if query.status in services.STATUSES else "",
            address=request.META.get("REMOTE_ADDR"),
            scope=scope,
        )
    except Exception:
        handle.close()
        raise
    handle.seek(0)
    stem = "so-danh-sach-dang-vien" if query.kind == "book" else "danh-sach-dang-vien"
    return FileResponse(
        handle, as_attachment=True, filename=f"{stem}-{org.code}.xlsx", content_type=XLSX
    )


class PaperQuery(Schema):
    format: Literal["docx", "pdf"] = "docx"


@router.get(
    "/exports/members/{pk}/{paper}",
    response={**READ_ERRORS, 400: ErrorOut},
    summary="Phiếu đảng viên (card) hoặc sơ yếu lý lịch (cv) của một đảng viên",
    operation_id="exports_member_paper",
)
def exports_member_paper(request, pk: int, paper: Literal["card", "cv"], query: Query[PaperQuery]):
    scope = scope_for(request.auth)
    member = member_selectors.member_get_for(scope, pk)
    kind = papers.PAPERS[PAPERS[paper]]
    sensitive = scope.sees_sensitive(member)
    context = papers.paper_context(member, kind, sensitive=sensitive)
    if query.format == "pdf":
        content, content_type = papers.render_pdf(context), "application/pdf"
    else:
        content, content_type = papers.render_docx(context, kind), DOCX
    services.log_paper(
        actor=request.auth,
        member=member,
        kind=kind,
        file_format=query.format,
        sensitive=sensitive,
        request=request,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{paper}-{member.pk}.{query.format}"'
    return response
