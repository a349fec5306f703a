"""Place names written before the 2025 reorganisation, mapped to today's units.

Until 30 June 2025 Vietnam had 63 provinces, each split into districts (quận,
huyện, thị xã, thành phố thuộc tỉnh) and these into communes. Nghị quyết
202/2025/QH15 (in force 12/06/2025, the new provinces from 01/07/2025) merged
them whole into 34 provinces, and the resolutions of the Ủy ban Thường vụ Quốc
hội of 2025 on the communes of each province (NQ-UBTVQH15, one per province, from
01/07/2025) dropped the district level and merged the communes into 3,321 xã,
phường and đặc khu. Member sheets still carry the old names ("Xã Yên Phong,
Huyện Ý Yên, Tỉnh Nam Định"): the import keeps the text as written and reads
from here the unit it belongs to today.

The mapping and the name lists come from the PyPI package `vietnamadminunits`
(its 63-province and 34-province parsers and its 2025 conversion tables); its
matches are then checked word by word against the text, since it matches
keywords anywhere in the string ("hn" for Hà Nội inside "tinhnamdinh"), and
against the province the text names, since without one it guesses the province
from any unit named alike elsewhere (“Tỉnh Hà Tây” read as today's Xã Hà Tây of
Hải Phòng).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from dangvien.core.vietnamese import fold
from dangvien.places.models import Commune, Province

# Distinct places kept: an import of 100,000 rows names a few thousand places,
# most of them many times.
CACHE_SIZE = 16_384
# Longest run of words compared with a name (“Phường Văn Miếu - Quốc Tử Giám”
# has 7); bounds the work on long free text.
_MAX_RUN = 8
# Words that say a name is a district (quận, huyện, thị xã, thành phố thuộc
# tỉnh), written out or abbreviated: “Q.1”, “H. Ý Yên”, “TX Sơn Tây”, “TP Vinh”.
_DISTRICT_TYPES = ("quan", "huyen", "thixa", "thanhpho", "q", "h", "tx", "tp")
# The same, written out only (abbreviations are written out before reading).
_DISTRICT_TYPES_WRITTEN = ("quan", "huyen", "thixa", "thanhpho")
# Words that say a name is a commune, written out.
_WARD_TYPES_WRITTEN = ("xa", "phuong", "thitran")
# Island districts that had no communes: they became đặc khu whole.
_ISLAND_DISTRICTS = frozenset(
    {"huyenbachlongvi", "huyenconco", "huyenhoangsa", "huyenlyson", "huyencondao"}
)
# Names of a province from before the package's 63-province tables, by the key
# there of the province that took it whole, written as the package writes
# keywords (no tone marks, no spaces):
# - Tỉnh Thừa Thiên Huế became Thành phố Huế, a city under the central
#   government, on 01/01/2025;
# - Tỉnh Hà Tây was merged whole into Thành phố Hà Nội on 01/08/2008 (Nghị quyết
#   15/2008/QH12); its districts and communes are those of Hà Nội in the tables.
_EARLIER_PROVINCE_NAMES = {
    "thanhphohue": ("tinhthuathienhue", "thuathienhue", "tthue"),
    "thanhphohanoi": ("tinhhatay", "hatay"),
}
# Words that say a part names a province (“Tỉnh Nam Định”, “Thành phố Huế”,
# “TP.HCM”, “TPHCM”), as the package writes keywords.
_PROVINCE_TYPES = ("tinh", "thanhpho", "tp")
# A last part that names the country, not a unit: “…, Tỉnh Nam Định, Việt Nam”.
_COUNTRY = frozenset({"vietnam", "vn"})
_PARTS = re.compile(r"[,;\n]+")
_PARTS_KEPT = re.compile(r"([,;\n]+)")
_WORDS = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")
# A type abbreviated at the start of a part (“X. Yên Phong”, “TT Lâm”, “Q1”),
# written out: the package reads “Xã Quang Trung, Huyện Tứ Kỳ” right and “X.
# Quang Trung, H. Tứ Kỳ” as the Phường Quang Trung of the city next door.
_ABBREVIATED = re.compile(r"(^|[,;\n])\s*(tp|tx|tt|x|p|q|h)(?:\.\s*|\s+|(?=\d))", re.IGNORECASE)
_WRITTEN_OUT = {
    "tp": "Thành phố",
    "tx": "Thị xã",
    "tt": "Thị trấn",
    "x": "Xã",
    "p": "Phường",
    "q": "Quận",
    "h": "Huyện",
}


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """Today's units for a place as written.

    province: today's province (pk = its code, 1..96).
    commune: today's xã / phường / đặc khu, or None when the text names no commune,
        names one the tables don't know, or an old commune that was split
        (`ambiguous`).
    is_old: the text uses the units before 01/07/2025 (an old province, a district,
        or an old commune).
    ambiguous: an old commune now divided among several: only the province is given.
    note: Vietnamese, for the reader of the import report, e.g. «Địa danh cũ “Tỉnh
        Nam Định” nay thuộc tỉnh Ninh Bình»; "" for today's names.

    Instances are shared through the cache: read them, never modify the models.
    """

    province: Province
    commune: Commune | None
    is_old: bool
    ambiguous: bool
    note: str


def current_units(place: str | None) -> PlaceMatch | None:
    """Today's province (and commune where known) for a place as written.

    place: free text, old or new units, most specific first and comma-separated
        ("Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định", "Phường Sài Gòn, TP.HCM");
        tone marks may be missing, types abbreviated (TP., Tp, Q., H., X., P., TT)
        or missing, spacing irregular. A street or hamlet before the units is
        ignored.
    The match lies in the province the text names, where it names one: a part of
    its own that is a province's name, old or today's, typed or not (“Tỉnh Nam
    Định”, “TP.HCM”, “Nam Định”, “Hà Tây”), the last such part when several are;
    the province as it was for a reading as old units, as it is today for today's
    units (or one of today's communes that took in part of the old province
    named). When the package reads the units in another province, only the named
    province is given. A part typed “Tỉnh” that names no province known (“Tỉnh
    Xyz”, a misspelling, a province merged before 2008 other than Hà Tây) gives
    None. A text of several parts that names no province is read only when the
    reading is no guess: one province alone had a district named as the last part
    with a commune named as an earlier one (“Xã Sơn Đông, Huyện Sơn Tây”: Hà Nội,
    the Sơn Tây of Quảng Ngãi has no Sơn Đông), or the province's name is among its
    words, or the last unit written is a district (old) or a commune (today's) no
    other province has one of that name; else None (“Xã Tân Phú, Huyện Châu
    Thành”: three provinces had one).
    Returns None when no province can be read (empty text, garbage, a foreign
    place, an unknown province). The note (`PlaceMatch.note`) quotes the text as
    written, trimmed and with runs of spaces made one. Reads the Province and
    Commune tables (one or two queries per distinct text); results are cached per
    text (CACHE_SIZE texts, least recently used dropped). The first call loads the
    package and its tables (about 0.6 s, 40 MB).
    Raises Province.DoesNotExist only when the places tables are not loaded, and
    LookupError if the package's tables disagree with themselves (not so in 1.0.4:
    all 10,040 old communes and 3,321 new ones were run through).
    Never goes online (the package's own `convert_address` geocodes addresses with
    a street through ArcGIS: not called).
    """
    written = _SPACES.sub(" ", unicodedata.normalize("NFC", place or "")).strip()
    if not _WORDS.search(written):
        return None
    return _current_units_cached(written)


@lru_cache(maxsize=CACHE_SIZE)
def _current_units_cached(written: str) -> PlaceMatch | None:
    lib = _library()
    text = _ABBREVIATED.sub(lambda m: f"{m[1]}{_WRITTEN_OUT[m[2].lower()]} ", written)
    pieces = _PARTS_KEPT.split(text)  # parts at even places, separators between
    named = _named_province(lib, [_WORDS.findall(part) for part in pieces[0::2]])
    if named is not None and not (named.old_keys or named.new_keys):
        return None
    if named is not None and named.earlier:
        # The package knows the province by today's name only.
        pieces[2 * named.index] = lib.old_provinces[named.earlier]["province"]
    words = _Words.of(text, lib.key_normalize)
    if named is None and len(words.units) > 1:
        # No province named: the one province with a district named as the last
        # part holding a commune named as an earlier one (“Phường Hoàng Liệt, Quận
        # Hoàng Mai”: Hà Nội; Thị xã Hoàng Mai of Nghệ An has no such phường).
        province_key = _province_of_pair(lib, words)
        if province_key:
            named = _Named(frozenset({province_key}), frozenset(), "", -1)
            pieces.append(", " + lib.old_provinces[province_key]["province"])
    reading = _read(lib, words, "".join(pieces), written)
    if named is not None:
        if reading is None or not _in_province(lib, reading, named):
            return _province_only(lib, named, written)
        return reading.match
    if reading is None or (len(words.units) > 1 and not reading.sure):
        return None
    return reading.match


@dataclass(frozen=True, slots=True)
class _Named:
    """A province a text names in a part of its own: its keys in the package's
    63-province tables (old_keys) and 34-province tables (new_keys), by the name
    written; earlier: the 63-province key when the name is one from before those
    tables (“Hà Tây”), else ""; index: the part's place in the text, -1 for a
    province found from the district and commune. No keys: a part typed “Tỉnh”
    naming no province known."""

    old_keys: frozenset[str]
    new_keys: frozenset[str]
    earlier: str
    index: int


@dataclass(frozen=True, slots=True)
class _Reading:
    """The package's reading of a text, as kept: the match, the package's
    63-province parse when read as old units (old) or its 34-province parse when
    read as today's (new, with new_ward when the commune is read too), and sure:
    not a guess (the province's name is among the words, or the last unit written
    is named alike in no other province)."""

    match: PlaceMatch
    sure: bool
    old: Any = None
    new: Any = None
    new_ward: bool = False


def _named_province(lib: SimpleNamespace, parts: list[list[str]]) -> _Named | None:
    """The province named by the last part (words as written) that is a
    province's name, None when no part is; a _Named without keys as soon as a part
    is typed “Tỉnh” and names no province known (“Tỉnh lộ 5”, a provincial road,
    is no province)."""
    named = None
    for index, words in enumerate(parts):
        key = "".join(lib.key_normalize(w) for w in words)
        for type_ in ("", *_PROVINCE_TYPES):
            if key.startswith(type_) and key[len(type_) :] in lib.province_names:
                old_keys, new_keys, earlier = lib.province_names[key[len(type_) :]]
                named = _Named(old_keys, new_keys, earlier, index)
                break
        else:
            if len(words) > 1 and words[0].casefold() == "tỉnh" and words[1].casefold() != "lộ":
                return _Named(frozenset(), frozenset(), "", index)
    return named


def _read(lib: SimpleNamespace, words: _Words, text: str, written: str) -> _Reading | None:
    """The package's reading of text (the place written, types written out, an
    earlier province name replaced by today's), kept where words (the place's own)
    bear it out."""
    old = lib.parse_address(text, mode="LEGACY", keep_street=False, level=3)

    # What the package read, kept only where the text has it as whole words.
    district_keywords, district_typed = _old_district_keywords(lib, old, words)
    old_district = words.has(district_keywords)
    # A district written with its type (“Huyện Ý Yên”, “Q.1”), or as a part of
    # its own (“Ý Yên, Nam Định”); not a name inside a commune's (“Phường 1 Bảo Lộc”).
    district_typed_found = words.has(district_typed)
    district_whole = words.has(district_keywords, whole_part=True)
    ward_keywords = _old_ward_keywords(lib, old) if old_district and old.ward_key else set()
    old_ward = words.has(ward_keywords)
    # Commune and district each a part of its own: “Phúc Xá, Ba Đình, Hà Nội”.
    three_parts = district_whole and words.has(ward_keywords, whole_part=True)
    renamed = _renamed_province(lib, old, words)
    old_province_named = bool(old.province_key) and words.has(
        _old_province_keywords(lib, old.province_key)
    )
    old_province = bool(old.province_key) and (old_district or old_province_named)
    # No province named: only a district that no other province has one named
    # alike, written last (“Yên Phong, Ý Yên”; not Huyện Sơn Động of Bắc Giang,
    # which the package finds in “Xã Sơn Đông, Huyện Sơn Tây”).
    old_sure = old_province_named or (
        old_district
        and not district_keywords.isdisjoint(words.last)
        and lib.old.DICT_UNIQUE_DISTRICT_PROVINCE.get(old.district_key, {}).get("provinceKey")
        == old.province_key
    )
    if old_province and (old.province_key not in lib.new_provinces or renamed):
        match = _from_old(lib, old, old_district, old_ward, written)
        return _Reading(match, old_sure, old=old)

    new = lib.parse_address(text, mode="FROM_2025", keep_street=False, level=2)
    new_ward_keywords = _new_ward_keywords(lib, new) if new.ward_key else set()
    new_ward = words.has(new_ward_keywords)
    new_ward_whole = words.has(new_ward_keywords, whole_part=True)
    new_province_named = bool(new.province_key) and words.has(
        set(lib.new_provinces[new.province_key]["provinceKeywords"])
    )

    # In a province that kept its name, a commune of today written as a part of
    # its own wins over an old district named the same (“Phường Cầu Giấy, Hà Nội”,
    # “Cầu Giấy, Hà Nội”), unless the district is written with its type or an old
    # commune of it comes first.
    if old_district and (
        district_typed_found
        or three_parts
        or (old_ward and not new_ward_whole)
        or (district_whole and not new_ward)
    ):
        return _Reading(_from_old(lib, old, old_district, old_ward, written), old_sure, old=old)
    if bool(new.province_key) and (new_ward or new_province_named):
        province, commune = _units(
            int(new.province_code), new.ward if new_ward else None, new.ward_code
        )
        match = PlaceMatch(province, commune, is_old=False, ambiguous=False, note="")
        new_sure = new_province_named or (
            new_ward and not new_ward_keywords.isdisjoint(words.last) and _unique_ward(lib, new)
        )
        return _Reading(match, new_sure, new=new, new_ward=new_ward)
    if old_province:  # a province that kept its name
        code = lib.new_provinces[old.province_key]["provinceCode"]  # 7 kept the name, not the code
        province = Province.objects.get(pk=int(code))
        match = PlaceMatch(province, None, is_old=False, ambiguous=False, note="")
        return _Reading(match, old_sure, old=old)
    return None


def _in_province(lib: SimpleNamespace, reading: _Reading, named: _Named) -> bool:
    """The reading lies in the province named: old units in the old province,
    today's in today's, or a commune of today that took in part of the old
    province named."""
    if reading.old is not None:
        return reading.old.province_key in named.old_keys
    new = reading.new
    if new.province_key in named.new_keys:
        return True
    origins = lib.ward_origins.get((new.province_key, new.ward_key), ()) if reading.new_ward else ()
    return not named.old_keys.isdisjoint(origins)


def _province_only(lib: SimpleNamespace, named: _Named, written: str) -> PlaceMatch:
    """The province named, alone: today's, or the one an old province went into."""
    if named.new_keys:
        code = lib.new_provinces[min(named.new_keys)]["provinceCode"]
        return PlaceMatch(
            Province.objects.get(pk=int(code)), None, is_old=False, ambiguous=False, note=""
        )
    code = lib.new_provinces[lib.province_now[min(named.old_keys)]]["provinceCode"]
    province = Province.objects.get(pk=int(code))
    note = f"Địa danh cũ “{written}” nay thuộc {_label(province.name, province.division_type)}"
    return PlaceMatch(province, None, is_old=True, ambiguous=False, note=note)


