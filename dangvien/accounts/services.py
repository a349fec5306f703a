"""Writes about accounts: API tokens, the access log, roles, two-factor resets."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from dangvien.core.actors import with_history_user
from dangvien.core.errors import DomainError, NotFound

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
        session_key=_session_key_of(request, user),
    )
    return token


def _session_key_of(request, user) -> str:
    """The key of the web session `user` is logged in with on `request`, if any."""
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return ""
    if str(session.get("_auth_user_id", "")) != str(user.pk):
        return ""
    return session.session_key


def api_tokens_revoke(*, user, session_key: str | None = None) -> int:
    """Revoke `user`'s live API tokens (only those requested from the web session
    `session_key`, when given); returns how many."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if session_key is not None:
        if not session_key:
            return 0
        tokens = tokens.filter(session_key=session_key)
    return tokens.update(revoked_at=timezone.now())


def api_token_revoke_presented(token: str) -> bool:
    """Revoke the bearer token itself (API logout); whether it was live."""
    return bool(
        ApiToken.objects.filter(digest=_digest(token), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


@transaction.atomic
def api_token_revoke(*, actor, token_id) -> ApiToken:
    """The owner revokes one of their own API tokens (recorded)."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound("Không tìm thấy mã truy cập này.")
    if token.revoked_at is not None:
        raise DomainError("Mã truy cập này đã được thu hồi.", code="already_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    SecurityEvent.objects.create(
        kind=SecurityEventKind.API_TOKEN_REVOKED,
        actor=actor,
        user=actor,
        details={"token": token.pk, "created_at": _iso(token.created_at)},
    )
    return token


@transaction.atomic
def password_change(*, user, old_password: str, new_password: str) -> SecurityEvent:
    """The user changes their own password (the old one checked, the new one by the
    password rules); their API tokens are revoked, and the change is recorded."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if not user.check_password(old_password):
        raise DomainError("Mật khẩu hiện tại không đúng.", field="old_password")
    if old_password == new_password:
        raise DomainError("Mật khẩu mới phải khác mật khẩu hiện tại.", field="new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="new_password") from None
    revoked = api_tokens_revoke(user=user)
    user.set_password(new_password)
    user.save()
    event = SecurityEvent.objects.create(
        kind=SecurityEventKind.PASSWORD_CHANGED, actor=user, user=user, details={}
    )
    _bind_tokens_revoked(event, revoked)
    return event


@transaction.atomic
def password_reset(*, actor, user) -> tuple[str, SecurityEvent]:
    """The administrator (or the organisation board, for the accounts whose roles
    all lie in its subtree) gives `user` a new random password, shown once to the
    actor; the user's API tokens are revoked and the reset is recorded."""
    from .selectors import users_two_factor_resettable_by

    if not users_two_factor_resettable_by(actor).filter(pk=user.pk).exists():
        raise DomainError(
            "Đồng chí không có thẩm quyền đặt lại mật khẩu của tài khoản này.",
            code="not_allowed",
        )
    password = "-".join(secrets.token_hex(3) for _ in range(4))
    revoked = api_tokens_revoke(user=user)
    user.set_password(password)
    user.save()
    event = SecurityEvent.objects.create(
        kind=SecurityEventKind.PASSWORD_RESET, actor=actor, user=user, details={}
    )
    _bind_tokens_revoked(event, revoked)
    return password, event


def _bind_tokens_revoked(event: SecurityEvent, revoked: int) -> None:
    if revoked:
        event.details["api_tokens_revoked"] = revoked
        SecurityEvent.objects.filter(pk=event.pk).update(details=event.details)


def _device_details(device) -> dict:
    return {
        "kind": device._meta.label_lower,
        "id": device.pk,
        "name": device.name,
        "confirmed": device.confirmed,
        "created_at": _iso(getattr(device, "created_at", None)),
        "last_used_at": _iso(getattr(device, "last_used_at", None)),
    }


@transaction.atomic
def two_factor_device_removed(*, actor, user, devices) -> SecurityEvent:
    """Record that `actor` (None: unknown, e.g. the server shell) removed `user`'s
    authenticator `devices` (Django's admin), and revoke the user's API tokens,
    as a two-factor reset does."""
    event = SecurityEvent.objects.create(
        kind=SecurityEventKind.TWO_FACTOR_DEVICE_REMOVED,
        actor=actor,
        user=user,
        details={"devices": [_device_details(device) for device in devices]},
    )
    _bind_tokens_revoked(event, api_tokens_revoke(user=user))
    return event


def api_token_user(token: str):
    """The user a bearer token stands for, or None if it is unknown, expired or revoked."""
    if not token or len(token) > 200:
        return None
    # One row by its unique digest: no ORDER BY (first() would sort by id).
    rows = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .order_by()[:1]
    )
    found = next(iter(rows), None)
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
        RoleGrant.objects.in_force()
        .filter(user=actor, role=Role.ORGANISATION_BOARD)
        .filter(
            organization__path__in=[
                organization.path[:i] for i in range(4, len(organization.path) + 1, 4)
            ]
        )
        .exists()
    )


def may_administer(actor, organization) -> bool:
    """Whether `actor` sets up `organization` (its subtree, its accounts and
    roles): the administrator, or the organisation board of it or above."""
    from .models import Role

    return _may_grant(actor, Role.ORGANISATION_BOARD, organization)


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
    with_history_user(grant, actor)
    grant.save()
    return grant


USERNAME_RE = re.compile(r"^[a-z0-9_.-]{3,40}$")


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    email: str,
    role: str,
    organization,
    valid_from: dt.date,
):
    """A new account holding `role` at `organization` from `valid_from`, with a
    random password shown once to the actor (who gives it to the person; they
    change it at first use). Who may: as for role_grant. Raises DomainError
    at the field (username taken or malformed, not allowed)."""
    from django.contrib.auth import get_user_model

    from .models import Role

    User = get_user_model()
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError(
            "Tên đăng nhập gồm 3-40 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới.",
            field="username",
            code="username_invalid",
        )
    if User.objects.filter(username=username).exists():
        raise DomainError(
            f"Tên đăng nhập «{username}» đã có người dùng.", field="username", code="username_taken"
        )
    if role not in Role.values:
        raise DomainError("Vai trò không hợp lệ.", field="role", code="role_invalid")
    if not _may_grant(actor, role, organization):
        raise DomainError(
            "Đồng chí không có thẩm quyền giao vai trò này tại tổ chức này.",
            field="role",
            code="not_allowed",
        )
    family, _, given = (full_name or "").strip().rpartition(" ")
    password = "-".join(secrets.token_hex(3) for _ in range(4))
    user = User.objects.create_user(
        username=username,
        password=password,
        email=(email or "").strip(),
        first_name=given[:150],
        last_name=family[:150],
    )
    role_grant(actor=actor, user=user, role=role, organization=organization, valid_from=valid_from)
    SecurityEvent.objects.create(
        kind=SecurityEventKind.ACCOUNT_CREATED,
        actor=actor,
        user=user,
        details={"role": role, "organization": organization.pk},
    )
    return user, password


