"""Issue 10: the demo's year of cell meetings never contradicts the roll rule.

The demo is loaded as `dangvien demo` loads it (members, the workflows through
the real services, then the year of meetings in bulk); the invariants are
checked against the event log by an independent replay and against
`meetings.selectors.cell_roll_on` itself.
"""

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.db.models import Count

from dangvien.compliance.models import Case, CaseKind
from dangvien.meetings import selectors
from dangvien.meetings.models import (
    REGULAR_KINDS,
    Attendance,
    Feedback,
    FeedbackStatus,
    Guest,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    Presence,
    Task,
    TaskResult,
)
from dangvien.members.models import ACTIVE_STATUSES, MembershipEvent
from dangvien.organizations.models import Level, Organization
from dangvien.seeding import services
from dangvien.seeding.meetings import year_months
from dangvien.seeding.posts import demo_posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    services.seed(services.demo_plan())
    demo_posts()
    services.demo_workflows()
    year = services.demo_meetings()
    services.demo_accounts()
    return year


def _replayed_rolls() -> dict[tuple[int, dt.date], dict[int, bool]]:
    """{(cell, day): {member: expected}} for every held meeting's cell and day,
    from the latest event of each member on or before the day."""
    days = defaultdict(set)
    for cell_id, day in Meeting.objects.filter(status=MeetingStatus.HELD).values_list(
        "cell_id", "held_on"
    ):
        days[cell_id].add(day)
    events = defaultdict(list)
    for row in MembershipEvent.objects.order_by("member_id", "date", "seq", "id").values_list(
        "member_id", "date", "status_after", "organization_after_id", "exempt_after"
    ):
        events[row[0]].append(row[1:])
    all_days = sorted({d for ds in days.values() for d in ds})
    rolls: dict[tuple[int, dt.date], dict[int, bool]] = defaultdict(dict)
    for member_id, history in events.items():
        for day in all_days:
            state = None
            for date, status, org, exempt in history:
                if date > day:
                    break
                state = (status, org, exempt)
            if state and state[0] in ACTIVE_STATUSES and day in days.get(state[1], ()):
                rolls[(state[1], day)][member_id] = not state[2]
    return rolls


def test_attendance_follows_the_roll_of_the_day(demo):
    assert demo.attendances > 20_000
    rolls = _replayed_rolls()
    wrong, missing, not_expected_absent = [], [], []
    by_meeting = defaultdict(dict)
    for meeting_id, member_id, expected, presence in Attendance.objects.values_list(
        "meeting_id", "member_id", "expected", "presence"
    ):
        by_meeting[meeting_id][member_id] = (expected, presence)
    for meeting in Meeting.objects.filter(status=MeetingStatus.HELD):
        roll = rolls.get((meeting.cell_id, meeting.held_on), {})
        marks = by_meeting.get(meeting.pk, {})
        for member_id, (expected, presence) in marks.items():
            if member_id not in roll or roll[member_id] != expected:
                wrong.append((meeting.pk, member_id))
            if not expected and presence != Presence.PRESENT:
                not_expected_absent.append((meeting.pk, member_id))
        # Every member who had to attend is marked; the exempted only if they came.
        missing += [(meeting.pk, m) for m, exp in roll.items() if exp and m not in marks]
    assert wrong == []
    assert missing == []
    assert not_expected_absent == []
    # Nothing for a meeting not held or not yet held.
    assert not Attendance.objects.exclude(meeting__status=MeetingStatus.HELD).exists()
    # Exempted members who came are there, counted present, not expected.
    assert Attendance.objects.filter(expected=False, presence=Presence.PRESENT).exists()
    # Realistic rates: about nine in ten present, absences mostly with a reason.
    counts = Counter(Attendance.objects.filter(expected=True).values_list("presence", flat=True))
    total = sum(counts.values())
    assert 0.85 < counts[Presence.PRESENT] / total < 0.95
    assert counts[Presence.EXCUSED] > counts[Presence.UNEXCUSED] > 0
    assert not Attendance.objects.filter(presence=Presence.EXCUSED, reason="").exists()


def test_the_service_roll_agrees_on_a_sample(demo):
    """The bulk path and `cell_roll_on` (what the services check) give the same roll."""
    held = list(Meeting.objects.filter(status=MeetingStatus.HELD).select_related("cell"))
    cell = services._demo_cell()
    sample = [m for m in held if m.cell_id == cell.pk]
    sample += random.Random(10).sample(held, 15)
    for meeting in sample:
        expected = {
            row.member.pk: row.expected
            for row in selectors.cell_roll_on(meeting.cell, meeting.held_on)
            if not row.attends_elsewhere
        }
        marks = dict(meeting.attendances.values_list("member_id", "expected"))
        assert {m: e for m, e in expected.items() if e} == {m: e for m, e in marks.items() if e}
        assert all(m in expected and not expected[m] for m, e in marks.items() if not e)


