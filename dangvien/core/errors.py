"""Domain errors: one Vietnamese message, shown the same way by pages, API and CLI.

Each area declares its errors once, as an `ErrorCode` enum: a stable code that
the API returns and imports report by row, and the Vietnamese message (gettext,
named placeholders). A service raises `Errors.X.error(field=..., **params)`.
"""

from __future__ import annotations

import enum
from typing import Any

from django.utils.translation import gettext, gettext_lazy


class DomainError(Exception):
    """A business rule refused an action. `field` names the form field at fault, if any."""

    code = "domain_error"
    status = 422  # what the API answers

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    """The object does not exist or lies outside the caller's scope: pages and the
    API answer 404, as if it did not exist."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = "", *, field: str | None = None, code: str | None = None):
        super().__init__(message or gettext("Không tìm thấy."), field=field, code=code)


class RecordValidationError(DomainError):
    """Several fields are wrong at once; `errors` maps field name to messages."""

    code = "invalid"

    def __init__(self, errors: dict[str, list[str]], *, code: str | None = None):
        first = next(iter(errors.values()))[0] if errors else "Dữ liệu không hợp lệ."
        super().__init__(first, code=code)
        self.errors = errors


class ConcurrentEditError(DomainError):
    code = "conflict"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "Hồ sơ này vừa được người khác cập nhật. Vui lòng tải lại trang, "
            "xem thay đổi mới nhất rồi sửa lại."
        )


class ErrorCode(enum.Enum):
    """Base of each area's error enum. A member is declared as

        OUT_OF_ORDER = ("out_of_order", "Không thể ... «%(step)s» ...")

    `value` is the stable code; `message` the Vietnamese text with named
    placeholders, filled by `error(**params)` / `text(**params)`.
    """

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = gettext_lazy(message)

    def text(self, **params: Any) -> str:
        template = str(self.message)
        return template % params if params else template

    def error(self, *, field: str | None = None, **params: Any) -> DomainError:
        """A DomainError carrying this code and the filled message."""
        return DomainError(self.text(**params), field=field, code=self.code)

    def not_found(self, **params: Any) -> NotFound:
        return NotFound(self.text(**params), code=self.code)


class CommonError(ErrorCode):
    """Errors every area shares."""

    DATE_REQUIRED = ("date_required", "Vui lòng nhập ngày.")
    DATE_INVALID = (
        "date_invalid",
        "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm dd/mm/yyyy (hoặc dd.mm.yyyy, "
        "dd-mm-yyyy), ví dụ 05/03/1975.",
    )
    DATE_IN_FUTURE = ("date_in_future", "Ngày này không được ở tương lai.")
    DATE_BEFORE = ("date_before", "Ngày này không được trước %(what)s (%(day)s).")
    REQUIRED = ("required", "Vui lòng nhập %(what)s.")
    NOT_FOUND = ("not_found", "Không tìm thấy.")
