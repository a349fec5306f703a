"""Coded errors of the data-quality console: one Vietnamese message each."""

from dangvien.core.errors import ErrorCode


class QualityError(ErrorCode):
    UNKNOWN_CHECK = ("unknown_check", "Không có phép kiểm tra «%(code)s».")
    ORGANIZATION_UNKNOWN = ("organization_unknown", "Không có tổ chức đảng mã «%(code)s».")
    PAGE_INVALID = ("page_invalid", "Trang %(page)s không có: danh sách có %(pages)s trang.")
