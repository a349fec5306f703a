"""Party dues (regulations.md §5, addendum §2; seed 004).

- Reference data: the regional minimum wage by period (`MinimumWage`) and the
  region of each commune (`CommuneWageRegion`), both dated, loaded by migration.
- The member's dated dues profile (`DuesProfile`), approved exemptions and
  reductions (`DuesRelief`) and deferred or advance payment arrangements
  (`DuesArrangement`).
- The ledger: one `DuesLedger` row per member and month owed, written when a
  month is computed; payments and corrections (`DuesPayment`), append-only;
  the cell's month close (`DuesMonthClose`) with the share kept and sent up.
  Why one narrow table and not partitions: docs/architecture.md ("Dues ledger").

Amounts are whole đồng. Rows move only through dues.services; nothing is
deleted; a closed month changes only by a correction entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from dangvien.members.models import Member
from dangvien.organizations.models import Organization
from dangvien.places.models import Commune

from .rules import Category


def _user_fk(label: str = "người ghi") -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=label,
    )


class MinimumWage(models.Model):
    """The regional minimum monthly wage (đồng) from `effective_from` (Nghị định
    of the Government: 38/2022, 74/2024, 293/2025)."""

    region = models.PositiveSmallIntegerField("vùng (1-4)")
    effective_from = models.DateField("áp dụng từ")
    amount = models.PositiveIntegerField("mức lương tối thiểu tháng (đồng)")
    source = models.CharField("văn bản", max_length=120)

    class Meta:
        verbose_name = "lương tối thiểu vùng"
        verbose_name_plural = "lương tối thiểu vùng"
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="wage_region_from")
        ]

    def __str__(self) -> str:
        return f"Vùng {self.region} từ {self.effective_from:%d/%m/%Y}: {self.amount}"


class CommuneWageRegion(models.Model):
    """The wage region of a commune from `effective_from`. `confirmed` is False
    for the defaults loaded by migration until checked against the decree's
    appendix (docs/operators-guide.md tells how to correct them)."""

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    region = models.PositiveSmallIntegerField("vùng (1-4)")
    effective_from = models.DateField("áp dụng từ")
    source = models.CharField("căn cứ", max_length=160)
    confirmed = models.BooleanField("đã đối chiếu phụ lục nghị định", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "địa bàn vùng lương tối thiểu"
        verbose_name_plural = "địa bàn vùng lương tối thiểu"
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "effective_from"], name="commune_region_from"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id}: vùng {self.region} từ {self.effective_from:%d/%m/%Y}"


class DuesProfile(models.Model):
    """The member's dues category and base from `valid_from` until the member's
    next profile (R5.1, R5.4). `base` in đồng: the salary used for social
    insurance, the sickness or maternity allowance, the pension, or for members
    abroad the monthly amount set by the overseas committee. `voluntary` is a
    higher monthly amount the member chose, counted once the superior
    committee approved it (addendum 2.10)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues_profiles")
    valid_from = models.DateField("áp dụng từ ngày")
    category = models.CharField("đối tượng", max_length=20, choices=Category.CHOICES)
    base = models.PositiveBigIntegerField("căn cứ tính (đồng/tháng)", null=True, blank=True)
    voluntary = models.PositiveIntegerField("tự nguyện đóng (đồng/tháng)", null=True, blank=True)
    voluntary_approved_by = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cấp ủy đồng ý mức tự nguyện",
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đối tượng đóng đảng phí"
        verbose_name_plural = "đối tượng đóng đảng phí"
        constraints = [
            models.UniqueConstraint(fields=["member", "valid_from"], name="dues_profile_from")
        ]

    def __str__(self) -> str:
        return f"{self.member} từ {self.valid_from:%d/%m/%Y}: {self.get_category_display()}"


class ReliefKind(models.TextChoices):
    EXEMPTION = "exemption", "Miễn đóng đảng phí"
    REDUCTION = "reduction", "Giảm đảng phí"


class ReliefGround(models.TextChoices):
    POOR = "poor", "Hộ nghèo"
    NEAR_POOR = "near_poor", "Hộ cận nghèo"
    SERIOUS_ILLNESS = "serious_illness", "Mắc bệnh hiểm nghèo (danh mục Bộ Y tế)"
    HARDSHIP = "hardship", "Hoàn cảnh khó khăn khác"


