"""What the liaison pages share: the forms of the steps the workflow table
opens to the caller (`Workflow.open_steps`), running the posted one, and the
organisation or member a page is about. Who may act is decided by the table
and the services, never here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from dangvien.accounts.scope import Scope
from dangvien.compliance.workflow import Workflow, actor_may_act_at
from dangvien.core.errors import DomainError, NotFound
from dangvien.documents import selectors as document_selectors
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import Organization
from dangvien.web.common import apply_errors, request_scope

from . import forms as f

# A step's form and the service call it makes with the cleaned data.
StepCall = tuple[f.StepForm, Callable[[dict], object]]
# How to build it, by step code (built only for the steps offered).
Builders = dict[str, Callable[[], StepCall]]


def make(form_class: type[f.StepForm], **kwargs: Any) -> f.StepForm:
    """A step form that remembers its constructor arguments (to rebind the POST)."""
    form = form_class(**kwargs)
    form._init_kwargs = kwargs
    return form


def offered(wf: Workflow, obj, request: HttpRequest, builders: Builders) -> dict[str, StepCall]:
    """The steps of `obj` the caller may take now, in table order, that this page
    has a form for."""
    return {
        s.code: builders[s.code]() for s in wf.open_steps(obj, request.user) if s.code in builders
    }


def run_posted(
    request: HttpRequest, steps: dict[str, StepCall]
) -> tuple[dict[str, f.StepForm], object | None]:
    """The forms for the template (the posted one bound to the POST, with its
    errors) and the result of the posted step's service when it was saved.

    A POST of a step that is not offered answers 404 and writes nothing."""
    forms_by_step: dict[str, f.StepForm] = {}
    for name, (form, _call) in steps.items():
        form.set_ids(name)
        forms_by_step[name] = form
    if request.method != "POST":
        return forms_by_step, None
    name = request.POST.get("step", "")
    if name not in steps:
        raise NotFound  # no such step now, or the caller may not take it
    form, call = steps[name]
    bound = type(form)(request.POST, **getattr(form, "_init_kwargs", {}))
    bound.set_ids(name)
    forms_by_step[name] = bound
    if bound.is_valid():
        try:
            return forms_by_step, call(bound.cleaned_data)
        except DomainError as exc:
            apply_errors(bound, exc)
    return forms_by_step, None


def step_page(
    request: HttpRequest, steps: dict[str, StepCall], success: str
) -> tuple[dict[str, f.StepForm], HttpResponse | None]:
    """Like run_posted, answering a redirect to the same page once a step is saved."""
    forms_by_step, done = run_posted(request, steps)
    if done is not None:
        messages.success(request, success)
        return forms_by_step, redirect(request.get_full_path())
    return forms_by_step, None


def org_from_query(request: HttpRequest) -> Organization | None:
    """?org=<id> inside the scope (NotFound outside), or the caller's single root;
    None when the caller must choose among several."""
    scope = request_scope(request)
    org_id = request.GET.get("org")
    if org_id:
        return org_selectors.organization_get_for(scope, org_id)
    roots = org_selectors.organization_roots_for(scope)
    if len(roots) == 1:
        return roots[0]
    if not roots:
        raise NotFound
    return None


def roots(request: HttpRequest) -> Iterable[Organization]:
    return org_selectors.organization_roots_for(request_scope(request))


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
