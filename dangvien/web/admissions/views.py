"""Pages of admission and recognition (Vietnamese). Views parse, call one service
or selector, render; every object is fetched through the caller's scope (404
outside it). The step forms shown are those of `WORKFLOW.open_steps(file, user)`:
who may take a step is decided by the table in the domain, and a refused step
shows the service's coded message at its form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.admissions import rules, selectors, services
from dangvien.admissions.models import AdmissionFile, CellVote, RecognitionFile
from dangvien.admissions.workflow import (
    ADMISSION,
    RECOGNITION,
    admission_ceremony_deadline,
    admission_decision_deadline,
    admission_detail,
    admission_stale_from,
    recognition_decision_deadline,
    recognition_detail,
)
from dangvien.compliance.workflow import Workflow
from dangvien.core.errors import DomainError
from dangvien.documents.selectors import documents_of
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member, Status
from dangvien.movements import selectors as movement_selectors
from dangvien.organizations import selectors as org_selectors
from dangvien.web.cases.registry import acting_label, case_step_label
from dangvien.web.common import apply_errors, request_scope

from . import forms as f

# --- step tables: step code -> (URL slug, title, form, service) ------------------------------

Call = Callable[..., object]

ADMISSION_FORMS: dict[str, tuple[str, str, type, Call]] = {
    "dossier": ("ho-so", "Hoàn thiện hồ sơ", f.DossierForm, services.admission_complete_dossier),
    "renew": ("ho-so", "Hoàn thiện hồ sơ", f.DossierForm, services.admission_complete_dossier),
    "cell_vote": ("bieu-quyet", "Chi bộ biểu quyết", f.VoteForm, services.admission_cell_vote),
    "escalation": (
        "cap-tren",
        "Kết luận của cấp ủy cấp trên",
        f.EscalationForm,
        services.admission_escalation_decide,
    ),
    "grassroots": (
        "dang-uy",
        "Nghị quyết của đảng ủy cơ sở",
        f.GrassrootsForm,
        services.admission_grassroots_resolve,
    ),
    "decision": ("quyet-dinh", "Quyết định kết nạp", f.DecisionForm, services.admission_decide),
    "ceremony": ("le-ket-nap", "Lễ kết nạp", f.CeremonyForm, services.admission_ceremony),
    "extension": (
        "gia-han",
        "Gia hạn thời hạn quyết định",
        f.ExtensionForm,
        services.admission_extend,
    ),
    "close": ("dong", "Đóng hồ sơ", f.CloseForm, services.admission_close),
}

RECOGNITION_FORMS: dict[str, tuple[str, str, type, Call]] = {
    "cell_vote": (
        "bieu-quyet",
        "Chi bộ xét công nhận chính thức",
        f.RecognitionVoteForm,
        services.recognition_cell_vote,
    ),
    "escalation": (
        "cap-tren",
        "Kết luận của cấp ủy cấp trên",
        f.RecognitionEscalationForm,
        services.recognition_escalation_decide,
    ),
    "grassroots": (
        "dang-uy",
        "Nghị quyết của đảng ủy cơ sở",
        f.RecognitionGrassrootsForm,
        services.recognition_grassroots_resolve,
    ),
    "decision": (
        "quyet-dinh",
        "Quyết định của cấp ủy có thẩm quyền",
        f.RecognitionDecisionForm,
        services.recognition_decide,
    ),
    "extension": (
        "gia-han",
        "Gia hạn thời hạn quyết định",
        f.ExtensionForm,
        services.recognition_extend,
    ),
}


def _by_slug(table: dict[str, tuple[str, str, type, Call]], slug: str):
    """(title, form class, service) of the page's slug; 404 for an unknown slug."""
    for _code, (s, title, form_class, call) in table.items():
        if s == slug:
            return title, form_class, call
    raise Http404


def _form_kwargs(form_class, file) -> dict:
    if issubclass(form_class, f.VoteForm):
        # The presence list of the cell's official members on the meeting date
        # (today until the page sends another), with the base R1.8a gives.
        member = file.member if isinstance(file, RecognitionFile) else None
        cell = member.organization if member is not None else file.organization
        return {"vote": movement_selectors.cell_vote_base(cell, dt.date.today(), subject=member)}
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


def _step_forms(request, wf: Workflow, table, file, bound=None) -> list[tuple[str, str, object]]:
    """(slug, title, form) of each step the table opens to this user now; a refused
    post keeps its bound form (with the reason) even when its step is not open."""
    forms_: list[tuple[str, str, object]] = []
    for step in wf.open_steps(file, request.user):
        if step.code not in table:
            continue
        slug, title, form_class, _call = table[step.code]
        if any(slug == s for s, _t, _f in forms_):
            continue
        if bound and bound[0] == slug:
            form = bound[1]
        else:
            form = form_class(initial=_initial(form_class), **_form_kwargs(form_class, file))
        forms_.append((slug, title, form))
    if bound and bound[0] not in [s for s, _t, _f in forms_]:
        title, _form_class, _call = _by_slug(table, bound[0])
        forms_.insert(0, (bound[0], title, bound[1]))
    return forms_


