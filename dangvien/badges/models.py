"""Party badges (Huy hiệu Đảng, regulations.md §11).

A `BadgeRound` is a grassroots organisation's proposal list for one award
date (3/2, 19/5, 2/9, 7/11); a `BadgeAward` is one member's badge for one
milestone, from the proposal through the decision of the provincial standing
committee and the award (ceremony date, badge number) to its return when the
member is put out of the Party. Rows move only through `services`
(`workflow.ROUND`, `workflow.AWARD`), are never deleted and keep their history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangvien.members.models import Member
from dangvien.organizations.models import Organization

from .rules import Ground


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


class RoundStatus(models.TextChoices):
    OPEN = "open", "Đang lập danh sách"
    SUBMITTED = "submitted", "Đã gửi tờ trình đề nghị"


class BadgeRound(models.Model):
    """The proposal list of a grassroots organisation for one award date."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="badge_rounds",
        verbose_name="tổ chức cơ sở đảng",
    )
    award_date = models.DateField("ngày trao tặng")
    status = models.CharField(
        "tình trạng", max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    submitted_on = models.DateField("ngày gửi tờ trình", null=True, blank=True)
    submission_document_id = models.BigIntegerField("tờ trình (văn bản)", null=True, blank=True)
    submission_number = models.CharField("số tờ trình", max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đợt đề nghị tặng Huy hiệu Đảng"
        verbose_name_plural = "đợt đề nghị tặng Huy hiệu Đảng"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "award_date"], name="badge_round_org_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: đợt {self.award_date:%d/%m/%Y}"


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", "Đã đề nghị"
    DECIDED = "decided", "Đã có quyết định tặng"
    REFUSED = "refused", "Không tặng"
    AWARDED = "awarded", "Đã trao tặng"
    RETURNED = "returned", "Đã thu hồi (ra khỏi Đảng)"
    CANCELLED = "cancelled", "Đã hủy đề nghị"


# A badge counted against "twice the same milestone": every state but a refusal
# or a cancelled proposal.
HOLDING_STATUSES = (
    AwardStatus.PROPOSED,
    AwardStatus.DECIDED,
    AwardStatus.AWARDED,
    AwardStatus.RETURNED,
)


class BadgeAward(models.Model):
    """One member's badge for one milestone (R11.1-R11.5)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="badges", verbose_name="đảng viên"
    )
    milestone = models.PositiveSmallIntegerField("huy hiệu (năm tuổi đảng)")
    ground = models.CharField("căn cứ", max_length=12, choices=Ground.CHOICES)
    ground_note = models.CharField(
        "ghi chú căn cứ (bệnh, ngày từ trần)", max_length=255, blank=True
    )
    award_date = models.DateField("đợt trao tặng")
    round = models.ForeignKey(
        BadgeRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name="đợt đề nghị",
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức cơ sở đảng đề nghị",
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    counted_from = models.DateField("tuổi đảng tính từ ngày")
    milestone_on = models.DateField("ngày đủ tuổi đảng")
    status = models.CharField(
        "tình trạng", max_length=12, choices=AwardStatus.choices, default=AwardStatus.PROPOSED
    )
    proposed_on = models.DateField("ngày đề nghị")
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decided_by = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cấp ủy quyết định",
    )
    refusal_reason = models.CharField("lý do không tặng", max_length=255, blank=True)
    awarded_on = models.DateField("ngày trao tặng (lễ)", null=True, blank=True)
    badge_number = models.CharField("số huy hiệu", max_length=32, blank=True)
    returned_on = models.DateField("ngày thu hồi", null=True, blank=True)
    return_reason = models.CharField("lý do thu hồi, hủy", max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Huy hiệu Đảng"
        verbose_name_plural = "Huy hiệu Đảng"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "milestone"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="badge_member_milestone_once",
            ),
            models.UniqueConstraint(
                fields=["badge_number"],
                condition=~Q(badge_number=""),
                name="badge_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["award_date", "status"], name="badge_date_status")]

    def __str__(self) -> str:
        return f"Huy hiệu {self.milestone} năm tuổi Đảng: {self.member}"
