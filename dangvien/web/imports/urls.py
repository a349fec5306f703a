"""Nhập dữ liệu: pages (/nhap-du-lieu/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("nhap-du-lieu/", views.imports_home, name="imports"),
    path("nhap-du-lieu/tep-mau.xlsx", views.import_sample, name="import_sample"),
    path("nhap-du-lieu/<pk>/cot/", views.import_mapping, name="import_mapping"),
    path("nhap-du-lieu/<pk>/", views.import_detail, name="import_detail"),
    path("nhap-du-lieu/<pk>/nhap/", views.import_run, name="import_run"),
    path("nhap-du-lieu/<pk>/dong-loi.xlsx", views.import_failed_rows, name="import_failed_rows"),
]
