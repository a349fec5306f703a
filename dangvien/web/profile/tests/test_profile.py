"""«Tài khoản của tôi»: list and revoke one's own API tokens, change one's
password; the administrator's (and the board's) password reset."""

import pytest
from django.urls import reverse

from dangvien.accounts.models import ApiToken, Role, SecurityEvent, SecurityEventKind
from dangvien.members.tests.factories import user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Test-1234"


def _token(client, username, password=PASSWORD) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _works(client, token, org) -> bool:
    response = client.get(
        f"/api/v1/organizations/{org.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code == 200


@pytest.fixture
def tree():
    return build_tree()


@pytest.fixture
def chibo(django_user_model, tree):
    return user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])


def test_the_user_lists_and_revokes_their_own_tokens(client, chibo, tree, django_user_model):
    other = user_with_role(django_user_model, "khac", Role.CELL_SECRETARY, tree["cell_a"])
    first, second = _token(client, "chibo"), _token(client, "chibo")
    _token(client, "khac")
    client.force_login(chibo)
    page = client.get(reverse("my_account"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tài khoản của tôi" in html and "Mã truy cập API" in html
    assert html.count("Đang dùng được") == 2  # only their own
    mine = ApiToken.objects.filter(user=chibo).order_by("id")
    revoked = client.post(reverse("my_token_revoke", args=[mine[0].pk]))
    assert revoked.status_code == 302
    assert not _works(client, first, tree["cell_a"])
    assert _works(client, second, tree["cell_a"])
    assert "Đã thu hồi lúc" in client.get(reverse("my_account")).content.decode()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.API_TOKEN_REVOKED)
    assert event.user == chibo and event.actor == chibo
    # Another's token is not found; nothing changes.
    theirs = ApiToken.objects.get(user=other)
    assert client.post(reverse("my_token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("my_token_revoke", args=["abc"])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_token_links_carry_plain_ids(client, chibo):
    _token(client, "chibo")
    token = ApiToken.objects.get(user=chibo)
    ApiToken.objects.filter(pk=token.pk).update(id=123456)
    client.force_login(chibo)
    html = client.get(reverse("my_account")).content.decode()
    assert reverse("my_token_revoke", args=[123456]) in html


def test_the_user_changes_their_password(client, chibo, tree):
    token = _token(client, "chibo")
    client.force_login(chibo)
    url = reverse("my_password")
    assert client.get(url).status_code == 200
    wrong = client.post(
        url,
        {
            "old_password": "sai",
            "new_password": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert wrong.status_code == 200 and "Mật khẩu hiện tại không đúng" in wrong.content.decode()
    mismatch = client.post(
        url,
        {"old_password": PASSWORD, "new_password": "Mat-khau-moi-2026", "new_password2": "khac"},
    )
    assert "không giống nhau" in mismatch.content.decode()
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password": "ngan", "new_password2": "ngan"}
    )
    assert weak.status_code == 200
    chibo.refresh_from_db()
    assert chibo.check_password(PASSWORD)
    assert _works(client, token, tree["cell_a"])
    done = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert done.status_code == 302 and done["Location"] == reverse("my_account")
    chibo.refresh_from_db()
    assert chibo.check_password("Mat-khau-moi-2026")
    assert client.get(reverse("my_account")).status_code == 200  # this session stays
    assert not _works(client, token, tree["cell_a"])
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_CHANGED)
    assert event.user == chibo and event.details["api_tokens_revoked"] == 1


def test_other_sessions_end_with_the_password_change(client, chibo):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(chibo)
    assert elsewhere.get(reverse("my_account")).status_code == 200
    client.force_login(chibo)
    client.post(
        reverse("my_password"),
        {
            "old_password": PASSWORD,
            "new_password": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert elsewhere.get(reverse("my_account")).status_code == 302


def test_the_administrator_resets_a_password(client, django_user_model, chibo, tree):
    admin = django_user_model.objects.create_superuser("quantri", password=PASSWORD)
    token = _token(client, "chibo")
    client.force_login(admin)
    listing = client.get(reverse("password_reset_users"), {"q": "chi"})
    assert listing.status_code == 200 and "chibo" in listing.content.decode()
    done = client.post(reverse("password_reset", args=[chibo.pk]))
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    html = done.content.decode()
    password = html.split('id="temporary-password">')[1].split("<")[0]
    chibo.refresh_from_db()
    assert chibo.check_password(password)
    assert not _works(client, token, tree["cell_a"])
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_RESET)
    assert event.actor == admin and event.user == chibo
    assert event.details["api_tokens_revoked"] == 1
    assert "chibo" in client.get(reverse("password_reset_users")).content.decode()


def test_the_board_resets_inside_its_subtree_only(client, django_user_model, chibo, tree):
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
    outside = user_with_role(django_user_model, "ngoai", Role.CELL_SECRETARY, tree["cell_c"])
    client.force_login(board)
    assert client.post(reverse("password_reset", args=[chibo.pk])).status_code == 200
    assert client.post(reverse("password_reset", args=[outside.pk])).status_code == 404
    outside.refresh_from_db()
    assert outside.check_password(PASSWORD)


def test_a_cell_secretary_resets_nobody(client, chibo, django_user_model, tree):
    other = user_with_role(django_user_model, "khac", Role.CELL_SECRETARY, tree["cell_a"])
    client.force_login(chibo)
    assert client.get(reverse("password_reset_users")).status_code == 404
    assert client.post(reverse("password_reset", args=[other.pk])).status_code == 404
    assert client.get(reverse("password_reset", args=[other.pk])).status_code == 405


def test_the_pages_need_a_login(client):
    for name in ("my_account", "my_password", "password_reset_users"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]
