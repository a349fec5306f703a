"""Huy hiệu Đảng: pages."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("huy-hieu-dang/", views.badges_home, name="badges"),
    path("huy-hieu-dang/danh-sach.xlsx", views.badges_list_xlsx, name="badges_list_xlsx"),
    path("huy-hieu-dang/dot/<pk>/", views.badge_round, name="badge_round"),
    path("huy-hieu-dang/<pk>/", views.badge_award, name="badge_award"),
    path("dang-vien/<pk>/huy-hieu-dang/", views.member_badges, name="member_badges"),
]
