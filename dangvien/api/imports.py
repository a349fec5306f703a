"""Nhập dữ liệu: API (issue 13)."""

from ninja import Router

router = Router(tags=["Nhập dữ liệu"])
