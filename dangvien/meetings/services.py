"""Cell meetings: one function per step of `workflow.MEETING` and
`workflow.FEEDBACK`, keyword-only with the acting user first, each in one
transaction. A step locks the row, asks the table whether the actor may take
it (`out_of_order`, `not_acting_body`), checks its input, writes with history
and updates the open case. A refused step raises DomainError and writes
nothing.

The schedule is set by the superior committee (a writing role at the cell's
parent or above); tasks and their results belong to the cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor, SystemActor, history_user
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.members.models import Member
from dangvien.organizations.models import Level, Organization

from . import papers, rules, selectors
from .errors import MeetingError
from .models import (
    CELL_LEVELS,
    REGULAR_KINDS,
    Attendance,
    CommitteeConference,
    Feedback,
    FeedbackStatus,
    Guest,
    Meeting,
    MeetingKind,
    MeetingSchedule,
    MeetingStatus,
    Presence,
    ScheduleKind,
    Task,
    TaskResult,
)
from .workflow import FEEDBACK, MEETING

SCHEDULE_LABEL = "Ấn định ngày sinh hoạt chi bộ"
CONFERENCE_LABEL = "Ghi hội nghị vào lịch của cấp ủy"
MEETING_LABEL = "Lập buổi sinh hoạt"
TASK_LABEL = "Giao và đánh giá nhiệm vụ"


def _today() -> dt.date:
    return dt.date.today()


def _save(obj, actor: Actor) -> None:
    obj._history_user = history_user(actor)
    obj.save()


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if getattr(actor, "pk", None) else None


def _text(value: str | None, field: str, limit: int, *, required: str = "") -> str:
    value = (value or "").replace("\x00", "").strip()
    if "<" in value or ">" in value:
        raise MeetingError.ANGLE_BRACKETS.error(field=field)
    if required and not value:
        raise MeetingError.TEXT_REQUIRED.error(field=field, what=required)
    return value[:limit]


def _not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > _today():
        raise MeetingError.DATE_IN_FUTURE.error(field=field)


def _not_before(day: dt.date, earlier: dt.date | None, field: str, what: str) -> None:
    if earlier is not None and day < earlier:
        raise MeetingError.DATE_BEFORE.error(field=field, what=what, day=f"{earlier:%d/%m/%Y}")


def _require_cell(org: Organization) -> None:
    """A cell under a committee or a grassroots cell (chi bộ cơ sở)."""
    if org.level not in CELL_LEVELS:
        raise MeetingError.NOT_A_CELL.error(field="cell", organization=org.name)


def _kind_labels(kinds) -> str:
    return ", ".join(f"«{k.value}» ({k.label.lower()})" for k in kinds)


CELL_MEETING_KINDS = (
    MeetingKind.REGULAR,
    MeetingKind.THEMATIC,
    MeetingKind.COMBINED,
    MeetingKind.EXTRAORDINARY,
)
# R9.3: a grassroots party organisation's own meetings (twice a year, and
# extraordinary ones when needed), recorded by its committee.
COMMITTEE_MEETING_KINDS = (MeetingKind.GRASSROOTS, MeetingKind.EXTRAORDINARY)


def _check_kind(org: Organization, kind: str) -> None:
    """The kind of a meeting `org` may record; a clear refusal at `kind`."""
    if org.level == Level.GRASSROOTS_COMMITTEE:
        if kind not in MeetingKind.values:
            raise MeetingError.KIND_INVALID.error(
                field="kind", kind=kind, choices=_kind_labels(COMMITTEE_MEETING_KINDS)
            )
        if kind not in COMMITTEE_MEETING_KINDS:
            raise MeetingError.KIND_NOT_FOR_COMMITTEE.error(field="kind")
        return
    _require_cell(org)
    if kind == MeetingKind.GRASSROOTS:
        raise MeetingError.KIND_NOT_FOR_CELL.error(
            field="kind", choices=_kind_labels(CELL_MEETING_KINDS)
        )
    if kind not in CELL_MEETING_KINDS:
        raise MeetingError.KIND_INVALID.error(
            field="kind", kind=kind, choices=_kind_labels(CELL_MEETING_KINDS)
        )


def _month_label(month: dt.date) -> str:
    return f"{month:%m/%Y}"


# --- The schedule ---------------------------------------------------------------


@transaction.atomic
def schedule_set(
    *,
    actor: Actor,
    cell: Organization,
    kind: str,
    effective_from: dt.date,
    day: int | None = None,
    weekday: int | None = None,
    week: int | None = None,
    max_delay_days: int | None = None,
    min_minutes: int | None = None,
    decision: str = "",
) -> MeetingSchedule:
    """The superior committee sets the cell's meeting day from `effective_from`
    (seed 002): a day of the month (1-31), or the `week`-th (1-5) `weekday`
    (0 Monday - 6 Sunday), or "by_committee". `max_delay_days` (days) defaults
    to rules.MAX_DELAY_DAYS; `min_minutes` only for a small cell (R9.4).
    A schedule from the same day replaces the earlier one (history kept).

    Raises DomainError `not_acting_body` (only the committee above the cell or
    higher), `not_a_cell`, `schedule_kind_invalid`, `schedule_incomplete`,
    `schedule_day_invalid`,
    `schedule_week_invalid`, `no_superior`."""
    _require_cell(cell)
    if cell.parent is None:
        raise MeetingError.NO_SUPERIOR.error(field="cell")
    require_act_at(actor, cell.parent, SCHEDULE_LABEL, Body.SUPERIOR)
    errors: dict[str, list[str]] = {}
    label = dict(ScheduleKind.choices).get(kind)
    if label is None:
        raise MeetingError.SCHEDULE_KIND_INVALID.error(
            field="kind",
            kind=kind,
            choices=", ".join(f"«{k.value}» ({k.label.lower()})" for k in ScheduleKind),
        )
    if kind == ScheduleKind.DAY_OF_MONTH:
        if day is None:
            errors["day"] = [MeetingError.SCHEDULE_INCOMPLETE.text(kind=label, what="ngày")]
        elif not 1 <= day <= 31:
            errors["day"] = [MeetingError.SCHEDULE_DAY_INVALID.text()]
        weekday = week = None
    elif kind == ScheduleKind.WEEKDAY:
        if weekday is None or week is None:
            errors["weekday"] = [
                MeetingError.SCHEDULE_INCOMPLETE.text(kind=label, what="thứ và tuần")
            ]
        elif not (0 <= weekday <= 6 and 1 <= week <= 5):
            errors["weekday"] = [MeetingError.SCHEDULE_WEEK_INVALID.text()]
        day = None
    else:
        day = weekday = week = None
    if min_minutes is not None and not 1 <= min_minutes <= 720:
        errors["min_minutes"] = [MeetingError.DURATION_INVALID.text()]
    if errors:
        raise RecordValidationError(errors, code=MeetingError.SCHEDULE_INCOMPLETE.code)
    schedule = MeetingSchedule.objects.filter(cell=cell, effective_from=effective_from).first()
    schedule = schedule or MeetingSchedule(cell=cell, effective_from=effective_from)
    schedule.kind = kind
    schedule.day, schedule.weekday, schedule.week = day, weekday, week
    schedule.max_delay_days = (
        max_delay_days if max_delay_days is not None else rules.MAX_DELAY_DAYS.on(effective_from)
    )
    schedule.min_minutes = min_minutes
    schedule.set_by = cell.parent
    schedule.decision = _text(decision, "decision", 255)
    schedule.created_by_id = schedule.created_by_id or _actor_id(actor)
    _save(schedule, actor)
    return schedule


def meetings_generate(*, actor: Actor, month: dt.date, under: Organization | None = None) -> int:
    """The calendar: a scheduled regular meeting of `month` for every cell
    (under `under`, or all) with a schedule in force on the month's first day
    and no regular meeting yet, each with its open case "register". Returns the
    number created. Run by the monthly job as the system; a user needs the
    right to set schedules at `under`."""
    first = rules.month_start(month)
    if under is not None:
        require_act_at(actor, under, SCHEDULE_LABEL, Body.SUPERIOR)
    elif not isinstance(actor, SystemActor):
        # The whole installation's calendar is the product's own job.
        require_act_at(actor, None, SCHEDULE_LABEL, Body.SUPERIOR)
    schedules = MeetingSchedule.objects.filter(effective_from__lte=rules.month_end(first))
    if under is not None:
        schedules = schedules.filter(cell__path__startswith=under.path)
    latest: dict[int, MeetingSchedule] = {}
    for schedule in schedules.select_related("cell", "cell__parent").order_by(
        "cell_id", "effective_from", "id"
    ):
        latest[schedule.cell_id] = schedule
    taken = set(
        Meeting.objects.filter(
            month=first, kind__in=REGULAR_KINDS, cell_id__in=list(latest)
        ).values_list("cell_id", flat=True)
    )
    created = 0
    for cell_id, schedule in latest.items():
        if cell_id in taken or not schedule.cell.is_active:
            continue
        with transaction.atomic():
            meeting = Meeting(
                cell=schedule.cell,
                kind=MeetingKind.REGULAR,
                month=first,
                scheduled_on=selectors.scheduled_day_of(schedule, first),
                created_by_id=_actor_id(actor),
            )
            _save(meeting, actor)
            MEETING.sync_case(meeting, on=_today(), detail=_month_label(first))
        created += 1
    return created


# --- A meeting ------------------------------------------------------------------


def _locked(meeting: Meeting, step: str, actor: Actor) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("cell", "cell__parent")
        .get(pk=meeting.pk)
    )
    MEETING.require(meeting, step, actor)
    return meeting


def _check_day(meeting: Meeting, day: dt.date, reason: str, field: str) -> None:
    """The day lies in the meeting's month and, for a regular meeting with a
    set day, on it or put back within the schedule's allowance with a reason."""
    if rules.month_start(day) != meeting.month:
        raise MeetingError.OUTSIDE_MONTH.error(field=field, month=_month_label(meeting.month))
    if meeting.kind not in REGULAR_KINDS or meeting.scheduled_on is None:
        return
    schedule = selectors.schedule_in_force(meeting.cell, meeting.month)
    allowance = schedule.max_delay_days if schedule else rules.MAX_DELAY_DAYS.on(day)
    problem = rules.date_change_error(meeting.scheduled_on, day, reason, allowance)
    if problem:
        code, params = problem
        raise MeetingError[code].error(field=field, **params)


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    cell: Organization,
    kind: str,
    planned_on: dt.date,
    topic: str = "",
    delay_reason: str = "",
    registered_on: dt.date | None = None,
) -> Meeting:
    """A meeting the calendar did not generate, registered at once: a thematic
    meeting (R9.2, at least one a quarter, it does not replace the monthly
    one), a combined one (counts as the month's regular meeting), an
    extraordinary one, or a regular one of a cell whose committee sets each
    month's day. The cell (a cell or a grassroots cell) or a writer above it
    acts. A grassroots committee (`cell` of level GRASSROOTS_COMMITTEE) records
    its party organisation's own meetings the same way (kind "grassroots",
    R9.3, twice a year; or "extraordinary"): its committee or a writer above
    it acts, and its superior committee takes note.

    Raises DomainError `not_acting_body`, `not_a_cell`, `kind_invalid`,
    `kind_not_for_cell`, `kind_not_for_committee`, `one_regular_a_month`,
    `text_required` (a thematic meeting names its topic), the day checks."""
    _check_kind(cell, kind)
    committee = cell.level == Level.GRASSROOTS_COMMITTEE
    require_act_at(actor, cell, MEETING_LABEL, Body.GRASSROOTS if committee else Body.CELL)
    month = rules.month_start(planned_on)
    topic = _text(
        topic,
        "topic",
        255,
        required="chuyên đề"
        if kind == MeetingKind.THEMATIC
        else ("nội dung hội nghị" if kind == MeetingKind.GRASSROOTS else ""),
    )
    scheduled_on = None
    if kind in REGULAR_KINDS:
        existing = Meeting.objects.filter(cell=cell, month=month, kind__in=REGULAR_KINDS).first()
        if existing is not None:
            # A regular meeting generated by the calendar becomes the combined one.
            if kind == MeetingKind.COMBINED and existing.status == MeetingStatus.SCHEDULED:
                existing = _locked(existing, "register", actor)
                existing.kind = MeetingKind.COMBINED
                existing.topic = topic
                return _register(existing, actor, planned_on, delay_reason, registered_on)
            raise MeetingError.ONE_REGULAR_A_MONTH.error(
                field="planned_on", month=_month_label(month)
            )
        schedule = selectors.schedule_in_force(cell, month)
        if schedule is not None:
            scheduled_on = selectors.scheduled_day_of(schedule, month)
    meeting = Meeting(
        cell=cell,
        kind=kind,
        month=month,
        scheduled_on=scheduled_on,
        topic=topic,
        created_by_id=_actor_id(actor),
    )
    _check_day(meeting, planned_on, delay_reason, "planned_on")
    try:
        with transaction.atomic():
            _save(meeting, actor)
    except IntegrityError:
        raise MeetingError.ONE_REGULAR_A_MONTH.error(
            field="planned_on", month=_month_label(month)
        ) from None
    return _register(meeting, actor, planned_on, delay_reason, registered_on)