class DuesRelief(models.Model):
    """An approved exemption or reduction (30/50/70%) of dues on application,
    from `first_month` to `last_month` (first days), at most 12 months per
    approval (R5.6-R5.7). Cancelled rows stay, with `cancelled_on`."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues_reliefs")
    kind = models.CharField("loại", max_length=12, choices=ReliefKind.choices)
    percent = models.PositiveSmallIntegerField("mức giảm (%)")
    ground = models.CharField("lý do", max_length=20, choices=ReliefGround.choices)
    first_month = models.DateField("từ tháng")
    last_month = models.DateField("đến tháng")
    decided_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức quyết định"
    )
    decision = models.CharField("số nghị quyết, quyết định", max_length=64, blank=True)
    decided_on = models.DateField("ngày quyết định")
    cancelled_on = models.DateField("ngày hủy", null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "miễn, giảm đảng phí"
        verbose_name_plural = "miễn, giảm đảng phí"
        indexes = [models.Index(fields=["member", "first_month"], name="dues_relief_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()} {self.percent}%"


class ArrangementKind(models.TextChoices):
    DEFERRED = "deferred", "Đóng chậm (truy nộp sau)"
    ADVANCE = "advance", "Đóng trước"


class DuesArrangement(models.Model):
    """Deferred or advance payment for a member temporarily exempted from
    activity (working far away, on the move, no party organisation), approved
    by the body that granted the temporary exemption, for at most its length
    (addendum 2.13)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues_arrangements")
    kind = models.CharField("hình thức", max_length=10, choices=ArrangementKind.choices)
    first_month = models.DateField("từ tháng")
    last_month = models.DateField("đến tháng")
    exemption = models.ForeignKey(
        "liaison.Exemption",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="quyết định tạm miễn sinh hoạt",
    )
    approved_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức đồng ý"
    )
    approved_on = models.DateField("ngày đồng ý")
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đóng chậm, đóng trước đảng phí"
        verbose_name_plural = "đóng chậm, đóng trước đảng phí"

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()}"


class LedgerStatus(models.TextChoices):
    DUE = "due", "Chưa đóng"
    PAID = "paid", "Đã đóng"
    EXEMPT = "exempt", "Được miễn"
    DEFERRED = "deferred", "Được đóng chậm"
    UNPAID_EXCUSED = "unpaid_excused", "Không đóng, có lý do"
    UNPAID = "unpaid", "Không đóng, không có lý do"


# Months that count towards R5.8's three (closed, unpaid, no good reason).
ARREARS_STATUSES = (LedgerStatus.UNPAID,)
OPEN_STATUSES = (LedgerStatus.DUE, LedgerStatus.DEFERRED)


