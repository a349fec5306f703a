"""Two-factor login (TOTP) for staff roles above the cell, when required."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.models import Role
from dangvien.members.tests.factories import user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def required(settings):
    settings.DANGVIEN_REQUIRE_2FA = True
    # django-otp slows down guessing after a wrong code; the tests type fast.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_board_member_sets_up_an_authenticator_then_enters(client, django_user_model, required):
    tree = build_tree()
    user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    client.post(reverse("login"), {"username": "bantc", "password": "pw-Test-1234"})
    page = client.get(reverse("organization_detail", args=[tree["province"].pk]))
    assert page.status_code == 302 and page["Location"] == reverse("two_factor")
    setup = client.get(reverse("two_factor")).content.decode()
    assert "totp-secret" in setup and "otpauth://" in setup
    device = TOTPDevice.objects.get(user__username="bantc")
    wrong = client.post(
        reverse("two_factor"), {"code": "000000" if _code(device) != "000000" else "111111"}
    )
    assert "không đúng" in wrong.content.decode()
    assert client.post(reverse("two_factor"), {"code": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    page = client.get(reverse("organization_detail", args=[tree["province"].pk]))
    assert page.status_code == 200


def test_a_cell_secretary_logs_in_with_the_password_alone(client, django_user_model, required):
    tree = build_tree()
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    client.post(reverse("login"), {"username": "chibo", "password": "pw-Test-1234"})
    assert client.get(reverse("organization_detail", args=[tree["cell_a"].pk])).status_code == 200


def test_demo_setting_off_needs_no_code(client, django_user_model, settings):
    settings.DANGVIEN_REQUIRE_2FA = False
    tree = build_tree()
    user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    client.post(reverse("login"), {"username": "bantc", "password": "pw-Test-1234"})
    assert client.get(reverse("organization_detail", args=[tree["province"].pk])).status_code == 200


def test_api_token_needs_the_code_too(client, django_user_model, required):
    tree = build_tree()
    user = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    url = "/api/v1/auth/token"
    body = {"username": "bantc", "password": "pw-Test-1234"}
    missing = client.post(url, body, content_type="application/json")
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    wrong = client.post(url, {**body, "otp": "12345x"}, content_type="application/json")
    assert wrong.status_code == 401
    ok = client.post(url, {**body, "otp": _code(device)}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["token"]
