"""Pages of this area (Vietnamese); views parse, call one service or selector, render.

Exemptions (/mien-sinh-hoat/), members working away (/di-lam-an-xa/) and the
residence liaison of QĐ 213 (/noi-cu-tru/). Every object is fetched through
the caller's scope (404 outside it); read-only roles see the files but get no
forms, and a POST from them answers 404. Each detail page shows one form per
step that may come next; a refused step shows its message beside the field and
saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.liaison import selectors, services
from dangvien.liaison.models import (
    Exemption,
    ExemptionKind,
    ExemptionStatus,
    ResidenceGroup,
    ResidenceLiaison,
    ResidenceStatus,
    WorkingAway,
    WorkingAwayStatus,
)
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization
from dangvien.web.views import _scope

from . import forms as f


def _org_from_query(request: HttpRequest) -> Organization | None:
    """?org=<id> inside the scope (404 outside), or the caller's single root."""
    scope = _scope(request)
    org_id = request.GET.get("org")
    if org_id:
        return org_selectors.organization_get_for(scope, org_id)
    roots = org_selectors.organization_roots_for(scope)
    if len(roots) == 1:
        return roots[0]
    if not roots:
        raise Http404
    return None


def _apply_error(form, exc: DomainError) -> None:
    if isinstance(exc, RecordValidationError):
        for field, msgs in exc.errors.items():
            for message in msgs:
                form.add_error(field if field in form.fields else None, message)
        return
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


Step = tuple[f.StepForm, Callable[[dict], object]]


def _step_page(
    request: HttpRequest, steps: dict[str, Step], success: str
) -> tuple[dict[str, f.StepForm], HttpResponse | None]:
    """Validate and run the posted step; the forms (bound to the post for the
    posted one) for the template, or a redirect when the step was saved."""
    forms_by_step = _unbound(steps)
    if request.method != "POST":
        return forms_by_step, None
    name = request.POST.get("step", "")
    if name not in steps:
        raise Http404  # no such step here, or the caller may not act
    bound = _rebind(steps[name][0], type(steps[name][0]), request)
    bound.set_ids(name)
    forms_by_step[name] = bound
    if bound.is_valid():
        try:
            steps[name][1](bound.cleaned_data)
        except DomainError as exc:
            _apply_error(bound, exc)
        else:
            messages.success(request, success)
            return forms_by_step, redirect(request.get_full_path())
    return forms_by_step, None


def _unbound(steps: dict[str, Step]) -> dict[str, f.StepForm]:
    """The forms of the steps, each with its own element ids (several on a page)."""
    forms_by_step = {}
    for name, (form, _call) in steps.items():
        form.set_ids(name)
        forms_by_step[name] = form
    return forms_by_step


def _rebind(form: f.StepForm, form_class, request: HttpRequest) -> f.StepForm:
    """The same form, bound to the POST (keeping its constructor arguments)."""
    kwargs = getattr(form, "_init_kwargs", {})
    return form_class(request.POST, **kwargs)


def _make(form_class, **kwargs) -> f.StepForm:
    form = form_class(**kwargs)
    form._init_kwargs = kwargs  # type: ignore[attr-defined]
    return form


def _document_url(document_id: int | None) -> str | None:
    if not document_id:
        return None
    try:
        return reverse("document_download", args=[document_id])
    except NoReverseMatch:
        return None


def _member_for_create(request: HttpRequest):
    """?member=<id>: a member the caller may act for (404 otherwise)."""
    scope = _scope(request)
    member = member_selectors.member_get_for(scope, request.GET.get("member"))
    if not scope.writes_path(member.org_path):
        raise Http404
    return member


# =============================================================================
# Exemption
# =============================================================================


