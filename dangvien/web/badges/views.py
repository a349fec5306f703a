"""Party badge pages (/huy-hieu-dang/): the committee's page for an award date
(the candidates by milestone, proposing, the list sent, decisions and awards
with their numbers), the list as Excel, and the member's badges on their
record. Rules live in badges.services; 404 outside the scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.badges import papers, rules, selectors, services
from dangvien.badges.workflow import BADGE, province_of
from dangvien.compliance.workflow import actor_may_act_at
from dangvien.core.errors import DomainError, NotFound
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member
from dangvien.organizations.models import Organization
from dangvien.web.common import apply_errors, parse_date, request_scope
from dangvien.web.steps import StepForm, org_from_query, roots

from . import forms as f

AWARD_FORMS: dict[str, type[StepForm]] = {
    "decide": f.DecideForm,
    "refuse": f.RefuseForm,
    "award": f.AwardForm,
    "return": f.ReturnForm,
    "cancel": f.CancelForm,
}
AWARD_CALLS = {
    "decide": services.badge_decide,
    "refuse": services.badge_refuse,
    "award": services.badge_record_award,
    "return": services.badge_return,
    "cancel": services.badge_cancel,
}


def _award_date(request: HttpRequest) -> dt.date:
    """?dot=dd/mm/yyyy (an award date), else the next award date."""
    raw = request.GET.get("dot")
    if raw:
        day = parse_date(raw)
        if day is None or not rules.is_award_date(day):
            raise NotFound
        return day
    return rules.next_award_date(dt.date.today())


def _propose(request: HttpRequest, form_class, member_scope) -> tuple[StepForm, bool]:
    form = form_class(request.POST)
    form.set_ids(request.POST.get("step", "propose"))
    if not form.is_valid():
        return form, False
    d = form.cleaned_data
    try:
        member = member_selectors.member_get_for(member_scope, d["member"])
        services.badge_propose(
            actor=request.user,
            member=member,
            milestone=d["milestone"],
            award_date=_award_date(request),
            ground=d["ground"],
            ground_note=d["ground_note"],
        )
    except NotFound:
        form.add_error("member", "Không tìm thấy đảng viên trong phạm vi của đồng chí.")
        return form, False
    except DomainError as exc:
        apply_errors(form, exc)
        return form, False
    return form, True


@login_required
@require_http_methods(["GET", "POST"])
def badges_home(request: HttpRequest) -> HttpResponse:
    """The committee's page for an award date (?org=, ?dot=)."""
    org = org_from_query(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "badges"}
        )
    award = _award_date(request)
    scope = request_scope(request)
    posted: dict[str, Any] = {}
    if request.method == "POST":
        # The shared form partial names itself in "form" (the list's sending).
        step = request.POST.get("step") or request.POST.get("form", "")
        done = False
        if step in ("propose", "early"):
            form_class = f.ProposeForm if step == "propose" else f.EarlyForm
            posted[step], done = _propose(request, form_class, scope)
        elif step == "submit":
            badge_round = selectors.round_get_for(scope, request.POST.get("round"))
            if not BADGE.may_take(badge_round, "submit", request.user):
                raise NotFound
            form: StepForm = f.SubmitForm(request.POST)
            form.set_ids("submit")
            posted["submit"] = form
            if form.is_valid():
                try:
                    services.badge_round_submit(
                        actor=request.user,
                        badge_round=badge_round,
                        submitted_on=form.cleaned_data["submitted_on"],
                    )
                    done = True
                except DomainError as exc:
                    apply_errors(form, exc)
        elif step in AWARD_FORMS:
            award_obj = selectors.award_get_for(scope, request.POST.get("award"))
            if not BADGE.may_take(award_obj, step, request.user):
                raise NotFound
            form = AWARD_FORMS[step](request.POST)
            form.set_ids(f"{step}_{award_obj.pk}")
            posted[f"{step}_{award_obj.pk}"] = form
            if form.is_valid():
                try:
                    call: Any = AWARD_CALLS[step]
                    call(actor=request.user, award=award_obj, **form.cleaned_data)
                    done = True
                except DomainError as exc:
                    apply_errors(form, exc)
        else:
            raise NotFound
        if done:
            messages.success(request, "Đã ghi.")
            return redirect(request.get_full_path())
    today = dt.date.today()
    candidates = selectors.candidates_for(org, award)
    overdue = selectors.overdue_for(org, award)
    awards = list(selectors.awards_of_date(org, award))
    rounds = list(
        selectors.rounds_visible_to(scope)
        .filter(organization__path__startswith=org.path, award_date=award)
        .select_related("organization")
    )
    proposes = actor_may_act_at(request.user, org)
    award_rows = []
    for a in awards:
        steps = []
        for s in BADGE.open_steps(a, request.user):
            key = f"{s.code}_{a.pk}"
            step_form = posted.get(key) or AWARD_FORMS[s.code](initial=_initial(s.code, today))
            if key not in posted:
                step_form.set_ids(key)
            steps.append((s.code, step_form))
        award_rows.append((a, steps))
    round_rows = []
    for r in rounds:
        submit_form: StepForm | None = None
        if BADGE.may_take(r, "submit", request.user):
            submit_form = posted.get("submit") or f.SubmitForm(initial={"submitted_on": today})
        round_rows.append((r, submit_form, rules.proposal_due(r.award_date)))
    early = posted.get("early") or (f.EarlyForm() if proposes else None)
    return render(
        request,
        "badges/home.html",
        {
            "org": org,
            "award": award,
            "previous": rules.previous_award_date(award),
            "following": rules.next_award_date(award + dt.timedelta(days=1)),
            "window": rules.list_window(award),
            "due": rules.proposal_due(award),
            "groups": selectors.candidates_by_milestone(candidates),
            "candidate_count": len(candidates),
            "overdue": overdue,
            "overdue_from": rules.overdue_window(award)[0],
            "proposes": proposes,
            "propose_form": posted.get("propose"),
            "early_form": early,
            "award_rows": award_rows,
            "round_rows": round_rows,
            "decider": province_of(org),
        },
    )


