"""Pages (Vietnamese). Each view parses input, calls one selector or service,
and renders; the rules live in the domain packages."""

from __future__ import annotations

import datetime as dt
from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts import selectors as account_selectors
from dangvien.accounts import services as account_services
from dangvien.accounts.models import AccessKind
from dangvien.core.errors import ConcurrentEditError, DomainError, RecordValidationError
from dangvien.members import selectors as member_selectors
from dangvien.members import services as member_services
from dangvien.members.display import SENSITIVE_ROWS, record_sections
from dangvien.members.forms import ROW_MODELS, EventForm, MemberForm, row_formset
from dangvien.members.models import (
    CatalogItem,
    CatalogKind,
    EventKind,
    Gender,
    Status,
)
from dangvien.members.rules import ALLOWED
from dangvien.members.timeline import member_timeline, organization_timeline
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS
from dangvien.places.models import Commune
from dangvien.web.common import apply_errors, parse_date, request_scope

# Shared web plumbing lives in web.common; the old names stay for the areas'
# modules that import them from here.
_scope = request_scope
_parse_date = parse_date


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    roots = org_selectors.organization_roots_for(scope)
    if not roots and scope.member_id:
        return redirect("member_detail", pk=scope.member_id)
    if len(roots) == 1:
        return redirect("organization_detail", pk=roots[0].pk)
    return render(request, "organizations/roots.html", {"roots": roots})


@login_required
def organization_detail(request: HttpRequest, pk) -> HttpResponse:
    scope = _scope(request)
    org = org_selectors.organization_get_for(scope, pk)
    ancestors = [a for a in org_selectors.organization_ancestors(org) if scope.reaches_path(a.path)]
    day = _parse_date(request.GET.get("ngay"))
    context = {
        "org": org,
        "ancestors": ancestors,
        "children": org_selectors.organization_children_with_counts(
            org, include_dissolved=request.GET.get("giai_the") == "1"
        ),
        "member_count": member_selectors.members_filtered(
            scope, member_selectors.MemberFilter(organization=org)
        ).count(),
        "events": org.events.order_by("-date", "-id")[:20],
        "state_day": day,
        "state": org_selectors.organization_state_on(org, day) if day else None,
        "members_on_day": member_selectors.members_of_organization_on(org, day).count()
        if day
        else None,
    }
    return render(request, "organizations/detail.html", context)