def _register(
    meeting: Meeting,
    actor: Actor,
    planned_on: dt.date,
    delay_reason: str,
    registered_on: dt.date | None,
) -> Meeting:
    reason = _text(delay_reason, "delay_reason", 255)
    _check_day(meeting, planned_on, reason, "planned_on")
    registered_on = registered_on or _today()
    _not_future(registered_on, "registered_on")
    meeting.planned_on = planned_on
    meeting.delay_reason = reason
    meeting.registered_on = registered_on
    meeting.status = MeetingStatus.REGISTERED
    _save(meeting, actor)
    MEETING.sync_case(meeting, on=registered_on, detail=_month_label(meeting.month))
    return meeting


@transaction.atomic
def meeting_register(
    *,
    actor: Actor,
    meeting: Meeting,
    planned_on: dt.date,
    delay_reason: str = "",
    registered_on: dt.date | None = None,
) -> Meeting:
    """The cell registers the actual day of a calendar meeting with the superior
    committee (step `register`): the set day, or up to the schedule's
    `max_delay_days` (days) after it with a reason (seed 002).

    Raises DomainError: the workflow's codes, `outside_month`,
    `before_schedule`, `too_late`, `reason_required`, `date_in_future`."""
    meeting = _locked(meeting, "register", actor)
    return _register(meeting, actor, planned_on, delay_reason, registered_on)


