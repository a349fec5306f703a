"""Kiểm tra, giám sát và kỷ luật."""
