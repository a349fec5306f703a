"""The report's period in a real browser (Debian's chromium, phone size): the
form shows the year and the quarter for a quarter, the two dates for a span,
and a report of a span is computed and shown. Skipped only where chromium is
not installed."""

from dangvien.accounts.models import Role
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree
from dangvien.web.tests.browser import ARTIFACTS, BROWSER, login, no_sideways_scroll

pytestmark = BROWSER


def test_the_period_form_shows_the_fields_of_the_kind_chosen(live_server, phone, django_user_model):
    from playwright.sync_api import expect

    tree = build_tree()
    MemberFactory(organization=tree["cell_a"])
    user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"])
    page = phone
    login(page, live_server.url, "tinhuy")
    page.goto(f"{live_server.url}/bao-cao/?org={tree['commune'].pk}")
    form = page.locator("#period-form")
    expect(form.locator("[data-field=nam]")).to_be_visible()
    expect(form.locator("[data-field=so]")).to_be_visible()
    expect(form.locator("[data-field=tu]")).to_be_hidden()
    form.locator("select[name=ky]").select_option("year")
    expect(form.locator("[data-field=so]")).to_be_hidden()
    form.locator("select[name=ky]").select_option("custom")
    expect(form.locator("[data-field=nam]")).to_be_hidden()
    expect(form.locator("[data-field=tu]")).to_be_visible()
    form.locator("input[name=tu]").fill("01/01/2025")
    form.locator("input[name=den]").fill("31/12/2025")
    form.get_by_role("button", name="Xem báo cáo").click()
    expect(page.locator("#period-label")).to_contain_text("Từ 01/01/2025 đến 31/12/2025")
    expect(page.locator("#activity")).to_be_visible()
    assert no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-phone-span.png"), full_page=True)