def _province_of_pair(lib: SimpleNamespace, words: _Words) -> str:
    """The 63-province key of the only province that had a district named as the
    last part (its type written or not, or another type) with a commune named as
    an earlier part; "" when no province or several had."""
    districts: set[tuple[str, str]] = set()
    last = words.units[-1][0]
    for key in (last, *(last[len(t) :] for t in _DISTRICT_TYPES_WRITTEN if last.startswith(t))):
        districts |= lib.district_places.get(key, set())
    if not districts:
        return ""
    found: set[tuple[str, str]] = set()
    for part, _ in words.units[:-1]:
        for key in (part, *(part[len(t) :] for t in _WARD_TYPES_WRITTEN if part.startswith(t))):
            found |= districts & lib.ward_places.get(key, set())
    provinces = {province_key for province_key, _ in found}
    return provinces.pop() if len(provinces) == 1 else ""


def _unique_ward(lib: SimpleNamespace, new: Any) -> bool:
    """No other province has a commune of today named like the one read."""
    return any(
        table.get(new.ward_key, {}).get("provinceKey") == new.province_key
        for table in (
            lib.new.DICT_UNIQUE_WARD_PROVINCE_NO_ACCENTED,
            lib.new.DICT_UNIQUE_WARD_PROVINCE_ACCENTED,
        )
    )


