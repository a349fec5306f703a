"""dangvien demo: migrate, load the demo province if the database is empty,
create the demo accounts, and serve."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangvien.members.models import Member
from dangvien.seeding import services


class Command(BaseCommand):
    help = "Chạy bản trình diễn: tạo CSDL, nạp dữ liệu mẫu, tạo tài khoản và mở máy chủ."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="chỉ chuẩn bị dữ liệu")

    def handle(self, *args, port, host, no_serve, **options):
        call_command("migrate", verbosity=0, interactive=False)
        if not Member.objects.exists():
            self.stdout.write("Đang nạp dữ liệu mẫu (tỉnh Hà Tĩnh)…")
            result = services.seed(services.demo_plan())
            self.stdout.write(
                f"Đã nạp {result.organizations} tổ chức, {result.cells} chi bộ, "
                f"{result.members} đảng viên."
            )
        from dangvien.compliance.models import Case
        from dangvien.seeding.posts import demo_posts

        demo_posts()  # who signs each demo organisation's papers (idempotent)

        if not Case.objects.exists():
            opened = services.demo_workflows()
            self.stdout.write(f"Đã mở {opened} việc mẫu (kết nạp, chuyển sinh hoạt, xóa tên…).")
        from dangvien.meetings.models import Meeting

        if not Meeting.objects.exists():
            year = services.demo_meetings()
            self.stdout.write(
                f"Đã nạp {year.meetings} buổi sinh hoạt chi bộ, {year.attendances} lượt điểm danh."
            )
        accounts = services.demo_accounts()
        call_command("collectstatic", verbosity=0, interactive=False)
        address = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"dangvien đang chạy tại {address}"))
        self.stdout.write("Tài khoản trình diễn (mật khẩu đều là «demo»):")
        for username, _password, label in accounts:
            self.stdout.write(f"  {username:<9} {label}")
        self.stdout.write("")
        if not no_serve:
            call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=True)
