"""Opening an uploaded member list: .xlsx and .xls with python-calamine, .csv
as UTF-8. Finds the sheet and its header row, tells whether the workbook counts
dates from 1904, and refuses clearly what it cannot read (empty, too large,
password-protected, macro workbooks, another kind of file).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings

from .errors import ImportError_
from .parsing import ValueIssue, looks_like_header

# Default upper bound of an uploaded file, when the IMPORT_MAX_BYTES setting is absent.
MAX_BYTES = 100 * 1024 * 1024
HEADER_SEARCH_ROWS = 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any Office file under a password
_ZIP = b"PK\x03\x04"
_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"")


class FileRefused(Exception):
    """The file as a whole cannot be read: the error code, the message's parameters."""

    def __init__(self, error: ImportError_, **params: Any) -> None:
        super().__init__(error.code)
        self.error = error
        self.params = params

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def message(self) -> str:
        return self.error.text(**self.params)


@dataclass
class Sheet:
    """The rows under the header of the sheet holding the list.

    `rows` are (row number as Excel shows it, the cells); `date1904` is True when
    the workbook counts serial dates from 1904 (Excel for Mac)."""

    name: str
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    date1904: bool = False


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", MAX_BYTES))


def check_size(size: int) -> None:
    """Refuse a file of `size` bytes over the bound (IMPORT_MAX_BYTES), before
    it is read into memory. Raises FileRefused(file_too_large)."""
    if size > max_bytes():
        raise FileRefused(
            ImportError_.FILE_TOO_LARGE,
            size=f"{size / 1024 / 1024:.0f}",
            limit=max_bytes() // 1024 // 1024,
        )


def read_sheet(data: bytes, name: str) -> Sheet:
    """The member list in `data` (the file's bytes; `name` gives its kind).

    Raises FileRefused: file_too_large, file_type, file_macro, file_encrypted,
    file_unreadable, csv_encoding, no_header, file_empty."""
    check_size(len(data))
    suffix = PurePath(name or "").suffix.lower()
    if suffix in (".xlsm", ".xlsb", ".xltm", ".xlam"):
        raise FileRefused(ImportError_.FILE_MACRO)
    if suffix not in (".xlsx", ".xls", ".csv"):
        raise FileRefused(ImportError_.FILE_TYPE, name=PurePath(name or "").name)
    if not data.strip():
        raise FileRefused(ImportError_.FILE_EMPTY)
    sheet = _read_csv(data, name) if suffix == ".csv" else _read_workbook(data, suffix)
    if not sheet.rows:
        raise FileRefused(ImportError_.FILE_EMPTY)
    return sheet


def _read_workbook(data: bytes, suffix: str) -> Sheet:
    from python_calamine import CalamineWorkbook, PasswordError

    if suffix == ".xlsx" and data.startswith(_OLE):
        raise FileRefused(ImportError_.FILE_ENCRYPTED)  # an encrypted package is OLE
    date1904 = False
    if data.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
                if any(n.endswith("vbaProject.bin") for n in names):
                    raise FileRefused(ImportError_.FILE_MACRO)
                if "xl/workbook.xml" in names:
                    date1904 = bool(_DATE1904.search(package.read("xl/workbook.xml")))
        except zipfile.BadZipFile:
            raise FileRefused(ImportError_.FILE_UNREADABLE, kind=suffix) from None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise FileRefused(ImportError_.FILE_ENCRYPTED) from None
    except Exception as exc:  # calamine's errors: a damaged or foreign file
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise FileRefused(ImportError_.FILE_ENCRYPTED) from None
        raise FileRefused(ImportError_.FILE_UNREADABLE, kind=suffix) from None
    first_name = ""
    for index, sheet_name in enumerate(workbook.sheet_names):
        first_name = first_name or sheet_name
        try:
            cells = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
        except Exception:
            raise FileRefused(ImportError_.FILE_UNREADABLE, kind=suffix) from None
        found = _with_header(sheet_name, cells)
        if found is not None:
            found.date1904 = date1904
            return found
    raise FileRefused(ImportError_.NO_HEADER, rows=HEADER_SEARCH_ROWS, sheet=first_name)


def _with_header(name: str, cells: list[list[Any]]) -> Sheet | None:
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        if looks_like_header(row):
            headers = [str(c if c is not None else "").strip() for c in row]
            rows = [
                (index + 2 + offset, list(r) + [""] * (len(headers) - len(r)))
                for offset, r in enumerate(cells[index + 1 :])
                if any(c not in (None, "") for c in r)
            ]
            return Sheet(name=name, headers=headers, header_row=index + 1, rows=rows)
    return None


def _read_csv(data: bytes, name: str) -> Sheet:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(ImportError_.CSV_ENCODING) from None
    sample = content[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        cells = list(csv.reader(io.StringIO(content), dialect))
    except csv.Error:  # a field over the csv module's limit, a stray quote
        raise FileRefused(ImportError_.FILE_UNREADABLE, kind=".csv") from None
    found = _with_header(PurePath(name).stem, cells)
    if found is None:
        raise FileRefused(
            ImportError_.NO_HEADER, rows=HEADER_SEARCH_ROWS, sheet=PurePath(name).name
        )
    return found


def iter_cells(sheet: Sheet, mapping: dict[str, str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {field key: cell}) for each row, by the confirmed mapping."""
    columns = [(int(col), key) for col, key in mapping.items() if key]
    for number, row in sheet.rows:
        yield number, {key: row[col] if col < len(row) else None for col, key in columns}


__all__ = ["FileRefused", "Sheet", "ValueIssue", "iter_cells", "read_sheet"]
