"""`dangvien import-members FILE --organization CODE [--dry-run] [--errors FILE]`:
check (and unless --dry-run, import) a member list from the command line, as the
system. Prints the rows read, imported and refused; writes the row errors to a
CSV file; exits 1 when any row is refused (nothing is then written), 2 when the
file or its columns cannot be read."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import NotFound
from dangvien.imports import services
from dangvien.imports.output import errors_csv
from dangvien.imports.parsing import FIELD_BY_KEY, guess_mapping, mapping_problems
from dangvien.imports.reading import FileRefused, read_sheet
from dangvien.organizations.models import Organization


class Command(BaseCommand):
    help = "Nhập danh sách đảng viên từ tệp Excel (.xlsx, .xls) hoặc .csv."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx, .xls hoặc .csv")
        parser.add_argument("--organization", required=True, help="mã tổ chức đảng nhận dữ liệu")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
        parser.add_argument("--errors", help="tệp CSV ghi các lỗi theo dòng")
        parser.add_argument(
            "--convert-legacy",
            action="store_true",
            help="chuyển họ tên gõ bằng bảng mã cũ (TCVN3, VNI) sang Unicode",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.", returncode=2)
        organization = Organization.objects.filter(code=options["organization"]).first()
        if organization is None or not organization.is_active:
            raise CommandError(
                f"Không có tổ chức đảng đang hoạt động mã «{options['organization']}».",
                returncode=2,
            )
        started = time.monotonic()
        try:
            sheet = read_sheet(path.read_bytes(), path.name)
        except FileRefused as refused:
            raise CommandError(f"{refused.message} ({refused.code})", returncode=2) from None
        mapping = guess_mapping(sheet.headers)
        problems = mapping_problems(mapping)
        if problems:
            raise CommandError(" ".join(problems) + " (mapping_missing)", returncode=2)
        self.stdout.write(
            "Cột: "
            + "; ".join(
                f"«{sheet.headers[int(c)]}» → {FIELD_BY_KEY[k].label}" for c, k in mapping.items()
            )
        )
        kwargs = {
            "mapping": mapping,
            "organization": organization,
            "actor": SYSTEM,
            "convert_legacy": options["convert_legacy"],
        }
        try:
            if options["dry_run"]:
                check, _rows = services.check_sheet(sheet, **kwargs)
            else:
                check = services.import_sheet(sheet, source=path.name, **kwargs)
        except NotFound:
            raise CommandError("Không tìm thấy tổ chức đảng.", returncode=2) from None
        elapsed = time.monotonic() - started
        imported = 0 if not check.written else check.created + check.updated
        self.stdout.write(f"Đọc: {check.rows_read} dòng")
        if options["dry_run"]:
            self.stdout.write(
                f"Chạy thử: sẽ thêm mới {check.created}, cập nhật {check.updated}, "
                f"không đổi {check.unchanged}"
            )
        else:
            self.stdout.write(
                f"Đã nhập: {imported} (thêm mới {check.created if check.written else 0}, "
                f"cập nhật {check.updated if check.written else 0}, "
                f"không đổi {check.unchanged if check.written else 0})"
            )
        self.stdout.write(f"Bị từ chối: {check.refused} dòng")
        self.stdout.write(
            f"Thời gian: {elapsed:.1f} giây ({check.rows_read / max(elapsed, 1e-6):.0f} dòng/giây)"
        )
        for note in check.notes[:20]:
            self.stdout.write(f"  Ghi chú dòng {note.row}, cột «{note.column}»: {note.message}")
        for error in check.errors[:20]:
            where = f"Dòng {error.row}, cột «{error.column}»" if error.row else "Cả tệp"
            self.stderr.write(f"  {where} [{error.code}]: {error.message}")
        if len(check.errors) > 20:
            self.stderr.write(f"  ... và {len(check.errors) - 20} lỗi khác.")
        if options["errors"]:
            Path(options["errors"]).write_text(errors_csv(check.errors), encoding="utf-8-sig")
            self.stdout.write(f"Đã ghi {len(check.errors)} lỗi vào {options['errors']}")
        if check.failure is not None:
            raise CommandError(f"Chưa nhập gì: {check.failure[1]}", returncode=1)
        if check.refused:
            if not options["dry_run"]:
                self.stderr.write("Có dòng lỗi: chưa nhập gì.")
            raise CommandError(f"{check.refused} dòng bị từ chối.", returncode=1)
