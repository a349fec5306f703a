"""Pages of the member import (/nhap-du-lieu/): upload a list into an
organisation of the caller's writing scope, confirm or change the column
mapping, follow the dry run's progress and read every parsed row and every
error, import, download the failed rows; download the sample list. A job is shown to whoever may write
into its organisation (404 otherwise); the work runs in the job queue
(imports.jobs)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.core.errors import NotFound
from dangvien.imports import services
from dangvien.imports.errors import ImportError_
from dangvien.imports.jobs import start_job
from dangvien.imports.models import ImportJob, JobStatus
from dangvien.imports.parsing import FIELD_BY_KEY, FIELDS, guess_mapping, mapping_problems
from dangvien.imports.reading import FileRefused, Sheet, check_size, iter_cells, read_sheet
from dangvien.imports.sample import sample_rows, write_sheet
from dangvien.organizations.models import Organization
from dangvien.web.common import request_scope

from .chooser import Chooser, OrganizationAmbiguous, chooser_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PAGE = 200
EXAMPLE_ROWS = 5  # rows of the file read for the example value of each column
ERRORS_SHOWN = 1000


class UploadForm(forms.Form):
    """The organisation (from the caller's chooser: a list, or a typed name or
    code) and the file. `cleaned_data["organization"]` is the Organization,
    checked by the import's rule (active, in the writing scope)."""

    organization = forms.CharField(
        label="Tổ chức đảng nhận dữ liệu",
        max_length=300,
        help_text="Đảng bộ hoặc chi bộ; cột «Chi bộ» của tệp ghi tên hoặc mã chi bộ thuộc tổ chức này.",
        error_messages={"required": "Chọn tổ chức đảng nhận dữ liệu."},
    )
    file = forms.FileField(
        label="Tệp danh sách (.xlsx, .xls, .csv)",
        error_messages={
            "required": "Chọn tệp danh sách để tải lên.",
            "empty": "Tệp rỗng: không có gì để nhập.",
        },
    )

    def __init__(self, *args: Any, chooser: Chooser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chooser = chooser
        field = self.fields["organization"]
        if chooser.listed is not None:
            field.widget = forms.Select(choices=[("", "— Chọn tổ chức đảng —"), *chooser.choices()])
        else:
            field.widget = forms.TextInput(
                attrs={
                    "list": "org-suggestions",
                    "autocomplete": "off",
                    "placeholder": "Gõ tên hoặc mã, ví dụ: Đảng bộ xã …",
                }
            )
            field.help_text = (
                "Gõ vài chữ của tên rồi chọn trong danh sách gợi ý, hoặc gõ mã tổ chức "
                "(chi bộ: mã hoặc đủ tên). Cột «Chi bộ» của tệp ghi tên hoặc mã chi bộ "
                "thuộc tổ chức này."
            )

    def clean_organization(self) -> Organization:
        value = self.cleaned_data["organization"]
        try:
            return self.chooser.resolve(value)
        except OrganizationAmbiguous as many:
            raise forms.ValidationError(
                f"Có {many.count} tổ chức đảng cùng tên «{value.strip()}» trong phạm vi "
                "của đồng chí: chọn trong danh sách gợi ý hoặc gõ mã tổ chức."
            ) from None
        except NotFound:
            raise forms.ValidationError(
                "Không có tổ chức đảng mã này hay tên này đang hoạt động trong phạm vi "
                "đồng chí được nhập dữ liệu."
            ) from None


class MappingForm(forms.Form):
    """One choice of field per column of the file (labelled by its header, with
    an example value from the file), then the legacy-encoding conversion."""

    convert_legacy = forms.BooleanField(
        label="Chuyển bảng mã cũ sang Unicode",
        required=False,
        help_text=(
            "Họ tên, địa chỉ gõ bằng bảng mã cũ TCVN3 (ABC) hoặc VNI được đọc lại thành chữ "
            "Unicode. Đánh dấu khi chạy thử báo lỗi bảng mã cũ và cách đọc lại đúng."
        ),
    )

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        mapping: dict[str, str],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        choices = [("", "— không nhập —")] + [(f.key, f.label) for f in FIELDS]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or f"(cột {index + 1})",
                choices=choices,
                required=False,
                initial=mapping.get(str(index), ""),
            )
        self.order_fields([*(f"col_{i}" for i in range(len(headers))), "convert_legacy"])

    def show_examples(self, examples: list[str]) -> None:
        """Put each column's example value under its choice."""
        for index, example in enumerate(examples):
            column = self.fields.get(f"col_{index}")
            if column is not None:
                column.help_text = f"Ví dụ: {example}" if example else "Các dòng đầu để trống."

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }


