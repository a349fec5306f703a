"""Security pages (Vietnamese): the two-factor login step, the reset of another
account's two-factor login, and the access log (who looked at which record)."""

from __future__ import annotations

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts import selectors as account_selectors
from dangvien.accounts import services as account_services
from dangvien.core.errors import DomainError
from dangvien.web.common import request_scope
from dangvien.web.members.exports import csv_download, int_or_none, typed_text, vietnam_time

ACCESS_LOG_CSV_LIMIT = 50_000  # the latest entries; one member's (?dv=) are far fewer


def _access_log_entries(request: HttpRequest):
    """The access log the caller may read: the organisation board and inspection
    committee of a subtree see the views of records in it, the administrator all;
    anyone else gets 404. `?dv=<member id>` keeps one member's entries."""
    from dangvien.accounts.models import AccessLog

    scope = request_scope(request)
    if not (scope.everything or scope.sensitive_paths):
        raise Http404
    entries = AccessLog.objects.select_related("user", "member")
    if not scope.everything:
        reached = Q()
        for path in scope.sensitive_paths:
            reached |= Q(org_path__startswith=path)
        entries = entries.filter(reached)
    member_id = int_or_none(request.GET.get("dv"))
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


@login_required
@require_GET
def access_log_csv(request: HttpRequest) -> HttpResponse:
    """The access log as CSV, with the page's filter, newest first."""
    entries, member_id = _access_log_entries(request)
    rows = (
        [
            vietnam_time(entry.at),
            entry.user.get_username(),
            entry.member.full_name,
            entry.get_kind_display(),
            entry.address or "",
        ]
        for entry in entries[:ACCESS_LOG_CSV_LIMIT].iterator(chunk_size=2000)
    )
    return csv_download(
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
        code = typed_text(request.POST.get("code"), 12).strip()
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
    q = typed_text(request.GET.get("q"), 150).strip()
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
