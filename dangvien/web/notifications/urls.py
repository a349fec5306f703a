"""Thông báo: the caller's notices and what they want to receive."""

from django.urls import path

from . import views

urlpatterns = [
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.notifications_read, name="notifications_read"),
]
