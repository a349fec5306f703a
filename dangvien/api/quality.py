"""Chất lượng dữ liệu: API (issue 13, part 4). The counts of each check over an
organisation's subtree (per organisation one level down) and the rows of one
check, 200 a page, read through quality.selectors as the pages do. Outside the
scope, a role "member" without a staff role, or a check the role may not open
(the ones showing citizen IDs): 404; a page past the end: 400 `page_invalid`.

(No `from __future__ import annotations`: see api/common.py.)
"""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from dangvien.accounts.scope import Scope, scope_for
from dangvien.core.errors import NotFound
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import Organization
from dangvien.quality import selectors, services

from .common import READ_ERRORS, ErrorOut, Ref

router = Router(tags=["Chất lượng dữ liệu"])


def _org_for(scope: Scope, pk: int) -> Organization:
    if not scope.everything and not scope.paths:
        raise NotFound()
    return org_selectors.organization_get_for(scope, pk)


class QualityCheckOut(Schema):
    code: str
    label: str
    group: str
    fixer: str
    fixer_label: str
    source: str
    total: int
    by_child: dict[int, int] = Field(description="id tổ chức trực thuộc -> số đảng viên")


class QualityChildOut(Schema):
    organization: Ref
    members: int


class QualityConsoleOut(Schema):
    organization: Ref
    date: dt.date
    computed_at: dt.datetime | None = Field(
        description="lúc các số liệu được tính (bảng tổng hợp, làm mới định kỳ)"
    )
    members: int
    citizen_id_coverage: float | None = Field(description="tỷ lệ có số CCCD, 0..1")
    children: list[QualityChildOut]
    checks: list[QualityCheckOut]


@router.get(
    "/quality/{org}",
    response={200: QualityConsoleOut, **READ_ERRORS},
    summary="Số liệu chất lượng dữ liệu của một tổ chức đảng",
    operation_id="quality_console",
)
def quality_console(request, org: int):
    scope = scope_for(request.auth)
    organization = _org_for(scope, org)
    services.quality_summary_ensure(organization)
    console = selectors.quality_console(scope, organization, dt.date.today())
    return {
        "organization": {"id": organization.pk, "name": organization.name},
        "date": console.today,
        "computed_at": console.computed_at,
        "members": console.members,
        "citizen_id_coverage": console.coverage,
        "children": [
            {
                "organization": {"id": child.pk, "name": child.name},
                "members": console.members_by_child.get(child.pk, 0),
            }
            for child in console.children
        ],
        "checks": [
            {
                "code": x.check.code,
                "label": x.check.label,
                "group": x.check.group,
                "fixer": x.check.fixer,
                "fixer_label": x.check.fixer_label,
                "source": x.check.source,
                "total": x.total,
                "by_child": x.by_child,
            }
            for x in console.counts
        ],
    }


class QualityRowsQuery(Schema):
    page: int = Field(1, ge=1, le=2**31 - 1)


class QualityRowOut(Schema):
    member: Ref
    birth_date: str
    status: str
    status_label: str
    organization: Ref
    detail: str
    group: str
    fixer: str
    fixer_organization: Ref


class QualityRowsOut(Schema):
    check: str
    label: str
    total: int
    page: int
    pages: int
    rows: list[QualityRowOut]


@router.get(
    "/quality/{org}/{code}",
    response={200: QualityRowsOut, **READ_ERRORS, 400: ErrorOut},
    summary="Danh sách đảng viên của một phép kiểm tra chất lượng dữ liệu",
    operation_id="quality_check_rows",
)
def quality_check_rows(request, org: int, code: str, query: Query[QualityRowsQuery]):
    scope = scope_for(request.auth)
    organization = _org_for(scope, org)
    page = selectors.check_rows_page(scope, organization, code, dt.date.today(), query.page)
    return {
        "check": page.check.code,
        "label": page.check.label,
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "rows": [
            {
                "member": {"id": r.member_id, "name": r.full_name},
                "birth_date": r.birth_date,
                "status": r.status,
                "status_label": r.status_label,
                "organization": {"id": r.organization_id, "name": r.organization_name},
                "detail": r.detail,
                "group": r.group,
                "fixer": r.fixer,
                "fixer_organization": {
                    "id": r.fixer_organization_id,
                    "name": r.fixer_organization_name,
                },
            }
            for r in page.rows
        ],
    }
