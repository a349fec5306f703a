"""The secretary's list of open cases: every workflow step waiting for someone
in the caller's subtree, with who must act and the due date."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dangvien.compliance.models import CaseKind
from dangvien.compliance.selectors import CaseFilter, open_cases_page
from dangvien.compliance.workflow import Body
from dangvien.web.common import request_scope
from dangvien.web.movements.views import _org_or_root

from .registry import case_display


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_or_root(request)
    today = dt.date.today()
    kind = request.GET.get("loai", "")
    body = request.GET.get("co_quan", "")
    flt = CaseFilter(
        organization=org,
        kind=kind if kind in CaseKind.values else "",
        overdue_only=request.GET.get("qua_han") == "1",
        today=today,
        acting_body=body if body in Body.values else "",
        mine=request.GET.get("cua_toi") == "1",
    )
    page = open_cases_page(scope, flt, request.GET.get("sau"))
    params = request.GET.copy()
    params.pop("sau", None)
    next_url = None
    if page.next_cursor:
        params["sau"] = page.next_cursor
        next_url = f"{reverse('case_list')}?{params.urlencode()}"
    rows = [
        (
            case,
            case_display(case),
            (today - case.due_date).days if case.due_date and case.due_date < today else 0,
        )
        for case in page.items
    ]
    context = {
        "org": org,
        "flt": flt,
        "rows": rows,
        "kinds": CaseKind.choices,
        "bodies": Body.choices,
        "next_url": next_url,
        "today": today,
    }
    return render(request, "cases/list.html", context)
