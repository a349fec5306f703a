"""The year-end review in a browser (Debian's chromium through playwright, a
phone of 390 x 844): a member fills their own self-review (form 2A/2B/2C);
the cell secretary proposes the cell's grades, two "excellent" of five; the
commune committee's office decides, is refused for excellent over the cap
(20% of good) with its Vietnamese message and nothing written, then decides
with the reason of the override, and announces; the shares table shows the
result. Screenshots go to test-artifacts/. Skipped only where chromium is not
installed."""

import datetime as dt
from decimal import Decimal

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.grading import services
from dangvien.grading.models import (
    CellProposal,
    GradingDecision,
    MemberReview,
    ReviewStatus,
)
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree
from dangvien.web.tests.browser import (
    ARTIFACTS,
    BROWSER,
)
from dangvien.web.tests.browser import login as _login
from dangvien.web.tests.browser import no_sideways_scroll as _no_sideways_scroll

GIVEN = ("An", "Bình", "Cường", "Dũng", "Hằng")

pytestmark = BROWSER


def _year() -> int:
    """The year under review as the pages default to it (last year until October)."""
    today = dt.date.today()
    return today.year if today.month >= 10 else today.year - 1


def _decision_state():
    return (
        list(MemberReview.objects.order_by("pk").values()),
        list(CellProposal.objects.order_by("pk").values()),
        list(GradingDecision.objects.order_by("pk").values()),
    )


