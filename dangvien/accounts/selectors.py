"""Reads about accounts: whose two-factor login or password a caller may reset,
the caller's own API tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Role, RoleGrant
from .scope import scope_for


def _current_grants(on: dt.date | None) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.in_force(on)


def _board_paths(actor, on: dt.date | None) -> list[str]:
    return list(
        _current_grants(on)
        .filter(user=actor, role=Role.ORGANISATION_BOARD)
        .values_list("organization__path", flat=True)
    )


def two_factor_reset_allowed(actor) -> bool:
    """Whether the actor resets anyone's two-factor login at all: the administrator
    (system administrator or superuser) and the organisation board of a subtree."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    return scope_for(actor).everything or bool(_board_paths(actor, None))


def users_two_factor_resettable_by(actor, on: dt.date | None = None) -> QuerySet:
    """The accounts whose two-factor login `actor` may reset: every other account
    for the administrator; for the organisation board of an organisation, the
    accounts whose current roles all lie in its subtree (not an administrator's).
    Nobody resets their own: a lost authenticator goes to the level above."""
    user_model = get_user_model()
    if not two_factor_reset_allowed(actor):
        return user_model.objects.none()
    on = on or timezone.localdate()
    others = user_model.objects.exclude(pk=actor.pk)
    if scope_for(actor, on).everything:
        return others
    inside = Q(pk__in=[])
    for path in _board_paths(actor, on):
        inside |= Q(organization__path__startswith=path)
    current = _current_grants(on)
    return (
        others.filter(is_superuser=False, is_staff=False)
        .filter(pk__in=current.filter(inside).values("user"))
        .exclude(pk__in=current.exclude(inside).values("user"))
        .exclude(pk__in=current.filter(role=Role.SYSTEM_ADMIN).values("user"))
    )


def two_factor_accounts_for(actor, q: str = "", limit: int = 200) -> list:
    """Accounts with an authenticator that `actor` may reset, by username, with
    their current roles (for the reset page)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = users_two_factor_resettable_by(actor).filter(pk__in=TOTPDevice.objects.values("user"))
    if q:
        users = users.filter(username__icontains=q)
    found = list(users.order_by("username")[:limit])
    roles: dict[int, list[RoleGrant]] = {}
    for grant in (
        _current_grants(None).filter(user__in=found).select_related("organization").order_by("id")
    ):
        roles.setdefault(grant.user_id, []).append(grant)
    for user in found:
        user.current_grants = roles.get(user.pk, [])
    return found


def user_two_factor_resettable_get(actor, pk):
    """An account whose two-factor login `actor` may reset; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    user = users_two_factor_resettable_by(actor).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def two_factor_resets_for(actor, limit: int = 20) -> list:
    """The latest resets of the accounts `actor` may reset, or made by `actor`."""
    from .models import SecurityEvent, SecurityEventKind

    users = users_two_factor_resettable_by(actor)
    return list(
        SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_RESET)
        .filter(Q(user__in=users) | Q(actor=actor))
        .select_related("actor", "user")[:limit]
    )


def api_tokens_of(user, limit: int = 50) -> list:
    """`user`'s own API tokens, newest first, each with `state` ("live", "expired"
    or "revoked") for the account page."""
    from .models import ApiToken

    now = timezone.now()
    tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id")[:limit])
    for token in tokens:
        if token.revoked_at is not None:
            token.state = "revoked"
        elif token.expires_at <= now:
            token.state = "expired"
        else:
            token.state = "live"
    return tokens


def password_reset_allowed(actor) -> bool:
    """Whether the actor resets anyone's password: the same people, for the same
    accounts, as for the two-factor login (administrator, organisation board)."""
    return two_factor_reset_allowed(actor)


def password_reset_accounts_for(actor, q: str = "", limit: int = 200) -> list:
    """Active accounts whose password `actor` may reset, by username."""
    users = users_two_factor_resettable_by(actor).filter(is_active=True)
    if q:
        users = users.filter(username__icontains=q)
    return list(users.order_by("username")[:limit])


def user_password_resettable_get(actor, pk):
    """An account whose password `actor` may reset; 404 otherwise."""
    return user_two_factor_resettable_get(actor, pk)


def password_resets_for(actor, limit: int = 20) -> list:
    """The latest password resets of the accounts `actor` may reset, or made by `actor`."""
    from .models import SecurityEvent, SecurityEventKind

    users = users_two_factor_resettable_by(actor)
    return list(
        SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_RESET)
        .filter(Q(user__in=users) | Q(actor=actor))
        .select_related("actor", "user")[:limit]
    )
