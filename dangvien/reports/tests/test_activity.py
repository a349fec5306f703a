"""The work of a period in the report (issue 15 part 1): meetings held and
attendance, dues collected and members who did not pay, discipline decided,
admissions against the yearly target; each figure with its members."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.admissions import services as admission_services
from dangvien.core.actors import SYSTEM
from dangvien.discipline.tests.helpers import in_force
from dangvien.dues import services as dues_services
from dangvien.meetings import services as meeting_services
from dangvien.meetings.models import Meeting, MeetingKind, Presence
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree
from dangvien.reports import selectors, services
from dangvien.reports.models import ReportFigure
from dangvien.reports.periods import period_of

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 30)


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False):
        yield TODAY


@pytest.fixture
def quarter(today):
    """Cell A with three members: October's regular meeting held with one
    absent without reason, a thematic meeting; October's dues: two paid, one
    not (month closed); a warning decided in October and a reprimand decided in
    September (the quarter before); a yearly target of 4 for the commune."""
    tree = build_tree()
    a = [MemberFactory(organization=tree["cell_a"]) for _ in range(3)]
    MemberFactory(organization=tree["cell_c"])
    meeting_services.schedule_set(
        actor=SYSTEM, cell=tree["cell_a"], kind="day_of_month", day=7, effective_from=D(2026, 1, 1)
    )
    meeting_services.meetings_generate(actor=SYSTEM, month=D(2026, 10, 1))
    october = Meeting.objects.get(cell=tree["cell_a"], month=D(2026, 10, 1))
    meeting_services.meeting_register(actor=SYSTEM, meeting=october, planned_on=D(2026, 10, 7))
    marks = {m.pk: (Presence.PRESENT, "") for m in a}
    marks[a[0].pk] = (Presence.UNEXCUSED, "")
    meeting_services.meeting_hold(
        actor=SYSTEM,
        meeting=october,
        held_on=D(2026, 10, 7),
        duration_minutes=120,
        attendance=marks,
    )
    thematic = meeting_services.meeting_create(
        actor=SYSTEM,
        cell=tree["cell_a"],
        kind=MeetingKind.THEMATIC,
        planned_on=D(2026, 10, 20),
        topic="Chuyên đề",
    )
    meeting_services.meeting_hold(
        actor=SYSTEM,
        meeting=thematic,
        held_on=D(2026, 10, 20),
        duration_minutes=120,
        attendance={m.pk: (Presence.PRESENT, "") for m in a},
    )
    dues_services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=D(2026, 10, 1))
    from dangvien.dues.models import DuesLedger

    for m in a[1:]:
        due = DuesLedger.objects.get(member=m, month=D(2026, 10, 1)).amount_due
        dues_services.payment_record(
            actor=SYSTEM,
            member=m,
            month=D(2026, 10, 1),
            amount=due,
            channel="cash",
            paid_on=D(2026, 10, 5),
        )
    dues_services.month_close(actor=SYSTEM, organization=tree["cell_a"], month=D(2026, 10, 1))
    in_force(a[1], tree, form="warning", announced_on=D(2026, 10, 20))
    in_force(a[2], tree, form="reprimand", announced_on=D(2026, 9, 20))  # decided 17/09
    admission_services.admission_target_set(
        actor=SYSTEM, organization=tree["commune"], year=2026, count=4
    )
    return tree, a


def _lines(result):
    return {
        (s.code, line.label): line for s in selectors.activity_sections(result) for line in s.lines
    }


def test_the_quarter_s_work_with_its_members(quarter):
    tree, a = quarter
    period = period_of("quarter", 2026, 4, today=TODAY)
    result = services.report_result(tree["commune"], period)
    act = result.counts["activity"]
    # Two cells × two months begun (October, November); one regular meeting held.
    assert (act["meetings"]["cell_months"], act["meetings"]["regular_held"]) == (4, 1)
    assert act["meetings"]["thematic_held"] == 1
    assert (act["meetings"]["present"], act["meetings"]["seats"]) == (2, 3)
    assert act["dues"]["unpaid_members"] == 1
    assert act["dues"]["amount_paid"] < act["dues"]["amount_due"]
    assert act["discipline"]["members"] == {
        "reprimand": 0,
        "warning": 1,
        "dismissal": 0,
        "expulsion": 0,
    }
    assert act["admissions"] == {"admitted": 0, "year": 2026, "target": 4, "year_to_date": 0}
    assert act["months"] == ["2026-10-01", "2026-11-01"]  # the months wholly in the quarter
    assert act["discipline"]["members_total"] == 1
    lists = {
        f.figure: f for f in ReportFigure.objects.filter(result=result, figure__startswith="act:")
    }
    assert set(lists) == {"act:absent", "act:dues_unpaid", "act:disc:warning"}
    assert selectors.figure_ids(result, "act:absent") == [a[0].pk]
    assert selectors.figure_ids(result, "act:dues_unpaid") == [a[0].pk]
    assert selectors.figure_ids(result, "act:disc:warning") == [a[1].pk]
    assert selectors.figure_ids(result, "act:disc:reprimand") == []
    lines = _lines(result)
    target = lines[("admissions", "Kết nạp từ 01/01/2026 đến 30/11/2026, so với chỉ tiêu năm 2026")]
    assert (target.value, target.of, target.percent) == (0, 4, 0.0)
    assert "nam=2026" in target.link  # the period runs: the targets page counts to today
    held = lines[("meetings", "Lượt chi bộ sinh hoạt thường kỳ (trên số chi bộ × số tháng)")]
    assert held.link.endswith("&thang=11/2026")  # the last month counted
    # The agency's report: none of the commune's work.
    other = services.report_result(tree["agency"], period).counts["activity"]
    assert other["version"] == act["version"]
    assert other["meetings"]["regular_held"] == 0 and other["dues"]["unpaid_members"] == 0
    assert other["admissions"]["target"] is None


def test_the_quarter_before_counts_the_september_discipline_only(quarter):
    tree, _a = quarter
    period = period_of("quarter", 2026, 3, today=TODAY)
    act = services.report_result(tree["commune"], period).counts["activity"]
    assert act["discipline"]["members"]["reprimand"] == 1
    assert act["discipline"]["members"]["warning"] == 0
    assert act["meetings"]["regular_held"] == 0 and act["dues"]["member_months"] == 0


def test_a_month_not_over_is_not_counted(quarter):
    tree, _a = quarter
    from dangvien.reports.periods import period_between

    period = period_between(D(2026, 10, 1), D(2026, 11, 29), today=TODAY)
    act = services.report_result(tree["commune"], period).counts["activity"]
    assert act["months"] == ["2026-10-01"]  # November ends on the 30th
    assert act["meetings"]["cell_months"] == 2
    span = period_between(D(2026, 10, 2), D(2026, 11, 30), today=TODAY)  # October begun before
    assert services.report_result(tree["commune"], span).counts["activity"]["months"] == [
        "2026-11-01"
    ]


def test_an_annulled_discipline_is_not_counted(quarter):
    from dangvien.discipline.models import Discipline, DisciplineStatus

    tree, _a = quarter
    Discipline.objects.filter(form="warning").update(status=DisciplineStatus.ANNULLED)
    period = period_of("quarter", 2026, 4, today=TODAY)
    act = services.report_result(tree["commune"], period).counts["activity"]
    assert act["discipline"]["members"]["warning"] == 0 and act["discipline"]["members_total"] == 0


def test_a_large_organisation_s_work_is_left_to_the_queue(quarter, settings):
    """Above REPORT_INLINE_MAX_MEMBERS the work is computed by the job queue
    (inline in tests: huey immediate), never in the request's own call."""
    tree, a = quarter
    period = period_of("quarter", 2026, 4, today=TODAY)
    result = services.report_result(tree["commune"], period, with_activity=False)
    assert "activity" not in result.counts
    settings.REPORT_INLINE_MAX_MEMBERS = 1
    act = services.activity_ensure(result)  # the queue ran it (immediate mode)
    assert act["meetings"]["regular_held"] == 1
    result.refresh_from_db()
    assert result.counts["activity"]["version"] == act["version"]


