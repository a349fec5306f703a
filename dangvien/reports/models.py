"""A computed report kept for its readers (the page, the drill-down lists, the
forms): the counts, and the members behind each figure, compressed.

A result is derived data, recomputed from the events on demand (a newer
computation replaces the row of the same organisation and period); the events
it reads are never changed by it.
"""

from django.conf import settings
from django.db import models

from dangvien.organizations.models import Organization


class ReportResult(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức đảng"
    )
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")
    computed_at = models.DateTimeField("tính lúc")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    seconds = models.FloatField("thời gian tính (giây)", default=0)
    # {"movement": {code: n}, "dims": {dimension: {key: n}}}
    counts = models.JSONField("số liệu", default=dict)
    # zlib(JSON {"lists": {code: [ids]}, "dims": {dimension: [key per member of D]}})
    payload = models.BinaryField("danh sách đảng viên", editable=False)

    class Meta:
        verbose_name = "kết quả báo cáo"
        verbose_name_plural = "kết quả báo cáo"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "start", "end"], name="report_result_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.start:%d/%m/%Y}-{self.end:%d/%m/%Y}"


class MonthlyFigure(models.Model):
    """The members in activity of an organisation's subtree at the end of a past
    month (the dashboards' "members over time"), computed once from the events
    (reports.monthly) and kept: a past month's answer does not change unless a
    back-dated event is entered, which `monthly_figures_ensure(..., refresh=True)`
    recomputes. The current month is read live from MembershipSummary."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the (organization, month) constraint
        verbose_name="tổ chức đảng",
    )
    month_end = models.DateField("ngày cuối tháng")
    members = models.IntegerField("đảng viên đang sinh hoạt")
    probationary = models.IntegerField("đảng viên dự bị")
    female = models.IntegerField("đảng viên nữ")
    computed_at = models.DateTimeField("tính lúc", auto_now=True)

    class Meta:
        verbose_name = "số đảng viên cuối tháng"
        verbose_name_plural = "số đảng viên cuối tháng"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month_end"], name="monthly_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month_end:%m/%Y}: {self.members}"