def _old_province_keywords(lib: SimpleNamespace, province_key: str) -> set[str]:
    """A province's keywords in the 63-province tables, with its names from before
    them that the package lacks."""
    keywords = set(lib.old_provinces[province_key]["provinceKeywords"])
    return keywords | set(_EARLIER_PROVINCE_NAMES.get(province_key, ()))


def _renamed_province(lib: SimpleNamespace, old: Any, words: _Words) -> bool:
    """The text names the province by an earlier name (“Tỉnh Thừa Thiên Huế”,
    “Hà Tây”), and not by today's as a part of its own."""
    earlier = set(_EARLIER_PROVINCE_NAMES.get(old.province_key, ()))
    today = set(lib.new_provinces.get(old.province_key, {}).get("provinceKeywords", ()))
    return words.has(earlier) and not words.has(today, whole_part=True)


@dataclass(frozen=True, slots=True)
class _Words:
    """A text's words as the package writes its keywords, glued without spaces,
    without tone marks (“xa yen phong” -> "xayenphong") and with them
    ("xãyênphong"): every run of up to _MAX_RUN consecutive words inside one
    comma-part, and every part whole."""

    runs: frozenset[str]
    parts: frozenset[str]
    part_list: tuple[str, ...]  # without tone marks, in order
    # The parts with words, without a country at the end (“Việt Nam”): each
    # (without tone marks, with them).
    units: tuple[tuple[str, str], ...]
    last: frozenset[str]  # the last of them, both ways

    @classmethod
    def of(cls, text: str, key_normalize: Any) -> _Words:
        runs: set[str] = set()
        parts: set[str] = set()
        part_list: list[str] = []
        whole: list[tuple[str, str]] = []
        for part in _PARTS.split(text):
            words = _WORDS.findall(part)
            part_list.append("".join(key_normalize(w) for w in words))
            keyed = (
                [key_normalize(w) for w in words],
                [key_normalize(w, decode=False) for w in words],
            )
            whole.append(("".join(keyed[0]), "".join(keyed[1])))
            for keys in keyed:
                parts.add("".join(keys))
                for start in range(len(keys)):
                    for end in range(start + 1, min(start + _MAX_RUN, len(keys)) + 1):
                        runs.add("".join(keys[start:end]))
        units = [both for both in whole if both[0]]
        while len(units) > 1 and units[-1][0] in _COUNTRY:
            units.pop()
        last = frozenset(units[-1]) if units else frozenset()
        return cls(frozenset(runs), frozenset(parts), tuple(part_list), tuple(units), last)

    def has(self, keywords: set[str], *, whole_part: bool = False) -> bool:
        """One of the keywords is a run of words of the text (a whole part)."""
        return not keywords.isdisjoint(self.parts if whole_part else self.runs)


