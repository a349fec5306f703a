"""Đánh giá, xếp loại chất lượng: the yearly review and grading of members and
of party organisations (regulations.md §6, addendum §1).

A committee opens a campaign for a year over its subtree; each member has a
review (the self-review on form 2A/2B/2C, the cell's proposal, the grade the
competent committee decides, the announcement); each cell a proposal; each
grassroots organisation a decision (where the cap on "excellent" is checked);
each party organisation its own grading (form 01). Rows move only through the
services (`workflow.GRADING`), are never deleted and keep their history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from dangvien.members.models import Member
from dangvien.organizations.models import Organization

from . import rules


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


def _org_fk(label: str, related: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name=related, verbose_name=label
    )


class GradeChoice(models.TextChoices):
    EXCELLENT = rules.Grade.EXCELLENT, rules.GRADE_LABELS[rules.Grade.EXCELLENT]
    GOOD = rules.Grade.GOOD, rules.GRADE_LABELS[rules.Grade.GOOD]
    COMPLETED = rules.Grade.COMPLETED, rules.GRADE_LABELS[rules.Grade.COMPLETED]
    NOT_COMPLETED = rules.Grade.NOT_COMPLETED, rules.GRADE_LABELS[rules.Grade.NOT_COMPLETED]


class FormChoice(models.TextChoices):
    LEADER = rules.Form.LEADER, rules.FORM_LABELS[rules.Form.LEADER]
    STAFF = rules.Form.STAFF, rules.FORM_LABELS[rules.Form.STAFF]
    OUTSIDE = rules.Form.OUTSIDE, rules.FORM_LABELS[rules.Form.OUTSIDE]


class CampaignStatus(models.TextChoices):
    OPEN = "open", "Đang kiểm điểm, đánh giá"
    CLOSED = "closed", "Đã tổng hợp, kết thúc"


class GradingCampaign(models.Model):
    """The review of one year over an organisation's subtree (R6.7, R6.8)."""

    organization = _org_fk("tổ chức mở đợt", "grading_campaigns")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField("năm đánh giá")
    ruleset = models.CharField("văn bản áp dụng", max_length=8)
    opened_on = models.DateField("ngày mở đợt")
    review_on = models.DateField("ngày kiểm điểm")
    self_review_due = models.DateField("hạn tự kiểm điểm")
    proposal_due = models.DateField("hạn chi bộ đề nghị")
    decision_due = models.DateField("hạn cấp ủy quyết định")
    status = models.CharField(
        "tình trạng", max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    closed_on = models.DateField("ngày kết thúc", null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đợt đánh giá, xếp loại"
        verbose_name_plural = "đợt đánh giá, xếp loại"
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="grading_campaign_once")
        ]

    def __str__(self) -> str:
        return f"Đánh giá, xếp loại năm {self.year} — {self.organization}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Chưa tự kiểm điểm"
    SELF_REVIEWED = "self_reviewed", "Đã tự kiểm điểm"
    PROPOSED = "proposed", "Chi bộ đã đề nghị"
    DECIDED = "decided", "Cấp ủy đã quyết định"
    ANNOUNCED = "announced", "Đã thông báo kết quả"
    NOT_GRADED = "not_graded", "Không xếp loại"


class NotGraded(models.TextChoices):
    EXEMPTED = "exempted", "Được miễn công tác và sinh hoạt đảng"
    SUSPENDED = "suspended", "Đang bị đình chỉ sinh hoạt đảng"
    TOO_NEW = "too_new", "Mới kết nạp chưa đủ thời gian"


