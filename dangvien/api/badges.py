"""Huy hiệu Đảng: API."""

from ninja import Router

router = Router(tags=["Huy hiệu Đảng"])
