"""The home page. The other pages live in their area's package
(`web/members`, `web/organizations`, `web/security`, `web/admissions`, ...);
shared plumbing is in `web/common.py`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dangvien.organizations import selectors as org_selectors
from dangvien.web.common import request_scope


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the caller's subtree; a member's own record; or the list of roots."""
    scope = request_scope(request)
    roots = org_selectors.organization_roots_for(scope)
    if not roots and scope.member_id:
        return redirect("member_detail", pk=scope.member_id)
    if len(roots) == 1:  # the staff's landing page: its subtree's dashboard
        return redirect(f"{reverse('dashboard')}?org={roots[0].pk}")
    return render(request, "organizations/roots.html", {"roots": roots})