def _from_old(
    lib: SimpleNamespace,
    old: Any,
    has_district: bool,
    has_ward: bool,
    written: str,
) -> PlaceMatch:
    """The match for a text read as old units (province, district, ward keys of
    the 63-province tables); written: the text as the note quotes it."""
    new_province_key = lib.province_now[old.province_key]
    province_code = int(lib.new_provinces[new_province_key]["provinceCode"])
    ward_now = None
    split_into: list[str] = []
    if has_ward or (has_district and old.district_key in _ISLAND_DISTRICTS):
        old_key = f"{old.province_key}_{old.district_key}_{old.ward_key if has_ward else ''}"
        ward_now = lib.ward_now.get(old_key)
        split_keys = lib.ward_split.get(old_key, ())
        if ward_now is None and len(split_keys) == 1:
            ward_now = split_keys[0]
        elif ward_now is None:
            split_into = [_new_ward(lib, new_province_key, key)[0] for key in split_keys]
    name, code = _new_ward(lib, new_province_key, ward_now) if ward_now else (None, "")
    province, commune = _units(province_code, name, code)
    note = f"Địa danh cũ “{written}” nay thuộc "
    if commune is not None:
        note += f"{_label(commune.name, commune.division_type)}, "
    note += _label(province.name, province.division_type)
    if len(split_into) > 1:
        note += (
            f"; {_lower_kind(old.ward)} cũ nay chia cho "
            f"{', '.join(_lower_kind(n) for n in split_into)}: chưa xác định được xã, phường mới"
        )
    elif commune is None and has_district:
        note += "; chưa xác định được xã, phường mới"
    return PlaceMatch(province, commune, is_old=True, ambiguous=len(split_into) > 1, note=note)


