"""Meetings through the services: the calendar, registering the day, holding
with attendance, the flags the superior committee sees, tasks, feedback, and
the name-deletion list read from attendance. Each refusal writes nothing."""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.meetings import selectors, services
from dangvien.meetings.models import (
    Attendance,
    Feedback,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Presence,
    Task,
    TaskResult,
)
from dangvien.members import services as member_services
from dangvien.members.models import EventKind
from dangvien.movements.models import Transfer, TransferKind, TransferReason, TransferStatus

D = dt.date
TODAY = D(2026, 11, 30)

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False):
        yield


def _rows():
    return (
        Meeting.objects.count(),
        Attendance.objects.count(),
        Task.objects.count(),
        Feedback.objects.count(),
        Case.objects.count(),
    )


def _all_present(members, overrides=None):
    marks = {m.pk: (Presence.PRESENT, "") for m in members}
    marks.update(overrides or {})
    return marks


def _march(tree, schedule):
    services.meetings_generate(actor=SYSTEM, month=D(2026, 3, 1))
    return Meeting.objects.get(cell=tree["cell_a"], month=D(2026, 3, 1))


def test_the_calendar_puts_a_meeting_on_the_set_day_and_opens_its_case(tree, schedule):
    assert services.meetings_generate(actor=SYSTEM, month=D(2026, 3, 15)) == 1
    meeting = Meeting.objects.get()
    assert (meeting.cell, meeting.kind, meeting.scheduled_on) == (
        tree["cell_a"],
        MeetingKind.REGULAR,
        D(2026, 3, 7),
    )
    case = Case.objects.get(object_id=meeting.pk, kind="meeting", closed_on=None)
    assert (case.step, case.due_date, case.acting_organization) == (
        "register",
        D(2026, 3, 7),
        tree["cell_a"],
    )
    # A second run writes nothing: one regular meeting a month.
    assert services.meetings_generate(actor=SYSTEM, month=D(2026, 3, 1)) == 0
    assert Meeting.objects.count() == 1


def test_only_the_committee_above_sets_the_schedule(tree, people):
    with pytest.raises(DomainError) as refused:
        services.schedule_set(
            actor=people["secretary_a"],
            cell=tree["cell_a"],
            kind="day_of_month",
            day=7,
            effective_from=D(2026, 1, 1),
        )
    assert refused.value.code == "not_acting_body"
    schedule = services.schedule_set(
        actor=people["office"],
        cell=tree["cell_a"],
        kind="weekday",
        weekday=3,
        week=1,
        effective_from=D(2026, 1, 1),
    )
    assert (schedule.set_by, schedule.max_delay_days) == (tree["commune"], 2)
    with pytest.raises(RecordValidationError) as incomplete:
        services.schedule_set(
            actor=people["office"],
            cell=tree["cell_a"],
            kind="day_of_month",
            day=32,
            effective_from=D(2026, 2, 1),
        )
    assert "day" in incomplete.value.errors
    assert schedule.__class__.objects.count() == 1


def test_registering_a_later_day_needs_a_reason_and_at_most_two_days(
    tree, schedule, people, cell_members
):
    meeting = _march(tree, schedule)
    before = _rows()
    for day, reason, code in (
        (D(2026, 3, 8), "", "reason_required"),
        (D(2026, 3, 10), "Mưa bão", "too_late"),
        (D(2026, 3, 6), "Sớm", "before_schedule"),
        (D(2026, 4, 7), "", "outside_month"),
    ):
        with pytest.raises(DomainError) as refused:
            services.meeting_register(
                actor=people["secretary_a"], meeting=meeting, planned_on=day, delay_reason=reason
            )
        assert (refused.value.code, refused.value.field) == (code, "planned_on")
    with pytest.raises(DomainError) as outside:
        services.meeting_register(
            actor=people["secretary_b"], meeting=meeting, planned_on=D(2026, 3, 7)
        )
    assert outside.value.code == "not_acting_body"
    assert _rows() == before
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED

    services.meeting_register(
        actor=people["secretary_a"],
        meeting=meeting,
        planned_on=D(2026, 3, 9),
        delay_reason="Trùng lịch bầu cử",
        registered_on=D(2026, 3, 2),
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.planned_on) == (MeetingStatus.REGISTERED, D(2026, 3, 9))
    case = Case.objects.get(object_id=meeting.pk, kind="meeting", closed_on=None)
    assert (case.step, case.due_date) == ("notify", D(2026, 3, 8))


