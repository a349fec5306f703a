"""Quản lý tổ chức và người dùng: the organisation board's administration of
its subtree (organisations, accounts, roles), in Vietnamese."""

from django.urls import path

from . import views

urlpatterns = [
    path("quan-ly/to-chuc/<pk>/", views.organization_admin, name="organization_admin"),
]
