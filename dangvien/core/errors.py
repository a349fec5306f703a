"""Domain errors: one Vietnamese message, shown the same way by pages, API and CLI."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused an action. `field` names the form field at fault, if any."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class RecordValidationError(DomainError):
    """Several fields are wrong at once; `errors` maps field name to messages."""

    code = "invalid"

    def __init__(self, errors: dict[str, list[str]]):
        first = next(iter(errors.values()))[0] if errors else "Dữ liệu không hợp lệ."
        super().__init__(first)
        self.errors = errors


class ConcurrentEditError(DomainError):
    code = "conflict"

    def __init__(self) -> None:
        super().__init__(
            "Hồ sơ này vừa được người khác cập nhật. Vui lòng tải lại trang, "
            "xem thay đổi mới nhất rồi sửa lại."
        )
