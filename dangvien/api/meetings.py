"""API of cell meetings, built from the tables `meetings.workflow.MEETING` and
`FEEDBACK`: the list of a subtree's meetings, a meeting with the caller's open
steps and its roll call, the committee's month overview, the name-deletion
candidates from attendance, and one POST per step calling the same services as
the pages. Outside the scope: 404; a role that may not act: 403
`not_acting_body`; out of order: 400 `out_of_order`; nothing is written on
refusal.

(No `from __future__ import annotations`: see api/common.py.)
"""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from dangvien.accounts.scope import scope_for
from dangvien.meetings import rules, selectors, services
from dangvien.meetings.models import Feedback, Meeting, MeetingKind, Presence
from dangvien.meetings.services import GuestEntry
from dangvien.meetings.workflow import FEEDBACK, MEETING
from dangvien.organizations import selectors as org_selectors

from .common import (
    ID,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Ref,
    StepRef,
    open_steps,
    ref,
    register_steps,
)

router = Router(tags=["Sinh hoạt chi bộ"])


class MeetingOut(Schema):
    id: int
    cell: Ref
    kind: str
    kind_label: str
    month: dt.date
    scheduled_on: dt.date | None
    planned_on: dt.date | None
    held_on: dt.date | None
    status: str
    state_label: str
    topic: str
    duration_minutes: int | None
    flags: list[str]
    expected: int
    present: int
    attendance_percent: float | None
    open_steps: list[StepRef]


def _meeting_out(m: Meeting, request) -> dict:
    rate = selectors.attendance_rate(Meeting.objects.filter(pk=m.pk))
    return {
        "id": m.pk,
        "cell": ref(m.cell),
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "month": m.month,
        "scheduled_on": m.scheduled_on,
        "planned_on": m.planned_on,
        "held_on": m.held_on,
        "status": m.status,
        "state_label": MEETING.state_label(m),
        "topic": m.topic,
        "duration_minutes": m.duration_minutes,
        "flags": [f for f in m.flags.split(",") if f],
        "expected": rate.expected,
        "present": rate.present,
        "attendance_percent": float(rate.percent) if rate.percent is not None else None,
        "open_steps": open_steps(MEETING, m, request.auth),
    }


class MeetingQuery(Schema):
    org: int | None = Field(None, ge=1, le=2**63 - 1, description="Tổ chức đảng (cả cây con)")
    year: int | None = Field(None, ge=1930, le=2100)
    status: str = Field("", max_length=12)
    offset: int = Field(0, ge=0, le=100_000)
    limit: int = Field(100, ge=1, le=500)


class MeetingItem(Schema):
    id: int
    cell: Ref
    kind: str
    month: dt.date
    day: dt.date | None
    status: str


@router.get(
    "/meetings", response={200: list[MeetingItem], **READ_ERRORS}, summary="Các buổi sinh hoạt"
)
def meeting_list(request, query: Query[MeetingQuery]):
    scope = scope_for(request.auth)
    qs = selectors.meetings_visible_to(scope).select_related("cell")
    if query.org is not None:
        org = org_selectors.organization_get_for(scope, query.org)
        qs = qs.filter(cell__path__startswith=org.path)
    if query.year is not None:
        qs = qs.filter(month__year=query.year)
    if query.status:
        qs = qs.filter(status=query.status)
    rows = qs.order_by("-month", "-id")[query.offset : query.offset + query.limit]
    return [
        {
            "id": m.pk,
            "cell": ref(m.cell),
            "kind": m.kind,
            "month": m.month,
            "day": m.day,
            "status": m.status,
        }
        for m in rows
    ]


@router.get(
    "/meetings/{pk}", response={200: MeetingOut, **READ_ERRORS}, summary="Một buổi sinh hoạt"
)
def meeting_detail(request, pk: int):
    return _meeting_out(selectors.meeting_get_for(scope_for(request.auth), pk), request)


class AttendanceOut(Schema):
    member: Ref
    presence: str
    reason: str
    expected: bool


@router.get(
    "/meetings/{pk}/attendance",
    response={200: list[AttendanceOut], **READ_ERRORS},
    summary="Điểm danh của buổi sinh hoạt",
)
def meeting_attendance(request, pk: int):
    meeting = selectors.meeting_get_for(scope_for(request.auth), pk)
    return [
        {
            "member": {"id": a.member_id, "name": a.member.full_name},
            "presence": a.presence,
            "reason": a.reason,
            "expected": a.expected,
        }
        for a in meeting.attendances.select_related("member").order_by("member__sort_key")
    ]


class MeetingIn(Schema):
    cell: int = ID
    kind: MeetingKind
    planned_on: dt.date
    topic: str = Field("", max_length=255)
    delay_reason: str = Field("", max_length=255)


@router.post(
    "/meetings",
    response={201: MeetingOut, **WRITE_ERRORS},
    summary="Đăng ký buổi sinh hoạt ngoài lịch",
)
def meeting_create(request, payload: MeetingIn):
    cell = org_selectors.organization_get_for(scope_for(request.auth), payload.cell)
    meeting = services.meeting_create(
        actor=request.auth,
        cell=cell,
        kind=payload.kind,
        planned_on=payload.planned_on,
        topic=payload.topic,
        delay_reason=payload.delay_reason,
    )
    return 201, _meeting_out(meeting, request)


