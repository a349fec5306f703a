"""dangvien seed --members N --seed S: deterministic synthetic data, in bulk."""

from django.core.management.base import BaseCommand, CommandError

from dangvien.core.errors import DomainError
from dangvien.seeding import generate, services
from dangvien.web.templatetags.quantities import so  # «12.946», «15,4»


class Command(BaseCommand):
    help = "Nạp dữ liệu tổng hợp (tổ chức, đảng viên, sự kiện) vào cơ sở dữ liệu trống."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="số đảng viên")
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên")
        parser.add_argument(
            "--provinces",
            type=str,
            default="",
            help="mã tỉnh, cách nhau bởi dấu phẩy (mặc định: theo quy mô)",
        )

    def handle(self, *args, members, seed, provinces, **options):
        if members < 1:
            raise CommandError("Số đảng viên phải lớn hơn 0.")
        try:
            codes = [int(c) for c in provinces.split(",") if c.strip()]
        except ValueError:
            raise CommandError("Mã tỉnh phải là số, ví dụ: --provinces 42,40") from None
        plan = generate.Plan(members=members, seed=seed, province_codes=codes)
        try:
            result = services.seed(
                plan, progress=lambda n: self.stdout.write(f"  … {so(n)} đảng viên")
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Đã nạp {so(result.organizations)} tổ chức ({so(result.cells)} chi bộ), "
            f"{so(result.members)} đảng viên, {so(result.events)} sự kiện trong "
            f"{so(result.seconds, 1)} giây ({so(result.members_per_second, 0)} đảng viên/giây)."
        )
        if result.cpu:
            self.stdout.write(result.cpu.describe() + ".")
        self.stdout.write(
            f"Số liệu của các tổ chức: đếm trong {so(result.summary_seconds, 1)} giây."
        )
        if result.vacuum_seconds:
            self.stdout.write(
                f"Dọn bảng sau khi nạp (VACUUM): {so(result.vacuum_seconds, 1)} giây."
            )
