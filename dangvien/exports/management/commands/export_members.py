"""dangvien export-members --organization CODE -o FILE.xlsx [--columns a,b] [--book]:
the member list book (7-HSĐV) or a member list of a subtree, from the server
console (the operator: every record, sensitive columns included), logged."""

import time

from django.core.management.base import BaseCommand, CommandError

from dangvien.core.errors import DomainError
from dangvien.exports import services
from dangvien.exports.columns import LIST_COLUMNS
from dangvien.organizations.models import Organization


class Command(BaseCommand):
    help = "Xuất sổ danh sách đảng viên (7-HSĐV) hoặc danh sách đảng viên của một tổ chức ra .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="mã tổ chức đảng")
        parser.add_argument("-o", "--output", required=True, help="tệp .xlsx ghi ra")
        parser.add_argument(
            "--columns",
            default="",
            help="các cột, cách nhau bởi dấu phẩy (danh sách); bỏ trống cùng --book: "
            "sổ danh sách 14 cột. Các cột: " + ", ".join(c.key for c in LIST_COLUMNS),
        )
        parser.add_argument(
            "--book",
            action="store_true",
            help="sổ danh sách đảng viên 7-HSĐV (mặc định khi không chọn cột)",
        )
        parser.add_argument(
            "--status",
            default="",
            help="all, active hoặc một tình trạng (mặc định: sổ: all; danh sách: active)",
        )

    def handle(self, *args, organization, output, columns, book, status, **options):
        org = Organization.objects.filter(code=organization).first()
        if org is None:
            raise CommandError(f"Không có tổ chức đảng mã «{organization}».")
        if not output.lower().endswith(".xlsx"):
            raise CommandError("Tệp ghi ra phải có đuôi .xlsx.")
        keys = [c.strip() for c in columns.split(",") if c.strip()]
        kind = services.LIST if keys and not book else services.BOOK
        started = time.perf_counter()
        try:
            result = services.export_list(
                actor=None, org=org, out=output, kind=kind, columns=keys, status=status
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        seconds = time.perf_counter() - started
        what = "sổ danh sách đảng viên" if kind == services.BOOK else "danh sách đảng viên"
        self.stdout.write(
            f"Đã xuất {what} của {org.name}: {result.rows} đảng viên vào {output} "
            f"trong {seconds:.1f} giây."
        )
