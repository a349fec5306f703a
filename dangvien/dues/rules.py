"""Rules of party dues (regulations.md §5 and addendum §2), each once, dated,
with its source. Amounts are whole đồng (int); rates are basis points
(1% = 100). Numbers marked UNCONFIRMED are configurable dated defaults
(DANGVIEN_RULE_OVERRIDES, a value or a list of {"from": "yyyy-mm-dd",
"value": ...}). Functions are pure, over plain values.

Two systems apply by month, for ever:
- QĐ 342-QĐ/TW (28/12/2010), months from 04/2011 to 01/2026;
- Quy định 01-QĐ/TW (03/02/2026), months from 02/2026.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from dangvien.core.rulebook import LONG_AGO, Rule, Version

QD_342 = dt.date(2011, 4, 1)  # QĐ 342-QĐ/TW applied from 01/4/2011 (R5.1)
QD_01 = dt.date(2026, 2, 1)  # Quy định 01-QĐ/TW applied from 01/02/2026 (R5.4, addendum 2.1)
QD_01_2028 = dt.date(2028, 1, 1)  # the second step of 01-QĐ/TW's rates (addendum 2.6)

SYSTEM_342 = "342"
SYSTEM_01 = "01"
SYSTEM = Rule(
    "dues_system",
    "Chế độ đảng phí áp dụng",
    (
        Version(LONG_AGO, SYSTEM_342, "QĐ 342-QĐ/TW (28/12/2010), áp dụng từ 01/4/2011 (R5.1)"),
        Version(QD_01, SYSTEM_01, "Quy định 01-QĐ/TW (03/02/2026), áp dụng từ 01/02/2026 (R5.4)"),
    ),
)
SYSTEM_LABELS = {SYSTEM_342: "QĐ 342-QĐ/TW", SYSTEM_01: "Quy định 01-QĐ/TW"}


class Category:
    """The member's dues category (the profile); values are stored."""

    SOCIAL_INSURANCE = "social_insurance"
    SICK_MATERNITY = "sick_maternity"
    PENSIONER = "pensioner"
    SOCIAL_PENSION = "social_pension"
    STUDENT = "student"
    OTHER = "other"
    ABROAD = "abroad"

    CHOICES = (
        (SOCIAL_INSURANCE, "Đóng BHXH bắt buộc (theo tiền lương đóng BHXH)"),
        (SICK_MATERNITY, "Nghỉ ốm đau, thai sản hưởng trợ cấp BHXH"),
        (PENSIONER, "Hưởng lương hưu (không đóng BHXH bắt buộc)"),
        (SOCIAL_PENSION, "Hưởng trợ cấp hưu trí xã hội"),
        (STUDENT, "Học sinh, sinh viên"),
        (OTHER, "Không đóng BHXH, không hưởng lương hưu (nông dân, lao động tự do...)"),
        (ABROAD, "Đảng viên ở ngoài nước"),
    )
    # Categories whose amount is a share of a base the profile records.
    WITH_BASE = (SOCIAL_INSURANCE, SICK_MATERNITY, PENSIONER, ABROAD)


