"""dangvien restore FILE [--force]: replace the database with a backup, then
compare every table (rows, checksum) with the backup's manifest; exits
non-zero on any difference."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.core.errors import DomainError
from dangvien.exports import backup
from dangvien.exports.errors import BackupError


class Command(BaseCommand):
    help = "Phục hồi cơ sở dữ liệu từ bản sao lưu và đối chiếu số dòng, tổng kiểm từng bảng."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp sao lưu")
        parser.add_argument(
            "--force", action="store_true", help="ghi đè cơ sở dữ liệu đang có dữ liệu"
        )

    def handle(self, *args, file, force, **options):
        path = Path(file)
        try:
            rows = backup.restore(path, force=force)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for line in backup.comparison_table(rows):
            self.stdout.write(line)
        if backup.read_manifest(path) is None:
            raise CommandError(
                f"Không có bảng kiểm {backup.manifest_path(path).name} bên cạnh tệp sao lưu: "
                "đã phục hồi nhưng không đối chiếu được."
            )
        wrong = [r.table for r in rows if not r.matches]
        if wrong:
            raise CommandError(
                BackupError.MISMATCH.text(tables=len(wrong), names=", ".join(wrong[:20]))
            )
        self.stdout.write(
            f"Đã phục hồi {len(rows)} bảng, {sum(r.restored.rows for r in rows if r.restored)} "
            "dòng; số dòng và tổng kiểm khớp bản sao lưu."
        )