def test_one_regular_meeting_per_cell_and_month_and_the_calendar(demo):
    today = dt.date.today()
    cells = set(Organization.objects.filter(level=Level.CELL).values_list("pk", flat=True))
    months = [*year_months(today), today.replace(day=1)]
    regular = Counter(
        Meeting.objects.filter(kind__in=REGULAR_KINDS).values_list("cell_id", "month")
    )
    assert regular == Counter({(c, m): 1 for c in cells for m in months})
    # One schedule per cell, set by its parent, in force for the whole year.
    schedules = MeetingSchedule.objects.select_related("cell")
    assert {s.cell_id for s in schedules} == cells
    assert all(s.set_by_id == s.cell.parent_id for s in schedules)
    assert all(s.effective_from == dt.date(today.year - 1, 1, 1) for s in schedules)
    # A thematic meeting each quarter with a held month in it (R9.2).
    thematic = Meeting.objects.filter(kind="thematic").values("cell_id").annotate(n=Count("pk"))
    assert {r["n"] for r in thematic} == {4}
    # Held on the set day or put back within the allowance with a reason, never
    # in the future; short meetings flagged (R9.4).
    for meeting in Meeting.objects.filter(kind="regular", status=MeetingStatus.HELD):
        assert meeting.held_on <= today
        delay = (meeting.held_on - meeting.scheduled_on).days
        assert 0 <= delay <= 2 and (delay == 0 or meeting.delay_reason)
    assert Meeting.objects.filter(flags__contains="short").exists()
    assert Meeting.objects.filter(flags__contains="low_attendance").exists()
    # The current month waits for the cells to register it (the open cases).
    current = Meeting.objects.filter(month=today.replace(day=1))
    assert set(current.values_list("status", flat=True)) == {MeetingStatus.SCHEDULED}
    demo_cell = services._demo_cell()
    assert current.filter(cell=demo_cell).exists()
    waiting = Case.objects.filter(kind=CaseKind.MEETING, closed_on__isnull=True, step="register")
    assert waiting.count() == len(cells)
    # Every bulk row has its history baseline.
    for model in (MeetingSchedule, Meeting, Attendance, Guest, Task):
        assert model.history.count() >= model.objects.count() > 0


def test_the_demo_name_deletion_candidate_tasks_and_feedback(demo):
    absentee = services.demo_absentee()
    assert absentee is not None
    last_month = year_months(dt.date.today())[-1]
    year = last_month.year if last_month.month >= 3 else last_month.year - 1
    province = Organization.objects.get(level=Level.PROVINCIAL)
    candidates = {c.member_id: c for c in selectors.name_deletion_candidates(province, year)}
    assert absentee.pk in candidates
    assert candidates[absentee.pk].months >= 3
    assert selectors.unexcused_regular_meetings(absentee, year).count() >= 3
    # Tasks go to members present at the meeting; those due are assessed.
    tasks = Task.objects.select_related("meeting")
    assert tasks.exists()
    present = set(
        Attendance.objects.filter(presence=Presence.PRESENT).values_list("meeting_id", "member_id")
    )
    assert all((t.meeting_id, t.assignee_id) in present for t in tasks)
    assert all((t.result == TaskResult.PENDING) == (t.due_on > dt.date.today()) for t in tasks)
    assert tasks.filter(result=TaskResult.EXCEEDED).exists()
    # The demo cell's feedback: one answered, one waiting (with its open case).
    cell = services._demo_cell()
    statuses = sorted(Feedback.objects.filter(cell=cell).values_list("status", flat=True))
    assert statuses == [FeedbackStatus.ANSWERED, FeedbackStatus.SENT]
    assert Case.objects.filter(kind=CaseKind.FEEDBACK, closed_on__isnull=True).count() == 1
    # Leaders of the superior committee visit.
    assert Guest.objects.filter(leader=True).exists()


def test_the_demo_cells_last_meetings_have_numbered_papers(demo):
    from dangvien.documents.models import DocumentKind, IssuedDocument

    cell = services._demo_cell()
    last = list(
        Meeting.objects.filter(cell=cell, status=MeetingStatus.HELD).order_by("-held_on")[:3]
    )
    assert len(last) == 3
    for meeting in last:
        minutes = IssuedDocument.objects.get(pk=meeting.minutes_document_id)
        assert minutes.kind == DocumentKind.MINUTES
        assert minutes.organization_id == cell.pk and minutes.date == meeting.held_on
        if meeting.resolution_document_id:
            assert (
                meeting.resolution_number
                == IssuedDocument.objects.get(pk=meeting.resolution_document_id).symbol
            )
    # Only the demo cell's last meetings: the bulk year issues no papers.
    assert IssuedDocument.objects.filter(kind=DocumentKind.MINUTES).count() == 3