@login_required
def exemption_list(request: HttpRequest) -> HttpResponse:
    org = _org_from_query(request)
    if org is None:
        return render(
            request,
            "liaison/choose_org.html",
            {
                "roots": org_selectors.organization_roots_for(_scope(request)),
                "url": "exemption_list",
            },
        )
    lists = selectors.exemption_lists(org)
    return render(
        request,
        "liaison/exemption_list.html",
        {
            "org": org,
            "lists": lists,
            "pick": selectors.members_to_pick(_scope(request), org),
            "create_url": "exemption_create",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exemption_create(request: HttpRequest) -> HttpResponse:
    member = _member_for_create(request)
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
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Đã ghi đơn xin miễn, giảm sinh hoạt.")
            return redirect("exemption_detail", pk=exemption.pk)
    return render(
        request, "liaison/create.html", {"form": form, "member": member, "back": "exemption"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def exemption_detail(request: HttpRequest, pk) -> HttpResponse:
    scope = _scope(request)
    exemption = selectors.exemption_get_for(scope, pk)
    can_act = scope.writes_path(exemption.member.org_path)
    steps: dict[str, Step] = {}
    if can_act:
        steps = _exemption_steps(request, exemption)
    forms_by_step, done = _step_page(request, steps, "Đã ghi bước của hồ sơ miễn, giảm.")
    if done:
        return done
    context = {
        "exemption": exemption,
        "member": exemption.member,
        "forms": forms_by_step,
        "can_act": can_act,
        "overdue": selectors.exemption_overdue(exemption),
        "document_url": _document_url(exemption.resolution_document_id),
    }
    return render(request, "liaison/exemption_detail.html", context)


def _exemption_steps(request: HttpRequest, exemption: Exemption) -> dict[str, Step]:
    actor = request.user
    status = exemption.status
    steps: dict[str, Step] = {}
    if status == ExemptionStatus.APPLIED:
        steps["decide"] = (
            _make(f.ExemptionDecideForm),
            lambda d: services.exemption_decide(
                actor=actor,
                exemption=exemption,
                decided_on=d["decided_on"],
                resolution_number=d["resolution_number"],
            ),
        )
        steps["refuse"] = (
            _make(f.ExemptionRefuseForm),
            lambda d: services.exemption_refuse(
                actor=actor,
                exemption=exemption,
                decided_on=d["decided_on"],
                refusal_reason=d["refusal_reason"],
            ),
        )
    elif status == ExemptionStatus.DECIDED:
        steps["report"] = (
            _make(f.ExemptionReportForm),
            lambda d: services.exemption_report(
                actor=actor,
                exemption=exemption,
                reported_on=d["reported_on"],
                reported_to=d["reported_to"],
            ),
        )
    elif status == ExemptionStatus.IN_FORCE:
        steps["apply_return"] = (
            _make(f.ExemptionApplyReturnForm),
            lambda d: services.exemption_apply_return(
                actor=actor, exemption=exemption, applied_on=d["return_applied_on"]
            ),
        )
    elif status == ExemptionStatus.RETURN_APPLIED:
        steps["return"] = (
            _make(f.ExemptionReturnForm),
            lambda d: services.exemption_return(
                actor=actor,
                exemption=exemption,
                returned_on=d["returned_on"],
                resolution_number=d["return_resolution_number"],
            ),
        )
    return steps


# =============================================================================
# Working away
# =============================================================================


@login_required
def working_away_list(request: HttpRequest) -> HttpResponse:
    org = _org_from_query(request)
    if org is None:
        return render(
            request,
            "liaison/choose_org.html",
            {
                "roots": org_selectors.organization_roots_for(_scope(request)),
                "url": "working_away_list",
            },
        )
    summary = selectors.working_away_summary(org)
    return render(
        request,
        "liaison/working_away_list.html",
        {
            "org": org,
            "s": summary,
            "pick": selectors.members_to_pick(_scope(request), org),
            "create_url": "working_away_create",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def working_away_create(request: HttpRequest) -> HttpResponse:
    member = _member_for_create(request)
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
            _apply_error(form, exc)
        else:
            messages.success(request, "Đã ghi đơn báo cáo đi làm ăn xa.")
            return redirect("working_away_detail", pk=working_away.pk)
    return render(
        request, "liaison/create.html", {"form": form, "member": member, "back": "working_away"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def working_away_detail(request: HttpRequest, pk) -> HttpResponse:
    scope = _scope(request)
    working_away = selectors.working_away_get_for(scope, pk)
    can_act = scope.writes_path(working_away.member.org_path)
    steps = _working_away_steps(request, working_away) if can_act else {}
    forms_by_step, done = _step_page(request, steps, "Đã ghi vào hồ sơ đi làm ăn xa.")
    if done:
        return done
    last_news = services.working_away_last_news(working_away)
    context = {
        "wa": working_away,
        "member": working_away.member,
        "forms": forms_by_step,
        "can_act": can_act,
        "contacts": working_away.contacts.select_related("created_by")[:100],
        "reviews": working_away.year_reviews.all(),
        "exemptions": working_away.exemptions.all(),
        "last_news": last_news,
        "silent": working_away.status == WorkingAwayStatus.REVIEWED
        and selectors.rules.silent_since(last_news, dt.date.today()),
        "silent_months": selectors.rules.WORKING_AWAY_SILENT_MONTHS.on(),
    }
    return render(request, "liaison/working_away_detail.html", context)


def _working_away_steps(request: HttpRequest, wa: WorkingAway) -> dict[str, Step]:
    actor = request.user
    steps: dict[str, Step] = {}
    if wa.status == WorkingAwayStatus.REPORTED:
        steps["review"] = (
            _make(f.WorkingAwayReviewForm),
            lambda d: services.working_away_review(
                actor=actor,
                working_away=wa,
                reviewed_on=d["reviewed_on"],
                committee_reported_on=d["committee_reported_on"],
                review_note=d["review_note"],
            ),
        )
    if wa.status in (WorkingAwayStatus.REPORTED, WorkingAwayStatus.REVIEWED):
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
        steps["destination"] = (
            _make(f.WorkingAwayDestinationForm, initial=initial),
            lambda d: services.working_away_register_destination(
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
            ),
        )
    if wa.status == WorkingAwayStatus.REVIEWED:
        steps["contact"] = (
            _make(f.WorkingAwayContactForm),
            lambda d: services.working_away_contact_add(
                actor=actor,
                working_away=wa,
                date=d["date"],
                kind=d["kind"],
                note=d["note"],
                amount=d["amount"],
            ),
        )
        steps["year_review"] = (
            _make(f.WorkingAwayYearReviewForm),
            lambda d: services.working_away_year_review(
                actor=actor,
                working_away=wa,
                year=d["year"],
                received_on=d["received_on"],
                self_review=d["self_review"],
                host_comment=d["host_comment"],
                host_commenter=d["host_commenter"],
            ),
        )
        if not wa.exemptions.filter(status__in=selectors.EXEMPTION_OPEN).exists():
            steps["exemption"] = (
                _make(f.WorkingAwayExemptionForm),
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
            )
    if wa.status != WorkingAwayStatus.ENDED:
        steps["end"] = (
            _make(f.WorkingAwayEndForm),
            lambda d: services.working_away_end(
                actor=actor, working_away=wa, ended_on=d["ended_on"], end_note=d["end_note"]
            ),
        )
    return steps


# =============================================================================
# Residence liaison (QĐ 213)
# =============================================================================


@login_required
def residence_list(request: HttpRequest) -> HttpResponse:
    org = _org_from_query(request)
    if org is None:
        return render(
            request,
            "liaison/choose_org.html",
            {
                "roots": org_selectors.organization_roots_for(_scope(request)),
                "url": "residence_list",
            },
        )
    lists = selectors.residence_lists(org)
    return render(
        request,
        "liaison/residence_list.html",
        {"org": org, "lists": lists, "can_act": _scope(request).writes_path(org.path)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def residence_create(request: HttpRequest) -> HttpResponse:
    member = _member_for_create(request)
    actor = request.user
    steps: dict[str, Step] = {
        "introduce": (
            _make(f.ResidenceIntroduceForm),
            lambda d: services.residence_introduce(
                actor=actor,
                member=member,
                introduced_on=d["introduced_on"],
                letter_number=d["letter_number"],
                category=d["category"] or "",
                note=d["note"],
            ),
        ),
        "not_introduced": (
            _make(f.ResidenceNotIntroducedForm),
            lambda d: services.residence_mark_not_introduced(
                actor=actor, member=member, decided_on=d["decided_on"], note=d["note"]
            ),
        ),
    }
    forms_by_step, _done = _step_page_create(request, steps)
    if isinstance(_done, ResidenceLiaison):
        messages.success(request, "Đã ghi.")
        return redirect("residence_detail", pk=_done.pk)
    return render(
        request,
        "liaison/residence_create.html",
        {"forms": forms_by_step, "member": member, "committee": _committee_preview(member)},
    )


def _committee_preview(member) -> str:
    committee = services.residence_committee_for(member.current_commune)
    if committee:
        return committee.name
    if member.current_commune_id:
        return f"{member.current_commune.name} (ngoài hệ thống: ghi nhận là nơi khác)"
    return "Chưa có nơi ở hiện nay trong hồ sơ"


def _step_page_create(request: HttpRequest, steps: dict[str, Step]):
    """Like _step_page, but answers the created object instead of redirecting."""
    forms_by_step = _unbound(steps)
    if request.method != "POST":
        return forms_by_step, None
    name = request.POST.get("step", "")
    if name not in steps:
        raise Http404
    bound = _rebind(steps[name][0], type(steps[name][0]), request)
    bound.set_ids(name)
    forms_by_step[name] = bound
    if bound.is_valid():
        try:
            return forms_by_step, steps[name][1](bound.cleaned_data)
        except DomainError as exc:
            _apply_error(bound, exc)
    return forms_by_step, None


@login_required
@require_http_methods(["GET", "POST"])
def residence_detail(request: HttpRequest, pk) -> HttpResponse:
    scope = _scope(request)
    liaison = selectors.residence_get_for(scope, pk)
    workplace_side = scope.writes_path(liaison.member.org_path) or scope.writes_path(
        liaison.workplace.path
    )
    residence_side = liaison.status != ResidenceStatus.NOT_INTRODUCED and (
        selectors.residence_side_writer(scope, liaison)
    )
    steps = _residence_steps(request, liaison, workplace_side, residence_side)
    forms_by_step, done = _step_page(request, steps, "Đã ghi vào hồ sơ giữ mối liên hệ.")
    if done:
        return done
    context = {
        "liaison": liaison,
        "member": liaison.member,
        "forms": forms_by_step,
        "can_act": bool(steps),
        "comments": liaison.comments.all(),
        "attendance": liaison.attendance.select_related("meeting").order_by("-meeting__date"),
        "document_url": _document_url(liaison.letter_document_id),
        "cell_url": reverse("residence_cell", args=[liaison.residential_cell_id])
        if liaison.residential_cell_id and scope.reaches_path(liaison.residential_cell.path)
        else None,
    }
    return render(request, "liaison/residence_detail.html", context)


def _residence_steps(
    request: HttpRequest, liaison: ResidenceLiaison, workplace_side: bool, residence_side: bool
) -> dict[str, Step]:
    actor = request.user
    status = liaison.status
    steps: dict[str, Step] = {}
    if residence_side and status == ResidenceStatus.INTRODUCED:
        steps["receive"] = (
            _make(f.ResidenceReceiveForm),
            lambda d: services.residence_receive(
                actor=actor, liaison=liaison, received_on=d["received_on"]
            ),
        )
    if residence_side and status == ResidenceStatus.RECEIVED:
        committee = liaison.residence_committee
        cells = (
            Organization.objects.filter(
                path__startswith=committee.path,
                level__in=MEMBER_HOLDING_LEVELS,
                valid_to__isnull=True,
            )
            if committee
            else Organization.objects.none()
        )
        groups = ResidenceGroup.objects.filter(cell__in=cells)
        steps["assign"] = (
            _make(f.ResidenceAssignForm, cells=cells, groups=groups, outside=liaison.is_outside),
            lambda d: services.residence_assign(
                actor=actor,
                liaison=liaison,
                assigned_on=d["assigned_on"],
                cell=d.get("cell"),
                group=d.get("group"),
                outside_cell=d.get("outside_cell", ""),
            ),
        )
    if residence_side and status == ResidenceStatus.ASSIGNED:
        if not liaison.is_outside:
            steps["group"] = (
                _make(
                    f.ResidenceGroupForm,
                    groups=ResidenceGroup.objects.filter(cell=liaison.residential_cell),
                    initial={"group": liaison.group_id},
                ),
                lambda d: services.residence_set_group(
                    actor=actor, liaison=liaison, group=d["group"]
                ),
            )
        steps["comment"] = (
            _make(f.ResidenceCommentForm),
            lambda d: services.residence_comment_add(
                actor=actor,
                liaison=liaison,
                year=d["year"],
                commented_on=d["commented_on"],
                text=d["text"],
                purpose=d["purpose"],
                commenter=d["commenter"],
            ),
        )
    if (workplace_side or residence_side) and status != ResidenceStatus.ENDED:
        steps["end"] = (
            _make(f.ResidenceEndForm),
            lambda d: services.residence_end(
                actor=actor, liaison=liaison, ended_on=d["ended_on"], end_reason=d["end_reason"]
            ),
        )
    return steps


@login_required
@require_http_methods(["GET", "POST"])
def residence_cell(request: HttpRequest, pk) -> HttpResponse:
    """A residential cell's working members: groups and leaders, meetings with
    attendance, households where only some members come."""
    scope = _scope(request)
    cell = org_selectors.organization_get_for(scope, pk)
    if not cell.holds_members:
        raise Http404
    can_act = scope.writes_path(cell.path)
    roster = selectors.residence_cell_roster(cell)
    actor = request.user
    steps: dict[str, Step] = {}
    if can_act:
        groups = ResidenceGroup.objects.filter(cell=cell)
        member_ids = [liaison.member_id for liaison in roster.liaisons if liaison.group_id]
        steps = {
            "group_create": (
                _make(f.GroupCreateForm),
                lambda d: services.residence_group_create(actor=actor, cell=cell, name=d["name"]),
            ),
            "leader": (
                _make(
                    f.GroupLeaderForm,
                    groups=groups,
                    members=Member.objects.filter(pk__in=member_ids),
                ),
                lambda d: services.residence_group_set_leader(
                    actor=actor, group=d["group"], leader=d["leader"]
                ),
            ),
        }
        if roster.liaisons:
            steps["meeting"] = (
                _make(f.MeetingForm, liaisons=roster.liaisons),
                lambda d: services.residence_meeting_record(
                    actor=actor,
                    cell=cell,
                    date=d["date"],
                    content=d["content"],
                    present=[int(x) for x in d["present"]],
                ),
            )
    forms_by_step, done = _step_page(request, steps, "Đã ghi.")
    if done:
        return done
    return render(
        request,
        "liaison/residence_cell.html",
        {"cell": cell, "roster": roster, "forms": forms_by_step, "can_act": can_act},
    )
