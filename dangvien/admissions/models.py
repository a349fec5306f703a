"""Candidates, admission files and their steps, recognition files, cell votes.

A file's `stage` says where it stands; the allowed steps from each stage are one
table (`workflow.ADMISSION`, `workflow.RECOGNITION`), checked in one place. Each step stamps who did it
and when; the open-cases table (compliance.Case) says what comes next.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from dangvien.members.models import Gender, Member
from dangvien.organizations.models import Organization

from .rules import LeavingCategory


def _user_fk() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )


class FileKind(models.TextChoices):
    ADMISSION = "admission", "Kết nạp"
    READMISSION = "readmission", "Kết nạp lại"


class Stage(models.TextChoices):
    OPENED = "opened", "Đã mở hồ sơ"
    DOSSIER_COMPLETE = "dossier_complete", "Hồ sơ đầy đủ, chờ chi bộ xét"
    CELL_AGREED = "cell_agreed", "Chi bộ đã đề nghị"
    ESCALATED = "escalated", "Chờ cấp ủy cấp trên xem xét (chi bộ biểu quyết nhiều lần không đạt)"
    GRASSROOTS_AGREED = "grassroots_agreed", "Đảng ủy cơ sở đã đề nghị"
    DECIDED = "decided", "Đã có quyết định kết nạp"
    ADMITTED = "admitted", "Đã kết nạp"
    REFUSED = "refused", "Không kết nạp"


OPEN_STAGES = (
    Stage.OPENED,
    Stage.DOSSIER_COMPLETE,
    Stage.CELL_AGREED,
    Stage.ESCALATED,
    Stage.GRASSROOTS_AGREED,
    Stage.DECIDED,
)


class IntroductionKind(models.TextChoices):
    TWO_MEMBERS = "two_members", "Hai đảng viên chính thức"
    YOUTH_UNION = "youth_union", "Nghị quyết Đoàn TNCS Hồ Chí Minh và một đảng viên"
    TRADE_UNION = "trade_union", "Nghị quyết Công đoàn cơ sở và một đảng viên"


class Candidate(models.Model):
    """A person considered for admission (quần chúng ưu tú), or a former member
    applying for readmission (then `former_member` is set)."""

    family_name = models.CharField("họ", max_length=40)
    middle_name = models.CharField("tên đệm", max_length=60, blank=True)
    given_name = models.CharField("tên", max_length=40)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    # R1.3: lower-secondary (THCS) or higher; exceptions for listed areas.
    education_level = models.CharField("trình độ giáo dục phổ thông", max_length=40)
    meets_education = models.BooleanField("đạt chuẩn tốt nghiệp THCS trở lên", default=True)
    education_exception = models.CharField(
        "trường hợp đặc biệt về trình độ (vùng, đối tượng, văn bản)", max_length=255, blank=True
    )
    former_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đảng viên cũ (kết nạp lại)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quần chúng ưu tú"
        verbose_name_plural = "quần chúng ưu tú"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)


class AdmissionFile(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("loại", max_length=16, choices=FileKind.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ xét"
    )
    org_path = models.CharField(max_length=255)
    stage = models.CharField("bước", max_length=24, choices=Stage.choices, default=Stage.OPENED)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Opening: the application and the awareness course (R1.4)
    application_date = models.DateField("ngày làm đơn xin vào Đảng")
    certificate_number = models.CharField("số giấy chứng nhận lớp nhận thức", max_length=64)
    certificate_date = models.DateField("ngày cấp giấy chứng nhận")
    opened_on = models.DateField("ngày mở hồ sơ")

    # Readmission (R1.12)
    leaving_category = models.CharField(
        "lý do đã ra khỏi Đảng",
        max_length=24,
        choices=LeavingCategory.CHOICES,
        blank=True,
    )
    readmission_approval = models.CharField(
        "văn bản đồng ý của ban thường vụ tỉnh ủy (kết nạp lại)", max_length=255, blank=True
    )

    # Dossier (R1.4, R1.5, R1.7); renewed when the file goes stale (R1.6)
    dossier_on = models.DateField("ngày hồ sơ đầy đủ", null=True, blank=True)
    renewed_on = models.DateField("ngày làm lại hồ sơ", null=True, blank=True)
    cv_verified_on = models.DateField("ngày thẩm tra lý lịch", null=True, blank=True)
    cv_verified_by = models.CharField("người, nơi thẩm tra lý lịch", max_length=255, blank=True)
    introduction_kind = models.CharField(
        "hình thức giới thiệu", max_length=16, choices=IntroductionKind.choices, blank=True
    )
    introducer_1 = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="người giới thiệu thứ nhất",
    )
    introducer_1_since = models.DateField("công tác cùng từ ngày", null=True, blank=True)
    introducer_2 = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="người giới thiệu thứ hai",
    )
    introducer_2_since = models.DateField("công tác cùng từ ngày", null=True, blank=True)
    union_resolution = models.CharField(
        "nghị quyết giới thiệu của Đoàn / Công đoàn (số, ngày)", max_length=255, blank=True
    )
    residence_comment = models.CharField(
        "nhận xét của chi ủy nơi cư trú", max_length=255, blank=True
    )
    mass_org_comment = models.CharField(
        "nhận xét của đoàn thể chính trị - xã hội", max_length=255, blank=True
    )
    age_exception = models.CharField(
        "văn bản đồng ý kết nạp trên 60 tuổi (R1.2)", max_length=255, blank=True
    )

    # Cell resolution (R1.8)
    cell_resolution_date = models.DateField("ngày nghị quyết chi bộ", null=True, blank=True)
    cell_resolution_number = models.CharField("số nghị quyết chi bộ", max_length=64, blank=True)

    # Higher committee after 3 failed votes (R1.8)
    escalation_date = models.DateField("ngày cấp trên kết luận", null=True, blank=True)
    escalation_note = models.CharField("kết luận của cấp trên", max_length=255, blank=True)

    # Grassroots committee resolution
    grassroots_resolution_date = models.DateField(
        "ngày nghị quyết đảng ủy cơ sở", null=True, blank=True
    )
    grassroots_resolution_number = models.CharField(
        "số nghị quyết đảng ủy cơ sở", max_length=64, blank=True
    )

    # Decision (R1.9, R1.10)
    extension_days = models.PositiveSmallIntegerField("gia hạn (ngày làm việc)", default=0)
    extension_reason = models.CharField("lý do gia hạn", max_length=255, blank=True)
    decision_date = models.DateField("ngày quyết định kết nạp", null=True, blank=True)
    decision_number = models.CharField("số quyết định kết nạp", max_length=64, blank=True)
    decided_by = models.CharField("cấp ủy quyết định", max_length=255, blank=True)
    decision_received_on = models.DateField("ngày chi bộ nhận quyết định", null=True, blank=True)

    # Ceremony (R1.11)
    ceremony_date = models.DateField("ngày lễ kết nạp", null=True, blank=True)
    ceremony_late_consent = models.CharField(
        "văn bản đồng ý tổ chức lễ quá hạn của cấp ủy cấp trên", max_length=255, blank=True
    )

    closed_on = models.DateField("ngày đóng hồ sơ", null=True, blank=True)
    closed_reason = models.CharField("lý do đóng", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ kết nạp"
        verbose_name_plural = "hồ sơ kết nạp"
        indexes = [
            models.Index(
                fields=["org_path", "id"],
                name="admission_path",
                opclasses=["varchar_pattern_ops", ""],
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.candidate}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class RecognitionStage(models.TextChoices):
    OPENED = "opened", "Chờ chi bộ xét"
    CELL_AGREED = "cell_agreed", "Chi bộ đã đề nghị"
    ESCALATED = "escalated", "Chờ cấp ủy cấp trên xem xét (chi bộ biểu quyết nhiều lần không đạt)"
    GRASSROOTS_AGREED = "grassroots_agreed", "Đảng ủy cơ sở đã đề nghị"
    RECOGNISED = "recognised", "Đã công nhận chính thức"
    NAME_DELETED = "name_deleted", "Đã xóa tên"


RECOGNITION_OPEN_STAGES = (
    RecognitionStage.OPENED,
    RecognitionStage.CELL_AGREED,
    RecognitionStage.ESCALATED,
    RecognitionStage.GRASSROOTS_AGREED,
)


class Proposal(models.TextChoices):
    RECOGNISE = "recognise", "Công nhận đảng viên chính thức"
    DELETE = "delete", "Xóa tên (không đủ tư cách)"


class RecognitionFile(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    admission = models.ForeignKey(
        AdmissionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    probation_start = models.DateField("ngày vào Đảng (bắt đầu dự bị)")
    probation_end = models.DateField("ngày hết dự bị")
    stage = models.CharField(
        "bước", max_length=24, choices=RecognitionStage.choices, default=RecognitionStage.OPENED
    )
    proposal = models.CharField("đề nghị", max_length=16, choices=Proposal.choices, blank=True)
    opened_on = models.DateField("ngày mở hồ sơ")

    cell_resolution_date = models.DateField("ngày nghị quyết chi bộ", null=True, blank=True)
    cell_resolution_number = models.CharField("số nghị quyết chi bộ", max_length=64, blank=True)
    considered_late = models.BooleanField("chi bộ xét quá hạn", default=False)

    escalation_date = models.DateField("ngày cấp trên kết luận", null=True, blank=True)
    escalation_note = models.CharField("kết luận của cấp trên", max_length=255, blank=True)

    grassroots_resolution_date = models.DateField(
        "ngày nghị quyết đảng ủy cơ sở", null=True, blank=True
    )
    grassroots_resolution_number = models.CharField(
        "số nghị quyết đảng ủy cơ sở", max_length=64, blank=True
    )

    extension_days = models.PositiveSmallIntegerField("gia hạn (ngày làm việc)", default=0)
    extension_reason = models.CharField("lý do gia hạn", max_length=255, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decided_by = models.CharField("cấp ủy quyết định", max_length=255, blank=True)
    deletion_reason = models.CharField("lý do xóa tên", max_length=255, blank=True)

    closed_on = models.DateField("ngày đóng hồ sơ", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ công nhận đảng viên chính thức"
        verbose_name_plural = "hồ sơ công nhận đảng viên chính thức"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "probation_start"], name="recognition_member_probation_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["org_path", "id"],
                name="recognition_path",
                opclasses=["varchar_pattern_ops", ""],
            )
        ]

    def __str__(self) -> str:
        return f"Công nhận chính thức: {self.member}"

    @property
    def is_open(self) -> bool:
        return self.stage in RECOGNITION_OPEN_STAGES


class CellVote(models.Model):
    """One vote of the cell on a file (R1.8): the base is the cell's official
    members on the meeting date, counted from the membership events, less those
    R1.8a leaves out (exempted and absent, temporarily attached elsewhere);
    `roll` keeps who was present and who was counted (members.rules.VoteBase.roll)."""

    admission = models.ForeignKey(
        AdmissionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    recognition = models.ForeignKey(
        RecognitionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    round = models.PositiveSmallIntegerField("lần")
    meeting_date = models.DateField("ngày họp chi bộ")
    proposal = models.CharField("nội dung", max_length=16, choices=Proposal.choices, blank=True)
    official_members = models.PositiveIntegerField("số đảng viên chính thức")
    vote_base = models.PositiveIntegerField(
        "số đảng viên được tính biểu quyết", null=True, blank=True
    )
    present_count = models.PositiveIntegerField(
        "số đảng viên chính thức có mặt", null=True, blank=True
    )
    roll = models.JSONField("danh sách có mặt, được tính", default=list, blank=True)
    votes_for = models.PositiveIntegerField("số tán thành")
    passed = models.BooleanField("đạt")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "biểu quyết của chi bộ"
        verbose_name_plural = "biểu quyết của chi bộ"
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"Lần {self.round}: {self.votes_for}/{self.base}"

    @property
    def base(self) -> int:
        """The denominator the vote was judged on (older votes: all official members)."""
        return self.official_members if self.vote_base is None else self.vote_base


class StepLog(models.Model):
    """Who did which step of a file, on which date, and when it was recorded."""

    admission = models.ForeignKey(
        AdmissionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="log"
    )
    recognition = models.ForeignKey(
        RecognitionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="log"
    )
    step = models.CharField("bước", max_length=24)
    label = models.CharField("nội dung", max_length=255)
    date = models.DateField("ngày")
    actor = _user_fk()
    recorded_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        verbose_name = "bước đã làm"
        verbose_name_plural = "các bước đã làm"
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.date:%d/%m/%Y})"


class AdmissionTarget(models.Model):
    """The yearly admission target (chỉ tiêu kết nạp đảng viên) of an
    organisation: how many new members its subtree is to admit in `year`, as
    its resolution or the committee above gave it (domain.md item 9; grading
    of the organisation reads it). One row an organisation and year; a change
    rewrites it and the history keeps the earlier figure, who and when."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức đảng"
    )
    year = models.PositiveSmallIntegerField("năm")
    count = models.PositiveIntegerField("số đảng viên kết nạp theo chỉ tiêu")
    decision = models.CharField("văn bản giao chỉ tiêu", max_length=255, blank=True)
    set_on = models.DateField("ngày giao")
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "chỉ tiêu kết nạp đảng viên"
        verbose_name_plural = "chỉ tiêu kết nạp đảng viên"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="admission_target_org_year"
            )
        ]
        indexes = [models.Index(fields=["year", "organization"], name="admission_target_year")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}: {self.count}"
