"""The cell secretary on a phone (390 x 844, Debian's chromium through
playwright): the cell's meetings page, the meeting, the roll call of a cell of
40 (two absent, one with a reason), recorded; the flags, the attendance and
the papers on the meeting page; then a member's own page with the agenda.
Screenshots go to test-artifacts/. Skipped only where chromium is not installed."""

import datetime as dt

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.meetings import services
from dangvien.meetings.models import Attendance, Meeting, MeetingStatus, Presence
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.models import CommitteePostKind
from dangvien.organizations.posts import post_assign
from dangvien.organizations.tests.factories import build_tree
from dangvien.web.tests.browser import (
    ARTIFACTS,
    BROWSER,
)
from dangvien.web.tests.browser import login as _login
from dangvien.web.tests.browser import no_sideways_scroll as _no_sideways_scroll

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng")
GIVEN = (
    "An Bình Cường Dũng Đạt Hải Hằng Hoa Hùng Khánh Lan Linh Long Mai Minh Nam Nga Ngọc "
    "Oanh Phong Phúc Phương Quang Quế Sơn Tâm Thảo Thắng Thủy Tiến Trang Trung Tú Tuấn Uyên "
    "Vân Việt Vinh Xuân Yến"
).split()

pytestmark = BROWSER


def _month() -> dt.date:
    """A month whose meeting day (the 7th) is past: this one from the 8th."""
    today = dt.date.today()
    month = today.replace(day=1)
    return month if today.day >= 8 else (month - dt.timedelta(days=1)).replace(day=1)


def test_the_secretary_takes_the_roll_of_forty_on_a_phone(live_server, phone, django_user_model):
    from playwright.sync_api import expect

    tree = build_tree()
    cell = tree["cell_a"]
    members = [
        MemberFactory(organization=cell, family_name=FAMILY[i % 8], given_name=GIVEN[i])
        for i in range(40)
    ]
    post_assign(
        actor=SYSTEM,
        organization=cell,
        kind=CommitteePostKind.SECRETARY,
        starts_on=dt.date(2020, 1, 1),
        member=members[0],
    )
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, cell)
    reader = user_with_role(django_user_model, "dangvien", Role.MEMBER, cell)
    Member.objects.filter(pk=members[7].pk).update(user=reader)
    month = _month()
    services.schedule_set(
        actor=SYSTEM, cell=cell, kind="day_of_month", day=7, effective_from=dt.date(2026, 1, 1)
    )
    services.meetings_generate(actor=SYSTEM, month=month)
    meeting = Meeting.objects.get(cell=cell, month=month)
    day = month.replace(day=7)
    services.meeting_register(
        actor=SYSTEM, meeting=meeting, planned_on=day, registered_on=day - dt.timedelta(days=6)
    )
    services.meeting_notify(
        actor=SYSTEM,
        meeting=meeting,
        notified_on=day - dt.timedelta(days=4),
        documents_posted_on=day - dt.timedelta(days=3),
        agenda="1. Đánh giá kết quả tháng trước\n2. Nhiệm vụ trọng tâm trong tháng",
        draft_resolution="1. Hoàn thành thu đảng phí\n2. Vận động nhân dân làm đường",
    )
    sick, truant = members[11], members[23]
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)

    _login(page, live_server.url, "chibo")
    page.goto(f"{live_server.url}/sinh-hoat/?org={cell.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(cell.name)
    page.screenshot(path=str(ARTIFACTS / "meetings-phone-cell.png"), full_page=True)
    assert _no_sideways_scroll(page)
    page.locator(f"a[href='/sinh-hoat/{meeting.pk}/']").first.click()
    expect(page.locator("#state")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "meetings-phone-detail-before.png"), full_page=True)
    page.locator("#hold-link").click()

    rows = page.locator("#roll tbody tr")
    expect(rows).to_have_count(40)
    assert _no_sideways_scroll(page)
    # Each choice is large enough to touch (a 44 px label around the radio button).
    target = page.locator(f"label:has(input[name=presence_{sick.pk}][value=excused])")
    box = target.bounding_box()
    assert box is not None and 44 <= box["height"] < 60 and box["width"] >= 44, box
    page.screenshot(path=str(ARTIFACTS / "meetings-phone-roll.png"), full_page=False)
    page.fill("#id_duration_minutes", "75")  # short: flagged for the superior committee
    target.click()
    page.fill(f"input[name=reason_{sick.pk}]", "Ốm nằm viện")
    page.locator(f"label:has(input[name=presence_{truant.pk}][value=unexcused])").click()
    page.locator("#id_recorder").select_option(str(members[1].pk))
    page.fill("#id_votes_for", "38")
    page.screenshot(path=str(ARTIFACTS / "meetings-phone-roll-full.png"), full_page=True)
    page.get_by_role("button", name="Ghi kết quả sinh hoạt").click()

    expect(page.locator(".messages")).to_contain_text("Đã ghi kết quả buổi sinh hoạt")
    expect(page.locator("#flags")).to_contain_text("Thời lượng dưới mức tối thiểu")
    attendance = page.locator("#attendance")
    expect(attendance).to_contain_text("Phải dự: 40 · Có mặt: 38 (95,0%)")
    expect(attendance).to_contain_text("Ốm nằm viện")
    expect(page.locator("#minutes-link")).to_be_visible()
    expect(page.locator("#resolution-link")).to_contain_text("01-NQ/CB")
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "meetings-phone-detail-held.png"), full_page=True)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.minutes_document_id
    assert Attendance.objects.get(meeting=meeting, member=sick).reason == "Ốm nằm viện"
    assert Attendance.objects.get(meeting=meeting, member=truant).presence == Presence.UNEXCUSED

    page.context.clear_cookies()
    _login(page, live_server.url, "dangvien")
    page.goto(f"{live_server.url}/sinh-hoat/cua-toi/")
    page.locator("#my-meetings-table summary").first.click()
    expect(page.locator("#my-meetings-table")).to_contain_text("Nhiệm vụ trọng tâm trong tháng")
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "meetings-phone-mine.png"), full_page=True)