def _units(
    province_code: int, commune_name: str | None, commune_code: str
) -> tuple[Province, Commune | None]:
    """Our Province, and Commune for a commune of the package's 34-province tables:
    by code when the names agree (161 of 3,321 codes differ from those of
    vietnam-provinces), else by name within the province, tone marks first, then
    folded if unique. One query when the code agrees."""
    if commune_name is None:
        return Province.objects.get(pk=province_code), None
    key = _name_key(commune_name)
    by_code = Commune.objects.select_related("province").filter(pk=int(commune_code)).first()
    if (
        by_code is not None
        and by_code.province_id == province_code
        and _name_key(by_code.name) == key
    ):
        return by_code.province, by_code
    province = Province.objects.get(pk=province_code)
    candidates = list(Commune.objects.filter(province=province))
    exact = [c for c in candidates if _name_key(c.name) == key]
    folded = [c for c in candidates if _name_key(fold(c.name)) == _name_key(fold(commune_name))]
    if exact:
        return province, exact[0]
    return province, folded[0] if len(folded) == 1 else None


def _label(name: str, division_type: str) -> str:
    """A unit as a sentence names it: (“Xã  Yên Khánh”, “xã”) -> “xã Yên Khánh”;
    (“Ninh Bình”, “tỉnh”) -> “tỉnh Ninh Bình”; “Thành phố Hà Nội” (a city under the
    central government, whose name holds its kind) stays as it is."""
    name = _SPACES.sub(" ", name).strip()
    if fold(name).startswith("thanh pho "):
        return name
    if fold(name).startswith(fold(division_type) + " "):
        return division_type + name[len(division_type) :]
    return f"{division_type} {name}"


