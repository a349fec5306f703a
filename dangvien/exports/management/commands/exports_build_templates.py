"""Regenerate the .docx templates of the record card and CV summary."""

from pathlib import Path

from django.core.management.base import BaseCommand

from dangvien.documents.render import TEMPLATE_DIR
from dangvien.exports.docx_templates import build_all


class Command(BaseCommand):
    help = "Viết lại mẫu phiếu đảng viên và sơ yếu lý lịch (.docx)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(TEMPLATE_DIR), help="thư mục ghi mẫu")

    def handle(self, *args, **options):
        for path in build_all(Path(options["dir"])):
            self.stdout.write(str(path))