@transaction.atomic
def meeting_notify(
    *,
    actor: Actor,
    meeting: Meeting,
    notified_on: dt.date,
    documents_posted_on: dt.date | None,
    agenda: str,
    draft_resolution: str = "",
) -> Meeting:
    """The cell committee's preparation (R9.4, HD 42 II.2): the agenda and draft
    resolution, the notice to members and to the superior committee member who
    follows the cell, the documents posted for members (shown on their page).
    Documents posted fewer than rules.DOCUMENTS_DAYS_BEFORE days before the day
    are flagged for the superior committee when the meeting is recorded.

    Raises DomainError: the workflow's codes, `text_required` (agenda),
    `date_in_future`, `date_before`."""
    meeting = _locked(meeting, "notify", actor)
    meeting.agenda = _text(agenda, "agenda", 5000, required="chương trình sinh hoạt")
    meeting.draft_resolution = _text(draft_resolution, "draft_resolution", 20000)
    _not_future(notified_on, "notified_on")
    _not_before(notified_on, meeting.registered_on, "notified_on", "ngày đăng ký")
    if documents_posted_on is not None:
        _not_future(documents_posted_on, "documents_posted_on")
    meeting.notified_on = notified_on
    meeting.documents_posted_on = documents_posted_on
    meeting.status = MeetingStatus.NOTIFIED
    _save(meeting, actor)
    MEETING.sync_case(meeting, on=notified_on, detail=_month_label(meeting.month))
    return meeting