# R5.1 / R5.4 [C]: 1% of the salary (342: the month's salary; 01: the salary
# used for social insurance in the previous month) and of a sickness or
# maternity allowance; 0.5% of a pension.
SALARY_RATE_BP = Rule(
    "dues_salary_rate_bp",
    "Tỷ lệ đảng phí trên tiền lương, trợ cấp ốm đau, thai sản (phần vạn)",
    (
        Version(LONG_AGO, 100, "QĐ 342-QĐ/TW mục 1 (R5.1)"),
        Version(QD_01, 100, "Quy định 01-QĐ/TW Điều 3 (R5.4, phụ lục 2.2-2.3)"),
    ),
)
PENSION_RATE_BP = Rule(
    "dues_pension_rate_bp",
    "Tỷ lệ đảng phí trên lương hưu (phần vạn)",
    (
        Version(LONG_AGO, 50, "QĐ 342-QĐ/TW mục 1 (R5.1)"),
        Version(QD_01, 50, "Quy định 01-QĐ/TW Điều 3 (R5.4, phụ lục 2.4)"),
    ),
)
# R5.1 [C range, UNCONFIRMED amount]: other members in Vietnam paid a fixed
# amount of 2,000 to 30,000 đồng that the province set; the default here is
# what the system assumes until the province's figure is configured.
OTHER_FIXED_342 = Rule(
    "dues_342_other_amount",
    "Mức đảng phí cố định của đảng viên khác trong nước theo QĐ 342 (đồng/tháng)",
    (Version(LONG_AGO, 5_000, "QĐ 342-QĐ/TW: 2.000-30.000 đ, tỉnh quy định", confirmed=False),),
)
OTHER_FIXED_342_RANGE = (2_000, 30_000)
# R5.1 [C]: members past working age pay 50% of the working-age amount (342).
PAST_WORKING_AGE_PERCENT_342 = Rule(
    "dues_342_past_working_age_percent",
    "Đảng viên ngoài độ tuổi lao động đóng (% mức của người trong độ tuổi) theo QĐ 342",
    (Version(LONG_AGO, 50, "QĐ 342-QĐ/TW mục 1 (R5.1)"),),
)
# Addendum 2.5 [C]: pupils and students pay 5,000 đồng a month (01).
STUDENT_AMOUNT_01 = Rule(
    "dues_01_student_amount",
    "Mức đảng phí học sinh, sinh viên theo Quy định 01 (đồng/tháng)",
    (Version(QD_01, 5_000, "Quy định 01-QĐ/TW Điều 3 (phụ lục 2.5)"),),
)
# Addendum 2.6 [C]: others outside social insurance pay a share of the regional
# minimum wage where they hold party activity: below retirement age 0.3%
# (2026-2027) then 0.5% (from 2028); at or above it 0.2% then 0.3%.
OTHER_RATE_01_BP = Rule(
    "dues_01_other_rate_bp",
    "Tỷ lệ trên lương tối thiểu vùng, đảng viên dưới tuổi nghỉ hưu (phần vạn)",
    (
        Version(QD_01, 30, "Quy định 01-QĐ/TW Điều 3 khoản 2 điểm 2.2 (phụ lục 2.6)"),
        Version(QD_01_2028, 50, "Quy định 01-QĐ/TW Điều 3 khoản 2 điểm 2.2 (phụ lục 2.6)"),
    ),
)
OTHER_RATE_01_RETIRED_BP = Rule(
    "dues_01_other_retired_rate_bp",
    "Tỷ lệ trên lương tối thiểu vùng, đảng viên từ tuổi nghỉ hưu (phần vạn)",
    (
        Version(QD_01, 20, "Quy định 01-QĐ/TW Điều 3 khoản 2 điểm 2.2 (phụ lục 2.6)"),
        Version(QD_01_2028, 30, "Quy định 01-QĐ/TW Điều 3 khoản 2 điểm 2.2 (phụ lục 2.6)"),
    ),
)
# Addendum 2.11 [C]: 50 or more years of party age exempts from dues (01).
EXEMPT_PARTY_AGE_YEARS = Rule(
    "dues_exempt_party_age_years",
    "Tuổi đảng được miễn đóng đảng phí (năm)",
    (
        Version(LONG_AGO, None, "QĐ 342-QĐ/TW không miễn theo tuổi đảng"),
        Version(QD_01, 50, "Quy định 01-QĐ/TW Điều 5 (R5.6, phụ lục 2.11)"),
    ),
)
# Addendum 2.11 [C]: the social pension allowance exempts from dues (01).
SOCIAL_PENSION_EXEMPT = Rule(
    "dues_social_pension_exempt",
    "Đảng viên hưởng trợ cấp hưu trí xã hội được miễn đảng phí",
    (
        Version(LONG_AGO, False, "QĐ 342-QĐ/TW: đóng như đảng viên khác"),
        Version(QD_01, True, "Quy định 01-QĐ/TW Điều 5 (R5.6, phụ lục 2.11)"),
    ),
)
# R5.7 / addendum 2.12 [C]: reductions of 30, 50 or 70%; each approval (an
# exemption on application included) covers at most 12 months.
REDUCTION_PERCENTS = Rule(
    "dues_reduction_percents",
    "Các mức giảm đảng phí (%)",
    (Version(LONG_AGO, (30, 50, 70), "Quy định 01-QĐ/TW Điều 5 (R5.7, phụ lục 2.12)"),),
)
RELIEF_MAX_MONTHS = Rule(
    "dues_relief_max_months",
    "Thời hạn tối đa mỗi lần miễn, giảm đảng phí (tháng)",
    (Version(LONG_AGO, 12, "Quy định 01-QĐ/TW Điều 5 (R5.7, phụ lục 2.12)"),),
)
# R5.8 / addendum 2.9 [C]: three months unpaid in a calendar year without good
# reason: the cell proposes name deletion.
UNPAID_MONTHS_LIMIT = Rule(
    "dues_unpaid_months_limit",
    "Số tháng không đóng đảng phí trong năm, không lý do, để xem xét xóa tên",
    (
        Version(LONG_AGO, 3, "Điều lệ Đảng Điều 8 khoản 1; QĐ 24 (R4.1)"),
        Version(QD_01, 3, "Quy định 01-QĐ/TW Điều 2 khoản 1 (R5.8, phụ lục 2.9)"),
    ),
)
# Addendum 2.10 [C] allows paying more than the rate (a voluntary top-up the
# superior committee is told of). [UNCONFIRMED] bound: a payment above this
# many times the amount due is refused as a typing error; a lasting higher
# amount goes in the profile for the superior committee to approve.
PAYMENT_MAX_TIMES_DUE = Rule(
    "dues_payment_max_times_due",
    "Số tiền một lần đóng tối đa (số lần mức phải đóng)",
    (Version(LONG_AGO, 10, "Mặc định của hệ thống (chống gõ nhầm)", confirmed=False),),
)
# [UNCONFIRMED]: the cell closes a month's dues by this day of the next month.
CLOSE_BY_DAY = Rule(
    "dues_close_by_day",
    "Chi bộ khóa sổ đảng phí tháng trước chậm nhất ngày (của tháng sau)",
    (Version(LONG_AGO, 10, "Chưa có văn bản; mặc định của hệ thống", confirmed=False),),
)

