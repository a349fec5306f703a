"""Chất lượng dữ liệu: API (issue 13)."""

from ninja import Router

router = Router(tags=["Chất lượng dữ liệu"])
