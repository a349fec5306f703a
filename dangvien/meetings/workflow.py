"""The meeting workflows as tables (compliance.workflow).

- MEETING (R9.1-R9.4, HD 42-HD/BTCTW; seed 002): the calendar puts a regular
  meeting on the cell's set day; the cell registers the actual day with the
  superior committee, notifies members and posts the documents, holds the
  meeting and records attendance, minutes and resolution. A meeting not held,
  or held short, late-documented or under the attendance threshold, waits for
  the superior committee to take note (its open case).
- FEEDBACK (seed 002, "Phản ánh, góp ý với cấp trên"): sent by the cell, answered
  by the superior committee, due by rules.FEEDBACK_ANSWER_DAYS.
"""

from __future__ import annotations

import datetime as dt

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, Step, Workflow
from dangvien.organizations.models import Organization

from . import rules
from .models import Feedback, FeedbackStatus, Meeting, MeetingStatus

# A state of the table that is not a stored status: held (or not held) with
# something the superior committee must take note of, not yet noted.
TO_REVIEW = "to_review"
REVIEWED = "reviewed"


def meeting_state(meeting: Meeting) -> str:
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.NOT_HELD):
        if meeting.reviewed_on is None and (
            meeting.status == MeetingStatus.NOT_HELD or meeting.flags
        ):
            return TO_REVIEW
        return meeting.status if meeting.reviewed_on is None else REVIEWED
    return meeting.status


def _state_label(meeting: Meeting) -> str:
    state = meeting_state(meeting)
    if state == TO_REVIEW:
        return "Chờ cấp trên xem xét"
    if state == REVIEWED:
        return "Cấp trên đã xem xét"
    return meeting.get_status_display()


def _cell(meeting: Meeting) -> Organization:
    return meeting.cell


def _superior(meeting: Meeting) -> Organization | None:
    return meeting.cell.parent


def _day_before(day: dt.date | None) -> dt.date | None:
    return day - dt.timedelta(days=1) if day else None


def _record_due(meeting: Meeting) -> dt.date | None:
    """Minutes recorded by the last day the meeting could be put back to."""
    day = meeting.planned_on or meeting.scheduled_on
    if day is None:
        return None
    return day + dt.timedelta(days=rules.MAX_DELAY_DAYS.on(day))


HELD_FROM = (MeetingStatus.SCHEDULED, MeetingStatus.REGISTERED, MeetingStatus.NOTIFIED)

MEETING = Workflow(
    kind=CaseKind.MEETING,
    state_of=meeting_state,
    state_label=_state_label,
    where=_cell,
    subject=lambda m: f"{m.get_kind_display()} tháng {m.month:%m/%Y}",
    member=lambda m: None,
    steps=(
        Step(
            "register",
            "Đăng ký ngày sinh hoạt với cấp ủy cấp trên",
            (MeetingStatus.SCHEDULED,),
            MeetingStatus.REGISTERED,
            Body.CELL,
            _cell,
            due=lambda m: m.scheduled_on,
        ),
        Step(
            "notify",
            "Thông báo đảng viên, gửi tài liệu",
            (MeetingStatus.REGISTERED,),
            MeetingStatus.NOTIFIED,
            Body.CELL,
            _cell,
            due=lambda m: _day_before(m.planned_on),
        ),
        Step(
            "hold",
            "Ghi kết quả sinh hoạt: điểm danh, biên bản, nghị quyết",
            HELD_FROM,
            MeetingStatus.HELD,
            Body.CELL,
            _cell,
            due=_record_due,
        ),
        Step(
            "not_held",
            "Báo cáo không sinh hoạt (có lý do)",
            HELD_FROM,
            MeetingStatus.NOT_HELD,
            Body.CELL,
            _cell,
            awaited=False,
        ),
        Step(
            "review",
            "Cấp ủy cấp trên xem xét (không sinh hoạt, thời lượng, tỷ lệ dự họp, tài liệu)",
            (TO_REVIEW,),
            REVIEWED,
            Body.SUPERIOR,
            _superior,
            due=lambda m: (m.held_on or m.month) + dt.timedelta(days=30),
        ),
    ),
)


def _feedback_cell(feedback: Feedback) -> Organization:
    return feedback.cell


FEEDBACK = Workflow(
    kind=CaseKind.FEEDBACK,
    state_of=lambda f: f.status,
    state_label=lambda f: f.get_status_display(),
    where=_feedback_cell,
    subject=lambda f: f"Phản ánh của {f.cell.name}",
    member=lambda f: None,
    steps=(
        Step(
            "answer",
            "Cấp ủy cấp trên trả lời phản ánh, góp ý",
            (FeedbackStatus.SENT,),
            FeedbackStatus.ANSWERED,
            Body.SUPERIOR,
            lambda f: f.to_organization,
            due=lambda f: rules.feedback_due(f.sent_on),
        ),
    ),
)