@transaction.atomic
def role_revoke(*, actor, grant, valid_to: dt.date):
    """End a role on a date (the grant row stays, with its history).

    Ending it today (or on an earlier day) takes effect at once: the grant is
    marked revoked now and no longer counts, even for the rest of today."""
    from .models import RoleGrant

    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if not _may_grant(actor, grant.role, grant.organization):
        raise DomainError("Đồng chí không có thẩm quyền thu hồi vai trò này.")
    if grant.valid_to is not None:
        raise DomainError("Vai trò này đã được thu hồi.")
    if valid_to < grant.valid_from:
        raise DomainError("Ngày thu hồi không được trước ngày giao.", field="valid_to")
    grant.valid_to = valid_to
    fields = ["valid_to"]
    if valid_to <= timezone.localdate():
        grant.revoked_at = timezone.now()
        fields.append("revoked_at")
    with_history_user(grant, actor)
    grant.save(update_fields=fields)
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
        details={"devices": [_device_details(device) for device in devices]},
    )
    with recorded_device_removal():
        for device in devices:
            device.delete()
    # A token was issued against the old authenticator: it goes with it.
    _bind_tokens_revoked(event, api_tokens_revoke(user=user))
    return event


_RECORDED = contextvars.ContextVar("dangvien_device_removal_recorded", default=False)


@contextlib.contextmanager
def recorded_device_removal():
    """Inside this block, device deletions are already recorded by the caller
    (the two-factor reset, the admin), so the deletion signal records nothing."""
    marker = _RECORDED.set(True)
    try:
        yield
    finally:
        _RECORDED.reset(marker)


def device_removal_recorded() -> bool:
    """Whether the current device deletion is recorded by a caller already."""
    return _RECORDED.get()


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when else None
