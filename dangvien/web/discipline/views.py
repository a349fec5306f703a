"""Pages of inspection and discipline (/kiem-tra/, /ky-luat/): the inspection
committee's list of plans and cases for an organisation (with the trips
abroad not reported and the lapsed disciplines), an inspection with its
conclusion and the violations it found, a discipline with the forms of the
steps the table (`discipline.workflow.DISCIPLINE`) opens to the caller, a
member's discipline record, a trip abroad (its report, or the violation of
not reporting it), and the discipline of a party organisation (proposal and
the "org_*" steps of the same table). Discipline is sensitive: a caller who may not see
it gets 404 (`discipline.selectors`)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dangvien.compliance.workflow import actor_may_act_at
from dangvien.core.errors import DomainError, NotFound
from dangvien.discipline import selectors, services
from dangvien.discipline.errors import DisciplineError
from dangvien.discipline.models import (
    DisciplineStatus,
    Inspection,
    InspectionStatus,
    OrgDiscipline,
    ViolationKind,
)
from dangvien.discipline.workflow import DISCIPLINE, INSPECTION
from dangvien.members import selectors as member_selectors
from dangvien.members.models import ACTIVE_STATUSES, Member, TripAbroad
from dangvien.organizations.models import Organization
from dangvien.web.common import apply_errors, request_scope
from dangvien.web.liaison.steps import document_url
from dangvien.web.steps import Builders, make, offered, org_from_query, roots, step_page

from . import forms as f


def _sees_sensitive_at(scope, org: Organization) -> bool:
    return scope.everything or any(org.path.startswith(p) for p in scope.sensitive_paths)


def _inspects(scope, org: Organization) -> bool:
    return scope.everything or any(org.path.startswith(p) for p in scope.inspection_paths)


def _may_record(request: HttpRequest, org: Organization) -> bool:
    return _inspects(request_scope(request), org) or actor_may_act_at(request.user, org)


@login_required
@require_http_methods(["GET", "POST"])
def inspections_home(request: HttpRequest) -> HttpResponse:
    """The inspection committee's list of plans and cases of an organisation's
    subtree, the trips abroad not reported and the lapsed disciplines."""
    org = org_from_query(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "inspections"}
        )
    scope = request_scope(request)
    if not _sees_sensitive_at(scope, org):
        raise NotFound
    today = dt.date.today()
    members = Member.objects.filter(
        org_path__startswith=org.path, status__in=ACTIVE_STATUSES
    ).order_by("sort_key")
    organizations = Organization.objects.filter(path__startswith=org.path).order_by("path")
    plan_form = (
        make(f.PlanForm, members=members, organizations=organizations)
        if _inspects(scope, org)
        else None
    )
    if request.method == "POST":
        if plan_form is None or request.POST.get("form") != "plan":
            raise NotFound
        plan_form = f.PlanForm(request.POST, members=members, organizations=organizations)
        if plan_form.is_valid():
            d = plan_form.cleaned_data
            try:
                inspection = services.inspection_plan(
                    actor=request.user,
                    organization=org,
                    kind=d["kind"],
                    content=d["content"],
                    period_start=d["period_start"],
                    period_end=d["period_end"],
                    member=d["member"],
                    target=d["target"],
                )
            except DomainError as exc:
                apply_errors(plan_form, exc)
            else:
                messages.success(request, "Đã ghi kế hoạch kiểm tra, giám sát.")
                return redirect("inspection_detail", pk=inspection.pk)
    inspections = selectors.inspections_visible_to(scope).filter(
        organization__path__startswith=org.path
    )
    disciplines = selectors.disciplines_visible_to(scope).filter(org_path__startswith=org.path)
    return render(
        request,
        "discipline/inspections.html",
        {
            "org": org,
            "planned": inspections.filter(status=InspectionStatus.PLANNED),
            "concluded": inspections.filter(status=InspectionStatus.CONCLUDED)[:100],
            "disciplines": [(d, selectors.standing_on(d, today)) for d in disciplines[:200]],
            "trips": selectors.trips_not_reported(scope, today).filter(
                member__org_path__startswith=org.path
            )[:200],
            "lapsed": [
                (d, day)
                for d, day in selectors.lapsed_disciplines(scope, today)
                if d.org_path.startswith(org.path)
            ],
            "org_disciplines": selectors.org_disciplines_visible_to(scope).filter(
                Q(org_path__startswith=org.path) | Q(authority_path__startswith=org.path)
            )[:200],
            "may_propose_org": _may_record(request, org),
            "form": plan_form,
            "name": "plan",
        },
    )


def _inspection_builders(request: HttpRequest, inspection: Inspection) -> Builders:
    def conclude():
        form = make(f.ConcludeForm, initial={"concluded_on": dt.date.today()})
        return form, lambda d: services.inspection_conclude(
            actor=request.user, inspection=inspection, **d
        )

    return {"conclude": conclude}


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk) -> HttpResponse:
    """An inspection: content, period, conclusion, violations found; the
    conclusion form for its inspection committee; the violation form."""
    scope = request_scope(request)
    inspection = selectors.inspection_get_for(scope, pk)
    member = inspection.member
    violation_form = None
    if member is not None and _may_record(request, member.organization):
        trips = TripAbroad.objects.filter(member=member).order_by("start")
        violation_form = make(f.ViolationForm, trips=trips)
        if request.method == "POST" and request.POST.get("form") == "violation":
            violation_form = f.ViolationForm(request.POST, trips=trips)
            if violation_form.is_valid():
                try:
                    services.violation_record(
                        actor=request.user,
                        member=member,
                        inspection=inspection,
                        **violation_form.cleaned_data,
                    )
                except DomainError as exc:
                    apply_errors(violation_form, exc)
                else:
                    messages.success(request, "Đã ghi vi phạm.")
                    return redirect(request.get_full_path())
    if (
        request.method == "POST"
        and request.POST.get("form") == "violation"
        and violation_form is None
    ):
        raise NotFound
    steps = offered(INSPECTION, inspection, request, _inspection_builders(request, inspection))
    forms_by_step, done = (
        step_page(request, steps, "Đã ghi kết luận.")
        if request.POST.get("form") != "violation"
        else ({}, None)
    )
    if done is not None:
        return done
    return render(
        request,
        "discipline/inspection.html",
        {
            "inspection": inspection,
            "violations": inspection.violations.select_related("member"),
            "forms": forms_by_step,
            "form": violation_form,
            "name": "violation",
        },
    )


def _discipline_builders(request: HttpRequest, discipline) -> Builders:
    user = request.user
    today = dt.date.today()

    def vote():
        form = make(f.VoteForm, initial={"voted_on": today})
        return form, lambda d: services.discipline_vote(actor=user, discipline=discipline, **d)

    def decide():
        form = make(f.DecideForm, initial={"decision_date": today})
        return form, lambda d: services.discipline_decide(actor=user, discipline=discipline, **d)

    def announce():
        form = make(f.AnnounceForm, initial={"announced_on": today})
        return form, lambda d: services.discipline_announce(actor=user, discipline=discipline, **d)

    def answer():
        form = make(f.AnswerForm, initial={"answered_on": today})
        return form, lambda d: services.complaint_answer(actor=user, discipline=discipline, **d)

    def restore():
        form = make(f.RestoreForm, initial={"restored_on": today})
        return form, lambda d: services.discipline_restore(actor=user, discipline=discipline, **d)

    return {
        "vote": vote,
        "decide": decide,
        "announce": announce,
        "answer": answer,
        "restore": restore,
    }


@login_required
@require_http_methods(["GET", "POST"])
def discipline_detail(request: HttpRequest, pk) -> HttpResponse:
    """A discipline: violation, form, vote, decision, announcement, standing
    (in force, lapsed), complaints; the step forms the caller may use and the
    complaint form."""
    scope = request_scope(request)
    discipline = selectors.discipline_get_for(scope, pk)
    member = discipline.member
    complaint_form = None
    own = scope.member_id is not None and scope.member_id == member.pk
    if (
        discipline.status in (DisciplineStatus.DECIDED, DisciplineStatus.IN_FORCE)
        and selectors.open_complaint(discipline) is None
        and (own or _may_record(request, member.organization))
    ):
        above = Organization.objects.filter(
            path__in=[
                discipline.authority.path[:i] for i in range(1, len(discipline.authority.path))
            ]
        ).order_by("path")
        complaint_form = make(f.ComplaintForm, organizations=above)
        if request.method == "POST" and request.POST.get("form") == "complaint":
            complaint_form = f.ComplaintForm(request.POST, organizations=above)
            if complaint_form.is_valid():
                try:
                    services.complaint_lodge(
                        actor=request.user, discipline=discipline, **complaint_form.cleaned_data
                    )
                except DomainError as exc:
                    apply_errors(complaint_form, exc)
                else:
                    messages.success(request, "Đã ghi khiếu nại.")
                    return redirect(request.get_full_path())
    if request.POST.get("form") == "complaint":
        if complaint_form is None:
            raise NotFound
        forms_by_step: dict = {}
    else:
        steps = offered(DISCIPLINE, discipline, request, _discipline_builders(request, discipline))
        forms_by_step, done = step_page(request, steps, "Đã ghi vào hồ sơ kỷ luật.")
        if done is not None:
            return done
    return render(
        request,
        "discipline/discipline.html",
        {
            "d": discipline,
            "standing": selectors.standing_on(discipline, dt.date.today()),
            "complaints": discipline.complaints.select_related("answering_organization"),
            "decision_url": document_url(discipline.decision_document_id, scope),
            "restoration_url": document_url(discipline.restoration_document_id, scope),
            "forms": forms_by_step,
            "form": complaint_form,
            "name": "complaint",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_record(request: HttpRequest, pk) -> HttpResponse:
    """A member's discipline record (sensitive: board, inspection committee,
    the member), with the forms to record a violation and propose a discipline."""
    scope = request_scope(request)
    member = member_selectors.member_get_for(scope, pk)
    if not selectors.sees_record(scope, member):
        raise DisciplineError.NOT_FOUND.not_found()
    disciplines = selectors.member_disciplines(scope, member)
    violations = selectors.member_violations(scope, member)
    may = _may_record(request, member.organization) and member.status in ACTIVE_STATUSES
    trips = TripAbroad.objects.filter(member=member).order_by("start")
    authorities = Organization.objects.filter(
        path__in=[member.org_path[:i] for i in range(1, len(member.org_path) + 1)]
    ).order_by("-path")
    violation_form = make(f.ViolationForm, trips=trips) if may else None
    propose_form = (
        make(
            f.ProposeForm,
            violations=violations,
            posts=selectors.posts_held_on(member, dt.date.today()),
            authorities=authorities,
            initial={"proposed_on": dt.date.today()},
        )
        if may
        else None
    )
    which = request.POST.get("form")
    if request.method == "POST":
        if not may or which not in ("violation", "propose"):
            raise NotFound
        try:
            if which == "violation":
                violation_form = f.ViolationForm(request.POST, trips=trips)
                if violation_form.is_valid():
                    services.violation_record(
                        actor=request.user, member=member, **violation_form.cleaned_data
                    )
                    messages.success(request, "Đã ghi vi phạm.")
                    return redirect(request.get_full_path())
            else:
                propose_form = f.ProposeForm(
                    request.POST,
                    violations=violations,
                    posts=selectors.posts_held_on(member, dt.date.today()),
                    authorities=authorities,
                )
                if propose_form.is_valid():
                    d = dict(propose_form.cleaned_data)
                    d["form"] = d.pop("sanction")
                    discipline = services.discipline_propose(actor=request.user, **d)
                    messages.success(request, "Đã ghi đề nghị kỷ luật.")
                    return redirect("discipline_detail", pk=discipline.pk)
        except DomainError as exc:
            apply_errors(violation_form if which == "violation" else propose_form, exc)
    today = dt.date.today()
    return render(
        request,
        "discipline/member.html",
        {
            "member": member,
            "disciplines": [(d, selectors.standing_on(d, today)) for d in disciplines],
            "violations": violations,
            "blocking": selectors.blocks_transfer(member, today),
            "barred_until": selectors.post_barred_until(member, today),
            "violation_form": violation_form,
            "propose_form": propose_form,
        },
    )


# --- trips abroad ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def trip_detail(request: HttpRequest, pk) -> HttpResponse:
    """A member's trip abroad (seed 001): its report to the committee, or the
    violation "went abroad without reporting". The report form is offered to
    a writer at the member's cell or above and to the inspection committee
    over it; the violation form to the inspection committee only; neither
    once the trip is reported or recorded. 404 for a trip the caller's scope
    does not reach (`selectors.trip_get_for`) or a form not offered."""
    scope = request_scope(request)
    trip = selectors.trip_get_for(scope, pk)
    member = trip.member
    today = dt.date.today()
    report = selectors.trip_report_of(trip)
    violation = selectors.trip_violation_of(trip)
    open_ = report is None and violation is None
    report_form = (
        make(f.TripReportForm, initial={"reported_on": today})
        if open_ and _may_record(request, member.organization)
        else None
    )
    violation_form = (
        make(
            f.TripViolationForm,
            initial={
                "committed_on": trip.start,
                "found_on": today,
                "description": (
                    f"Đi {trip.country} từ ngày {trip.start:%d/%m/%Y} không báo cáo cấp ủy"
                    " có thẩm quyền"
                ),
            },
        )
        if open_ and trip.start <= today and _inspects(scope, member.organization)
        else None
    )
    which = request.POST.get("form")
    if request.method == "POST":
        if which == "report" and report_form is not None:
            report_form = f.TripReportForm(request.POST)
            if report_form.is_valid():
                try:
                    services.trip_report_record(
                        actor=request.user, trip=trip, **report_form.cleaned_data
                    )
                except DomainError as exc:
                    apply_errors(report_form, exc)
                else:
                    messages.success(request, "Đã ghi báo cáo đi nước ngoài.")
                    return redirect(request.get_full_path())
        elif which == "violation" and violation_form is not None:
            violation_form = f.TripViolationForm(request.POST)
            if violation_form.is_valid():
                try:
                    services.violation_record(
                        actor=request.user,
                        member=member,
                        kind=ViolationKind.ABROAD_UNREPORTED,
                        trip=trip,
                        **violation_form.cleaned_data,
                    )
                except DomainError as exc:
                    apply_errors(violation_form, exc)
                else:
                    messages.success(request, "Đã ghi vi phạm.")
                    return redirect(request.get_full_path())
        else:
            raise NotFound
    return render(
        request,
        "discipline/trip.html",
        {
            "trip": trip,
            "member": member,
            "report": report,
            "violation": violation,
            "sees_record": selectors.sees_record(scope, member),
            "report_form": report_form,
            "violation_form": violation_form,
        },
    )


# --- discipline of party organisations ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def org_discipline_new(request: HttpRequest) -> HttpResponse:
    """Propose the discipline of a party organisation of the subtree of ?org=
    (the organisations below it; the deciding body at it or above), by a
    writer or the inspection committee at ?org= (404 otherwise). Every rule
    (form, deciding body and its level, limitation, one open at a time) is
    the service's (`services.org_discipline_propose`)."""
    org = org_from_query(request)
    if org is None:
        return render(
            request,
            "liaison/choose_org.html",
            {"roots": roots(request), "url": "org_discipline_new"},
        )
    if not _may_record(request, org):
        raise NotFound
    scope = request_scope(request)
    kwargs = {
        "organizations": Organization.objects.filter(
            path__startswith=org.path, depth__gt=org.depth, valid_to__isnull=True
        ).order_by("path"),
        "authorities": Organization.objects.filter(
            path__in=[org.path[:i] for i in range(1, len(org.path) + 1)]
        ).order_by("-path"),
        "inspections": selectors.inspections_visible_to(scope).filter(
            target__isnull=False, target_path__startswith=org.path
        ),
    }
    form = make(f.OrgProposeForm, initial={"proposed_on": dt.date.today()}, **kwargs)
    if request.method == "POST":
        if request.POST.get("form") != "org_propose":
            raise NotFound
        form = f.OrgProposeForm(request.POST, **kwargs)
        if form.is_valid():
            d = dict(form.cleaned_data)
            d["form"] = d.pop("sanction")
            try:
                discipline = services.org_discipline_propose(actor=request.user, **d)
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Đã ghi đề nghị kỷ luật tổ chức đảng.")
                return redirect("org_discipline_detail", pk=discipline.pk)
    return render(
        request,
        "discipline/org_new.html",
        {"org": org, "form": form, "name": "org_propose"},
    )


