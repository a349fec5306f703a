"""Đánh giá, xếp loại chất lượng: pages."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
