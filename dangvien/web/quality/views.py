"""Pages of the data-quality console (/chat-luong-du-lieu/): the counts of each
check over an organisation's subtree, per organisation one level down, with the
trend of the daily counts; a page per check listing its members (200 a page)
with who must fix each. The organisation comes through the scope (?org=, 404
outside); a member without a staff role does not reach it (404)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dangvien.core.errors import DomainError, NotFound
from dangvien.quality import selectors, services
from dangvien.quality.checks import GROUPS
from dangvien.web.common import request_scope
from dangvien.web.steps import org_from_query, roots


def _today() -> dt.date:
    return dt.date.today()


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100


def _org(request: HttpRequest):
    """The organisation of the page (?org=, or the caller's single root); a
    caller with no staff role reaches nothing (404)."""
    scope = request_scope(request)
    if not scope.everything and not scope.paths:
        raise NotFound
    return org_from_query(request)


@login_required
@require_GET
def quality_console(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "quality"}
        )
    scope = request_scope(request)
    services.quality_summary_ensure(org, _today())
    console = selectors.quality_console(scope, org, _today())
    trend = selectors.quality_trend(scope, org)
    groups = [
        (label, [x for x in console.counts if x.check.group == key])
        for key, label in GROUPS.items()
    ]
    rows = [
        {
            "organization": child,
            "members": console.members_by_child.get(child.pk, 0),
            "coverage": _pct(console.coverage_by_child.get(child.pk)),
            # (the check's label, the count): labelled cells on a phone.
            "counts": [(x.check.label, x.by_child.get(child.pk, 0)) for x in console.counts],
        }
        for child in console.children
    ]
    return render(
        request,
        "quality/console.html",
        {
            "org": org,
            # The way up only where the caller reaches it (else a link to a 404).
            "up": org.parent if org.parent and scope.reaches_path(org.parent.path) else None,
            "console": console,
            "groups": groups,
            "rows": rows,
            "trend": trend,
            "trend_rows": [
                (x.check, [trend.counts.get(x.check.code, {}).get(d) for d in trend.dates])
                for x in console.counts
            ],
            "coverage_pct": _pct(console.coverage),
            "trend_members": [trend.members.get(d) for d in trend.dates],
            "hidden_sensitive": not selectors.sees_sensitive(scope, org),
            "refresh_minutes": services.summary_minutes(),
        },
    )


@login_required
@require_POST
def quality_refresh(request: HttpRequest) -> HttpResponse:
    """«Tính lại ngay»: recount the subtree of the console's organisation now
    (the figures otherwise come from the queue's refresh)."""
    org = _org(request)
    if org is None:
        raise NotFound
    done = services.quality_summary_refresh(root=org, today=_today())
    messages.success(request, f"Đã tính lại số liệu của {done.organizations} tổ chức đảng.")
    return redirect(f"{reverse('quality')}?org={org.pk}")


@login_required
@require_GET
def quality_check(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "quality"}
        )
    try:
        page = int(request.GET.get("trang", "1"))
    except ValueError:
        page = 1
    scope = request_scope(request)
    check = selectors.check_get_for(scope, org, code)
    page_error = ""
    try:
        result = selectors.check_rows_page(scope, org, check.code, _today(), page)
    except NotFound:
        raise
    except DomainError as exc:  # a page past the end: the first page, with the message
        page_error = exc.message
        result = selectors.check_rows_page(scope, org, check.code, _today(), 1)
    children = [(child, result.by_child.get(child.pk, 0)) for child in result.children]
    return render(
        request,
        "quality/check.html",
        {
            "org": org,
            "check": check,
            "result": result,
            "children": children,
            "page_error": page_error,
        },
    )