class RegisterIn(Schema):
    planned_on: dt.date
    delay_reason: str = Field("", max_length=255)
    registered_on: dt.date | None = None


class NotifyIn(Schema):
    notified_on: dt.date
    documents_posted_on: dt.date | None = None
    agenda: str = Field(max_length=5000)
    draft_resolution: str = Field("", max_length=20000)


class Mark(Schema):
    member: int = ID
    presence: Presence
    reason: str = Field("", max_length=255)


class GuestIn(Schema):
    name: str = Field(max_length=160)
    title: str = Field("", max_length=160)
    leader: bool = False


class HoldIn(Schema):
    held_on: dt.date
    duration_minutes: int = Field(ge=1, le=720)
    attendance: list[Mark] = Field(max_length=2000)
    delay_reason: str = Field("", max_length=255)
    place: str = Field("", max_length=255)
    content: str = Field("", max_length=20000)
    opinions: str = Field("", max_length=20000)
    conclusions: str = Field("", max_length=20000)
    votes_for: int | None = Field(None, ge=0, le=100_000)
    votes_against: int | None = Field(None, ge=0, le=100_000)
    resolution_number: str = Field("", max_length=64)
    resolution: str = Field("", max_length=20000, description="Nghị quyết đã thông qua")
    chair: int | None = Field(None, ge=1, le=2**63 - 1, description="Đảng viên chủ trì")
    recorder: int | None = Field(None, ge=1, le=2**63 - 1, description="Đảng viên thư ký")
    guests: list[GuestIn] = Field(default_factory=list, max_length=100)


class NotHeldIn(Schema):
    reason: str = Field(max_length=255)


class MeetingReviewIn(Schema):
    reviewed_on: dt.date
    note: str = Field(max_length=500)


def _hold(user, meeting, p: HoldIn):
    services.meeting_hold(
        actor=user,
        meeting=meeting,
        held_on=p.held_on,
        duration_minutes=p.duration_minutes,
        attendance={m.member: (m.presence, m.reason) for m in p.attendance},
        delay_reason=p.delay_reason,
        place=p.place,
        content=p.content,
        opinions=p.opinions,
        conclusions=p.conclusions,
        votes_for=p.votes_for,
        votes_against=p.votes_against,
        resolution_number=p.resolution_number,
        resolution=p.resolution,
        chair=_member_or_none(p.chair, "chair"),
        recorder=_member_or_none(p.recorder, "recorder"),
        guests=[GuestEntry(g.name, g.title, g.leader) for g in p.guests],
    )


def _member_or_none(pk: int | None, field: str):
    """The member by id; the service refuses one not present at the meeting."""
    from dangvien.core.errors import DomainError
    from dangvien.members.models import Member

    if not pk:
        return None
    member = Member.objects.filter(pk=pk).first()
    if member is None:
        raise DomainError("Đảng viên không có mặt tại buổi sinh hoạt.", field=field)
    return member


register_steps(
    router,
    "meetings",
    "meetings",
    MEETING,
    lambda scope, pk, _code: selectors.meeting_get_for(scope, pk),
    _meeting_out,
    MeetingOut,
    {
        "register": (
            RegisterIn,
            lambda u, m, p: services.meeting_register(actor=u, meeting=m, **p.dict()),
        ),
        "notify": (
            NotifyIn,
            lambda u, m, p: services.meeting_notify(actor=u, meeting=m, **p.dict()),
        ),
        "hold": (HoldIn, _hold),
        "not_held": (
            NotHeldIn,
            lambda u, m, p: services.meeting_not_held(actor=u, meeting=m, reason=p.reason),
        ),
        "review": (
            MeetingReviewIn,
            lambda u, m, p: services.meeting_review(actor=u, meeting=m, **p.dict()),
        ),
    },
)


class OverviewQuery(Schema):
    org: int = ID
    month: str = Field(
        pattern=r"^(19[3-9]\d|20\d\d|2100)-(0[1-9]|1[0-2])$", description="Tháng, dạng YYYY-MM"
    )
    flagged: bool = Field(
        False, description="Chỉ chi bộ cần lưu ý (chưa sinh hoạt, có cảnh báo, thiếu chuyên đề)"
    )
    after: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Trang sau: id chi bộ cuối của trang trước"
    )
    limit: int = Field(500, ge=1, le=2000)


class CellMonthOut(Schema):
    cell: Ref
    meeting_id: int | None
    status: str
    day: dt.date | None
    duration_minutes: int | None
    expected: int
    present: int
    attendance_percent: float | None
    flags: list[str]


