"""`dangvien reset_2fa <username>`: the operator resets an account's two-factor login."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangvien.accounts.services import two_factor_reset
from dangvien.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Đặt lại xác thực hai lớp của một tài khoản: thiết bị cũ bị gỡ, lần đăng nhập "
        "tới người dùng thiết lập ứng dụng xác thực mới. Việc đặt lại được ghi lại."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập cần đặt lại")
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="tên đăng nhập của người thực hiện (được kiểm tra thẩm quyền); "
            "bỏ trống: quản trị máy chủ",
        )

    def handle(self, *args, username: str, by: str | None = None, **options):
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản «{username}».")
        actor = None
        if by:
            actor = users.filter(username=by).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản «{by}».")
        try:
            event = two_factor_reset(actor=actor, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        count = len(event.details.get("devices", []))
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã đặt lại xác thực hai lớp của «{username}» (gỡ {count} thiết bị). "
                "Lần đăng nhập tới, người dùng sẽ thiết lập ứng dụng xác thực mới."
            )
        )
