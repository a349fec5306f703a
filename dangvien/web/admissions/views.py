"""Pages of admission and recognition (Vietnamese). Views parse, call one service
or selector, render; every object is fetched through the caller's scope (404
outside it), and only writing roles see and post the step forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.admissions import selectors, services
from dangvien.admissions.models import AdmissionFile, RecognitionFile, Stage
from dangvien.core.errors import DomainError
from dangvien.documents.selectors import documents_of
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member, Status
from dangvien.organizations import selectors as org_selectors
from dangvien.web.views import _apply_errors, _scope

from . import forms as f

# --- step tables: URL slug -> (service step, title, form, call) ---------------------------

Call = Callable[..., object]


def _admission_forms(file: AdmissionFile) -> dict[str, tuple[str, str, type, Call]]:
    return {
        "ho-so": (
            "dossier",
            "Hoàn thiện hồ sơ",
            f.DossierForm,
            services.admission_complete_dossier,
        ),
        "bieu-quyet": ("cell_vote", "Chi bộ biểu quyết", f.VoteForm, services.admission_cell_vote),
        "cap-tren": (
            "escalation",
            "Kết luận của cấp ủy cấp trên",
            f.EscalationForm,
            services.admission_escalation_decide,
        ),
        "dang-uy": (
            "grassroots",
            "Nghị quyết của đảng ủy cơ sở",
            f.GrassrootsForm,
            services.admission_grassroots_resolve,
        ),
        "quyet-dinh": (
            "decision",
            "Quyết định kết nạp",
            f.DecisionForm,
            services.admission_decide,
        ),
        "le-ket-nap": ("ceremony", "Lễ kết nạp", f.CeremonyForm, services.admission_ceremony),
        "gia-han": (
            "extension",
            "Gia hạn thời hạn quyết định",
            f.ExtensionForm,
            services.admission_extend,
        ),
        "dong": ("close", "Đóng hồ sơ", f.CloseForm, services.admission_close),
    }


RECOGNITION_FORMS: dict[str, tuple[str, str, type, Call]] = {
    "bieu-quyet": (
        "cell_vote",
        "Chi bộ xét công nhận chính thức",
        f.RecognitionVoteForm,
        services.recognition_cell_vote,
    ),
    "cap-tren": (
        "escalation",
        "Kết luận của cấp ủy cấp trên",
        f.RecognitionEscalationForm,
        services.recognition_escalation_decide,
    ),
    "dang-uy": (
        "grassroots",
        "Nghị quyết của đảng ủy cơ sở",
        f.RecognitionGrassrootsForm,
        services.recognition_grassroots_resolve,
    ),
    "quyet-dinh": (
        "decision",
        "Quyết định của cấp ủy có thẩm quyền",
        f.RecognitionDecisionForm,
        services.recognition_decide,
    ),
    "gia-han": (
        "extension",
        "Gia hạn thời hạn quyết định",
        f.ExtensionForm,
        services.recognition_extend,
    ),
}


def _form_kwargs(form_class, file) -> dict:
    if form_class is f.DossierForm:
        cell = file.organization
        return {
            "introducers": Member.objects.filter(
                org_path__startswith=cell.path, status=Status.OFFICIAL
            ).order_by("sort_key", "id")
        }
    return {}


def _initial(form_class) -> dict:
    today = dt.date.today()
    return {
        name: today
        for name in ("date", "meeting_date", "decision_date")
        if name in form_class.base_fields
    }


def _admission_step_allowed(file: AdmissionFile, step: str) -> bool:
    if file.stage not in services.ADMISSION_STEPS[step]:
        return False
    if step == "dossier" and file.stage == Stage.DOSSIER_COMPLETE:
        stale_from = services.admission_stale_from(file)
        return stale_from is not None and dt.date.today() >= stale_from
    return True


def _keep_bound(step_forms, bound, table):
    """A refused post of a step that is not next still shows its form with the reason."""
    if bound and bound[0] not in [slug for slug, _t, _f in step_forms]:
        step_forms = [(bound[0], table[bound[0]][1], bound[1]), *step_forms]
    return step_forms


# --- list ---------------------------------------------------------------------------------


@login_required
@require_GET
def admission_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    org_id = request.GET.get("org")
    org = org_selectors.organization_get_for(scope, org_id) if org_id else None
    writes = scope.writes_path(org.path) if org else bool(scope.everything or scope.write_paths)
    context = {
        "org": org,
        "files": list(selectors.admission_files_open(scope, org)[:500]),
        "recognitions": list(selectors.recognition_files_open(scope, org)[:500]),
        "probationary": selectors.probationary_members(scope, org),
        "today": dt.date.today(),
        "can_add": org is not None
        and org.holds_members
        and org.is_active
        and scope.writes_path(org.path),
        "can_open_due": writes,
    }
    return render(request, "admissions/list.html", context)


@login_required
@require_POST
def recognition_open_due(request: HttpRequest) -> HttpResponse:
    """Open the recognition files that are due in the caller's writable subtree."""
    scope = _scope(request)
    org = org_selectors.organization_get_for(scope, request.POST.get("org"))
    if not scope.writes_path(org.path):
        raise Http404
    count = services.recognition_open_due(actor=request.user, on=dt.date.today(), organization=org)
    messages.success(request, f"Đã mở {count} hồ sơ xét công nhận đảng viên chính thức.")
    return redirect(f"{_list_url()}?org={org.pk}")


def _list_url() -> str:
    from django.urls import reverse

    return reverse("admission_list")


# --- create ---------------------------------------------------------------------------------


def _writable_cell(request: HttpRequest):
    scope = _scope(request)
    org = org_selectors.organization_get_for(scope, request.GET.get("org"))
    if not scope.writes_path(org.path) or not org.holds_members or not org.is_active:
        raise Http404
    return org


