"""Transfers of party activity and removal from the Party, as workflows.

A Transfer is a status with a table of allowed steps (see rules and services);
the membership events (transferred out / in, name deleted, left, expelled,
deceased) are written by the services at the step that takes effect, so the
member's status, counts and party age follow from the event log as before.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangvien.members.models import Member
from dangvien.organizations.models import Organization


class TransferKind(models.TextChoices):
    PERMANENT = "permanent", "Chính thức"
    TEMPORARY = "temporary", "Tạm thời"


class TransferReason(models.TextChoices):
    NEW_UNIT = "new_unit", "Điều động, chuyển công tác"
    RETIREMENT = "retirement", "Nghỉ hưu, nghỉ mất sức"
    LEFT_JOB = "left_job", "Thôi việc, phục viên, xuất ngũ"
    RESIDENCE = "residence", "Thay đổi nơi cư trú"
    STUDY = "study", "Đi học tập trung"
    WORK_AWAY = "work_away", "Đi làm việc, cư trú nơi khác có thời hạn"
    OTHER = "other", "Lý do khác"


class ReissueReason(models.TextChoices):
    """Why the issuing body voids the letter and issues a new one."""

    LOST = "lost", "Giấy giới thiệu bị mất"
    DAMAGED = "damaged", "Giấy giới thiệu bị hư hỏng"


class TransferStatus(models.TextChoices):
    OPENED = "opened", "Đang làm thủ tục"
    SENT = "sent", "Đã giới thiệu đi"
    RECEIVED = "received", "Đã tiếp nhận"
    RETURNED = "returned", "Đã trở về (hết tạm thời)"
    CANCELLED = "cancelled", "Đã hủy"


class Transfer(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField("hình thức", max_length=12, choices=TransferKind.choices)
    reason = models.CharField("lý do", max_length=16, choices=TransferReason.choices)
    trigger_date = models.DateField(
        "ngày quyết định có hiệu lực / thay đổi nơi ở",
        help_text="Hạn làm thủ tục tính từ ngày này, theo ngày làm việc (QĐ 294-QĐ/TW).",
    )
    start_due = models.DateField("hạn làm thủ tục")
    status = models.CharField(
        "tình trạng", max_length=12, choices=TransferStatus.choices, default=TransferStatus.OPENED
    )

    from_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chi bộ nơi đi",
    )
    from_outside = models.CharField(
        "nơi đi (ngoài hệ thống)", max_length=255, blank=True, help_text="Chuyển đến từ nơi khác."
    )
    to_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chi bộ nơi đến",
    )
    to_outside = models.CharField("nơi đến (ngoài hệ thống)", max_length=255, blank=True)
    # Where the case is handled: the sending cell, then the receiving one.
    from_path = models.CharField(max_length=255, blank=True)
    to_path = models.CharField(max_length=255, blank=True)

    # Temporary transfers: the period (R2.4).
    period_start = models.DateField("tạm thời từ ngày", null=True, blank=True)
    period_end = models.DateField("tạm thời đến ngày", null=True, blank=True)

    # The letter (giấy giới thiệu sinh hoạt đảng)
    sent_on = models.DateField("ngày giới thiệu đi", null=True, blank=True)
    letter_number = models.CharField("số giấy giới thiệu", max_length=64, blank=True)
    issued_by = models.CharField("cơ quan cấp giấy", max_length=255, blank=True)
    dues_paid_through = models.CharField("đã đóng đảng phí hết tháng", max_length=7, blank=True)
    present_due = models.DateField("hạn xuất trình nơi đến", null=True, blank=True)
    # A lost or damaged letter issued again by the issuing body: the old one is
    # void (kept in the register), the new one has its own number and date, and
    # the presentation deadline runs from it. The member left on `sent_on`.
    reissued_on = models.DateField("ngày cấp lại giấy giới thiệu", null=True, blank=True)
    reissue_reason = models.CharField(
        "lý do cấp lại", max_length=8, choices=ReissueReason.choices, blank=True
    )
    reissue_note = models.CharField("ghi chú cấp lại", max_length=255, blank=True)

    # The receiving side (R2.6: the dossier checked against its list)
    received_on = models.DateField("ngày tiếp nhận", null=True, blank=True)
    dossier_checked = models.BooleanField("đã đối chiếu hồ sơ với danh mục", default=False)
    dossier_note = models.CharField("ghi chú hồ sơ", max_length=255, blank=True)
    late_reason = models.CharField("lý do xuất trình chậm", max_length=255, blank=True)
    returned_on = models.DateField("ngày trở về", null=True, blank=True)
    cancelled_reason = models.CharField("lý do hủy", max_length=255, blank=True)

    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "chuyển sinh hoạt đảng"
        verbose_name_plural = "chuyển sinh hoạt đảng"
        indexes = [
            models.Index(
                fields=["from_path", "status"],
                name="transfer_from_status",
                opclasses=["varchar_pattern_ops", ""],
            ),
            models.Index(
                fields=["to_path", "status"],
                name="transfer_to_status",
                opclasses=["varchar_pattern_ops", ""],
            ),
        ]
        constraints = [
            # One open transfer per member at a time.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["opened", "sent"]),
                name="transfer_one_open_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"Chuyển sinh hoạt {self.get_kind_display().lower()}: {self.member}"

    @property
    def destination(self) -> str:
        return self.to_organization.name if self.to_organization else self.to_outside

    @property
    def origin(self) -> str:
        return self.from_organization.name if self.from_organization else self.from_outside

    @property
    def letter_date(self):
        """The date of the letter in force (the re-issued one, else the first)."""
        return self.reissued_on or self.sent_on

    @property
    def is_open(self) -> bool:
        return self.status in (TransferStatus.OPENED, TransferStatus.SENT) or (
            self.kind == TransferKind.TEMPORARY and self.status == TransferStatus.RECEIVED
        )


class RemovalKind(models.TextChoices):
    NAME_DELETION = "name_deletion", "Xóa tên"
    VOLUNTARY_EXIT = "voluntary_exit", "Xin ra khỏi Đảng"
    EXPULSION = "expulsion", "Khai trừ"
    DEATH = "death", "Từ trần"


class RemovalCause(models.TextChoices):
    """R4.1 (Điều lệ Đảng Điều 8 khoản 1) and R1.13 (probation not passed)."""

    MISSED_ACTIVITY = "missed_activity", "Bỏ sinh hoạt đảng 3 tháng trong năm không lý do"
    UNPAID_DUES = "unpaid_dues", "Không đóng đảng phí 3 tháng trong năm không lý do"
    RETURNED_CARD = "returned_card", "Tự ý trả thẻ đảng viên hoặc tự hủy thẻ"
    NO_PROGRESS = "no_progress", "Không tiến bộ 12 tháng sau khi chi bộ giáo dục"
    BREACH_TWO_YEARS = "breach_two_years", "Vi phạm tư cách đảng viên 2 năm liền"
    POLITICAL_STANDARDS = "political_standards", "Không bảo đảm tiêu chuẩn chính trị"
    PROBATION_NOT_PASSED = "probation_not_passed", "Hết dự bị không đủ điều kiện công nhận"


class RemovalStatus(models.TextChoices):
    PROPOSED = "proposed", "Chi bộ đã đề nghị, chờ quyết định"
    DECIDED = "decided", "Đã quyết định"
    REJECTED = "rejected", "Không được chấp thuận"
    FAILED_VOTE = "failed_vote", "Chi bộ biểu quyết không đủ tỷ lệ tán thành"


class Removal(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="removals")
    kind = models.CharField("hình thức", max_length=16, choices=RemovalKind.choices)
    cause = models.CharField(
        "căn cứ xóa tên", max_length=24, choices=RemovalCause.choices, blank=True
    )
    # Evidence for the cause: the months missed, the education date, the years.
    evidence_months = models.JSONField("các tháng vi phạm", default=list, blank=True)
    educated_on = models.DateField("ngày chi bộ giáo dục", null=True, blank=True)
    breach_years = models.JSONField("các năm vi phạm", default=list, blank=True)
    details = models.TextField("nội dung, lý do", blank=True)

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ"
    )
    org_path = models.CharField(max_length=255)
    # The cell's resolution
    meeting_on = models.DateField("ngày chi bộ họp xét", null=True, blank=True)
    official_members = models.PositiveIntegerField("số đảng viên chính thức", null=True, blank=True)
    # R1.8a: the base of the vote and who was present (members.rules.VoteBase.roll).
    vote_base = models.PositiveIntegerField(
        "số đảng viên được tính biểu quyết", null=True, blank=True
    )
    present_count = models.PositiveIntegerField(
        "số đảng viên chính thức có mặt", null=True, blank=True
    )
    roll = models.JSONField("danh sách có mặt, được tính", default=list, blank=True)
    votes_for = models.PositiveIntegerField("số tán thành", null=True, blank=True)
    resolution_number = models.CharField("số nghị quyết chi bộ", max_length=64, blank=True)
    # The decision
    decided_by = models.CharField("cấp ủy quyết định", max_length=255, blank=True)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    effective_date = models.DateField("ngày có hiệu lực", null=True, blank=True)
    status = models.CharField(
        "tình trạng", max_length=12, choices=RemovalStatus.choices, default=RemovalStatus.PROPOSED
    )
    event = models.ForeignKey(
        "members.MembershipEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đưa ra khỏi Đảng"
        verbose_name_plural = "đưa ra khỏi Đảng"
        indexes = [
            models.Index(
                fields=["org_path", "status"],
                name="removal_path_status",
                opclasses=["varchar_pattern_ops", ""],
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="proposed"),
                name="removal_one_open_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"

    @property
    def base(self) -> int | None:
        """The denominator the vote was judged on (older rows: all official members)."""
        return self.official_members if self.vote_base is None else self.vote_base
