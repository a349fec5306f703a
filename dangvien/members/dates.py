"""Dates known only by year, or by month and year (issue 13).

Old dossiers often give a birth, a ceremony or a death as «1960» or «03/1960».
Such a date is stored as it is known: the DateField holds the first day of the
known period (1 January 1960, 1 March 1960) and a `*_precision` field beside it
(`models.DatePrecision`) says how much of it is real. No day is invented for
display: pages, the API and papers print «năm 1960», «03/1960» or «15/03/1960».

Rules that compute with a date (age, party age, milestones, the citizen ID's
birth year) read the stored first day of the period (docs/domain.md, decisions).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from django import forms

from .errors import MemberError
from .models import DatePrecision

# «15/03/1960», «15.03.1960», «15-03-1960», ISO «1960-03-15»; «03/1960», «3.1960»,
# «03-1960», «1960-03»; «1960», «năm 1960».
_DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(?:tháng\s*)?(\d{1,2})[/.\-](\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(?:năm\s*)?(\d{4})$")
PLACEHOLDER = "dd/mm/yyyy, mm/yyyy hoặc yyyy"


class PartialDate(NamedTuple):
    """A date as known: `date` is the first day of the known period."""

    date: dt.date
    precision: str  # a DatePrecision value

    def __str__(self) -> str:
        return format_partial_date(self.date, self.precision)


def first_day(date: dt.date, precision: str) -> dt.date:
    """The first day of the period of `precision` that holds `date`: the value
    stored for a partial date (1 January for a year, the 1st for a month)."""
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    return date


def parse_partial_date(text: str) -> PartialDate:
    """Read a date as typed: «15/03/1960» (day), «03/1960» (month), «1960» (year);
    dots and hyphens may replace the slashes, ISO «1960-03-15» and «1960-03» are
    read too. Raises ValueError when the text is none of these or names no real
    day (31/02/1960, 13/1960, year before 1000)."""
    value = " ".join((text or "").strip().lower().split())
    if match := _DAY.match(value):
        day, month, year = (int(g) for g in match.groups())
        return PartialDate(dt.date(year, month, day), DatePrecision.DAY)
    if match := _ISO_DAY.match(value):
        year, month, day = (int(g) for g in match.groups())
        return PartialDate(dt.date(year, month, day), DatePrecision.DAY)
    if match := _MONTH.match(value):
        month, year = (int(g) for g in match.groups())
        return PartialDate(dt.date(year, month, 1), DatePrecision.MONTH)
    if match := _ISO_MONTH.match(value):
        year, month = (int(g) for g in match.groups())
        return PartialDate(dt.date(year, month, 1), DatePrecision.MONTH)
    if match := _YEAR.match(value):
        year = int(match.group(1))
        if year < 1000:
            raise ValueError(text)
        return PartialDate(dt.date(year, 1, 1), DatePrecision.YEAR)
    raise ValueError(text)


def format_partial_date(value: Any, precision: str | None = DatePrecision.DAY) -> str:
    """A date printed as known: «15/03/1960» (day), «03/1960» (month), «năm 1960»
    (year). None or "" prints as ""; a precision that is missing or unknown
    prints the whole day (the stored records before issue 13)."""
    if value in (None, ""):
        return ""
    if not isinstance(value, dt.date):
        return str(value)
    if precision == DatePrecision.YEAR:
        return f"năm {value.year}"
    if precision == DatePrecision.MONTH:
        return f"{value.month:02d}/{value.year}"
    return value.strftime("%d/%m/%Y")


def input_text(value: Any, precision: str | None) -> str:
    """How a stored partial date reads back in a form's text box: «15/03/1960»,
    «03/1960» or «1960» (typed the same way)."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date) and precision == DatePrecision.YEAR:
        return str(value.year)
    return format_partial_date(value, precision)


def truncate(date: dt.date, precision: str) -> tuple[int, ...]:
    """The parts of `date` that `precision` knows: (year,), (year, month) or
    (year, month, day); for comparing two dates at the coarser precision."""
    if precision == DatePrecision.YEAR:
        return (date.year,)
    if precision == DatePrecision.MONTH:
        return (date.year, date.month)
    return (date.year, date.month, date.day)


def coarser(*precisions: str | None) -> str:
    """The least precise of `precisions` (a missing one counts as the day)."""
    order = [DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY]
    return next((p for p in order if p in precisions), DatePrecision.DAY)


class PartialDateWidget(forms.TextInput):
    """The text box of a partial date; shows a stored date by its precision when
    the form hands it a `PartialDate` (bound values are shown as typed)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"placeholder": PLACEHOLDER, "inputmode": "numeric", **(attrs or {})}
        )

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, PartialDate):
            return input_text(value.date, value.precision)
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return super().format_value(value)


class PartialDateField(forms.Field):
    """A date typed «15/03/1960», «03/1960» or «1960»; cleans to a `PartialDate`
    (None when left empty). Refused with MemberError.PARTIAL_DATE_INVALID, code
    «partial_date_invalid»."""

    widget = PartialDateWidget
    default_error_messages = {"invalid": MemberError.PARTIAL_DATE_INVALID.text()}

    def to_python(self, value: Any) -> PartialDate | None:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.date):
            return PartialDate(value, DatePrecision.DAY)
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return parse_partial_date(str(value))
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code=MemberError.PARTIAL_DATE_INVALID.code
            ) from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except forms.ValidationError:
            return True
