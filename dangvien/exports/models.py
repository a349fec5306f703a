"""The export log: who took which export (list book, member list, record card,
CV summary) of which organisation or member, in which format, with how many
rows. Rows are only ever added (personal data leaving the system, Luật Bảo vệ
dữ liệu cá nhân 2025 / NĐ 13/2023: a record of every processing)."""

from django.conf import settings
from django.db import models


class ExportKind(models.TextChoices):
    LIST_BOOK = "list_book", "Sổ danh sách đảng viên (7-HSĐV)"
    MEMBER_LIST = "member_list", "Danh sách đảng viên (cột tự chọn)"
    RECORD_CARD = "record_card", "Phiếu đảng viên"
    CV_SUMMARY = "cv_summary", "Sơ yếu lý lịch đảng viên"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    DOCX = "docx", "Word (.docx)"
    PDF = "pdf", "PDF"


class ExportLog(models.Model):
    """One export: who, what, of which subtree or member, how many rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,  # empty: the operator, with `dangvien export-members` on the server
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người xuất",
    )
    kind = models.CharField("nội dung", max_length=16, choices=ExportKind.choices)
    file_format = models.CharField("định dạng", max_length=4, choices=ExportFormat.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức",
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đảng viên",
    )
    org_path = models.CharField(max_length=255)  # the subtree exported, for scoping
    columns = models.JSONField("các cột", default=list, blank=True)
    sensitive = models.BooleanField("có phần nhạy cảm", default=False)
    rows = models.PositiveIntegerField("số dòng", default=0)
    address = models.GenericIPAddressField("địa chỉ", null=True, blank=True)
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "nhật ký xuất dữ liệu"
        verbose_name_plural = "nhật ký xuất dữ liệu"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["org_path", "at"],
                name="export_orgpath_at",
                opclasses=["varchar_pattern_ops", ""],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.rows} dòng — {self.at:%d/%m/%Y %H:%M}"


class ExportJobStatus(models.TextChoices):
    RUNNING = "running", "Đang tạo tệp"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Lỗi"


class ExportJob(models.Model):
    """A list export too large to make while the browser waits (more than
    EXPORT_INLINE_MAX members): made by the job queue into `file`, downloaded
    by the one who asked for it while their scope still allows that export
    (the organisation, any sensitive column). The export itself is logged in
    ExportLog when it is made."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người yêu cầu",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức",
    )
    kind = models.CharField("loại", max_length=8)  # exports.services.BOOK or LIST
    columns = models.JSONField("các cột", default=list, blank=True)
    status_filter = models.CharField("tình trạng đảng viên", max_length=16, blank=True)
    address = models.GenericIPAddressField("địa chỉ", null=True, blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=8,
        choices=ExportJobStatus.choices,
        default=ExportJobStatus.RUNNING,
    )
    file = models.FileField("tệp", upload_to="exports/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField("số dòng", default=0)
    message = models.CharField("thông báo", max_length=300, blank=True)
    log = models.ForeignKey(
        ExportLog, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("lúc yêu cầu", auto_now_add=True)
    finished_at = models.DateTimeField("lúc xong", null=True, blank=True)

    class Meta:
        verbose_name = "lượt tạo tệp xuất"
        verbose_name_plural = "lượt tạo tệp xuất"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.kind} {self.get_status_display()}"
