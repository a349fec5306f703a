"""Issue 10, the remaining parts: the committee's conferences and their
clashes, the thematic meeting of each quarter, the grassroots organisation's
meetings twice a year, grassroots cells, leaders' visits from the committee
posts, the overview's pages and filter, and the clear refusals of kinds."""

import datetime as dt

import pytest
import time_machine

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.meetings import rules, selectors, services
from dangvien.meetings.models import CommitteeConference, Guest, Meeting, MeetingKind
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.models import CommitteePost, Level
from dangvien.organizations.tests.factories import OrganizationFactory

D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False):
        yield


# --- rules -------------------------------------------------------------------


def test_quarters_and_the_thematic_rule_edges():
    assert rules.quarter_of(D(2026, 2, 14)) == (D(2026, 1, 1), D(2026, 3, 31))
    assert rules.quarter_of(D(2026, 12, 1)) == (D(2026, 10, 1), D(2026, 12, 31))
    assert rules.quarter_label(D(2026, 8, 1)) == "quý III/2026"
    # The quarter's last day is not past yet: never flagged.
    assert not rules.thematic_missing(0, D(2026, 3, 31), D(2026, 3, 31))
    assert rules.thematic_missing(0, D(2026, 3, 31), D(2026, 4, 1))
    assert not rules.thematic_missing(1, D(2026, 3, 31), D(2026, 4, 1))  # exactly 1 is enough
    assert rules.THEMATIC_PER_QUARTER.on(D(2026, 1, 1)) == 1


def test_grassroots_meetings_twice_a_year_edges():
    assert not rules.grassroots_meetings_short(0, 2026, D(2026, 12, 31))  # year still running
    assert rules.grassroots_meetings_short(1, 2026, D(2027, 1, 1))
    assert not rules.grassroots_meetings_short(2, 2026, D(2027, 1, 1))  # exactly 2 is enough


# --- conferences ----------------------------------------------------------------


def test_a_conference_on_a_meeting_day_is_kept_with_a_warning(tree, schedule, people):
    services.meetings_generate(actor=SYSTEM, month=D(2026, 12, 1))  # cell A: 07/12
    with pytest.raises(DomainError) as refused:
        services.conference_add(
            actor=people["secretary_a"],
            organization=tree["commune"],
            date=D(2026, 12, 7),
            title="Hội nghị sơ kết",
        )
    assert refused.value.code == "not_acting_body"
    with pytest.raises(DomainError) as on_cell:
        services.conference_add(
            actor=people["office"], organization=tree["cell_a"], date=D(2026, 12, 7), title="X"
        )
    assert on_cell.value.code == "conference_not_a_committee"
    with pytest.raises(DomainError) as untitled:
        services.conference_add(
            actor=people["office"], organization=tree["commune"], date=D(2026, 12, 7), title=" "
        )
    assert (untitled.value.code, untitled.value.field) == ("text_required", "title")
    assert not CommitteeConference.objects.exists()

    conference, clashes = services.conference_add(
        actor=people["office"],
        organization=tree["commune"],
        date=D(2026, 12, 7),
        title="Hội nghị tổng kết năm 2026",
    )
    assert [m.cell for m in clashes] == [tree["cell_a"]]
    assert conference.history.count() == 1 and conference.created_by == people["office"]
    _other, none = services.conference_add(
        actor=people["office"], organization=tree["commune"], date=D(2026, 12, 8), title="Khác"
    )
    assert none == []
    # Another committee's subtree does not clash.
    assert selectors.conference_clashes(tree["agency"], D(2026, 12, 7)) == []


def test_the_calendar_page_warns_of_the_clash(client, tree, schedule, people):
    services.meetings_generate(actor=SYSTEM, month=D(2026, 12, 1))
    client.force_login(people["office"])
    url = f"/sinh-hoat/?org={tree['commune'].pk}&thang=12/2026"
    response = client.post(
        url, {"form": "conference", "date": "07/12/2026", "name": "Hội nghị tổng kết"}, follow=True
    )
    page = response.content.decode()
    assert "trùng ngày sinh hoạt của 1 chi bộ" in page and "Chi bộ thôn Đông" in page
    assert CommitteeConference.objects.count() == 1
    bad = client.post(url, {"form": "conference", "date": "31/02/2026", "name": "X"})
    assert bad.status_code == 200 and CommitteeConference.objects.count() == 1
    # A cell's secretary has no such form on the committee's page.
    client.force_login(people["secretary_a"])
    assert (
        client.post(url, {"form": "conference", "date": "07/12/2026", "name": "X"}).status_code
        == 404
    )
    assert CommitteeConference.objects.count() == 1


# --- thematic meeting each quarter ---------------------------------------------------


