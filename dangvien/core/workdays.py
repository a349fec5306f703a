"""Working days in Vietnam: deadlines "within N working days" skip weekends and
public holidays, Tết included.

The holidays come from the `holidays` package (Vietnam: New Year, Tết, Hùng
Kings, 30/4, 1/5, National Day, the Cultural Day from 2026, and the days off
the government substitutes). A year's own decisions that the package does not
know yet (an extra day off, a Saturday worked in exchange) are settings:
DANGVIEN_EXTRA_DAYS_OFF and DANGVIEN_EXTRA_WORKING_DAYS, lists of ISO dates.

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
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def _extra(name: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(str(d)) for d in getattr(settings, name, ()) or ())


def is_working_day(day: dt.date) -> bool:
    if day in _extra("DANGVIEN_EXTRA_WORKING_DAYS"):
        return True
    if day.weekday() >= 5 or day in _extra("DANGVIEN_EXTRA_DAYS_OFF"):
        return False
    return day not in _holidays(day.year)


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
