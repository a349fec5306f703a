"""Party badges in a browser (Debian's chromium through playwright, a phone of
390 x 844): the commune office opens the badge page of the next award date,
reads the candidates by milestone, proposes one member, is refused for a
member before their milestone (the Vietnamese message, nothing written) and
sends the list; the provincial organisation board decides; the office
records the award with the badge number, which the member's badge page then
shows. Today is the badge tests' day (conftest: 20/03/2026, next award date
19/05/2026). Screenshots go to test-artifacts/. Skipped only where chromium is not
installed."""

import datetime as dt

from dangvien.accounts.models import Role
from dangvien.badges import rules
from dangvien.badges.models import AwardStatus, BadgeAward, BadgeRound, RoundStatus
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree
from dangvien.web.tests.browser import (
    ARTIFACTS,
    BROWSER,
)
from dangvien.web.tests.browser import login as _login
from dangvien.web.tests.browser import no_sideways_scroll as _no_sideways_scroll

pytestmark = BROWSER


def _veteran(org, admitted: dt.date, given: str):
    """A member admitted by a decision of `admitted`, official a year later."""
    return MemberFactory(
        organization=org,
        family_name="Phan",
        middle_name="Văn",
        given_name=given,
        admission_decision_date=admitted,
        joining_date=admitted + dt.timedelta(days=9),
        official_date=admitted.replace(year=admitted.year + 1) + dt.timedelta(days=9),
        birth_date=dt.date(admitted.year - 22, 3, 15),
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def _state():
    return (
        list(BadgeAward.objects.order_by("pk").values()),
        list(BadgeRound.objects.order_by("pk").values()),
        BadgeAward.history.count(),
    )


def test_badge_list_propose_refuse_early_decide_and_award(live_server, phone, django_user_model):
    from playwright.sync_api import expect

    tree = build_tree()
    commune, province = tree["commune"], tree["province"]
    today = dt.date.today()
    award_day = rules.next_award_date(today)
    start, end = rules.list_window(award_day)
    inside = start + dt.timedelta(days=1)  # within the list's window
    # Thirty years of party age inside the window; forty too; thirty only next year.
    thirty = _veteran(tree["cell_a"], _years_before(inside, 30), "Thành")
    forty = _veteran(tree["cell_b"], _years_before(inside, 40), "Tâm")
    young = _veteran(tree["cell_a"], _years_before(end + dt.timedelta(days=200), 30), "Trí")
    user_with_role(django_user_model, "vanphong", Role.GRASSROOTS_OFFICE, commune)
    user_with_role(django_user_model, "bantochuc", Role.ORGANISATION_BOARD, province)
    on = f"{today:%d/%m/%Y}"
    label = f"{award_day:%d/%m/%Y}"
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The office: the list of the next award date, by milestone.
    _login(page, live_server.url, "vanphong")
    page.goto(f"{live_server.url}/huy-hieu-dang/?org={commune.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(label)
    expect(page.locator("#milestone-30")).to_contain_text("Huy hiệu 30 năm tuổi Đảng (1)")
    expect(page.locator("#milestone-40")).to_contain_text("Huy hiệu 40 năm tuổi Đảng (1)")
    row = page.locator(f"#candidate-{thirty.pk}-30")
    expect(row).to_contain_text(thirty.full_name)
    expect(row).to_contain_text("Chưa đề nghị")
    expect(page.locator(f"#candidate-{forty.pk}-40")).to_be_visible()
    expect(page.locator("#candidates")).not_to_contain_text(young.full_name)
    page.screenshot(path=str(ARTIFACTS / "badges-phone-list.png"), full_page=True)
    assert _no_sideways_scroll(page), "/huy-hieu-dang/ scrolls sideways on a phone"

    # 2. Proposing the thirty-year member from the list.
    row.get_by_role("button", name="Đề nghị").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi")
    expect(page.locator(f"#candidate-{thirty.pk}-30")).to_contain_text("Đã đề nghị")
    award = BadgeAward.objects.get(member=thirty)
    assert (award.milestone, award.award_date, award.status) == (30, award_day, "proposed")
    assert not BadgeAward.objects.filter(member=forty).exists()

    # 3. A member before the milestone: the message, nothing written.
    before = _state()
    page.locator("#early-form summary").click()
    early = page.locator("#early-form")
    early.locator("input[name=member]").fill(str(young.pk))
    early.locator("input[name=milestone]").fill("30")
    early.locator("select[name=ground]").select_option("regular")
    early.get_by_role("button", name="Đề nghị").click()
    early = page.locator("#early-form")
    expect(early).to_have_attribute("open", "")
    expect(early.locator(".error")).to_contain_text(
        f"Đồng chí {young.full_name} đủ 30 năm tuổi đảng ngày"
    )
    expect(early.locator(".error")).to_contain_text(f"chưa đủ điều kiện xét tặng đợt {label}")
    page.screenshot(path=str(ARTIFACTS / "badges-phone-too-early.png"), full_page=True)
    assert _state() == before

    # 4. The office sends the list (the submission).
    badge_round = BadgeRound.objects.get(award_date=award_day)
    page.goto(f"{live_server.url}/huy-hieu-dang/?org={commune.pk}")
    submit = page.locator(f"#round-{badge_round.pk}")
    expect(submit).to_contain_text("hạn gửi")
    submit.locator("input[name=submitted_on]").fill(on)
    submit.get_by_role("button", name="Gửi tờ trình").click()
    expect(page.locator(f"#round-{badge_round.pk}")).to_contain_text("tờ trình số")
    badge_round.refresh_from_db()
    assert badge_round.status == RoundStatus.SUBMITTED
    page.goto(f"{live_server.url}/huy-hieu-dang/?org={commune.pk}")
    page.screenshot(path=str(ARTIFACTS / "badges-phone-sent.png"), full_page=True)

    # 5. The provincial board decides.
    page.context.clear_cookies()
    _login(page, live_server.url, "bantochuc")
    page.goto(f"{live_server.url}/huy-hieu-dang/?org={commune.pk}")
    expect(page.locator(f"tr#award-{award.pk}")).to_contain_text(thirty.full_name)
    page.locator(f"#decide-{award.pk} summary").click()
    decide = page.locator(f"#decide-{award.pk}")
    decide.locator("input[name=decided_on]").fill(on)
    decide.locator("input[name=decision_number]").fill("125-QĐ/TU")
    page.screenshot(path=str(ARTIFACTS / "badges-phone-decide.png"), full_page=True)
    decide.get_by_role("button", name="Quyết định").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi")
    expect(page.locator(f"tr#award-{award.pk}")).to_contain_text(f"125-QĐ/TU ngày {on}")
    award.refresh_from_db()
    assert award.status == AwardStatus.DECIDED and award.decided_by_id == province.pk

    # 6. The office records the ceremony and the badge number.
    page.context.clear_cookies()
    _login(page, live_server.url, "vanphong")
    page.goto(f"{live_server.url}/huy-hieu-dang/?org={commune.pk}")
    page.locator(f"details#award-{award.pk} summary").click()
    record = page.locator(f"details#award-{award.pk}")
    record.locator("input[name=awarded_on]").fill(on)
    record.locator("input[name=badge_number]").fill("2026/004512")
    record.get_by_role("button", name="Ghi trao tặng").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi")
    expect(page.locator(f"tr#award-{award.pk}")).to_contain_text(f"{on}, số 2026/004512")
    expect(page.locator(f"#candidate-{thirty.pk}-30")).to_contain_text("(số 2026/004512)")
    page.screenshot(path=str(ARTIFACTS / "badges-phone-awarded.png"), full_page=True)
    award.refresh_from_db()
    assert (award.status, award.badge_number, award.awarded_on) == (
        AwardStatus.AWARDED,
        "2026/004512",
        today,
    )
    assert BadgeAward.objects.count() == 1

    # The member's badge page shows the number.
    page.goto(f"{live_server.url}/dang-vien/{thirty.pk}/huy-hieu-dang/")
    expect(page.locator("#badges")).to_contain_text("30 năm tuổi Đảng")
    expect(page.locator("#badges")).to_contain_text("số 2026/004512")
    page.screenshot(path=str(ARTIFACTS / "badges-phone-member.png"), full_page=True)