def _next(wf: Workflow, file, detail: str):
    """(code, label, who acts, due date) of the step the file waits for, or None."""
    step = wf.awaited(file).get("")
    if step is None:
        return None
    org = step.acting(file)
    return (
        step.code,
        case_step_label(str(wf.kind), step.code, detail),
        acting_label(step.body_of(file), org.name if org else None),
        step.due(file) if step.due else None,
    )


def _with_case_labels(files, kind: str) -> list:
    """The list rows with `next_label` and `next_actor` from their open case."""
    rows = list(files)
    for x in rows:
        x.next_label = case_step_label(kind, x.case_step or "", x.case_detail or "")
        x.next_actor = acting_label(x.case_body or "", x.case_acting_name)
    return rows


def _post_step(request, wf_table, file, slug: str):
    """Run the slug's service on a bound form: (form, done)."""
    title, form_class, call = _by_slug(wf_table, slug)
    form = form_class(request.POST, **_form_kwargs(form_class, file))
    if form.is_valid():
        try:
            result = call(actor=request.user, file=file, **form.cleaned_data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            if isinstance(result, CellVote) and not result.passed:
                # A vote that fails is recorded, but it is not good news: say so.
                messages.warning(
                    request,
                    f"Đã ghi biểu quyết lần {result.round}: không đạt "
                    f"({result.votes_for}/{result.base} tán thành).",
                )
            else:
                messages.success(request, f"Đã ghi: {title}.")
            return form, True
    return form, False


# --- list ---------------------------------------------------------------------------------


@login_required
@require_GET
def admission_list(request: HttpRequest) -> HttpResponse:
    """Open admission and recognition files and probationary members of ?org's subtree."""
    scope = request_scope(request)
    org_id = request.GET.get("org")
    org = org_selectors.organization_get_for(scope, org_id) if org_id else None
    writes = scope.writes_path(org.path) if org else bool(scope.everything or scope.write_paths)
    context = {
        "org": org,
        "files": _with_case_labels(selectors.admission_files_open(scope, org)[:500], "admission"),
        "recognitions": _with_case_labels(
            selectors.recognition_files_open(scope, org)[:500], "recognition"
        ),
        "probationary": selectors.probationary_members(scope, org),
        "today": dt.date.today(),
        "can_add": org is not None
        and org.holds_members
        and org.is_active
        and scope.writes_path(org.path),
        "can_open_due": writes,
        "open_days_ahead": rules.RECOGNITION_OPEN_DAYS_AHEAD.on(dt.date.today()),
    }
    return render(request, "admissions/list.html", context)


@login_required
@require_POST
def recognition_open_due(request: HttpRequest) -> HttpResponse:
    """Open the recognition files that are due in the caller's writable subtree."""
    scope = request_scope(request)
    org = org_selectors.organization_get_for(scope, request.POST.get("org"))
    if not scope.writes_path(org.path):
        raise Http404
    count = services.recognition_open_due(actor=request.user, on=dt.date.today(), organization=org)
    messages.success(request, f"Đã mở {count} hồ sơ xét công nhận đảng viên chính thức.")
    return redirect(f"{_list_url()}?org={org.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def admission_targets(request: HttpRequest) -> HttpResponse:
    """Admissions of a year against the targets of ?org and the organisations
    directly under it (?nam=, this year by default); a writer there sets a
    target (admissions.services.admission_target_set)."""
    scope = request_scope(request)
    org = org_selectors.organization_get_for(scope, request.GET.get("org"))
    today = dt.date.today()
    try:
        year = int(request.GET.get("nam") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 1930), today.year + 1)
    rows = selectors.admission_progress(org, year, today)
    # The committee above gives a target: the organisations directly under one
    # the caller writes at, and the page's own when it writes at its parent.
    choices = [r.organization for r in rows[1:]] if scope.writes_path(org.path) else []
    if (
        org.parent is not None
        and scope.writes_path(org.parent.path)
        or (org.parent is None and scope.writes_path(org.path))
    ):
        choices.insert(0, org)
    form = None
    if choices and org.is_active:
        form = f.TargetForm(
            request.POST or None,
            organizations=choices,
            initial={"organization": choices[0].pk, "year": year},
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            target_org = next(o for o in choices if o.pk == d["organization"])
            try:
                services.admission_target_set(
                    actor=request.user,
                    organization=target_org,
                    year=d["year"],
                    count=d["count"],
                    decision=d["decision"],
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Đã giao chỉ tiêu kết nạp năm {d['year']} của {target_org.name}: "
                    f"{d['count']} đảng viên.",
                )
                return redirect(f"{request.path}?org={org.pk}&nam={d['year']}")
    elif request.method == "POST":
        raise Http404
    current = year == today.year
    return render(
        request,
        "admissions/targets.html",
        {
            "org": org,
            "year": year,
            "rows": rows,
            "form": form,
            "today": today,
            "until": today if current else dt.date(year, 12, 31),
            "expected_on": today if current else None,
            # Behind anywhere below, not only one level down (the console counts them all).
            "behind": [
                p
                for p in selectors.admissions_behind(org, year, today)
                if p.organization.pk not in {r.organization.pk for r in rows}
            ]
            if current
            else [],
        },
    )


def _list_url() -> str:
    from django.urls import reverse

    return reverse("admission_list")


# --- create ---------------------------------------------------------------------------------


def _writable_cell(request: HttpRequest):
    scope = request_scope(request)
    org = org_selectors.organization_get_for(scope, request.GET.get("org"))
    if not scope.writes_path(org.path) or not org.holds_members or not org.is_active:
        raise Http404
    return org


@login_required
@require_http_methods(["GET", "POST"])
def admission_create(request: HttpRequest) -> HttpResponse:
    """Open an admission file in the cell ?org (404 unless the user writes there)."""
    org = _writable_cell(request)
    form = f.CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            file = services.admission_open(
                actor=request.user, organization=org, data=data, opened_on=data.pop("opened_on")
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã mở hồ sơ kết nạp {file.candidate.full_name}.")
            return redirect("admission_detail", pk=file.pk)
    return render(
        request, "admissions/form.html", {"form": form, "org": org, "title": "Mở hồ sơ kết nạp"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def readmission_create(request: HttpRequest) -> HttpResponse:
    """Open a readmission file for a former member, in the cell ?org."""
    org = _writable_cell(request)
    scope = request_scope(request)
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
            apply_errors(form, exc)
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
    scope = request_scope(request)
    step_forms = _step_forms(request, ADMISSION, ADMISSION_FORMS, file, bound)
    stale_from = admission_stale_from(file)
    context = {
        "file": file,
        "candidate": file.candidate,
        "votes": file.votes.all(),
        "log": file.log.select_related("actor"),
        "documents": documents_of(file),
        "next": _next(ADMISSION, file, admission_detail(file)),
        "stale_from": stale_from,
        "stale_months": rules.DOSSIER_STALE_MONTHS.on(file.renewed_on or file.opened_on),
        "is_stale": stale_from is not None and dt.date.today() >= stale_from,
        "decision_deadline": admission_decision_deadline(file),
        "ceremony_deadline": admission_ceremony_deadline(file),
        "recognition": RecognitionFile.objects.filter(admission=file).first(),
        "can_act": bool(step_forms) and scope.writes_path(file.org_path),
        "step_forms": step_forms,
    }
    return render(request, "admissions/detail.html", context)


@login_required
@require_GET
def admission_detail_page(request: HttpRequest, pk) -> HttpResponse:
    """The admission file with the forms of the steps the user may take now."""
    return _admission_page(request, selectors.admission_get_for(request_scope(request), pk))


@login_required
@require_POST
def admission_step(request: HttpRequest, pk, step: str) -> HttpResponse:
    """Post one step's form; a role that writes nowhere on the file's path is 404
    (read-only), a writing role the table refuses sees the coded message at the form."""
    scope = request_scope(request)
    file = selectors.admission_get_for(scope, pk)
    if not scope.writes_path(file.org_path):
        raise Http404
    form, done = _post_step(request, ADMISSION_FORMS, file, step)
    if done:
        return redirect("admission_detail", pk=file.pk)
    file = selectors.admission_get_for(scope, pk)
    return _admission_page(request, file, bound=(step, form))


# --- recognition file -----------------------------------------------------------------------


def _recognition_page(request, file: RecognitionFile, bound: tuple[str, object] | None = None):
    scope = request_scope(request)
    step_forms = _step_forms(request, RECOGNITION, RECOGNITION_FORMS, file, bound)
    context = {
        "file": file,
        "member": file.member,
        "votes": file.votes.all(),
        "log": file.log.select_related("actor"),
        "documents": documents_of(file),
        "next": _next(RECOGNITION, file, recognition_detail(file)),
        "probation_months": rules.PROBATION_MONTHS.on(file.probation_start),
        "consider_days": rules.RECOGNITION_CONSIDER_WORKING_DAYS.on(file.probation_end),
        "consider_deadline": rules.recognition_consider_deadline(file.probation_end),
        "decision_deadline": recognition_decision_deadline(file),
        "can_act": bool(step_forms) and scope.writes_path(file.org_path),
        "step_forms": step_forms,
    }
    return render(request, "admissions/recognition_detail.html", context)


@login_required
@require_GET
def recognition_detail_page(request: HttpRequest, pk) -> HttpResponse:
    """The recognition file with the forms of the steps the user may take now."""
    return _recognition_page(request, selectors.recognition_get_for(request_scope(request), pk))


@login_required
@require_POST
def recognition_step(request: HttpRequest, pk, step: str) -> HttpResponse:
    """As `admission_step`, for the recognition file."""
    scope = request_scope(request)
    file = selectors.recognition_get_for(scope, pk)
    if not scope.writes_path(file.org_path):
        raise Http404
    form, done = _post_step(request, RECOGNITION_FORMS, file, step)
    if done:
        return redirect("recognition_detail", pk=file.pk)
    file = selectors.recognition_get_for(scope, pk)
    return _recognition_page(request, file, bound=(step, form))
