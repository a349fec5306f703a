"""Sessions and API tokens: the idle and total session limits; tokens revoked on
a new password, deactivation (and kept revoked on reactivation), logout and a
removed authenticator; a role revoked today stops at once."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts import services
from dangvien.accounts.models import ApiToken, Role, RoleGrant, SecurityEvent, SecurityEventKind
from dangvien.accounts.scope import scope_for
from dangvien.members.tests.factories import user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"
PASSWORD = "pw-Test-1234"


def _token(client, username="chibo", password=PASSWORD) -> str:
    response = client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _works(client, token, org) -> bool:
    response = client.get(
        f"/api/v1/organizations/{org.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (200, 401, 404), response.content
    return response.status_code == 200


@pytest.fixture
def tree():
    return build_tree()


@pytest.fixture
def chibo(django_user_model, tree):
    return user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])


# --- the session limits ---------------------------------------------------------


def test_a_session_ends_after_30_minutes_without_a_request(client, chibo, tree, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    page = reverse("organization_detail", args=[tree["cell_a"].pk])
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC), tick=False) as t:
        client.force_login(chibo)
        assert client.get(page).status_code == 200
        t.shift(dt.timedelta(minutes=29))
        assert client.get(page).status_code == 200  # 29 minutes idle: still in
        t.shift(dt.timedelta(minutes=29))
        assert client.get(page).status_code == 200  # the clock restarted at each request
        t.shift(dt.timedelta(minutes=30, seconds=1))
        late = client.get(page)
        assert late.status_code == 302 and late["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
        assert client.get(page).status_code == 302  # logged out for good


def test_a_busy_session_still_ends_after_8_hours(client, chibo, tree, settings):
    page = reverse("organization_detail", args=[tree["cell_a"].pk])
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC), tick=False) as t:
        client.force_login(chibo)
        for _ in range(8 * 3):  # a request every 20 minutes for 8 hours
            assert client.get(page).status_code == 200
            t.shift(dt.timedelta(minutes=20))
        t.shift(dt.timedelta(minutes=1))
        assert client.get(page).status_code == 302


# --- API tokens -----------------------------------------------------------------


def test_a_new_password_revokes_the_api_tokens(client, chibo, tree):
    token = _token(client)
    assert _works(client, token, tree["cell_a"])
    chibo.set_password("Mat-khau-moi-2026")
    chibo.save()
    assert not _works(client, token, tree["cell_a"])
    assert ApiToken.objects.get(user=chibo).revoked_at is not None


def test_the_password_hash_upgrade_at_login_keeps_the_tokens(client, chibo, tree):
    token = _token(client)
    # What Django does when the hasher changed: set_password, then save the hash only.
    chibo.set_password(PASSWORD)
    chibo._password = None
    chibo.save(update_fields=["password"])
    assert _works(client, token, tree["cell_a"])


def test_deactivation_revokes_the_tokens_and_reactivation_does_not_revive_them(client, chibo, tree):
    token = _token(client)
    chibo.is_active = False
    chibo.save()
    assert not _works(client, token, tree["cell_a"])
    chibo.is_active = True
    chibo.save()
    assert not _works(client, token, tree["cell_a"])
    assert _works(client, _token(client), tree["cell_a"])  # a new one works


def test_deactivation_by_queryset_update_is_still_refused(client, chibo, tree):
    token = _token(client)
    type(chibo).objects.filter(pk=chibo.pk).update(is_active=False)
    assert not _works(client, token, tree["cell_a"])


def test_logging_out_revokes_the_tokens_requested_from_that_session(client, chibo, tree):
    other = _token(client)  # requested without a web session
    client.force_login(chibo)
    from_session = _token(client)
    assert ApiToken.objects.exclude(session_key="").count() == 1
    client.post(reverse("logout"))
    assert not _works(client, from_session, tree["cell_a"])
    assert _works(client, other, tree["cell_a"])


def test_api_logout_revokes_the_token_used(client, chibo, tree):
    token, kept = _token(client), _token(client)
    response = client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    assert not _works(client, token, tree["cell_a"])
    assert _works(client, kept, tree["cell_a"])
    again = client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


# --- a role revoked today -------------------------------------------------------


def test_a_grant_made_today_is_revoked_today_with_immediate_effect(client, django_user_model, tree):
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
    user = django_user_model.objects.create_user("moi", password=PASSWORD)
    today = timezone.localdate()
    grant = services.role_grant(
        actor=board,
        user=user,
        role=Role.CELL_SECRETARY,
        organization=tree["cell_a"],
        valid_from=today,
    )
    token = _token(client, "moi")
    client.force_login(user)
    page = reverse("organization_detail", args=[tree["cell_a"].pk])
    assert client.get(page).status_code == 200
    assert _works(client, token, tree["cell_a"])
    services.role_revoke(actor=board, grant=grant, valid_to=today)
    assert scope_for(user).paths == ()
    assert client.get(page).status_code == 404
    assert not _works(client, token, tree["cell_a"])
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.valid_to == today
    assert grant.history.latest("history_date").revoked_at is not None


def test_an_earlier_grant_revoked_today_still_counted_yesterday(django_user_model, tree):
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
    user = user_with_role(django_user_model, "u", Role.CELL_SECRETARY, tree["cell_a"])
    today = timezone.localdate()
    services.role_revoke(actor=board, grant=RoleGrant.objects.get(user=user), valid_to=today)
    assert scope_for(user).paths == ()
    assert scope_for(user, on=today - dt.timedelta(days=1)).paths == (tree["cell_a"].path,)


def test_a_grant_ending_later_lasts_until_its_day(django_user_model, tree):
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
    user = user_with_role(django_user_model, "u", Role.CELL_SECRETARY, tree["cell_a"])
    today = timezone.localdate()
    grant = RoleGrant.objects.get(user=user)
    services.role_revoke(actor=board, grant=grant, valid_to=today + dt.timedelta(days=3))
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert scope_for(user).paths == (tree["cell_a"].path,)
    assert scope_for(user, on=today + dt.timedelta(days=4)).paths == ()


# --- two-factor devices removed outside the reset ---------------------------------


def test_removing_a_device_in_the_admin_is_recorded_and_revokes_the_tokens(
    client, django_user_model, chibo, tree
):
    admin = django_user_model.objects.create_superuser("quantri", password=PASSWORD)
    device = TOTPDevice.objects.create(user=chibo, name="app", confirmed=True)
    token = _token(client)
    client.force_login(admin)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = SecurityEvent.objects.get(user=chibo)
    assert event.kind == SecurityEventKind.TWO_FACTOR_DEVICE_REMOVED
    assert event.actor == admin
    assert event.details["devices"][0]["id"] == device.pk
    assert event.details["api_tokens_revoked"] == 1
    assert not _works(client, token, tree["cell_a"])


def test_the_admins_bulk_delete_is_recorded_per_owner(client, django_user_model, chibo):
    admin = django_user_model.objects.create_superuser("quantri", password=PASSWORD)
    other = django_user_model.objects.create_user("khac", password=PASSWORD)
    devices = [
        TOTPDevice.objects.create(user=chibo, name="a", confirmed=True),
        TOTPDevice.objects.create(user=chibo, name="b", confirmed=True),
        TOTPDevice.objects.create(user=other, name="c", confirmed=True),
    ]
    client.force_login(admin)
    response = client.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [d.pk for d in devices], "post": "yes"},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()
    events = SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_DEVICE_REMOVED)
    assert sorted((e.user.username, len(e.details["devices"])) for e in events) == [
        ("chibo", 2),
        ("khac", 1),
    ]
    assert {e.actor for e in events} == {admin}


def test_removing_a_device_anywhere_else_is_recorded_too(client, chibo, tree):
    device = TOTPDevice.objects.create(user=chibo, name="app", confirmed=True)
    token = _token(client)
    device.delete()  # e.g. from the shell
    event = SecurityEvent.objects.get(user=chibo)
    assert event.kind == SecurityEventKind.TWO_FACTOR_DEVICE_REMOVED and event.actor is None
    assert not _works(client, token, tree["cell_a"])


def test_the_two_factor_reset_is_recorded_once(django_user_model, chibo):
    admin = django_user_model.objects.create_superuser("quantri", password=PASSWORD)
    TOTPDevice.objects.create(user=chibo, name="app", confirmed=True)
    services.two_factor_reset(actor=admin, user=chibo)
    assert list(SecurityEvent.objects.values_list("kind", flat=True)) == [
        SecurityEventKind.TWO_FACTOR_RESET
    ]
