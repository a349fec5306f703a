"""The sample member list shipped in docs/ (docs/mau-nhap-dang-vien.xlsx) for a
new user to try the dry run, with the troubles real sheets hold (issue 13,
part 2), and the generated lists of any size the benchmark imports.

Rebuild the sample:   .venv/bin/python -m dangvien.imports.sample docs/mau-nhap-dang-vien.xlsx
A 100,000-row list:  .venv/bin/python -m dangvien.imports.sample /tmp/dv.xlsx --rows 100000

The cells are «Chi bộ thôn Đông» and «Chi bộ thôn Tây», found under every
commune committee of the demo (and in the tests' `build_tree`): import into a
commune's committee (e.g. «Đảng bộ xã ...» of the demo province).
"""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, or the month's last day (members.rules.add_months,
    repeated here so the script runs without Django)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        if candidate <= day.day:
            try:
                return dt.date(year, month, candidate)
            except ValueError:
                continue
    raise ValueError(day)


HEADERS = [
    "STT",
    "HỌ VÀ TÊN",
    "Ngày  sinh",
    "Giới tính",
    "Số CCCD",
    "Số CMND",
    "Ngày vào Đảng",
    "Ngay chinh thuc",
    "Chi bộ",
    "Số thẻ đảng viên",
    "Quê quán",
]
CELLS = ("Chi bộ thôn Đông", "Chi bộ thôn Tây")
PROVINCE_CODE = "042"  # Hà Tĩnh, the demo province


