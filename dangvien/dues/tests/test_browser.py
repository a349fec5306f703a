"""The cell secretary on a phone (390 x 844, Debian's chromium through
playwright): last month's dues sheet, computed, a payment in cash and one
through the portal taken inline, the month closed with a reason for one
unpaid member; then the member's own dues. Screenshots go to test-artifacts/.
Skipped only where chromium is not installed."""

import datetime as dt

from dangvien.accounts.models import Role
from dangvien.dues import rules
from dangvien.dues.models import DuesLedger, DuesMonthClose, DuesPayment, LedgerStatus
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree
from dangvien.places.models import Commune
from dangvien.web.tests.browser import (
    ARTIFACTS,
    BROWSER,
)
from dangvien.web.tests.browser import login as _login
from dangvien.web.tests.browser import no_sideways_scroll as _no_sideways_scroll

GIVEN = ("An", "Bình", "Cường", "Dũng", "Hằng", "Lan", "Minh", "Ngọc")

pytestmark = BROWSER


def test_the_secretary_takes_payments_and_closes_the_month_on_a_phone(
    live_server, phone, django_user_model
):
    from playwright.sync_api import expect

    tree = build_tree()
    ward = Commune.objects.filter(province_id=1, division_type="phường").order_by("code").first()
    tree["commune"].commune = ward
    tree["commune"].save(update_fields=["commune"])
    cell = tree["cell_a"]
    members = [
        MemberFactory(organization=cell, family_name="Trần", given_name=name) for name in GIVEN
    ]
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, cell)
    reader = user_with_role(django_user_model, "dangvien", Role.MEMBER, cell)
    cash, portal, sick = members[0], members[1], members[2]
    Member.objects.filter(pk=cash.pk).update(user=reader)
    month = rules.previous_month(rules.month_start(dt.date.today()))
    label = f"{month:%m/%Y}"
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)

    _login(page, live_server.url, "chibo")
    page.goto(f"{live_server.url}/dang-phi/?org={cell.pk}&thang={label}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(label)
    expect(page.locator("#sheet tbody tr")).to_have_count(len(members))
    page.locator("#compute-button").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã lập sổ đảng phí tháng {label}")
    assert DuesLedger.objects.filter(organization=cell, month=month).count() == len(members)
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "dues-phone-sheet.png"), full_page=True)

    # Cash: the amount owed is filled in; one touch records it.
    row = page.locator(f"#m-{cash.pk}")
    row.locator("summary", has_text="Thu đảng phí").click()
    expect(row.locator("input[name=amount]")).not_to_have_value("")
    page.screenshot(path=str(ARTIFACTS / "dues-phone-pay.png"), full_page=False)
    row.get_by_role("button", name="Ghi đã đóng").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã ghi đồng chí {cash.full_name}")

    # The portal without its reference: the message at the field, then with it.
    row = page.locator(f"#m-{portal.pk}")
    row.locator("summary", has_text="Thu đảng phí").click()
    row.locator("select[name=channel]").select_option("portal")
    row.get_by_role("button", name="Ghi đã đóng").click()
    row = page.locator(f"#m-{portal.pk}")
    expect(row.locator(".error")).to_contain_text("mã giao dịch")
    assert DuesPayment.objects.filter(member=portal).count() == 0
    row.locator("input[name=reference]").fill("DVCQG-2026-0042")
    row.get_by_role("button", name="Ghi đã đóng").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã ghi đồng chí {portal.full_name}")
    expect(page.locator(f"#m-{portal.pk}")).to_contain_text("DVCQG-2026-0042")
    assert _no_sideways_scroll(page)

    # The close: a reason for one member, the others unpaid without reason.
    page.fill(f"input[name=reason_{sick.pk}]", "Ốm nằm viện")
    page.screenshot(path=str(ARTIFACTS / "dues-phone-close.png"), full_page=True)
    page.check("input[name=confirm]")
    page.locator("#close-button").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã khóa sổ đảng phí tháng {label}")
    expect(page.locator("#closed")).to_be_visible()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "dues-phone-closed.png"), full_page=True)
    rows = {r.member_id: r for r in DuesLedger.objects.filter(organization=cell, month=month)}
    assert rows[cash.pk].status == rows[portal.pk].status == LedgerStatus.PAID
    assert rows[sick.pk].status == LedgerStatus.UNPAID_EXCUSED
    assert rows[sick.pk].reason == "Ốm nằm viện"
    assert sum(r.status == LedgerStatus.UNPAID for r in rows.values()) == len(members) - 3
    assert all(r.closed for r in rows.values())
    assert DuesMonthClose.objects.get(organization=cell, month=month).paid_count == 2
    assert DuesPayment.objects.count() == 2

    page.context.clear_cookies()
    _login(page, live_server.url, "dangvien")
    page.goto(f"{live_server.url}/dang-phi/cua-toi/?nam={month.year}")
    expect(page.locator("#dues-history")).to_contain_text(label)
    expect(page.locator("#dues-history")).to_contain_text("Đã đóng")
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "dues-phone-mine.png"), full_page=True)