def _examples(job: ImportJob, width: int = 60) -> list[str]:
    """Per column of the job's file, the first value of its first rows that is
    not empty, as text (cut to `width` characters); empty when none or when the
    file can no longer be read."""
    try:
        sheet = _job_sheet(job)
    except FileRefused:
        return []
    examples = [""] * len(job.headers)
    for _number, cells in sheet.rows[:EXAMPLE_ROWS]:
        for index, value in enumerate(cells[: len(examples)]):
            if not examples[index] and value not in (None, ""):
                examples[index] = _shown(value)[:width]
    return examples


def _shown(value: Any) -> str:
    """A cell as the user typed it: dates dd/mm/yyyy, whole numbers without ".0"."""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _job_sheet(job: ImportJob) -> Sheet:
    """The job's stored file, read again. Raises FileRefused."""
    job.file.open("rb")
    try:
        return read_sheet(job.file.read(), job.original_name)
    finally:
        job.file.close()


def _job_for(request: HttpRequest, pk: Any) -> ImportJob:
    """The job if the caller may write into its organisation; NotFound otherwise."""
    job = (
        ImportJob.objects.select_related("organization", "created_by", "imported_by")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    scope = request_scope(request)
    if job is None or not scope.writes_path(job.organization.path):
        raise NotFound()
    # A job shows the file's rows (citizen IDs among them): to whoever uploaded
    # it, and to others only where they may see the sensitive fields.
    if job.created_by_id != request.user.pk and not scope.sees_sensitive(
        SimpleNamespace(pk=0, org_path=job.organization.path)
    ):
        raise NotFound()
    return job


@login_required
@require_http_methods(["GET", "POST"])
def imports_home(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    if not scope.everything and not scope.write_paths:
        raise NotFound()
    chooser = chooser_for(scope, request.GET.get("org", ""))
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        chooser=chooser,
        initial={"organization": chooser.initial},
    )
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size or 0)  # before the file is read into memory
            sheet = read_sheet(upload.read(), upload.name)
        except FileRefused as refused:
            form.add_error("file", f"{refused.message} ({refused.code})")
        else:
            upload.seek(0)
            job = ImportJob(
                created_by=request.user,  # type: ignore[misc]  # login_required
                organization=org,
                original_name=upload.name[:255],
                sheet_name=sheet.name[:255],
                headers=sheet.headers,
                mapping=guess_mapping(sheet.headers),
                rows_total=len(sheet.rows),
            )
            job.file.save(upload.name, upload, save=True)
            return redirect("import_mapping", job.pk)
    jobs = [
        j
        for j in ImportJob.objects.select_related("organization").order_by("-created_at")[:200]
        if scope.writes_path(j.organization.path)
    ][:30]
    return render(request, "imports/home.html", {"form": form, "jobs": jobs, "chooser": chooser})


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job_for(request, pk)
    if job.is_running:
        return redirect("import_detail", job.pk)
    form = MappingForm(
        request.POST or None,
        headers=job.headers,
        mapping=job.mapping,
        initial={"convert_legacy": job.convert_legacy},
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        problems = mapping_problems(mapping)
        if problems:
            for problem in problems:
                form.add_error(None, problem)
        else:
            job.mapping = mapping
            job.convert_legacy = form.cleaned_data["convert_legacy"]
            job.save(update_fields=["mapping", "convert_legacy"])
            start_job(job, dry_run=True, by=request.user)  # type: ignore[arg-type]  # login_required
            return redirect("import_detail", job.pk)
    form.show_examples(_examples(job))
    return render(request, "imports/mapping.html", {"job": job, "form": form})


def _parsed_page(job: ImportJob, page_number: Any) -> tuple[Any, list[dict[str, Any]], list[str]]:
    """The page of parsed rows, each as the product read it (read again from the file)."""
    sheet = _job_sheet(job)
    paginator = Paginator(sheet.rows, ROWS_PAGE)
    page = paginator.get_page(page_number)
    keys = [k for k in job.mapping.values() if k]
    columns = [FIELD_BY_KEY[k].label for k in keys]
    sheet.rows = list(page.object_list)
    index = services.CellIndex(job.organization)
    provinces = services.PlaceIndex()
    headers = {key: job.headers[int(col)] for col, key in job.mapping.items() if key}
    refused = {e["row"] for e in job.result.get("errors", [])}
    rows = []
    for number, cells in iter_cells(sheet, job.mapping):
        parsed = services.parse_row(
            number,
            cells,
            headers=headers,
            date1904=sheet.date1904,
            convert_legacy=job.convert_legacy,
            cells_index=index,
            provinces=provinces,
            today=dt.date.today(),
        )
        rows.append(
            {
                "number": number,
                "values": [
                    (label, parsed.shown.get(k, "")) for k, label in zip(keys, columns, strict=True)
                ],
                "refused": number in refused,
            }
        )
    return page, rows, columns


@login_required
def import_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job_for(request, pk)
    context: dict[str, Any] = {"job": job, "refresh": job.is_running}
    if job.status in (JobStatus.CHECKED, JobStatus.REFUSED, JobStatus.DONE):
        page, rows, columns = _parsed_page(job, request.GET.get("trang"))
        context.update(page=page, rows=rows, columns=columns)
        context["errors"] = job.result.get("errors", [])[:ERRORS_SHOWN]
        context["notes"] = job.result.get("notes", [])[:ERRORS_SHOWN]
        # Columns the caller may not write (citizen IDs for a cell or an office):
        # the way out is to leave them out of the mapping.
        context["unwritable"] = sorted(
            {e["column"] for e in job.result.get("errors", []) if e["code"] == "field_not_writable"}
        )
    response = render(request, "imports/detail.html", context)
    if job.is_running:
        response["Refresh"] = "2"  # the progress updates itself while the job runs
    return response


@login_required
@require_POST
def import_run(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job_for(request, pk)
    if job.status != JobStatus.CHECKED:
        messages.error(request, ImportError_.JOB_STATE.text(status=job.get_status_display()))
        return redirect("import_detail", job.pk)
    start_job(job, dry_run=False, by=request.user)  # type: ignore[arg-type]  # login_required
    return redirect("import_detail", job.pk)


@login_required
@require_GET
def import_sample(request: HttpRequest) -> HttpResponse:
    """The sample list (docs/mau-nhap-dang-vien.xlsx, made by imports.sample):
    clean rows and the troubles real lists hold, to try the dry run on. For the
    importers (404 to others), like the upload page."""
    scope = request_scope(request)
    if not scope.everything and not scope.write_paths:
        raise NotFound()
    with tempfile.TemporaryDirectory() as folder:
        content = write_sheet(Path(folder) / "mau.xlsx", sample_rows()).read_bytes()
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-dang-vien.xlsx"'
    return response


@login_required
def import_failed_rows(request: HttpRequest, pk: Any) -> FileResponse:
    job = _job_for(request, pk)
    if not job.failed_file:
        raise NotFound()
    return FileResponse(
        job.failed_file.open("rb"),
        as_attachment=True,
        filename=f"dong-loi-{job.pk}.xlsx",
        content_type=XLSX,
    )