def citizen_id(birth_year: int, female: bool, serial: int, province: str = PROVINCE_CODE) -> str:
    """A well-formed 12-digit CCCD: province of birth, century and sex, year, serial."""
    century = (birth_year // 100 - 19) * 2 + (1 if female else 0)
    return f"{province}{century}{birth_year % 100:02d}{serial:06d}"


def _member(i: int, name: str, female: bool, birth: Any, joining: Any) -> dict[str, Any]:
    if isinstance(birth, dt.date):
        year = birth.year
    elif isinstance(birth, str):
        year = int(birth[-4:])
    else:
        year = 1975  # the serial number of the sample is in 1975
    return {
        "name": name,
        "birth": birth,
        "gender": "Nữ" if female else "Nam",
        "cccd": citizen_id(year, female, 100 + i),
        "cmnd": "",
        "joining": joining,
        "official": add_months(joining, 12) if isinstance(joining, dt.date) else "",
        "cell": CELLS[i % 2],
        "card": f"{42000000 + i:08d}",
        "hometown": "Xã Cẩm Xuyên, Tỉnh Hà Tĩnh",
    }


def sample_rows() -> list[dict[str, Any]]:
    """The sample's rows, one trouble each after the first clean ones; each row's
    «note» says what it shows (not written to the sheet)."""
    rows: list[dict[str, Any]] = []

    def add(note: str, **changes: Any) -> None:
        i = len(rows) + 1
        row = _member(
            i,
            changes.pop("name", f"Nguyễn Văn Mẫu {chr(64 + i)}"),
            changes.pop("female", False),
            changes.pop("birth", dt.date(1975, 3, 5)),
            changes.pop("joining", dt.date(2000, 5, 19)),
        )
        row.update(changes)
        row["note"] = note
        rows.append(row)

    add("Ô ngày kiểu ngày của Excel", name="Nguyễn Văn Thước")
    add(
        "Ngày gõ dạng chữ d/m/yyyy",
        name="Trần Thị Hoa",
        female=True,
        birth="5/3/1980",
        joining="2/9/2005",
        official="2/9/2006",
    )
    add(
        "Ngày gõ dạng dd.mm.yyyy",
        name="Lê Văn Hùng",
        birth="07.11.1968",
        joining="19.05.1995",
        official="19.05.1996",
    )
    add(
        "Ngày gõ dạng dd-mm-yyyy",
        name="Phạm Thị Lan",
        female=True,
        birth="21-01-1972",
        joining="03-02-1998",
        official="03-02-1999",
    )
    add("Ngày là số sê-ri của Excel (27458 = 05/03/1975)", name="Hoàng Văn Nam", birth=27458.0)
    add(
        "Chỉ biết năm sinh",
        name="Võ Thị Mai",
        female=True,
        birth="1950",
        joining=dt.date(1975, 4, 30),
    )
    add(
        "Chỉ biết tháng và năm sinh",
        name="Đặng Văn Quang",
        birth="03/1962",
        joining=dt.date(1990, 1, 15),
    )
    add("Số CCCD gõ có dấu cách", name="Bùi Văn Tâm", cccd="042 075 000 108")
    add("Số CCCD gõ có dấu chấm", name="Đỗ Văn Phúc", cccd="042.075.000.109")
    add("Số CCCD là số, mất số 0 ở đầu (Excel bỏ)", name="Hồ Văn Bình", cccd=42075000110.0)
    add(
        "Số CCCD ở dạng số mũ khoa học: sẽ bị từ chối, nêu rõ nguyên nhân",
        name="Ngô Văn Sơn",
        cccd="4.20750E+10",
    )
    add("Số CMND cũ 9 số gõ vào cột CCCD: ghi vào ô CMND", name="Dương Văn Long", cccd="183456789")
    add("Số CMND cũ trong cột riêng", name="Lý Thị Hạnh", female=True, cmnd="183456790")
    add("Họ tên gõ bằng bảng mã TCVN3 (ABC)", name="Ph¹m V¨n §øc")
    add("Họ tên gõ bằng bảng mã VNI", name="Nguyeãn Thò Thu Haø", female=True)
    add("Họ tên còn ký tự kiểu gõ Telex: sẽ bị từ chối", name="Nguyeenx Vawn Tuaans")
    add(
        "Họ tên ở dạng Unicode tổ hợp (NFD)",
        name=unicodedata.normalize("NFD", "Trịnh Thị Thuỷ"),
        female=True,
    )
    add(
        "Quê quán theo địa giới cũ (Hà Tây, trước 2008): giữ nguyên chữ, ghi Hà Nội hiện nay",
        name="Kiều Văn Toàn",
        hometown="Xã Sơn Đông, Huyện Sơn Tây, Tỉnh Hà Tây",
    )
    add(
        "Chi bộ không có trong tổ chức đảng được chọn: sẽ bị từ chối",
        name="Mai Văn Tiến",
        cell="Chi bộ thôn Không Có",
    )
    add(
        "Ngày chính thức sai (không đúng 12 tháng dự bị): sẽ bị từ chối",
        name="Tô Văn Hải",
        official=dt.date(2001, 6, 1),
    )
    add(
        "Quê quán theo địa giới trước 01/07/2025: giữ nguyên, ghi tỉnh Ninh Bình, xã Ý Yên hiện nay",
        name="Vũ Văn Định",
        hometown="Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định",
    )
    return rows


def _cells(index: int, row: dict[str, Any]) -> list[Any]:
    return [
        index,
        row["name"],
        row["birth"],
        row["gender"],
        row["cccd"],
        row["cmnd"],
        row["joining"],
        row["official"],
        row["cell"],
        row["card"],
        row["hometown"],
    ]


def write_sheet(
    path: Path, rows: list[dict[str, Any]], *, date1904: bool = False, notes: bool = True
) -> Path:
    """Write `rows` as an .xlsx list like the ones provinces keep: a title above
    the header, dates as date cells where the row holds dates, text as typed."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = Workbook(write_only=True)
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.create_sheet("Danh sách đảng viên")
    sheet.append(["DANH SÁCH ĐẢNG VIÊN (MẪU NHẬP DỮ LIỆU)"])
    sheet.append([])
    sheet.append(HEADERS + (["Ghi chú (không nhập)"] if notes else []))
    for index, row in enumerate(rows, start=1):
        sheet.append(_cells(index, row) + ([row.get("note", "")] if notes else []))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def bulk_rows(
    count: int, *, start: int = 0, cells: tuple[str, ...] = CELLS
) -> list[dict[str, Any]]:
    """`count` clean rows with distinct citizen IDs and card numbers (for the benchmark)."""
    rows = []
    for i in range(start, start + count):
        female = i % 3 == 0
        birth = dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        joining = dt.date(birth.year + 25, 1 + (i * 7) % 12, 1 + (i * 5) % 28)
        rows.append(
            {
                "name": f"Nguyễn {'Thị' if female else 'Văn'} Thử {i}".replace(
                    f" {i}", " " + _letters(i)
                ),
                "birth": birth,
                "gender": "Nữ" if female else "Nam",
                "cccd": citizen_id(birth.year, female, i),
                "cmnd": "",
                "joining": joining,
                "official": add_months(joining, 12),
                "cell": cells[i % len(cells)],
                "card": f"{80000000 + i:08d}",
                "hometown": "Tỉnh Hà Tĩnh",
            }
        )
    return rows


def _letters(i: int) -> str:
    """A name-like word for a number (names hold letters only): 0 -> "A", 27 -> "Bb"."""
    word = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        word = chr(97 + rest) + word
    return word.capitalize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=0, help="a clean list of this many rows")
    parser.add_argument("--date1904", action="store_true")
    args = parser.parse_args()
    if args.rows:
        write_sheet(args.path, bulk_rows(args.rows), date1904=args.date1904, notes=False)
    else:
        write_sheet(args.path, sample_rows(), date1904=args.date1904)
    print(args.path)


if __name__ == "__main__":
    main()
