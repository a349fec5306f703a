"""Reading what real member sheets hold (issue 13, part 2): the Vietnamese
column headers, dates in every form people type them, citizen IDs that
spreadsheets mangled, old identity card numbers, names in legacy encodings or
with keyboard residue, NFD text.

Each parser returns the value read or raises `ValueIssue(error, **params)`,
whose error is an `ImportError_` (or a `MemberError`) code. Nothing here
touches the database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from dangvien.core.errors import ErrorCode
from dangvien.core.vietnamese import fold
from dangvien.members import rules as member_rules

from .errors import ImportError_

DAY, MONTH, YEAR = "day", "month", "year"  # members.models.DatePrecision values
EARLIEST_YEAR = 1890


class ValueIssue(Exception):
    """A cell that cannot be read: the error code and its message's parameters."""

    def __init__(self, error: ErrorCode, **params: Any) -> None:
        super().__init__(error.code)
        self.error = error
        self.params = params

    @property
    def message(self) -> str:
        return self.error.text(**self.params)


# --- headers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    aliases: tuple[str, ...]
    kind: str = "text"  # text, name, date, gender, citizen_id, old_id, cell, place, catalog


FIELDS: tuple[Field, ...] = (
    Field(
        "full_name",
        "Họ và tên",
        (
            "họ và tên",
            "họ tên",
            "họ và tên đảng viên",
            "tên đảng viên",
            "họ tên khai sinh đảng viên",
        ),
        "name",
    ),
    Field("family_name", "Họ", ("họ",), "name"),
    Field("middle_name", "Tên đệm", ("tên đệm", "đệm", "chữ đệm"), "name"),
    Field("given_name", "Tên", ("tên", "tên gọi"), "name"),
    Field("birth_name", "Tên gọi khác", ("tên gọi khác", "bí danh", "họ tên khai sinh"), "name"),
    Field("gender", "Giới tính", ("giới tính", "nam nữ", "nam/nữ", "phái"), "gender"),
    Field(
        "birth_date",
        "Ngày sinh",
        ("ngày sinh", "ngày tháng năm sinh", "ngày, tháng, năm sinh", "năm sinh", "sinh ngày"),
        "date",
    ),
    Field(
        "citizen_id",
        "Số CCCD",
        (
            "số cccd",
            "cccd",
            "số căn cước",
            "số căn cước công dân",
            "căn cước công dân",
            "số định danh",
            "số định danh cá nhân",
            "số cccd/cmnd",
        ),
        "citizen_id",
    ),
    Field(
        "old_identity_number",
        "Số CMND cũ",
        ("số cmnd", "cmnd", "chứng minh nhân dân", "số chứng minh nhân dân", "số cmnd cũ"),
        "old_id",
    ),
    Field(
        "party_card_number",
        "Số thẻ đảng viên",
        ("số thẻ đảng viên", "số thẻ đảng", "thẻ đảng viên", "số thẻ"),
        "text",
    ),
    Field("cv_number", "Số lý lịch", ("số lý lịch", "số lý lịch đảng viên", "số ll"), "text"),
    Field(
        "joining_date",
        "Ngày vào Đảng",
        (
            "ngày vào đảng",
            "ngày kết nạp",
            "ngày kết nạp đảng",
            "ngày vào đảng (dự bị)",
            "ngày vào đảng dự bị",
        ),
        "date",
    ),
    Field(
        "official_date",
        "Ngày chính thức",
        (
            "ngày chính thức",
            "ngày vào đảng chính thức",
            "ngày đảng viên chính thức",
            "ngày công nhận chính thức",
        ),
        "date",
    ),
    Field(
        "admission_decision_number",
        "Số quyết định kết nạp",
        ("số quyết định kết nạp", "số qđ kết nạp"),
        "text",
    ),
    Field(
        "admission_decision_date",
        "Ngày quyết định kết nạp",
        ("ngày quyết định kết nạp", "ngày qđ kết nạp"),
        "date",
    ),
    Field(
        "cell",
        "Chi bộ",
        ("chi bộ", "tên chi bộ", "chi bộ sinh hoạt", "đơn vị", "tổ chức đảng", "mã chi bộ"),
        "cell",
    ),
    Field("birth_place", "Nơi sinh", ("nơi sinh",), "place"),
    Field("hometown", "Quê quán", ("quê quán", "nguyên quán"), "place"),
    Field(
        "permanent_street",
        "Thường trú",
        ("thường trú", "nơi thường trú", "hộ khẩu thường trú", "địa chỉ thường trú"),
        "place",
    ),
    Field(
        "current_street",
        "Nơi ở hiện nay",
        ("nơi ở hiện nay", "chỗ ở hiện nay", "địa chỉ", "nơi ở"),
        "place",
    ),
    Field("phone", "Điện thoại", ("điện thoại", "số điện thoại", "sđt", "đt", "di động"), "text"),
    Field("email", "Thư điện tử", ("email", "thư điện tử", "e-mail"), "text"),
    Field(
        "workplace",
        "Nơi làm việc",
        ("nơi làm việc", "cơ quan", "đơn vị công tác", "nơi công tác"),
        "text",
    ),
    Field("admitting_organization", "Chi bộ kết nạp", ("chi bộ kết nạp", "nơi kết nạp"), "text"),
    # Catalogue columns: read against the product's catalogues (members.CatalogItem).
    Field("ethnicity", "Dân tộc", ("dân tộc", "thành phần dân tộc"), "catalog"),
    Field("religion", "Tôn giáo", ("tôn giáo",), "catalog"),
    Field(
        "general_education",
        "Giáo dục phổ thông",
        ("giáo dục phổ thông", "trình độ văn hóa", "văn hóa", "trình độ học vấn", "học vấn"),
        "catalog",
    ),
    Field(
        "professional_qualification",
        "Chuyên môn nghiệp vụ",
        ("chuyên môn nghiệp vụ", "trình độ chuyên môn", "chuyên môn", "trình độ cmnv"),
        "catalog",
    ),
    Field(
        "political_theory",
        "Lý luận chính trị",
        ("lý luận chính trị", "trình độ lý luận chính trị", "llct", "trình độ llct"),
        "catalog",
    ),
    Field("occupation", "Nghề nghiệp", ("nghề nghiệp", "nghề nghiệp hiện nay"), "catalog"),
)
# Catalogue column -> the catalogue it is read against (members.CatalogKind).
CATALOG_KINDS = {
    "ethnicity": "ethnicity",
    "religion": "religion",
    "general_education": "general_education",
    "professional_qualification": "professional",
    "political_theory": "political_theory",
    "occupation": "occupation",
}
FIELD_BY_KEY = {f.key: f for f in FIELDS}
REQUIRED_GROUPS = (
    ("full_name", ("family_name", "given_name")),
    ("birth_date", ()),
    ("gender", ()),
    ("joining_date", ()),
)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(text: Any) -> str:
    """A header as compared: accents, case, spaces and punctuation removed
    ("NGÀY  SINH", "Ngày sinh", "ngay_sinh" -> "ngaysinh"); NFD-safe."""
    return _NOT_ALNUM.sub("", fold(unicodedata.normalize("NFC", str(text or ""))))


