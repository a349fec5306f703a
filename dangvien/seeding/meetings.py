"""A year of cell meetings for the seeded data (issue 10, "the demo shows it").

For every cell (level CELL, the level the meetings app serves): the meeting
schedule its superior committee set (most cells the 7th of the month, agency
cells the Thursday of the first week) from 1 January of the year before
today; the regular meetings of the 12 months up to last month, held (a few not
held, with the reason), a thematic one each quarter, and the current month's
meeting on the calendar, waiting to be registered, with its open case.

Rows enter in bulk, never through model saves: the schedules, meetings and
guests are generated in Python (each cell from its own random stream) and
written by `writer.write_rows` (COPY on PostgreSQL); the attendance is one
INSERT ... SELECT over the membership events in the database, so that each
meeting's roll is exactly `meetings.selectors.cell_roll_on` on its day: the
official and probationary members in the cell that day by the event log, the
exempted ones only when they came (present, not expected). Presence is drawn
from a hash of (member, meeting): about 91% present, 7% excused with a reason,
1% absent without reason, and a few members in a thousand who keep missing
meetings (the name-deletion candidates). The meetings' flags (short, under the
attendance threshold, documents late), votes, chair and recorder follow from
the attendance in one UPDATE; the resolutions' tasks are drawn from those
present, with results once due. Every row gets its history baseline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from dangvien.compliance.models import Case
from dangvien.meetings import rules
from dangvien.meetings.models import (
    Attendance,
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
from dangvien.meetings.workflow import MEETING
from dangvien.members.models import ACTIVE_STATUSES
from dangvien.organizations.models import Level, MeetingRule, Organization, UnitType

from .baseline import history_baseline
from .writer import bulk_load_mode, reset_sequences, write_rows

THURSDAY = 3

DELAY_REASONS = [
    "Trùng lịch họp của Đảng ủy cấp trên",
    "Trùng ngày tổ chức lễ hội truyền thống của thôn",
    "Bí thư chi bộ đi tập huấn theo triệu tập của cấp trên",
    "Mưa bão, đường vào thôn bị ngập",
]
NOT_HELD_REASONS = [
    "Mưa lũ, chia cắt giao thông trong thôn",
    "Tập trung phòng, chống dịch bệnh theo chỉ đạo của cấp trên",
]
THEMATIC_TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nâng cao chất lượng sinh hoạt chi bộ theo Chỉ thị 50-CT/TW",
    "Công tác phát triển đảng viên ở thôn, tổ dân phố",
    "Phòng, chống suy thoái tư tưởng chính trị, đạo đức, lối sống",
    "Thực hiện quy chế dân chủ ở cơ sở",
    "Xây dựng nông thôn mới kiểu mẫu",
    "Chuyển đổi số trong hoạt động của chi bộ",
    "Giữ gìn an ninh trật tự, phòng chống tội phạm ở khu dân cư",
]
LEADER_TITLES = [
    "Bí thư {org}",
    "Phó Bí thư {org}",
    "Ủy viên Ban Thường vụ {org}",
]
LEADER_NAMES = [
    "Nguyễn Văn Hùng",
    "Trần Thị Lan",
    "Lê Đức Thắng",
    "Phạm Quang Minh",
    "Hoàng Thị Thu Hà",
    "Võ Văn Sơn",
    "Đặng Thị Hồng",
    "Bùi Xuân Trường",
    "Đỗ Minh Tuấn",
    "Hồ Thị Ngọc Anh",
    "Ngô Văn Long",
    "Dương Thị Mai",
]
REVIEW_NOTE = "Đã nhắc nhở chi bộ rút kinh nghiệm, bảo đảm thời lượng và tỷ lệ dự họp."

# Hash of (member, meeting) in SQL, two rounds of squaring modulo a prime so that
# a member's draws over consecutive meetings are not in step: integers only, the
# same on PostgreSQL and SQLite, so the data are the same whatever the database.
_P = 1_000_003
_X = f"((a.member_id * 7919 + m.id * 104729) %% {_P})"
_Y = f"(({_X} * {_X} + a.member_id) %% {_P})"
_HASH = f"((({_Y} * {_Y}) %% {_P}) %% 1000)"
EXCUSES = [
    "Ốm, có giấy xin phép",
    "Đi công tác theo phân công của cơ quan",
    "Đi làm ăn xa, đã báo cáo chi bộ",
    "Việc gia đình (hiếu, hỷ), đã xin phép bí thư",
    "Đi học, tập huấn",
    "Chăm người nhà ốm nằm viện",
]
TASKS = [
    "Vận động các hộ gia đình tham gia vệ sinh môi trường khu dân cư",
    "Nắm tình hình tư tưởng quần chúng, báo cáo chi bộ",
    "Đôn đốc thu đảng phí và các khoản đóng góp của chi bộ",
    "Phụ trách giúp đỡ quần chúng ưu tú trong diện phát triển đảng",
    "Vận động nhân dân thực hiện chuyển đổi số, cài đặt ứng dụng dịch vụ công",
    "Phối hợp tổ an ninh tự quản giữ gìn trật tự khu dân cư",
    "Chuẩn bị nội dung sinh hoạt chuyên đề quý tới",
    "Theo dõi, hướng dẫn đảng viên mới học tập nghị quyết",
]


@dataclass
class MeetingSeedResult:
    schedules: int = 0
    meetings: int = 0
    attendances: int = 0
    tasks: int = 0
    guests: int = 0
    cases: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds by step

    def lap(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[name] = round(now - since, 2)
        return now


def year_months(today: dt.date) -> list[dt.date]:
    """The first days of the 12 months up to last month, oldest first."""
    first = today.replace(day=1)
    out = []
    for back in range(12, 0, -1):
        index = first.year * 12 + first.month - 1 - back
        out.append(dt.date(index // 12, index % 12 + 1, 1))
    return out


def _columns(model: type[models.Model]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _row(model: type[models.Model], values: dict) -> tuple:
    """A row of `model`'s table in column order; fields not given take their
    default (blank text, NULL)."""
    out = []
    for f in model._meta.concrete_fields:
        if f.attname in values:
            out.append(values[f.attname])
        elif f.has_default():
            out.append(f.get_default())
        elif f.null:
            out.append(None)
        else:
            out.append(f.get_default())
    return tuple(out)


def _max_id(model) -> int:
    return model.objects.aggregate(m=Max("id"))["m"] or 0


def _analyze(*models_: type[models.Model]) -> None:
    """ANALYZE freshly filled tables (PostgreSQL), inside the load's transaction:
    without statistics the planner takes a table of millions of rows for an
    empty one and joins it row by row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(m._meta.db_table for m in models_)}")


