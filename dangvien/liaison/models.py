"""Exemption, reduction and temporary exemption from party activity (§3), members
working away from home (seeds 000, 001, 004) and the residence liaison of
working members (QĐ 213-QĐ/TW).

Each file is a status field moved only by the services (the allowed steps are
one table in services.py); rows are never deleted. Records people edit keep
their history (django-simple-history).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangvien.members.models import Member
from dangvien.organizations.models import Organization
from dangvien.places.models import Commune, Province

from .rules import Exemption213

if TYPE_CHECKING:
    from .selectors import Household


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


def _org_fk(label: str, *, null: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        Organization,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=label,
    )


# --- Exemption ---------------------------------------------------------------


class ExemptionKind(models.TextChoices):
    EXEMPTION = "exemption", "Miễn công tác và sinh hoạt đảng"
    REDUCTION = "reduction", "Giảm công tác và sinh hoạt đảng"
    TEMPORARY = "temporary", "Tạm miễn công tác và sinh hoạt đảng"


class ExemptionGround(models.TextChoices):
    OLD_AGE = "old_age", "Tuổi cao"
    POOR_HEALTH = "poor_health", "Sức khỏe yếu, điều trị dài ngày"
    WORKING_AWAY = "working_away", "Đi làm ăn xa nơi cư trú"
    ON_THE_MOVE = "on_the_move", "Làm việc lưu động, không ổn định"
    NO_PARTY_ORG = "no_party_org", "Nơi làm việc chưa có tổ chức đảng"
    VISITING = "visiting", "Đi thăm thân từ 3 tháng trở lên"
    OTHER = "other", "Trường hợp khác"


class ExemptionStatus(models.TextChoices):
    APPLIED = "applied", "Có đơn, chờ chi bộ xét"
    REFUSED = "refused", "Chi bộ không đồng ý"
    DECIDED = "decided", "Chi bộ đã ra nghị quyết, chờ báo cáo cấp trên"
    IN_FORCE = "in_force", "Đang miễn, giảm (đã báo cáo cấp trên)"
    RETURN_APPLIED = "return_applied", "Có đơn xin trở lại sinh hoạt"
    RETURNED = "returned", "Đã trở lại sinh hoạt"
    # The membership ended (death, name deletion, exit, expulsion): closed by
    # movements.endings, with the date and the reason.
    ENDED = "ended", "Đã kết thúc (đảng viên ra khỏi Đảng, từ trần)"


EXEMPTION_OPEN = (
    ExemptionStatus.APPLIED,
    ExemptionStatus.DECIDED,
    ExemptionStatus.IN_FORCE,
    ExemptionStatus.RETURN_APPLIED,
)


class Exemption(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="exemptions", verbose_name="đảng viên"
    )
    organization = _org_fk("chi bộ")
    kind = models.CharField("hình thức", max_length=12, choices=ExemptionKind.choices)
    ground = models.CharField("lý do (diện)", max_length=16, choices=ExemptionGround.choices)
    reason = models.TextField("nội dung đơn", blank=True)
    # R3.1, R3.2: for old age (and weak health) the member cannot take part in
    # work and activity; old age alone does not entitle (BTCTW).
    inability = models.TextField(
        "tình trạng không thể tham gia công tác, sinh hoạt đảng", blank=True
    )
    treatment_months = models.PositiveSmallIntegerField(
        "thời gian điều trị (tháng)", null=True, blank=True
    )
    applied_on = models.DateField("ngày làm đơn")
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    status = models.CharField(
        "tình trạng", max_length=16, choices=ExemptionStatus.choices, default="applied"
    )
    decided_on = models.DateField("ngày chi bộ quyết định", null=True, blank=True)
    resolution_number = models.CharField("số nghị quyết", max_length=64, blank=True)
    refusal_reason = models.CharField("lý do không đồng ý", max_length=255, blank=True)
    reported_on = models.DateField("ngày báo cáo cấp ủy cấp trên", null=True, blank=True)
    reported_to = models.CharField("cấp ủy được báo cáo", max_length=255, blank=True)
    return_applied_on = models.DateField("ngày làm đơn trở lại sinh hoạt", null=True, blank=True)
    returned_on = models.DateField("ngày trở lại sinh hoạt", null=True, blank=True)
    return_resolution_number = models.CharField(
        "số nghị quyết cho trở lại", max_length=64, blank=True
    )
    ended_on = models.DateField("ngày kết thúc", null=True, blank=True)
    end_reason = models.CharField("lý do kết thúc", max_length=255, blank=True)
    working_away = models.ForeignKey(
        "WorkingAway",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exemptions",
        verbose_name="hồ sơ đi làm ăn xa",
    )
    resolution_document_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    # Set by selectors.exemption_lists for the list page (no column).
    overdue: bool

    class Meta:
        verbose_name = "miễn, giảm sinh hoạt"
        verbose_name_plural = "miễn, giảm sinh hoạt"
        ordering = ["-applied_on", "-id"]
        constraints = [
            # One open exemption (or reduction) per member.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=EXEMPTION_OPEN),
                name="exemption_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"

    @property
    def is_open(self) -> bool:
        return self.status in EXEMPTION_OPEN


# --- Working away ------------------------------------------------------------


class WorkingAwayStatus(models.TextChoices):
    REPORTED = "reported", "Đã có đơn báo cáo, chờ chi bộ xem xét"
    REVIEWED = "reviewed", "Đang đi làm ăn xa (chi bộ đã xem xét, báo cáo đảng ủy)"
    ENDED = "ended", "Đã trở về, kết thúc theo dõi"


class HostKind(models.TextChoices):
    PARTY = "party", "Tổ chức đảng nơi đến"
    AUTHORITY = "authority", "Chính quyền địa phương nơi đến"


class WorkingAway(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="working_away", verbose_name="đảng viên"
    )
    organization = _org_fk("chi bộ")
    reported_on = models.DateField("ngày đơn báo cáo")
    left_on = models.DateField("ngày đi", null=True, blank=True)
    expected_return = models.DateField("dự kiến trở về", null=True, blank=True)
    report_text = models.TextField("nội dung đơn báo cáo", blank=True)
    status = models.CharField(
        "tình trạng", max_length=12, choices=WorkingAwayStatus.choices, default="reported"
    )
    reviewed_on = models.DateField("ngày chi bộ xem xét", null=True, blank=True)
    review_note = models.TextField("ý kiến chi bộ", blank=True)
    committee_reported_on = models.DateField("ngày báo cáo đảng ủy cơ sở", null=True, blank=True)
    # The registered destination (seed 000: "đăng ký cụ thể nơi đến").
    dest_province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="nơi đến (tỉnh)",
    )
    dest_commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="nơi đến (xã, phường)",
    )
    dest_address = models.CharField("địa chỉ tạm trú", max_length=255, blank=True)
    employer = models.CharField("nơi làm việc", max_length=255, blank=True)
    host_kind = models.CharField(
        "nơi nhận xét", max_length=12, choices=HostKind.choices, blank=True
    )
    host_name = models.CharField(
        "tên tổ chức đảng / chính quyền nơi đến", max_length=255, blank=True
    )
    host_contact_name = models.CharField("người liên hệ", max_length=120, blank=True)
    host_contact_phone = models.CharField("điện thoại liên hệ", max_length=20, blank=True)
    destination_registered_on = models.DateField("ngày đăng ký nơi đến", null=True, blank=True)
    ended_on = models.DateField("ngày trở về", null=True, blank=True)
    end_note = models.CharField("ghi chú khi kết thúc", max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    # Set by selectors.working_away_summary for the list page (no columns).
    last_news: dt.date
    silent: bool

    class Meta:
        verbose_name = "đảng viên đi làm ăn xa"
        verbose_name_plural = "đảng viên đi làm ăn xa"
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=~Q(status="ended"),
                name="working_away_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"Đi làm ăn xa: {self.member}"

    @property
    def is_open(self) -> bool:
        return self.status != WorkingAwayStatus.ENDED

    @property
    def registered(self) -> bool:
        """A destination was registered (a lodging address at least)."""
        return self.destination_registered_on is not None

    @property
    def declared(self) -> bool:
        """Declared where they work: a destination registered with the workplace or
        employer (issue 9 item 16: a lodging address alone is not a declaration
        of where the member works; seed 001 counts members who have not
        declared their workplace or employer)."""
        return self.registered and bool((self.employer or "").strip())

    @property
    def destination_label(self) -> str:
        """Workplace, lodging address, commune, province: what was registered."""
        if not self.registered:
            return ""
        parts = [self.employer, self.dest_address]
        parts += [place.name for place in (self.dest_commune, self.dest_province) if place]
        return ", ".join(part for part in parts if part)


class ContactKind(models.TextChoices):
    NEWS = "news", "Chi bộ thông báo tình hình, hoạt động"
    REMINDER = "reminder", "Chi bộ nhắc nhở"
    REPORT = "report", "Đảng viên báo cáo"
    CONTRIBUTION = "contribution", "Đảng viên đóng góp"
    DUES = "dues", "Đảng viên đóng đảng phí"


class Direction(models.TextChoices):
    OUT = "out", "Chi bộ → đảng viên"
    IN = "in", "Đảng viên → chi bộ"


CONTACT_DIRECTION = {
    ContactKind.NEWS: Direction.OUT,
    ContactKind.REMINDER: Direction.OUT,
    ContactKind.REPORT: Direction.IN,
    ContactKind.CONTRIBUTION: Direction.IN,
    ContactKind.DUES: Direction.IN,
}


class WorkingAwayContact(models.Model):
    """One contact either way (append-only: a wrong row is answered by a new one)."""

    working_away = models.ForeignKey(WorkingAway, on_delete=models.PROTECT, related_name="contacts")
    date = models.DateField("ngày")
    kind = models.CharField("nội dung", max_length=12, choices=ContactKind.choices)
    direction = models.CharField("chiều", max_length=3, choices=Direction.choices)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    amount = models.PositiveBigIntegerField("số tiền (đồng)", null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "liên hệ"
        verbose_name_plural = "liên hệ hai chiều"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["working_away", "direction", "date"], name="wa_contact")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class WorkingAwayYearReview(models.Model):
    """The year-end self-review with the comment of the host organisation."""

    working_away = models.ForeignKey(
        WorkingAway, on_delete=models.PROTECT, related_name="year_reviews"
    )
    year = models.PositiveSmallIntegerField("năm")
    received_on = models.DateField("ngày chi bộ nhận")
    self_review = models.TextField("bản tự kiểm điểm (tóm tắt)")
    host_comment = models.TextField("nhận xét của nơi đến", blank=True)
    host_commenter = models.CharField("người, cơ quan nhận xét", max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bản tự kiểm điểm cuối năm"
        verbose_name_plural = "bản tự kiểm điểm cuối năm"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["working_away", "year"], name="wa_review_one_a_year")
        ]

    def __str__(self) -> str:
        return f"Tự kiểm điểm năm {self.year}"


# --- Residence liaison (QĐ 213-QĐ/TW) -----------------------------------------


class ResidenceCategory(models.TextChoices):
    NONE = Exemption213.NONE, "Sinh hoạt, nhận xét bình thường"
    BARRACKS = Exemption213.BARRACKS, "Quân đội, Công an ở trong doanh trại"
    MOBILE = Exemption213.MOBILE, "Làm việc lưu động, luân chuyển ở nhà công vụ"
    FULL_TIME_STUDY = Exemption213.FULL_TIME_STUDY, "Đi học tập trung 12 tháng trong năm"
    STUDENT_AWAY = Exemption213.STUDENT_AWAY, "Sinh viên học xa nhà"
    SPECIAL_DUTY = Exemption213.SPECIAL_DUTY, "Lực lượng làm nhiệm vụ đặc biệt (không giới thiệu)"


class ResidenceStatus(models.TextChoices):
    NOT_INTRODUCED = "not_introduced", "Không giới thiệu (HD 33 mục 1.2)"
    INTRODUCED = "introduced", "Đã giới thiệu, chờ nơi cư trú tiếp nhận"
    RECEIVED = "received", "Đảng ủy nơi cư trú đã tiếp nhận, chờ chi bộ"
    ASSIGNED = "assigned", "Đang giữ mối liên hệ với chi bộ nơi cư trú"
    ENDED = "ended", "Đã kết thúc"


class ResidenceGroup(models.Model):
    """A group (tổ, nhóm) of working members in a residential cell, with its leader."""

    cell = _org_fk("chi bộ nơi cư trú")
    name = models.CharField("tên tổ, nhóm", max_length=120)
    leader = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ trưởng, nhóm trưởng",
    )
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tổ, nhóm đảng viên nơi cư trú"
        verbose_name_plural = "tổ, nhóm đảng viên nơi cư trú"
        ordering = ["cell", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "name"], name="residence_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class ResidenceLiaison(models.Model):
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="residence_liaisons",
        verbose_name="đảng viên",
    )
    workplace = _org_fk("chi bộ nơi công tác")
    category = models.CharField(
        "diện", max_length=16, choices=ResidenceCategory.choices, blank=True, default=""
    )
    status = models.CharField("tình trạng", max_length=16, choices=ResidenceStatus.choices)
    introduced_on = models.DateField("ngày giới thiệu", null=True, blank=True)
    letter_number = models.CharField("số giấy giới thiệu", max_length=64, blank=True)
    residence_province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="nơi cư trú (tỉnh)",
    )
    residence_commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="nơi cư trú (xã, phường)",
    )
    residence_address = models.CharField("địa chỉ cư trú", max_length=255, blank=True)
    residence_committee = _org_fk("đảng ủy xã, phường nơi cư trú", null=True)
    outside_committee = models.CharField(
        "đảng ủy nơi cư trú (ngoài hệ thống)", max_length=255, blank=True
    )
    received_on = models.DateField("ngày tiếp nhận", null=True, blank=True)
    residential_cell = _org_fk("chi bộ nơi cư trú", null=True)
    outside_cell = models.CharField(
        "chi bộ nơi cư trú (ngoài hệ thống)", max_length=255, blank=True
    )
    group = models.ForeignKey(
        ResidenceGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
        verbose_name="tổ, nhóm",
    )
    assigned_on = models.DateField("ngày chi bộ nhận vào danh sách", null=True, blank=True)
    # The residence side's subtree (cell when assigned, else committee), for scope.
    residence_path = models.CharField(max_length=255, blank=True, default="")
    ended_on = models.DateField("ngày kết thúc", null=True, blank=True)
    end_reason = models.CharField("lý do kết thúc", max_length=255, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    letter_document_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["residence_path"])

    class Meta:
        verbose_name = "giữ mối liên hệ nơi cư trú"
        verbose_name_plural = "giữ mối liên hệ nơi cư trú"
        ordering = ["-introduced_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=~Q(status="ended"), name="residence_one_open"
            )
        ]
        indexes = [
            models.Index(
                fields=["residence_path"],
                name="residence_path_prefix",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"Nơi cư trú: {self.member}"

    @property
    def is_outside(self) -> bool:
        return self.residence_committee_id is None

    # Names for lists and pages: the residence side may lie outside this
    # installation (no organisation, only the names its papers give).
    @property
    def committee_name(self) -> str:
        committee = self.residence_committee
        return committee.name if committee is not None else self.outside_committee

    @property
    def cell_name(self) -> str:
        cell = self.residential_cell
        return cell.name if cell is not None else self.outside_cell

    @property
    def residence_name(self) -> str:
        """The residential cell, else the committee (here or outside)."""
        return self.cell_name or self.committee_name


class ResidenceMeeting(models.Model):
    """A meeting of the residential cell with the working members (every 6 months)."""

    cell = _org_fk("chi bộ nơi cư trú")
    date = models.DateField("ngày gặp mặt")
    content = models.TextField("nội dung", blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    # Set by selectors.residence_cell_roster for the cell's page (no columns).
    present_count: int
    expected_count: int
    partial_households: list[Household]

    class Meta:
        verbose_name = "buổi gặp mặt nơi cư trú"
        verbose_name_plural = "buổi gặp mặt nơi cư trú"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Gặp mặt {self.date:%d/%m/%Y}"


class ResidenceAttendance(models.Model):
    meeting = models.ForeignKey(
        ResidenceMeeting, on_delete=models.PROTECT, related_name="attendance"
    )
    liaison = models.ForeignKey(
        ResidenceLiaison, on_delete=models.PROTECT, related_name="attendance"
    )
    present = models.BooleanField("có mặt")
    note = models.CharField("lý do vắng", max_length=255, blank=True)

    class Meta:
        verbose_name = "dự gặp mặt"
        verbose_name_plural = "dự gặp mặt"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "liaison"], name="residence_attendance_once")
        ]

    def __str__(self) -> str:
        return "có mặt" if self.present else "vắng"


class CommentPurpose(models.TextChoices):
    YEARLY = "yearly", "Nhận xét hằng năm"
    AD_HOC = "ad_hoc", "Nhận xét khi cần (nhân sự, khen thưởng, kỷ luật)"


class ResidenceComment(models.Model):
    """The residence cell's comment on a working member (QĐ 213 Điều 4; R8.4)."""

    liaison = models.ForeignKey(ResidenceLiaison, on_delete=models.PROTECT, related_name="comments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    purpose = models.CharField("loại", max_length=8, choices=CommentPurpose.choices)
    commented_on = models.DateField("ngày nhận xét")
    text = models.TextField("nội dung nhận xét")
    commenter = models.CharField("chi ủy, bí thư chi bộ nhận xét", max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhận xét của nơi cư trú"
        verbose_name_plural = "nhận xét của nơi cư trú"
        ordering = ["-year", "-commented_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(purpose="yearly"),
                name="residence_comment_one_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.year}: {self.member}"