@dataclass(frozen=True)
class GuestEntry:
    name: str
    title: str = ""
    leader: bool = False
    member: Member | None = None


def _attendance_rows(
    meeting: Meeting, day: dt.date, marks: Mapping[int, tuple[str, str]]
) -> list[Attendance]:
    """Attendance rows from `marks` {member id: (presence, reason)} against the
    cell's roll on `day`: every expected member marked; only members on the
    roll; an excused absence names its reason. All faults at once."""
    roll = {
        row.member.pk: row
        for row in selectors.cell_roll_on(meeting.cell, day)
        if not row.attends_elsewhere
    }
    errors: dict[str, list[str]] = {}
    unknown = [pk for pk in marks if pk not in roll]
    if unknown:
        names = ", ".join(
            m.full_name for m in Member.objects.filter(pk__in=unknown).order_by("sort_key")
        ) or ", ".join(str(pk) for pk in unknown)
        errors.setdefault("attendance", []).append(
            MeetingError.NOT_A_MEMBER_ON.text(name=names, day=f"{day:%d/%m/%Y}")
        )
    missing = [row.member.full_name for pk, row in roll.items() if row.expected and pk not in marks]
    if missing:
        errors.setdefault("attendance", []).append(
            MeetingError.ATTENDANCE_INCOMPLETE.text(names=", ".join(missing))
        )
    rows = []
    for pk, (presence, reason) in marks.items():
        row = roll.get(pk)
        if row is None:
            continue
        if presence not in Presence.values:
            errors.setdefault("attendance", []).append(
                MeetingError.PRESENCE_INVALID.text(value=presence)
            )
            continue
        reason = _text(reason, "attendance", 255)
        if presence == Presence.EXCUSED and not reason:
            errors.setdefault("attendance", []).append(
                MeetingError.ABSENCE_REASON_REQUIRED.text(name=row.member.full_name)
            )
        if not row.expected and presence != Presence.PRESENT:
            continue  # not expected and not there: nothing to record
        rows.append(
            Attendance(
                meeting=meeting,
                member=row.member,
                presence=presence,
                reason=reason if presence != Presence.PRESENT else "",
                expected=row.expected,
            )
        )
    if errors:
        raise RecordValidationError(errors, code=MeetingError.ATTENDANCE_INCOMPLETE.code)
    return rows


