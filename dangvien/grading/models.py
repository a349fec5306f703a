"""Đánh giá, xếp loại chất lượng."""
