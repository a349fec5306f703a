"""Đánh giá, xếp loại chất lượng: API."""

from ninja import Router

router = Router(tags=["Đánh giá, xếp loại chất lượng"])
