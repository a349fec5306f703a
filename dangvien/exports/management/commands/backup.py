"""dangvien backup [-o FILE]: save the database (SQLite: backup API; PostgreSQL:
pg_dump -Fc of one snapshot) with a manifest of row counts and checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.core.errors import DomainError
from dangvien.exports import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu (SQLite hoặc PostgreSQL) kèm bảng số dòng và tổng kiểm."

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", default="", help="tệp sao lưu (mặc định: var/backups/...)"
        )

    def handle(self, *args, output, **options):
        try:
            path, sums = backup.backup(Path(output) if output else None)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for line in backup.sums_table(sums):
            self.stdout.write(line)
        self.stdout.write(
            f"Đã sao lưu {len(sums)} bảng, {sum(s.rows for s in sums.values())} dòng vào {path} "
            f"(bảng kiểm: {backup.manifest_path(path)})."
        )
