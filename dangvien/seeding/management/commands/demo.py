"""dangvien demo: migrate, load the demo province if the database is empty,
create the demo accounts, and serve."""

import datetime as dt

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangvien.members.models import Member
from dangvien.organizations.models import Organization
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
        from dangvien.dues.models import DuesLedger

        if not DuesLedger.objects.exists():
            from dangvien.seeding.dues import demo_dues

            dues = demo_dues()
            self.stdout.write(
                f"Đã nạp đảng phí {len(dues.months)} tháng "
                f"({dues.months[0]:%m/%Y}–{dues.months[-1]:%m/%Y}), {dues.closes} lượt khóa sổ."
                if dues.months
                else "Đã nạp hồ sơ đảng phí."
            )
        self._year_end()
        accounts = services.demo_accounts()
        self._monthly_figures()
        call_command("collectstatic", verbosity=0, interactive=False)
        address = f"http://{host}:{port}/"
        self.stdout.write("")
        if no_serve:  # data only: nothing is served by this command
            self.stdout.write(self.style.SUCCESS("Dữ liệu trình diễn đã sẵn sàng."))
        else:
            self.stdout.write(self.style.SUCCESS(f"dangvien đang chạy tại {address}"))
        self.stdout.write("Tài khoản trình diễn (mật khẩu đều là «demo»):")
        for username, _password, label in accounts:
            self.stdout.write(f"  {username:<9} {label}")
        self.stdout.write("")
        if not no_serve:
            worker = self._start_jobs()
            try:
                call_command(
                    "runserver", f"{host}:{port}", use_reloader=False, insecure_serving=True
                )
            finally:
                if worker is not None:
                    worker.terminate()

    def _monthly_figures(self) -> None:
        """The dashboards' past twelve months and widgets for the demo accounts'
        organisations (the job queue would compute them on the first view; here
        at once)."""
        from dangvien.accounts.models import RoleGrant
        from dangvien.reports.monthly import monthly_figures_ensure
        from dangvien.reports.widgets import widgets_refresh

        roots = Organization.objects.filter(
            pk__in=RoleGrant.objects.values("organization_id")
        ) | Organization.objects.filter(parent__isnull=True)
        for org in roots.distinct():
            monthly_figures_ensure(org, dt.date.today())
            widgets_refresh(org, dt.date.today())
        self.stdout.write("Đã tính số đảng viên cuối 12 tháng qua cho các trang tổng quan.")
        from dangvien.compliance.notifications import notify_deadlines

        notify_deadlines(dt.date.today())  # the morning's digests, as the queue gives them

    def _start_jobs(self):
        """The job queue's worker beside the demo server (imports run in it):
        `dangvien run-jobs` as a child process, stopped with the server. None
        when jobs run in the caller (JOBS_BACKEND "immediate")."""
        import subprocess
        import sys

        from django.conf import settings

        if settings.JOBS_BACKEND == "immediate":
            return None
        worker = subprocess.Popen([sys.executable, "-m", "dangvien.cli", "run_jobs"])
        self.stdout.write(
            f"Đã khởi động tiến trình việc nền (dangvien run-jobs, {settings.JOBS_BACKEND})."
        )
        return worker

    def _year_end(self) -> None:
        """The year end's demo (issue 12), each part once: the 2025 grading
        closed and 2026 open, one discipline in force and one lapsed, the badge
        list for the next award date."""
        import datetime as dt

        from dangvien.badges.models import BadgeAward
        from dangvien.discipline.models import Discipline
        from dangvien.grading.models import GradingCampaign

        today = dt.date.today()
        if not GradingCampaign.objects.exists():
            from dangvien.grading.demo import demo_grading

            demo_grading(today)
            self.stdout.write("Đã nạp kết quả đánh giá, xếp loại năm 2025 và mở đợt năm 2026.")
        if not Discipline.objects.exists():
            from dangvien.discipline.demo import demo_discipline

            demo_discipline(today)
            self.stdout.write("Đã nạp một kỷ luật đang có hiệu lực và một đã hết hiệu lực.")
        if not BadgeAward.objects.exists():
            from dangvien.badges.demo import demo_badges

            demo_badges(today)
            self.stdout.write("Đã nạp danh sách đề nghị tặng Huy hiệu Đảng đợt tới.")
        from dangvien.admissions.models import AdmissionTarget

        if not AdmissionTarget.objects.exists():
            from dangvien.admissions.demo import demo_targets

            demo_targets(today)
            self.stdout.write(f"Đã giao chỉ tiêu kết nạp đảng viên năm {today.year}.")
        self._data_quality(today)

    def _data_quality(self, today) -> None:
        """Issue 13: real findings for the data-quality console (a likely
        duplicate «Hòa»/«Hoà», members without a citizen ID, a CV birth year
        that differs from the citizen ID's) and its first snapshot; once."""
        from dangvien.quality.models import QualitySnapshot

        if not QualitySnapshot.objects.exists():
            from dangvien.quality.demo import demo_quality

            demo_quality(today)
            self.stdout.write(
                "Đã tạo các phát hiện mẫu cho bảng chất lượng dữ liệu và ghi số liệu ngày đầu."
            )
