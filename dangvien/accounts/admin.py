"""Django's admin for authenticator devices: removing one is recorded (who, when,
which device) and revokes the owner's API tokens, as the product's reset does."""

from django.contrib import admin
from django.db import transaction
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services


class RecordedTOTPDeviceAdmin(TOTPDeviceAdmin):
    """TOTP devices; a deletion is a recorded SecurityEvent with the admin user."""

    def delete_model(self, request, obj):
        """Delete one device, recorded with the acting admin user."""
        self._delete(request, [obj])

    def delete_queryset(self, request, queryset):
        """Delete the selected devices, recorded per owner with the acting admin user."""
        self._delete(request, list(queryset.select_related("user")))

    def _delete(self, request, devices):
        by_user: dict = {}
        for device in devices:
            by_user.setdefault(device.user_id, (device.user, []))[1].append(device)
        for user, owned in by_user.values():
            with transaction.atomic(), services.recorded_device_removal():
                services.two_factor_device_removed(actor=request.user, user=user, devices=owned)
                for device in owned:
                    device.delete()


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, RecordedTOTPDeviceAdmin)
