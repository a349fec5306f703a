"""Report periods (kỳ báo cáo): a quarter, a half-year, a year, or any span of
days, with the same period of the year before (the forms' "cùng kỳ năm trước").

Committees report every quarter, half-year and year (seed 004; HD 11-HD/BTCTW
13/12/2021: the forms count "trong kỳ" and compare with the same period of the
previous year). A period is inclusive at both ends: a quarter 4 is 01/10 to
31/12. A period not yet over is reported to today ("đến ngày ...").
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from .errors import ReportError

PERIOD_KINDS = {
    "quarter": "Quý",
    "half": "6 tháng",
    "year": "Năm",
    "custom": "Từ ngày đến ngày",
}
FIRST_YEAR = 1930  # the Party's founding year: no report reaches before it


@dataclass(frozen=True)
class ReportPeriod:
    """Days `start`..`end` inclusive; `kind` one of PERIOD_KINDS, `number` the
    quarter (1-4) or half (1-2), 0 for a year or a custom span."""

    start: dt.date
    end: dt.date
    kind: str = "custom"
    number: int = 0

    @property
    def label(self) -> str:
        """ "Quý IV năm 2026", "6 tháng đầu năm 2026", "Năm 2025", "Từ 01/03/2026 đến 31/05/2026"."""
        year = self.start.year
        if self.kind == "quarter":
            return f"Quý {'I II III IV'.split()[self.number - 1]} năm {year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {year}"
        if self.kind == "year":
            return f"Năm {year}"
        return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def label_lower(self) -> str:
        """The label inside a sentence: "quý IV năm 2026" (the numeral kept)."""
        return self.label[0].lower() + self.label[1:]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def same_period_last_year(self) -> ReportPeriod:
        """The same days one year earlier (29/02 becomes 28/02)."""
        return ReportPeriod(
            _year_before(self.start), _year_before(self.end), self.kind, self.number
        )

    def query(self) -> dict[str, str]:
        """The GET parameters that name this period (the page's links)."""
        if self.kind == "custom":
            return {"ky": "custom", "tu": f"{self.start:%d/%m/%Y}", "den": f"{self.end:%d/%m/%Y}"}
        if self.kind == "year":  # a year has no number: "so" would be refused
            return {"ky": "year", "nam": str(self.start.year)}
        return {"ky": self.kind, "nam": str(self.start.year), "so": str(self.number)}


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29/02
        return dt.date(day.year - 1, 2, 28)


def period_of(kind: str, year: int, number: int, *, today: dt.date) -> ReportPeriod:
    """The quarter `number` (1-4), the half `number` (1-2) or the whole `year`.
    A period still running ends today. Raises ReportError PERIOD_KIND_INVALID,
    YEAR_INVALID, NUMBER_INVALID, PERIOD_NOT_STARTED (field "so" / "nam" / "ky")."""
    if kind not in ("quarter", "half", "year"):
        raise ReportError.PERIOD_KIND_INVALID.error(field="ky")
    if not FIRST_YEAR <= year <= today.year:
        raise ReportError.YEAR_INVALID.error(field="nam", year=today.year)
    months = {"quarter": 3, "half": 6, "year": 12}[kind]
    if kind == "year":
        number = 0
    elif not 1 <= number <= 12 // months:
        raise ReportError.NUMBER_INVALID.error(field="so")
    first_month = 1 + (max(number, 1) - 1) * months
    last_month = first_month + months - 1
    start = dt.date(year, first_month, 1)
    end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    if start > today:
        raise ReportError.PERIOD_NOT_STARTED.error(
            field="so", start=f"{start:%d/%m/%Y}", today=f"{today:%d/%m/%Y}"
        )
    return ReportPeriod(start, min(end, today), kind, number)


def period_between(start: dt.date, end: dt.date, *, today: dt.date) -> ReportPeriod:
    """Any span of days. Raises ReportError PERIOD_REVERSED (field "den"),
    END_IN_FUTURE (field "den"), YEAR_INVALID (field "tu")."""
    if start.year < FIRST_YEAR:
        raise ReportError.YEAR_INVALID.error(field="tu", year=today.year)
    if end < start:
        raise ReportError.PERIOD_REVERSED.error(
            field="den", start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}"
        )
    if end > today:
        raise ReportError.END_IN_FUTURE.error(field="den", today=f"{today:%d/%m/%Y}")
    return ReportPeriod(start, end)


def current_quarter(today: dt.date) -> ReportPeriod:
    """The quarter `today` falls in, to today (the page's default)."""
    return period_of("quarter", today.year, (today.month - 1) // 3 + 1, today=today)