def _org_builders(request: HttpRequest, discipline: OrgDiscipline) -> Builders:
    user = request.user
    today = dt.date.today()

    def vote():
        form = make(f.OrgVoteForm, initial={"voted_on": today})
        return form, lambda d: services.org_discipline_vote(actor=user, discipline=discipline, **d)

    def decide():
        form = make(f.OrgDecideForm, initial={"decision_date": today})
        return form, lambda d: services.org_discipline_decide(
            actor=user, discipline=discipline, **d
        )

    def announce():
        form = make(f.OrgAnnounceForm, initial={"announced_on": today})
        return form, lambda d: services.org_discipline_announce(
            actor=user, discipline=discipline, **d
        )

    def dissolve():
        form = make(f.OrgDissolveForm, initial={"dissolved_on": today})
        return form, lambda d: services.org_discipline_dissolve(
            actor=user, discipline=discipline, **d
        )

    return {
        "org_vote": vote,
        "org_decide": decide,
        "org_announce": announce,
        "org_dissolve": dissolve,
    }


@login_required
@require_http_methods(["GET", "POST"])
def org_discipline_detail(request: HttpRequest, pk) -> HttpResponse:
    """The discipline of a party organisation: violation, form, deciding body,
    vote (counted against all entitled), decision and its paper, announcement,
    dissolution; the forms of the "org_*" steps the table opens to the caller.
    404 outside the caller's scope (`selectors.org_discipline_get_for`)."""
    scope = request_scope(request)
    discipline = selectors.org_discipline_get_for(scope, pk)
    steps = offered(DISCIPLINE, discipline, request, _org_builders(request, discipline))
    forms_by_step, done = step_page(request, steps, "Đã ghi vào hồ sơ kỷ luật tổ chức đảng.")
    if done is not None:
        return done
    return render(
        request,
        "discipline/org_discipline.html",
        {
            "d": discipline,
            "decision_url": document_url(discipline.decision_document_id, scope),
            "forms": forms_by_step,
        },
    )
