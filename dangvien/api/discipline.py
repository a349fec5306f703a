"""Kiểm tra, giám sát và kỷ luật: API."""

from ninja import Router

router = Router(tags=["Kiểm tra, giám sát và kỷ luật"])
