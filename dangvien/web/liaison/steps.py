"""What the liaison pages share: the forms of the steps the workflow table
opens to the caller (`Workflow.open_steps`), running the posted one, and the
organisation or member a page is about. Who may act is decided by the table
and the services, never here."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from dangvien.accounts.scope import Scope
from dangvien.compliance.workflow import actor_may_act_at
from dangvien.core.errors import NotFound
from dangvien.documents import selectors as document_selectors
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member
from dangvien.web.common import request_scope
from dangvien.web.steps import (
    Builders,
    StepCall,
    make,
    offered,
    org_from_query,
    roots,
    run_posted,
    step_page,
)

# The shared step machinery (web/steps.py), re-exported for the liaison pages.
__all__ = [
    "Builders",
    "StepCall",
    "document_url",
    "make",
    "member_for_create",
    "offered",
    "org_from_query",
    "roots",
    "run_posted",
    "step_page",
]


def member_for_create(request: HttpRequest) -> Member:
    """?member=<id>: a member in the scope whose cell the caller acts for (a
    writing role there or above); NotFound otherwise."""
    member = member_selectors.member_get_for(request_scope(request), request.GET.get("member"))
    if not actor_may_act_at(request.user, member.organization):
        raise NotFound
    return member


def document_url(document_id: int | None, scope: Scope | None = None) -> str | None:
    """The download link of a paper, or None when there is none or when `scope`
    (the caller's) does not reach it: a page never offers a link that answers 404."""
    if not document_id:
        return None
    if scope is not None:
        try:
            document_selectors.document_get_for(scope, document_id)
        except Http404:
            return None
    try:
        return reverse("document_download", args=[document_id])
    except NoReverseMatch:
        return None