def _plus_days(column: str, days: int) -> str:
    if connection.vendor == "postgresql":
        return f"({column} + {int(days)})"
    return f"date({column}, '+{int(days)} days')"


def schedule_of(cell: Organization) -> dict:
    """The schedule the seeded cell gets, as its organisation record says: the
    weekday of the first week (agency and school cells: Thursday), or a day of
    the month (mostly the 7th)."""
    if cell.meeting_rule == MeetingRule.WEEKDAY_OF_FIRST_WEEK:
        weekday = THURSDAY if cell.meeting_weekday is None else cell.meeting_weekday
        return {"kind": ScheduleKind.WEEKDAY, "day": None, "weekday": weekday, "week": 1}
    return {
        "kind": ScheduleKind.DAY_OF_MONTH,
        "day": cell.meeting_day or 7,
        "weekday": None,
        "week": None,
    }


def _texts(cell: Organization, month: dt.date, kind: str, topic: str) -> dict:
    label = f"tháng {month:%m/%Y}"
    if kind == MeetingKind.THEMATIC:
        return {
            "agenda": f"Sinh hoạt chuyên đề: {topic}.",
            "content": f"Chi bộ sinh hoạt chuyên đề «{topic}»; đồng chí bí thư trình bày "
            "báo cáo đề dẫn, đảng viên thảo luận, liên hệ bản thân.",
            "conclusions": "Mỗi đảng viên đăng ký việc làm cụ thể để thực hiện chuyên đề.",
        }
    return {
        "agenda": f"1. Đánh giá kết quả thực hiện nhiệm vụ {label}. "
        "2. Triển khai nhiệm vụ tháng tới. 3. Thông tin thời sự, sinh hoạt tư tưởng.",
        "draft_resolution": f"Dự thảo nghị quyết sinh hoạt chi bộ {label}.",
        "content": f"Chi bộ đánh giá kết quả thực hiện nghị quyết {label}; "
        "thông tin thời sự; kiểm điểm việc thực hiện nhiệm vụ được giao.",
        "opinions": "Các đồng chí đảng viên phát biểu, bổ sung giải pháp về công tác "
        "vận động quần chúng và phát triển kinh tế.",
        "conclusions": "Chi bộ thống nhất thông qua nghị quyết tháng, phân công nhiệm vụ "
        "cụ thể cho từng đảng viên.",
        "resolution": f"1. Thông qua báo cáo kết quả thực hiện nhiệm vụ {label}.\n"
        "2. Tập trung lãnh đạo thực hiện nhiệm vụ chính trị tháng tới; mỗi đảng viên "
        "hoàn thành nhiệm vụ được phân công.\n"
        "3. Giao đồng chí bí thư chi bộ đôn đốc, kiểm tra việc thực hiện nghị quyết.",
    }