_ALIASES = {header_key(alias): f.key for f in FIELDS for alias in (f.label, *f.aliases)}


def guess_mapping(headers: list[Any]) -> dict[str, str]:
    """{column index (as text): field key} for the headers recognised; each
    field at most once (the first column that names it)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = _ALIASES.get(header_key(header))
        if key and key not in taken:
            mapping[str(index)] = key
            taken.add(key)
    return mapping


def mapping_problems(mapping: dict[str, str]) -> list[str]:
    """The messages for a mapping that cannot run: an unknown field, a field
    chosen twice, a required field missing (name, birth date, gender, joining date)."""
    problems = []
    chosen = [v for v in mapping.values() if v]
    for value in chosen:
        if value not in FIELD_BY_KEY:
            problems.append(ImportError_.MAPPING_UNKNOWN.text(field=value))
    for value in sorted(set(chosen)):
        if chosen.count(value) > 1 and value in FIELD_BY_KEY:
            problems.append(ImportError_.MAPPING_TWICE.text(field=FIELD_BY_KEY[value].label))
    missing = []
    for key, alternative in REQUIRED_GROUPS:
        if key not in chosen and not (alternative and all(a in chosen for a in alternative)):
            missing.append(FIELD_BY_KEY[key].label)
    if missing:
        problems.append(ImportError_.MAPPING_MISSING.text(fields=", ".join(missing)))
    return problems


def looks_like_header(row: list[Any]) -> bool:
    """A header row names the member (full name, or family and given name) and the birth date."""
    keys = set(guess_mapping(row).values())
    return "birth_date" in keys and ("full_name" in keys or "given_name" in keys)


# --- text ------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A cell as text: NFC, trimmed, inner spaces collapsed; a whole float without ".0"."""
    if type(value) is str:  # the common case first
        typed = value
    elif value is None:
        return ""
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return f"{value:%d/%m/%Y}"
        typed = str(value)
    if not unicodedata.is_normalized("NFC", typed):
        typed = unicodedata.normalize("NFC", typed)
    # str.split() splits on the same Unicode whitespace as \s, and strips.
    return " ".join(typed.split())


