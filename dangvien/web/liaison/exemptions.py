"""Exemption pages (/mien-sinh-hoat/): the list of an organisation, the
application, and the file with a form for each step the workflow table
(`liaison.workflows.EXEMPTION`) opens to the caller."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dangvien.core.errors import DomainError
from dangvien.liaison import selectors, services
from dangvien.liaison.models import Exemption
from dangvien.liaison.workflows import EXEMPTION
from dangvien.web.common import apply_errors, request_scope

from . import forms as f
from .steps import (
    Builders,
    document_url,
    make,
    member_for_create,
    offered,
    org_from_query,
    roots,
    step_page,
)


@login_required
def exemption_list(request: HttpRequest) -> HttpResponse:
    """The exemptions of an organisation's subtree: open ones, overdue returns, closed."""
    org = org_from_query(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "exemption_list"}
        )
    return render(
        request,
        "liaison/exemption_list.html",
        {
            "org": org,
            "lists": selectors.exemption_lists(org),
            "pick": selectors.members_to_pick(request_scope(request), org),
            "create_url": "exemption_create",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exemption_create(request: HttpRequest) -> HttpResponse:
    """The application form for a member of a cell the caller acts for."""
    member = member_for_create(request)
    form = f.ExemptionApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exemption = services.exemption_apply(
                actor=request.user,
                member=member,
                kind=data["kind"],
                ground=data["ground"],
                applied_on=data["applied_on"],
                start=data["start"],
                end=data["end"],
                treatment_months=data["treatment_months"],
                reason=data["reason"],
                inability=data["inability"],
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã ghi đơn xin miễn, giảm sinh hoạt.")
            return redirect("exemption_detail", pk=exemption.pk)
    return render(
        request, "liaison/create.html", {"form": form, "member": member, "back": "exemption"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def exemption_detail(request: HttpRequest, pk) -> HttpResponse:
    """The file, with a form for each step the table opens to the caller."""
    exemption = selectors.exemption_get_for(request_scope(request), pk)
    steps = offered(EXEMPTION, exemption, request, _builders(request, exemption))
    forms_by_step, done = step_page(request, steps, "Đã ghi bước của hồ sơ miễn, giảm.")
    if done:
        return done
    context = {
        "exemption": exemption,
        "member": exemption.member,
        "forms": forms_by_step,
        "can_act": bool(forms_by_step),
        "overdue": selectors.exemption_overdue(exemption),
        "document_url": document_url(exemption.resolution_document_id),
    }
    return render(request, "liaison/exemption_detail.html", context)


def _builders(request: HttpRequest, exemption: Exemption) -> Builders:
    """The form and service of each step code of the table."""
    actor = request.user

    def apply_return():
        return make(f.ExemptionApplyReturnForm), lambda d: services.exemption_apply_return(
            actor=actor, exemption=exemption, applied_on=d["return_applied_on"]
        )

    return {
        "decide": lambda: (
            make(f.ExemptionDecideForm),
            lambda d: services.exemption_decide(
                actor=actor,
                exemption=exemption,
                decided_on=d["decided_on"],
                resolution_number=d["resolution_number"],
            ),
        ),
        "refuse": lambda: (
            make(f.ExemptionRefuseForm),
            lambda d: services.exemption_refuse(
                actor=actor,
                exemption=exemption,
                decided_on=d["decided_on"],
                refusal_reason=d["refusal_reason"],
            ),
        ),
        "report": lambda: (
            make(f.ExemptionReportForm),
            lambda d: services.exemption_report(
                actor=actor,
                exemption=exemption,
                reported_on=d["reported_on"],
                reported_to=d["reported_to"],
            ),
        ),
        "apply_return": apply_return,
        "request_return": apply_return,
        "return": lambda: (
            make(f.ExemptionReturnForm),
            lambda d: services.exemption_return(
                actor=actor,
                exemption=exemption,
                returned_on=d["returned_on"],
                resolution_number=d["return_resolution_number"],
            ),
        ),
    }