def _flags(meeting: Meeting, schedule: MeetingSchedule | None, rows: list[Attendance]) -> str:
    day = _held_on(meeting)
    flags = []
    if meeting.registered_on is None:
        flags.append("not_registered")
    if rules.is_short(
        meeting.kind, day, meeting.duration_minutes, schedule.min_minutes if schedule else None
    ):
        flags.append("short")
    # The base: those expected plus those who came anyway (exempted members who
    # come count, issue 10 part 3); every row is one or the other.
    expected = len(rows)
    present = sum(1 for r in rows if r.presence == Presence.PRESENT)
    if rules.attendance_low(present, expected, day):
        flags.append("low_attendance")
    if meeting.kind != MeetingKind.EXTRAORDINARY and rules.documents_late(
        meeting.documents_posted_on, day
    ):
        flags.append("documents_late")
    return ",".join(flags)


FLAG_LABELS = {
    "not_registered": "Không đăng ký ngày sinh hoạt với cấp trên",
    "short": "Thời lượng dưới mức tối thiểu",
    "low_attendance": "Tỷ lệ dự họp dưới mức tối thiểu",
    "documents_late": "Tài liệu không gửi trước ít nhất 1 ngày",
    "no_meeting": "Chưa có buổi sinh hoạt trong tháng",
    "no_thematic": "Không sinh hoạt chuyên đề trong quý (ít nhất 1 lần mỗi quý)",
}


