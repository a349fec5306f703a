"""The caller's notices (compliance.notifications), newest first, 50 a page;
«Đánh dấu đã đọc»; the e-mail preference. Every signed-in user has this page
(their own notices only)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dangvien.compliance.models import Notification, NotificationPreference

PER_PAGE = 50


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_deadlines"]


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, get_user_model())  # login_required
    preference = NotificationPreference.objects.filter(user=user).first()
    preference = preference or NotificationPreference(user=user)
    # An unticked box posts nothing: bind on POST, not on a non-empty POST.
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Đã lưu tùy chọn nhận thông báo.")
        return redirect("notifications")
    notices = list(Notification.objects.filter(user=user).order_by("-created_at")[:PER_PAGE])
    return render(
        request,
        "notifications/list.html",
        {
            "notices": notices,
            "form": form,
            "has_email": bool(user.email),
            "unread": sum(1 for n in notices if n.read_at is None),
        },
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark every unread notice of the caller read."""
    user = request.user
    assert isinstance(user, get_user_model())  # login_required
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")
