"""Huy hiệu Đảng."""