def _lower_kind(name: str) -> str:
    """“Phường Dịch Vọng” -> “phường Dịch Vọng”, as a sentence names it."""
    for kind in ("Thị trấn", "Đặc khu", "Phường", "Xã"):
        if name.startswith(kind + " "):
            return kind.lower() + name[len(kind) :]
    return name


def _name_key(name: str) -> str:
    return re.sub(r"\W+", "", unicodedata.normalize("NFC", name).casefold())


def _typed(keywords: set[str]) -> set[str]:
    """A district's keywords with a district type before them (“quancaugiay”,
    “qcaugiay”, “tpnamdinh”)."""
    bare = {k for k in keywords if not any(k[len(t) :] in keywords for t in _DISTRICT_TYPES)}
    return {t + k for t in _DISTRICT_TYPES for k in bare} | (keywords - bare)


def _old_district_keywords(
    lib: SimpleNamespace, old: Any, words: _Words
) -> tuple[set[str], set[str]]:
    """The keywords of the district the package read: (bare or typed, typed only),
    less those that name its province unless the text names it twice (“Thành phố
    Huế” named a district of Thừa Thiên Huế until 2025 and names the province
    today; “Hà Giang” alone is the province, “TP. Hà Giang” or “Minh Khai, Hà
    Giang, Hà Giang” the district)."""
    if not old.district_key:
        return set(), set()
    keywords = set(
        lib.old.DICT_PROVINCE_DISTRICT.get(old.province_key, {})
        .get(old.district_key, {})
        .get("districtKeywords", ())
    )
    keywords.update(
        lib.old.DICT_UNIQUE_DISTRICT_PROVINCE.get(old.district_key, {}).get("districtKeywords", ())
    )
    for divided in lib.old.DICT_PROVINCE_DISTRICT_DIVIDED.get(old.province_key, {}).values():
        if old.district_key in divided["districts"]:
            keywords.update(divided["dividedDistrictKeywords"])
    province = lib.old_provinces.get(old.province_key, {})
    province_keywords = _old_province_keywords(lib, old.province_key)
    if sum(part in province_keywords for part in words.part_list) > 1:
        province_keywords = set()
    typed = _typed(keywords)
    if fold(province.get("province", "")).startswith("thanh pho "):
        typed -= {t + k for t in ("tp", "thanhpho") for k in province_keywords}
    return (keywords - province_keywords) | typed, typed