class MemberReview(models.Model):
    """One member's review of a year: the self-review, the cell's proposal, the
    decided grade. `attachments` is what the cell read when proposing
    (residence or host comment, attendance, tasks, dues arrears, discipline)."""

    campaign = models.ForeignKey(
        GradingCampaign, on_delete=models.PROTECT, related_name="reviews", verbose_name="đợt"
    )
    year = models.PositiveSmallIntegerField("năm")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="grading_reviews", verbose_name="đảng viên"
    )
    cell = _org_fk("chi bộ")
    cell_path = models.CharField(max_length=255)
    grassroots = _org_fk("tổ chức cơ sở đảng")
    grassroots_path = models.CharField(max_length=255)
    form = models.CharField("mẫu bản kiểm điểm", max_length=2, choices=FormChoice.choices)
    status = models.CharField(
        "tình trạng", max_length=14, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    not_graded = models.CharField(
        "lý do không xếp loại", max_length=10, choices=NotGraded.choices, blank=True
    )
    strengths = models.TextField("ưu điểm, kết quả đạt được", blank=True)
    shortcomings = models.TextField("hạn chế, khuyết điểm và nguyên nhân", blank=True)
    remedies = models.TextField("phương hướng, biện pháp khắc phục", blank=True)
    self_score = models.DecimalField(
        "tự chấm điểm", max_digits=5, decimal_places=2, null=True, blank=True
    )
    self_grade = models.CharField(
        "tự xếp loại", max_length=14, choices=GradeChoice.choices, blank=True
    )
    self_reviewed_on = models.DateField("ngày tự kiểm điểm", null=True, blank=True)
    filled_by_cell = models.BooleanField("chi bộ ghi thay", default=False)
    attachments = models.JSONField("tài liệu kèm theo khi đề nghị", default=dict, blank=True)
    exceeded_percent = models.DecimalField(
        "tỷ lệ nhiệm vụ vượt yêu cầu (%)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    proposed_score = models.DecimalField(
        "điểm chi bộ đề nghị", max_digits=5, decimal_places=2, null=True, blank=True
    )
    proposed_grade = models.CharField(
        "chi bộ đề nghị", max_length=14, choices=GradeChoice.choices, blank=True
    )
    score = models.DecimalField("điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField("xếp loại", max_length=14, choices=GradeChoice.choices, blank=True)
    decision = models.ForeignKey(
        "GradingDecision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name="quyết định",
    )
    self_review_document_id = models.PositiveBigIntegerField(null=True, blank=True)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kiểm điểm, xếp loại đảng viên"
        verbose_name_plural = "kiểm điểm, xếp loại đảng viên"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="grading_review_once_a_year")
        ]
        indexes = [
            # The shares table of a subtree: one grouped scan of a year's rows
            # under a path prefix.
            models.Index(
                fields=["year", "cell_path"],
                name="grading_review_year_path",
                opclasses=["", "varchar_pattern_ops"],
            ),
            models.Index(fields=["campaign", "cell"], name="grading_review_cell"),
            models.Index(fields=["year", "grassroots"], name="grading_review_grassroots"),
        ]

    def __str__(self) -> str:
        return f"Kiểm điểm năm {self.year}: {self.member}"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Chưa đề nghị"
    PROPOSED = "proposed", "Đã đề nghị cấp ủy"
    DECIDED = "decided", "Cấp ủy đã quyết định"
    ANNOUNCED = "announced", "Đã thông báo kết quả"


class CellProposal(models.Model):
    """A cell's proposal of its members' grades to the competent committee."""

    campaign = models.ForeignKey(
        GradingCampaign, on_delete=models.PROTECT, related_name="proposals", verbose_name="đợt"
    )
    cell = _org_fk("chi bộ")
    cell_path = models.CharField(max_length=255)
    grassroots = _org_fk("tổ chức cơ sở đảng")
    status = models.CharField(
        "tình trạng", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    proposed_on = models.DateField("ngày đề nghị", null=True, blank=True)
    note = models.TextField("ý kiến của chi bộ", blank=True)
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đề nghị xếp loại của chi bộ"
        verbose_name_plural = "đề nghị xếp loại của chi bộ"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "cell"], name="grading_proposal_once")
        ]

    def __str__(self) -> str:
        return f"Đề nghị xếp loại năm {self.campaign.year} — {self.cell}"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Chờ quyết định"
    DECIDED = "decided", "Đã quyết định"
    ANNOUNCED = "announced", "Đã thông báo"


