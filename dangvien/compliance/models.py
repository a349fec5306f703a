"""Open cases: one row per workflow step waiting for someone, with its due date.

Each workflow (admission, transfer, exemption, working away, residence liaison,
removal) keeps its own tables; its services call `case_sync` in the same
transaction, so this table always says what is open, what comes next, who must
act and by when. The secretary's "việc cần làm" list is one indexed query here,
whatever the workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from dangvien.organizations.models import Organization


class CaseKind(models.TextChoices):
    ADMISSION = "admission", "Kết nạp đảng viên"
    RECOGNITION = "recognition", "Công nhận đảng viên chính thức"
    TRANSFER = "transfer", "Chuyển sinh hoạt đảng"
    EXEMPTION = "exemption", "Miễn, giảm, tạm miễn sinh hoạt"
    WORKING_AWAY = "working_away", "Đảng viên đi làm ăn xa"
    RESIDENCE = "residence", "Giữ mối liên hệ nơi cư trú (QĐ 213)"
    REMOVAL = "removal", "Xóa tên, ra khỏi Đảng"
    MEETING = "meeting", "Sinh hoạt chi bộ"
    FEEDBACK = "feedback", "Phản ánh, góp ý với cấp trên"
    DUES_ARREARS = "dues_arrears", "Nợ đảng phí"
    GRADING = "grading", "Kiểm điểm, đánh giá, xếp loại"
    INSPECTION = "inspection", "Kiểm tra, giám sát"
    DISCIPLINE = "discipline", "Kỷ luật đảng viên"
    BADGE = "badge", "Huy hiệu Đảng"


class Case(models.Model):
    kind = models.CharField("loại việc", max_length=16, choices=CaseKind.choices)
    # The workflow object; `slot` tells apart two sides of one object (a transfer
    # waits for the sending cell, then for the receiving one).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject_object = GenericForeignKey("content_type", "object_id")
    slot = models.CharField(max_length=16, blank=True, default="")

    subject = models.CharField("người", max_length=160)  # the member's or candidate's name
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    org_path = models.CharField(max_length=255)
    # The step the case waits for (a code of the workflow's table), a short
    # detail (the vote round, the year of a comment), the acting body and its
    # organisation: the web layer turns them into words and links.
    step = models.CharField("bước", max_length=40)
    detail = models.CharField("chi tiết", max_length=120, blank=True, default="")
    acting_body = models.CharField("cơ quan thực hiện", max_length=24, blank=True, default="")
    acting_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="tổ chức thực hiện",
    )
    acting_path = models.CharField(max_length=255, blank=True, default="")
    due_date = models.DateField("hạn", null=True, blank=True)
    opened_on = models.DateField("mở ngày")
    closed_on = models.DateField("đóng ngày", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "việc cần làm"
        verbose_name_plural = "việc cần làm"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "slot"], name="case_object_slot_unique"
            )
        ]
        indexes = [
            # Open cases of a subtree by due date (the secretary's list).
            models.Index(
                fields=["org_path", "due_date", "id"],
                name="case_open_path_due",
                opclasses=["varchar_pattern_ops", "", ""],
                condition=Q(closed_on__isnull=True),
            ),
            # Open cases of the whole country / a big subtree by due date.
            models.Index(
                fields=["due_date", "id"],
                name="case_open_due",
                condition=Q(closed_on__isnull=True),
            ),
            # Open cases a body must act on ("việc của tôi"), by due date.
            models.Index(
                fields=["acting_path", "due_date", "id"],
                name="case_open_acting_due",
                opclasses=["varchar_pattern_ops", "", ""],
                condition=Q(closed_on__isnull=True),
            ),
            models.Index(fields=["member"], name="case_member"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject} — {self.step}"


class Notification(models.Model):
    """An in-app notice to one user (the header's «Thông báo»), e-mailed too when
    the user's preference says so. `key` makes a scan idempotent: one notice
    per user and key (the daily deadline digest: "deadlines:2026-11-30")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # covered by the (user, key) constraint
    )
    key = models.CharField(max_length=64)
    title = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung", blank=True)
    link = models.CharField("đường dẫn", max_length=255, blank=True)
    created_at = models.DateTimeField("lúc", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    emailed_at = models.DateTimeField("đã gửi thư lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_user_key")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_recent")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """What a user wants to receive besides the in-app notices (kept per user;
    no row: the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_deadlines = models.BooleanField(
        "Gửi thư điện tử tóm tắt việc đến hạn, quá hạn mỗi ngày", default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tùy chọn nhận thông báo"
        verbose_name_plural = "tùy chọn nhận thông báo"

    def __str__(self) -> str:
        return f"{self.user_id}: {'thư' if self.email_deadlines else 'không thư'}"