@transaction.atomic
def meeting_hold(
    *,
    actor: Actor,
    meeting: Meeting,
    held_on: dt.date,
    duration_minutes: int,
    attendance: Mapping[int, tuple[str, str]],
    delay_reason: str = "",
    place: str = "",
    chair: Member | None = None,
    recorder: Member | None = None,
    content: str = "",
    opinions: str = "",
    conclusions: str = "",
    votes_for: int | None = None,
    votes_against: int | None = None,
    resolution_number: str = "",
    resolution: str = "",
    guests: Iterable[GuestEntry] = (),
) -> Meeting:
    """Record a held meeting (step `hold`): the day (not in the future, in its
    month, within the put-back allowance), the length in minutes, the attendance
    {member id: (presence, reason)} of every member expected that day (an
    exempted member who came may be marked present), the minutes and the
    resolution's counts, the guests (leaders of the superior committee mark
    `leader`). Short meetings (R9.4), attendance under rules.ATTENDANCE_MIN_PERCENT,
    late documents and unregistered meetings are flagged and wait for the
    superior committee's review. The minutes are issued as a numbered paper
    (signed by the chair and the recorder), and the resolution too when the
    meeting adopted one (`resolution`, its items one a line) and no number was
    typed for it (`papers.py`).

    Raises DomainError: the workflow's codes, `date_in_future`, `outside_month`,
    `too_late`, `before_schedule`, `reason_required`, `duration_invalid`;
    RecordValidationError at `attendance` listing every fault
    (`not_a_member_on`, `attendance_incomplete`, `absence_reason_required`,
    `presence_invalid`); `votes_exceed_present`."""
    meeting = _locked(meeting, "hold", actor)
    _not_future(held_on, "held_on")
    reason = _text(delay_reason or meeting.delay_reason, "delay_reason", 255)
    _check_day(meeting, held_on, reason, "held_on")
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= 720:
        raise MeetingError.DURATION_INVALID.error(field="duration_minutes")
    rows = _attendance_rows(meeting, held_on, attendance)
    present = sum(1 for r in rows if r.presence == Presence.PRESENT)
    votes = (votes_for or 0) + (votes_against or 0)
    if votes > present:
        raise MeetingError.VOTES_EXCEED_PRESENT.error(
            field="votes_for", votes=votes, present=present
        )
    roll = {r.member.pk for r in rows if r.presence == Presence.PRESENT}
    for field, person in (("chair", chair), ("recorder", recorder)):
        if person is not None and person.pk not in roll:
            raise MeetingError.NOT_A_MEMBER_ON.error(
                field=field, name=person.full_name, day=f"{held_on:%d/%m/%Y}"
            )
    meeting.held_on = held_on
    meeting.delay_reason = reason
    meeting.duration_minutes = duration_minutes
    meeting.place = _text(place, "place", 255)
    meeting.chair, meeting.recorder = chair, recorder
    meeting.content = _text(content, "content", 20000)
    meeting.opinions = _text(opinions, "opinions", 20000)
    meeting.conclusions = _text(conclusions, "conclusions", 20000)
    meeting.votes_for, meeting.votes_against = votes_for, votes_against
    meeting.resolution_number = _text(resolution_number, "resolution_number", 64)
    meeting.resolution = _text(resolution, "resolution", 20000)
    meeting.status = MeetingStatus.HELD
    meeting.flags = _flags(meeting, selectors.schedule_in_force(meeting.cell, held_on), rows)
    guest_rows = [
        Guest(
            meeting=meeting,
            member=guest.member,
            name=_text(guest.name, "guests", 160, required="họ tên khách mời"),
            title=_text(guest.title, "guests", 160),
            leader=guest.leader,
        )
        for guest in guests
    ]
    papers.issue_papers(
        actor, meeting, selectors.cell_roll_on(meeting.cell, held_on), rows, guest_rows
    )
    _save(meeting, actor)
    for row in rows:
        _save(row, actor)
    for guest_row in guest_rows:
        _save(guest_row, actor)
    MEETING.sync_case(meeting, on=held_on, detail=_month_label(meeting.month))
    return meeting


