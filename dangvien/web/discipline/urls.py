"""Kiểm tra, giám sát và kỷ luật: pages."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
