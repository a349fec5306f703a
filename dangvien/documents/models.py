"""Issued party documents, their numbering counters and the committee terms that restart them.

A document is stored once with its number, the header as it stood on the day
it was issued (names change later) and the context it is rendered from; the
.docx is rendered from that on demand, so it reads the same every time.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from dangvien.organizations.models import Organization


class DocumentKind(models.TextChoices):
    DECISION = "QĐ", "Quyết định"
    RESOLUTION = "NQ", "Nghị quyết"
    LETTER = "CV", "Công văn"
    REPORT = "BC", "Báo cáo"
    NOTICE = "TB", "Thông báo"
    SUBMISSION = "TTr", "Tờ trình"
    TRANSFER_LETTER = "GTSHĐ", "Giấy giới thiệu sinh hoạt đảng"
    RESIDENCE_INTRODUCTION = "GTCT", "Giấy giới thiệu đảng viên về nơi cư trú"
    MINUTES = "BB", "Biên bản"
    SELF_REVIEW = "BKĐ", "Bản kiểm điểm"
    LIST = "DS", "Danh sách"


class DocumentTerm(models.Model):
    """A committee term of an issuing organisation; numbering restarts from 01 on its first day.

    HD 36-HD/VPTW điểm 1.3.1: a term runs from the day after the congress closes
    to the close of the next congress.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    starts_on = models.DateField("bắt đầu từ ngày")
    label = models.CharField("nhiệm kỳ", max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nhiệm kỳ đánh số văn bản"
        verbose_name_plural = "nhiệm kỳ đánh số văn bản"
        constraints = [
            models.UniqueConstraint(fields=["organization", "starts_on"], name="docterm_org_start")
        ]

    def __str__(self) -> str:
        return f"{self.label or 'Nhiệm kỳ'} từ {self.starts_on:%d/%m/%Y}"


class DocumentCounter(models.Model):
    """The last number given for (issuer, kind, term); locked with select_for_update."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=8, choices=DocumentKind.choices)
    term_start = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "term_start"], name="doccounter_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} từ {self.term_start:%d/%m/%Y}: {self.last_number}"


class IssuedDocument(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cơ quan ban hành",
        db_index=False,
    )
    org_path = models.CharField(max_length=255)  # the issuer's path on the day of issue
    concerns_path = models.CharField(max_length=255, blank=True, default="")
    kind = models.CharField("loại văn bản", max_length=8, choices=DocumentKind.choices)
    term_start = models.DateField()
    number = models.PositiveIntegerField("số")
    symbol = models.CharField("số, ký hiệu", max_length=40)  # "12-QĐ/ĐU"
    date = models.DateField("ngày ban hành")
    summary = models.CharField("trích yếu", max_length=500, blank=True)
    # The header as it stood on the day of issue.
    superior_name = models.CharField(max_length=255, blank=True)
    issuer_name = models.CharField(max_length=255)
    place = models.CharField(max_length=100, blank=True)
    context = models.JSONField(default=dict, blank=True)

    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")

    # A document is never deleted: one withdrawn (a lost or damaged letter
    # issued again) is marked void, with the one that replaces it.
    voided_on = models.DateField("ngày hủy giá trị", null=True, blank=True)
    void_reason = models.CharField("lý do hủy giá trị", max_length=255, blank=True, default="")
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        verbose_name="văn bản thay thế",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "term_start", "number"], name="doc_number_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["org_path", "date", "id"],
                name="doc_org_path_date",
                opclasses=["varchar_pattern_ops", "", ""],
            ),
            models.Index(
                fields=["concerns_path", "date", "id"],
                name="doc_concerns_path_date",
                opclasses=["varchar_pattern_ops", "", ""],
            ),
            models.Index(fields=["content_type", "object_id"], name="doc_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} số {self.symbol} ngày {self.date:%d/%m/%Y}"

    @property
    def is_void(self) -> bool:
        return self.voided_on is not None
