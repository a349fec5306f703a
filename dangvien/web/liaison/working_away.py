"""Pages of members working away (/di-lam-an-xa/): the list with the "not
declared" and "silent" counts, the report, and the file with a form for each
step the workflow table (`liaison.workflows.WORKING_AWAY`) opens to the caller."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dangvien.core.errors import DomainError
from dangvien.liaison import rules, selectors, services
from dangvien.liaison.models import ExemptionKind, WorkingAway, WorkingAwayStatus
from dangvien.liaison.workflows import WORKING_AWAY
from dangvien.web.common import apply_errors, request_scope

from . import forms as f
from .steps import Builders, make, member_for_create, offered, org_from_query, roots, step_page


@login_required
def working_away_list(request: HttpRequest) -> HttpResponse:
    """Who is away under an organisation, who has not declared, who is silent."""
    org = org_from_query(request)
    if org is None:
        return render(
            request,
            "liaison/choose_org.html",
            {"roots": roots(request), "url": "working_away_list"},
        )
    return render(
        request,
        "liaison/working_away_list.html",
        {
            "org": org,
            "s": selectors.working_away_summary(org),
            "pick": selectors.members_to_pick(request_scope(request), org),
            "create_url": "working_away_create",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def working_away_create(request: HttpRequest) -> HttpResponse:
    """The member's report, for a member of a cell the caller acts for."""
    member = member_for_create(request)
    form = f.WorkingAwayReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            working_away = services.working_away_report(
                actor=request.user,
                member=member,
                reported_on=data["reported_on"],
                left_on=data["left_on"],
                expected_return=data["expected_return"],
                report_text=data["report_text"],
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã ghi đơn báo cáo đi làm ăn xa.")
            return redirect("working_away_detail", pk=working_away.pk)
    return render(
        request, "liaison/create.html", {"form": form, "member": member, "back": "working_away"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def working_away_detail(request: HttpRequest, pk) -> HttpResponse:
    """The file, with a form for each step the table opens to the caller."""
    working_away = selectors.working_away_get_for(request_scope(request), pk)
    steps = offered(WORKING_AWAY, working_away, request, _builders(request, working_away))
    forms_by_step, done = step_page(request, steps, "Đã ghi vào hồ sơ đi làm ăn xa.")
    if done:
        return done
    today = dt.date.today()
    last_news = services.working_away_last_news(working_away)
    context = {
        "wa": working_away,
        "member": working_away.member,
        "forms": forms_by_step,
        "can_act": bool(forms_by_step),
        "contacts": working_away.contacts.select_related("created_by")[:100],
        "reviews": working_away.year_reviews.all(),
        "exemptions": working_away.exemptions.all(),
        "last_news": last_news,
        "silent": working_away.status == WorkingAwayStatus.REVIEWED
        and rules.silent_since(last_news, today),
        "silent_months": rules.WORKING_AWAY_SILENT_MONTHS.on(today),
    }
    return render(request, "liaison/working_away_detail.html", context)


def _builders(request: HttpRequest, wa: WorkingAway) -> Builders:
    """The form and service of each step code of the table."""
    actor = request.user

    def destination():
        initial = {
            "dest_province": wa.dest_province_id,
            "dest_commune": wa.dest_commune_id,
            "dest_address": wa.dest_address,
            "employer": wa.employer,
            "host_kind": wa.host_kind,
            "host_name": wa.host_name,
            "host_contact_name": wa.host_contact_name,
            "host_contact_phone": wa.host_contact_phone,
        }
        return make(
            f.WorkingAwayDestinationForm, initial=initial
        ), lambda d: services.working_away_register_destination(
            actor=actor,
            working_away=wa,
            registered_on=d["registered_on"],
            province=d["dest_province"],
            commune=d["dest_commune"],
            address=d["dest_address"],
            employer=d["employer"],
            host_kind=d["host_kind"],
            host_name=d["host_name"],
            host_contact_name=d["host_contact_name"],
            host_contact_phone=d["host_contact_phone"],
        )

    return {
        "review": lambda: (
            make(f.WorkingAwayReviewForm),
            lambda d: services.working_away_review(
                actor=actor,
                working_away=wa,
                reviewed_on=d["reviewed_on"],
                committee_reported_on=d["committee_reported_on"],
                review_note=d["review_note"],
            ),
        ),
        "destination": destination,
        "destination_change": destination,
        "contact": lambda: (
            make(f.WorkingAwayContactForm),
            lambda d: services.working_away_contact_add(
                actor=actor,
                working_away=wa,
                date=d["date"],
                kind=d["kind"],
                note=d["note"],
                amount=d["amount"],
            ),
        ),
        "year_review": lambda: (
            make(f.WorkingAwayYearReviewForm),
            lambda d: services.working_away_year_review(
                actor=actor,
                working_away=wa,
                year=d["year"],
                received_on=d["received_on"],
                self_review=d["self_review"],
                host_comment=d["host_comment"],
                host_commenter=d["host_commenter"],
            ),
        ),
        "exemption": lambda: (
            make(f.WorkingAwayExemptionForm),
            lambda d: services.exemption_apply(
                actor=actor,
                member=wa.member,
                kind=ExemptionKind.TEMPORARY,
                ground=d["ground"],
                applied_on=d["applied_on"],
                start=d["start"],
                end=d["end"],
                reason=d["reason"],
                working_away=wa,
            ),
        ),
        "end": lambda: (
            make(f.WorkingAwayEndForm),
            lambda d: services.working_away_end(
                actor=actor, working_away=wa, ended_on=d["ended_on"], end_note=d["end_note"]
            ),
        ),
    }