@router.get(
    "/meetings-overview",
    response={200: list[CellMonthOut], **READ_ERRORS},
    summary="Sinh hoạt của các chi bộ trong tháng",
)
def meetings_overview(request, query: Query[OverviewQuery]):
    org = org_selectors.organization_get_for(scope_for(request.auth), query.org)
    year, month = (int(x) for x in query.month.split("-"))
    return [
        {
            "cell": {"id": r.cell_id, "name": r.cell_name},
            "meeting_id": r.meeting_id,
            "status": r.status,
            "day": r.day,
            "duration_minutes": r.duration_minutes,
            "expected": r.expected,
            "present": r.present,
            "attendance_percent": float(r.percent) if r.percent is not None else None,
            "flags": list(r.flags),
        }
        for r in selectors.month_overview(
            org,
            dt.date(year, month, 1),
            flagged_only=query.flagged,
            after=query.after,
            limit=query.limit,
        )
    ]


class CandidateOut(Schema):
    member: Ref
    cell: Ref
    months: int


class CandidateQuery(Schema):
    org: int = ID
    year: int = Field(ge=1930, le=2100)


@router.get(
    "/meetings-name-deletion",
    response={200: list[CandidateOut], **READ_ERRORS},
    summary="Đảng viên vắng sinh hoạt không lý do từ 3 tháng trong năm",
)
def name_deletion_candidates(request, query: Query[CandidateQuery]):
    org = org_selectors.organization_get_for(scope_for(request.auth), query.org)
    return [
        {
            "member": {"id": c.member_id, "name": c.name},
            "cell": {"id": c.cell_id, "name": c.cell_name},
            "months": c.months,
        }
        for c in selectors.name_deletion_candidates(org, query.year)
    ]


class FeedbackOut(Schema):
    id: int
    cell: Ref
    to_organization: Ref
    content: str
    sent_on: dt.date
    due: dt.date
    status: str
    answer: str
    answered_on: dt.date | None
    open_steps: list[StepRef]


def _feedback_out(f: Feedback, request) -> dict:
    return {
        "id": f.pk,
        "cell": ref(f.cell),
        "to_organization": ref(f.to_organization),
        "content": f.content,
        "sent_on": f.sent_on,
        "due": rules.feedback_due(f.sent_on),
        "status": f.status,
        "answer": f.answer,
        "answered_on": f.answered_on,
        "open_steps": open_steps(FEEDBACK, f, request.auth),
    }


@router.get(
    "/feedback/{pk}", response={200: FeedbackOut, **READ_ERRORS}, summary="Một phản ánh, góp ý"
)
def feedback_detail(request, pk: int):
    return _feedback_out(selectors.feedback_get_for(scope_for(request.auth), pk), request)


class FeedbackIn(Schema):
    content: str = Field(max_length=5000)
    sent_on: dt.date


@router.post(
    "/meetings/{pk}/feedback",
    response={201: FeedbackOut, **WRITE_ERRORS},
    summary="Gửi phản ánh, góp ý lên cấp trên",
)
def feedback_send(request, pk: int, payload: FeedbackIn):
    meeting = selectors.meeting_get_for(scope_for(request.auth), pk)
    item = services.feedback_send(
        actor=request.auth, meeting=meeting, content=payload.content, sent_on=payload.sent_on
    )
    return 201, _feedback_out(item, request)


class AnswerIn(Schema):
    answer: str = Field(max_length=5000)
    answered_on: dt.date


register_steps(
    router,
    "meetings",
    "feedback",
    FEEDBACK,
    lambda scope, pk, _code: selectors.feedback_get_for(scope, pk),
    _feedback_out,
    FeedbackOut,
    {
        "answer": (
            AnswerIn,
            lambda u, f, p: services.feedback_answer(actor=u, feedback=f, **p.dict()),
        )
    },
)


class ScheduleIn(Schema):
    cell: int = ID
    kind: str = Field(max_length=16)
    effective_from: dt.date
    day: int | None = Field(None, ge=1, le=31)
    weekday: int | None = Field(None, ge=0, le=6)
    week: int | None = Field(None, ge=1, le=5)
    max_delay_days: int | None = Field(None, ge=0, le=10)
    min_minutes: int | None = Field(None, ge=1, le=720)
    decision: str = Field("", max_length=255)


class ScheduleOut(Schema):
    id: int
    cell: Ref
    kind: str
    effective_from: dt.date
    day: int | None
    weekday: int | None
    week: int | None
    max_delay_days: int
    set_by: Ref


@router.post(
    "/meeting-schedules",
    response={201: ScheduleOut, **WRITE_ERRORS},
    summary="Cấp ủy cấp trên ấn định ngày sinh hoạt của chi bộ",
)
def schedule_set(request, payload: ScheduleIn):
    cell = org_selectors.organization_get_for(scope_for(request.auth), payload.cell)
    s = services.schedule_set(actor=request.auth, **{**payload.dict(), "cell": cell})
    return 201, {
        "id": s.pk,
        "cell": ref(s.cell),
        "kind": s.kind,
        "effective_from": s.effective_from,
        "day": s.day,
        "weekday": s.weekday,
        "week": s.week,
        "max_delay_days": s.max_delay_days,
        "set_by": ref(s.set_by),
    }


__all__ = ["ErrorOut", "router"]