@transaction.atomic
def meeting_not_held(
    *, actor: Actor, meeting: Meeting, reason: str, reported_on: dt.date | None = None
) -> Meeting:
    """The cell reports that the meeting was not held, with the reason (step
    `not_held`); the superior committee then reviews it.

    Raises DomainError: the workflow's codes, `text_required`."""
    meeting = _locked(meeting, "not_held", actor)
    meeting.not_held_reason = _text(reason, "reason", 255, required="lý do không sinh hoạt")
    meeting.status = MeetingStatus.NOT_HELD
    _save(meeting, actor)
    MEETING.sync_case(meeting, on=reported_on or _today(), detail=_month_label(meeting.month))
    return meeting


@transaction.atomic
def meeting_review(*, actor: Actor, meeting: Meeting, reviewed_on: dt.date, note: str) -> Meeting:
    """The superior committee takes note of a meeting not held or flagged (step
    `review`), with its opinion; the case closes.

    Raises DomainError: the workflow's codes, `text_required`, dates."""
    meeting = _locked(meeting, "review", actor)
    _not_future(reviewed_on, "reviewed_on")
    meeting.review_note = _text(note, "note", 500, required="ý kiến của cấp trên")
    meeting.reviewed_on = reviewed_on
    _save(meeting, actor)
    MEETING.sync_case(meeting, on=reviewed_on, detail=_month_label(meeting.month))
    return meeting


def _held_on(meeting: Meeting) -> dt.date:
    """The day a held meeting took place (every held meeting has one)."""
    if meeting.held_on is None:
        raise ValueError(f"meeting {meeting.pk} has no day held")
    return meeting.held_on


# --- Tasks of a resolution -------------------------------------------------------


def _require_held(meeting: Meeting, actor: Actor) -> Meeting:
    meeting = Meeting.objects.select_related("cell").get(pk=meeting.pk)
    require_act_at(actor, meeting.cell, TASK_LABEL, Body.CELL)
    if meeting.status != MeetingStatus.HELD:
        raise DomainError(
            "Chỉ giao nhiệm vụ trong nghị quyết của buổi sinh hoạt đã ghi kết quả.",
            field="meeting",
            code="meeting_not_held",
        )
    return meeting


@transaction.atomic
def task_add(
    *, actor: Actor, meeting: Meeting, assignee: Member, content: str, due_on: dt.date
) -> Task:
    """A concrete task of the meeting's resolution for a member of the cell on
    the meeting day, due on `due_on` (not before the meeting).

    Raises DomainError `not_acting_body`, `meeting_not_held`,
    `task_not_a_member`, `task_due_before_meeting`, `text_required`."""
    meeting = _require_held(meeting, actor)
    held_on = _held_on(meeting)
    roll = {
        row.member.pk
        for row in selectors.cell_roll_on(meeting.cell, held_on)
        if not row.attends_elsewhere
    }
    if assignee.pk not in roll:
        raise MeetingError.TASK_NOT_A_MEMBER.error(field="assignee", name=assignee.full_name)
    if due_on < held_on:
        raise MeetingError.TASK_DUE_BEFORE_MEETING.error(field="due_on", day=f"{held_on:%d/%m/%Y}")
    task = Task(
        meeting=meeting,
        assignee=assignee,
        content=_text(content, "content", 500, required="nội dung nhiệm vụ"),
        due_on=due_on,
    )
    _save(task, actor)
    papers.resolution_tasks_sync(meeting)
    return task


