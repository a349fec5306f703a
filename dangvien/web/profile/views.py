"""Pages of «Tài khoản của tôi» (the user's own API tokens and password) and the
administrator's password reset. Each view parses input and calls one accounts
selector or service."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts import selectors as account_selectors
from dangvien.accounts import services as account_services
from dangvien.accounts.models import RoleGrant
from dangvien.core.errors import DomainError
from dangvien.web.common import apply_errors


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="Mật khẩu hiện tại",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="Mật khẩu mới",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Ít nhất 12 ký tự, không quá giống tên đăng nhập, không toàn chữ số.",
    )
    new_password2 = forms.CharField(
        label="Nhập lại mật khẩu mới",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        """Both copies of the new password must match."""
        data = super().clean()
        first, second = data.get("new_password"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "Hai lần nhập mật khẩu mới không giống nhau.")
        return data


@login_required
@require_GET
def my_account(request: HttpRequest) -> HttpResponse:
    """«Tài khoản của tôi»: the user's roles in force, API tokens and password."""
    context = {
        "tokens": account_selectors.api_tokens_of(request.user),
        "grants": RoleGrant.objects.in_force()
        .filter(user=request.user)
        .select_related("organization")
        .order_by("id"),
        "can_reset_passwords": account_selectors.password_reset_allowed(request.user),
    }
    return render(request, "profile/account.html", context)


@login_required
@require_POST
def my_token_revoke(request: HttpRequest, pk) -> HttpResponse:
    """Revoke one of the user's own API tokens (another's answers 404)."""
    try:
        token_id = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < token_id < 2**63:
        raise Http404
    try:
        account_services.api_token_revoke(actor=request.user, token_id=token_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã thu hồi mã truy cập API; mã này không dùng được nữa.")
    return redirect("my_account")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_password(request: HttpRequest) -> HttpResponse:
    """Change one's own password; this session stays, the API tokens are revoked."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            assert request.user.is_authenticated  # @login_required
            update_session_auth_hash(request, request.user)
            messages.success(
                request,
                "Đã đổi mật khẩu. Các mã truy cập API cũ đã bị thu hồi; "
                "các phiên đăng nhập khác phải đăng nhập lại.",
            )
            return redirect("my_account")
    return render(request, "profile/password.html", {"form": form})


@login_required
@require_GET
def password_reset_users(request: HttpRequest) -> HttpResponse:
    """Accounts whose password the caller may reset (administrator, organisation
    board); 404 for anyone else."""
    if not account_selectors.password_reset_allowed(request.user):
        raise Http404
    q = (request.GET.get("q") or "")[:150].strip()
    context = {
        "users": account_selectors.password_reset_accounts_for(request.user, q),
        "resets": account_selectors.password_resets_for(request.user),
        "q": q,
    }
    return render(request, "profile/password_reset_users.html", context)


@login_required
@never_cache
@require_POST
def password_reset(request: HttpRequest, pk) -> HttpResponse:
    """Give an account a new random password, shown once on this page."""
    user = account_selectors.user_password_resettable_get(request.user, pk)
    try:
        password, _event = account_services.password_reset(actor=request.user, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("password_reset_users")
    return render(
        request, "profile/password_reset_done.html", {"account": user, "password": password}
    )