def _cell_meetings(
    cell: Organization,
    months: list[dt.date],
    current: dt.date,
    today: dt.date,
    rng: random.Random,
    schedule: dict,
    next_id,
    created_at: dt.datetime,
    leaders: list[tuple[str, str]],
) -> tuple[list[dict], list[dict]]:
    """The meetings of one cell (as field dicts) and their guests."""
    meetings, guests = [], []
    is_agency = cell.unit_type == UnitType.AGENCY
    place = "Phòng họp cơ quan" if is_agency else "Nhà văn hóa thôn"
    number = 0

    def thematic(month: dt.date, planned: dt.date, registered: dt.date) -> dict:
        topic = THEMATIC_TOPICS[int(rng.random() * len(THEMATIC_TOPICS))]
        day = min(planned + dt.timedelta(days=7), rules.month_end(month))
        return {
            "id": next_id(),
            "cell_id": cell.pk,
            "kind": MeetingKind.THEMATIC,
            "month": month,
            "topic": topic,
            "status": MeetingStatus.HELD,
            "planned_on": day,
            "registered_on": registered,
            "notified_on": day - dt.timedelta(days=3),
            "documents_posted_on": day - dt.timedelta(days=3),
            "held_on": day,
            "place": place,
            "duration_minutes": 120,
            "votes_against": 0,
            "created_at": created_at,
            **_texts(cell, month, MeetingKind.THEMATIC, topic),
        }

    for month in months:
        scheduled = rules.scheduled_day(
            schedule["kind"],
            month,
            day=schedule["day"],
            weekday=schedule["weekday"],
            week=schedule["week"],
        )
        assert scheduled is not None
        number += 1
        values = {
            "id": next_id(),
            "cell_id": cell.pk,
            "kind": MeetingKind.REGULAR,
            "month": month,
            "scheduled_on": scheduled,
            "created_at": created_at,
            **_texts(cell, month, MeetingKind.REGULAR, ""),
        }
        roll = rng.random()
        if roll < 0.006:  # not held, reported with its reason, seen by the committee
            values.update(
                status=MeetingStatus.NOT_HELD,
                not_held_reason=NOT_HELD_REASONS[int(rng.random() * len(NOT_HELD_REASONS))],
                registered_on=scheduled - dt.timedelta(days=5),
                planned_on=scheduled,
                reviewed_on=min(today, scheduled + dt.timedelta(days=12)),
                review_note="Yêu cầu chi bộ tổ chức sinh hoạt bù trong tháng sau.",
            )
            meetings.append(values)
            if month.month % 3 == 0:  # the quarter's thematic meeting is held all the same
                meetings.append(thematic(month, scheduled, values["registered_on"]))
            continue
        planned, reason = scheduled, ""
        if rng.random() < 0.05:  # put back 1-2 days, with the reason (seed 002)
            later = scheduled + dt.timedelta(days=1 + int(rng.random() * 2))
            if later.month == scheduled.month:
                planned = later
                reason = DELAY_REASONS[int(rng.random() * len(DELAY_REASONS))]
        registered = scheduled - dt.timedelta(days=3 + int(rng.random() * 8))
        notified = max(registered, planned - dt.timedelta(days=2 + int(rng.random() * 4)))
        posted = planned if rng.random() < 0.03 else notified  # a few: documents late
        minutes = (
            60 + 5 * int(rng.random() * 6)  # 60-85: under the 90 minutes of HD 42
            if rng.random() < 0.06
            else 90 + 5 * int(rng.random() * 13)
        )
        flags = []
        if rules.is_short(MeetingKind.REGULAR, planned, minutes):
            flags.append("short")
        if rules.documents_late(posted, planned):
            flags.append("documents_late")
        values.update(
            status=MeetingStatus.HELD,
            planned_on=planned,
            delay_reason=reason,
            registered_on=registered,
            notified_on=notified,
            documents_posted_on=posted,
            held_on=planned,
            place=place,
            duration_minutes=minutes,
            votes_against=0,
            resolution_number=f"{number:02d}-NQ/CB",
            flags=",".join(flags),
        )
        meetings.append(values)
        if leaders and rng.random() < 0.3:  # a leader of the superior committee attends
            name, title = leaders[int(rng.random() * len(leaders))]
            guests.append(
                {"meeting_id": values["id"], "name": name, "title": title, "leader": True}
            )
        if month.month % 3 == 0:  # the quarter's thematic meeting (R9.2), a week later
            meetings.append(thematic(month, planned, registered))
    # The current month: on the calendar, waiting for the cell to register it.
    scheduled = rules.scheduled_day(
        schedule["kind"],
        current,
        day=schedule["day"],
        weekday=schedule["weekday"],
        week=schedule["week"],
    )
    meetings.append(
        {
            "id": next_id(),
            "cell_id": cell.pk,
            "kind": MeetingKind.REGULAR,
            "month": current,
            "scheduled_on": scheduled,
            "status": MeetingStatus.SCHEDULED,
            "created_at": created_at,
        }
    )
    return meetings, guests


