"""Inspection, supervision and discipline of party members (regulations.md §7,
QĐ 69-QĐ/TW, QĐ 117-QĐ/TW; seed 001).

An inspection or supervision (plan, then conclusion) is run by a committee's
inspection committee on a member or an organisation; the violations it finds
(or that a committee records) are the ground of a discipline: the proposed
form, the vote of the deciding body, the decision, its announcement, the
complaints against it and, for the wrongly disciplined, the restoration. Rows
change only through `services`, keep their history and are never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from dangvien.members.models import Member, PostHeld, TripAbroad
from dangvien.organizations.models import Organization


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


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", "Kiểm tra"
    SUPERVISION = "supervision", "Giám sát"


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", "Theo kế hoạch, chưa kết luận"
    CONCLUDED = "concluded", "Đã kết luận"


class Inspection(models.Model):
    """One inspection or supervision (a plan until it is concluded) by the
    inspection committee of `organization`, on a member or on an organisation
    of its subtree, about `content` over a period."""

    kind = models.CharField("hình thức", max_length=12, choices=InspectionKind.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ủy ban kiểm tra của",
    )
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đảng viên được kiểm tra",
    )
    target = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức đảng được kiểm tra",
    )
    # The subtree that may see it: the target organisation's, or the member's cell's.
    target_path = models.CharField(max_length=255, db_index=True)
    content = models.TextField("nội dung")
    period_start = models.DateField("từ ngày")
    period_end = models.DateField("đến ngày")
    status = models.CharField(
        "tình trạng",
        max_length=12,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    conclusion = models.TextField("kết luận", blank=True)
    concluded_on = models.DateField("ngày kết luận", null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cuộc kiểm tra, giám sát"
        verbose_name_plural = "cuộc kiểm tra, giám sát"
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_name}"

    @property
    def subject_name(self) -> str:
        if self.member is not None:
            return f"đồng chí {self.member.full_name}"
        return self.target.name if self.target else ""


class ViolationKind(models.TextChoices):
    ABROAD_UNREPORTED = (
        "abroad_unreported",
        "Đi nước ngoài không báo cáo cấp ủy có thẩm quyền",
    )
    STANDARDS = "standards", "Vi phạm những điều đảng viên không được làm"
    DUTIES = "duties", "Vi phạm chức trách, nhiệm vụ được giao"
    ETHICS = "ethics", "Vi phạm phẩm chất, đạo đức, lối sống"
    CORRUPTION = "corruption", "Tham nhũng, lãng phí, tiêu cực"
    SECURITY = (
        "security",
        "Vi phạm chính trị nội bộ, an ninh, quốc phòng, đối ngoại xâm hại lợi ích quốc gia",
    )
    FAKE_DIPLOMA = "fake_diploma", "Sử dụng văn bằng, chứng chỉ không hợp pháp"
    OTHER = "other", "Vi phạm khác"


class Violation(models.Model):
    """A violation of a member, found by an inspection or recorded by a committee."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name="đảng viên"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
        verbose_name="phát hiện qua",
    )
    kind = models.CharField("loại vi phạm", max_length=20, choices=ViolationKind.choices)
    description = models.TextField("nội dung vi phạm")
    committed_on = models.DateField("ngày vi phạm")
    found_on = models.DateField("ngày phát hiện")
    trip = models.ForeignKey(
        TripAbroad,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chuyến đi nước ngoài",
    )
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "vi phạm"
        verbose_name_plural = "vi phạm"
        ordering = ["-committed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.committed_on:%d/%m/%Y})"


class TripReport(models.Model):
    """The member's report of a trip abroad to the competent committee: a trip
    without one, started, is "went abroad without reporting" (seed 001)."""

    trip = models.OneToOneField(
        TripAbroad, on_delete=models.PROTECT, related_name="+", verbose_name="chuyến đi"
    )
    reported_on = models.DateField("ngày báo cáo")
    reported_to = models.CharField("báo cáo với", max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "báo cáo đi nước ngoài"
        verbose_name_plural = "báo cáo đi nước ngoài"

    def __str__(self) -> str:
        return f"Báo cáo ngày {self.reported_on:%d/%m/%Y}"


class Sanction(models.TextChoices):
    """Forms of discipline of a member (R7.1)."""

    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    DISMISSAL = "dismissal", "Cách chức"
    EXPULSION = "expulsion", "Khai trừ"


class DisciplineStatus(models.TextChoices):
    PROPOSED = "proposed", "Chờ biểu quyết"
    REJECTED = "rejected", "Biểu quyết không đủ, không kỷ luật"
    VOTED = "voted", "Đã biểu quyết, chờ ký quyết định"
    DECIDED = "decided", "Đã ký quyết định, chờ công bố"
    IN_FORCE = "in_force", "Đã công bố, có hiệu lực"
    ANNULLED = "annulled", "Đã hủy quyết định (giải quyết khiếu nại)"
    RESTORED = "restored", "Kỷ luật oan, đã xin lỗi và phục hồi quyền lợi (QĐ 117)"


class Discipline(models.Model):
    """The discipline of a member for a violation: the form, the deciding body
    (`authority`, acting as `authority_body`), the vote counted against all
    entitled, the decision and its announcement. In force from the
    announcement; its automatic lapse is computed (`rules.lapses_on`)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name="đảng viên"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    violation = models.ForeignKey(
        Violation, on_delete=models.PROTECT, related_name="disciplines", verbose_name="vi phạm"
    )
    form = models.CharField("hình thức kỷ luật", max_length=12, choices=Sanction.choices)
    post = models.ForeignKey(
        PostHeld,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chức vụ bị cách",
    )
    authority = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="cấp quyết định"
    )
    authority_path = models.CharField(max_length=255)
    authority_body = models.CharField("cơ quan quyết định", max_length=24)
    status = models.CharField(
        "tình trạng",
        max_length=12,
        choices=DisciplineStatus.choices,
        default=DisciplineStatus.PROPOSED,
    )
    proposed_on = models.DateField("ngày đề nghị")
    entitled = models.PositiveIntegerField("tổng số có quyền biểu quyết", null=True, blank=True)
    votes_for = models.PositiveIntegerField("số tán thành", null=True, blank=True)
    voted_on = models.DateField("ngày biểu quyết", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_document = models.ForeignKey(
        "documents.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="quyết định",
    )
    announce_due = models.DateField("hạn công bố", null=True, blank=True)
    announced_on = models.DateField("ngày công bố", null=True, blank=True)
    removal = models.ForeignKey(
        "movements.Removal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đưa ra khỏi Đảng",
    )
    restored_on = models.DateField("ngày quyết định phục hồi", null=True, blank=True)
    restoration_decision = models.CharField("văn bản phục hồi", max_length=128, blank=True)
    apologised_on = models.DateField("ngày xin lỗi", null=True, blank=True)
    restoration_note = models.TextField("quyền lợi được phục hồi", blank=True)
    restoration_document = models.ForeignKey(
        "documents.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="quyết định phục hồi",
    )
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kỷ luật đảng viên"
        verbose_name_plural = "kỷ luật đảng viên"
        ordering = ["-proposed_on", "-id"]
        indexes = [models.Index(fields=["member", "status"], name="discipline_member_status")]

    def __str__(self) -> str:
        return f"{self.get_form_display()} đồng chí {self.member.full_name}"


class ComplaintStatus(models.TextChoices):
    LODGED = "lodged", "Chờ giải quyết"
    ANSWERED = "answered", "Đã giải quyết"


class ComplaintOutcome(models.TextChoices):
    KEPT = "kept", "Giữ nguyên hình thức kỷ luật"
    CHANGED = "changed", "Thay đổi hình thức kỷ luật"
    ANNULLED = "annulled", "Xóa bỏ quyết định kỷ luật"


class Complaint(models.Model):
    """A member's complaint against a discipline, answered by a higher body
    (`answering_organization`, its inspection committee) with its decision."""

    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, related_name="complaints", verbose_name="kỷ luật"
    )
    lodged_on = models.DateField("ngày khiếu nại")
    content = models.TextField("nội dung khiếu nại")
    answering_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="cấp giải quyết"
    )
    status = models.CharField(
        "tình trạng", max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.LODGED
    )
    outcome = models.CharField(
        "kết quả", max_length=10, choices=ComplaintOutcome.choices, blank=True
    )
    new_form = models.CharField(
        "hình thức sau giải quyết", max_length=12, choices=Sanction.choices, blank=True
    )
    answer = models.TextField("quyết định giải quyết", blank=True)
    answer_number = models.CharField("số quyết định giải quyết", max_length=64, blank=True)
    answered_on = models.DateField("ngày công bố quyết định giải quyết", null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "khiếu nại kỷ luật"
        verbose_name_plural = "khiếu nại kỷ luật"
        ordering = ["lodged_on", "id"]

    def __str__(self) -> str:
        return f"Khiếu nại ngày {self.lodged_on:%d/%m/%Y}"


class OrgSanction(models.TextChoices):
    """Forms of discipline of a party organisation (R7.1)."""

    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    DISSOLUTION = "dissolution", "Giải tán"


class OrgDisciplineStatus(models.TextChoices):
    PROPOSED = "proposed", "Chờ biểu quyết"
    REJECTED = "rejected", "Biểu quyết không đủ, không kỷ luật"
    VOTED = "voted", "Đã biểu quyết, chờ ký quyết định"
    DECIDED = "decided", "Đã ký quyết định, chờ công bố"
    IN_FORCE = "in_force", "Đã công bố, có hiệu lực"
    DISSOLVED = "dissolved", "Đã giải tán tổ chức đảng"


class OrgDiscipline(models.Model):
    """The discipline of a party organisation (R7.1: reprimand, warning,
    dissolution) for its violation, on the same workflow as a member's
    (`workflow.DISCIPLINE`, steps "org_*"): proposed, voted by the deciding
    committee (counted against all its members), decided (the decision
    paper), announced; a dissolution then ends in the organisation dissolved
    (`organizations.services.organization_dissolve`, a dated event)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức đảng"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="org_disciplines",
        verbose_name="phát hiện qua",
    )
    violation_kind = models.CharField("loại vi phạm", max_length=20, choices=ViolationKind.choices)
    description = models.TextField("nội dung vi phạm")
    committed_on = models.DateField("ngày vi phạm")
    form = models.CharField("hình thức kỷ luật", max_length=12, choices=OrgSanction.choices)
    authority = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="cấp quyết định"
    )
    authority_path = models.CharField(max_length=255)
    authority_body = models.CharField("cơ quan quyết định", max_length=24)
    status = models.CharField(
        "tình trạng",
        max_length=12,
        choices=OrgDisciplineStatus.choices,
        default=OrgDisciplineStatus.PROPOSED,
    )
    proposed_on = models.DateField("ngày đề nghị")
    entitled = models.PositiveIntegerField("tổng số có quyền biểu quyết", null=True, blank=True)
    votes_for = models.PositiveIntegerField("số tán thành", null=True, blank=True)
    voted_on = models.DateField("ngày biểu quyết", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_document = models.ForeignKey(
        "documents.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="quyết định",
    )
    announce_due = models.DateField("hạn công bố", null=True, blank=True)
    announced_on = models.DateField("ngày công bố", null=True, blank=True)
    dissolved_on = models.DateField("ngày giải tán", null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kỷ luật tổ chức đảng"
        verbose_name_plural = "kỷ luật tổ chức đảng"
        ordering = ["-proposed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.organization.name}"

    @property
    def member(self) -> None:
        """No member: the workflow's cases of an organisation name none."""
        return None