# --- dates ------------------------------------------------------------------------------

_EPOCH_1900 = dt.date(1899, 12, 30)  # Excel's 1900 system, with its phantom 29/02/1900
_EPOCH_1904 = dt.date(1904, 1, 1)
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_MY = re.compile(r"^(?:tháng\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_Y = re.compile(r"^(?:năm\s*)?(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")


def serial_date(number: float, *, date1904: bool = False) -> dt.date:
    """The day an Excel serial number stands for, in the workbook's date system."""
    days = int(number)
    return (_EPOCH_1904 if date1904 else _EPOCH_1900) + dt.timedelta(days=days)


def parse_date(
    value: Any, *, date1904: bool = False, today: dt.date | None = None
) -> tuple[dt.date, str] | None:
    """(date, precision) of a cell; None when empty. The date of a partial one
    is the first day of the known period ("03/1975" -> 01/03/1975, "month").

    Reads date cells, Excel serial numbers (1900 or 1904 system), d/m/yyyy,
    dd.mm.yyyy, dd-mm-yyyy, yyyy-mm-dd, mm/yyyy and yyyy. Raises ValueIssue
    (date_unreadable, date_not_exist, date_year_range)."""
    if value is None or value == "":
        return None
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), DAY, value, today)
    if isinstance(value, dt.date):
        return _in_range(value, DAY, value, today)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if EARLIEST_YEAR <= value <= today.year and float(value).is_integer():
            return _in_range(dt.date(int(value), 1, 1), YEAR, value, today)
        if value < 1 or value > 2_958_465:
            raise ValueIssue(ImportError_.DATE_UNREADABLE, value=text(value))
        return _in_range(serial_date(value, date1904=date1904), DAY, value, today)
    raw = text(value)
    if not raw:
        return None
    lowered = raw.lower()
    try:
        if m := _DMY.match(lowered):
            day, month, year = int(m[1]), int(m[2]), int(m[3])
            return _in_range(dt.date(year, month, day), DAY, raw, today)
        if m := _ISO.match(lowered):
            return _in_range(dt.date(int(m[1]), int(m[2]), int(m[3])), DAY, raw, today)
        if m := _MY.match(lowered):
            return _in_range(dt.date(int(m[2]), int(m[1]), 1), MONTH, raw, today)
        if m := _Y.match(lowered):
            return _in_range(dt.date(int(m[1]), 1, 1), YEAR, raw, today)
    except ValueError:
        raise ValueIssue(ImportError_.DATE_NOT_EXIST, value=raw) from None
    if _SERIAL.match(lowered):
        return _in_range(serial_date(float(lowered), date1904=date1904), DAY, raw, today)
    raise ValueIssue(ImportError_.DATE_UNREADABLE, value=raw)


def _in_range(day: dt.date, precision: str, raw: Any, today: dt.date) -> tuple[dt.date, str]:
    if not EARLIEST_YEAR <= day.year <= today.year:
        raise ValueIssue(ImportError_.DATE_YEAR_RANGE, year=day.year, least=EARLIEST_YEAR)
    return day, precision


def show_date(day: dt.date | None, precision: str | None) -> str:
    """A date as the product read it: dd/mm/yyyy, mm/yyyy or yyyy."""
    if day is None:
        return ""
    if precision == YEAR:
        return f"{day.year:04d}"
    if precision == MONTH:
        return f"{day.month:02d}/{day.year:04d}"
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


# --- gender ----------------------------------------------------------------------------

