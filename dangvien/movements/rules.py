"""Regulations about transfers of party activity (regulations.md §2) and removal
from the Party (§4): the numbers as dated Rules with their sources, and small
pure functions over plain values, tested at their edges."""

from __future__ import annotations

import datetime as dt

from dangvien.admissions import rules as admissions_rules
from dangvien.core.rulebook import LONG_AGO, Rule, Version
from dangvien.core.workdays import add_working_days
from dangvien.members.rules import add_months
from dangvien.organizations.models import Level

# --- Transfers --------------------------------------------------------------

# R2.1: a permanent transfer must be started within 60 working days of the
# decision taking effect (new unit, retirement, leaving the job, demobilisation)
# or of the change of residence. QĐ 294-QĐ/TW điểm 6.3.1 (same as QĐ 29/24/232).
TRANSFER_START_WORKING_DAYS = Rule(
    "transfer_start_working_days",
    "Hạn làm thủ tục chuyển sinh hoạt chính thức (ngày làm việc)",
    (Version(LONG_AGO, 60, "QĐ 294-QĐ/TW điểm 6.3.1"),),
)

# R2.3: the member presents the letter to the receiving cell committee within
# 30 working days of being introduced. QĐ 294-QĐ/TW điểm 6.3.1; QĐ 24 điểm 6.3.1c.
TRANSFER_PRESENT_WORKING_DAYS = Rule(
    "transfer_present_working_days",
    "Hạn xuất trình giấy giới thiệu với chi ủy nơi đến (ngày làm việc)",
    (Version(LONG_AGO, 30, "QĐ 294-QĐ/TW điểm 6.3.1; QĐ 24-QĐ/TW điểm 6.3.1c"),),
)

# R2.4 [C-old]: a temporary transfer is for a change of residence or workplace of
# 3 months to under 1 year, or full-time training in Vietnam of 3 months to 2 years.
# QĐ 29-QĐ/TW điểm 6.3, believed unchanged.
TEMPORARY_MIN_MONTHS = Rule(
    "temporary_transfer_min_months",
    "Thời gian tối thiểu của chuyển sinh hoạt tạm thời (tháng)",
    (Version(LONG_AGO, 3, "QĐ 29-QĐ/TW điểm 6.3 (chưa đối chiếu QĐ 294)", confirmed=False),),
)
TEMPORARY_MAX_MONTHS_WORK = Rule(
    "temporary_transfer_max_months_work",
    "Chuyển sinh hoạt tạm thời do đổi nơi ở, nơi làm việc: dưới (tháng)",
    (Version(LONG_AGO, 12, "QĐ 29-QĐ/TW điểm 6.3 (chưa đối chiếu QĐ 294)", confirmed=False),),
)
TEMPORARY_MAX_MONTHS_STUDY = Rule(
    "temporary_transfer_max_months_study",
    "Chuyển sinh hoạt tạm thời do đi học tập trung: tối đa (tháng)",
    (Version(LONG_AGO, 24, "QĐ 29-QĐ/TW điểm 6.3 (chưa đối chiếu QĐ 294)", confirmed=False),),
)


def transfer_start_due(trigger_date: dt.date) -> dt.date:
    """R2.1: the last day to start the procedure."""
    return add_working_days(trigger_date, TRANSFER_START_WORKING_DAYS.on(trigger_date))


def transfer_present_due(sent_on: dt.date) -> dt.date:
    """R2.3: the last day to present the letter at the receiving side."""
    return add_working_days(sent_on, TRANSFER_PRESENT_WORKING_DAYS.on(sent_on))


def temporary_period_error(start: dt.date, end: dt.date, *, study: bool) -> str | None:
    """R2.4: 3 months to under 1 year (work, residence), 3 months to 2 years (study)."""
    low = TEMPORARY_MIN_MONTHS.on(start)
    if end < add_months(start, low):
        return f"Chuyển sinh hoạt tạm thời chỉ áp dụng cho thời gian từ {low} tháng trở lên."
    if study:
        high = TEMPORARY_MAX_MONTHS_STUDY.on(start)
        if end > add_months(start, high):
            return f"Đi học tập trung tạm thời tối đa {high} tháng; quá thời hạn phải chuyển chính thức."
    else:
        high = TEMPORARY_MAX_MONTHS_WORK.on(start)
        if end >= add_months(start, high):
            return (
                f"Thay đổi nơi ở, nơi làm việc từ {high} tháng trở lên phải chuyển sinh hoạt "
                "chính thức."
            )
    return None


GRASSROOTS_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)


def grassroots_of(chain: list) -> object | None:
    """The grassroots organisation in an organisation's chain (root first, itself last)."""
    for org in reversed(chain):
        if org.level in GRASSROOTS_LEVELS:
            return org
    return None


