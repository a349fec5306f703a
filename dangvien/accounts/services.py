"""Writes about accounts: API tokens, the access log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone

from dangvien.core.errors import DomainError

from .models import AccessLog, ApiToken


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, username: str, password: str, request=None) -> str:
    """A new bearer token for a username and password; the token is shown once."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise DomainError(
            "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; vui lòng thử lại sau.",
            code="locked",
        )
    if user is None or not user.is_active:
        raise DomainError("Tên đăng nhập hoặc mật khẩu không đúng.", code="invalid_credentials")
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
