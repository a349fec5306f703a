"""`dangvien quality_snapshot [--organization CODE] [--date dd/mm/yyyy]`: the daily
count of every data-quality check, kept for the organisation and each
organisation one level down (quality.services.quality_snapshot_write); without
--organization, for every top organisation of the tree. Rerunning the same day
replaces that day's counts."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dangvien.organizations.models import Organization
from dangvien.quality.errors import QualityError
from dangvien.quality.services import quality_snapshot_write


class Command(BaseCommand):
    help = (
        "Ghi số liệu chất lượng dữ liệu trong ngày (mỗi phép kiểm tra) cho một tổ chức đảng "
        "và các tổ chức trực thuộc một cấp; không ghi --organization thì cho các tổ chức cao nhất."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="mã tổ chức đảng")
        parser.add_argument("--date", help="ngày ghi số liệu (dd/mm/yyyy); mặc định hôm nay")

    def handle(self, *args, organization=None, date=None, **options):
        day = dt.date.today()
        if date:
            try:
                day = dt.datetime.strptime(date, "%d/%m/%Y").date()
            except ValueError:
                raise CommandError("Ngày phải viết dạng dd/mm/yyyy, ví dụ 05/03/2026.") from None
        if organization:
            org = Organization.objects.filter(code=organization).first()
            if org is None:
                raise CommandError(QualityError.ORGANIZATION_UNKNOWN.text(code=organization))
            targets = [org]
        else:
            targets = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
        for org in targets:
            done = quality_snapshot_write(organization=org, day=day)
            self.stdout.write(
                f"{org.name} ({org.code}), ngày {day:%d/%m/%Y}: đã ghi {done.rows} số liệu "
                f"cho {done.organizations} tổ chức."
            )