class GradingDecision(models.Model):
    """The competent committee's decision on the grades of the members of one
    grassroots organisation (where the cap on excellent is counted, R6.4)."""

    campaign = models.ForeignKey(
        GradingCampaign, on_delete=models.PROTECT, related_name="decisions", verbose_name="đợt"
    )
    grassroots = _org_fk("tổ chức cơ sở đảng")
    grassroots_path = models.CharField(max_length=255)
    decided_by = _org_fk("cấp ủy quyết định")
    status = models.CharField(
        "tình trạng", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    excellent = models.PositiveIntegerField("xuất sắc", default=0)
    good = models.PositiveIntegerField("tốt", default=0)
    completed = models.PositiveIntegerField("hoàn thành", default=0)
    not_completed = models.PositiveIntegerField("không hoàn thành", default=0)
    cap_override_reason = models.CharField("lý do vượt tỷ lệ xuất sắc", max_length=500, blank=True)
    announced_on = models.DateField("ngày thông báo", null=True, blank=True)
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quyết định xếp loại đảng viên"
        verbose_name_plural = "quyết định xếp loại đảng viên"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "grassroots"], name="grading_decision_once")
        ]

    def __str__(self) -> str:
        return f"Quyết định xếp loại năm {self.campaign.year} — {self.grassroots}"


class OrgGradingStatus(models.TextChoices):
    OPEN = "open", "Chưa tự đánh giá"
    SELF_GRADED = "self_graded", "Đã tự đánh giá (Mẫu 01)"
    DECIDED = "decided", "Cấp trên đã xếp loại"


class OrganizationGrading(models.Model):
    """A party organisation's grading of a year (collective, form 01), decided
    by the standing committee directly above (HD 43 mục 3)."""

    campaign = models.ForeignKey(
        GradingCampaign,
        on_delete=models.PROTECT,
        related_name="organization_gradings",
        verbose_name="đợt",
    )
    year = models.PositiveSmallIntegerField("năm")
    organization = _org_fk("tổ chức đảng")
    org_path = models.CharField(max_length=255)
    status = models.CharField(
        "tình trạng",
        max_length=12,
        choices=OrgGradingStatus.choices,
        default=OrgGradingStatus.OPEN,
    )
    report = models.TextField("báo cáo kiểm điểm (Mẫu 01)", blank=True)
    self_score = models.DecimalField(
        "tự chấm điểm", max_digits=5, decimal_places=2, null=True, blank=True
    )
    self_grade = models.CharField(
        "tự xếp loại", max_length=14, choices=GradeChoice.choices, blank=True
    )
    self_graded_on = models.DateField("ngày tự đánh giá", null=True, blank=True)
    # What form 01 states of the year (QĐ 366 Điều 11: the collective's
    # conditions beside the score, rules.COLLECTIVE_CONDITIONS).
    tasks = models.PositiveIntegerField("số nhiệm vụ được giao", null=True, blank=True)
    tasks_done = models.PositiveIntegerField("số nhiệm vụ đã hoàn thành", null=True, blank=True)
    tasks_on_time = models.PositiveIntegerField(
        "số nhiệm vụ hoàn thành đúng tiến độ", null=True, blank=True
    )
    tasks_exceeded = models.PositiveIntegerField("số nhiệm vụ vượt yêu cầu", null=True, blank=True)
    shortcomings = models.PositiveIntegerField("số hạn chế, khuyết điểm đã chỉ ra", default=0)
    shortcomings_fixed = models.PositiveIntegerField("số hạn chế đã khắc phục", default=0)
    subordinate_disciplined = models.BooleanField(
        "có tổ chức đảng trực thuộc bị kỷ luật trong năm", default=False
    )
    score = models.DecimalField("điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField("xếp loại", max_length=14, choices=GradeChoice.choices, blank=True)
    decided_on = models.DateField("ngày xếp loại", null=True, blank=True)
    note = models.CharField("ý kiến của cấp trên", max_length=500, blank=True)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "xếp loại tổ chức đảng"
        verbose_name_plural = "xếp loại tổ chức đảng"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="grading_organization_once_a_year"
            )
        ]
        indexes = [
            models.Index(
                fields=["year", "org_path"],
                name="grading_org_year_path",
                opclasses=["", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"Xếp loại năm {self.year}: {self.organization}"
