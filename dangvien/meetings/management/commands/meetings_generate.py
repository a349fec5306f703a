"""`dangvien meetings_generate [--month mm/yyyy] [--org CODE]`: put each cell's
regular meeting of the month on its calendar (the day its superior committee
set) with the open case "register"; a monthly job, idempotent."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dangvien.core.actors import SYSTEM
from dangvien.meetings.services import meetings_generate
from dangvien.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Lập lịch sinh hoạt thường kỳ của tháng cho mọi chi bộ đã có ngày sinh hoạt do cấp ủy "
        "cấp trên ấn định. Chạy lại nhiều lần không sao."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="tháng (mm/yyyy); mặc định tháng này")
        parser.add_argument("--org", help="mã tổ chức đảng: chỉ trong cây tổ chức này")

    def handle(self, *args, month=None, org=None, **options):
        try:
            first = (
                dt.datetime.strptime(month, "%m/%Y").date()
                if month
                else dt.date.today().replace(day=1)
            )
        except ValueError:
            raise CommandError("Tháng phải viết dạng mm/yyyy.") from None
        under = None
        if org:
            under = Organization.objects.filter(code=org).first()
            if under is None:
                raise CommandError(f"Không có tổ chức đảng mã «{org}».")
        count = meetings_generate(actor=SYSTEM, month=first, under=under)
        self.stdout.write(f"Đã lập lịch {count} buổi sinh hoạt tháng {first:%m/%Y}.")
