"""Member pages (Vietnamese): the list, the record, its forms and downloads.

Each view parses input, calls one selector or service, and renders. Every view
that shows a record or a sensitive section of it writes the access log."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts import services as account_services
from dangvien.accounts.models import AccessKind
from dangvien.core.errors import ConcurrentEditError, DomainError, RecordValidationError
from dangvien.members import selectors as member_selectors
from dangvien.members import services as member_services
from dangvien.members.display import SENSITIVE_ROWS, record_sections
from dangvien.members.forms import ROW_MODELS, EventForm, MemberForm, row_formset
from dangvien.members.history import (
    history_event_allowed,
    member_entered_on,
    member_history_event_add,
)
from dangvien.members.models import (
    CatalogItem,
    CatalogKind,
    EventKind,
    Gender,
    Member,
    MembershipEvent,
    Status,
)
from dangvien.members.rules import ALLOWED
from dangvien.members.timeline import member_timeline
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS
from dangvien.places.models import Commune
from dangvien.web.common import apply_errors, request_scope

from .exports import audit_csv, day_from_query, entry_rows, int_or_none, typed_text

ROW_ATTR = {
    "chuc-vu": "posts",
    "cong-tac": "work_history",
    "gia-dinh": "family",
    "nuoc-ngoai": "trips",
}


def _log_access(request: HttpRequest, member: Member, *, sensitive: bool) -> None:
    """The access log entry of a view that shows the record (and its sensitive
    sections when `sensitive`)."""
    account_services.access_log_add(
        user=request.user,
        member=member,
        request=request,
        kinds=[AccessKind.RECORD, AccessKind.SENSITIVE] if sensitive else [AccessKind.RECORD],
    )


def _is_staff(scope) -> bool:
    """A role over some subtree (not only a member's own record)."""
    return scope.everything or bool(scope.paths)


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    """The members of the caller's scope (or of one organisation), filtered, in
    Vietnamese name order, by keyset pages with the total and the page number.
    A member with only their own record has no list (404)."""
    scope = request_scope(request)
    if not _is_staff(scope):
        raise Http404
    org_id = request.GET.get("org")
    org = org_selectors.organization_get_for(scope, org_id) if org_id else None
    status = request.GET.get("status", "active")
    if status not in ("active", "all", *Status.values):
        status = "active"
    flt = member_selectors.MemberFilter(
        organization=org,
        q=typed_text(request.GET.get("q")),
        status=status,
        gender=request.GET.get("gender", "") if request.GET.get("gender") in Gender.values else "",
        age_band=request.GET.get("age", ""),
        ethnicity=int_or_none(request.GET.get("ethnicity")),
        religion=int_or_none(request.GET.get("religion")),
        political_theory=int_or_none(request.GET.get("theory")),
        general_education=int_or_none(request.GET.get("education")),
        professional_qualification=int_or_none(request.GET.get("professional")),
    )
    size = member_selectors.PAGE_SIZE
    page = member_selectors.members_page(scope, flt, request.GET.get("sau"), size=size)
    total, exact = member_selectors.members_list_total(scope, flt)
    # A name typed that finds nobody: the names closest to it (a misspelling).
    name_search = bool(flt.q.strip()) and member_selectors.number_search(flt.q) is None
    similar = None
    if name_search and not page.items and not request.GET.get("sau"):
        similar = member_selectors.members_similar(scope, flt)
    page_count = max(1, math.ceil(total / size))
    number = min(int_or_none(request.GET.get("trang")) or 1, page_count)
    if not exact:  # a name search beyond SEARCH_COUNT_CAP: pages are not counted
        page_count = 0
        number = max(1, int_or_none(request.GET.get("trang")) or 1)
    if not request.GET.get("sau"):
        number = 1
    params = request.GET.copy()
    params.pop("sau", None)
    params.pop("trang", None)
    first_url = f"{reverse('member_list')}?{params.urlencode()}"
    next_url = None
    if page.next_cursor:
        params["sau"] = page.next_cursor
        params["trang"] = str(number + 1)
        next_url = f"{reverse('member_list')}?{params.urlencode()}"
    catalogs = {
        kind: CatalogItem.objects.filter(kind=kind).order_by("rank")
        for kind in (
            CatalogKind.ETHNICITY,
            CatalogKind.RELIGION,
            CatalogKind.POLITICAL_THEORY,
            CatalogKind.GENERAL_EDUCATION,
            CatalogKind.PROFESSIONAL,
        )
    }
    context = {
        "org": org,
        "flt": flt,
        "page": page,
        "total": total,
        "total_exact": exact,
        "similar": similar,
        "name_search": name_search and not page.items and not request.GET.get("sau"),
        "similar_max": member_selectors.SIMILAR_MAX_MEMBERS,
        "page_number": number,
        "page_count": page_count,
        "next_url": next_url,
        "first_url": first_url if request.GET.get("sau") else None,
        "statuses": Status.choices,
        "genders": Gender.choices,
        "age_bands": [(k, v[0]) for k, v in member_selectors.AGE_BANDS.items()],
        "catalogs": catalogs,
        "can_add": org is not None
        and org.holds_members
        and org.is_active
        and scope.writes_path(org.path),
    }
    return render(request, "members/list.html", context)


@login_required
def member_detail(request: HttpRequest, pk) -> HttpResponse:
    """The record, its history and its state on a chosen day (`?ngay=`)."""
    scope = request_scope(request)
    member = member_selectors.member_get_for(scope, pk)
    typed_day, day_error = day_from_query(request.GET.get("ngay"))
    day = typed_day or dt.date.today()
    state = member_selectors.member_state_on(member, day)
    sensitive = scope.sees_sensitive(member)
    _log_access(request, member, sensitive=sensitive)
    can_edit = scope.writes_path(member.org_path)
    context = {
        "member": member,
        "state": state,
        "state_day": day,
        "day_error": day_error,
        "events": member_selectors.member_events(member),
        "timeline": member_timeline(member, sensitive=sensitive),
        "sections": record_sections(member, sensitive=sensitive),
        "state_status": dict(Status.choices).get(state.status or "", "chưa vào Đảng"),
        "rows": [
            (slug, title, getattr(member, ROW_ATTR[slug]).all())
            for slug, (_m, _f, title) in ROW_MODELS.items()
            if sensitive or ROW_ATTR[slug] not in SENSITIVE_ROWS
        ],
        # The CV's birth year against the citizen ID's: shown only where the ID is.
        "citizen_id_mismatch": member.citizen_id_mismatch if sensitive else None,
        "can_edit": can_edit,
        "can_add_history": can_edit and history_event_allowed(actor=request.user, member=member),
        # Only a link the caller can open: a member does not reach their cell's page.
        "cell_link": scope.reaches_path(member.organization.path),
        "dues": _dues_section(member, scope),
    }
    return render(request, "members/detail.html", context)


def _dues_section(member: Member, scope) -> dict[str, Any]:
    """The dues card of the record: the profile in force, reliefs running now
    or later, this year's months unpaid without reason (dues pages: web/dues)."""
    from dangvien.dues import selectors as dues_selectors

    today = dt.date.today()
    return {
        "profile": dues_selectors.profile_on(member, today),
        "reliefs": member.dues_reliefs.filter(
            cancelled_on__isnull=True, last_month__gte=today.replace(day=1)
        ).order_by("first_month"),
        "unpaid": dues_selectors.unpaid_dues_months(member, today) if member.is_active else [],
        "may_edit": scope.writes_path(member.org_path),
    }


def _editable_member(request: HttpRequest, pk) -> Member:
    """A member the caller may edit: inside a subtree they hold a writing role at."""
    scope = request_scope(request)
    member = member_selectors.member_get_for(scope, pk)
    if not scope.writes_path(member.org_path):
        raise Http404
    return member


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    """Register a member in a cell the caller writes at."""
    scope = request_scope(request)
    org = org_selectors.organization_get_for(scope, request.GET.get("org"))
    if not scope.writes_path(org.path) or not org.holds_members or not org.is_active:
        raise Http404
    # The record to be: no pk yet, so never the caller's own (Scope.sees_sensitive).
    sensitive = scope.sees_sensitive(SimpleNamespace(pk=None, org_path=org.path))
    form = MemberForm(request.POST or None, request.FILES or None, sensitive=sensitive, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_services.member_create(
                actor=request.user, organization=org, data=form.record_data()
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm đảng viên {member.full_name}.")
            return redirect("member_detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "org": org, "member": None})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk) -> HttpResponse:
    """Edit the record; the form shows the whole record (logged as a view of it)."""
    member = _editable_member(request, pk)
    scope = request_scope(request)
    sensitive = scope.sees_sensitive(member)
    form = MemberForm(
        request.POST or None,
        request.FILES or None,
        instance=member,
        initial={"version": member.version},
        sensitive=sensitive,
        scope=scope,
    )
    if request.method == "POST" and form.is_valid():
        try:
            member_services.member_update(
                actor=request.user,
                member_id=member.pk,
                expected_version=form.cleaned_data.get("version") or 0,
                data=form.record_data(),
            )
        except ConcurrentEditError as exc:
            form.add_error(None, exc.message)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thay đổi hồ sơ.")
            return redirect("member_detail", pk=member.pk)
    member.refresh_from_db()
    _log_access(request, member, sensitive=sensitive)
    return render(
        request, "members/form.html", {"form": form, "org": member.organization, "member": member}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_rows(request: HttpRequest, pk, slug: str) -> HttpResponse:
    """Add or correct the dated rows of one section (posts, work, family, trips)."""
    if slug not in ROW_MODELS:
        raise Http404
    member = _editable_member(request, pk)
    sensitive_section = ROW_ATTR[slug] in SENSITIVE_ROWS
    if sensitive_section and not request_scope(request).sees_sensitive(member):
        raise Http404
    model, _fields, title = ROW_MODELS[slug]
    formset_class = row_formset(slug)
    queryset = model.objects.filter(member=member)
    formset = formset_class(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        version = int_or_none(request.POST.get("version")) or 0
        rows = [
            (index, f.instance.pk, {k: v for k, v in f.cleaned_data.items() if k != "id"})
            for index, f in enumerate(formset.forms)
            if f.has_changed() and f.cleaned_data
        ]
        try:
            member_services.member_save_rows(
                actor=request.user,
                member=member,
                model=model,
                rows=rows,
                expected_version=version,
            )
        except ConcurrentEditError as exc:
            messages.error(request, exc.message)
        except RecordValidationError as exc:
            for key, msgs in exc.errors.items():
                _prefix, index, field = key.split("-", 2)
                for message in msgs:
                    formset.forms[int(index)].add_error(field, message)
        else:
            messages.success(request, f"Đã lưu mục «{title}».")
            return redirect("member_detail", pk=member.pk)
    _log_access(request, member, sensitive=sensitive_section)
    return render(
        request, "members/rows.html", {"formset": formset, "member": member, "title": title}
    )


def _history_kinds(member: Member) -> list[tuple[str, Any]]:
    """The kinds that may follow the member's status; for a record loaded without
    its history (no event yet), also the kinds that may open a history."""
    statuses: set[str | None] = {member.status}
    if not MembershipEvent.objects.filter(member=member).exists():
        statuses.add(None)
    return [
        (kind, label)
        for kind, label in EventKind.choices
        if any(status in ALLOWED[kind] for status in statuses)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def member_event_add(request: HttpRequest, pk) -> HttpResponse:
    """Type one past event from the paper dossier (the grassroots office and above;
    a cell gets 404). Events a workflow governs go through its page."""
    member = _editable_member(request, pk)
    if not history_event_allowed(actor=request.user, member=member):
        raise Http404
    scope = request_scope(request)
    cells = org_selectors.organizations_visible_to(scope).filter(
        level__in=MEMBER_HOLDING_LEVELS, valid_to__isnull=True
    )
    form = EventForm(
        request.POST or None, kinds=_history_kinds(member), organizations=cells, member=member
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_history_event_add(
                actor=request.user,
                member=member,
                kind=data["kind"],
                date=data["date"],
                date_precision=data["date_precision"],
                organization=data["organization"],
                other_party=data["other_party"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                decided_by=data["decided_by"],
                reason=data["reason"],
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã ghi sự kiện.")
            return redirect("member_detail", pk=member.pk)
    _log_access(request, member, sensitive=False)
    return render(
        request,
        "members/event_form.html",
        {"form": form, "member": member, "entered_on": member_entered_on(member)},
    )


@login_required
@require_GET
def member_photo(request: HttpRequest, pk) -> FileResponse:
    """A member's photo, to callers whose scope reaches the member (personal data)."""
    member = member_selectors.member_get_for(request_scope(request), pk)
    if not member.photo:
        raise Http404
    account_services.access_log_add(
        user=request.user, member=member, request=request, kinds=[AccessKind.PHOTO]
    )
    try:
        content_type = member_services.photo_content_type(member.photo)
        handle = member.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # The type the bytes are, never the one the file name suggests (a PNG stored as
    # «anh.pdf» is an image/png); what is no accepted image is only downloaded.
    response = FileResponse(
        handle,
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=f"anh-{member.pk}.{content_type.split('/')[1]}"
        if content_type
        else f"anh-{member.pk}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def member_audit_csv(request: HttpRequest, pk) -> HttpResponse:
    """The record's change history as CSV (UTF-8 with BOM, so Excel reads Vietnamese)."""
    scope = request_scope(request)
    member = member_selectors.member_get_for(scope, pk)
    sensitive = scope.sees_sensitive(member)
    entries = member_timeline(member, limit=1000, sensitive=sensitive)
    _log_access(request, member, sensitive=sensitive)
    return audit_csv(f"lich-su-ho-so-{member.pk}.csv", entry_rows(entries))


@login_required
@require_GET
def communes(request: HttpRequest) -> JsonResponse:
    """Communes of a province, for the address selects (public reference data)."""
    province = int_or_none(request.GET.get("province"))
    # No province (or an unreadable one): no commune, as `province_id IS NULL` finds none.
    of_province = (
        Commune.objects.filter(province_id=province)
        if province is not None
        else Commune.objects.none()
    )
    rows = of_province.order_by("name").values_list("code", "name")
    return JsonResponse({"items": [{"code": c, "name": n} for c, n in rows]})
