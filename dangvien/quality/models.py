"""Chất lượng dữ liệu (issue 13, part 4): the daily counts of each check.

The checks themselves read the member records (quality.checks); what is kept
here is their count per organisation and day, so the console shows whether a
subtree's data is getting cleaner. Rows are written by
`quality.services.quality_snapshot_write` (the daily `dangvien quality_snapshot`)
and never edited: a second run the same day replaces that day's counts.
"""

from __future__ import annotations

from django.db import models

from dangvien.organizations.models import Organization


class QualitySnapshot(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the (organization, date, check) constraint
        verbose_name="tổ chức đảng",
    )
    date = models.DateField("ngày")
    check_code = models.CharField("phép kiểm tra", max_length=40)
    count = models.PositiveIntegerField("số đảng viên cần xử lý")
    # Active members of the subtree that day: the base of the coverage shares.
    members = models.PositiveIntegerField("số đảng viên đang sinh hoạt", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "số liệu chất lượng dữ liệu"
        verbose_name_plural = "số liệu chất lượng dữ liệu"
        ordering = ["organization", "-date", "check_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "date", "check_code"], name="quality_snapshot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.check_code} {self.date:%d/%m/%Y}: {self.count}"


# The summary row that holds the active members of the subtree.
MEMBERS_CODE = ""


class QualitySummary(models.Model):
    """The current count of each check over the subtree of every organisation
    (maintained summary, issue 13: the console of a province reads a handful of
    rows instead of counting its members). Derived data: rewritten whole by
    `quality.services.quality_summary_refresh` (the job queue every
    QUALITY_SUMMARY_MINUTES, after an import, or «Tính lại» on the console);
    `computed_at` says how old the figures are. `check_code` "" holds the
    active members of the subtree (the base of the coverage shares)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # covered by the (organization, check_code) constraint
        verbose_name="tổ chức đảng",
    )
    check_code = models.CharField("phép kiểm tra", max_length=40, blank=True)
    count = models.PositiveIntegerField("số đảng viên")
    computed_at = models.DateTimeField("tính lúc")

    class Meta:
        verbose_name = "số liệu chất lượng dữ liệu hiện tại"
        verbose_name_plural = "số liệu chất lượng dữ liệu hiện tại"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "check_code"], name="quality_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.check_code or 'members'}: {self.count}"
