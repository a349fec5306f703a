"""End to end in a real browser (Debian's chromium through playwright): log in,
search without diacritics, open a member, edit, save, see the change in the
timeline. Skipped only where chromium is not installed."""

import os
import shutil
from pathlib import Path

import pytest

from dangvien.accounts.models import Role
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [
    # Transactional tests flush the tables; serialized rollback brings back the
    # data the migrations load (administrative units, catalogues) first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="chromium is not installed"),
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        yield page
        browser.close()


def test_secretary_finds_edits_and_sees_the_change(live_server, browser_page, django_user_model):
    from playwright.sync_api import expect

    tree = build_tree()
    MemberFactory(organization=tree["cell_a"], given_name="Thước")
    MemberFactory(organization=tree["cell_a"], given_name="Thuận")
    outsider = MemberFactory(organization=tree["cell_b"], given_name="Thước", family_name="Lê")
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.fill("input[name=username]", "chibo")
    page.fill("input[name=password]", "pw-Test-1234")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Chi bộ thôn Đông")).to_be_visible()

    page.fill("header input[name=q]", "nguyen van thuoc")
    page.press("header input[name=q]", "Enter")
    rows = page.locator("#members tbody tr")
    expect(rows).to_have_count(1)  # not Thuận, not the other cell's Lê Văn Thước
    expect(rows.first).to_contain_text("Nguyễn Văn Thước")
    page.screenshot(path=str(ARTIFACTS / "e2e-search.png"), full_page=True)

    page.get_by_role("link", name="Nguyễn Văn Thước").click()
    expect(page.locator("#member-name")).to_have_text("Nguyễn Văn Thước")
    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.fill("#id_phone", "0912345678")
    # Choosing the province refreshes the commune list with that province's communes.
    page.select_option("#id_current_province", label="Hà Tĩnh")
    expect(page.locator("#id_current_commune option")).to_have_count(70)  # 69 + blank
    page.select_option("#id_current_commune", label="Phường Thành Sen")
    page.fill("#id_current_street", "Số 12 đường Hà Huy Tập")
    page.get_by_role("button", name="Lưu hồ sơ").click()

    expect(page.locator(".messages")).to_contain_text("Đã lưu thay đổi hồ sơ")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("chibo")
    expect(timeline).to_contain_text("0912345678")
    expect(timeline).to_contain_text("Số 12 đường Hà Huy Tập")
    expect(timeline).to_contain_text("Phường Thành Sen")
    page.screenshot(path=str(ARTIFACTS / "e2e-timeline.png"), full_page=True)

    response = page.goto(f"{live_server.url}/dang-vien/{outsider.pk}/")
    assert response.status == 404