def test_holding_records_attendance_over_the_expected_members(tree, schedule, people, cell_members):
    exempted, away, *rest = cell_members
    member_services.member_add_event(
        actor=SYSTEM, member=exempted, kind=EventKind.EXEMPTED, date=D(2026, 1, 10)
    )
    Transfer.objects.create(
        member=away,
        kind=TransferKind.TEMPORARY,
        reason=TransferReason.STUDY,
        trigger_date=D(2026, 1, 5),
        start_due=D(2026, 1, 20),
        status=TransferStatus.RECEIVED,
        from_organization=tree["cell_a"],
        to_organization=tree["cell_b"],
        sent_on=D(2026, 1, 10),
        received_on=D(2026, 1, 15),
        period_start=D(2026, 1, 15),
        period_end=D(2026, 12, 31),
    )
    roll = {row.member.pk: row for row in selectors.cell_roll_on(tree["cell_a"], D(2026, 3, 7))}
    assert roll[exempted.pk].expected is False and roll[away.pk].expected is False
    # Attached to cell B, the member is expected there.
    assert [r.member for r in selectors.cell_roll_on(tree["cell_b"], D(2026, 3, 7))] == [away]

    meeting = _march(tree, schedule)
    services.meeting_register(
        actor=people["secretary_a"],
        meeting=meeting,
        planned_on=D(2026, 3, 7),
        registered_on=D(2026, 3, 1),
    )
    services.meeting_notify(
        actor=people["secretary_a"],
        meeting=meeting,
        notified_on=D(2026, 3, 3),
        documents_posted_on=D(2026, 3, 5),
        agenda="1. Kiểm điểm tháng 2; 2. Nhiệm vụ tháng 3",
    )
    before = _rows()
    # Bad input: a member missing from the roll call, a stranger, an excused
    # absence without reason: every fault at once, at the field, nothing written.
    with pytest.raises(RecordValidationError) as refused:
        services.meeting_hold(
            actor=people["secretary_a"],
            meeting=meeting,
            held_on=D(2026, 3, 7),
            duration_minutes=95,
            attendance={
                rest[0].pk: (Presence.PRESENT, ""),
                rest[1].pk: (Presence.EXCUSED, ""),
                away.pk: (Presence.PRESENT, ""),
            },
        )
    messages = " ".join(refused.value.errors["attendance"])
    assert rest[2].full_name in messages and away.full_name in messages
    assert "vắng có lý do" in messages
    with pytest.raises(DomainError) as future:
        services.meeting_hold(
            actor=people["secretary_a"],
            meeting=meeting,
            held_on=D(2026, 12, 7),
            duration_minutes=95,
            attendance=_all_present(rest),
        )
    assert future.value.code in ("date_in_future", "outside_month")
    assert _rows() == before

    services.meeting_hold(
        actor=people["secretary_a"],
        meeting=meeting,
        held_on=D(2026, 3, 7),
        duration_minutes=95,
        attendance=_all_present(rest + [exempted], {rest[2].pk: (Presence.UNEXCUSED, "")}),
        content="Kiểm điểm",
        votes_for=3,
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    rate = selectors.attendance_rate(Meeting.objects.filter(pk=meeting.pk))
    # Expected: the three others; the exempted member came and counts on both sides.
    assert (rate.expected, rate.present, rate.present_unexpected, rate.unexcused) == (3, 2, 1, 1)
    assert str(rate.percent) == "75.0"  # (2 + the exempted who came) / (3 + 1)
    assert meeting.flags == "low_attendance"
    # Flagged: the superior committee's review is the open case; the cell's closed.
    case = Case.objects.get(object_id=meeting.pk, kind="meeting", closed_on=None)
    assert (case.step, case.acting_organization) == ("review", tree["commune"])
    with pytest.raises(DomainError) as cell_reviews:
        services.meeting_review(
            actor=people["secretary_a"], meeting=meeting, reviewed_on=TODAY, note="Đã nhắc"
        )
    assert cell_reviews.value.code == "not_acting_body"
    services.meeting_review(
        actor=people["office"], meeting=meeting, reviewed_on=TODAY, note="Nhắc chi bộ"
    )
    assert not Case.objects.filter(object_id=meeting.pk, kind="meeting", closed_on=None).exists()


def test_a_second_regular_meeting_in_a_month_is_refused(tree, schedule, people, cell_members):
    _march(tree, schedule)
    before = _rows()
    with pytest.raises(DomainError) as refused:
        services.meeting_create(
            actor=people["secretary_a"],
            cell=tree["cell_a"],
            kind=MeetingKind.REGULAR,
            planned_on=D(2026, 3, 7),
        )
    assert refused.value.code == "one_regular_a_month"
    assert _rows() == before
    # A thematic meeting does not replace the regular one: allowed.
    thematic = services.meeting_create(
        actor=people["secretary_a"],
        cell=tree["cell_a"],
        kind=MeetingKind.THEMATIC,
        planned_on=D(2026, 3, 20),
        topic="Học tập và làm theo tư tưởng Hồ Chí Minh",
    )
    assert thematic.status == MeetingStatus.REGISTERED


def _hold(meeting, actor, members, day, marks=None):
    services.meeting_register(actor=actor, meeting=meeting, planned_on=day)
    return services.meeting_hold(
        actor=actor,
        meeting=meeting,
        held_on=day,
        duration_minutes=120,
        attendance=_all_present(members, marks),
    )


def test_three_months_missed_without_reason_put_the_member_on_the_list(
    tree, schedule, people, cell_members
):
    truant = cell_members[0]
    for month in (1, 2, 3, 4):
        services.meetings_generate(actor=SYSTEM, month=D(2026, month, 1))
        meeting = Meeting.objects.get(cell=tree["cell_a"], month=D(2026, month, 1))
        presence = (Presence.UNEXCUSED, "") if month in (1, 2, 4) else (Presence.EXCUSED, "Ốm")
        _hold(
            meeting, people["secretary_a"], cell_members, D(2026, month, 7), {truant.pk: presence}
        )
    candidates = selectors.name_deletion_candidates(tree["province"], 2026)
    assert [(c.member_id, c.months) for c in candidates] == [(truant.pk, 3)]
    evidence = selectors.unexcused_regular_meetings(truant, 2026)
    assert [m.month.month for m in evidence] == [1, 2, 4]
    # Another year, another cell's subtree: nobody.
    assert selectors.name_deletion_candidates(tree["province"], 2025) == []
    assert selectors.name_deletion_candidates(tree["agency"], 2026) == []


def test_tasks_go_to_members_of_the_cell_and_get_a_result(tree, schedule, people, cell_members):
    meeting = _march(tree, schedule)
    _hold(meeting, people["secretary_a"], cell_members, D(2026, 3, 7))
    outsider = cell_members[0].__class__.objects.exclude(organization=tree["cell_a"]).first()
    from dangvien.members.tests.factories import MemberFactory

    outsider = outsider or MemberFactory(organization=tree["cell_b"])
    before = _rows()
    with pytest.raises(DomainError) as refused:
        services.task_add(
            actor=people["secretary_a"],
            meeting=meeting,
            assignee=outsider,
            content="Vận động đóng quỹ",
            due_on=D(2026, 4, 30),
        )
    assert (refused.value.code, refused.value.field) == ("task_not_a_member", "assignee")
    with pytest.raises(DomainError) as early:
        services.task_add(
            actor=people["secretary_a"],
            meeting=meeting,
            assignee=cell_members[1],
            content="Vận động",
            due_on=D(2026, 3, 1),
        )
    assert early.value.code == "task_due_before_meeting"
    assert _rows() == before
    task = services.task_add(
        actor=people["secretary_a"],
        meeting=meeting,
        assignee=cell_members[1],
        content="Vận động 10 hộ đăng ký hộ gia đình văn hóa",
        due_on=D(2026, 4, 30),
    )
    services.task_result(
        actor=people["secretary_a"], task=task, result=TaskResult.EXCEEDED, result_on=D(2026, 5, 7)
    )
    task.refresh_from_db()
    assert task.result == TaskResult.EXCEEDED


def test_feedback_goes_up_and_the_answer_comes_back(tree, schedule, people, cell_members):
    meeting = _march(tree, schedule)
    _hold(meeting, people["secretary_a"], cell_members, D(2026, 3, 7))
    item = services.feedback_send(
        actor=people["secretary_a"],
        meeting=meeting,
        content="Đề nghị sửa đường liên thôn",
        sent_on=D(2026, 3, 8),
    )
    case = Case.objects.get(object_id=item.pk, kind="feedback", closed_on=None)
    assert (case.step, case.acting_organization, case.due_date) == (
        "answer",
        tree["commune"],
        D(2026, 4, 7),
    )
    for actor in (people["secretary_a"], people["other_office"]):
        with pytest.raises(DomainError) as refused:
            services.feedback_answer(
                actor=actor, feedback=item, answer="Đã giao UBND xã", answered_on=D(2026, 3, 20)
            )
        assert refused.value.code == "not_acting_body"
    services.feedback_answer(
        actor=people["office"], feedback=item, answer="Đã giao UBND xã", answered_on=D(2026, 3, 20)
    )
    item.refresh_from_db()
    assert (item.status, item.answer) == ("answered", "Đã giao UBND xã")
    assert not Case.objects.filter(object_id=item.pk, kind="feedback", closed_on=None).exists()


def test_the_committee_overview_of_a_month(tree, schedule, people, cell_members):
    meeting = _march(tree, schedule)
    _hold(meeting, people["secretary_a"], cell_members, D(2026, 3, 7))
    rows = {r.cell_name: r for r in selectors.month_overview(tree["commune"], D(2026, 3, 1))}
    assert rows["Chi bộ thôn Đông"].status == MeetingStatus.HELD
    assert rows["Chi bộ thôn Đông"].percent == 100
    # March closes the first quarter, over by today: no thematic meeting is noted too.
    assert rows["Chi bộ thôn Tây"].flags == ("no_meeting", "no_thematic")
    assert "Chi bộ Văn phòng" not in rows


def test_the_name_deletion_proposal_takes_its_evidence_from_attendance(
    tree, schedule, people, cell_members
):
    from dangvien.movements.models import Removal, RemovalCause, RemovalKind
    from dangvien.movements.removals import removal_propose

    truant = cell_members[0]
    for month in (1, 2):
        services.meetings_generate(actor=SYSTEM, month=D(2026, month, 1))
        meeting = Meeting.objects.get(cell=tree["cell_a"], month=D(2026, month, 1))
        marks = {truant.pk: (Presence.UNEXCUSED, "")}
        _hold(meeting, people["secretary_a"], cell_members, D(2026, month, 7), marks)

    def propose(on):
        return removal_propose(
            actor=people["secretary_a"],
            member=truant,
            kind=RemovalKind.NAME_DELETION,
            cause=RemovalCause.MISSED_ACTIVITY,
            meeting_on=on,
            votes_for=4,
        )

    # Two meetings missed: not enough, and nothing written.
    with pytest.raises(DomainError) as refused:
        propose(D(2026, 3, 20))
    assert "evidence_months" in getattr(refused.value, "errors", {refused.value.field: 0})
    assert not Removal.objects.exists()

    services.meetings_generate(actor=SYSTEM, month=D(2026, 3, 1))
    march = Meeting.objects.get(cell=tree["cell_a"], month=D(2026, 3, 1))
    _hold(
        march,
        people["secretary_a"],
        cell_members,
        D(2026, 3, 7),
        {truant.pk: (Presence.UNEXCUSED, "")},
    )
    removal = propose(D(2026, 3, 20))
    assert removal.status == "proposed"
    assert removal.evidence_months == ["2026-01-01", "2026-02-01", "2026-03-01"]


def test_the_monthly_job_puts_the_meetings_on_the_calendar_once(tree, schedule):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("meetings_generate", "--month", "04/2026", stdout=out)
    assert "Đã lập lịch 1 buổi sinh hoạt tháng 04/2026." in out.getvalue()
    call_command("meetings_generate", "--month", "04/2026", stdout=StringIO())
    assert Meeting.objects.filter(month=D(2026, 4, 1)).count() == 1
    with pytest.raises(CommandError):
        call_command("meetings_generate", "--month", "13/2026")