@login_required
@require_http_methods(["GET", "POST"])
def admission_create(request: HttpRequest) -> HttpResponse:
    org = _writable_cell(request)
    form = f.CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            file = services.admission_open(
                actor=request.user, organization=org, data=data, opened_on=data.pop("opened_on")
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Đã mở hồ sơ kết nạp {file.candidate.full_name}.")
            return redirect("admission_detail", pk=file.pk)
    return render(
        request, "admissions/form.html", {"form": form, "org": org, "title": "Mở hồ sơ kết nạp"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def readmission_create(request: HttpRequest) -> HttpResponse:
    org = _writable_cell(request)
    scope = _scope(request)
    former = member_selectors.members_visible_to(scope).filter(
        status__in=(Status.NAME_DELETED, Status.EXPELLED, Status.LEFT)
    )
    if org.parent is not None:
        former = former.filter(org_path__startswith=org.parent.path)
    former = former.order_by("sort_key", "id")
    initial = {"member": request.GET.get("dv")} if request.GET.get("dv") else None
    form = f.ReadmissionForm(request.POST or None, members=former, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member")
        try:
            file = services.readmission_open(
                actor=request.user,
                organization=org,
                member=member,
                data=data,
                opened_on=data.pop("opened_on"),
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Đã mở hồ sơ kết nạp lại {file.candidate.full_name}.")
            return redirect("admission_detail", pk=file.pk)
    return render(
        request,
        "admissions/form.html",
        {"form": form, "org": org, "title": "Mở hồ sơ kết nạp lại"},
    )


# --- admission file -------------------------------------------------------------------------


def _admission_page(request, file: AdmissionFile, bound: tuple[str, object] | None = None):
    scope = _scope(request)
    can_act = scope.writes_path(file.org_path)
    step_forms = []
    if can_act:
        for slug, (step, title, form_class, _call) in _admission_forms(file).items():
            if not _admission_step_allowed(file, step):
                continue
            if bound and bound[0] == slug:
                form = bound[1]
            else:
                form = form_class(initial=_initial(form_class), **_form_kwargs(form_class, file))
            step_forms.append((slug, title, form))
    step_forms = _keep_bound(step_forms, bound, _admission_forms(file))
    stale_from = services.admission_stale_from(file)
    context = {
        "file": file,
        "candidate": file.candidate,
        "votes": file.votes.all(),
        "log": file.log.select_related("actor"),
        "documents": documents_of(file),
        "next": services.admission_next(file),
        "stale_from": stale_from,
        "is_stale": stale_from is not None and dt.date.today() >= stale_from,
        "decision_deadline": services.admission_decision_deadline(file),
        "ceremony_deadline": services.admission_ceremony_deadline(file),
        "recognition": RecognitionFile.objects.filter(admission=file).first(),
        "can_act": can_act,
        "step_forms": step_forms,
    }
    return render(request, "admissions/detail.html", context)


@login_required
@require_GET
def admission_detail(request: HttpRequest, pk) -> HttpResponse:
    return _admission_page(request, selectors.admission_get_for(_scope(request), pk))


@login_required
@require_POST
def admission_step(request: HttpRequest, pk, step: str) -> HttpResponse:
    scope = _scope(request)
    file = selectors.admission_get_for(scope, pk)
    table = _admission_forms(file)
    if step not in table or not scope.writes_path(file.org_path):
        raise Http404
    service_step, title, form_class, call = table[step]
    form = form_class(request.POST, **_form_kwargs(form_class, file))
    if form.is_valid():
        try:
            call(actor=request.user, file=file, **form.cleaned_data)
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Đã ghi: {title}.")
            return redirect("admission_detail", pk=file.pk)
    file = selectors.admission_get_for(scope, pk)
    return _admission_page(request, file, bound=(step, form))


# --- recognition file -----------------------------------------------------------------------


def _recognition_page(request, file: RecognitionFile, bound: tuple[str, object] | None = None):
    scope = _scope(request)
    can_act = scope.writes_path(file.org_path)
    step_forms = []
    if can_act:
        for slug, (step, title, form_class, _call) in RECOGNITION_FORMS.items():
            if file.stage not in services.RECOGNITION_STEPS[step]:
                continue
            if bound and bound[0] == slug:
                form = bound[1]
            else:
                form = form_class(initial=_initial(form_class))
            step_forms.append((slug, title, form))
    step_forms = _keep_bound(step_forms, bound, RECOGNITION_FORMS)
    context = {
        "file": file,
        "member": file.member,
        "votes": file.votes.all(),
        "log": file.log.select_related("actor"),
        "documents": documents_of(file),
        "next": services.recognition_next(file),
        "consider_deadline": services.rules.recognition_consider_deadline(file.probation_end),
        "decision_deadline": services.recognition_decision_deadline(file),
        "can_act": can_act,
        "step_forms": step_forms,
    }
    return render(request, "admissions/recognition_detail.html", context)


@login_required
@require_GET
def recognition_detail(request: HttpRequest, pk) -> HttpResponse:
    return _recognition_page(request, selectors.recognition_get_for(_scope(request), pk))


@login_required
@require_POST
def recognition_step(request: HttpRequest, pk, step: str) -> HttpResponse:
    scope = _scope(request)
    file = selectors.recognition_get_for(scope, pk)
    if step not in RECOGNITION_FORMS or not scope.writes_path(file.org_path):
        raise Http404
    _service_step, title, form_class, call = RECOGNITION_FORMS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(actor=request.user, file=file, **form.cleaned_data)
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Đã ghi: {title}.")
            return redirect("recognition_detail", pk=file.pk)
    file = selectors.recognition_get_for(scope, pk)
    return _recognition_page(request, file, bound=(step, form))
