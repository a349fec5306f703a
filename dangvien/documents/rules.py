"""The party document format (Hướng dẫn 36-HD/VPTW, 03/4/2018) as data: page, symbols, numbering.

Numbers the fact sheet marks UNCONFIRMED (regulations.md §6.7, §6.8) are dated
Rules with `confirmed=False`, so that DANGVIEN_RULES can override them.
"""

from __future__ import annotations

import datetime as dt

from dangvien.core.rulebook import LONG_AGO, Rule, Version
from dangvien.organizations.models import Level

from .models import DocumentKind

# HD 36 mục III (regulations §6.5): A4, 210 x 297 mm.
PAGE_SIZE_MM = Rule(
    "document_page_size_mm",
    "Khổ giấy văn bản (mm)",
    (Version(LONG_AGO, (210, 297), "HD 36-HD/VPTW mục III"),),
)

# §6.7 [UNCONFIRMED for HD 36]: a party handbook gives these margins for the
# front page; they may come from the older HD 11-HD/VPTW (2004).
PAGE_MARGINS_MM = Rule(
    "document_page_margins_mm",
    "Lề trang văn bản (mm): trên, dưới, trái, phải",
    (
        Version(
            LONG_AGO,
            {"top": 25, "bottom": 25, "left": 35, "right": 15},
            "Sổ tay ĐUK Bình Thuận (chưa xác nhận theo HD 36-HD/VPTW)",
            confirmed=False,
        ),
    ),
)

FONT_NAME = "Times New Roman"  # HD 36 Phụ lục 3 shows Times New Roman (Unicode, TCVN 6909:2001)

# §6.8 [UNCONFIRMED]: the abbreviation table of party document types was not
# read; these are the abbreviations seen on party documents. The transfer letter
# and the residence introduction have no confirmed symbol.
KIND_ABBREVIATIONS = Rule(
    "document_kind_abbreviations",
    "Chữ viết tắt tên loại văn bản",
    (
        Version(
            LONG_AGO,
            {
                DocumentKind.DECISION: "QĐ",
                DocumentKind.RESOLUTION: "NQ",
                DocumentKind.LETTER: "CV",
                DocumentKind.REPORT: "BC",
                DocumentKind.NOTICE: "TB",
                DocumentKind.SUBMISSION: "TTr",
                DocumentKind.TRANSFER_LETTER: "GTSHĐ",
                DocumentKind.RESIDENCE_INTRODUCTION: "GGT",
                DocumentKind.MINUTES: "BB",
            },
            "HD 36-HD/VPTW Phụ lục (chưa đọc được bảng chữ viết tắt)",
            confirmed=False,
        ),
    ),
)

# [UNCONFIRMED]: the issuer's abbreviation after the slash ("12-QĐ/ĐU") by the
# level of the issuing organisation. TW, TU, ĐU, CB are seen on party papers;
# the party group's "TĐ" is a guess (party groups rarely issue papers).
ISSUER_ABBREVIATIONS = Rule(
    "document_issuer_abbreviations",
    "Chữ viết tắt tên cơ quan ban hành theo cấp tổ chức",
    (
        Version(
            LONG_AGO,
            {
                Level.CENTRAL: "TW",
                Level.PROVINCIAL: "TU",
                Level.SUPERIOR: "ĐU",
                Level.GRASSROOTS_COMMITTEE: "ĐU",
                Level.PARTIAL_COMMITTEE: "ĐU",
                Level.GRASSROOTS_CELL: "CB",
                Level.CELL: "CB",
                Level.PARTY_GROUP: "TĐ",
            },
            "Thực tế văn bản đảng (chưa xác nhận)",
            confirmed=False,
        ),
    ),
)

# §6.6 [C]: each type is numbered from 01 continuously within a committee term.
# The transfer letter is numbered in the introduction register (Số GTSHĐ,
# HD 12-HD/BTCTW 2022 Phần II 4.2), a book kept across terms [UNCONFIRMED].
KINDS_NUMBERED_ACROSS_TERMS = Rule(
    "document_kinds_numbered_across_terms",
    "Loại văn bản đánh số liên tục không theo nhiệm kỳ",
    (
        Version(
            LONG_AGO,
            (DocumentKind.TRANSFER_LETTER,),
            "HD 12-HD/BTCTW 2022 Phần II 4.2 (sổ giới thiệu; chưa xác nhận)",
            confirmed=False,
        ),
    ),
)

# The counter key of a sequence that never restarts.
NO_TERM = LONG_AGO


def kind_abbreviation(kind: str, on: dt.date) -> str:
    return KIND_ABBREVIATIONS.on(on).get(kind, kind)


def issuer_abbreviation(level: str, on: dt.date) -> str:
    return ISSUER_ABBREVIATIONS.on(on).get(level, "")


def document_symbol(number: int, kind: str, level: str, on: dt.date) -> str:
    """HD 36 điểm 1.3.1: "12-QĐ/ĐU"; numbers below 10 are written 01..09."""
    issuer = issuer_abbreviation(level, on)
    head = f"{number:02d}-{kind_abbreviation(kind, on)}"
    return f"{head}/{issuer}" if issuer else head


def numbered_within_term(kind: str, on: dt.date) -> bool:
    return kind not in KINDS_NUMBERED_ACROSS_TERMS.on(on)


def term_key(kind: str, on: dt.date, term_starts: list[dt.date]) -> dt.date:
    """The start of the term whose sequence numbers a document of `kind` dated `on`.

    `term_starts` are the recorded term starts of the issuer; before the first
    one, and for kinds numbered across terms, the sequence never restarts.
    """
    if not numbered_within_term(kind, on):
        return NO_TERM
    started = [start for start in term_starts if start <= on]
    return max(started) if started else NO_TERM


def place_date_line(place: str, day: dt.date) -> str:
    """HD 36 box 4: "Cẩm Xuyên, ngày 07 tháng 03 năm 2026" (two-digit day and month)."""
    line = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{place}, {line}" if place else line.capitalize()


_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu ", "Thị trấn ")


def place_name(unit_name: str) -> str:
    """The place as written on the date line: "Xã Cẩm Xuyên" -> "Cẩm Xuyên"."""
    for prefix in _PLACE_PREFIXES:
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name
