"""The columns an export may hold: the 14 columns of the member list book
(7-HSĐV, regulations R10.3) and the columns a user picks for a member list.

A column reads one gathered row (`selectors.ExportRow`) and gives text, a
date or nothing. Dates print dd/mm/yyyy (a date known only by month or year
prints "mm/yyyy" or "yyyy", never an invented day); identifiers are text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# How a cell is written: "text" (a string, "@" format, so Excel keeps leading
# zeros and shows no thousands separator), "date" (a real date dd/mm/yyyy when
# the day is known, text otherwise), "number" (a sequence number).
TEXT, DATE, NUMBER = "text", "date", "number"


def partial_date_text(value: dt.date | None, precision: str | None = "day") -> str:
    """A date as the record knows it: "05/03/1960", "03/1960" (month known) or
    "1960" (year known); "" for no date. The DateField holds the first day of
    the known period (members.models.DatePrecision)."""
    if value is None:
        return ""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.month:02d}/{value.year:04d}"
    return value.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class PartialDate:
    """A date with how much of it is known; `text` is what prints."""

    value: dt.date
    precision: str = "day"

    @property
    def text(self) -> str:
        return partial_date_text(self.value, self.precision)

    @property
    def whole(self) -> bool:
        return self.precision in ("", "day", None)


def _date(row: Any, name: str) -> PartialDate | None:
    value = row.values.get(name)
    if value is None:
        return None
    return PartialDate(value, row.values.get(f"{name}_precision") or "day")


def _lines(*parts: Any) -> str:
    """Non-empty parts, one per line (the book's combined columns)."""
    out = []
    for part in parts:
        if isinstance(part, PartialDate):
            part = part.text
        elif isinstance(part, dt.date):
            part = part.strftime("%d/%m/%Y")
        if part not in (None, ""):
            out.append(str(part))
    return "\n".join(out)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    get: Callable[[Any], Any]
    kind: str = TEXT
    width: int = 16
    sensitive: bool = False  # citizen ID, discipline: board, inspection, the member


def _v(name: str) -> Callable[[Any], Any]:
    return lambda row: row.values.get(name) or ""


def _name(name: str) -> Callable[[Any], Any]:
    """A catalogue, place or organisation name looked up for an id column."""
    return lambda row: row.names.get(name, "")


def _event(kind: str) -> Callable[[Any], Any]:
    def get(row: Any) -> str:
        event = row.events.get(kind)
        if event is None:
            return ""
        return _lines(event["date"], event["where"])

    return get


# --- the list book, 7-HSĐV (regulations R10.3: 14 columns) -------------------------


def _book_name(row: Any) -> str:
    birth_name = row.values.get("birth_name")
    return _lines(row.full_name, f"({birth_name})" if birth_name else "")


def _book_sex(row: Any) -> str:
    return _lines(row.names.get("gender"), row.names.get("ethnicity"), row.names.get("religion"))


def _book_education(row: Any) -> str:
    return _lines(
        row.names.get("general_education"),
        row.names.get("political_theory"),
        row.names.get("professional_qualification"),
        row.values.get("languages"),
    )


def _book_occupation(row: Any) -> str:
    return _lines(row.names.get("occupation"), row.values.get("workplace"))


def _book_dates(row: Any) -> str:
    return _lines(_date(row, "joining_date"), _date(row, "official_date"))


def _book_numbers(row: Any) -> str:
    return _lines(
        row.values.get("party_card_number"), row.values.get("cv_number"), row.badge_number
    )


ARMED_OR_RETIRED = ("Quân đội", "Công an", "Nghỉ hưu")


def _book_armed(row: Any) -> str:
    occupation = row.names.get("occupation", "")
    return occupation if occupation in ARMED_OR_RETIRED else ""


def _book_left(row: Any) -> str:
    for kind in ("expelled", "name_deleted", "left"):
        event = row.events.get(kind)
        if event is not None:
            return _lines(event["reason"], event["date"], event["label"])
    return ""


def _book_notes(row: Any) -> str:
    notes = []
    if row.values.get("status") == "probationary":
        notes.append("Dự bị")
    if row.values.get("is_exempt"):
        notes.append("Miễn sinh hoạt")
    return "; ".join(notes)


BOOK_COLUMNS: list[Column] = [
    Column("stt", "Số thứ tự", lambda row: row.number, NUMBER, 6),
    Column("ho_ten", "Họ và tên (tên khai sinh)", _book_name, width=24),
    Column("gioi_tinh", "Nam, nữ; dân tộc; tôn giáo", _book_sex, width=14),
    Column("que_quan", "Quê quán", lambda row: row.hometown, width=24),
    Column(
        "trinh_do",
        "Trình độ văn hóa, lý luận chính trị, chuyên môn nghiệp vụ, ngoại ngữ",
        _book_education,
        width=22,
    ),
    Column("nghe_nghiep", "Nghề nghiệp trước khi vào Đảng và hiện nay", _book_occupation, width=20),
    Column("ngay_vao_dang", "Ngày vào Đảng, ngày chính thức", _book_dates, width=13),
    Column("so_the", "Số thẻ đảng viên, số lý lịch, số huy hiệu", _book_numbers, width=14),
    Column("luc_luong", "Quân đội, công an hay nghỉ hưu", _book_armed, width=11),
    Column("chuyen_di", "Ngày chuyển đi, nơi chuyển đến", _event("transferred_out"), width=18),
    Column("chuyen_den", "Ngày chuyển đến, nơi chuyển đi", _event("transferred_in"), width=18),
    Column("tu_tran", "Ngày từ trần", _event("deceased"), width=11),
    Column("ra_khoi_dang", "Lý do, ngày và hình thức ra khỏi Đảng", _book_left, width=20),
    Column("ghi_chu", "Ghi chú", _book_notes, width=12),
]


# --- the member list, columns chosen ----------------------------------------------


def _address(prefix: str) -> Callable[[Any], str]:
    def get(row: Any) -> str:
        parts = [
            row.values.get(f"{prefix}_street"),
            row.names.get(f"{prefix}_commune"),
            row.names.get(f"{prefix}_province"),
        ]
        return ", ".join(p for p in parts if p)

    return get


LIST_COLUMNS: list[Column] = [
    Column("stt", "STT", lambda row: row.number, NUMBER, 6),
    Column("ho_ten", "Họ và tên", lambda row: row.full_name, width=26),
    Column("ten_khai_sinh", "Tên khai sinh, tên gọi khác", _v("birth_name"), width=20),
    Column("gioi_tinh", "Giới tính", _name("gender"), width=8),
    Column("ngay_sinh", "Ngày sinh", lambda row: _date(row, "birth_date"), DATE, 11),
    Column("dan_toc", "Dân tộc", _name("ethnicity"), width=10),
    Column("ton_giao", "Tôn giáo", _name("religion"), width=10),
    Column("que_quan", "Quê quán", lambda row: row.hometown, width=26),
    Column("thuong_tru", "Nơi thường trú", _address("permanent"), width=30),
    Column("noi_o", "Nơi ở hiện nay", _address("current"), width=30),
    Column("cccd", "Số CCCD", _v("citizen_id"), width=14, sensitive=True),
    Column("cmnd", "Số CMND cũ", _v("old_identity_number"), width=12, sensitive=True),
    Column("dien_thoai", "Điện thoại", _v("phone"), width=13),
    Column("email", "Thư điện tử", _v("email"), width=22),
    Column("so_the", "Số thẻ đảng viên", _v("party_card_number"), width=14),
    Column("so_ly_lich", "Số lý lịch", _v("cv_number"), width=12),
    Column("ngay_vao_dang", "Ngày vào Đảng", lambda row: _date(row, "joining_date"), DATE, 11),
    Column("ngay_chinh_thuc", "Ngày chính thức", lambda row: _date(row, "official_date"), DATE, 11),
    Column("tinh_trang", "Tình trạng", _name("status"), width=18),
    Column("chi_bo", "Chi bộ", _name("organization"), width=28),
    Column("giao_duc", "Giáo dục phổ thông", _name("general_education"), width=10),
    Column("chuyen_mon", "Chuyên môn nghiệp vụ", _name("professional_qualification"), width=14),
    Column("hoc_vi", "Học vị", _name("degree"), width=10),
    Column("hoc_ham", "Học hàm", _name("academic_title"), width=10),
    Column("ly_luan", "Lý luận chính trị", _name("political_theory"), width=12),
    Column("qlnn", "Quản lý nhà nước", _name("state_management"), width=12),
    Column("tin_hoc", "Tin học", _name("it_level"), width=10),
    Column("ngoai_ngu", "Ngoại ngữ", _v("languages"), width=12),
    Column("nghe_nghiep", "Nghề nghiệp", _name("occupation"), width=14),
    Column("noi_lam_viec", "Nơi làm việc", _v("workplace"), width=26),
    Column("so_huy_hieu", "Số huy hiệu Đảng", lambda row: row.badge_number, width=12),
    Column("ky_luat", "Kỷ luật", lambda row: row.discipline, width=24, sensitive=True),
]

LIST_COLUMN_KEYS = [c.key for c in LIST_COLUMNS]
_BY_KEY = {c.key: c for c in LIST_COLUMNS}
# The columns of a list when none are chosen.
DEFAULT_LIST_COLUMNS = [
    "stt",
    "ho_ten",
    "gioi_tinh",
    "ngay_sinh",
    "dan_toc",
    "so_the",
    "ngay_vao_dang",
    "ngay_chinh_thuc",
    "tinh_trang",
    "chi_bo",
]


def list_columns(keys: list[str] | None) -> list[Column]:
    """The chosen columns in the order of the catalogue (unknown keys raise
    ExportError.UNKNOWN_COLUMN; none chosen: DEFAULT_LIST_COLUMNS)."""
    from .errors import ExportError

    keys = [k for k in (keys or []) if k] or DEFAULT_LIST_COLUMNS
    unknown = [k for k in keys if k not in _BY_KEY]
    if unknown:
        raise ExportError.UNKNOWN_COLUMN.error(field="columns", column=", ".join(unknown))
    chosen = set(keys)
    return [c for c in LIST_COLUMNS if c.key in chosen]
