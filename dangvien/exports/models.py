"""Xuất dữ liệu (issue 13)."""
