"""`dangvien recognition_open_due [--on dd/mm/yyyy] [--org CODE]`: open the recognition
files that are due (probation ending within RECOGNITION_OPEN_DAYS_AHEAD days); a periodic job, idempotent."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dangvien.admissions.services import recognition_open_due
from dangvien.core.actors import SYSTEM
from dangvien.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Mở hồ sơ xét công nhận đảng viên chính thức cho các đảng viên dự bị sắp hết "
        "hết thời gian dự bị (trong số ngày mở trước theo quy định) mà chưa có hồ sơ. Chạy "
        "lại nhiều lần không sao."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="ngày xét (dd/mm/yyyy); mặc định hôm nay")
        parser.add_argument("--org", help="mã tổ chức đảng: chỉ trong cây tổ chức này")

    def handle(self, *args, on=None, org=None, **options):
        try:
            day = dt.datetime.strptime(on, "%d/%m/%Y").date() if on else dt.date.today()
        except ValueError:
            raise CommandError("Ngày phải viết dạng dd/mm/yyyy.") from None
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(f"Không có tổ chức đảng mã «{org}».")
        count = recognition_open_due(actor=SYSTEM, on=day, organization=organization)
        self.stdout.write(f"Đã mở {count} hồ sơ xét công nhận đảng viên chính thức.")
