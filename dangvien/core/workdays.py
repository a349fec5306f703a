"""Working days in Vietnam: deadlines "within N working days" skip weekends and
public holidays, Tết included.

The holidays come from the `holidays` package (Vietnam: New Year, Tết, Hùng
Kings, 30/4, 1/5, National Day, the Cultural Day from 2026, and the days off
the government substitutes). A substituted day off is exchanged for a weekend
day that is worked instead (e.g. Monday 31/08/2026 off, Saturday 22/08/2026
worked): the package lists those worked weekend days (`weekend_workdays`,
possibly in the year before the day off), and they count as working days.
A year's own decisions that the package does not know yet (an extra day off,
a Saturday worked in exchange) are settings: DANGVIEN_EXTRA_DAYS_OFF and
DANGVIEN_EXTRA_WORKING_DAYS, lists of ISO dates.

Counting follows the usual reading of "trong thời hạn N ngày làm việc kể từ":
the day of the event itself is not counted; the deadline is the N-th working
day after it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _calendar(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, weekend days worked in exchange) of `year` by the package.

    A weekend day worked in exchange may belong to a substitution of the next
    year (Saturday 27/12/2014 for Friday 02/01/2015), so both years are built.
    """
    calendar = holidays.country_holidays("VN", years=(year, year + 1))
    days_off = frozenset(d for d in calendar if d.year == year)
    worked = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return days_off, worked


def _extra(name: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(str(d)) for d in getattr(settings, name, ()) or ())


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is worked: a weekday that is no holiday, or a weekend day
    worked in exchange for a substituted day off; the settings' extra days
    decide first."""
    if day in _extra("DANGVIEN_EXTRA_WORKING_DAYS"):
        return True
    if day in _extra("DANGVIEN_EXTRA_DAYS_OFF"):
        return False
    days_off, worked = _calendar(day.year)
    if day.weekday() >= 5:
        return day in worked
    return day not in days_off


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
