"""Organisation pages (Vietnamese): an organisation, its state on a day, its
history as CSV. Each view reads through the caller's scope (404 outside it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangvien.accounts.services import may_administer
from dangvien.members import selectors as member_selectors
from dangvien.members.timeline import organization_timeline
from dangvien.organizations import selectors as org_selectors
from dangvien.web.common import request_scope
from dangvien.web.members.exports import audit_csv, day_from_query, entry_rows


@login_required
def organization_detail(request: HttpRequest, pk) -> HttpResponse:
    """An organisation: its facts, children, events, and its state on a day (`?ngay=`)."""
    scope = request_scope(request)
    org = org_selectors.organization_get_for(scope, pk)
    ancestors = [a for a in org_selectors.organization_ancestors(org) if scope.reaches_path(a.path)]
    day, day_error = day_from_query(request.GET.get("ngay"))
    context = {
        "org": org,
        "ancestors": ancestors,
        "children": org_selectors.organization_children_with_counts(
            org, include_dissolved=request.GET.get("giai_the") == "1"
        ),
        "member_count": member_selectors.members_count(
            scope, member_selectors.MemberFilter(organization=org)
        ),
        "events": org.events.order_by("-date", "-id")[:20],
        "can_administer": may_administer(request.user, org),
        "state_day": day,
        "day_error": day_error,
        "state": org_selectors.organization_state_on(org, day) if day else None,
        "members_on_day": member_selectors.members_of_organization_on(org, day).count()
        if day
        else None,
    }
    return render(request, "organizations/detail.html", context)


@login_required
@require_GET
def organization_audit_csv(request: HttpRequest, pk) -> HttpResponse:
    """An organisation's dated events and the edits of its record, as CSV."""
    org = org_selectors.organization_get_for(request_scope(request), pk)
    rows = [
        [
            event.date.strftime("%d/%m/%Y"),
            event.created_by.get_username() if event.created_by else "hệ thống",
            f"Sự kiện: {event.get_kind_display()}"
            + (f" (QĐ {event.decision_number})" if event.decision_number else ""),
            "",
            ", ".join(f"{k}: {v}" for k, v in event.before.items()),
            ", ".join(f"{k}: {v}" for k, v in event.after.items()),
        ]
        for event in org.events.select_related("created_by").order_by("date", "id")
    ]
    rows += list(entry_rows(organization_timeline(org)))
    return audit_csv(f"lich-su-to-chuc-{org.pk}.csv", rows)
