"""The tree of party organisations, kept as a materialised path.

`path` is a string of fixed-width steps (4 base-36 characters a level), so
"everything under X" is one indexed prefix query: path LIKE 'X.path%'.
Renames, moves, mergers and dissolutions are dated OrganizationEvent rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from dangvien.places.models import Commune, Province

STEP_LEN = 4


class Level(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCIAL = "provincial", "Đảng bộ tỉnh, thành phố"
    SUPERIOR = "superior", "Cấp ủy cấp trên trực tiếp cơ sở"
    GRASSROOTS_COMMITTEE = "grassroots_committee", "Đảng bộ cơ sở"
    PARTIAL_COMMITTEE = "partial_committee", "Đảng bộ bộ phận"
    GRASSROOTS_CELL = "grassroots_cell", "Chi bộ cơ sở"
    CELL = "cell", "Chi bộ trực thuộc"
    PARTY_GROUP = "party_group", "Tổ đảng"


# Levels that hold members directly (the member's own organisation).
MEMBER_HOLDING_LEVELS = {Level.GRASSROOTS_CELL, Level.CELL, Level.PARTY_GROUP}


class UnitType(models.TextChoices):
    COMMUNE = "commune", "Xã"
    WARD = "ward", "Phường"
    AGENCY = "agency", "Cơ quan"
    ENTERPRISE = "enterprise", "Doanh nghiệp"
    SCHOOL = "school", "Trường học"
    ARMED_FORCES = "armed_forces", "Lực lượng vũ trang"
    OTHER = "other", "Khác"


class MeetingRule(models.TextChoices):
    NONE = "", "Chưa quy định"
    DAY_OF_MONTH = "day_of_month", "Ngày cố định trong tháng"
    WEEKDAY_OF_FIRST_WEEK = "weekday_first_week", "Thứ cố định của tuần đầu tháng"


WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class Organization(models.Model):
    path = models.CharField("đường dẫn", max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField("cấp")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên đầy đủ", max_length=255)
    document_name = models.CharField("tên trên văn bản", max_length=255)
    level = models.CharField("loại tổ chức", max_length=32, choices=Level.choices)
    unit_type = models.CharField(
        "loại hình", max_length=16, choices=UnitType.choices, default=UnitType.OTHER
    )
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, verbose_name="tỉnh, thành phố"
    )
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, verbose_name="xã, phường"
    )
    meeting_rule = models.CharField(
        "quy định ngày sinh hoạt",
        max_length=24,
        choices=MeetingRule.choices,
        default=MeetingRule.NONE,
        blank=True,
    )
    meeting_day = models.PositiveSmallIntegerField(
        "ngày sinh hoạt",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    meeting_weekday = models.PositiveSmallIntegerField(
        "thứ sinh hoạt (0 = thứ Hai)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(6)],
    )
    valid_from = models.DateField("hiệu lực từ")
    valid_to = models.DateField("hết hiệu lực", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["path", "depth"])

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]
        indexes = [
            # Prefix (LIKE 'x%') scans on PostgreSQL need the pattern opclass.
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "path"], name="org_parent_path"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    @property
    def holds_members(self) -> bool:
        return self.level in MEMBER_HOLDING_LEVELS

    @property
    def meeting_rule_text(self) -> str:
        """The meeting-day rule as said in Vietnamese: "Ngày 7 hằng tháng"."""
        if self.meeting_rule == MeetingRule.DAY_OF_MONTH and self.meeting_day:
            return f"Ngày {self.meeting_day} hằng tháng"
        if (
            self.meeting_rule == MeetingRule.WEEKDAY_OF_FIRST_WEEK
            and self.meeting_weekday is not None
        ):
            return f"{WEEKDAYS[self.meeting_weekday % 7]} tuần đầu tháng"
        return ""

    def is_descendant_of(self, other: Organization) -> bool:
        return self.path.startswith(other.path)


class OrganizationEventKind(models.TextChoices):
    CREATED = "created", "Thành lập"
    RENAMED = "renamed", "Đổi tên"
    MOVED = "moved", "Chuyển trực thuộc"
    MERGED = "merged", "Hợp nhất, sáp nhập"
    DISSOLVED = "dissolved", "Giải thể"


class OrganizationEvent(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("sự kiện", max_length=16, choices=OrganizationEventKind.choices)
    date = models.DateField("ngày hiệu lực")
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    before = models.JSONField("trước", default=dict, blank=True)
    after = models.JSONField("sau", default=dict, blank=True)
    related = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức liên quan",
    )
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện tổ chức"
        verbose_name_plural = "sự kiện tổ chức"
        ordering = ["organization", "date", "id"]
        indexes = [models.Index(fields=["organization", "date"], name="orgevent_org_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class CommitteePostKind(models.TextChoices):
    """The posts of an organisation's committee (domain.md: secretary, deputy
    secretary, committee member; standing committee; the organisation board)."""

    SECRETARY = "secretary", "Bí thư"
    DEPUTY_SECRETARY = "deputy_secretary", "Phó Bí thư"
    STANDING_MEMBER = "standing_member", "Ủy viên Ban Thường vụ"
    COMMITTEE_MEMBER = "committee_member", "Cấp ủy viên"
    BOARD_HEAD = "board_head", "Trưởng Ban Tổ chức"
    BOARD_DEPUTY = "board_deputy", "Phó Trưởng Ban Tổ chức"


class CommitteePost(models.Model):
    """Who holds a post of an organisation, from `starts_on` to `ends_on`
    (both days included; open while `ends_on` is empty). A row recorded by
    mistake is voided with a reason, never deleted; edits keep their history."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="committee_posts",
        verbose_name="tổ chức",
    )
    kind = models.CharField("chức vụ", max_length=24, choices=CommitteePostKind.choices)
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_posts",
        verbose_name="đảng viên",
    )
    # The name as printed under the signature: the member's name when recorded,
    # or the name of someone whose record is kept elsewhere.
    name = models.CharField("họ và tên", max_length=120)
    rank = models.PositiveSmallIntegerField("thứ tự", default=1)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    voided = models.BooleanField("đã hủy", default=False)
    void_reason = models.CharField("lý do hủy", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chức vụ trong cấp ủy"
        verbose_name_plural = "chức vụ trong cấp ủy"
        ordering = ["organization", "kind", "rank", "-starts_on", "id"]
        indexes = [models.Index(fields=["organization", "kind", "starts_on"], name="post_org_kind")]

    def __str__(self) -> str:
        until = f" đến {self.ends_on:%d/%m/%Y}" if self.ends_on else ""
        return f"{self.get_kind_display()}: {self.name} (từ {self.starts_on:%d/%m/%Y}{until})"

    def holds_on(self, day) -> bool:
        return (
            not self.voided
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )
