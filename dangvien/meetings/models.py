"""Cell meetings (regulations.md §9, addendum §8; seeds 002 and 004).

The superior committee sets each cell's meeting schedule (a fixed day of the
month, or a weekday of a week of the month) from a date; the product
generates the calendar from it, one regular meeting per month. The cell
registers the actual date, holds the meeting, records who attended, the
length, the minutes and the resolution with its tasks; items raised for the
superior committee are tracked to an answer. Meetings move only through the
services (`workflow.MEETING`, `workflow.FEEDBACK`); rows are never deleted and
keep their history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from dangvien.members.models import Member
from dangvien.organizations.models import Level, Organization


def _user_fk() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="người ghi",
    )


class ScheduleKind(models.TextChoices):
    DAY_OF_MONTH = "day_of_month", "Ngày cố định hằng tháng"
    WEEKDAY = "weekday", "Thứ cố định của một tuần trong tháng"
    BY_COMMITTEE = "by_committee", "Cấp ủy cấp trên ấn định từng tháng"


class MeetingSchedule(models.Model):
    """The meeting day the superior committee sets for a cell, from `effective_from`
    until the next schedule of the cell (seed 002: "ngày mùng 7 hằng tháng";
    school cells "thứ 5 tuần đầu tiên")."""

    cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="meeting_schedules",
        verbose_name="chi bộ",
    )
    kind = models.CharField("cách ấn định", max_length=16, choices=ScheduleKind.choices)
    day = models.PositiveSmallIntegerField("ngày trong tháng", null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        "thứ (0 = thứ Hai ... 6 = Chủ nhật)", null=True, blank=True
    )
    week = models.PositiveSmallIntegerField("tuần thứ", null=True, blank=True)
    max_delay_days = models.PositiveSmallIntegerField(
        "số ngày được lùi tối đa (có lý do)", default=2
    )
    min_minutes = models.PositiveSmallIntegerField(
        "thời lượng tối thiểu do cấp ủy ấn định (phút, chi bộ ít đảng viên)", null=True, blank=True
    )
    effective_from = models.DateField("áp dụng từ ngày")
    set_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="cấp ủy ấn định"
    )
    decision = models.CharField("văn bản ấn định", max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "lịch sinh hoạt chi bộ"
        verbose_name_plural = "lịch sinh hoạt chi bộ"
        constraints = [
            models.UniqueConstraint(fields=["cell", "effective_from"], name="schedule_cell_from")
        ]

    def __str__(self) -> str:
        return f"{self.cell}: {self.get_kind_display()} từ {self.effective_from:%d/%m/%Y}"


# Levels whose meetings this app records as a cell's: a cell under a grassroots
# committee and a grassroots cell (chi bộ cơ sở, e.g. a school's cell).
CELL_LEVELS = (Level.CELL, Level.GRASSROOTS_CELL)


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Sinh hoạt thường kỳ"
    THEMATIC = "thematic", "Sinh hoạt chuyên đề"
    COMBINED = "combined", "Thường kỳ kết hợp chuyên đề"
    EXTRAORDINARY = "extraordinary", "Sinh hoạt bất thường"
    GRASSROOTS = "grassroots", "Hội nghị đảng bộ cơ sở"


# Kinds that count as the month's regular meeting (R9.1) and as the quarter's
# thematic one (R9.2).
REGULAR_KINDS = (MeetingKind.REGULAR, MeetingKind.COMBINED)
THEMATIC_KINDS = (MeetingKind.THEMATIC, MeetingKind.COMBINED)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Theo lịch, chưa đăng ký"
    REGISTERED = "registered", "Đã đăng ký với cấp trên"
    NOTIFIED = "notified", "Đã thông báo, gửi tài liệu"
    HELD = "held", "Đã sinh hoạt"
    NOT_HELD = "not_held", "Không sinh hoạt"


class Meeting(models.Model):
    """One meeting of a cell (or the meeting of a grassroots party organisation,
    kind GRASSROOTS, held by its committee: R9.3, twice a year). `month` is the
    first day of the month it belongs to."""

    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="meetings", verbose_name="chi bộ"
    )
    kind = models.CharField("loại", max_length=16, choices=MeetingKind.choices)
    month = models.DateField("tháng")
    scheduled_on = models.DateField("ngày theo lịch", null=True, blank=True)
    planned_on = models.DateField("ngày đăng ký", null=True, blank=True)
    delay_reason = models.CharField("lý do đổi ngày", max_length=255, blank=True)
    registered_on = models.DateField("ngày báo cáo cấp trên", null=True, blank=True)
    status = models.CharField(
        "tình trạng", max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    topic = models.CharField("chuyên đề", max_length=255, blank=True)
    agenda = models.TextField("chương trình", blank=True)
    draft_resolution = models.TextField("dự thảo nghị quyết", blank=True)
    notified_on = models.DateField("ngày thông báo", null=True, blank=True)
    documents_posted_on = models.DateField("ngày đăng tài liệu", null=True, blank=True)
    held_on = models.DateField("ngày sinh hoạt", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255, blank=True)
    duration_minutes = models.PositiveSmallIntegerField("thời lượng (phút)", null=True, blank=True)
    chair = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chủ trì",
    )
    recorder = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="thư ký",
    )
    content = models.TextField("nội dung", blank=True)
    opinions = models.TextField("ý kiến thảo luận", blank=True)
    conclusions = models.TextField("kết luận", blank=True)
    votes_for = models.PositiveSmallIntegerField("tán thành", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("không tán thành", null=True, blank=True)
    resolution_number = models.CharField("số nghị quyết", max_length=64, blank=True)
    # What the meeting adopted (from the draft, amended in the meeting): the
    # items of the resolution paper ("QUYẾT NGHỊ").
    resolution = models.TextField("nghị quyết đã thông qua", blank=True)
    not_held_reason = models.CharField("lý do không sinh hoạt", max_length=255, blank=True)
    # What the superior committee must take note of (rules: "short",
    # "low_attendance", "documents_late", "not_registered", "late"), comma-separated.
    flags = models.CharField("cần lưu ý", max_length=120, blank=True)
    reviewed_on = models.DateField("ngày cấp trên xem xét", null=True, blank=True)
    review_note = models.CharField("ý kiến cấp trên", max_length=500, blank=True)
    minutes_document_id = models.PositiveBigIntegerField(null=True, blank=True)
    resolution_document_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "buổi sinh hoạt chi bộ"
        ordering = ["cell", "month", "kind"]
        constraints = [
            # R9.1: one regular meeting a month (combined counts as the regular one).
            models.UniqueConstraint(
                fields=["cell", "month"],
                condition=models.Q(kind__in=["regular", "combined"]),
                name="meeting_one_regular_a_month",
            )
        ]
        indexes = [models.Index(fields=["month", "cell"], name="meeting_month_cell")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} tháng {self.month:%m/%Y} — {self.cell}"

    @property
    def day(self):
        """The day it was held, or the registered day, or the day by the schedule."""
        return self.held_on or self.planned_on or self.scheduled_on


class Presence(models.TextChoices):
    PRESENT = "present", "Có mặt"
    EXCUSED = "excused", "Vắng có lý do"
    UNEXCUSED = "unexcused", "Vắng không lý do"


class Attendance(models.Model):
    """One member at one meeting. `expected`: the member was to attend (an
    official or probationary member of the cell that day, not exempted from
    activity, not on a temporary transfer elsewhere); an exempted member who
    comes is recorded present with expected False and counts as present."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendances", verbose_name="buổi sinh hoạt"
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
        verbose_name="đảng viên",
    )
    presence = models.CharField("tình hình dự họp", max_length=10, choices=Presence.choices)
    reason = models.CharField("lý do vắng", max_length=255, blank=True)
    expected = models.BooleanField("phải dự họp", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]
        indexes = [
            models.Index(fields=["member", "presence"], name="attendance_member"),
            # The name-deletion candidates of a subtree read only the absences
            # without reason of members who had to attend: a few in a hundred rows.
            models.Index(
                fields=["meeting", "member"],
                condition=models.Q(presence="unexcused", expected=True),
                name="attendance_unexcused",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_presence_display()}"


class Guest(models.Model):
    """A guest at a meeting; `leader` marks a leader of the superior committee
    attending (seed 002: leaders' visits to cells)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="guests", verbose_name="buổi sinh hoạt"
    )
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name="đảng viên (nếu có trong hệ thống)",
    )
    name = models.CharField("họ và tên", max_length=160)
    title = models.CharField("chức vụ", max_length=160, blank=True)
    leader = models.BooleanField("lãnh đạo cấp ủy cấp trên", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "khách mời"
        verbose_name_plural = "khách mời"

    def __str__(self) -> str:
        return self.name


class TaskResult(models.TextChoices):
    PENDING = "pending", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    DONE_LATE = "done_late", "Hoàn thành chậm"
    EXCEEDED = "exceeded", "Hoàn thành vượt mức"
    NOT_DONE = "not_done", "Không hoàn thành"


class Task(models.Model):
    """A concrete task of a meeting's resolution, given to a named member with a
    due date; the yearly grading reads the results (share exceeding)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="tasks", verbose_name="buổi sinh hoạt"
    )
    assignee = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="meeting_tasks",
        verbose_name="người thực hiện",
    )
    content = models.CharField("nhiệm vụ", max_length=500)
    due_on = models.DateField("hạn hoàn thành")
    result = models.CharField(
        "kết quả", max_length=10, choices=TaskResult.choices, default=TaskResult.PENDING
    )
    result_on = models.DateField("ngày đánh giá", null=True, blank=True)
    result_note = models.CharField("ghi chú kết quả", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        indexes = [models.Index(fields=["assignee", "due_on"], name="task_assignee_due")]

    def __str__(self) -> str:
        return self.content


class FeedbackStatus(models.TextChoices):
    SENT = "sent", "Đã gửi cấp trên, chờ trả lời"
    ANSWERED = "answered", "Cấp trên đã trả lời"


class Feedback(models.Model):
    """An item raised in a meeting for the superior committee ("Phản ánh, góp ý
    với cấp trên", seed 002), tracked to the answer the cell sees."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="feedback", verbose_name="buổi sinh hoạt"
    )
    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ"
    )
    to_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="gửi cấp ủy"
    )
    content = models.TextField("nội dung phản ánh, góp ý")
    sent_on = models.DateField("ngày gửi")
    status = models.CharField(
        "tình trạng", max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.SENT
    )
    answer = models.TextField("trả lời", blank=True)
    answered_on = models.DateField("ngày trả lời", null=True, blank=True)
    created_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "phản ánh, góp ý với cấp trên"
        verbose_name_plural = "phản ánh, góp ý với cấp trên"

    def __str__(self) -> str:
        return f"Phản ánh của {self.cell} ngày {self.sent_on:%d/%m/%Y}"


class CommitteeConference(models.Model):
    """A conference (hội nghị) a committee puts on its calendar; its calendar
    warns when cells of its subtree meet that day (issue 10 part 1). A warning,
    never a refusal: the committee decides."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="conferences",
        verbose_name="cấp ủy",
    )
    date = models.DateField("ngày hội nghị")
    title = models.CharField("tên hội nghị", max_length=255)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "hội nghị của cấp ủy"
        verbose_name_plural = "hội nghị của cấp ủy"
        ordering = ["organization", "date", "id"]
        indexes = [models.Index(fields=["organization", "date"], name="conference_org_date")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"
