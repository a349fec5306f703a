"""Admin for the posts of an organisation's committee: recorded with history,
never deleted (a mistaken row is voided with its reason)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CommitteePost


@admin.register(CommitteePost)
class CommitteePostAdmin(SimpleHistoryAdmin):
    list_display = ("organization", "kind", "name", "starts_on", "ends_on", "voided")
    list_filter = ("kind", "voided")
    search_fields = ("name", "organization__name", "organization__code")
    raw_id_fields = ("organization", "member")
    readonly_fields = ("created_by", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False
