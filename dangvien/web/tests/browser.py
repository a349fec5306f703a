"""What the browser tests share (Debian's chromium through playwright, a phone
of 390 x 844): where chromium is, where screenshots go, the marks (a live
server's database, skipped only where chromium is not installed), the phone
page, signing in, and the check that a page does not scroll sideways.

A test module imports what it uses and sets `pytestmark = BROWSER`; the
fixtures `phone` and `no_second_factor` reach every test through
dangvien/conftest.py."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
PASSWORD = "pw-Test-1234"

BROWSER = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="chromium is not installed"),
    pytest.mark.usefixtures("no_second_factor"),
]


@pytest.fixture
def no_second_factor(settings):
    """Demo-style sign-in with a password only."""
    settings.DANGVIEN_REQUIRE_2FA = False


@pytest.fixture
def phone():
    """A page in chromium with a phone's viewport, Vietnamese locale."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
        )
        yield context.new_page()
        browser.close()


def login(page, url: str, username: str) -> None:
    """Sign in on the login page at `url` as `username` (password PASSWORD)."""
    page.goto(f"{url}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def no_sideways_scroll(page) -> bool:
    """Whether the page fits the phone's width."""
    return page.evaluate(f"document.documentElement.scrollWidth <= {PHONE['width']}")