def _old_ward_keywords(lib: SimpleNamespace, old: Any) -> set[str]:
    keywords: set[str] = set()
    for table in (
        lib.old.DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED,
        lib.old.DICT_PROVINCE_DISTRICT_WARD_ACCENTED,
        lib.old.DICT_PROVINCE_DISTRICT_WARD_SHORT_ACCENTED,
    ):
        entry = table.get(old.province_key, {}).get(old.district_key, {}).get(old.ward_key)
        if entry:
            keywords.update(entry["wardKeywords"])
    return keywords


def _new_ward_keywords(lib: SimpleNamespace, new: Any) -> set[str]:
    keywords: set[str] = set()
    for table in (
        lib.new.DICT_PROVINCE_WARD_NO_ACCENTED,
        lib.new.DICT_PROVINCE_WARD_ACCENTED,
        lib.new.DICT_PROVINCE_WARD_SHORT_ACCENTED,
    ):
        entry = table.get(new.province_key, {}).get(new.ward_key)
        if entry:
            keywords.update(entry["wardKeywords"])
    return keywords


def _new_ward(lib: SimpleNamespace, province_key: str, ward_key: str) -> tuple[str, str]:
    """(name, code) of a commune of the 34-province tables."""
    for table in (
        lib.new.DICT_PROVINCE_WARD_NO_ACCENTED,
        lib.new.DICT_PROVINCE_WARD_ACCENTED,
        lib.new.DICT_PROVINCE_WARD_SHORT_ACCENTED,
    ):
        entry = table.get(province_key, {}).get(ward_key)
        if entry:
            return entry["ward"], entry["wardCode"]
    raise LookupError(f"vietnamadminunits: no commune {ward_key} in {province_key}")


