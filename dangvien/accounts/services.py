"""Writes about accounts: API tokens, the access log, roles, two-factor resets."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangvien.core.actors import history_user
from dangvien.core.errors import DomainError

from .models import AccessLog, ApiToken, SecurityEvent, SecurityEventKind


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, username: str, password: str, otp: str | None = None, request=None) -> str:
    """A new bearer token for a username and password; the token is shown once."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise DomainError(
            "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; vui lòng thử lại sau.",
            code="locked",
        )
    if user is None or not user.is_active:
        raise DomainError("Tên đăng nhập hoặc mật khẩu không đúng.", code="invalid_credentials")
    from django_otp import match_token

    from .two_factor import needs_two_factor

    if needs_two_factor(user) and not (otp and otp.isdigit() and match_token(user, otp)):
        raise DomainError(
            "Vai trò này cần mã xác thực hai lớp: gửi kèm trường «otp» (6 chữ số).",
            field="otp",
            code="otp_required",
        )
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=_digest(token),
        expires_at=timezone.now() + dt.timedelta(seconds=settings.API_TOKEN_LIFETIME_SECONDS),
    )
    return token


def api_token_user(token: str):
    """The user a bearer token stands for, or None if it is unknown, expired or revoked."""
    if not token or len(token) > 200:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    return found.user


def access_log_add(*, user, member, kinds, request=None) -> None:
    """Record that `user` saw `member`'s record (and which sections)."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=user,
                member=member,
                org_path=member.org_path,
                kind=kind,
                address=address or None,
            )
            for kind in kinds
        ]
    )


def _may_grant(actor, role: str, organization) -> bool:
    """Who grants: a system administrator anything; the organisation board of an
    organisation any role but administrator, inside its subtree."""
    from .models import Role, RoleGrant
    from .scope import scope_for

    if getattr(actor, "is_superuser", False):
        return True
    scope = scope_for(actor)
    if scope.everything:
        return True
    if role == Role.SYSTEM_ADMIN:
        return False
    return (
        RoleGrant.objects.filter(
            user=actor,
            role=Role.ORGANISATION_BOARD,
            valid_from__lte=dt.date.today(),
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date.today()))
        .filter(
            organization__path__in=[
                organization.path[:i] for i in range(4, len(organization.path) + 1, 4)
            ]
        )
        .exists()
    )


@transaction.atomic
def role_grant(*, actor, user, role: str, organization, valid_from: dt.date):
    """Give `user` a role at `organization` from a date; the grant is audited."""
    from .models import RoleGrant

    if not _may_grant(actor, role, organization):
        raise DomainError("Đồng chí không có thẩm quyền giao vai trò này tại tổ chức này.")
    if RoleGrant.objects.filter(
        user=user, role=role, organization=organization, valid_to__isnull=True
    ).exists():
        raise DomainError("Người này đã giữ vai trò này tại tổ chức này.")
    grant = RoleGrant(
        user=user, role=role, organization=organization, valid_from=valid_from, granted_by=actor
    )
    grant._history_user = history_user(actor)
    grant.save()
    return grant


@transaction.atomic
def role_revoke(*, actor, grant, valid_to: dt.date):
    """End a role on a date (the grant row stays, with its history)."""
    from .models import RoleGrant

    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if not _may_grant(actor, grant.role, grant.organization):
        raise DomainError("Đồng chí không có thẩm quyền thu hồi vai trò này.")
    if grant.valid_to is not None:
        raise DomainError("Vai trò này đã được thu hồi.")
    if valid_to < grant.valid_from:
        raise DomainError("Ngày thu hồi không được trước ngày giao.", field="valid_to")
    grant.valid_to = valid_to
    grant._history_user = history_user(actor)
    grant.save(update_fields=["valid_to"])
    return grant


@transaction.atomic
def two_factor_reset(*, actor, user) -> SecurityEvent:
    """Remove `user`'s authenticator devices, so that they set up a new one at the
    next login (a session verified with the old device is no longer verified).

    The administrator resets anyone else's; the organisation board the accounts
    whose roles all lie in its subtree. `actor=None` is the operator at the
    server (`reset_2fa` command). The reset is recorded with the removed devices.
    """
    from django.contrib.auth import get_user_model
    from django_otp import devices_for_user

    from .selectors import users_two_factor_resettable_by

    if actor is not None and not users_two_factor_resettable_by(actor).filter(pk=user.pk).exists():
        raise DomainError(
            "Đồng chí không có thẩm quyền đặt lại xác thực hai lớp của tài khoản này.",
            code="not_allowed",
        )
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    devices = list(devices_for_user(user, confirmed=None))
    if not devices:
        raise DomainError(
            "Tài khoản này chưa thiết lập xác thực hai lớp; không có gì để đặt lại.",
            code="no_device",
        )
    event = SecurityEvent.objects.create(
        kind=SecurityEventKind.TWO_FACTOR_RESET,
        actor=actor,
        user=user,
        details={
            "devices": [
                {
                    "kind": device._meta.label_lower,
                    "id": device.pk,
                    "name": device.name,
                    "confirmed": device.confirmed,
                    "created_at": _iso(getattr(device, "created_at", None)),
                    "last_used_at": _iso(getattr(device, "last_used_at", None)),
                }
                for device in devices
            ]
        },
    )
    for device in devices:
        device.delete()
    # A token was issued against the old authenticator: it goes with it.
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        event.details["api_tokens_revoked"] = revoked
        SecurityEvent.objects.filter(pk=event.pk).update(details=event.details)
    return event


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when else None