def test_a_result_kept_before_the_work_section_gets_it_when_read(quarter):
    tree, a = quarter
    period = period_of("quarter", 2026, 4, today=TODAY)
    result = services.report_result(tree["commune"], period)
    result.counts.pop("activity")
    result.save(update_fields=["counts"])
    ReportFigure.objects.filter(result=result, figure__startswith="act:").delete()
    assert selectors.figure_ids(result, "act:absent") == [a[0].pk]
    result.refresh_from_db()
    assert result.counts["activity"]["meetings"]["regular_held"] == 1


def test_the_page_shows_the_work_and_only_the_board_sees_who_was_disciplined(
    quarter, client, django_user_model
):
    tree, a = quarter
    query = {"org": tree["commune"].pk, "ky": "quarter", "nam": "2026", "so": "4"}
    client.force_login(
        user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    )
    page = client.get(reverse("reports"), query)
    html = page.content.decode()
    assert 'id="activity-meetings"' in html and "hang=act:absent" in html
    assert "hang=act:disc:warning" in html
    listing = client.get(reverse("reports_figure"), {**query, "hang": "act:disc:warning"})
    assert listing.status_code == 200
    assert a[1].full_name not in listing.content.decode()  # counted, not shown
    unknown = client.get(reverse("reports_figure"), {**query, "hang": "act:nothing"})
    assert unknown.status_code == 404
    client.force_login(
        user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["commune"])
    )
    listing = client.get(reverse("reports_figure"), {**query, "hang": "act:disc:warning"})
    assert a[1].full_name in listing.content.decode()


