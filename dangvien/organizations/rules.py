"""Rules about organisations: tree paths and the cell's monthly meeting day."""

from __future__ import annotations

import datetime as dt

from dangvien.core.rulebook import LONG_AGO, Rule, Version

from .models import STEP_LEN, MeetingRule

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_CHILDREN = 36**STEP_LEN


def path_step(index: int) -> str:
    """The fixed-width base-36 step of the index-th child (1-based)."""
    if not 0 < index < MAX_CHILDREN:
        raise ValueError("index out of range")
    out = []
    for _ in range(STEP_LEN):
        index, rem = divmod(index, 36)
        out.append(_DIGITS[rem])
    return "".join(reversed(out))


def step_index(step: str) -> int:
    return int(step, 36)


# Hướng dẫn 42-HD/BTCTW (28/10/2025), Chỉ thị 50-CT/TW: the cell meets monthly on a
# fixed day set by the superior committee; it may be at most 2 days late with a reason.
MEETING_MAX_DELAY_DAYS = Rule(
    key="meeting_max_delay_days",
    title="Số ngày sinh hoạt chi bộ được lùi tối đa",
    versions=(Version(LONG_AGO, 2, "HD 12-HD/BTCTW 2018; HD 42-HD/BTCTW 2025", confirmed=False),),
)


def meeting_date(
    rule: str, day: int | None, weekday: int | None, year: int, month: int
) -> dt.date | None:
    """The regular meeting date of a cell in a month, by its meeting-day rule.

    DAY_OF_MONTH: that day, or the month's last day when the month is shorter.
    WEEKDAY_OF_FIRST_WEEK: that weekday (0 = Monday) within the first seven days
    (school cells: "the Thursday of the first week").
    """
    if rule == MeetingRule.DAY_OF_MONTH and day:
        for candidate in range(day, 27, -1):
            try:
                return dt.date(year, month, candidate)
            except ValueError:
                continue
        return dt.date(year, month, min(day, 28))
    if rule == MeetingRule.WEEKDAY_OF_FIRST_WEEK and weekday is not None:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    return None
