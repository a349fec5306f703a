"""API of the member lifecycle: the open cases of every workflow (the same list
as the page «Việc cần làm»). Each area's steps are in its own router
(transfers and removals: dangvien/api/movements.py). Same scope and errors as
the pages: outside the scope, 404."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from dangvien.accounts.scope import scope_for
from dangvien.compliance.models import CaseKind
from dangvien.compliance.selectors import CaseFilter, open_cases_page
from dangvien.compliance.workflow import Body
from dangvien.organizations import selectors as org_selectors
from dangvien.web.cases.registry import case_display

from .common import ErrorOut, Ref

router = Router(tags=["Quy trình"])


class CaseItem(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str
    member_id: int | None
    organization: Ref
    step: str
    step_label: str
    acting_body: str
    acting_body_label: str
    acting_organization: Ref | None
    actor: str
    due_date: dt.date | None
    overdue_days: int
    url: str


class CasePageOut(Schema):
    items: list[CaseItem]
    next_cursor: str | None


class CaseQuery(Schema):
    org: int | None = Field(None, ge=1, le=2**63 - 1, description="Tổ chức đảng (cả cây con)")
    kind: CaseKind | None = Field(None, description="Loại việc")
    overdue: bool = Field(False, description="Chỉ việc quá hạn")
    acting_body: Body | None = Field(None, description="Chỉ việc do cơ quan này thực hiện")
    mine: bool = Field(False, description="Chỉ việc tài khoản này phải thực hiện")
    cursor: str | None = Field(None, max_length=40)


ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/cases", response={200: CasePageOut, **ERRORS}, summary="Việc cần làm")
def cases(request, query: Query[CaseQuery]):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, query.org) if query.org else None
    today = dt.date.today()
    flt = CaseFilter(
        organization=org,
        kind=query.kind or "",
        overdue_only=query.overdue,
        today=today,
        acting_body=query.acting_body or "",
        mine=query.mine,
    )
    page = open_cases_page(scope, flt, query.cursor)
    return {
        "items": [
            {
                "id": c.pk,
                "kind": c.kind,
                "kind_label": c.kind_label,
                "subject": c.subject,
                "member_id": c.member_id,
                "organization": {"id": c.organization_id, "name": c.organization_name},
                "step": c.step,
                "acting_body": c.acting_body,
                "acting_body_label": str(Body(c.acting_body).label) if c.acting_body else "",
                "acting_organization": (
                    {"id": c.acting_organization_id, "name": c.acting_organization_name}
                    if c.acting_organization_id
                    else None
                ),
                "due_date": c.due_date,
                "overdue_days": max(0, (today - c.due_date).days) if c.due_date else 0,
                **case_display(c),
            }
            for c in page.items
        ],
        "next_cursor": page.next_cursor,
    }
