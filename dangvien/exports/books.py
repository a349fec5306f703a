"""Member lists as .xlsx, written by XlsxWriter in constant-memory mode (each
row is flushed to a temporary file as it is written), so a list of 200,000
members takes the memory of one row.

Identifiers are written as strings in a text ("@") cell: leading zeros stay
and Excel shows no thousands separator. A date whose day is known is a real
date shown dd/mm/yyyy; a date known by month or year is the text "03/1960"
or "1960". Text that starts like a formula (= + - @) is written as a string,
never as a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import xlsxwriter

from dangvien.organizations.models import Organization

from .columns import BOOK_COLUMNS, DATE, NUMBER, Column, PartialDate
from .selectors import ExportRow

FONT = "Times New Roman"
BOOK_FORM = "Mẫu 7-HSĐV"
BOOK_TITLE = "SỔ DANH SÁCH ĐẢNG VIÊN"
LIST_TITLE = "DANH SÁCH ĐẢNG VIÊN"


@dataclass(frozen=True)
class Written:
    rows: int  # member rows written (headings not counted)


def _formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    base = {"font_name": FONT, "font_size": 11, "valign": "top"}
    box = {**base, "border": 1, "text_wrap": True}
    return {
        "title": book.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
        "sub": book.add_format({**base, "align": "center"}),
        "form": book.add_format({**base, "italic": True, "align": "right"}),
        "head": book.add_format(
            {**box, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#E7E6E6"}
        ),
        "index": book.add_format({**box, "italic": True, "align": "center"}),
        "text": book.add_format({**box, "num_format": "@"}),
        "number": book.add_format({**box, "num_format": "0", "align": "center"}),
        "date": book.add_format({**box, "num_format": "dd/mm/yyyy", "align": "center"}),
        "date_text": book.add_format({**box, "num_format": "@", "align": "center"}),
    }


def _cell(sheet, row: int, col: int, value: Any, column: Column, fmt: dict[str, Any]) -> None:
    if value in (None, ""):
        sheet.write_blank(row, col, None, fmt["text"])
    elif column.kind == NUMBER:
        sheet.write_number(row, col, value, fmt["number"])
    elif column.kind == DATE and isinstance(value, PartialDate):
        if value.whole:
            moment = dt.datetime.combine(value.value, dt.time())
            sheet.write_datetime(row, col, moment, fmt["date"])
        else:
            sheet.write_string(row, col, value.text, fmt["date_text"])
    else:
        sheet.write_string(row, col, str(value), fmt["text"])


def write_xlsx(
    out: str | IO[bytes],
    rows: Iterable[ExportRow],
    columns: list[Column],
    *,
    org: Organization,
    title: str,
    form: str = "",
    number_row: bool = False,
    sheet_name: str = "Danh sách",
) -> Written:
    """Write `rows` with `columns` to `out` (a path or a binary file) under a
    heading (the organisation, `title`, `form` at the top right, the date of
    the export); with `number_row`, a row numbering the columns (1)...(n) as
    the printed book has. Returns the count of member rows written."""
    book = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties({"title": title, "author": "dangvien", "comments": org.name})
    fmt = _formats(book)
    sheet = book.add_worksheet(sheet_name)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    last = len(columns) - 1
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
    # Rows are written in order (constant memory): heading, header, data.
    sheet.write_string(0, 0, org.name, fmt["sub"])
    if form:
        sheet.write_string(0, last, form, fmt["form"])
    for line, text, style in (
        (1, title, "title"),
        (2, f"Ngày xuất: {dt.date.today():%d/%m/%Y}", "sub"),
    ):
        if last:
            sheet.merge_range(line, 0, line, last, text, fmt[style])
        else:
            sheet.write_string(line, 0, text, fmt[style])
    header = 4
    for col, column in enumerate(columns):
        sheet.write_string(header, col, column.label, fmt["head"])
    if number_row:
        header += 1
        for col in range(len(columns)):
            sheet.write_string(header, col, f"({col + 1})", fmt["index"])
    sheet.repeat_rows(4, header)
    sheet.freeze_panes(header + 1, 0)
    count = 0
    line = header + 1
    for row in rows:
        for col, column in enumerate(columns):
            _cell(sheet, line, col, column.get(row), column, fmt)
        line += 1
        count += 1
    book.close()
    return Written(rows=count)


def write_book(out: str | IO[bytes], rows: Iterable[ExportRow], org: Organization) -> Written:
    """The member list book (sổ danh sách đảng viên, 7-HSĐV) of `org`: its 14
    columns (regulations R10.3), numbered, one member a row."""
    return write_xlsx(
        out,
        rows,
        BOOK_COLUMNS,
        org=org,
        title=BOOK_TITLE,
        form=BOOK_FORM,
        number_row=True,
        sheet_name="Sổ danh sách",
    )