def _initial(code: str, today: dt.date) -> dict:
    field = {"decide": "decided_on", "refuse": "decided_on", "award": "awarded_on"}.get(code)
    if code == "return":
        field = "returned_on"
    return {field: today} if field else {}


@login_required
@require_GET
def badges_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The candidates list of an award date as Excel (?org=, ?dot=)."""
    org = org_from_query(request)
    if org is None:
        raise NotFound
    award = _award_date(request)
    candidates = selectors.candidates_for(org, award)
    ids = [c.member_id for c in candidates]
    births = dict(Member.objects.filter(pk__in=ids).values_list("pk", "birth_date"))
    org_ids = {c.organization_id for c in candidates}
    names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    content = papers.list_workbook(org, award, candidates, names, births)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="huy-hieu-dang-{org.code}-{award:%Y%m%d}.xlsx"'
    )
    return response


@login_required
@require_GET
def member_badges(request: HttpRequest, pk: Any) -> HttpResponse:
    """The member's badges on their record: proposed, decided, awarded (number),
    returned; the party age read for the next milestone."""
    member = member_selectors.member_get_for(request_scope(request), pk)
    today = dt.date.today()
    basis = selectors.member_basis(member, today) if member.is_active else None
    next_milestone = None
    if basis is not None:
        for years in rules.MILESTONES.on(today):
            reached = basis.reached_on(years)
            if reached > today:
                next_milestone = (years, reached)
                break
    return render(
        request,
        "badges/member.html",
        {
            "member": member,
            "badges": selectors.member_badges(member),
            "basis": basis,
            "next_milestone": next_milestone,
        },
    )


def _case_pk(pk: Any) -> int:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise NotFound from None
    if not 0 < number < 2**63:
        raise NotFound
    return number


@login_required
@require_GET
def badge_round(request: HttpRequest, pk: Any) -> HttpResponse:
    """A proposal list's open case leads here: the committee's badge page for
    that award date. 404 outside the caller's scope."""
    from dangvien.badges.models import BadgeRound

    found = BadgeRound.objects.select_related("organization").filter(pk=_case_pk(pk)).first()
    if found is None or not request_scope(request).reaches_path(found.organization.path):
        raise NotFound
    return redirect(f"/huy-hieu-dang/?org={found.organization_id}&dot={found.award_date:%d/%m/%Y}")


@login_required
@require_GET
def badge_award(request: HttpRequest, pk: Any) -> HttpResponse:
    """A badge's open case leads here: the member's badges. 404 outside the scope."""
    from dangvien.badges.models import BadgeAward

    found = BadgeAward.objects.select_related("member").filter(pk=_case_pk(pk)).first()
    if found is None or not request_scope(request).reaches_path(found.member.org_path):
        raise NotFound
    return redirect("member_badges", pk=found.member_id)
