"""Rules of cell meetings (regulations.md §9 and addendum §8), each once, dated,
with its source. Numbers marked UNCONFIRMED are configurable defaults
(DANGVIEN_RULE_OVERRIDES). Functions are pure, over plain values.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from dangvien.core.rulebook import LONG_AGO, Rule, Version

HD_42 = dt.date(2025, 10, 28)  # HD 42-HD/BTCTW (28/10/2025), implementing Chỉ thị 50-CT/TW
HD_12_2018 = dt.date(2018, 5, 18)  # HD 12-HD/BTCTW (2018), quality criteria of meetings

# R9.4 / addendum 8.2 [C]: at least 90 minutes; 120 when regular and thematic are
# held together. No minimum before HD 42.
MIN_MINUTES = Rule(
    "meeting_min_minutes",
    "Thời lượng sinh hoạt chi bộ tối thiểu (phút)",
    (
        Version(LONG_AGO, None, "không quy định trước HD 42"),
        Version(HD_42, 90, "HD 42-HD/BTCTW mục II (R9.4, phụ lục 8.2)"),
    ),
)
MIN_MINUTES_COMBINED = Rule(
    "meeting_min_minutes_combined",
    "Thời lượng tối thiểu khi sinh hoạt thường kỳ kết hợp chuyên đề (phút)",
    (
        Version(LONG_AGO, None, "không quy định trước HD 42"),
        Version(HD_42, 120, "HD 42-HD/BTCTW mục II (R9.4, phụ lục 8.2)"),
    ),
)
# R9.4 / addendum 8.3 [C]: documents available to members at least 1 day before.
DOCUMENTS_DAYS_BEFORE = Rule(
    "meeting_documents_days_before",
    "Tài liệu sinh hoạt gửi đảng viên trước ít nhất (ngày)",
    (Version(HD_42, 1, "HD 42-HD/BTCTW mục II.2 (phụ lục 8.3)"),),
)
# Seed 002 [UNCONFIRMED as a national rule: a district committee's decision]:
# a meeting may be put back, for a special reason, at most 2 days after the set
# day. The schedule carries its own number; this is its default.
MAX_DELAY_DAYS = Rule(
    "meeting_max_delay_days",
    "Số ngày được lùi sinh hoạt sau ngày ấn định (mặc định)",
    (Version(LONG_AGO, 2, "Hồ sơ 002 (Huyện ủy Tứ Kỳ, 2022); chưa xác nhận", confirmed=False),),
)
# R4.1 [C]: abandoning party activity 3 months in a calendar year without good
# reason puts the member on the name-deletion list (Điều lệ Điều 8 khoản 1).
MISSED_MEETINGS_LIMIT = Rule(
    "meeting_missed_limit",
    "Số buổi sinh hoạt thường kỳ vắng không lý do trong năm để xem xét xóa tên",
    (Version(LONG_AGO, 3, "Điều lệ Đảng Điều 8 khoản 1; QĐ 24 điểm 8.1 (R4.1)"),),
)
# Addendum 8.6 [C legacy]: a cell meeting is of quality with attendance above 85%.
ATTENDANCE_MIN_PERCENT = Rule(
    "meeting_attendance_min_percent",
    "Tỷ lệ đảng viên dự sinh hoạt tối thiểu (%)",
    (Version(HD_12_2018, 85, "HD 12-HD/BTCTW 2018 mục 3.1 (phụ lục 8.6)", confirmed=False),),
)
# Seed 002 [UNCONFIRMED]: a leader of the superior committee attends at least 3
# meetings a year of cells other than their own.
LEADER_VISITS_PER_YEAR = Rule(
    "meeting_leader_visits_per_year",
    "Số lần tối thiểu lãnh đạo cấp ủy dự sinh hoạt chi bộ khác trong năm",
    (Version(LONG_AGO, 3, "Hồ sơ 002; chưa xác nhận", confirmed=False),),
)
# R9.2 [C] / addendum 8.1: a thematic meeting at least once a quarter; it does
# not replace the monthly one (a combined meeting counts for both).
THEMATIC_PER_QUARTER = Rule(
    "meeting_thematic_per_quarter",
    "Số buổi sinh hoạt chuyên đề tối thiểu mỗi quý",
    (
        Version(
            LONG_AGO,
            1,
            "HD 09-HD/BTCTW 2012; HD 42-HD/BTCTW 2025 (R9.2, phụ lục 8.1)",
        ),
    ),
)
# R9.3 [C]: a grassroots party organisation (đảng bộ cơ sở) meets twice a year
# (mid-year and year-end reviews), extraordinary meetings aside.
GRASSROOTS_MEETINGS_PER_YEAR = Rule(
    "meeting_grassroots_per_year",
    "Số lần hội nghị đảng bộ cơ sở tối thiểu trong năm",
    (Version(LONG_AGO, 2, "QĐ 24-QĐ/TW mục 20 (R9.3)"),),
)
# [UNCONFIRMED]: the superior committee answers a cell's feedback within 30 days.
FEEDBACK_ANSWER_DAYS = Rule(
    "meeting_feedback_answer_days",
    "Thời hạn cấp trên trả lời phản ánh, góp ý của chi bộ (ngày)",
    (Version(LONG_AGO, 30, "Chưa có văn bản; mặc định của hệ thống", confirmed=False),),
)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def scheduled_day(
    kind: str, month: dt.date, *, day: int | None, weekday: int | None, week: int | None
) -> dt.date | None:
    """The set meeting day of `month` (any date in it) by a schedule.

    kind "day_of_month": day `day`, or the month's last day when it is shorter
    (the 31st in April is the 30th); "weekday": the `week`-th `weekday` (0 is
    Monday) of the month, or its last one when the month has fewer (week 5);
    "by_committee": None (the committee sets each month's day).
    """
    first = month_start(month)
    last = month_end(month)
    if kind == "day_of_month" and day:
        return first.replace(day=min(day, last.day))
    if kind == "weekday" and weekday is not None and week:
        offset = (weekday - first.weekday()) % 7
        candidate = first + dt.timedelta(days=offset + 7 * (week - 1))
        while candidate > last:
            candidate -= dt.timedelta(days=7)
        return candidate
    return None


def date_change_error(
    scheduled: dt.date | None, actual: dt.date, reason: str, max_delay_days: int
) -> tuple[str, dict] | None:
    """Seed 002: a meeting is held on the set day, or put back for a special
    reason (recorded) by at most `max_delay_days` days; never before it.

    Returns (error code name, params) or None when allowed."""
    if scheduled is None or actual == scheduled:
        return None
    params = {"scheduled": f"{scheduled:%d/%m/%Y}", "days": max_delay_days}
    if actual < scheduled:
        return "BEFORE_SCHEDULE", params
    latest = scheduled + dt.timedelta(days=max_delay_days)
    if actual > latest:
        return "TOO_LATE", {**params, "latest": f"{latest:%d/%m/%Y}"}
    if not reason.strip():
        return "REASON_REQUIRED", params
    return None


def min_minutes(kind: str, on: dt.date, set_by_committee: int | None = None) -> int | None:
    """R9.4: the least length in minutes of a meeting of `kind` held on `on`
    (None: no minimum then). A small cell's length set by the competent
    committee (`set_by_committee`) replaces it."""
    if set_by_committee:
        return set_by_committee
    rule = MIN_MINUTES_COMBINED if kind == "combined" else MIN_MINUTES
    return rule.on(on)


def is_short(
    kind: str, on: dt.date, minutes: int | None, set_by_committee: int | None = None
) -> bool:
    """Whether a held meeting was shorter than R9.4 asks (unknown length: no)."""
    least = min_minutes(kind, on, set_by_committee)
    return least is not None and minutes is not None and minutes < least


def attendance_percent(present_expected: int, expected: int) -> Decimal | None:
    """Attendance rate in percent, one decimal, over the members expected to
    attend (addendum 8.6: exempted members excluded); None when none expected."""
    if expected <= 0:
        return None
    return (Decimal(present_expected) * 100 / expected).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def attendance_low(present_expected: int, expected: int, on: dt.date) -> bool:
    """Below the least attendance (85% by HD 12-2018, configurable): strictly
    under the threshold; exactly 85.0% is enough."""
    percent = attendance_percent(present_expected, expected)
    return percent is not None and percent < ATTENDANCE_MIN_PERCENT.on(on)


def documents_late(posted_on: dt.date | None, meeting_on: dt.date) -> bool:
    """R9.4: documents posted fewer than 1 day before the meeting (or not at all)."""
    if posted_on is None:
        return True
    return (meeting_on - posted_on).days < DOCUMENTS_DAYS_BEFORE.on(meeting_on)


def reaches_missed_limit(unexcused_months: int, year_end: dt.date) -> bool:
    """R4.1: regular meetings missed without reason in distinct months of one
    calendar year reach the name-deletion threshold (3, exactly 3 is enough)."""
    return unexcused_months >= MISSED_MEETINGS_LIMIT.on(year_end)


def feedback_due(sent_on: dt.date) -> dt.date:
    """The day the superior committee's answer is due (days, UNCONFIRMED 30)."""
    return sent_on + dt.timedelta(days=FEEDBACK_ANSWER_DAYS.on(sent_on))


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar quarter holding `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    first = dt.date(day.year, first_month, 1)
    return first, month_end(first.replace(month=first_month + 2))


def quarter_label(day: dt.date) -> str:
    """ "quý I/2026" ... "quý IV/2026"."""
    return f"quý {('I', 'II', 'III', 'IV')[(day.month - 1) // 3]}/{day.year}"


def thematic_missing(held_thematic: int, quarter_end: dt.date, today: dt.date) -> bool:
    """R9.2: a cell held fewer thematic meetings (combined ones count) than
    THEMATIC_PER_QUARTER in a quarter that has ended (the quarter's last day is
    before `today`; a quarter still running is never flagged)."""
    if quarter_end >= today:
        return False
    return held_thematic < THEMATIC_PER_QUARTER.on(quarter_end)


def grassroots_meetings_short(held: int, year: int, today: dt.date) -> bool:
    """R9.3: a grassroots party organisation held fewer meetings (kind
    "grassroots") than GRASSROOTS_MEETINGS_PER_YEAR in a calendar year that has
    ended (31/12 before `today`)."""
    year_end = dt.date(year, 12, 31)
    if year_end >= today:
        return False
    return held < GRASSROOTS_MEETINGS_PER_YEAR.on(year_end)
