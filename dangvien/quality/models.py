"""Chất lượng dữ liệu (issue 13)."""
