"""Nhập dữ liệu (issue 13)."""
