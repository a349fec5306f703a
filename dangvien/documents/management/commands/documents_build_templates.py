"""Regenerate the .docx templates of the documents app (templates_docx/)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from dangvien.documents.build_templates import build_all
from dangvien.documents.render import TEMPLATE_DIR


class Command(BaseCommand):
    help = "Viết lại các mẫu văn bản .docx theo thể thức HD 36-HD/VPTW."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(TEMPLATE_DIR), help="thư mục ghi mẫu")

    def handle(self, *args, **options):
        for path in build_all(Path(options["dir"])):
            self.stdout.write(str(path))
