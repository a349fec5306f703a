"""Credential changes that end a user's API tokens, whatever path makes them
(the product's pages, Django's admin, the shell, management commands):

- a new password (not the hash upgrade Django makes at login) or deactivation
  revokes every live token; they stay revoked when the account is reactivated;
- logging out of a web session revokes the tokens requested from that session;
- deleting an authenticator device outside the recorded reset (Django's admin
  records its own actor) is recorded as a SecurityEvent and revokes the tokens.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, pre_save


def _user_pre_save(sender, instance, update_fields=None, **kwargs) -> None:
    from . import services

    if instance.pk is None:
        return
    fields = set(update_fields) if update_fields is not None else None
    if fields is not None and not fields & {"password", "is_active"}:
        return  # e.g. last_login at each login
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    # Django upgrades the stored hash at login: set_password, then `_password`
    # cleared, then save(update_fields=["password"]); the password is the same.
    rehash = fields == {"password"} and getattr(instance, "_password", None) is None
    password_changed = before["password"] != instance.password and not rehash
    deactivated = before["is_active"] and not instance.is_active
    if password_changed or deactivated:
        services.api_tokens_revoke(user=instance)


def _logged_out(sender, request, user, **kwargs) -> None:
    from . import services

    session = getattr(request, "session", None)
    if user is None or session is None or not session.session_key:
        return
    services.api_tokens_revoke(user=user, session_key=session.session_key)


def _device_deleted(sender, instance, origin=None, **kwargs) -> None:
    from . import services

    if services.device_removal_recorded():
        return
    if isinstance(origin, get_user_model()):
        return  # the account itself is being deleted
    user = get_user_model()._default_manager.filter(pk=instance.user_id).first()
    if user is None:
        return
    services.two_factor_device_removed(actor=None, user=user, devices=[instance])


def connect() -> None:
    """Wire the handlers (AccountsConfig.ready)."""
    from django.apps import apps
    from django_otp.models import Device

    pre_save.connect(_user_pre_save, sender=get_user_model(), dispatch_uid="accounts_user_creds")
    user_logged_out.connect(_logged_out, dispatch_uid="accounts_logout_tokens")
    for model in apps.get_models():
        if issubclass(model, Device):
            post_delete.connect(
                _device_deleted, sender=model, dispatch_uid=f"accounts_device_{model._meta.label}"
            )