# R5.2 [C]: the share each level keeps under 342 (%), the rest goes up one
# level. A cell under a grassroots committee keeps 30-50% (the committee
# chooses; the default is the low end); a partial committee passes all up
# (assumption: 342 names no share for it). R5.9 / addendum 2.15 [UNCONFIRMED]:
# 01-QĐ/TW's shares are not known; its default repeats 342's table, to be
# configured when the Central Party Office's guidance is read.
_SHARES_342 = {
    "cell": 30,
    "grassroots_communal": 90,
    "grassroots_other": 70,
    "partial_committee": 0,
    "party_group": 0,
    "above_grassroots": 50,
    "central": 100,
}
SHARES_KEPT = Rule(
    "dues_shares_kept",
    "Tỷ lệ đảng phí được trích giữ lại ở mỗi cấp (%)",
    (
        Version(LONG_AGO, _SHARES_342, "QĐ 342-QĐ/TW mục 3 (R5.2)"),
        Version(
            QD_01,
            _SHARES_342,
            "Quy định 01-QĐ/TW: tỷ lệ trích giữ chưa xác nhận (R5.9), tạm theo QĐ 342",
            confirmed=False,
        ),
    ),
)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(month: dt.date) -> dt.date:
    return month_end(month) + dt.timedelta(days=1)


def previous_month(month: dt.date) -> dt.date:
    return month_start(month_start(month) - dt.timedelta(days=1))


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def share_of(amount: int, basis_points: int) -> int:
    """`amount` đồng × basis_points / 10,000, rounded half up to the đồng."""
    return (amount * basis_points + 5_000) // 10_000


