"""Regulations about transfers of party activity (regulations.md §2) and removal
from the Party (§4): the numbers as dated Rules with their sources, and small
pure functions over plain values, tested at their edges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dangvien.core.rulebook import LONG_AGO, Rule, Version
from dangvien.core.workdays import add_working_days
from dangvien.members import rules as member_rules
from dangvien.members import rules as members_rules
from dangvien.members.rules import add_months
from dangvien.organizations.models import Level, Organization

from .errors import MovementError

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
    """R2.1: the last day to start the procedure: TRANSFER_START_WORKING_DAYS
    working days (in force on `trigger_date`) after it."""
    return add_working_days(trigger_date, TRANSFER_START_WORKING_DAYS.on(trigger_date))


def transfer_present_due(sent_on: dt.date) -> dt.date:
    """R2.3: the last day to present the letter at the receiving side:
    TRANSFER_PRESENT_WORKING_DAYS working days (in force on `sent_on`) after it."""
    return add_working_days(sent_on, TRANSFER_PRESENT_WORKING_DAYS.on(sent_on))


@dataclass(frozen=True)
class Presentation:
    """A letter presented at the receiving side (R2.3, R1.17)."""

    due: dt.date  # the last day to present it
    days_late: int  # calendar days after `due` (0 when on time)
    gap_days: int  # days not counted in party age (members.rules.transfer_gap_days)

    @property
    def late(self) -> bool:
        """Past the deadline: the member or the organisation at fault reports the
        reason to the competent committee (R2.3), so a reason is required."""
        return self.days_late > 0


def letter_presentation(
    letter_date: dt.date, received_on: dt.date, *, left_on: dt.date | None = None
) -> Presentation:
    """R2.3 and R1.17 for a letter dated `letter_date` presented on `received_on`:
    its deadline (`transfer_present_due`), the days late, and the transfer gap
    left out of party age, counted from `left_on` (the day the member left the
    sending cell; default the letter's date). One rule for every arrival: a
    transfer between two cells of this installation and a member registered
    from an outside organisation's letter alike."""
    due = transfer_present_due(letter_date)
    return Presentation(
        due=due,
        days_late=max(0, (received_on - due).days),
        gap_days=members_rules.transfer_gap_days(left_on or letter_date, received_on),
    )


def temporary_period_error(start: dt.date, end: dt.date, *, study: bool) -> str | None:
    """R2.4: the message when the period [start, end] does not fit a temporary
    transfer (months, in force on `start`: at least TEMPORARY_MIN_MONTHS; under
    TEMPORARY_MAX_MONTHS_WORK for work or residence, at most
    TEMPORARY_MAX_MONTHS_STUDY for full-time study), else None."""
    low = TEMPORARY_MIN_MONTHS.on(start)
    if end < add_months(start, low):
        return MovementError.PERIOD_TOO_SHORT.text(months=low)
    if study:
        high = TEMPORARY_MAX_MONTHS_STUDY.on(start)
        if end > add_months(start, high):
            return MovementError.PERIOD_TOO_LONG_STUDY.text(months=high)
    else:
        high = TEMPORARY_MAX_MONTHS_WORK.on(start)
        if end >= add_months(start, high):
            return MovementError.PERIOD_TOO_LONG_WORK.text(months=high)
    return None


# Not a regulation but a guard on typing: the letter is not issued more than
# this many months before the decision or the move it follows.
TRANSFER_SEND_BEFORE_TRIGGER_MONTHS = Rule(
    "transfer_send_before_trigger_months",
    "Giấy giới thiệu cấp sớm nhất trước ngày phát sinh (tháng; kiểm tra nhập liệu)",
    (Version(LONG_AGO, 12, "Kiểm tra nhập liệu, không phải quy định"),),
)


def transfer_send_earliest(trigger_date: dt.date) -> dt.date:
    """The earliest plausible date of the letter for a transfer triggered on
    `trigger_date` (TRANSFER_SEND_BEFORE_TRIGGER_MONTHS months before it)."""
    return add_months(trigger_date, -TRANSFER_SEND_BEFORE_TRIGGER_MONTHS.on(trigger_date))


GRASSROOTS_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)


