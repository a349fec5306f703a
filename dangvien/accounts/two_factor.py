"""Two-factor login (TOTP, django-otp) for staff roles above the cell.

With DANGVIEN_REQUIRE_2FA on, such a user who logged in with a password is
sent to set up an authenticator app (first time) or to type its code, before
any other page; the API asks for the code with the password.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect

from .models import Role, RoleGrant

STAFF_ROLES = (
    Role.GRASSROOTS_OFFICE,
    Role.ORGANISATION_BOARD,
    Role.INSPECTION,
    Role.AUDITOR,
    Role.SYSTEM_ADMIN,
)
OPEN_PATHS = ("/xac-thuc-hai-lop/", "/dang-xuat/", "/dang-nhap/", "/static/", "/api/")


def needs_two_factor(user) -> bool:
    if not getattr(settings, "DANGVIEN_REQUIRE_2FA", False) or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return RoleGrant.objects.in_force().filter(user=user, role__in=STAFF_ROLES).exists()


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PATHS)
            and not user.is_verified()
            and needs_two_factor(user)
        ):
            return redirect("two_factor")
        return self.get_response(request)