def test_self_review_proposal_decision_over_the_cap_and_shares(
    live_server, phone, django_user_model
):
    from playwright.sync_api import expect

    tree = build_tree()
    cell, commune = tree["cell_a"], tree["commune"]
    members = [
        MemberFactory(organization=cell, family_name="Lê", given_name=name) for name in GIVEN
    ]
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, cell)
    user_with_role(django_user_model, "dangux", Role.GRASSROOTS_OFFICE, commune)
    reader = user_with_role(django_user_model, "dangvien", Role.MEMBER, cell)
    me = members[0]
    Member.objects.filter(pk=me.pk).update(user=reader)
    today = dt.date.today()
    year = _year()
    on = f"{today:%d/%m/%Y}"
    campaign = services.campaign_open(
        actor=SYSTEM, organization=commune, year=year, opened_on=today
    )
    # The four others wrote theirs already; the member writes theirs in the browser.
    for review in campaign.reviews.exclude(member=me):
        services.self_review_submit(
            actor=SYSTEM,
            review=review,
            strengths="Hoàn thành công việc được giao.",
            shortcomings="Đôi khi chậm báo cáo.",
            remedies="",
            self_grade="good",
            self_score="80",
            on=today,
        )
    mine = campaign.reviews.get(member=me)
    assert mine.status == ReviewStatus.PENDING
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The member on their own page: the form of their situation, the self-review.
    _login(page, live_server.url, "dangvien")
    page.goto(f"{live_server.url}/danh-gia/cua-toi/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(me.full_name)
    form = page.locator("#buoc-self_review")
    expect(form).to_be_visible()
    choices = form.locator("select[name=form] option")
    assert [choices.nth(i).get_attribute("value") for i in range(choices.count())] == [
        "2A",
        "2B",
        "2C",
    ]
    expect(form.locator("select[name=form]")).to_have_value(mine.form)
    form.locator("select[name=form]").select_option("2A")
    form.locator("textarea[name=strengths]").fill(
        "Gương mẫu thực hiện nhiệm vụ; vận động nhân dân hiến đất làm đường."
    )
    form.locator("textarea[name=shortcomings]").fill("Việc học tập nghị quyết còn chậm.")
    form.locator("textarea[name=remedies]").fill("Dành thời gian tự học mỗi tuần.")
    form.locator("input[name=self_score]").fill("92")
    form.locator("select[name=self_grade]").select_option("excellent")
    form.locator("input[name=on]").fill(on)
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "grading-phone-self-review.png"), full_page=True)
    form.get_by_role("button", name="Ghi bản tự kiểm điểm").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi bản tự kiểm điểm")
    expect(page.locator("#self-review")).to_contain_text("Việc học tập nghị quyết còn chậm.")
    expect(page.locator("#self-review")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "grading-phone-self-reviewed.png"), full_page=True)
    mine.refresh_from_db()
    assert (mine.status, mine.form, mine.self_grade) == (
        ReviewStatus.SELF_REVIEWED,
        "2A",
        "excellent",
    )
    assert mine.self_score == Decimal("92") and not mine.filled_by_cell
    assert mine.self_review_document_id

    # 2. The cell secretary proposes: two excellent (scores 92 and 91), three good.
    page.context.clear_cookies()
    _login(page, live_server.url, "chibo")
    page.goto(f"{live_server.url}/danh-gia/?org={cell.pk}&nam={year}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(cell.name)
    table = page.locator("#members-table")
    for member in members:
        expect(table).to_contain_text(member.full_name)
    expect(table).not_to_contain_text("Chưa có")
    page.screenshot(path=str(ARTIFACTS / "grading-phone-cell.png"), full_page=True)
    propose = page.locator("#buoc-propose")
    reviews = {r.member_id: r for r in campaign.reviews.all()}
    excellent = {me.pk: "92", members[1].pk: "91"}
    for member in members:
        pk = reviews[member.pk].pk
        grade = "excellent" if member.pk in excellent else "good"
        propose.locator(f"select[name=grade_{pk}]").select_option(grade)
        propose.locator(f"input[name=score_{pk}]").fill(excellent.get(member.pk, "80"))
        if member.pk in excellent:
            propose.locator(f"input[name=exceeded_{pk}]").fill("40")
    propose.locator("input[name=proposed_on]").fill(on)
    propose.locator("textarea[name=note]").fill("Chi bộ nhất trí 5/5.")
    page.screenshot(path=str(ARTIFACTS / "grading-phone-propose.png"), full_page=True)
    propose.get_by_role("button", name="Gửi đề nghị lên cấp ủy").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi đề nghị xếp loại")
    expect(page.locator("#members-table")).to_contain_text("Đề nghị: Hoàn thành xuất sắc")
    expect(page.locator("#buoc-propose")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "grading-phone-proposed.png"), full_page=True)
    proposal = CellProposal.objects.get(campaign=campaign, cell=cell)
    assert proposal.status == "proposed" and proposal.document_id
    assert sorted(campaign.reviews.values_list("proposed_grade", flat=True)) == [
        "excellent",
        "excellent",
        "good",
        "good",
        "good",
    ]

    # 3. The commune committee decides: refused over the cap, then with its reason.
    decision = GradingDecision.objects.get(campaign=campaign)
    page.context.clear_cookies()
    _login(page, live_server.url, "dangux")
    page.goto(f"{live_server.url}/danh-gia/dot/{campaign.pk}/")
    expect(page.locator("#progress-table")).to_contain_text(cell.name)
    page.locator(f"#decisions-table a[href='/danh-gia/quyet-dinh/{decision.pk}/']").click()
    expect(page.locator("#cap")).to_contain_text("tối đa 0")
    decide = page.locator("#buoc-decide")
    decide.locator("input[name=decided_on]").fill(on)
    before = _decision_state()
    decide.get_by_role("button", name="Quyết định").click()
    error = page.locator("#error-decide-override_reason")
    expect(error).to_contain_text("Số xếp loại hoàn thành xuất sắc (2) vượt 20% số hoàn thành tốt")
    expect(error).to_contain_text("ghi lý do quyết định vượt tỷ lệ")
    page.screenshot(path=str(ARTIFACTS / "grading-phone-over-cap.png"), full_page=True)
    assert _decision_state() == before
    reason = "Hai đồng chí có thành tích nổi bật trong xây dựng nông thôn mới."
    page.locator("#buoc-decide textarea[name=override_reason]").fill(reason)
    page.locator("#buoc-decide input[name=decided_on]").fill(on)
    page.locator("#buoc-decide").get_by_role("button", name="Quyết định").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi")
    expect(page.locator("#cap")).to_contain_text(reason)
    announce = page.locator("#buoc-announce")
    announce.locator("input[name=announced_on]").fill(on)
    announce.get_by_role("button", name="Ghi đã thông báo").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi")
    expect(page.locator("#reviews-table")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    page.screenshot(path=str(ARTIFACTS / "grading-phone-decision.png"), full_page=True)
    decision.refresh_from_db()
    assert decision.status == "announced" and decision.cap_override_reason == reason
    assert (decision.excellent, decision.good, decision.completed) == (2, 3, 0)
    assert decision.decided_on == decision.announced_on == today
    assert set(campaign.reviews.values_list("status", flat=True)) == {ReviewStatus.ANNOUNCED}
    assert dict(campaign.reviews.values_list("member_id", "grade")) == {
        m.pk: "excellent" if m.pk in excellent else "good" for m in members
    }

    # 4. The shares table: 2 of 5 excellent (40,00), 3 of 5 good (60,00).
    page.goto(f"{live_server.url}/danh-gia/dot/{campaign.pk}/")
    results = page.locator("#results-table")
    total = results.locator("tr.total")
    expect(total).to_contain_text("Tổng cộng")
    cells = total.locator("th").all_inner_texts()
    assert cells[1:6] == ["5", "2", "40,00", "3", "60,00"], cells
    expect(results.locator("tbody tr").first).to_contain_text(cell.name)
    page.screenshot(path=str(ARTIFACTS / "grading-phone-shares.png"), full_page=True)

    # The member reads their grade on their own page.
    page.context.clear_cookies()
    _login(page, live_server.url, "dangvien")
    page.goto(f"{live_server.url}/danh-gia/cua-toi/")
    expect(page.locator("#grade")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "grading-phone-mine-graded.png"), full_page=True)
