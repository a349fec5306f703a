"""A computed report kept for its readers (the page, the drill-down lists, the
forms): the counts, and the members behind each figure (one row a figure,
its member ids compressed, in Vietnamese name order).

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
    # {"movement": {code: n}, "dims": {dimension: {key: n}}, "average_age": years}
    counts = models.JSONField("số liệu", default=dict)

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


class ReportFigure(models.Model):
    """The members behind one figure of a kept report: `figure` a list of form 1
    ("A", "B1", ..., "D") or a category of the end list ("dim:age:31_35");
    `ids` the member ids as little-endian 64-bit integers, zlib-compressed,
    in Vietnamese name order (a page of a drill-down list is a slice)."""

    result = models.ForeignKey(ReportResult, on_delete=models.CASCADE, related_name="figures")
    figure = models.CharField("số liệu", max_length=64)
    ids = models.BinaryField("đảng viên", editable=False)

    class Meta:
        verbose_name = "danh sách sau một số liệu"
        verbose_name_plural = "danh sách sau các số liệu"
        constraints = [
            models.UniqueConstraint(fields=["result", "figure"], name="report_figure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.result_id} {self.figure}"


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


class DashboardFigure(models.Model):
    """A figure of a dashboard that would count many rows (this month's
    meetings and dues, last year's grading shares), computed by the job queue
    (reports.widgets) and read by the page: never counted in the request."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # covered by the (organization, name) constraint
        verbose_name="tổ chức đảng",
    )
    name = models.CharField("số liệu", max_length=32)
    value = models.JSONField("giá trị", default=dict)
    computed_at = models.DateTimeField("tính lúc")

    class Meta:
        verbose_name = "số liệu trang tổng quan"
        verbose_name_plural = "số liệu trang tổng quan"
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="dashboard_figure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.name}"
