"""`dangvien dues_month --org CODE --month mm/yyyy [--compute] [--close]
[--user USERNAME]`: compute and/or close a month's dues ledger for an
organisation's subtree (dues.services.month_compute, month_close), as the
system or as a user whose roles must allow it; prints the counts."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.dues.services import month_close, month_compute
from dangvien.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Lập (tính) và/hoặc khóa sổ đảng phí một tháng cho một tổ chức đảng và các chi bộ "
        "trực thuộc. Không chọn --compute hay --close thì làm cả hai."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="mã tổ chức đảng")
        parser.add_argument("--month", required=True, help="tháng (mm/yyyy)")
        parser.add_argument("--compute", action="store_true", help="lập sổ (tính số phải đóng)")
        parser.add_argument("--close", action="store_true", help="khóa sổ tháng")
        parser.add_argument("--user", help="tên đăng nhập của người thực hiện; mặc định: hệ thống")

    def handle(self, *args, org, month, compute, close, user=None, **options):
        try:
            first = dt.datetime.strptime(month, "%m/%Y").date()
        except ValueError:
            raise CommandError("Tháng phải viết dạng mm/yyyy, ví dụ 10/2026.") from None
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"Không có tổ chức đảng mã «{org}».")
        actor = SYSTEM
        if user:
            found = get_user_model().objects.filter(username=user, is_active=True).first()
            if found is None:
                raise CommandError(f"Không có người dùng «{user}».")
            actor = found
        if not compute and not close:
            compute = close = True
        try:
            if compute:
                done = month_compute(actor=actor, organization=organization, month=first)
                self.stdout.write(
                    f"Đã lập sổ đảng phí tháng {first:%m/%Y} — {organization.name}: "
                    f"{done.created} dòng mới, {done.updated} dòng cập nhật, "
                    f"{done.kept} dòng giữ nguyên (đã đóng hoặc đã khóa sổ); "
                    f"{done.without_profile} đảng viên chưa có đối tượng đóng đảng phí "
                    "(tính như đảng viên khác)."
                )
            if close:
                shut = month_close(actor=actor, organization=organization, month=first)
                self.stdout.write(
                    f"Đã khóa sổ đảng phí tháng {first:%m/%Y}: {shut.cells} chi bộ, "
                    f"{shut.rows} dòng; {shut.unpaid} không đóng không lý do, "
                    f"{shut.excused} không đóng có lý do; "
                    f"{shut.already_closed} chi bộ đã khóa sổ từ trước."
                )
        except DomainError as exc:
            raise CommandError(exc.message) from None