_GENDERS = {
    "nam": "M",
    "m": "M",
    "male": "M",
    "1": "M",
    "nu": "F",
    # As typed most often (looked up before folding).
    "Nam": "M",
    "Nữ": "F",
    "f": "F",
    "female": "F",
    "0": "F",
    "x": "F",
}


def parse_gender(value: Any) -> str | None:
    """ "Nam" -> "M", "Nữ"/"nu" -> "F"; None when empty. Raises ValueIssue(gender_unreadable)."""
    raw = text(value)
    if not raw:
        return None
    found = _GENDERS.get(raw) or _GENDERS.get(fold(raw))
    if found is None:
        raise ValueIssue(ImportError_.GENDER_UNREADABLE, value=raw)
    return found


# --- citizen ID and the old identity card ------------------------------------------------

_SCIENTIFIC = re.compile(r"^[0-9]+(?:[.,][0-9]+)?\s*[eE]\s*\+?\s*[0-9]+$")


def parse_identity(value: Any) -> tuple[str | None, str | None, ValueIssue | None]:
    """(citizen ID, old 9-digit identity card number, a note) read from a CCCD cell.

    Spaces, dots and dashes between digit groups are dropped; a number cell is
    read back to its digits (a CCCD that lost its leading zeros is then caught by
    `members.rules.citizen_id_problem`); 9 digits are the old card (CMND), kept
    in its own field with a note. Raises ValueIssue(citizen_id_scientific) for a
    number in scientific notation (the last digits are lost)."""
    if value is None or value == "":
        return None, None, None
    if isinstance(value, float):
        if not value.is_integer() or value >= 1e15:
            raise ValueIssue(ImportError_.CITIZEN_ID_SCIENTIFIC, value=f"{value:.5E}")
        raw = str(int(value))
    elif isinstance(value, int) and not isinstance(value, bool):
        raw = str(value)
    else:
        raw = text(value)
    if not raw:
        return None, None, None
    if _SCIENTIFIC.match(raw):
        raise ValueIssue(ImportError_.CITIZEN_ID_SCIENTIFIC, value=raw)
    digits = member_rules.normalize_citizen_id(raw) or ""
    if digits.isdigit() and len(digits) == 9:
        return None, digits, ValueIssue(ImportError_.CITIZEN_ID_OLD_NUMBER, value=raw)
    return digits, None, None


