"""What an import hands back: the file of the failed rows (the original columns
plus a «Lỗi» column, to fix and import again) and the errors as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from .reading import Sheet

ERRORS_KEPT = 5000  # errors and notes kept on a job for its page; the file has them all
ERROR_COLUMN = "Lỗi"
# The row's number in the uploaded file, to find it there again.
SOURCE_ROW_COLUMN = "Dòng trong tệp gốc"
TEXT_FIELDS = {"citizen_id", "old_identity_number", "party_card_number", "phone", "cv_number"}


def refused_by_row(errors: Iterable[Any]) -> dict[int, str]:
    """{row number: "column: message (code); ..."} of the refused rows."""
    rows: dict[int, list[str]] = {}
    for error in errors:
        rows.setdefault(error.row, []).append(f"{error.column}: {error.message} ({error.code})")
    return {row: "; ".join(texts) for row, texts in rows.items()}


def failed_rows_xlsx(sheet: Sheet, mapping: dict[str, str], refused: dict[int, str]) -> bytes:
    """An .xlsx of the refused rows as they were in the file, with the «Lỗi» column
    and the row's number in the original file last (neither is read back on
    upload); numbers that must stay text (citizen ID, card) are written as text."""
    from openpyxl import Workbook

    text_columns = {int(col) for col, key in mapping.items() if key in TEXT_FIELDS}
    book = Workbook(write_only=True)
    out = book.create_sheet(sheet.name[:31] or "Dong loi")
    out.append([*sheet.headers, ERROR_COLUMN, SOURCE_ROW_COLUMN])
    for number, row in sheet.rows:
        if number not in refused:
            continue
        cells: list[Any] = []
        for col, value in enumerate(row[: len(sheet.headers)]):
            if col in text_columns and isinstance(value, float) and value.is_integer():
                value = str(int(value))
            elif (col in text_columns and value is not None and not isinstance(value, str)) or (
                isinstance(value, dt.timedelta)
            ):
                value = str(value)
            cells.append(value)
        out.append([*cells, refused[number], number])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def errors_csv(errors: Iterable[Any]) -> str:
    """The row errors as CSV (UTF-8): row, column, field, code, message."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Dòng", "Cột", "Trường", "Mã lỗi", "Nội dung"])
    for error in errors:
        writer.writerow([error.row, error.column, error.field, error.code, error.message])
    return buffer.getvalue()