@transaction.atomic
def task_result(
    *, actor: Actor, task: Task, result: str, result_on: dt.date, note: str = ""
) -> Task:
    """The cell's assessment of a task: done, done late, exceeded or not done
    (what the yearly grading reads).

    Raises DomainError `not_acting_body`, `task_result_invalid`, dates."""
    task = (
        Task.objects.select_for_update(of=("self",)).select_related("meeting__cell").get(pk=task.pk)
    )
    require_act_at(actor, task.meeting.cell, TASK_LABEL, Body.CELL)
    if result not in TaskResult.values or result == TaskResult.PENDING:
        raise MeetingError.TASK_RESULT_INVALID.error(field="result")
    _not_future(result_on, "result_on")
    _not_before(result_on, task.meeting.held_on, "result_on", "ngày giao nhiệm vụ")
    task.result = result
    task.result_on = result_on
    task.result_note = _text(note, "note", 500)
    _save(task, actor)
    return task


# --- Feedback upward -------------------------------------------------------------


@transaction.atomic
def feedback_send(*, actor: Actor, meeting: Meeting, content: str, sent_on: dt.date) -> Feedback:
    """An item raised in the meeting, sent to the superior committee (seed 002);
    its answer is due rules.FEEDBACK_ANSWER_DAYS days later (open case).

    Raises DomainError `not_acting_body`, `meeting_not_held`, `no_superior`,
    `text_required`, dates."""
    meeting = _require_held(meeting, actor)
    if meeting.cell.parent is None:
        raise MeetingError.NO_SUPERIOR.error(field="meeting")
    _not_future(sent_on, "sent_on")
    _not_before(sent_on, meeting.held_on, "sent_on", "ngày sinh hoạt")
    item = Feedback(
        meeting=meeting,
        cell=meeting.cell,
        to_organization=meeting.cell.parent,
        content=_text(content, "content", 5000, required="nội dung phản ánh, góp ý"),
        sent_on=sent_on,
        created_by_id=_actor_id(actor),
    )
    _save(item, actor)
    FEEDBACK.sync_case(item, on=sent_on)
    return item


@transaction.atomic
def feedback_answer(
    *, actor: Actor, feedback: Feedback, answer: str, answered_on: dt.date
) -> Feedback:
    """The superior committee's answer (step `answer`); the cell sees it.

    Raises DomainError: the workflow's codes, `text_required`, dates."""
    feedback = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("cell", "to_organization")
        .get(pk=feedback.pk)
    )
    FEEDBACK.require(feedback, "answer", actor)
    _not_future(answered_on, "answered_on")
    _not_before(answered_on, feedback.sent_on, "answered_on", "ngày gửi")
    feedback.answer = _text(answer, "answer", 5000, required="nội dung trả lời")
    feedback.answered_on = answered_on
    feedback.status = FeedbackStatus.ANSWERED
    _save(feedback, actor)
    FEEDBACK.sync_case(feedback, on=answered_on)
    return feedback


# --- The committee's calendar -----------------------------------------------------


@transaction.atomic
def conference_add(
    *, actor: Actor, organization: Organization, date: dt.date, title: str
) -> tuple[CommitteeConference, list[Meeting]]:
    """A committee puts a conference on its calendar (issue 10 part 1). Returns
    it with the meetings of cells in its subtree set or registered for that day
    (`selectors.conference_clashes`): the caller warns, the conference is kept.

    Raises DomainError `not_acting_body` (a writing role at the committee or
    above), `conference_not_a_committee` (a cell has no conferences here),
    `text_required`, `angle_brackets`."""
    if organization.level in CELL_LEVELS or organization.holds_members:
        raise MeetingError.CONFERENCE_NOT_A_COMMITTEE.error(
            field="organization", organization=organization.name
        )
    require_act_at(actor, organization, CONFERENCE_LABEL, Body.SUPERIOR)
    conference = CommitteeConference(
        organization=organization,
        date=date,
        title=_text(title, "title", 255, required="tên hội nghị"),
        created_by_id=_actor_id(actor),
    )
    _save(conference, actor)
    return conference, selectors.conference_clashes(organization, date)
