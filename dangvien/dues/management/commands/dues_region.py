"""`dangvien dues_region --commune CODE --region 1-4 --from dd/mm/yyyy
--source TEXT`: record a commune's wage region (the appendix of the
Government's decree on the regional minimum wage) from a day, confirmed. The
unconfirmed default of migration dues/0002 for that day is corrected in place
(its history keeps the old value); a confirmed region is never overwritten (a
later day is a new row, the months before keep their region)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dangvien.dues.models import CommuneWageRegion
from dangvien.places.models import Commune
from dangvien.seeding.baseline import history_baseline


class Command(BaseCommand):
    help = (
        "Ghi vùng lương tối thiểu của một xã, phường từ một ngày (theo Phụ lục nghị định), "
        "đánh dấu đã đối chiếu. Sửa giá trị mặc định chưa đối chiếu; không sửa bản ghi đã xác nhận."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commune", type=int, required=True, help="mã xã, phường")
        parser.add_argument("--region", type=int, required=True, help="vùng (1-4)")
        parser.add_argument("--from", dest="start", required=True, help="áp dụng từ (dd/mm/yyyy)")
        parser.add_argument(
            "--source", required=True, help="căn cứ, ví dụ «Phụ lục NĐ 293/2025/NĐ-CP»"
        )

    def handle(self, *args, commune, region, start, source, **options):
        try:
            day = dt.datetime.strptime(start, "%d/%m/%Y").date()
        except ValueError:
            raise CommandError("Ngày phải viết dạng dd/mm/yyyy, ví dụ 01/01/2026.") from None
        if region not in (1, 2, 3, 4):
            raise CommandError("Vùng phải là 1, 2, 3 hoặc 4.")
        source = source.strip()
        if not source or "<" in source or ">" in source:
            raise CommandError("Cần ghi căn cứ (số nghị định, phụ lục), không có dấu < >.")
        place = Commune.objects.filter(code=commune).first()
        if place is None:
            raise CommandError(f"Không có xã, phường mã {commune}.")
        existing = CommuneWageRegion.objects.filter(commune=place, effective_from=day).first()
        if existing is not None and existing.confirmed:
            raise CommandError(
                f"{place.name} đã có vùng {existing.region} từ {day:%d/%m/%Y}, đã đối chiếu; "
                "không sửa bản ghi đã xác nhận: hãy ghi từ một ngày khác."
            )
        # The migration's default of that day (unconfirmed) is corrected in place,
        # its history keeps the old value; otherwise a new dated row.
        if existing is not None:  # loaded in bulk by the migration: keep its value first
            history_baseline(
                CommuneWageRegion.objects.filter(pk=existing.pk),
                reason="Mặc định của migration dues/0002",
            )
        row = existing or CommuneWageRegion(commune=place, effective_from=day)
        row.region, row.source, row.confirmed = region, source[:160], True
        row._change_reason = "Lệnh dues_region"
        row.save()
        self.stdout.write(
            f"Đã {'sửa' if existing else 'ghi'} {place.name}: vùng {region} từ {day:%d/%m/%Y} "
            f"({source[:160]}). Các tháng chưa khóa sổ theo vùng này khi lập lại sổ."
        )