def test_a_cell_without_a_thematic_meeting_in_an_ended_quarter_is_flagged(
    tree, schedule, people, cell_members
):
    services.meetings_generate(actor=SYSTEM, month=D(2026, 6, 1))
    thematic = services.meeting_create(
        actor=people["secretary_a"],
        cell=tree["cell_a"],
        kind=MeetingKind.THEMATIC,
        planned_on=D(2026, 5, 20),
        topic="Học tập và làm theo tư tưởng Hồ Chí Minh",
    )
    services.meeting_hold(
        actor=people["secretary_a"],
        meeting=thematic,
        held_on=D(2026, 5, 20),
        duration_minutes=120,
        attendance={m.pk: ("present", "") for m in cell_members},
    )
    rows = {r.cell_name: r.flags for r in selectors.month_overview(tree["commune"], D(2026, 6, 1))}
    assert "no_thematic" not in rows["Chi bộ thôn Đông"]
    assert "no_thematic" in rows["Chi bộ thôn Tây"]
    # Only the month closing the quarter carries it; a quarter running is never flagged.
    may = {r.cell_name: r.flags for r in selectors.month_overview(tree["commune"], D(2026, 5, 1))}
    assert "no_thematic" not in may["Chi bộ thôn Tây"]
    running = selectors.month_overview(tree["commune"], D(2026, 12, 1))
    assert all("no_thematic" not in r.flags for r in running)


# --- grassroots organisations and grassroots cells ------------------------------------


def test_a_grassroots_committee_records_its_own_meetings_and_is_flagged_under_two(
    tree, django_user_model
):
    from dangvien.members.tests.factories import Role, user_with_role

    office = user_with_role(django_user_model, "vp_so2", Role.GRASSROOTS_OFFICE, tree["agency"])
    with pytest.raises(DomainError) as regular:
        services.meeting_create(
            actor=office, cell=tree["agency"], kind=MeetingKind.REGULAR, planned_on=D(2025, 6, 20)
        )
    assert regular.value.code == "kind_not_for_committee"
    meeting = services.meeting_create(
        actor=office,
        cell=tree["agency"],
        kind=MeetingKind.GRASSROOTS,
        planned_on=D(2025, 6, 20),
        topic="Sơ kết 6 tháng đầu năm",
    )
    services.meeting_hold(
        actor=office, meeting=meeting, held_on=D(2025, 6, 20), duration_minutes=150, attendance={}
    )
    short = selectors.grassroots_meetings_short(tree["province"], 2025)
    assert [(g.organization_id, g.held) for g in short] == [(tree["agency"].pk, 1)]
    assert selectors.grassroots_meetings_short(tree["province"], 2026) == []  # year running


def test_a_cell_refuses_the_grassroots_kind_with_a_clear_code(tree, people):
    before = Meeting.objects.count()
    with pytest.raises(DomainError) as refused:
        services.meeting_create(
            actor=people["secretary_a"],
            cell=tree["cell_a"],
            kind=MeetingKind.GRASSROOTS,
            planned_on=D(2026, 3, 7),
        )
    assert (refused.value.code, refused.value.field) == ("kind_not_for_cell", "kind")
    assert "Hội nghị đảng bộ cơ sở" in refused.value.message
    with pytest.raises(DomainError) as bad:
        services.schedule_set(
            actor=SYSTEM, cell=tree["cell_a"], kind="hang_tuan", effective_from=D(2026, 1, 1)
        )
    assert (bad.value.code, bad.value.field) == ("schedule_kind_invalid", "kind")
    assert "«hang_tuan»" in bad.value.message
    assert Meeting.objects.count() == before


def test_a_grassroots_cell_gets_its_calendar_like_any_cell(tree):
    school = OrganizationFactory(
        parent=tree["commune"], name="Chi bộ Trường THCS Cẩm Xuyên", level=Level.GRASSROOTS_CELL
    )
    services.schedule_set(
        actor=SYSTEM, cell=school, kind="weekday", weekday=3, week=1, effective_from=D(2026, 1, 1)
    )
    assert services.meetings_generate(actor=SYSTEM, month=D(2026, 3, 1)) == 1
    meeting = Meeting.objects.get(cell=school)
    assert meeting.scheduled_on == D(2026, 3, 5)  # the Thursday of the first week
    names = [r.cell_name for r in selectors.month_overview(tree["commune"], D(2026, 3, 1))]
    assert "Chi bộ Trường THCS Cẩm Xuyên" in names


# --- leaders' visits ---------------------------------------------------------------


def test_leaders_with_no_visit_are_listed_from_the_committee_posts(
    tree, schedule, people, cell_members
):
    leader = MemberFactory(organization=tree["cell_b"])
    idle = MemberFactory(organization=tree["cell_b"])
    for person, kind in ((leader, "secretary"), (idle, "committee_member")):
        CommitteePost.objects.create(
            organization=tree["commune"],
            kind=kind,
            member=person,
            name=person.full_name,
            starts_on=D(2025, 1, 1),
        )
    CommitteePost.objects.create(  # a cell's post is not a superior leader's
        organization=tree["cell_a"],
        kind="secretary",
        member=cell_members[0],
        name=cell_members[0].full_name,
        starts_on=D(2025, 1, 1),
    )
    for month in (3, 4):
        services.meetings_generate(actor=SYSTEM, month=D(2026, month, 1))
        meeting = Meeting.objects.get(cell=tree["cell_a"], month=D(2026, month, 1))
        services.meeting_register(
            actor=people["secretary_a"], meeting=meeting, planned_on=D(2026, month, 7)
        )
        services.meeting_hold(
            actor=people["secretary_a"],
            meeting=meeting,
            held_on=D(2026, month, 7),
            duration_minutes=100,
            attendance={m.pk: ("present", "") for m in cell_members},
            guests=[services.GuestEntry("x", "Bí thư", True, leader)],
        )
    assert Guest.objects.filter(member=leader).count() == 2
    visits = selectors.leader_visits(tree["commune"], 2026)
    assert [(v.member_id, v.visits) for v in visits] == [(idle.pk, 0), (leader.pk, 2)]
    assert visits[1].title == "Bí thư Đảng ủy xã Cẩm Xuyên"
    assert selectors.leader_visits(tree["commune"], 2025)[1].visits == 0


