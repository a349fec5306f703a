"""Xuất dữ liệu: pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("xuat-du-lieu/", views.exports_page, name="exports"),
    path("xuat-du-lieu/danh-sach.xlsx", views.exports_list_xlsx, name="exports_list_xlsx"),
    path("xuat-du-lieu/tep/<int:pk>/", views.exports_job_file, name="exports_job_file"),
    path(
        "xuat-du-lieu/dang-vien/<int:pk>/<slug:paper>.<slug:fmt>",
        views.exports_member_paper,
        name="exports_member_paper",
    ),
]
