"""An import of a member list (issue 13): the uploaded file, who sent it and who
started the import, into which organisation, the confirmed column mapping, and
the state and result of its dry run and import, which run as background jobs
(imports.jobs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangvien.organizations.models import Organization


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", "Đã tải lên, chờ xác nhận cột"
    CHECKING = "checking", "Đang kiểm tra (chạy thử)"
    CHECKED = "checked", "Đã kiểm tra, chưa nhập"
    REFUSED = "refused", "Có dòng lỗi: chưa nhập gì"
    IMPORTING = "importing", "Đang nhập"
    DONE = "done", "Đã nhập"
    FAILED = "failed", "Không đọc được tệp"


RUNNING_STATUSES = (JobStatus.CHECKING, JobStatus.IMPORTING)


class ImportJob(models.Model):
    file = models.FileField("tệp", upload_to="imports/%Y/%m/")
    original_name = models.CharField("tên tệp", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người tải lên",
    )
    # Who pressed «Nhập» (the import runs as them); empty until then, and again
    # when a new dry run starts.
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người bấm nhập",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức đảng"
    )
    sheet_name = models.CharField("trang tính", max_length=255, blank=True)
    headers = models.JSONField("tiêu đề cột", default=list, blank=True)
    # {column index as text: field key}; "" for a column left out.
    mapping = models.JSONField("ghép cột", default=dict, blank=True)
    convert_legacy = models.BooleanField("chuyển bảng mã cũ sang Unicode", default=False)
    status = models.CharField(
        "trạng thái", max_length=12, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    dry_run = models.BooleanField("chạy thử", default=True)
    rows_total = models.PositiveIntegerField("số dòng", default=0)
    rows_done = models.PositiveIntegerField("đã xử lý", default=0)
    rows_refused = models.PositiveIntegerField("dòng lỗi", default=0)
    rows_created = models.PositiveIntegerField("thêm mới", default=0)
    rows_updated = models.PositiveIntegerField("cập nhật", default=0)
    rows_unchanged = models.PositiveIntegerField("không đổi", default=0)
    # {"errors": [{row, column, field, code, message}...] (the first ERRORS_KEPT),
    #  "errors_total": n, "notes": [...], "notes_total": n, "message": file-level refusal,
    #  "code": its code, "refused_rows": {row number: "code: message; ..."}}
    result = models.JSONField("kết quả", default=dict, blank=True)
    failed_file = models.FileField("tệp các dòng lỗi", upload_to="imports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lượt nhập dữ liệu"
        verbose_name_plural = "lượt nhập dữ liệu"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0 if self.is_running else 100
        return min(100, round(100 * self.rows_done / self.rows_total))