# --- the overview's pages ---------------------------------------------------------------


def test_the_overview_pages_by_cell_and_filters_the_flagged(tree, schedule, people, cell_members):
    services.meetings_generate(actor=SYSTEM, month=D(2026, 11, 1))
    meeting = Meeting.objects.get(cell=tree["cell_a"], month=D(2026, 11, 1))
    services.meeting_register(
        actor=people["secretary_a"],
        meeting=meeting,
        planned_on=D(2026, 11, 7),
        registered_on=D(2026, 11, 1),
    )
    services.meeting_notify(
        actor=people["secretary_a"],
        meeting=meeting,
        notified_on=D(2026, 11, 2),
        documents_posted_on=D(2026, 11, 3),
        agenda="Chương trình",
    )
    services.meeting_hold(
        actor=people["secretary_a"],
        meeting=meeting,
        held_on=D(2026, 11, 7),
        duration_minutes=100,
        attendance={m.pk: ("present", "") for m in cell_members},
    )
    month = D(2026, 11, 1)
    first = selectors.month_overview(tree["province"], month, limit=1)
    assert [r.cell_name for r in first] == ["Chi bộ thôn Đông"]
    second = selectors.month_overview(tree["province"], month, after=first[0].cell_id, limit=1)
    assert [r.cell_name for r in second] == ["Chi bộ thôn Tây"]
    flagged = selectors.month_overview(tree["province"], month, flagged_only=True)
    assert [r.cell_name for r in flagged] == ["Chi bộ thôn Tây", "Chi bộ Văn phòng"]
    assert selectors.month_summary(tree["province"], month) == selectors.MonthSummary(3, 1)


def test_the_overview_page_and_api_take_the_filter(client, tree, schedule, people):
    from dangvien.meetings.tests.test_api import _bearer

    services.meetings_generate(actor=SYSTEM, month=D(2026, 11, 1))
    client.force_login(people["office"])
    page = client.get(
        f"/sinh-hoat/?org={tree['commune'].pk}&thang=11/2026&chi_can_luu_y=1"
    ).content.decode()
    assert "Chi bộ thôn Tây" in page and 'id="summary">0/2 chi bộ' in page
    office = _bearer(client, people["office"])
    url = f"/api/v1/meetings-overview?org={tree['commune'].pk}&month=2026-11"
    every = client.get(url, **office).json()
    assert [r["cell"]["name"] for r in every] == ["Chi bộ thôn Đông", "Chi bộ thôn Tây"]
    after = client.get(f"{url}&limit=1&after={every[0]['cell']['id']}", **office).json()
    assert [r["cell"]["name"] for r in after] == ["Chi bộ thôn Tây"]
    bad_kind = client.post(
        "/api/v1/meetings",
        {"cell": tree["cell_a"].pk, "kind": "grassroots", "planned_on": "2026-11-20"},
        content_type="application/json",
        **_bearer(client, people["secretary_a"]),
    )
    assert bad_kind.status_code == 400 and bad_kind.json()["code"] == "kind_not_for_cell"


def test_the_hold_page_takes_its_minimum_from_the_rule(client, tree, people, cell_members):
    services.schedule_set(
        actor=SYSTEM,
        cell=tree["cell_a"],
        kind="day_of_month",
        day=7,
        effective_from=D(2026, 1, 1),
        min_minutes=60,
    )
    services.meetings_generate(actor=SYSTEM, month=D(2026, 11, 1))
    meeting = Meeting.objects.get(cell=tree["cell_a"], month=D(2026, 11, 1))
    client.force_login(people["secretary_a"])
    page = client.get(f"/sinh-hoat/{meeting.pk}/ghi-ket-qua/").content.decode()
    assert "Thời lượng tối thiểu 60 phút" in page  # the small cell's own length
    combined = services.meeting_create(
        actor=people["secretary_b"],
        cell=tree["cell_b"],
        kind=MeetingKind.COMBINED,
        planned_on=D(2026, 11, 20),
        topic="Chuyên đề quý IV",
    )
    client.force_login(people["secretary_b"])
    page = client.get(f"/sinh-hoat/{combined.pk}/ghi-ket-qua/").content.decode()
    assert "Thời lượng tối thiểu 120 phút" in page
