"""Two-factor login (TOTP) for staff roles above the cell, when required; resetting
a lost authenticator (administrator, organisation board, operator command)."""

import datetime as dt
import io
from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts import services
from dangvien.accounts.models import Role, RoleGrant, SecurityEvent
from dangvien.core.errors import DomainError
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


# --- resetting a lost authenticator ----------------------------------------------


def _enrolled(django_user_model, username, role, organization):
    user = user_with_role(django_user_model, username, role, organization)
    device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)
    return user, device


def _state():
    return (
        list(TOTPDevice.objects.order_by("id").values_list("id", "key", "confirmed")),
        SecurityEvent.objects.count(),
    )


def test_the_administrator_resets_from_the_page_and_it_is_recorded(client, django_user_model):
    tree = build_tree()
    user, device = _enrolled(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    admin = django_user_model.objects.create_superuser("root", password="x-Test-12345")
    client.force_login(admin)
    page = client.get(reverse("two_factor_users")).content.decode()
    assert "bantc" in page and reverse("two_factor_reset", args=[user.pk]) in page
    url = reverse("two_factor_reset", args=[user.pk])
    assert client.get(url).status_code == 405  # POST only
    response = client.post(url, follow=True)
    assert "Đã đặt lại xác thực hai lớp" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = SecurityEvent.objects.get()
    assert (event.kind, event.actor, event.user) == ("two_factor_reset", admin, user)
    assert event.details["devices"][0]["id"] == device.pk
    assert event.details["devices"][0]["confirmed"] is True
    page = client.get(reverse("two_factor_users")).content.decode()
    assert "<td>bantc</td><td>root</td><td>1</td>" in page  # among the recent resets
    assert f'action="{url}"' not in page  # nothing left to reset


def test_the_reset_form_needs_the_csrf_token(django_user_model):
    from django.test import Client

    tree = build_tree()
    user, _device = _enrolled(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("root", password="x-Test-12345"))
    before = _state()
    assert client.post(reverse("two_factor_reset", args=[user.pk])).status_code == 403
    assert _state() == before


def test_the_board_resets_accounts_whose_roles_lie_in_its_subtree(client, django_user_model):
    tree = build_tree()
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
    office, _device = _enrolled(
        django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"]
    )
    client.force_login(board)
    page = client.get(reverse("two_factor_users"), {"q": "dang"}).content.decode()
    assert "<td>danguy</td>" in page and "Văn phòng đảng ủy cơ sở" in page
    response = client.post(reverse("two_factor_reset", args=[office.pk]))
    assert response["Location"] == reverse("two_factor_users")
    event = SecurityEvent.objects.get()
    assert event.actor == board and event.user == office
    assert not TOTPDevice.objects.filter(user=office).exists()


# Refused resets: (actor, account). The board of the commune, for an account
# elsewhere or partly elsewhere; the province board, for an administrator; and
# roles that reset nobody's, even in their subtree.
REFUSED = [
    ("bantc_xa", "vp_so"),
    ("bantc_xa", "hai_noi"),
    ("bantc_tinh", "quantri"),
    ("ubkt_tinh", "danguy"),
    ("vp_tinh", "danguy"),
    ("chibo", "danguy"),
    ("kiemtoan", "danguy"),
]


def test_a_reset_outside_the_actors_right_is_refused_and_changes_nothing(client, django_user_model):
    tree = build_tree()
    people = {
        name: user_with_role(django_user_model, name, role, tree[org])
        for name, role, org in [
            ("bantc_xa", Role.ORGANISATION_BOARD, "commune"),
            ("bantc_tinh", Role.ORGANISATION_BOARD, "province"),
            ("ubkt_tinh", Role.INSPECTION, "province"),
            ("vp_tinh", Role.GRASSROOTS_OFFICE, "province"),
            ("chibo", Role.CELL_SECRETARY, "cell_a"),
            ("kiemtoan", Role.AUDITOR, "province"),
        ]
    }
    for name, role, org in [
        ("vp_so", Role.GRASSROOTS_OFFICE, "agency"),
        ("danguy", Role.GRASSROOTS_OFFICE, "commune"),
        ("quantri", Role.SYSTEM_ADMIN, "cell_a"),
        ("hai_noi", Role.INSPECTION, "commune"),
    ]:
        people[name] = _enrolled(django_user_model, name, role, tree[org])[0]
    RoleGrant.objects.create(
        user=people["hai_noi"],
        role=Role.AUDITOR,
        organization=tree["agency"],
        valid_from=dt.date(2020, 1, 1),
    )
    for actor_name, user_name in REFUSED:
        actor, user = people[actor_name], people[user_name]
        before = _state()
        with pytest.raises(DomainError, match="không có thẩm quyền"):
            services.two_factor_reset(actor=actor, user=user)
        client.force_login(actor)
        url = reverse("two_factor_reset", args=[user.pk])
        assert client.post(url).status_code == 404, (actor_name, user_name)
        listing = client.get(reverse("two_factor_users"))
        if actor_name.startswith("bantc"):
            assert f"<td>{user_name}</td>" not in listing.content.decode()
        else:
            assert listing.status_code == 404, actor_name
        assert _state() == before, (actor_name, user_name)


def test_nobody_resets_their_own(django_user_model):
    tree = build_tree()
    board, _device = _enrolled(
        django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"]
    )
    before = _state()
    with pytest.raises(DomainError):
        services.two_factor_reset(actor=board, user=board)
    assert _state() == before


def test_an_account_without_an_authenticator_has_nothing_to_reset(django_user_model):
    tree = build_tree()
    office = user_with_role(django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"])
    admin = django_user_model.objects.create_superuser("root", password="x-Test-12345")
    with pytest.raises(DomainError, match="chưa thiết lập"):
        services.two_factor_reset(actor=admin, user=office)
    assert SecurityEvent.objects.count() == 0


def test_after_a_reset_the_user_sets_up_a_new_authenticator(client, django_user_model, required):
    tree = build_tree()
    user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    client.post(reverse("login"), {"username": "bantc", "password": "pw-Test-1234"})
    client.get(reverse("two_factor"))
    old = TOTPDevice.objects.get(user__username="bantc")
    client.post(reverse("two_factor"), {"code": _code(old)})
    home = reverse("organization_detail", args=[tree["province"].pk])
    assert client.get(home).status_code == 200

    admin = django_user_model.objects.create_superuser("root", password="x-Test-12345")
    services.two_factor_reset(actor=admin, user=old.user)
    # The session verified with the old device is verified no more.
    assert client.get(home)["Location"] == reverse("two_factor")
    setup = client.get(reverse("two_factor")).content.decode()
    new = TOTPDevice.objects.get(user__username="bantc")
    assert not new.confirmed and new.key != old.key
    assert b32encode(new.bin_key).decode() in setup  # the new secret, to type in the app
    assert client.post(reverse("two_factor"), {"code": _code(new)}).status_code == 302
    assert client.get(home).status_code == 200


def test_the_operator_resets_with_the_command(django_user_model):
    from django.core.management import CommandError, call_command

    tree = build_tree()
    user, _device = _enrolled(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    out = io.StringIO()
    call_command("reset_2fa", "bantc", stdout=out)
    assert "Đã đặt lại xác thực hai lớp của «bantc»" in out.getvalue()
    event = SecurityEvent.objects.get()
    assert event.actor is None and event.user == user
    assert not TOTPDevice.objects.filter(user=user).exists()
    with pytest.raises(CommandError, match="Không có tài khoản «ai»"):
        call_command("reset_2fa", "ai")


def test_the_command_checks_the_named_actor(django_user_model):
    from django.core.management import CommandError, call_command

    tree = build_tree()
    _enrolled(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    before = _state()
    with pytest.raises(CommandError, match="không có thẩm quyền"):
        call_command("reset_2fa", "bantc", "--by", "chibo")
    assert _state() == before


def test_a_reset_also_revokes_the_users_api_tokens(client, django_user_model):
    from dangvien.accounts.models import ApiToken

    tree = build_tree()
    user, device = _enrolled(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    token = client.post(
        "/api/v1/auth/token",
        {"username": "bantc", "password": "pw-Test-1234", "otp": _code(device)},
        content_type="application/json",
    ).json()["token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/v1/organizations/{tree['province'].pk}", **bearer).status_code == 200
    admin = django_user_model.objects.create_superuser("root", password="x-Test-12345")
    event = services.two_factor_reset(actor=admin, user=user)
    assert event.details["api_tokens_revoked"] == 1
    assert client.get(f"/api/v1/organizations/{tree['province'].pk}", **bearer).status_code == 401
    assert ApiToken.objects.filter(user=user).exists()  # revoked, kept


def test_a_board_grant_dated_in_the_future_does_not_grant_yet(django_user_model):
    tree = build_tree()
    board = user_with_role(
        django_user_model,
        "bantc",
        Role.ORGANISATION_BOARD,
        tree["commune"],
    )
    RoleGrant.objects.filter(user=board).update(valid_from=dt.date.today() + dt.timedelta(days=1))
    other = django_user_model.objects.create_user("x", password="x-Test-12345")
    with pytest.raises(DomainError):
        services.role_grant(
            actor=board,
            user=other,
            role=Role.CELL_SECRETARY,
            organization=tree["cell_a"],
            valid_from=dt.date.today(),
        )
    assert not RoleGrant.objects.filter(user=other).exists()
