"""Login hardening: lock-out, password rules, security headers, deploy checks."""

import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("chibo", password="dung-Mat-khau-2026")


def test_five_wrong_passwords_lock_the_username_from_that_address(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "chibo", "password": "sai"})
    locked = client.post(reverse("login"), {"username": "chibo", "password": "dung-Mat-khau-2026"})
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_out_is_per_username_and_address(client, user, django_user_model, settings):
    django_user_model.objects.create_user("khac", password="dung-Mat-khau-2026")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "chibo", "password": "sai"})
    other = client.post(reverse("login"), {"username": "khac", "password": "dung-Mat-khau-2026"})
    assert other.status_code == 302  # another user from the same address still logs in
    elsewhere = client.post(
        reverse("login"),
        {"username": "chibo", "password": "dung-Mat-khau-2026"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert elsewhere.status_code == 302


def test_api_token_is_refused_while_locked(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token",
            {"username": "chibo", "password": "sai"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token",
        {"username": "chibo", "password": "dung-Mat-khau-2026"},
        content_type="application/json",
    )
    assert response.status_code == 429 and response.json()["code"] == "locked"


@pytest.mark.parametrize("password", ["ngan", "123456789012", "password1234"])
def test_weak_passwords_are_refused(user, password):
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_pages_carry_security_headers(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_deploy_check_is_clean_with_production_settings():
    env = {
        "DANGVIEN_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-production-secret-key",
        "ALLOWED_HOSTS": "dangvien.example.vn",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