def _int_or_none(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is None or 0 < number < 2**63 else None


def _text(value: str | None, limit: int = 100) -> str:
    """Typed text as the database can take it: no NUL characters, bounded."""
    return (value or "").replace("\x00", "")[:limit]


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    org_id = request.GET.get("org")
    org = org_selectors.organization_get_for(scope, org_id) if org_id else None
    status = request.GET.get("status", "active")
    if status not in ("active", "all", *Status.values):
        status = "active"
    flt = member_selectors.MemberFilter(
        organization=org,
        q=_text(request.GET.get("q")),
        status=status,
        gender=request.GET.get("gender", "") if request.GET.get("gender") in Gender.values else "",
        age_band=request.GET.get("age", ""),
        ethnicity=_int_or_none(request.GET.get("ethnicity")),
        religion=_int_or_none(request.GET.get("religion")),
        political_theory=_int_or_none(request.GET.get("theory")),
        general_education=_int_or_none(request.GET.get("education")),
        professional_qualification=_int_or_none(request.GET.get("professional")),
    )
    page = member_selectors.members_page(scope, flt, request.GET.get("sau"))
    params = request.GET.copy()
    params.pop("sau", None)
    next_url = None
    if page.next_cursor:
        params["sau"] = page.next_cursor
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
        "next_url": next_url,
        "first_url": f"{reverse('member_list')}?{params.urlencode()}"
        if request.GET.get("sau")
        else None,
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
    scope = _scope(request)
    member = member_selectors.member_get_for(scope, pk)
    day = _parse_date(request.GET.get("ngay")) or dt.date.today()
    state = member_selectors.member_state_on(member, day)
    sensitive = scope.sees_sensitive(member)
    account_services.access_log_add(
        user=request.user,
        member=member,
        request=request,
        kinds=[AccessKind.RECORD, AccessKind.SENSITIVE] if sensitive else [AccessKind.RECORD],
    )
    context = {
        "member": member,
        "state": state,
        "state_day": day,
        "events": member_selectors.member_events(member),
        "timeline": member_timeline(member, sensitive=sensitive),
        "sections": record_sections(member, sensitive=sensitive),
        "state_status": dict(Status.choices).get(state.status, "chưa vào Đảng"),
        "rows": [
            (slug, title, getattr(member, _ROW_ATTR[slug]).all())
            for slug, (_m, _f, title) in ROW_MODELS.items()
            if sensitive or _ROW_ATTR[slug] not in SENSITIVE_ROWS
        ],
        "can_edit": scope.writes_path(member.org_path),
    }
    return render(request, "members/detail.html", context)


_ROW_ATTR = {
    "chuc-vu": "posts",
    "cong-tac": "work_history",
    "gia-dinh": "family",
    "nuoc-ngoai": "trips",
}


def _editable_member(request: HttpRequest, pk):
    """A member the caller may edit: inside a subtree they hold a role at."""
    scope = _scope(request)
    member = member_selectors.member_get_for(scope, pk)
    if not scope.writes_path(member.org_path):
        raise Http404
    return member


_apply_errors = apply_errors


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    org = org_selectors.organization_get_for(scope, request.GET.get("org"))
    if not scope.writes_path(org.path) or not org.holds_members or not org.is_active:
        raise Http404
    form = MemberForm(
        request.POST or None,
        request.FILES or None,
        sensitive=scope.everything or any(org.path.startswith(p) for p in scope.sensitive_paths),
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = member_services.member_create(
                actor=request.user, organization=org, data=form.record_data()
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm đảng viên {member.full_name}.")
            return redirect("member_detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "org": org, "member": None})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk) -> HttpResponse:
    member = _editable_member(request, pk)
    form = MemberForm(
        request.POST or None,
        request.FILES or None,
        instance=member,
        initial={"version": member.version},
        sensitive=_scope(request).sees_sensitive(member),
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
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thay đổi hồ sơ.")
            return redirect("member_detail", pk=member.pk)
    member.refresh_from_db()
    return render(
        request, "members/form.html", {"form": form, "org": member.organization, "member": member}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_rows(request: HttpRequest, pk, slug: str) -> HttpResponse:
    if slug not in ROW_MODELS:
        raise Http404
    member = _editable_member(request, pk)
    if _ROW_ATTR[slug] in SENSITIVE_ROWS and not _scope(request).sees_sensitive(member):
        raise Http404
    model, _fields, title = ROW_MODELS[slug]
    formset_class = row_formset(slug)
    queryset = model.objects.filter(member=member)
    formset = formset_class(request.POST or None, queryset=queryset)
    version = _int_or_none(request.POST.get("version")) or 0 if request.method == "POST" else None
    if request.method == "POST" and formset.is_valid():
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
    return render(
        request, "members/rows.html", {"formset": formset, "member": member, "title": title}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_event_add(request: HttpRequest, pk) -> HttpResponse:
    member = _editable_member(request, pk)
    scope = _scope(request)
    kinds = [
        (k, label)
        for k, label in EventKind.choices
        if member.status in ALLOWED[k] and k not in (EventKind.ADMITTED,)
    ]
    cells = org_selectors.organizations_visible_to(scope).filter(
        level__in=MEMBER_HOLDING_LEVELS, valid_to__isnull=True
    )
    form = EventForm(request.POST or None, kinds=kinds, organizations=cells)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_services.member_add_event(
                actor=request.user,
                member=member,
                kind=data["kind"],
                date=data["date"],
                organization=data["organization"],
                other_party=data["other_party"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                decided_by=data["decided_by"],
                reason=data["reason"],
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã ghi sự kiện.")
            return redirect("member_detail", pk=member.pk)
    return render(request, "members/event_form.html", {"form": form, "member": member})


@login_required
@require_GET
def member_photo(request: HttpRequest, pk) -> FileResponse:
    """A member's photo, to callers whose scope reaches the member (personal data)."""
    member = member_selectors.member_get_for(_scope(request), pk)
    if not member.photo:
        raise Http404
    account_services.access_log_add(
        user=request.user, member=member, request=request, kinds=[AccessKind.PHOTO]
    )
    try:
        handle = member.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def communes(request: HttpRequest) -> JsonResponse:
    """Communes of a province, for the address selects (public reference data)."""
    province = _int_or_none(request.GET.get("province"))
    rows = Commune.objects.filter(province_id=province).order_by("name").values_list("code", "name")
    return JsonResponse({"items": [{"code": c, "name": n} for c, n in rows]})


def _csv_cell(value) -> str:
    """Spreadsheet-safe text: a leading = + - @ would start a formula in Excel."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def member_audit_csv(request: HttpRequest, pk) -> HttpResponse:
    """The record's change history as CSV (UTF-8 with BOM, so Excel reads Vietnamese)."""

    scope = _scope(request)
    member = member_selectors.member_get_for(scope, pk)
    entries = member_timeline(member, limit=1000, sensitive=scope.sees_sensitive(member))
    return _audit_csv(f"lich-su-ho-so-{member.pk}.csv", _entry_rows(entries))


VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")


def _vietnam_time(when: dt.datetime) -> str:
    """A moment as Vietnamese offices write it: dd/mm/yyyy HH:MM, Vietnam time."""
    return when.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y %H:%M")


def _entry_rows(entries):
    for entry in entries:
        when = _vietnam_time(entry.when)
        for change in entry.changes or [None]:
            yield [
                when,
                entry.who,
                entry.what,
                capfirst(change.field) if change else "",
                change.before if change else "",
                change.after if change else "",
            ]


AUDIT_COLUMNS = ["Thời điểm", "Người sửa", "Nội dung", "Trường", "Trước", "Sau"]


def _csv_download(filename: str, columns: list[str], rows) -> HttpResponse:
    """Rows as CSV (UTF-8 with BOM, so Excel reads Vietnamese; formula-safe).
    The first column is a date written by us; every other cell may hold typed text."""
    import csv

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[0], *(_csv_cell(value) for value in row[1:])])
    return response


def _audit_csv(filename: str, rows) -> HttpResponse:
    """An audit (who changed what, before and after) as CSV."""
    return _csv_download(filename, AUDIT_COLUMNS, rows)


@login_required
@require_GET
def organization_audit_csv(request: HttpRequest, pk) -> HttpResponse:
    """An organisation's dated events and the edits of its record, as CSV."""
    org = org_selectors.organization_get_for(_scope(request), pk)
    rows = [
        [
            event.date.strftime("%d/%m/%Y"),
            event.created_by.get_username() if event.created_by else "hệ thống",
            f"Sự kiện: {event.get_kind_display()}"
            + (f" (QĐ {event.decision_number})" if event.decision_number else ""),
            "",
            ", ".join(f"{k}: {v}" for k, v in event.before.items()),
            ", ".join(f"{k}: {v}" for k, v in event.after.items()),
        ]
        for event in org.events.select_related("created_by").order_by("date", "id")
    ]
    rows += list(_entry_rows(organization_timeline(org)))
    return _audit_csv(f"lich-su-to-chuc-{org.pk}.csv", rows)


def _access_log_entries(request: HttpRequest):
    """The access log the caller may read: the organisation board and inspection
    committee of a subtree see the views of records in it, the administrator all;
    anyone else gets 404. `?dv=<member id>` keeps one member's entries."""
    from dangvien.accounts.models import AccessLog

    scope = _scope(request)
    if not (scope.everything or scope.sensitive_paths):
        raise Http404
    entries = AccessLog.objects.select_related("user", "member")
    if not scope.everything:
        reached = Q()
        for path in scope.sensitive_paths:
            reached |= Q(org_path__startswith=path)
        entries = entries.filter(reached)
    member_id = _int_or_none(request.GET.get("dv"))
    if member_id:
        entries = entries.filter(member_id=member_id)
    return entries, member_id


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at which record (the latest 300 entries)."""
    entries, member_id = _access_log_entries(request)
    context = {
        "entries": entries[:300],
        "member_id": member_id,
        "can_reset_two_factor": account_selectors.two_factor_reset_allowed(request.user),
    }
    return render(request, "accounts/access_log.html", context)


ACCESS_LOG_CSV_LIMIT = 50_000  # the latest entries; one member's (?dv=) are far fewer


@login_required
@require_GET
def access_log_csv(request: HttpRequest) -> HttpResponse:
    """The access log as CSV, with the page's filter, newest first."""
    entries, member_id = _access_log_entries(request)
    rows = (
        [
            _vietnam_time(entry.at),
            entry.user.get_username(),
            entry.member.full_name,
            entry.get_kind_display(),
            entry.address or "",
        ]
        for entry in entries[:ACCESS_LOG_CSV_LIMIT].iterator(chunk_size=2000)
    )
    return _csv_download(
        f"nhat-ky-truy-cap-{member_id}.csv" if member_id else "nhat-ky-truy-cap.csv",
        ["Thời điểm", "Người xem", "Đảng viên", "Nội dung", "Địa chỉ"],
        rows,
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first time), or type its 6-digit code."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=request.user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Ứng dụng xác thực", confirmed=False
        )
    error = None
    if request.method == "POST":
        code = _text(request.POST.get("code"), 12).strip()
        if code.isdigit() and device.verify_token(code):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("home")
        error = "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới trong ứng dụng."
    return render(
        request,
        "auth/two_factor.html",
        {
            "device": device,
            "setup": not device.confirmed,
            "secret": b32encode(device.bin_key).decode() if not device.confirmed else "",
            "error": error,
        },
    )


@login_required
@require_GET
def two_factor_users(request: HttpRequest) -> HttpResponse:
    """Accounts with an authenticator that the caller may reset (administrator,
    organisation board); 404 for anyone else."""
    if not account_selectors.two_factor_reset_allowed(request.user):
        raise Http404
    q = _text(request.GET.get("q"), 150).strip()
    context = {
        "users": account_selectors.two_factor_accounts_for(request.user, q),
        "resets": account_selectors.two_factor_resets_for(request.user),
        "q": q,
    }
    return render(request, "accounts/two_factor_users.html", context)


@login_required
@require_POST
def two_factor_reset(request: HttpRequest, pk) -> HttpResponse:
    """Reset an account's two-factor login: its owner sets up a new authenticator."""
    user = account_selectors.user_two_factor_resettable_get(request.user, pk)
    try:
        account_services.two_factor_reset(actor=request.user, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Đã đặt lại xác thực hai lớp của tài khoản «{user.get_username()}». "
            "Lần đăng nhập tới, người dùng sẽ thiết lập lại ứng dụng xác thực.",
        )
    return redirect("two_factor_users")