class DuesLedger(models.Model):
    """One row per member and month owed (`month` is its first day), owed to
    the cell where the member holds party activity that month (a member on a
    temporary transfer pays where attached, R2.4). Written when the month is
    computed; `amount_due` and `basis` record the rule applied, so a past
    month reads the same for ever. `amount_paid` is the sum of the month's
    payments and corrections."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.DateField("tháng")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    system = models.CharField("chế độ", max_length=4)
    category = models.CharField("đối tượng", max_length=20, choices=Category.CHOICES)
    basis = models.CharField("cách tính", max_length=160)
    relief_percent = models.PositiveSmallIntegerField("miễn, giảm (%)", default=0)
    amount_due = models.PositiveIntegerField("phải đóng (đồng)")
    amount_paid = models.IntegerField("đã đóng (đồng)", default=0)
    paid_on = models.DateField("ngày đóng", null=True, blank=True)
    status = models.CharField(
        "tình trạng", max_length=16, choices=LedgerStatus.choices, default=LedgerStatus.DUE
    )
    reason = models.CharField("lý do không đóng, được miễn", max_length=160, blank=True)
    closed = models.BooleanField("đã khóa sổ", default=False)

    class Meta:
        verbose_name = "sổ đảng phí (tháng)"
        verbose_name_plural = "sổ đảng phí (tháng)"
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_ledger_member_month")
        ]
        indexes = [
            models.Index(fields=["organization", "month"], name="dues_ledger_org_month"),
            models.Index(fields=["month", "status"], name="dues_ledger_month_status"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%m/%Y}: {self.amount_due}"

    @property
    def outstanding(self) -> int:
        return max(self.amount_due - self.amount_paid, 0)


class Channel(models.TextChoices):
    CASH = "cash", "Tiền mặt tại chi bộ"
    PORTAL = "portal", "Cổng Dịch vụ công Quốc gia"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "Đóng đảng phí"
    CORRECTION = "correction", "Bút toán điều chỉnh"


class DuesPayment(models.Model):
    """A payment of a month's dues, or a correction entry (`amount` may be
    negative) to a month already paid or closed; append-only (R5.5)."""

    ledger = models.ForeignKey(DuesLedger, on_delete=models.PROTECT, related_name="payments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.DateField("tháng")
    kind = models.CharField(
        "loại", max_length=12, choices=PaymentKind.choices, default=PaymentKind.PAYMENT
    )
    amount = models.IntegerField("số tiền (đồng)")
    channel = models.CharField("hình thức", max_length=8, choices=Channel.choices)
    reference = models.CharField(
        "mã giao dịch trên Cổng DVCQG", max_length=64, null=True, blank=True, unique=True
    )
    receipt_number = models.CharField("số biên lai", max_length=32, blank=True)
    paid_on = models.DateField("ngày đóng")
    advance = models.BooleanField("đóng trước", default=False)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name="điều chỉnh cho",
    )
    reason = models.CharField("lý do điều chỉnh", max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khoản đóng đảng phí"
        verbose_name_plural = "khoản đóng đảng phí"

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%m/%Y}: {self.amount}"


class DuesMonthClose(models.Model):
    """A cell's month closed (R5.3, R5.5): totals of its ledger that month and
    the share it keeps and sends up (R5.2 / R5.9). One per cell and month."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("tháng")
    members = models.PositiveIntegerField("số đảng viên phải đóng")
    paid_count = models.PositiveIntegerField("số đã đóng")
    unpaid_count = models.PositiveIntegerField("số không đóng")
    exempt_count = models.PositiveIntegerField("số được miễn")
    amount_due = models.PositiveBigIntegerField("phải thu (đồng)")
    amount_paid = models.BigIntegerField("đã thu (đồng)")
    kept_percent = models.PositiveSmallIntegerField("tỷ lệ trích giữ (%)")
    kept = models.BigIntegerField("trích giữ lại (đồng)")
    sent_up = models.BigIntegerField("nộp cấp trên (đồng)")
    closed_on = models.DateField("ngày khóa sổ")
    closed_by = _user_fk("người khóa sổ")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khóa sổ đảng phí tháng"
        verbose_name_plural = "khóa sổ đảng phí tháng"
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="dues_close_org_month")
        ]
        indexes = [models.Index(fields=["month"], name="dues_close_month")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%m/%Y}"


class NoticeStatus(models.TextChoices):
    OPEN = "open", "Chờ chi bộ xem xét"
    PROPOSED = "proposed", "Chi bộ đã đề nghị xóa tên"
    SETTLED = "settled", "Đã xử lý (đóng bù, có lý do)"


class ArrearsNotice(models.Model):
    """A member who reached UNPAID_MONTHS_LIMIT closed months unpaid without
    reason in a calendar year (R5.8): the reminder in the cell's open cases
    until it proposes name deletion or records how it was settled
    (`workflow.ARREARS`). One per member and year."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    months = models.JSONField("các tháng không đóng", default=list)
    amount = models.PositiveBigIntegerField("số tiền còn nợ (đồng)", default=0)
    status = models.CharField(
        "tình trạng", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    opened_on = models.DateField("ngày phát hiện")
    settled_on = models.DateField("ngày xử lý", null=True, blank=True)
    note = models.CharField("kết quả xử lý", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhắc nợ đảng phí"
        verbose_name_plural = "nhắc nợ đảng phí"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="arrears_member_year")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}: {len(self.months)} tháng"
