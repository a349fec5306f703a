"""Downloads and typed input that the member, organisation and security pages
share: CSV files Excel reads (UTF-8 with BOM, formula-safe), times in Vietnam
time, numbers and text from a query string."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.text import capfirst

from dangvien.core.forms import DATE_INPUT_FORMATS

VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")
AUDIT_COLUMNS = ["Thời điểm", "Người sửa", "Nội dung", "Trường", "Trước", "Sau"]


def int_or_none(value: str | None) -> int | None:
    """A positive id from a query string; None when empty, unreadable or out of range."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is None or 0 < number < 2**63 else None


def typed_text(value: str | None, limit: int = 100) -> str:
    """Typed text as the database can take it: no NUL characters, bounded."""
    return (value or "").replace("\x00", "")[:limit]


def vietnam_time(when: dt.datetime) -> str:
    """A moment as Vietnamese offices write it: dd/mm/yyyy HH:MM, Vietnam time."""
    return when.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y %H:%M")


def csv_cell(value) -> str:
    """Spreadsheet-safe text: a leading = + - @ would start a formula in Excel."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_download(filename: str, columns: list[str], rows: Iterable[list]) -> HttpResponse:
    """Rows as CSV (UTF-8 with BOM, so Excel reads Vietnamese; formula-safe).
    The first column is a date written by us; every other cell may hold typed text."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[0], *(csv_cell(value) for value in row[1:])])
    return response


def entry_rows(entries) -> Iterable[list]:
    """Timeline entries (who changed what, before and after) as CSV rows."""
    for entry in entries:
        when = vietnam_time(entry.when)
        for change in entry.changes or [None]:
            yield [
                when,
                entry.who,
                entry.what,
                capfirst(change.field) if change else "",
                change.before if change else "",
                change.after if change else "",
            ]


def audit_csv(filename: str, rows: Iterable[list]) -> HttpResponse:
    """An audit (who changed what, before and after) as CSV."""
    return csv_download(filename, AUDIT_COLUMNS, rows)


def day_from_query(value: str | None) -> tuple[dt.date | None, str]:
    """A day typed in a query string (`?ngay=`): (day, "") when readable, (None, "")
    when empty, (None, a Vietnamese message) when it is not a date."""
    import calendar
    import re

    text = (value or "").strip()
    if not text:
        return None, ""
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), ""
        except ValueError:
            continue
    shown = typed_text(text, 30)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if not 1 <= month <= 12:
            return None, f"Không có ngày {shown}: tháng phải từ 1 đến 12."
        if year >= 1:
            last = calendar.monthrange(year, month)[1]
            if day == 0:
                return None, f"Không có ngày {shown}: ngày phải từ 1 đến {last}."
            return None, f"Không có ngày {shown}: tháng {month} năm {year} chỉ có {last} ngày."
    return None, (
        f"Ngày «{shown}» không đọc được. Vui lòng nhập theo dạng ngày/tháng/năm "
        "(dd/mm/yyyy), ví dụ 05/03/2026."
    )
