"""Chất lượng dữ liệu: the console of a subtree and one page per check."""

from django.urls import path

from . import views

urlpatterns = [
    path("chat-luong-du-lieu/", views.quality_console, name="quality"),
    path("chat-luong-du-lieu/tinh-lai/", views.quality_refresh, name="quality_refresh"),
    path("chat-luong-du-lieu/<str:code>/", views.quality_check, name="quality_check"),
]
