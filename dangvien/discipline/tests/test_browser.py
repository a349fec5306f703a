"""Discipline in a browser (Debian's chromium through playwright, a phone of
390 x 844): the commune's inspection committee records a violation on a
member's discipline record and proposes a warning it decides itself; votes,
decides (the decision paper) and announces; the member reads their own
discipline, in force; their cell secretary, outside the sensitive section,
gets 404 on it. Then a vote below the threshold on another member: refused
with its Vietnamese message, nothing written (issue 12, "Bad input").
Screenshots go to test-artifacts/. Skipped only where chromium is not
installed."""

import datetime as dt

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.discipline import services
from dangvien.discipline.models import Discipline, DisciplineStatus, Violation
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree
from dangvien.web.tests.browser import (
    ARTIFACTS,
    BROWSER,
)
from dangvien.web.tests.browser import login as _login
from dangvien.web.tests.browser import no_sideways_scroll as _no_sideways_scroll

pytestmark = BROWSER


def _state():
    return (
        list(Discipline.objects.order_by("pk").values()),
        list(Violation.objects.order_by("pk").values()),
        Discipline.history.count(),
    )


def test_violation_proposal_vote_decision_and_who_sees_it(live_server, phone, django_user_model):
    from playwright.sync_api import expect

    tree = build_tree()
    cell, commune = tree["cell_a"], tree["commune"]
    member = MemberFactory(organization=cell, family_name="Võ", given_name="Hùng")
    other = MemberFactory(organization=cell, family_name="Đặng", given_name="Quế")
    user_with_role(django_user_model, "ubkt", Role.INSPECTION, commune)
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, cell)
    reader = user_with_role(django_user_model, "dangvien", Role.MEMBER, cell)
    Member.objects.filter(pk=member.pk).update(user=reader)
    today = dt.date.today()
    on = f"{today:%d/%m/%Y}"
    committed = today - dt.timedelta(days=60)
    record = f"{live_server.url}/ky-luat/dang-vien/{member.pk}/"
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The inspection committee records the violation on the member's record.
    _login(page, live_server.url, "ubkt")
    page.goto(record)
    expect(page.get_by_role("heading", level=1)).to_contain_text(member.full_name)
    form = page.locator("#violation-form")
    form.locator("select[name=kind]").select_option("duties")
    form.locator("textarea[name=description]").fill(
        "Không tham gia sinh hoạt chi bộ 3 tháng liền, không có lý do."
    )
    form.locator("input[name=committed_on]").fill(f"{committed:%d/%m/%Y}")
    form.locator("input[name=found_on]").fill(f"{today - dt.timedelta(days=30):%d/%m/%Y}")
    form.get_by_role("button", name="Ghi vi phạm").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi vi phạm.")
    expect(page.locator("#violations")).to_contain_text("Không tham gia sinh hoạt chi bộ")
    violation = Violation.objects.get(member=member)
    assert (violation.kind, violation.committed_on) == ("duties", committed)
    page.screenshot(path=str(ARTIFACTS / "discipline-phone-violation.png"), full_page=True)

    # 2. The proposal: a warning, decided by the commune's inspection committee.
    propose = page.locator("#propose-form")
    propose.locator("select[name=violation]").select_option(str(violation.pk))
    propose.locator("select[name=sanction]").select_option("warning")
    propose.locator("select[name=authority]").select_option(str(commune.pk))
    propose.locator("select[name=authority_body]").select_option("inspection")
    propose.locator("input[name=proposed_on]").fill(on)
    page.screenshot(path=str(ARTIFACTS / "discipline-phone-propose.png"), full_page=True)
    propose.get_by_role("button", name="Ghi").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi đề nghị kỷ luật.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Cảnh cáo đồng chí {member.full_name}"
    )
    discipline = Discipline.objects.get(member=member)
    assert (discipline.form, discipline.status, discipline.authority_id) == (
        "warning",
        DisciplineStatus.PROPOSED,
        commune.pk,
    )

    # 3. The vote: 5 of the 7 entitled (more than half), passed.
    vote = page.locator("#buoc-vote")
    vote.locator("input[name=voted_on]").fill(on)
    vote.locator("input[name=entitled]").fill("7")
    vote.locator("input[name=votes_for]").fill("5")
    vote.get_by_role("button", name="Ghi kết quả biểu quyết").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi vào hồ sơ kỷ luật.")
    expect(page.locator("dl.facts")).to_contain_text("5/7 đồng chí có quyền biểu quyết tán thành")

    # 4. The decision (the system numbers and prints it) and its announcement.
    decide = page.locator("#buoc-decide")
    decide.locator("input[name=decision_date]").fill(on)
    decide.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi vào hồ sơ kỷ luật.")
    expect(page.locator("#decision-link")).to_be_visible()
    discipline.refresh_from_db()
    assert discipline.status == DisciplineStatus.DECIDED and discipline.decision_number
    announce = page.locator("#buoc-announce")
    announce.locator("input[name=announced_on]").fill(on)
    announce.get_by_role("button", name="Ghi ngày công bố").click()
    expect(page.locator("#state")).to_contain_text("Đang có hiệu lực")
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "discipline-phone-in-force.png"), full_page=True)
    discipline.refresh_from_db()
    assert discipline.status == DisciplineStatus.IN_FORCE
    assert (discipline.entitled, discipline.votes_for) == (7, 5)
    assert discipline.voted_on == discipline.decision_date == discipline.announced_on == today
    assert Discipline.objects.count() == 1

    # 5. The member reads their own discipline.
    page.context.clear_cookies()
    _login(page, live_server.url, "dangvien")
    page.goto(record)
    expect(page.locator("#disciplines")).to_contain_text("Cảnh cáo")
    expect(page.locator("#disciplines")).to_contain_text(discipline.decision_number)
    expect(page.locator("#blocking")).to_contain_text("chưa được chuyển sinh hoạt")
    expect(page.locator("#violation-form")).to_have_count(0)
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "discipline-phone-mine.png"), full_page=True)

    # 6. The cell secretary is outside the sensitive section: 404 on both pages.
    page.context.clear_cookies()
    _login(page, live_server.url, "chibo")
    response = page.goto(record)
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Không tham gia sinh hoạt")
    response = page.goto(f"{live_server.url}/ky-luat/{discipline.pk}/")
    assert response is not None and response.status == 404
    page.screenshot(path=str(ARTIFACTS / "discipline-phone-secretary-404.png"), full_page=True)

    # 7. A vote below the threshold (3 of 7) on another member's proposal.
    second = services.discipline_propose(
        actor=SYSTEM,
        violation=services.violation_record(
            actor=SYSTEM,
            member=other,
            kind="duties",
            description="Không đóng đảng phí 3 tháng liền.",
            committed_on=committed,
            found_on=committed,
        ),
        form="reprimand",
        authority=commune,
        authority_body="inspection",
        proposed_on=today,
    )
    page.context.clear_cookies()
    _login(page, live_server.url, "ubkt")
    page.goto(f"{live_server.url}/ky-luat/{second.pk}/")
    before = _state()
    vote = page.locator("#buoc-vote")
    vote.locator("input[name=voted_on]").fill(on)
    vote.locator("input[name=entitled]").fill("7")
    vote.locator("input[name=votes_for]").fill("3")
    vote.get_by_role("button", name="Ghi kết quả biểu quyết").click()
    page.wait_for_load_state()
    page.screenshot(path=str(ARTIFACTS / "discipline-phone-vote-below.png"), full_page=True)
    expect(page.locator("#error-vote-votes_for")).to_contain_text("1/2")
    assert _state() == before
    second.refresh_from_db()
    assert second.status == DisciplineStatus.PROPOSED
