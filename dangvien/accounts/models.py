"""Roles held at an organisation; a role reaches that organisation's subtree."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dangvien.organizations.models import Organization


class Role(models.TextChoices):
    MEMBER = "member", "Đảng viên"
    CELL_SECRETARY = "cell_secretary", "Bí thư, chi ủy viên"
    GRASSROOTS_OFFICE = "grassroots_office", "Văn phòng đảng ủy cơ sở"
    ORGANISATION_BOARD = "organisation_board", "Ban tổ chức"
    INSPECTION = "inspection", "Ủy ban kiểm tra"
    AUDITOR = "auditor", "Kiểm toán (chỉ đọc)"
    SYSTEM_ADMIN = "system_admin", "Quản trị hệ thống"


class RoleGrantQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None):
        """The grants in force on day `on` (today by default): from `valid_from`
        to `valid_to` inclusive, and never on or after the day of a revocation
        with immediate effect (`revoked_at`), so that a grant revoked today stops
        at once instead of lasting until midnight."""
        on = on or timezone.localdate()
        next_midnight = timezone.make_aware(
            dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min)
        )
        return self.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            Q(revoked_at__isnull=True) | Q(revoked_at__gte=next_midnight),
        )


class RoleGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grants"
    )
    role = models.CharField("vai trò", max_length=24, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="grants", verbose_name="tổ chức"
    )
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến ngày", null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Revoked with immediate effect at this moment (the grant no longer counts
    # from that day on, not even for the rest of the day).
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    history = HistoricalRecords()

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "vai trò được giao"
        verbose_name_plural = "vai trò được giao"
        indexes = [models.Index(fields=["user", "valid_to"], name="grant_user_valid")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.organization}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn")
    revoked_at = models.DateTimeField("thu hồi", null=True, blank=True)
    # The web session the token was requested from, if any: logging out of that
    # session revokes it.
    session_key = models.CharField(max_length=40, blank=True, default="")

    # Set by selectors.api_tokens_of for the account page (no column).
    state: str

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%d/%m/%Y})"


class AccessKind(models.TextChoices):
    RECORD = "record", "Xem hồ sơ"
    SENSITIVE = "sensitive", "Xem phần nhạy cảm (CCCD, gia đình)"
    PHOTO = "photo", "Xem ảnh"
    API_RECORD = "api_record", "Xem hồ sơ qua API"


class AccessLog(models.Model):
    """Who looked at which record or sensitive section, when, from where."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người xem",
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="đảng viên"
    )
    org_path = models.CharField(max_length=255)  # where the member was, for scoping
    kind = models.CharField("nội dung", max_length=16, choices=AccessKind.choices)
    address = models.GenericIPAddressField("địa chỉ", null=True, blank=True)
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "nhật ký truy cập"
        verbose_name_plural = "nhật ký truy cập"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["member", "at"], name="access_member_at"),
            models.Index(
                fields=["org_path", "at"],
                name="access_orgpath_at",
                opclasses=["varchar_pattern_ops", ""],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} — {self.at:%d/%m/%Y %H:%M}"


class SecurityEventKind(models.TextChoices):
    TWO_FACTOR_RESET = "two_factor_reset", "Đặt lại xác thực hai lớp"
    TWO_FACTOR_DEVICE_REMOVED = "two_factor_removed", "Gỡ thiết bị xác thực hai lớp"
    PASSWORD_CHANGED = "password_changed", "Đổi mật khẩu"
    PASSWORD_RESET = "password_reset", "Đặt lại mật khẩu"
    API_TOKEN_REVOKED = "api_token_revoked", "Thu hồi mã truy cập API"
    ACCOUNT_CREATED = "account_created", "Tạo tài khoản"


class SecurityEvent(models.Model):
    """An append-only record of an action on someone's login credentials: who did
    it to whom, when, and what was removed. Rows are only ever added."""

    kind = models.CharField("việc", max_length=24, choices=SecurityEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thực hiện",
    )  # empty: the operator, with the `reset_2fa` command on the server
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="security_events",
        verbose_name="tài khoản",
    )
    details = models.JSONField("chi tiết", default=dict, blank=True)
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện bảo mật"
        verbose_name_plural = "sự kiện bảo mật"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="security_user_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.user} — {self.at:%d/%m/%Y %H:%M}"