def letter_issuer(from_chain: list, to_chain: list | None) -> tuple[object, str]:
    """Who issues the introduction letter (R2.2, QĐ 294-QĐ/TW điểm 6.3.1).

    `from_chain` and `to_chain` are the organisations from the root down to the
    sending and receiving cells (`to_chain` None: outside this installation).
    Within one grassroots organisation its committee issues it; leaving it, the
    committee directly above the grassroots organisation does, and for a
    grassroots organisation directly under a provincial committee, that
    province's organisation board. Returns (organisation, who signs for it).
    """
    grassroots = grassroots_of(from_chain)
    if grassroots is None:  # a cell hanging directly under a higher committee
        grassroots = from_chain[-1]
    if to_chain is not None and grassroots in to_chain:
        return (
            grassroots,
            "T/M ĐẢNG ỦY" if grassroots.level == Level.GRASSROOTS_COMMITTEE else "T/M CHI BỘ",
        )
    index = from_chain.index(grassroots)
    superior = from_chain[index - 1] if index > 0 else grassroots
    if superior.level == Level.PROVINCIAL:
        return superior, "BAN TỔ CHỨC"
    return superior, "T/M BAN THƯỜNG VỤ"


# --- Removal ----------------------------------------------------------------

# R1.8: the cell proposes name deletion, like admission and recognition, only
# with at least 2/3 of all its official members in favour: one rule, kept with
# the admissions (admissions.rules.CELL_VOTE_SHARE).
vote_passes = admissions_rules.vote_passes


# R4.1.1: abandoning party activity, or not paying dues, for 3 months in a year
# without good reason. Charter Điều 8 khoản 1; QĐ 24 điểm 8.1; 01-QĐ/TW 2026 (dues).
# Counted within one calendar year, separately for meetings and for dues.
NAME_DELETION_MONTHS_IN_YEAR = Rule(
    "name_deletion_months_in_year",
    "Số tháng trong năm bỏ sinh hoạt hoặc không đóng đảng phí không lý do",
    (Version(LONG_AGO, 3, "Điều lệ Đảng Điều 8 khoản 1; QĐ 24-QĐ/TW điểm 8.1"),),
)
# R4.1.3: no progress 12 months after the cell's education.
NAME_DELETION_EDUCATION_MONTHS = Rule(
    "name_deletion_education_months",
    "Số tháng sau khi chi bộ giáo dục mà không tiến bộ",
    (Version(LONG_AGO, 12, "Điều lệ Đảng Điều 8 khoản 1; QĐ 24-QĐ/TW điểm 8.1"),),
)
# R4.1.4: in breach of member standards 2 years in a row.
NAME_DELETION_BREACH_YEARS = Rule(
    "name_deletion_breach_years",
    "Số năm liền vi phạm tư cách đảng viên",
    (Version(LONG_AGO, 2, "Điều lệ Đảng Điều 8 khoản 1; QĐ 24-QĐ/TW điểm 8.1"),),
)


def missed_months_error(months: list[dt.date]) -> str | None:
    """R4.1.1: at least N distinct months within one calendar year."""
    needed = NAME_DELETION_MONTHS_IN_YEAR.on(max(months) if months else None)
    by_year: dict[int, set[int]] = {}
    for day in months:
        by_year.setdefault(day.year, set()).add(day.month)
    if not any(len(m) >= needed for m in by_year.values()):
        return (
            f"Cần ít nhất {needed} tháng trong cùng một năm bỏ sinh hoạt hoặc không đóng "
            "đảng phí không có lý do chính đáng (Điều lệ Đảng, Điều 8)."
        )
    return None


def education_wait_error(educated_on: dt.date, meeting_on: dt.date) -> str | None:
    """R4.1.3: the cell may propose deletion only 12 months after its education."""
    months = NAME_DELETION_EDUCATION_MONTHS.on(meeting_on)
    earliest = add_months(educated_on, months)
    if meeting_on < earliest:
        return (
            f"Chưa đủ {months} tháng kể từ khi chi bộ giáo dục: sớm nhất ngày "
            f"{earliest:%d/%m/%Y} (Điều lệ Đảng, Điều 8)."
        )
    return None


def breach_years_error(years: list[int]) -> str | None:
    """R4.1.4: breaches in N consecutive years."""
    needed = NAME_DELETION_BREACH_YEARS.on()
    ordered = sorted(set(years))
    run = best = 0
    for i, year in enumerate(ordered):
        run = run + 1 if i and year == ordered[i - 1] + 1 else 1
        best = max(best, run)
    if best < needed:
        return f"Cần {needed} năm liền vi phạm tư cách đảng viên (Điều lệ Đảng, Điều 8)."
    return None
