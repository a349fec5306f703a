"""The administration of an organisation (/quan-ly/to-chuc/<id>/) for its
organisation board and the administrator: create a child organisation, rename,
move, merge into another, dissolve (dated events, through
organizations.services); create an account with a role, grant and revoke roles
with dates (accounts.services). Everyone else gets 404. Each form shows its
errors at its fields and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dangvien.accounts import services as accounts
from dangvien.accounts.models import Role, RoleGrant
from dangvien.core.errors import DomainError, NotFound
from dangvien.core.forms import date_field
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations import services as org_services
from dangvien.organizations.models import Level, Organization, UnitType
from dangvien.web.common import apply_errors, request_scope


class _Form(forms.Form):
    title = ""
    button = "Ghi"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


class CreateForm(_Form):
    title = "Thành lập tổ chức trực thuộc"
    button = "Thành lập"
    code = forms.CharField(label="Mã tổ chức", max_length=40)
    name = forms.CharField(label="Tên đầy đủ", max_length=255)
    level = forms.ChoiceField(label="Loại tổ chức", choices=Level.choices)
    unit_type = forms.ChoiceField(label="Loại hình", choices=UnitType.choices)
    valid_from = date_field("Ngày thành lập")
    decision_number = forms.CharField(label="Số quyết định", max_length=64, required=False)


class RenameForm(_Form):
    title = "Đổi tên"
    button = "Đổi tên"
    name = forms.CharField(label="Tên mới", max_length=255)
    document_name = forms.CharField(label="Tên trên văn bản (chữ in hoa)", max_length=255)
    date = date_field("Ngày hiệu lực")
    decision_number = forms.CharField(label="Số quyết định", max_length=64, required=False)


class MoveForm(_Form):
    title = "Chuyển trực thuộc tổ chức khác"
    button = "Chuyển"
    parent_code = forms.CharField(label="Mã tổ chức cấp trên mới", max_length=40)
    date = date_field("Ngày hiệu lực")
    decision_number = forms.CharField(label="Số quyết định", max_length=64, required=False)


class MergeForm(_Form):
    title = "Hợp nhất vào tổ chức khác (tổ chức này giải thể)"
    button = "Hợp nhất"
    target_code = forms.CharField(label="Mã tổ chức nhận hợp nhất", max_length=40)
    date = date_field("Ngày hiệu lực")
    decision_number = forms.CharField(label="Số quyết định", max_length=64, required=False)
    confirm = forms.BooleanField(
        label="Tôi xác nhận hợp nhất (không thể hoàn tác trên trang này)",
        error_messages={"required": "Đánh dấu ô xác nhận để hợp nhất."},
    )


class DissolveForm(_Form):
    title = "Giải thể"
    button = "Giải thể"
    date = date_field("Ngày giải thể")
    decision_number = forms.CharField(label="Số quyết định", max_length=64, required=False)
    confirm = forms.BooleanField(
        label="Tôi xác nhận giải thể (không thể hoàn tác trên trang này)",
        error_messages={"required": "Đánh dấu ô xác nhận để giải thể."},
    )


GRANTABLE = [(r.value, r.label) for r in Role if r != Role.SYSTEM_ADMIN]


class AccountForm(_Form):
    title = "Tạo tài khoản và giao vai trò tại tổ chức này"
    button = "Tạo tài khoản"
    username = forms.CharField(label="Tên đăng nhập", max_length=40)
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    email = forms.EmailField(label="Thư điện tử", required=False)
    role = forms.ChoiceField(label="Vai trò", choices=GRANTABLE)
    valid_from = date_field("Từ ngày")


class GrantForm(_Form):
    title = "Giao vai trò cho tài khoản đã có"
    button = "Giao vai trò"
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    role = forms.ChoiceField(label="Vai trò", choices=GRANTABLE)
    valid_from = date_field("Từ ngày")


class RevokeForm(_Form):
    title = "Thu hồi vai trò"
    button = "Thu hồi"
    grant = forms.IntegerField(widget=forms.HiddenInput)
    valid_to = date_field("Đến hết ngày")


def _org_by_code(scope, code: str, field: str) -> Organization:
    """An organisation the caller reaches, by its code (DomainError at `field`)."""
    org = org_selectors.organizations_visible_to(scope).filter(code=code.strip()).first()
    if org is None:
        raise DomainError(
            f"Không có tổ chức mã «{code}» trong phạm vi của đồng chí.", field=field, code="no_org"
        )
    return org


@login_required
@require_http_methods(["GET", "POST"])
def organization_admin(request: HttpRequest, pk) -> HttpResponse:
    scope = request_scope(request)
    org = org_selectors.organization_get_for(scope, pk)
    if not accounts.may_administer(request.user, org):
        raise NotFound
    user = request.user
    User = get_user_model()

    def create(d):
        child = org_services.organization_create(actor=user, parent=org, **d)
        return f"Đã thành lập {child.name}."

    def rename(d):
        org_services.organization_rename(actor=user, organization=org, **d)
        return "Đã đổi tên."

    def move(d):
        parent = _org_by_code(scope, d.pop("parent_code"), "parent_code")
        if not accounts.may_administer(user, parent):
            raise DomainError("Đồng chí không quản lý tổ chức cấp trên mới.", field="parent_code")
        org_services.organization_move(actor=user, organization=org, new_parent=parent, **d)
        return f"Đã chuyển trực thuộc {parent.name}."

    def merge(d):
        target = _org_by_code(scope, d.pop("target_code"), "target_code")
        org_services.organization_merge(actor=user, source=org, target=target, **d)
        return f"Đã hợp nhất vào {target.name}."

    def dissolve(d):
        org_services.organization_dissolve(actor=user, organization=org, **d)
        return "Đã giải thể."

    def account(d):
        new, password = accounts.user_create(actor=user, organization=org, **d)
        return (
            f"Đã tạo tài khoản «{new.username}». Mật khẩu tạm (chỉ hiện một lần, "
            f"người dùng đổi khi đăng nhập): {password}"
        )

    def grant(d):
        holder = User.objects.filter(username=d["username"].strip()).first()
        if holder is None:
            raise DomainError("Không có tài khoản này.", field="username", code="no_user")
        accounts.role_grant(
            actor=user, user=holder, role=d["role"], organization=org, valid_from=d["valid_from"]
        )
        return f"Đã giao vai trò cho «{holder.username}»."

    def revoke(d):
        held = RoleGrant.objects.filter(pk=d["grant"], organization=org).first()
        if held is None:
            raise NotFound
        accounts.role_revoke(actor=user, grant=held, valid_to=d["valid_to"])
        return "Đã thu hồi vai trò."

    actions: dict[str, tuple[type[_Form], Callable[[dict], str]]] = {
        "create": (CreateForm, create),
        "rename": (RenameForm, rename),
        "move": (MoveForm, move),
        "merge": (MergeForm, merge),
        "dissolve": (DissolveForm, dissolve),
        "account": (AccountForm, account),
        "grant": (GrantForm, grant),
        "revoke": (RevokeForm, revoke),
    }
    today = dt.date.today()
    bound = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in actions:
            raise NotFound
        form_class, run = actions[action]
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                data = dict(form.cleaned_data)
                data.pop("confirm", None)
                with transaction.atomic():
                    text = run(data)
            except NotFound:
                raise
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, text)
                org.refresh_from_db()
                if action in ("merge", "dissolve") or not scope.reaches_path(org.path):
                    return redirect("organization_detail", pk=org.pk)
                return redirect("organization_admin", pk=org.pk)
        bound[action] = form
    initial = {
        "rename": {"name": org.name, "document_name": org.document_name, "date": today},
        "create": {"valid_from": today, "level": Level.CELL},
        "account": {"valid_from": today},
        "grant": {"valid_from": today},
        "move": {"date": today},
        "merge": {"date": today},
        "dissolve": {"date": today},
    }
    forms_shown = [
        (name, bound.get(name) or form_class(prefix=name, initial=initial.get(name, {})))
        for name, (form_class, _run) in actions.items()
        if name != "revoke"
    ]
    grants = list(
        RoleGrant.objects.in_force(today)
        .filter(organization=org)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return render(
        request,
        "administration/organization.html",
        {
            "org": org,
            "forms": forms_shown if org.is_active else [],
            "grants": grants,
            "revoke_date": today,
            "revoke_error": bound.get("revoke"),
        },
    )