def parse_old_identity(value: Any) -> str | None:
    """The old identity card number (9 digits, separators dropped; a number cell
    that lost a leading zero is padded back). Raises ValueIssue(old_id_format)."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = str(int(value)).zfill(9)
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value).zfill(9)
    digits = member_rules.normalize_citizen_id(text(value)) or ""
    if not (digits.isdigit() and len(digits) == 9):
        raise ValueIssue(ImportError_.OLD_ID_FORMAT)
    return digits


# --- legacy encodings and keyboard residue --------------------------------------------------

_VN_LOWER = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵfjwz"
)
VIETNAMESE_LETTERS = frozenset(_VN_LOWER + _VN_LOWER.upper())

# TCVN3 (ABC, the .VnTime fonts): one byte per letter, read as Latin-1.
_TCVN3 = {
    "µ": "à",
    "¸": "á",
    "¶": "ả",
    "·": "ã",
    "¹": "ạ",
    "¨": "ă",
    "»": "ằ",
    "¾": "ắ",
    "¼": "ẳ",
    "½": "ẵ",
    "Æ": "ặ",
    "©": "â",
    "Ç": "ầ",
    "Ê": "ấ",
    "È": "ẩ",
    "É": "ẫ",
    "Ë": "ậ",
    "®": "đ",
    "Ì": "è",
    "Ð": "é",
    "Î": "ẻ",
    "Ï": "ẽ",
    "Ñ": "ẹ",
    "ª": "ê",
    "Ò": "ề",
    "Õ": "ế",
    "Ó": "ể",
    "Ô": "ễ",
    "Ö": "ệ",
    "×": "ì",
    "Ý": "í",
    "Ø": "ỉ",
    "Ü": "ĩ",
    "Þ": "ị",
    "ß": "ò",
    "ã": "ó",
    "á": "ỏ",
    "â": "õ",
    "ä": "ọ",
    "«": "ô",
    "å": "ồ",
    "è": "ố",
    "æ": "ổ",
    "ç": "ỗ",
    "é": "ộ",
    "¬": "ơ",
    "ê": "ờ",
    "í": "ớ",
    "ë": "ở",
    "ì": "ỡ",
    "î": "ợ",
    "ï": "ù",
    "ó": "ú",
    "ñ": "ủ",
    "ò": "ũ",
    "ô": "ụ",
    "\xad": "ư",
    "õ": "ừ",
    "ø": "ứ",
    "ö": "ử",
    "÷": "ữ",
    "ù": "ự",
    "ú": "ỳ",
    "ý": "ý",
    "û": "ỷ",
    "ü": "ỹ",
    "þ": "ỵ",
    "¡": "Ă",
    "¢": "Â",
    "§": "Đ",
    "£": "Ê",
    "¤": "Ô",
    "¥": "Ơ",
    "¦": "Ư",
}
# Bytes of TCVN3 that are never a letter of Vietnamese written in Unicode.
_TCVN3_SIGNS = frozenset(ch for ch in _TCVN3 if ch not in VIETNAMESE_LETTERS)
_TCVN3_SIGN = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_TCVN3_SIGNS)) + "]")

# VNI-Windows: a base letter followed by a mark byte (read as Latin-1).
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_TONES_UP = {"Ù": "\u0301", "Ø": "\u0300", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323"}
# Circumflex vowel + tone ("aá" = ấ) and breve ("aé" = ắ): the mark byte holds both.
_VNI_HAT = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_HAT_UP = {"Â": "", "Á": "\u0301", "À": "\u0300", "Å": "\u0309", "Ã": "\u0303", "Ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_BREVE_UP = {"Ê": "", "É": "\u0301", "È": "\u0300", "Ú": "\u0309", "Ü": "\u0303", "Ë": "\u0323"}
_VNI_SINGLE = {
    "ô": "ơ",
    "Ô": "Ơ",
    "ö": "ư",
    "Ö": "Ư",
    "ñ": "đ",
    "Ñ": "Đ",
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "Í": "Í",
    "Ì": "Ì",
    "Æ": "Ỉ",
    "Ó": "Ĩ",
    "Ò": "Ị",
    "î": "ỵ",
    "Î": "Ỵ",
}


def tcvn3_to_unicode(value: str) -> str:
    """Text typed in TCVN3 (ABC) and read as Latin-1, in Unicode."""
    return unicodedata.normalize("NFC", "".join(_TCVN3.get(ch, ch) for ch in value))


def vni_to_unicode(value: str) -> str:
    """Text typed in VNI-Windows and read as Latin-1, in Unicode."""
    out: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        nxt = value[i + 1] if i + 1 < len(value) else ""
        low = ch.lower()
        if low in "aeo" and nxt and (nxt in _VNI_HAT or nxt in _VNI_HAT_UP):
            mark = _VNI_HAT.get(nxt, _VNI_HAT_UP.get(nxt, ""))
            out.append(ch + "\u0302" + mark)
            i += 2
            continue
        if low == "a" and nxt and (nxt in _VNI_BREVE or nxt in _VNI_BREVE_UP):
            mark = _VNI_BREVE.get(nxt, _VNI_BREVE_UP.get(nxt, ""))
            out.append(ch + "\u0306" + mark)
            i += 2
            continue
        base = _VNI_SINGLE.get(ch, ch)
        if base.lower() in "aeiouyơư" and nxt and (nxt in _VNI_TONES or nxt in _VNI_TONES_UP):
            out.append(base + _VNI_TONES.get(nxt, _VNI_TONES_UP.get(nxt, "")))
            i += 2
            continue
        out.append(base)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def _foreign(value: str) -> int:
    """How many characters of `value` are neither Vietnamese letters nor the
    punctuation names hold."""
    return sum(1 for ch in value if ch.isalpha() and ch not in VIETNAMESE_LETTERS) + sum(
        1 for ch in value if not ch.isalpha() and ch not in " '’-.,/()0123456789"
    )


# Pairs that VNI writes and Vietnamese in Unicode never holds: a doubled "a"/"e"
# ("aà" = ầ), "oâ" (ô), "aê" (ă), and the Latin-1 letters no Vietnamese word has.
_VNI_SIGNS = re.compile(
    r"[aAeE][âáàåãäÂÁÀÅÃÄ]|[oO][âÂ]|[aA][êéèúüëÊÉÈÚÜË]|[øûïñöåäëüæîØÛÏÑÖÅÄËÜÆÎ]"
)


def legacy_encoding(value: str) -> tuple[str, str] | None:
    """(encoding, text in Unicode) when `value` reads as Vietnamese typed in
    TCVN3 (ABC) or VNI-Windows and shown as Latin-1 ("NguyÔn V¨n Th­íc",
    "Nguyeãn Vaên Thöôùc"); None when it is plain Unicode text."""
    if not value or value.isascii():  # every sign of both encodings is outside ASCII
        return None
    tcvn_score = len(_TCVN3_SIGN.findall(value))
    vni_score = len(_VNI_SIGNS.findall(value))
    if not tcvn_score and not vni_score:
        return None
    candidates = [
        (-tcvn_score, "TCVN3 (ABC)", tcvn3_to_unicode(value)),
        (-vni_score, "VNI", vni_to_unicode(value)),
    ]
    candidates.sort(key=lambda c: (_foreign(c[2]), c[0]))
    _score, encoding, converted = candidates[0]
    if _foreign(converted) == 0 and converted != value:
        return encoding, converted
    return None


_TELEX_MARKS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_TELEX_RESIDUE = re.compile(r"(aa|aw|ee|oo|ow|uw|dd|w)", re.IGNORECASE)
_VNI_RESIDUE = re.compile(r"[a-zA-Z][1-9]|[1-9][a-zA-Z]")


def _place_tone(word: str, tone: str) -> str:
    """Put the tone mark on the vowel that carries it: a vowel with its own mark
    (the last, as in "ươ"), else the last vowel before a final consonant, else
    the second-last of a final vowel pair ("hoa" -> "hòa")."""
    vowels = [i for i, c in enumerate(word) if c.lower() in "aăâeêioôơuưy"]
    if not vowels:
        return word
    marked = [i for i in vowels if word[i].lower() in "ăâêôơư"]
    if marked:
        at = marked[-1]
    elif vowels[-1] < len(word) - 1 or len(vowels) == 1:
        at = vowels[-1]
    else:
        at = vowels[-2]
    return word[: at + 1] + tone + word[at + 1 :]


def telex_to_unicode(word: str) -> str:
    """A word typed in Telex without the input method ("Thuwowcs" -> "Thước")."""
    tone = ""
    if (
        len(word) > 1
        and word[-1].lower() in _TELEX_MARKS
        and any(c in "aeiouywAEIOUYW" for c in word[:-1])
    ):
        tone = _TELEX_MARKS[word[-1].lower()]
        word = word[:-1]
    pairs = [
        ("dd", "đ"),
        ("aa", "â"),
        ("aw", "ă"),
        ("ee", "ê"),
        ("oo", "ô"),
        ("ow", "ơ"),
        ("uw", "ư"),
        ("w", "ư"),
    ]
    out = word
    for src, dst in pairs:

        def swap(match: re.Match[str], letter: str = dst) -> str:
            return letter.upper() if match.group(0)[0].isupper() else letter

        out = re.sub(src, swap, out, flags=re.IGNORECASE)
    if tone:
        out = _place_tone(out, tone)
    return unicodedata.normalize("NFC", out)


_VNI_DIGITS = {
    "1": "\u0301",
    "2": "\u0300",
    "3": "\u0309",
    "4": "\u0303",
    "5": "\u0323",
    "6": "\u0302",
    "7": "\u031b",
    "8": "\u0306",
}


def keyboard_residue(value: str) -> tuple[str, str] | None:
    """(scheme, a guess in Unicode) when a name was typed with Telex or VNI
    keystrokes while the Vietnamese input method was off ("Nguyeenx Vawn",
    "Nguye6n4 Va8n"); None otherwise. Only plain ASCII words are suspected."""
    if not value or not value.isascii():
        return None
    words = value.split()
    if any(_VNI_RESIDUE.search(w) for w in words):
        guess = []
        for w in words:
            base = "".join(c for c in w if not c.isdigit()).replace("dd", "đ").replace("DD", "Đ")
            marks = "".join(_VNI_DIGITS.get(c, "") for c in w if c.isdigit())
            vowels = [i for i, c in enumerate(base) if c.lower() in "aeiouy"]
            at = vowels[-1] if vowels else len(base) - 1
            guess.append(base[: at + 1] + marks + base[at + 1 :])
        return "VNI", unicodedata.normalize("NFC", " ".join(guess))
    suspicious = [w for w in words if _TELEX_RESIDUE.search(w) and not w.lower().startswith("w")]
    if not suspicious:
        return None
    return "Telex", " ".join(telex_to_unicode(w) if w in suspicious else w for w in words)


def parse_name(value: Any, *, convert_legacy: bool) -> tuple[str, ValueIssue | None]:
    """A name cell in NFC; (name, None) or (name as read, the issue) when it is in
    a legacy encoding (converted when `convert_legacy`, with a note kept) or
    holds keyboard residue (refused)."""
    raw = text(value)
    legacy = legacy_encoding(raw)
    if legacy is not None:
        encoding, converted = legacy
        issue = ValueIssue(
            ImportError_.NAME_LEGACY_ENCODING, value=raw, encoding=encoding, converted=converted
        )
        if convert_legacy:
            return converted, None
        return raw, issue
    residue = keyboard_residue(raw)
    if residue is not None:
        scheme, converted = residue
        return raw, ValueIssue(
            ImportError_.NAME_KEYBOARD_RESIDUE, value=raw, scheme=scheme, converted=converted
        )
    return raw, None


def parse_free_text(value: Any, *, convert_legacy: bool) -> tuple[str, ValueIssue | None]:
    """A free-text cell (place, workplace) in NFC; a legacy encoding is
    converted when `convert_legacy`, else reported."""
    raw = text(value)
    legacy = legacy_encoding(raw)
    if legacy is None:
        return raw, None
    encoding, converted = legacy
    if convert_legacy:
        return converted, None
    return raw, ValueIssue(
        ImportError_.TEXT_LEGACY_ENCODING, value=raw, encoding=encoding, converted=converted
    )


# --- catalogue columns --------------------------------------------------------------

# What sheets write for an entry, beyond its name and code (folded keys).
_CATALOG_SYNONYMS = {
    "religion": {"khong ton giao": "01", "khong theo ton giao nao": "01", "0": "01"},
}
_IN_BRACKETS = re.compile(r"\(([^)]*)\)")


class CatalogIndex:
    """The entries of the catalogues the import reads (ethnicity, religion,
    education, ...), found by name or code, accents and case aside; an entry
    written as its part in brackets ("12/12" for "Trung học phổ thông (12/12)")
    too, the catalogue's first entry when several have it. One query for all
    catalogues."""

    def __init__(self) -> None:
        from dangvien.members.models import CatalogItem

        self.by_kind: dict[str, dict[str, Any]] = {}
        self.names: dict[str, list[str]] = {}
        bracketed: dict[tuple[str, str], list[Any]] = {}
        for item in CatalogItem.objects.order_by("kind", "rank", "name"):
            found = self.by_kind.setdefault(item.kind, {})
            self.names.setdefault(item.kind, []).append(item.name)
            found[fold(item.name)] = item
            found.setdefault(fold(item.code), item)
            for part in _IN_BRACKETS.findall(item.name):
                bracketed.setdefault((item.kind, fold(part)), []).append(item)
        # Shared by several ("12/12": Trung học phổ thông, Bổ túc văn hóa): the
        # catalogue's first (the regular programme).
        for (kind, key), items in bracketed.items():
            self.by_kind[kind].setdefault(key, items[0])
        for kind, synonyms in _CATALOG_SYNONYMS.items():
            for key, code in synonyms.items():
                entry = self.by_kind.get(kind, {}).get(fold(code))
                if entry is not None:
                    self.by_kind[kind].setdefault(key, entry)

    def find(self, key: str, value: Any) -> Any:
        """The CatalogItem the cell names for the column `key`; None for an empty
        cell. Raises ValueIssue(catalog_unknown) naming the catalogue's entries."""
        typed = text(value)
        if not typed:
            return None
        kind = CATALOG_KINDS[key]
        item = self.by_kind.get(kind, {}).get(fold(typed))
        if item is None:
            names = self.names.get(kind, [])
            shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
            raise ValueIssue(
                ImportError_.CATALOG_UNKNOWN,
                value=typed,
                catalog=FIELD_BY_KEY[key].label,
                names=shown,
            )
        return item
