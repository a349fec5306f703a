"""Vietnamese text: accent-free search form and the collation key for name order.

Names sort the Vietnamese way: by given name, then middle name, then family
name, each in Vietnamese alphabetical order (a < ă < â < b < c < d < đ ...),
using ICU's Vietnamese collator.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics, đ -> d: 'Nguyễn Văn Thước' -> 'nguyen van thuoc'.

    NFD does not decompose đ/Đ, so they are mapped by hand.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def normalize_name_part(text: str) -> str:
    """Trim, collapse spaces, NFC: what is stored for each part of a name."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    collator = icu.Collator.createInstance(icu.Locale("vi_VN"))
    collator.setStrength(icu.Collator.TERTIARY)
    return collator


def collation_key(text: str) -> bytes:
    """ICU Vietnamese sort key; byte order equals Vietnamese alphabetical order."""
    return bytes(_collator().getSortKey(unicodedata.normalize("NFC", text)))


def name_sort_key(family: str, middle: str, given: str) -> bytes:
    """Key ordering people by given name, then middle, then family name.

    Each ICU key ends in a 0x00 byte that appears nowhere else, so the
    concatenation compares part by part.
    """
    return collation_key(given) + collation_key(middle) + collation_key(family)


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """'Nguyễn Văn Thước' -> ('Nguyễn', 'Văn', 'Thước'); a single word is the given name."""
    parts = normalize_name_part(full_name).split(" ")
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], " ".join(parts[1:-1]), parts[-1]