@lru_cache(maxsize=1)
def _library() -> SimpleNamespace:
    """The package, imported on first use: it loads 4 MB of JSON and pulls numpy,
    shapely and geopy (about 0.5 s), which a process that never imports a sheet
    should not pay. Also the conversion tables turned round for lookup by old key."""
    from vietnamadminunits import parse_address
    from vietnamadminunits.converter import converter_2025
    from vietnamadminunits.parser import parser_from_2025, parser_legacy
    from vietnamadminunits.parser.utils import key_normalize

    province_now = {old: new for new, olds in converter_2025.DICT_PROVINCE.items() for old in olds}
    ward_now = {
        old: new_ward
        for wards in converter_2025.DICT_PROVINCE_WARD_NO_DIVIDED.values()
        for new_ward, olds in wards.items()
        for old in olds
    }
    ward_split = {
        old: tuple(w["newWardKey"] for w in new_wards)
        for wards in converter_2025.DICT_PROVINCE_WARD_DIVIDED.values()
        for old, new_wards in wards.items()
    }
    # Every name of a province, old or today's, as the package writes keywords
    # (“namdinh”, “tinhnamdinh”, “hcm”): (old keys, new keys, earlier key).
    old_keys: dict[str, set[str]] = {}
    new_keys: dict[str, set[str]] = {}
    for keys, provinces in (
        (old_keys, parser_legacy.DICT_PROVINCE),
        (new_keys, parser_from_2025.DICT_PROVINCE),
    ):
        for key, province in provinces.items():
            for keyword in province["provinceKeywords"]:
                keys.setdefault(keyword, set()).add(key)
    province_names = {
        keyword: (frozenset(old_keys.get(keyword, ())), frozenset(new_keys.get(keyword, ())), "")
        for keyword in old_keys.keys() | new_keys.keys()
    }
    for key, keywords in _EARLIER_PROVINCE_NAMES.items():
        province_names.update({k: (frozenset({key}), frozenset(), key) for k in keywords})
    # Where each old district and commune name was: (province key, district key)
    # by keyword, a district that was divided under each of its parts.
    district_places: dict[str, set[tuple[str, str]]] = {}
    for province_key, districts in parser_legacy.DICT_PROVINCE_DISTRICT.items():
        for district_key, district in districts.items():
            for keyword in district["districtKeywords"]:
                district_places.setdefault(keyword, set()).add((province_key, district_key))
    for province_key, divided in parser_legacy.DICT_PROVINCE_DISTRICT_DIVIDED.items():
        for entry in divided.values():
            for keyword in entry["dividedDistrictKeywords"]:
                district_places.setdefault(keyword, set()).update(
                    (province_key, district_key) for district_key in entry["districts"]
                )
    ward_places: dict[str, set[tuple[str, str]]] = {}
    for table in (
        parser_legacy.DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED,
        parser_legacy.DICT_PROVINCE_DISTRICT_WARD_ACCENTED,
        parser_legacy.DICT_PROVINCE_DISTRICT_WARD_SHORT_ACCENTED,
    ):
        for province_key, districts in table.items():
            for district_key, wards in districts.items():
                for ward in wards.values():
                    for keyword in ward["wardKeywords"]:
                        key = keyword if keyword.isascii() else key_normalize(keyword)
                        ward_places.setdefault(key, set()).add((province_key, district_key))
    # The old provinces each commune of today took in units of.
    ward_origins: dict[tuple[str, str], set[str]] = {}
    for province_key, wards in converter_2025.DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for new_ward, olds in wards.items():
            ward_origins.setdefault((province_key, new_ward), set()).update(
                old.split("_")[0] for old in olds
            )
    for province_key, divided in converter_2025.DICT_PROVINCE_WARD_DIVIDED.items():
        for old, new_wards in divided.items():
            for new_ward in new_wards:
                ward_origins.setdefault((province_key, new_ward["newWardKey"]), set()).add(
                    old.split("_")[0]
                )
    return SimpleNamespace(
        parse_address=parse_address,
        key_normalize=key_normalize,
        old=parser_legacy,
        new=parser_from_2025,
        old_provinces=parser_legacy.DICT_PROVINCE,
        new_provinces=parser_from_2025.DICT_PROVINCE,
        province_now=province_now,
        ward_now=ward_now,
        ward_split=ward_split,
        province_names=province_names,
        ward_origins=ward_origins,
        district_places=district_places,
        ward_places=ward_places,
    )
