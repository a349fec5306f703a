"""Coded errors of exports, backup and restore: one Vietnamese message each."""

from dangvien.core.errors import ErrorCode


class ExportError(ErrorCode):
    UNKNOWN_COLUMN = (
        "unknown_column",
        "Không có cột «%(column)s» trong danh sách cột được xuất.",
    )
    SENSITIVE_COLUMN = (
        "sensitive_column",
        "Cột «%(column)s» thuộc phần nhạy cảm; chỉ ban tổ chức, ủy ban kiểm tra của cấp ủy "
        "quản lý được xuất.",
    )
    UNKNOWN_KIND = ("unknown_kind", "Loại tài liệu xuất không hợp lệ.")
    UNKNOWN_FORMAT = ("unknown_format", "Định dạng tệp không hợp lệ (chỉ .xlsx, .docx, .pdf).")
    PDF_UNAVAILABLE = (
        "pdf_unavailable",
        "Máy chủ chưa cài thư viện in PDF (WeasyPrint, Pango); hãy tải bản .docx.",
    )
    ORGANIZATION_NOT_FOUND = (
        "organization_not_found",
        "Không có tổ chức đảng mã «%(code)s».",
    )


class BackupError(ErrorCode):
    UNSUPPORTED_DATABASE = (
        "unsupported_database",
        "Chỉ sao lưu, phục hồi được SQLite và PostgreSQL (đang dùng %(vendor)s).",
    )
    FILE_NOT_FOUND = ("backup_file_not_found", "Không có tệp sao lưu «%(path)s».")
    WRONG_FILE = (
        "backup_wrong_file",
        "Tệp «%(path)s» không phải bản sao lưu %(vendor)s của hệ thống.",
    )
    TARGET_NOT_EMPTY = (
        "restore_target_not_empty",
        "Cơ sở dữ liệu đích đang có dữ liệu (%(rows)s dòng); thêm --force để ghi đè.",
    )
    TOOL_FAILED = ("backup_tool_failed", "%(tool)s báo lỗi: %(detail)s")
    MISMATCH = (
        "restore_mismatch",
        "Dữ liệu phục hồi không khớp bản sao lưu ở %(tables)s bảng: %(names)s.",
    )