def grassroots_of(chain: list[Organization]) -> Organization | None:
    """The grassroots organisation in an organisation's chain (root first, itself last)."""
    for org in reversed(chain):
        if org.level in GRASSROOTS_LEVELS:
            return org
    return None


def letter_issuer(
    from_chain: list[Organization], to_chain: list[Organization] | None
) -> tuple[Organization, str]:
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

# R1.8, R1.8a: the cell proposes name deletion, like admission and recognition,
# only with at least 2/3 of its official members counted as QĐ 24 điểm 9.3.2
# says; any other resolution (accepting an application to leave) with more than
# half of them. One rule for every vote: members.rules (vote_base, vote_passes).
vote_base = member_rules.vote_base
vote_passes = member_rules.vote_passes
votes_needed = member_rules.votes_needed


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


def month_key(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def months_covered(
    periods: Iterable[tuple[dt.date, dt.date | None, str]], first: dt.date, last: dt.date
) -> dict[tuple[int, int], str]:
    """The months from `first` to `last` that touch one of `periods` (start, end
    or None: still running, reason), each with the first period's reason. A
    month counts as excused when any of its days is (R4.1.1: the cell does not
    hold against a member the months it excused itself)."""
    covered: dict[tuple[int, int], str] = {}
    for start, end, reason in periods:
        lo = max(start, dt.date(first.year, first.month, 1))
        hi = min(end or last, last)
        if hi < lo:
            continue
        year, month = lo.year, lo.month
        while (year, month) <= (hi.year, hi.month):
            covered.setdefault((year, month), reason)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return covered


def missed_months_error(
    months: list[dt.date],
    on: dt.date | None = None,
    excused: dict[tuple[int, int], str] | None = None,
) -> str | None:
    """R4.1.1: at least NAME_DELETION_MONTHS_IN_YEAR distinct months within one
    calendar year, the rule in force on `on` (the meeting; default the last
    month given, or today). Months the organisation excused (`excused`: (year,
    month) → reason, see selectors.excused_months) never count: listing one is
    refused with its reason. Returns the message, or None when met."""
    day = on or (max(months) if months else dt.date.today())
    needed = NAME_DELETION_MONTHS_IN_YEAR.on(day)
    excused = excused or {}
    listed = sorted({month_key(m) for m in months if month_key(m) in excused})
    if listed:
        return MovementError.MONTHS_EXCUSED.text(
            months=", ".join(f"{m:02d}/{y}" for y, m in listed),
            reason=excused[listed[0]],
        )
    by_year: dict[int, set[int]] = {}
    for day in months:
        by_year.setdefault(day.year, set()).add(day.month)
    if not any(len(m) >= needed for m in by_year.values()):
        return MovementError.MISSED_MONTHS.text(months=needed)
    return None


def education_wait_error(educated_on: dt.date, meeting_on: dt.date) -> str | None:
    """R4.1.3: the cell may propose deletion only NAME_DELETION_EDUCATION_MONTHS
    months (in force on `meeting_on`) after its education. Returns the message,
    or None when met."""
    months = NAME_DELETION_EDUCATION_MONTHS.on(meeting_on)
    earliest = add_months(educated_on, months)
    if meeting_on < earliest:
        return MovementError.EDUCATION_TOO_RECENT.text(
            months=months, earliest=f"{earliest:%d/%m/%Y}"
        )
    return None


def breach_years_error(years: list[int], on: dt.date | None = None) -> str | None:
    """R4.1.4: breaches in NAME_DELETION_BREACH_YEARS consecutive years, the rule
    in force on `on` (the meeting; default the end of the last year given, or
    today). Returns the message, or None when met."""
    day = on or (dt.date(max(years), 12, 31) if years else dt.date.today())
    needed = NAME_DELETION_BREACH_YEARS.on(day)
    ordered = sorted(set(years))
    run = best = 0
    for i, year in enumerate(ordered):
        run = run + 1 if i and year == ordered[i - 1] + 1 else 1
        best = max(best, run)
    if best < needed:
        return MovementError.BREACH_YEARS.text(years=needed)
    return None
