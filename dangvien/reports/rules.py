"""How the statistical forms count (Hướng dẫn 11-HD/BTCTW, 13/12/2021, in force
since its signature; the 2012 guidance 12-HD/BTCTW Part II for what the 2021 text
left as it was). See docs/domain.md "Reports" and ../shared/docs/report-forms.md.

- A member counts in a scope on a day when the latest event on or before that
  day leaves them in activity (dự bị or chính thức) in one of its organisations.
- Form 1-BTCTW: a change of that state inside the period is an increase or a
  decrease, by the event that made it (INCREASE, DECREASE). A transfer between two
  organisations of the same scope, sent and received inside the period, is
  neither (the member never left the scope's list). Hence D = A + B - C exactly.
- Readmission (kết nạp lại) is counted with admissions (B1; form 2-BTCTW lists
  it as a subset of the new admissions), restoration after wrongful discipline
  (phục hồi đảng tịch) is B3.
- Column 4 of the comparative layout: this period x 100 / the same period last
  year, blank when the latter is 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from dangvien.members.models import EventKind

SOURCE = "HD 11-HD/BTCTW ngày 13/12/2021 (biểu 1, 3, 4-BTCTW)"
IN_FORCE_FROM = dt.date(2021, 12, 13)

# The event that brings a member into a scope's list, by form 1's row.
INCREASE: dict[str, str] = {
    EventKind.ADMITTED: "B1",
    EventKind.READMITTED: "B1",
    EventKind.TRANSFERRED_IN: "B2",
    EventKind.REASSIGNED: "B2",  # an organisation's arrangement from outside the scope
    EventKind.RESTORED: "B3",
}
# The event that takes a member off it.
DECREASE: dict[str, str] = {
    EventKind.DECEASED: "C1",
    EventKind.EXPELLED: "C2",
    EventKind.NAME_DELETED: "C3",
    EventKind.LEFT: "C4",
    EventKind.TRANSFERRED_OUT: "C5",
    EventKind.REASSIGNED: "C5",
}

# Form 3-BTCTW II.3: when the member joined the Party (the admission ceremony).
ADMISSION_PERIODS: tuple[tuple[str, str, dt.date | None], ...] = (
    ("before_1945", "Trước 19/8/1945", dt.date(1945, 8, 18)),
    ("1945_1954", "Từ 19/8/1945 đến 20/7/1954", dt.date(1954, 7, 20)),
    ("1954_1975", "Từ 21/7/1954 đến 30/4/1975", dt.date(1975, 4, 30)),
    ("since_1975", "Từ 01/5/1975 đến nay", None),
)


def admission_period_of(joining_date: dt.date | None) -> str:
    """The key in ADMISSION_PERIODS of a joining date; "" when unknown."""
    if joining_date is None:
        return ""
    for key, _label, last in ADMISSION_PERIODS:
        if last is None or joining_date <= last:
            return key
    raise AssertionError("the last period has no end")  # pragma: no cover


# Party age in full years on the report's last day (tuổi đảng; the badge
# milestones start at 30 years).
PARTY_AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("under_10", "Dưới 10 năm", 0, 9),
    ("10_19", "Từ 10 đến dưới 20 năm", 10, 19),
    ("20_29", "Từ 20 đến dưới 30 năm", 20, 29),
    ("30_39", "Từ 30 đến dưới 40 năm", 30, 39),
    ("40_49", "Từ 40 đến dưới 50 năm", 40, 49),
    ("over_50", "Từ 50 năm trở lên", 50, None),
)


def party_age_band_of(years: int) -> str:
    for key, _label, _low, high in PARTY_AGE_BANDS:
        if high is None or years <= high:
            return key
    raise AssertionError("the last band has no upper end")  # pragma: no cover


def percent(this: int, last: int) -> Decimal | None:
    """Column 4 of the comparative layout: this x 100 / last, two decimals
    (half up); None (printed blank) when last is 0."""
    if not last:
        return None
    return (Decimal(this) * 100 / Decimal(last)).quantize(Decimal("0.01"), ROUND_HALF_UP)