def _leaders(committee: Organization | None, rng: random.Random) -> list[tuple[str, str]]:
    if committee is None:
        return []
    short = committee.name.replace("Đảng bộ", "Đảng ủy", 1)
    names = rng.sample(LEADER_NAMES, 3)
    return [(n, t.format(org=short)) for n, t in zip(names, LEADER_TITLES, strict=True)]


def _attendance_sql(first_meeting: int, last_meeting: int) -> tuple[str, list]:
    """One INSERT ... SELECT: for each held meeting in the id range, the members
    on the cell's roll that day by the event log (the latest event on or before
    the day leaves them official or probationary in the cell), expected unless
    exempted; exempted members only when they came."""
    active = [str(s) for s in ACTIVE_STATUSES]
    excuse = " ".join(
        f"WHEN {i} THEN %s" for i in range(len(EXCUSES))
    )  # reasons as parameters, never spliced
    # Table names come from the models' metadata, never from input.
    sql = f"""
        INSERT INTO {Attendance._meta.db_table} (meeting_id, member_id, presence, reason, expected)
        SELECT meeting_id, member_id,
               CASE WHEN NOT expected THEN 'present'
                    WHEN chronic AND h < 300 THEN 'unexcused'
                    WHEN h < 10 THEN 'unexcused'
                    WHEN h < 80 THEN 'excused'
                    ELSE 'present' END,
               CASE WHEN expected AND NOT (chronic AND h < 300) AND h >= 10 AND h < 80
                    THEN CASE (h %% {len(EXCUSES)}) {excuse} END
                    ELSE '' END,
               expected
        FROM (
            SELECT m.id AS meeting_id, a.member_id AS member_id,
                   NOT a.exempt_after AS expected,
                   (a.member_id %% 997 = 13) AS chronic,
                   {_HASH} AS h
            FROM {Meeting._meta.db_table} m
            JOIN (
                SELECT e.member_id, e.organization_after_id AS cell_id, e.status_after,
                       e.exempt_after, e.date AS since,
                       LEAD(e.date) OVER (
                           PARTITION BY e.member_id ORDER BY e.date, e.seq, e.id
                       ) AS until
                FROM members_membershipevent e
            ) a ON a.cell_id = m.cell_id AND a.since <= m.held_on
                AND (a.until IS NULL OR a.until > m.held_on)
            WHERE m.id BETWEEN %s AND %s AND m.status = 'held'
              AND a.status_after IN (%s, %s)
        ) r
        WHERE expected OR h < 150
    """  # noqa: S608
    return sql, [*EXCUSES, first_meeting, last_meeting, *active]