def system_of(month: dt.date) -> str:
    """ "342" or "01": the dues system of `month` (any day in it)."""
    return str(SYSTEM.on(month_start(month)))


def base_day(month: dt.date) -> dt.date:
    """The day whose profile (category and base) sets `month`'s amount: under
    01-QĐ/TW the salary of the month before (its last day, addendum 2.2); under
    342 the month itself (its first day)."""
    start = month_start(month)
    return start - dt.timedelta(days=1) if system_of(start) == SYSTEM_01 else start


@dataclass(frozen=True)
class Owed:
    """What a member owes for a month.

    amount: đồng after exemption and reduction (and at least a voluntary
        amount, when approved); full: before them; system: "342" or "01";
    basis: the computation in Vietnamese; exempt_reason: why nothing is owed
        ("" when something is); relief_percent: 0, 30, 50, 70 or 100.
    """

    amount: int
    full: int
    system: str
    basis: str
    exempt_reason: str = ""
    relief_percent: int = 0


def _dong(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def _percent(bp: int) -> str:
    return f"{bp / 100:g}".replace(".", ",") + "%"


def amount_owed(
    month: dt.date,
    category: str,
    base: int | None,
    *,
    past_retirement_age: bool = False,
    regional_wage: int | None = None,
    region: int | None = None,
    party_age_years: int | None = None,
    relief_percent: int = 0,
    relief_reason: str = "",
    voluntary: int | None = None,
) -> Owed:
    """What a member owes for `month` (any day in it), by the system in force
    that month (R5.1 until 01/2026, R5.4 from 02/2026).

    category: a `Category` value; base: đồng (the salary used for social
    insurance, the allowance, the pension, or for members abroad the monthly
    amount the overseas committee set), None when the category needs none;
    past_retirement_age: on the month's first day (342's 50%, 01's lower
    rate); regional_wage / region: the regional minimum wage (đồng/month) and
    region (1-4) where the member holds party activity (01, others outside
    social insurance); party_age_years: whole years on the month's first day
    (01's exemption at 50); relief_percent: an approved exemption (100) or
    reduction (30/50/70) covering the month; voluntary: an approved higher
    monthly amount (đồng).
    Raises ValueError when a needed base or regional wage is missing.
    """
    start = month_start(month)
    system = system_of(start)
    exempt_years = EXEMPT_PARTY_AGE_YEARS.on(start)
    if exempt_years and party_age_years is not None and party_age_years >= exempt_years:
        return Owed(0, 0, system, "Miễn", f"Đủ {exempt_years} năm tuổi đảng", 100)
    if category == Category.SOCIAL_PENSION and SOCIAL_PENSION_EXEMPT.on(start):
        return Owed(0, 0, system, "Miễn", "Hưởng trợ cấp hưu trí xã hội", 100)

    if category in Category.WITH_BASE and base is None:
        raise ValueError(f"category {category} needs a base")
    if category in (Category.SOCIAL_INSURANCE, Category.SICK_MATERNITY):
        bp = SALARY_RATE_BP.on(start)
        assert base is not None
        full = share_of(base, bp)
        what = (
            "tiền lương đóng BHXH tháng trước"
            if system == SYSTEM_01 and category == Category.SOCIAL_INSURANCE
            else "tiền lương"
            if category == Category.SOCIAL_INSURANCE
            else "trợ cấp ốm đau, thai sản"
        )
        basis = f"{_percent(bp)} {what} ({_dong(base)})"
    elif category == Category.PENSIONER:
        bp = PENSION_RATE_BP.on(start)
        assert base is not None
        full = share_of(base, bp)
        basis = f"{_percent(bp)} lương hưu ({_dong(base)})"
    elif category == Category.ABROAD:
        assert base is not None
        full = base
        basis = f"Mức do cấp ủy ngoài nước quy định ({_dong(base)})"
    elif system == SYSTEM_342:  # students, others, social pension before 02/2026
        fixed = int(OTHER_FIXED_342.on(start))
        if past_retirement_age:
            percent = int(PAST_WORKING_AGE_PERCENT_342.on(start))
            full = fixed * percent // 100
            basis = f"{percent}% mức cố định {_dong(fixed)} (ngoài độ tuổi lao động)"
        else:
            full = fixed
            basis = f"Mức cố định {_dong(fixed)}"
    elif category == Category.STUDENT:
        full = int(STUDENT_AMOUNT_01.on(start))
        basis = f"Học sinh, sinh viên: {_dong(full)}"
    else:  # others outside social insurance under 01-QĐ/TW
        if regional_wage is None:
            raise ValueError("others under 01-QĐ/TW need the regional minimum wage")
        rule = OTHER_RATE_01_RETIRED_BP if past_retirement_age else OTHER_RATE_01_BP
        bp = int(rule.on(start))
        full = share_of(regional_wage, bp)
        where = f"vùng {_roman(region)}" if region else "vùng"
        age = "từ tuổi nghỉ hưu" if past_retirement_age else "dưới tuổi nghỉ hưu"
        basis = f"{_percent(bp)} lương tối thiểu {where} ({_dong(regional_wage)}), {age}"

    if relief_percent >= 100:
        return Owed(0, full, system, basis, relief_reason or "Được miễn", 100)
    amount = full - share_of(full, relief_percent * 100) if relief_percent else full
    if relief_percent:
        basis = f"{basis}; giảm {relief_percent}%"
    if voluntary and voluntary > amount:
        basis = f"{basis}; tự nguyện đóng {_dong(voluntary)}"
        amount = voluntary
    return Owed(amount, full, system, basis, "", relief_percent)


def _roman(region: int | None) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(region or 0, "")


def region_label(region: int | None) -> str:
    return f"Vùng {_roman(region)}" if region else ""


# --- input checks ----------------------------------------------------------------


def relief_error(kind: str, percent: int, first: dt.date, last: dt.date) -> tuple[str, dict] | None:
    """R5.7: an exemption (100%) or a reduction of 30/50/70%, each approval for
    at most RELIEF_MAX_MONTHS months. Returns (DuesError name, params) or None."""
    allowed = tuple(REDUCTION_PERCENTS.on(first))
    if kind == "reduction" and percent not in allowed:
        return "REDUCTION_PERCENT", {"allowed": ", ".join(f"{p}%" for p in allowed)}
    if month_start(last) < month_start(first):
        return "RELIEF_PERIOD_ORDER", {}
    months = len(months_between(first, last))
    limit = int(RELIEF_MAX_MONTHS.on(first))
    if months > limit:
        return "RELIEF_TOO_LONG", {"limit": limit, "months": months}
    return None


def amount_error(amount: object) -> str | None:
    """Amounts are whole, positive đồng. Returns a DuesError name or None."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        return "AMOUNT_NOT_WHOLE"
    if amount <= 0:
        return "AMOUNT_NOT_POSITIVE"
    return None


def close_due(month: dt.date) -> dt.date:
    """The day by which a cell closes `month`'s dues (CLOSE_BY_DAY of the next month)."""
    following = next_month(month)
    return following.replace(day=min(int(CLOSE_BY_DAY.on(following)), month_end(following).day))


def share_kind(level: str, unit_type: str, parent_level: str | None) -> str:
    """Which row of the shares table (SHARES_KEPT) an organisation is."""
    if level == "cell":
        return "cell"
    if level in ("grassroots_cell", "grassroots_committee"):
        return "grassroots_communal" if unit_type in ("commune", "ward") else "grassroots_other"
    if level in ("partial_committee", "party_group"):
        return level
    if level == "central":
        return "central"
    return "above_grassroots"


def kept_percent(month: dt.date, level: str, unit_type: str, parent_level: str | None) -> int:
    """The share (%) of the dues it receives an organisation keeps in `month`
    (R5.2 under 342; UNCONFIRMED under 01-QĐ/TW, R5.9)."""
    table = SHARES_KEPT.on(month_start(month))
    return int(table[share_kind(level, unit_type, parent_level)])
