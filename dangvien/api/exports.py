"""Xuất dữ liệu: API (issue 13)."""

from ninja import Router

router = Router(tags=["Xuất dữ liệu"])
