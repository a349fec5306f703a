"""Pages of the yearly review and grading (/danh-gia/): the committee's
campaign page (open a campaign, progress per cell, decisions, the shares
table and its Excel file), the cell's proposal page (members, self-reviews,
attachments, the proposal form), a member's review with the self-review form
(the member's own page: /danh-gia/cua-toi/), the decision page (decide,
announce) and an organisation's grading (form 01). The forms offered are the
steps the table (`grading.workflow.GRADING`) opens to the caller."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.compliance.workflow import actor_may_act_at
from dangvien.core.errors import DomainError, NotFound
from dangvien.grading import papers, rules, selectors, services
from dangvien.grading.models import CellProposal, MemberReview, ReviewStatus
from dangvien.grading.services import GradeEntry
from dangvien.grading.workflow import GRADING
from dangvien.organizations.models import Level
from dangvien.web.common import apply_errors, request_scope
from dangvien.web.liaison.steps import document_url
from dangvien.web.steps import Builders, make, offered, org_from_query, roots, step_page

from . import forms as f


def _year(request: HttpRequest) -> int:
    """?nam=yyyy; by default the year under review (last year until October)."""
    today = dt.date.today()
    default = today.year if today.month >= 10 else today.year - 1
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return default
    return year if 2018 <= year <= 2100 else default


def _results(org, year: int) -> dict:
    rows, total = selectors.results_table(org, year)
    return {
        "rows": rows,
        "total": total,
        "grades": [(g, rules.GRADE_SHORT[g]) for g in rules.GRADES],
        "org_results": selectors.organization_results(org, year),
    }


@login_required
@require_http_methods(["GET", "POST"])
def grading_home(request: HttpRequest) -> HttpResponse:
    """The campaign of the year covering the chosen organisation (the cell's
    proposal for a cell), or the form to open one."""
    org = org_from_query(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "grading"}
        )
    scope = request_scope(request)
    year = _year(request)
    campaign = selectors.campaign_for(scope, org, year)
    if campaign is not None and request.method == "GET":
        if org.level in (Level.CELL, Level.GRASSROOTS_CELL):
            proposal = CellProposal.objects.filter(campaign=campaign, cell=org).first()
            if proposal is not None:
                return redirect("grading_proposal", pk=proposal.pk)
        return redirect("grading_campaign", pk=campaign.pk)
    may_open = (
        campaign is None
        and org.level not in (Level.CELL, Level.PARTY_GROUP)
        and actor_may_act_at(request.user, org)
    )
    form = f.CampaignOpenForm(initial={"year": year}) if may_open else None
    if request.method == "POST":
        if not may_open:
            raise NotFound
        form = f.CampaignOpenForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                opened = services.campaign_open(
                    actor=request.user,
                    organization=org,
                    year=d["year"],
                    opened_on=d["opened_on"],
                    review_on=d["review_on"],
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Đã mở đợt đánh giá, xếp loại năm {opened.year}.")
                return redirect("grading_campaign", pk=opened.pk)
    return render(
        request,
        "grading/home.html",
        {
            "org": org,
            "year": year,
            "years": range(dt.date.today().year, dt.date.today().year - 6, -1),
            "form": form,
            "ruleset": rules.RULESET_LABELS[rules.ruleset(year)],
            **_results(org, year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grading_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign for a committee: progress per cell, the decisions, the shares."""
    scope = request_scope(request)
    campaign = selectors.campaign_get_for(scope, pk)
    part = selectors.visible_part(scope, campaign)
    org = part or campaign.organization
    may_close = campaign.status == "open" and actor_may_act_at(request.user, campaign.organization)
    form = f.CampaignCloseForm() if may_close else None
    if request.method == "POST":
        if not may_close:
            raise NotFound
        form = f.CampaignCloseForm(request.POST)
        if form.is_valid():
            try:
                services.campaign_close(
                    actor=request.user, campaign=campaign, on=form.cleaned_data["on"]
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Đã kết thúc đợt, tổng hợp kết quả.")
                return redirect(request.get_full_path())
    decisions = campaign.decisions.select_related("grassroots", "decided_by").order_by(
        "grassroots_path"
    )
    if part is not None:
        decisions = decisions.filter(grassroots_path__startswith=part.path) | decisions.filter(
            decided_by__path__startswith=part.path
        )
    return render(
        request,
        "grading/campaign.html",
        {
            "campaign": campaign,
            "org": org,
            "ruleset": rules.RULESET_LABELS.get(campaign.ruleset, campaign.ruleset),
            "progress": selectors.campaign_progress(campaign, part),
            "decisions": decisions.distinct(),
            "form": form,
            "year": campaign.year,
            **_results(org, campaign.year),
        },
    )


@login_required
@require_GET
def grading_results_xlsx(request: HttpRequest) -> HttpResponse:
    """The results table of ?org= for ?nam= as an Excel file."""
    org = org_from_query(request)
    if org is None:
        raise NotFound
    year = _year(request)
    rows, total = selectors.results_table(org, year)
    response = HttpResponse(
        papers.results_workbook(org, year, rows, total),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="xep-loai-{year}-{org.code}.xlsx"'
    return response


def _line(data: dict, pk: int) -> GradeEntry:
    return GradeEntry(
        grade=data.get(f"grade_{pk}") or "",
        score=data.get(f"score_{pk}"),
        exceeded_percent=data.get(f"exceeded_{pk}"),
        not_graded=data.get(f"excluded_{pk}") or "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def grading_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """The cell's page: members, their self-reviews, the attachments read from
    the other areas, and the proposal form."""
    scope = request_scope(request)
    proposal = selectors.proposal_get_for(scope, pk)
    campaign = proposal.campaign
    reviews = list(
        MemberReview.objects.filter(campaign=campaign, cell=proposal.cell)
        .select_related("member", "cell", "campaign")
        .order_by("member__sort_key", "pk")
    )
    graded = [
        r for r in reviews if r.status != ReviewStatus.NOT_GRADED or r.not_graded == "suspended"
    ]
    builders: Builders = {
        "propose": lambda: (
            make(f.ProposalForm, reviews=graded),
            lambda d: services.proposal_submit(
                actor=request.user,
                proposal=proposal,
                entries={r.pk: _line(d, r.pk) for r in graded},
                proposed_on=d["proposed_on"],
                note=d["note"],
            ),
        )
    }
    forms_by_step, done = step_page(
        request, offered(GRADING, proposal, request, builders), "Đã gửi đề nghị xếp loại."
    )
    if done is not None:
        return done
    facts = (
        {r.member_id: r.attachments for r in reviews}
        if proposal.status != "open"
        else {
            k: v.as_json()
            for k, v in selectors.attachments_for(
                proposal.cell, campaign.year, [r.member_id for r in reviews], today=dt.date.today()
            ).items()
        }
    )
    return render(
        request,
        "grading/proposal.html",
        {
            "proposal": proposal,
            "campaign": campaign,
            "scored": rules.is_scored(campaign.year),
            "rows": [(r, facts.get(r.member_id) or {}) for r in reviews],
            "forms": forms_by_step,
            "document": document_url(proposal.document_id, scope),
        },
    )


def _stale_step(request: HttpRequest, review: MemberReview, steps: dict) -> str | None:
    """The message for a POST of a self-review step the review's state no
    longer allows (a page opened before the review moved on) when the caller
    may act on it; None when the step is offered. A caller who may not act
    gets the usual 404 from `step_page`."""
    if request.method != "POST":
        return None
    posted = request.POST.get("step", "")
    if posted not in services.SELF_REVIEW_STEPS or posted in steps:
        return None
    try:
        GRADING.require_acting(request_scope(request), review, posted)
    except DomainError:
        return None
    return services.stale_step_error(review, posted).message


def _review_page(request: HttpRequest, review: MemberReview) -> HttpResponse:
    """The review and the self-review step its state allows. The posted
    `step` names the step: a stale page (the review given or proposed
    meanwhile) is refused with a message (409), nothing written."""
    scope = request_scope(request)
    initial = {
        "form": review.form,
        "strengths": review.strengths,
        "shortcomings": review.shortcomings,
        "remedies": review.remedies,
        "self_score": review.self_score,
        "self_grade": review.self_grade,
        "on": review.self_reviewed_on or dt.date.today(),
    }

    def caller(code: str):
        def call(d: dict):
            return services.self_review_submit(
                actor=request.user,
                review=review,
                strengths=d["strengths"],
                shortcomings=d["shortcomings"],
                remedies=d["remedies"],
                self_grade=d["self_grade"],
                self_score=d["self_score"],
                form=d["form"],
                on=d["on"],
                step=code,
            )

        return call

    def builder(code: str):
        return lambda: (make(f.SelfReviewForm, initial=initial), caller(code))

    builders: Builders = {code: builder(code) for code in services.SELF_REVIEW_STEPS}
    steps = offered(GRADING, review, request, builders)
    stale = _stale_step(request, review, steps)
    status = 200
    if stale is not None:
        forms_by_step = {}
        for name, (form, _call) in steps.items():
            form.set_ids(name)
            forms_by_step[name] = form
        status = 409
    else:
        forms_by_step, done = step_page(request, steps, "Đã ghi bản tự kiểm điểm.")
        if done is not None:
            return done
    return render(
        request,
        "grading/review.html",
        {
            "review": review,
            "scored": rules.is_scored(review.year),
            "form_label": rules.FORM_LABELS.get(review.form, review.form),
            "forms": forms_by_step,
            "document": document_url(review.self_review_document_id, scope),
            "mine": scope.member_id == review.member_id,
            "stale": stale,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grading_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's review: the self-review form for the member or the cell."""
    return _review_page(request, selectors.review_get_for(request_scope(request), pk))


@login_required
@require_http_methods(["GET", "POST"])
def grading_mine(request: HttpRequest) -> HttpResponse:
    """The member's own self-review of the latest campaign (?nam= for another)."""
    scope = request_scope(request)
    if not scope.member_id:
        raise NotFound
    year = request.GET.get("nam")
    review = selectors.my_review(scope.member_id, int(year) if year and year.isdigit() else None)
    if review is None:
        return render(request, "grading/mine_none.html", {})
    return _review_page(request, review)


@login_required
@require_http_methods(["GET", "POST"])
def grading_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The competent committee's decision on a grassroots organisation's grades."""
    scope = request_scope(request)
    decision = selectors.decision_get_for(scope, pk)
    builders: Builders = {
        "decide": lambda: (
            make(f.DecideForm),
            lambda d: services.decision_decide(
                actor=request.user,
                decision=decision,
                decided_on=d["decided_on"],
                override_reason=d["override_reason"],
            ),
        ),
        "announce": lambda: (
            make(f.AnnounceForm),
            lambda d: services.decision_announce(
                actor=request.user, decision=decision, announced_on=d["announced_on"]
            ),
        ),
    }
    forms_by_step, done = step_page(
        request, offered(GRADING, decision, request, builders), "Đã ghi."
    )
    if done is not None:
        return done
    reviews = (
        MemberReview.objects.filter(campaign=decision.campaign, grassroots=decision.grassroots)
        .select_related("member", "cell")
        .order_by("cell_path", "member__sort_key")
    )
    counts = {
        g: reviews.filter(proposed_grade=g).exclude(status="not_graded").count()
        for g in rules.GRADES
    }
    return render(
        request,
        "grading/decision.html",
        {
            "decision": decision,
            "reviews": reviews,
            "counts": [(rules.GRADE_LABELS[g], counts[g]) for g in rules.GRADES],
            "cap": rules.excellent_cap(counts[rules.Grade.GOOD], decision.campaign.year),
            "cap_percent": rules.EXCELLENT_CAP_PERCENT.on(rules.review_day(decision.campaign.year)),
            "forms": forms_by_step,
            "proposals": decision.campaign.proposals.filter(grassroots=decision.grassroots)
            .select_related("cell")
            .order_by("cell_path"),
            "document": document_url(decision.document_id, scope),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grading_organization(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's grading: its form 01, the superior's grade."""
    grading = selectors.org_grading_get_for(request_scope(request), pk)
    builders: Builders = {
        "org_self": lambda: (
            make(f.OrgSelfForm),
            lambda d: services.organization_self_grade(
                actor=request.user,
                grading=grading,
                report=d["report"],
                self_grade=d["self_grade"],
                self_score=d["self_score"],
                on=d["on"],
                tasks=d["tasks"],
                tasks_done=d["tasks_done"],
                tasks_on_time=d["tasks_on_time"],
                tasks_exceeded=d["tasks_exceeded"],
                shortcomings=d["shortcomings"] or 0,
                shortcomings_fixed=d["shortcomings_fixed"] or 0,
                subordinate_disciplined=d["subordinate_disciplined"],
            ),
        ),
        "org_decide": lambda: (
            make(f.OrgDecideForm),
            lambda d: services.organization_decide(
                actor=request.user,
                grading=grading,
                grade=d["grade"],
                score=d["score"],
                note=d["note"],
                on=d["on"],
            ),
        ),
    }
    forms_by_step, done = step_page(
        request, offered(GRADING, grading, request, builders), "Đã ghi."
    )
    if done is not None:
        return done
    return render(
        request,
        "grading/organization.html",
        {
            "grading": grading,
            "forms": forms_by_step,
            "scored": rules.is_scored(grading.year),
            "conditions": rules.COLLECTIVE_CONDITIONS.on(rules.review_day(grading.year)),
        },
    )