def test_the_paper_says_the_work_in_words_and_in_its_third_table(quarter):
    from dangvien.reports.papers import paper_context

    tree, _a = quarter
    period = period_of("quarter", 2026, 4, today=TODAY)
    result = services.report_result(tree["commune"], period)
    context = paper_context(tree["commune"], period, result, None)
    sentence = next(p for p in context["paragraphs"] if "Công tác trong kỳ" in p)
    assert sentence.startswith(
        "3. Công tác trong kỳ (tính các tháng 10/2026–11/2026): lượt chi bộ sinh hoạt "
        "thường kỳ 1/4 (25,00%)"
    )
    assert "lượt đảng viên dự sinh hoạt 2/3 (66,67%)" in sentence
    assert "1 đảng viên không đóng đảng phí không có lý do; kỷ luật 1 đảng viên" in sentence
    assert sentence.endswith("kết nạp từ đầu năm 0 đảng viên trên chỉ tiêu 4.")
    work = context["tables"][2]
    assert work["title"] == "Bảng 3. Công tác trong kỳ"
    rows = {row[1]: row for row in work["rows"]}
    assert rows["Đảng viên bị kỷ luật cảnh cáo"][2] == "1"
    assert rows["Sinh hoạt chi bộ"][0] == "2"


@pytest.mark.parametrize(
    ("end", "year"),
    [
        (D(2026, 11, 30), 2025),
        (D(2026, 12, 1), 2026),
        (D(2026, 12, 31), 2026),
        (D(2027, 1, 1), 2026),
    ],
)
def test_the_grading_year_a_period_reports(end, year):
    from dangvien.reports.activity import grading_year_of
    from dangvien.reports.periods import ReportPeriod

    assert grading_year_of(ReportPeriod(D(2026, 1, 1), end)) == year


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_work_read_beside_the_lists_is_the_work_read_after_them(quarter, settings):
    """From REPORT_ALONGSIDE_MIN_MEMBERS the work of the period is read on a
    second connection while the lists are computed: the same counts and lists,
    none of its queries on the caller's connection."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tree, a = quarter
    period = period_of("quarter", 2026, 4, today=TODAY)

    def computed(min_members):
        settings.REPORT_ALONGSIDE_MIN_MEMBERS = min_members
        with CaptureQueriesContext(connection) as ctx:
            result = services.report_result(tree["commune"], period, refresh=True)
        figures = {
            f: selectors.figure_ids(result, f) for f in ("act:absent", "act:dues_unpaid", "B1")
        }
        here = any("meetings_attendance" in q["sql"] for q in ctx.captured_queries)
        return result.counts["activity"], figures, here

    after, after_lists, after_here = computed(10**9)
    beside, beside_lists, beside_here = computed(1)
    assert (after_here, beside_here) == (True, False)
    assert beside == after and beside_lists == after_lists
    assert beside["admissions"]["admitted"] == 0 and beside["meetings"]["regular_held"] == 1


def test_the_work_beside_raises_its_error_in_the_caller(quarter, settings):
    """Inside a transaction (every test of this module but the one above) the
    work is read after the lists, on the same connection; an error of the
    thread reaches the caller."""
    from dangvien.core.alongside import Alongside

    def fails():
        raise ValueError("hỏng")

    with pytest.raises(ValueError, match="hỏng"):
        Alongside(fails).result()
    Alongside(fails).settle()  # waited for, its error dropped: the caller's own is raised
    assert Alongside(sum, [1, 2]).result() == 3
    tree, a = quarter
    settings.REPORT_ALONGSIDE_MIN_MEMBERS = 1
    result = services.report_result(tree["commune"], period_of("quarter", 2026, 4, today=TODAY))
    assert result.counts["activity"]["meetings"]["regular_held"] == 1  # in the transaction