def _mark_absentee(member_id: int, year: int, months: int = 3) -> int:
    """The demo's name-deletion candidate: absent without reason from the last
    `months` regular meetings of `year` they were expected at."""
    rows = list(
        Attendance.objects.filter(
            member_id=member_id,
            expected=True,
            meeting__kind=MeetingKind.REGULAR,
            meeting__status=MeetingStatus.HELD,
            meeting__month__year=year,
        )
        .order_by("-meeting__month")
        .values_list("pk", flat=True)[:months]
    )
    return Attendance.objects.filter(pk__in=rows).update(presence=Presence.UNEXCUSED, reason="")


def _settle_meetings(first: int, last: int, last_month: dt.date, today: dt.date) -> None:
    """From the attendance: the votes (all present in favour), chair and recorder
    (members present), the attendance flag (rules.attendance_low, exactly: the
    percent to one decimal, half up, under the threshold), and the superior
    committee's review of the flagged meetings before last month."""
    table = Meeting._meta.db_table
    threshold = int(rules.ATTENDANCE_MIN_PERCENT.on(today))
    low = f"(2000 * a.present < {20 * threshold - 1} * a.expected)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET
                votes_for = a.present_all,
                chair_id = a.chair,
                recorder_id = a.recorder,
                flags = CASE WHEN NOT {low} THEN {table}.flags
                             WHEN {table}.flags = '' THEN 'low_attendance'
                             WHEN {table}.flags = 'short' THEN 'short,low_attendance'
                             WHEN {table}.flags = 'documents_late'
                                 THEN 'low_attendance,documents_late'
                             ELSE 'short,low_attendance,documents_late' END
            FROM (
                SELECT meeting_id,
                       SUM(CASE WHEN expected AND presence = 'present' THEN 1 ELSE 0 END)
                           AS present,
                       SUM(CASE WHEN presence = 'present' THEN 1 ELSE 0 END) AS present_all,
                       SUM(CASE WHEN expected THEN 1 ELSE 0 END) AS expected,
                       MIN(CASE WHEN presence = 'present' THEN member_id END) AS chair,
                       MAX(CASE WHEN presence = 'present' THEN member_id END) AS recorder
                FROM {Attendance._meta.db_table}
                WHERE meeting_id BETWEEN %s AND %s
                GROUP BY meeting_id
            ) a
            WHERE {table}.id = a.meeting_id
            """,  # noqa: S608 (names from the models' metadata)
            [first, last],
        )
        cursor.execute(
            f"UPDATE {table} SET reviewed_on = {_plus_days('held_on', 10)}, "  # noqa: S608
            "review_note = %s WHERE id BETWEEN %s AND %s AND status = 'held' AND flags <> '' AND month < %s",
            [REVIEW_NOTE, first, last, last_month],
        )


def _tasks_sql(first: int, last: int, today: dt.date) -> tuple[str, list]:
    """The resolutions' tasks: about one member present in eight at each held
    regular meeting gets a task due 30 days later; those due are assessed
    (done, exceeded, done late, not done)."""
    due = _plus_days("m.held_on", 30)
    content = " ".join(f"WHEN {i} THEN %s" for i in range(len(TASKS)))
    sql = f"""
        INSERT INTO {Task._meta.db_table}
            (meeting_id, assignee_id, content, due_on, result, result_on, result_note)
        SELECT meeting_id, member_id, CASE (h %% {len(TASKS)}) {content} END, due_on,
               CASE WHEN due_on > %s THEN 'pending'
                    WHEN h %% 100 < 55 THEN 'done'
                    WHEN h %% 100 < 72 THEN 'exceeded'
                    WHEN h %% 100 < 88 THEN 'done_late'
                    ELSE 'not_done' END,
               CASE WHEN due_on > %s THEN NULL ELSE due_on END,
               ''
        FROM (
            SELECT a.meeting_id, a.member_id, {due} AS due_on, {_HASH} AS h
            FROM {Attendance._meta.db_table} a
            JOIN {Meeting._meta.db_table} m ON m.id = a.meeting_id
            WHERE m.id BETWEEN %s AND %s AND m.kind = 'regular' AND m.status = 'held'
              AND a.presence = 'present' AND (a.member_id + 3 * m.id) %% 8 = 0
        ) t
    """  # noqa: S608
    return sql, [*TASKS, today, today, first, last]


def _open_cases(first: int, last: int, current: dt.date, last_month: dt.date) -> int:
    """The open cases of the new meetings, written in bulk from the workflow's
    table (`MEETING.case_values`): this month's meetings waiting to be
    registered, last month's flagged ones waiting for the committee's review."""
    content_type = ContentType.objects.get_for_model(Meeting)
    meetings = (
        Meeting.objects.filter(pk__range=(first, last))
        .filter(
            models.Q(month=current, status=MeetingStatus.SCHEDULED)
            | models.Q(month=last_month, reviewed_on__isnull=True)
        )
        .select_related("cell", "cell__parent")
        .order_by("pk")
    )
    cases = []
    for meeting in meetings.iterator(chunk_size=5000):
        awaited = MEETING.awaited(meeting).get("")
        if awaited is None:
            continue
        values = MEETING.case_values(meeting, awaited, detail=f"{meeting.month:%m/%Y}")
        cases.append(
            Case(
                content_type=content_type,
                object_id=meeting.pk,
                slot="",
                opened_on=meeting.month,
                **values,
            )
        )
    Case.objects.bulk_create(cases, batch_size=5000)
    return len(cases)


def seed_meetings(
    *,
    today: dt.date | None = None,
    seed: int = 1,
    absentee_id: int | None = None,
    big: bool = False,
) -> MeetingSeedResult:
    """Write the schedules, a year of meetings with attendance, guests and tasks,
    and the open cases, for every active cell (level CELL). Call it in a
    transaction, after the members and their events. `absentee_id`: a member
    made to miss three regular meetings of the year without reason (the demo's
    name-deletion candidate). `big`: set the attendance tables' indexes aside
    during the load (PostgreSQL, large sets)."""
    started = time.perf_counter()
    today = today or dt.date.today()
    loaded_at = timezone.now()
    months = year_months(today)
    current = today.replace(day=1)
    last_month = months[-1]
    effective = dt.date(today.year - 1, 1, 1)
    cells = list(
        Organization.objects.filter(level=Level.CELL, valid_to__isnull=True)
        .select_related("parent")
        .order_by("path")
    )
    result = MeetingSeedResult()
    if not cells:
        return result
    schedule_first = _max_id(MeetingSchedule) + 1
    meeting_first = _max_id(Meeting) + 1
    counter = iter(range(meeting_first, 2**62))

    def next_id() -> int:
        return next(counter)

    schedules: list[tuple] = []
    meetings: list[tuple] = []
    guests: list[tuple] = []
    leaders_of: dict[int | None, list[tuple[str, str]]] = {}
    for cell in cells:
        rng = random.Random(seed * 1_000_003 + cell.pk * 7 + 10)
        schedule = schedule_of(cell)
        schedules.append(
            _row(
                MeetingSchedule,
                {
                    "id": schedule_first + len(schedules),
                    "cell_id": cell.pk,
                    **schedule,
                    "max_delay_days": rules.MAX_DELAY_DAYS.on(effective),
                    "effective_from": effective,
                    "set_by_id": cell.parent_id,
                    "decision": f"Thông báo số {1 + int(rng.random() * 90)}-TB/ĐU",
                    "created_at": loaded_at,
                },
            )
        )
        if cell.parent_id not in leaders_of:
            leaders_of[cell.parent_id] = _leaders(
                cell.parent, random.Random(seed * 1_000_003 + (cell.parent_id or 0) * 7 + 11)
            )
        cell_meetings, cell_guests = _cell_meetings(
            cell,
            months,
            current,
            today,
            rng,
            schedule,
            next_id,
            loaded_at,
            leaders_of[cell.parent_id],
        )
        meetings.extend(_row(Meeting, m) for m in cell_meetings)
        guests.extend(_row(Guest, {"id": None, **g}) for g in cell_guests)
    meeting_last = meeting_first + len(meetings) - 1
    lap = result.lap("generate", started)
    # A large load sets aside the secondary indexes and foreign keys of the tables
    # it fills or rewrites, and re-creates (and validates) them at the end.
    bulky = (Meeting, Attendance, Task)
    tables = [t for m in bulky for t in (m._meta.db_table, m.history.model._meta.db_table)]
    with bulk_load_mode(*tables) if big else contextlib.nullcontext():
        result.schedules = write_rows(
            MeetingSchedule._meta.db_table, _columns(MeetingSchedule), schedules
        )
        result.meetings = write_rows(Meeting._meta.db_table, _columns(Meeting), meetings)
        guest_columns = [c for c in _columns(Guest) if c != "id"]
        result.guests = write_rows(Guest._meta.db_table, guest_columns, (g[1:] for g in guests))
        reset_sequences(MeetingSchedule._meta.db_table, Meeting._meta.db_table)
        _analyze(Meeting)
        lap = result.lap("copy", lap)
        with connection.cursor() as cursor:
            sql, params = _attendance_sql(meeting_first, meeting_last)
            cursor.execute(sql, params)
            result.attendances = cursor.rowcount
        _analyze(Attendance)  # fresh statistics, or the planner joins blind
        lap = result.lap("attendance", lap)
        if absentee_id is not None:
            year = last_month.year if last_month.month >= 3 else last_month.year - 1
            _mark_absentee(absentee_id, year)
        _settle_meetings(meeting_first, meeting_last, last_month, today)
        lap = result.lap("settle", lap)
        with connection.cursor() as cursor:
            sql, params = _tasks_sql(meeting_first, meeting_last, today)
            cursor.execute(sql, params)
            result.tasks = cursor.rowcount
        lap = result.lap("tasks", lap)
        in_range = {"meeting_id__gte": meeting_first, "meeting_id__lte": meeting_last}
        for queryset in (
            MeetingSchedule.objects.filter(pk__gte=schedule_first),
            Meeting.objects.filter(pk__range=(meeting_first, meeting_last)),
            Attendance.objects.filter(**in_range),
            Guest.objects.filter(**in_range),
            Task.objects.filter(**in_range),
        ):
            history_baseline(queryset, when=loaded_at, only_missing=False)
        lap = result.lap("history", lap)
    lap = result.lap("indexes", lap)
    result.cases = _open_cases(meeting_first, meeting_last, current, last_month)
    lap = result.lap("cases", lap)
    _analyze(MeetingSchedule, Meeting, Attendance, Guest, Task, Case)
    result.lap("analyze", lap)
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["MeetingSeedResult", "TaskResult", "seed_meetings", "year_months"]


def issue_demo_papers(cell: Organization, *, last: int = 3) -> int:
    """Issue the minutes and resolution papers (meetings.papers) of the cell's
    `last` held meetings that have none: the demo's cell shows real numbered
    papers. The bulk load does not issue papers (a province's year of meetings
    would be a million documents); a cell's own meetings recorded through the
    pages always have theirs. Returns the meetings given papers."""
    from dangvien.core.actors import SYSTEM
    from dangvien.meetings import papers
    from dangvien.meetings.selectors import cell_roll_on

    held = (
        Meeting.objects.filter(cell=cell, status="held", minutes_document_id__isnull=True)
        .exclude(held_on__isnull=True)
        .order_by("-held_on")[:last]
    )
    done = 0
    for meeting in reversed(list(held)):
        assert meeting.held_on is not None  # excluded above
        rows = list(meeting.attendances.select_related("member"))
        papers.issue_papers(
            SYSTEM, meeting, cell_roll_on(cell, meeting.held_on), rows, list(meeting.guests.all())
        )
        meeting.save(
            update_fields=["minutes_document_id", "resolution_document_id", "resolution_number"]
        )
        done += 1
    return done
