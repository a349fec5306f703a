"""Regulations about the member record and membership history.

Each number is a dated Rule with its source (see core.rulebook); each check is
a small pure function over plain values, tested at its edges.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from dangvien.core.rulebook import LONG_AGO, Rule, Version

from .errors import MemberError
from .models import ACTIVE_STATUSES, EventKind, Gender, Status

# --- Ages and probation -----------------------------------------------------

# R1.1: at least 18 and at most 60 full years (counted in months) on the day the
# cell considers admission. QĐ 24-QĐ/TW điểm 1.1.1, kept in 232 and 294-QĐ/TW.
ADMISSION_MIN_AGE_MONTHS = Rule(
    "admission_min_age_months",
    "Tuổi tối thiểu khi kết nạp (tháng)",
    (Version(LONG_AGO, 18 * 12, "Điều lệ Đảng Điều 1; QĐ 24-QĐ/TW điểm 1.1.1; QĐ 294-QĐ/TW"),),
)
ADMISSION_MAX_AGE_MONTHS = Rule(
    "admission_max_age_months",
    "Tuổi tối đa khi kết nạp (tháng), trừ trường hợp đặc biệt",
    (Version(LONG_AGO, 60 * 12, "QĐ 24-QĐ/TW điểm 1.1.1; QĐ 294-QĐ/TW"),),
)

# R1.13-R1.14: probation is 12 months from the admission ceremony; the member is
# official from the exact day the 12 months end. Điều lệ Đảng Điều 5 khoản 1.
PROBATION_MONTHS = Rule(
    "probation_months",
    "Thời gian dự bị (tháng)",
    (Version(LONG_AGO, 12, "Điều lệ Đảng Điều 5 khoản 1; QĐ 24-QĐ/TW điểm 4.2.2"),),
)

# R10.6 [UNCONFIRMED]: card and CV number formats are unknown; opaque strings
# checked by configurable patterns.
PARTY_CARD_NUMBER_PATTERN = Rule(
    "party_card_number_regex",
    "Mẫu số thẻ đảng viên",
    (Version(LONG_AGO, r"^[0-9A-Z.\-]{6,20}$", "R10.6 (chưa xác nhận)", confirmed=False),),
)
CV_NUMBER_PATTERN = Rule(
    "cv_number_regex",
    "Mẫu số lý lịch",
    (Version(LONG_AGO, r"^[0-9A-Z.\-/]{1,20}$", "R10.6 (chưa xác nhận)", confirmed=False),),
)


def age_in_months(birth_date: dt.date, on: dt.date) -> int:
    """Whole months from `birth_date` to `on` (relativedelta's count: a month is
    complete on the same day of the month, or the month's last day when it has
    no such day)."""
    if birth_date.day <= 28:
        # No month lacks the day, so the count is plain arithmetic (and 20x
        # faster than relativedelta: imports check 100,000 rows at once).
        months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
        if on >= birth_date:
            return months - (on.day < birth_date.day)
        return months + (on.day > birth_date.day)
    delta = relativedelta(on, birth_date)
    return delta.years * 12 + delta.months


def admission_age_problem(birth_date: dt.date, meeting_date: dt.date) -> MemberError | None:
    """R1.1: the age check on the day the cell considers admission (the error, or None)."""
    months = age_in_months(birth_date, meeting_date)
    if months < ADMISSION_MIN_AGE_MONTHS.on(meeting_date):
        return MemberError.TOO_YOUNG
    if months > ADMISSION_MAX_AGE_MONTHS.on(meeting_date):
        return MemberError.TOO_OLD
    return None


def admission_age_error(birth_date: dt.date, meeting_date: dt.date) -> str | None:
    """R1.1: the age check on the day the cell considers admission (the message)."""
    problem = admission_age_problem(birth_date, meeting_date)
    if problem is MemberError.TOO_YOUNG:
        return problem.text(years=ADMISSION_MIN_AGE_MONTHS.on(meeting_date) // 12)
    if problem is MemberError.TOO_OLD:
        return problem.text(years=ADMISSION_MAX_AGE_MONTHS.on(meeting_date) // 12)
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; the month's last day when that day does not exist
    (29/02 + 12 months = 28/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        if candidate <= day.day:
            try:
                return dt.date(year, month, candidate)
            except ValueError:
                continue
    raise ValueError(day)


def probation_end(joining_date: dt.date) -> dt.date:
    """R1.14: official from the day the 12 months of probation end."""
    return add_months(joining_date, PROBATION_MONTHS.on(joining_date))


# --- Age bands of the statistical forms --------------------------------------

# The age bands of forms 2-BTCTW and 3-BTCTW (HD 11-HD/BTCTW; report-forms.md):
# 18-30, 31-35, ..., 56-60, over 60 full years on the day counted. (key, label,
# lowest age, highest age or None). Kept in the maintained summary
# (members.summary) and offered by the member list.
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("to_30", "Từ 30 tuổi trở xuống", 0, 30),
    ("31_35", "Từ 31 đến 35", 31, 35),
    ("36_40", "Từ 36 đến 40", 36, 40),
    ("41_45", "Từ 41 đến 45", 41, 45),
    ("46_50", "Từ 46 đến 50", 46, 50),
    ("51_55", "Từ 51 đến 55", 51, 55),
    ("56_60", "Từ 56 đến 60", 56, 60),
    ("over_60", "Trên 60 tuổi", 61, None),
)


def age_years(birth_date: dt.date, on: dt.date) -> int:
    """Full years from `birth_date` to `on`: a year is complete on the birthday
    (a birthday of 29/02 completes on 01/03 in a year without one)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_band_of(birth_date: dt.date, on: dt.date) -> str:
    """The key in AGE_BANDS of the member's age on `on`."""
    age = age_years(birth_date, on)
    for key, _label, _low, high in AGE_BANDS:
        if high is None or age <= high:
            return key
    raise AssertionError("the last band has no upper end")  # pragma: no cover


def born_by(on: dt.date, years: int) -> dt.date:
    """The latest birth date of someone `years` full years old or more on `on`:
    age_years(b, on) >= years exactly when b <= born_by(on, years)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29/02 in a year without one: 01/03 completes the year
        return dt.date(on.year - years, 2, 28)


# --- Citizen ID (CCCD) ------------------------------------------------------

# Thông tư 59/2021/TT-BCA Điều 7: 3 digits of the province where the birth was
# registered (the 63 pre-2025 codes), 1 digit for century and sex, 2 digits of
# the year of birth, 6 random digits.
CCCD_PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_CCCD_RE = re.compile(r"^[0-9]{12}$")
CCCD_LENGTH = 12
# What people type between groups of digits ("001 085 012 345", "001.085.012.345").
_DIGIT_SEPARATORS = re.compile(r"[\s.\-]+")
_SEPARATED_DIGITS = re.compile(r"^[0-9]+(?:[\s.\-]+[0-9]+)*$")


def digits_typed(value: str) -> str | None:
    """The digits of a number typed with spaces, dots or dashes between groups;
    None when `value` is not such a number."""
    value = (value or "").strip()
    if not _SEPARATED_DIGITS.match(value):
        return None
    return _DIGIT_SEPARATORS.sub("", value)


def normalize_citizen_id(value: str | None) -> str | None:
    """The citizen ID as stored: separators between digit groups removed; None if empty."""
    value = (value or "").strip()
    if not value:
        return None
    return digits_typed(value) or value


def normalize_old_identity_number(value: str | None) -> str:
    """The old 9-digit identity card number (CMND) as stored: separators between
    digit groups removed; "" when empty."""
    value = (value or "").strip()
    if not value:
        return ""
    return digits_typed(value) or value


def old_identity_number_problem(value: str | None) -> MemberError | None:
    """An old identity card number (CMND, kept beside the 12-digit CCCD) is exactly
    9 digits (Nghị định 05/1999/NĐ-CP); None when empty or right."""
    if not value or (len(value) == 9 and value.isascii() and value.isdigit()):
        return None
    return MemberError.OLD_IDENTITY_NUMBER_DIGITS


def citizen_id_birth_year(value: str | None) -> int | None:
    """The birth year a 12-digit CCCD encodes (digit 4: century and sex, 5-6: year)."""
    if not value or not _CCCD_RE.match(value):
        return None
    return 1900 + (int(value[3]) // 2) * 100 + int(value[4:6])


def citizen_id_problem(value: str, *, gender: str | None = None) -> tuple[MemberError, dict] | None:
    """Structure of the 12-digit citizen ID and agreement with sex: (error, params).

    A birth year that differs from the CV is not refused: the record keeps the
    CV's date (Thông báo 13-TB/TW) and shows the mismatch (`citizen_id_year_mismatch`).
    """
    if not _CCCD_RE.match(value):
        if value.isdigit() and len(value) < CCCD_LENGTH:
            padded = value.zfill(CCCD_LENGTH)
            if padded[:3] in CCCD_PROVINCE_CODES:
                missing = CCCD_LENGTH - len(value)
                return MemberError.CITIZEN_ID_LEADING_ZEROS, {
                    "count": len(value),
                    "missing": missing,
                    "example": padded,
                }
        return MemberError.CITIZEN_ID_DIGITS, {}
    if value[:3] not in CCCD_PROVINCE_CODES:
        return MemberError.CITIZEN_ID_PROVINCE, {"code": value[:3]}
    female = int(value[3]) % 2 == 1
    if gender in (Gender.MALE, Gender.FEMALE) and female != (gender == Gender.FEMALE):
        return MemberError.CITIZEN_ID_GENDER, {}
    return None


def citizen_id_error(
    value: str, *, birth_date: dt.date | None = None, gender: str | None = None
) -> str | None:
    """The message for a citizen ID that cannot be stored (see `citizen_id_problem`),
    else for one that disagrees with the CV's birth year (stored, but flagged)."""
    problem = citizen_id_problem(value, gender=gender)
    if problem:
        return problem[0].text(**problem[1])
    return citizen_id_year_mismatch(value, birth_date)


def citizen_id_year_mismatch(citizen_id: str | None, birth_date: dt.date | None) -> str | None:
    """The flag shown on the record when the CCCD's birth year differs from the CV's."""
    year = citizen_id_birth_year(citizen_id)
    if year is None or birth_date is None or year == birth_date.year:
        return None
    return MemberError.CITIZEN_ID_YEAR_MISMATCH.text(cccd_year=year, cv_year=birth_date.year)


# --- Names and phone ----------------------------------------------------------

# Letters of any script with their marks, spaces, and the apostrophe and hyphen
# of some ethnic minority names (H'Hen Niê, Y-Ngông).
_NAME_ALLOWED_PUNCTUATION = frozenset(" '’-.")


def name_error(value: str) -> str | None:
    """A name part holds letters (and marks), spaces, apostrophes and hyphens only."""
    if value.replace(" ", "").isalpha():  # the common case, at import speed
        return None
    if "<" in value or ">" in value:
        return MemberError.NAME_ANGLE_BRACKETS.text()
    bad = sorted(
        {
            ch
            for ch in value
            if not (ch.isalpha() or ch in _NAME_ALLOWED_PUNCTUATION)
            and not unicodedata.category(ch).startswith("M")
        }
    )
    if bad:
        return MemberError.NAME_NOT_LETTERS.text(chars=" ".join(bad))
    return None


PHONE_DIGITS = (3, 15)  # a short service number (113) to an international one (ITU E.164)
_PHONE_RE = re.compile(r"^\+?[0-9 ().\-]+$")


def phone_error(value: str) -> str | None:
    """A phone number: digits with an optional +, spaces, dots, dashes, brackets."""
    value = (value or "").strip()
    if not value:
        return None
    digits = sum(ch.isdigit() for ch in value)
    least, most = PHONE_DIGITS
    if not _PHONE_RE.match(value) or not least <= digits <= most:
        return MemberError.PHONE_INVALID.text(least=least, most=most)
    return None


def pattern_error(value: str, rule: Rule, label: str) -> str | None:
    """The message when `value` does not match the pattern the rule holds."""
    if value and not re.match(rule.on(), value):
        return MemberError.PATTERN.text(label=label)
    return None


# --- Membership history -----------------------------------------------------


@dataclass(frozen=True)
class State:
    """What the events say of a member at some moment."""

    status: str | None  # None before the first event
    organization_id: int | None
    exempt: bool
    recognised: bool  # official since the latest (re)admission


EMPTY = State(status=None, organization_id=None, exempt=False, recognised=False)

_ENDED = (Status.NAME_DELETED, Status.EXPELLED, Status.LEFT)

# Which events may follow which status (None: no event yet). The table is the
# one place that says what may happen next.
ALLOWED: dict[str, tuple[str | None, ...]] = {
    EventKind.ADMITTED: (None,),
    EventKind.READMITTED: _ENDED,
    EventKind.RECOGNISED: (Status.PROBATIONARY,),
    EventKind.TRANSFERRED_IN: (None, Status.TRANSFERRED_OUT),
    EventKind.TRANSFERRED_OUT: ACTIVE_STATUSES,
    EventKind.REASSIGNED: ACTIVE_STATUSES,
    EventKind.EXEMPTED: ACTIVE_STATUSES,
    EventKind.RETURNED: ACTIVE_STATUSES,
    EventKind.NAME_DELETED: ACTIVE_STATUSES,
    # R1.16: a probationary member can only be reprimanded or warned; a serious
    # breach ends probation by name deletion, not expulsion.
    EventKind.EXPELLED: (Status.OFFICIAL,),
    EventKind.LEFT: ACTIVE_STATUSES,
    EventKind.DECEASED: (*ACTIVE_STATUSES, Status.TRANSFERRED_OUT),
    # QĐ 117-QĐ/TW: a member expelled wrongly gets the membership back, as it
    # was (discipline.services.discipline_restore dates it on the expulsion's
    # day, so no gap counts against party age, R1.18).
    EventKind.RESTORED: (Status.EXPELLED,),
}


class TransitionError(ValueError):
    pass


def apply_event(
    state: State, kind: str, organization_id: int | None, *, official_on_arrival: bool = False
) -> State:
    """The state after one event, or TransitionError when it cannot follow."""
    if state.status not in ALLOWED[kind]:
        raise TransitionError(kind)
    org = organization_id or state.organization_id
    active = Status.OFFICIAL if state.recognised else Status.PROBATIONARY
    match kind:
        case EventKind.ADMITTED | EventKind.READMITTED:
            return State(Status.PROBATIONARY, org, False, False)
        case EventKind.RECOGNISED:
            return State(Status.OFFICIAL, state.organization_id, state.exempt, True)
        case EventKind.TRANSFERRED_IN:
            recognised = state.recognised if state.status else official_on_arrival
            status = Status.OFFICIAL if recognised else Status.PROBATIONARY
            return State(status, org, state.exempt, recognised)
        case EventKind.TRANSFERRED_OUT:
            return State(
                Status.TRANSFERRED_OUT, state.organization_id, state.exempt, state.recognised
            )
        case EventKind.REASSIGNED:
            return State(active, org, state.exempt, state.recognised)
        case EventKind.EXEMPTED:
            if state.exempt:
                raise TransitionError(kind)
            return State(state.status, state.organization_id, True, state.recognised)
        case EventKind.RETURNED:
            if not state.exempt:
                raise TransitionError(kind)
            return State(state.status, state.organization_id, False, state.recognised)
        case EventKind.NAME_DELETED:
            return State(Status.NAME_DELETED, state.organization_id, False, state.recognised)
        case EventKind.EXPELLED:
            return State(Status.EXPELLED, state.organization_id, False, state.recognised)
        case EventKind.LEFT:
            return State(Status.LEFT, state.organization_id, False, state.recognised)
        case EventKind.DECEASED:
            return State(Status.DECEASED, state.organization_id, False, state.recognised)
        case EventKind.RESTORED:
            return State(active, state.organization_id, False, state.recognised)
    raise TransitionError(kind)


# R1.12: readmission once only, at least 36 months after leaving the Party.
# QĐ 294-QĐ/TW điểm 3.5.1 (same as QĐ 29, 24).
READMISSION_MIN_MONTHS_OUT = Rule(
    "readmission_min_months_out",
    "Thời gian tối thiểu ra khỏi Đảng trước khi kết nạp lại (tháng)",
    (Version(LONG_AGO, 36, "QĐ 294-QĐ/TW điểm 3.5.1"),),
)


def readmission_error(history: list[tuple[dt.date, str]], on: dt.date) -> str | None:
    """`history` is (date, event kind) in order. R1.12: once only, 36 months out."""
    if any(kind == EventKind.READMITTED for _, kind in history):
        return "Chỉ được kết nạp lại một lần (QĐ 294-QĐ/TW điểm 3.5.1)."
    left = [
        day
        for day, kind in history
        if kind in (EventKind.NAME_DELETED, EventKind.EXPELLED, EventKind.LEFT)
    ]
    if left:
        months = READMISSION_MIN_MONTHS_OUT.on(on)
        earliest = add_months(left[-1], months)
        if on < earliest:
            return (
                f"Chưa đủ {months} tháng kể từ khi ra khỏi Đảng: sớm nhất ngày "
                f"{earliest:%d/%m/%Y} (QĐ 294-QĐ/TW điểm 3.5.1)."
            )
    return None


# R1.17: the time a transfer interrupts party activity is not counted in party
# age: from the day the member leaves with the letter to the day the receiving
# cell takes them in (a year between them moves every anniversary a year later,
# regulations.md R1.17 example). The same rule whichever way the member
# arrives: from a cell of this installation (the TRANSFERRED_OUT and
# TRANSFERRED_IN events) or from an organisation outside it, registered here from
# its letter (the letter's date on the TRANSFERRED_IN event). Điều lệ Đảng Điều 5
# khoản 4; QĐ 29-QĐ/TW điểm 4.5a ("thời gian gián đoạn do chuyển sinh hoạt
# đảng"); QĐ 24-QĐ/TW điểm 4.5.1; HD 01-HD/TW 2021.
TRANSFER_GAP_EXCLUDED = Rule(
    "transfer_gap_excluded_from_party_age",
    "Thời gian gián đoạn do chuyển sinh hoạt đảng không tính tuổi đảng",
    (
        Version(
            LONG_AGO,
            True,
            "Điều lệ Đảng Điều 5 khoản 4; QĐ 29-QĐ/TW điểm 4.5a; QĐ 24-QĐ/TW điểm 4.5.1; "
            "HD 01-HD/TW 2021",
        ),
    ),
)


def transfer_gap_days(left_on: dt.date, received_on: dt.date) -> int:
    """R1.17: the days of a transfer not counted in party age: from leaving with
    the letter (`left_on`) to the receipt (`received_on`), under the rule in
    force on the receipt; 0 when received the same day (or the dates are out of
    order, which the services refuse)."""
    if received_on <= left_on or not TRANSFER_GAP_EXCLUDED.on(received_on):
        return 0
    return (received_on - left_on).days


@dataclass(frozen=True)
class PartyAge:
    years: int
    months: int
    days: int
    counted_from: dt.date  # the decision date moved later by the gaps
    gap_days: int

    def __str__(self) -> str:
        parts = []
        if self.years:
            parts.append(f"{self.years} năm")
        if self.months:
            parts.append(f"{self.months} tháng")
        if not parts:
            parts.append(f"{self.days} ngày")
        return " ".join(parts)


def party_age(
    first_decision_date: dt.date | None,
    history: Iterable[tuple],
    on: dt.date,
) -> PartyAge | None:
    """Party age on `on` (R1.17-R1.18, Điều lệ Đảng Điều 5 khoản 4; QĐ 24 điểm 4.5.1).

    Counted from the first admission decision, once the member is official, minus
    the time not in party activity: after name deletion, expulsion or exit until
    readmission, and the gap of a transfer (`transfer_gap_days`) between leaving
    and arriving. `history` is (date, status_after) in order, or (date,
    status_after, letter_date) where an arrival carries the date of the letter it
    was registered from: for a member whose history here starts with that arrival
    (from outside the installation), the gap runs from the letter. None when not
    (yet) official.
    """
    if first_decision_date is None or first_decision_date > on:
        return None
    gap_days = 0
    gap_start: dt.date | None = None
    recognised = False
    status: str | None = None
    for item in history:
        day, status_after = item[0], item[1]
        letter_date = item[2] if len(item) > 2 else None
        if day > on:
            break
        active_after = status_after in ACTIVE_STATUSES
        if status is None and active_after and letter_date is not None:
            gap_days += transfer_gap_days(letter_date, day)  # arrived from outside
        elif gap_start is None and status is not None and not active_after:
            gap_start = day
        elif gap_start is not None and active_after:
            if status == Status.TRANSFERRED_OUT:
                gap_days += transfer_gap_days(gap_start, day)
            else:
                gap_days += (day - gap_start).days
            gap_start = None
        if status_after == Status.OFFICIAL:
            recognised = True
        elif status in _ENDED and status_after == Status.PROBATIONARY:
            recognised = False  # readmitted: probation again before party age shows
        status = status_after
    if not recognised or status not in ACTIVE_STATUSES:
        # Party age is shown for members in activity; a member out of the Party
        # (or between two organisations) has none to show on that day.
        return None
    counted_from = first_decision_date + dt.timedelta(days=gap_days)
    delta = relativedelta(on, counted_from)
    return PartyAge(delta.years, delta.months, delta.days, counted_from, gap_days)


def party_age_reaches(
    first_decision_date: dt.date, history: Iterable[tuple[dt.date, str]], years: int, on: dt.date
) -> bool:
    age = party_age(first_decision_date, history, on)
    return age is not None and age.years >= years


# --- Retirement age (Labour Code) -------------------------------------------------

# The age of retirement in normal working conditions, by the calendar year in
# which a worker reaches it, as (men, women) in months. Bộ luật Lao động 2012
# Điều 187 (in force 01/05/2013; the same 60/55 as the 1994 code Điều 145);
# Bộ luật Lao động 2019 Điều 169 khoản 2 and Nghị định 135/2020/NĐ-CP Điều 4
# (in force 01/01/2021): 60 years 3 months for men and 55 years 4 months for
# women in 2021, then 3 months (men) and 4 months (women) more each year, until
# 62 (men, 2028) and 60 (women, 2035). Used by the exemption for old age (R3.2:
# "tuổi cao" is being past working age). Overridable as a whole by
# DANGVIEN_RULE_OVERRIDES["retirement_age_months"] = (men, women).
BLLD_2019 = "Bộ luật Lao động 2019 Điều 169; Nghị định 135/2020/NĐ-CP Điều 4"


def _labour_code_2019_roadmap() -> tuple[Version, ...]:
    versions = [
        Version(dt.date(1995, 1, 1), (60 * 12, 55 * 12), "Bộ luật Lao động 1994 Điều 145"),
        Version(dt.date(2013, 5, 1), (60 * 12, 55 * 12), "Bộ luật Lao động 2012 Điều 187"),
    ]
    for year in range(2021, 2036):
        steps = year - 2020
        men = min(60 * 12 + 3 * steps, 62 * 12)
        women = min(55 * 12 + 4 * steps, 60 * 12)
        versions.append(Version(dt.date(year, 1, 1), (men, women), BLLD_2019))
    return tuple(versions)


RETIREMENT_AGE_MONTHS = Rule(
    "retirement_age_months",
    "Tuổi nghỉ hưu trong điều kiện lao động bình thường (tháng; nam, nữ) theo năm đủ tuổi",
    _labour_code_2019_roadmap(),
)


def retirement_age_months_in(year: int, gender: str) -> int:
    """The retirement age (months) for someone reaching it in `year`."""
    men, women = RETIREMENT_AGE_MONTHS.on(dt.date(year, 1, 1))
    return women if gender == Gender.FEMALE else men


def retirement_reached_on(birth_date: dt.date, gender: str) -> tuple[dt.date, int]:
    """(the day the member reaches the retirement age, that age in months).

    The age is the one of the year in which it is reached (NĐ 135/2020 Phụ lục
    I): a man born 10/1961 is 60y3m in 01/2022, when the age is already 60y6m,
    so he reaches it in 04/2022. The day is the birthday `months` later (29/02
    falls on 28/02), from which the member is past working age.
    """
    year = birth_date.year + 50
    while True:
        months = retirement_age_months_in(year, gender)
        day = add_months(birth_date, months)
        if day.year <= year:
            return day, months
        year += 1


def past_retirement_age(birth_date: dt.date, gender: str, on: dt.date) -> bool:
    """Whether on `on` the member has reached the Labour Code retirement age."""
    return on >= retirement_reached_on(birth_date, gender)[0]


def age_label(months: int) -> str:
    """«61 tuổi 6 tháng», «60 tuổi»."""
    years, rest = divmod(months, 12)
    return f"{years} tuổi {rest} tháng" if rest else f"{years} tuổi"


# --- The base of a cell's vote ------------------------------------------------

# R1.8: the cell's resolution (admission, recognition, name deletion) needs at
# least 2/3 of its official members in favour, exactly 2/3 passing (6 of 9).
# HD 01-HD/TW 2016 điểm 3.6b; QĐ 24-QĐ/TW điểm 4.2.3.
CELL_VOTE_SHARE = Rule(
    "cell_vote_share",
    "Tỷ lệ đảng viên chính thức tán thành (trên số đảng viên được tính biểu quyết)",
    (Version(LONG_AGO, (2, 3), "HD 01-HD/TW 2016 điểm 3.6b; QĐ 24-QĐ/TW điểm 4.2.3"),),
)
# Điều lệ Đảng Điều 9 khoản 5; QĐ 24 điểm 9.3.2 (addendum 8.7): any other
# resolution is valid only with MORE than half of the members counted.
CELL_VOTE_MAJORITY = Rule(
    "cell_vote_majority",
    "Tỷ lệ tán thành của các nghị quyết khác (quá, không tính bằng)",
    (Version(LONG_AGO, (1, 2), "Điều lệ Đảng Điều 9 khoản 5; QĐ 24-QĐ/TW điểm 9.3.2"),),
)


class NotCounted:
    """Why an official member of the cell is left out of a vote's base (R1.8a)."""

    EXEMPT_ABSENT = "exempt_absent"
    ATTACHED_ELSEWHERE = "attached_elsewhere"
    SUSPENDED = "suspended"
    DETAINED = "detained"

    LABELS = {
        EXEMPT_ABSENT: "Được miễn sinh hoạt đảng, vắng mặt",
        ATTACHED_ELSEWHERE: "Đang sinh hoạt tạm thời ở tổ chức đảng khác",
        SUSPENDED: "Đang bị đình chỉ sinh hoạt đảng",
        DETAINED: "Đang bị tạm giam, truy tố",
    }


# R1.8a: the base of a cell's vote, in force since QĐ 24-QĐ/TW (30/7/2021),
# kept by QĐ 294-QĐ/TW (26/5/2025).
VOTE_BASE_EXCLUSIONS = Rule(
    "cell_vote_base_exclusions",
    "Không tính vào số đảng viên biểu quyết: miễn sinh hoạt vắng mặt, sinh hoạt tạm thời "
    "nơi khác, đình chỉ sinh hoạt, tạm giam, truy tố",
    (
        Version(
            dt.date(2021, 7, 30),
            (
                NotCounted.EXEMPT_ABSENT,
                NotCounted.ATTACHED_ELSEWHERE,
                NotCounted.SUSPENDED,
                NotCounted.DETAINED,
            ),
            "QĐ 24-QĐ/TW điểm 9.3.2 (regulations.md 8.7, R1.8a); QĐ 294-QĐ/TW",
        ),
    ),
)


@dataclass(frozen=True)
class VoteBase:
    """Who counts in one vote of the cell on `on` (R1.8, R1.8a).

    `officials` are the cell's official members that day; `not_counted` maps
    those left out of the base to the reason (a NotCounted code); `present` are
    the official members marked present; `subject` is the member the vote is
    about, who does not vote on it (but stays in the base)."""

    on: dt.date
    officials: frozenset[int]
    present: frozenset[int]
    not_counted: dict[int, str]
    subject: int | None = None
    names: dict[int, str] = field(default_factory=dict)
    exempted: frozenset[int] = frozenset()

    @property
    def counted(self) -> frozenset[int]:
        return self.officials - set(self.not_counted)

    @property
    def base(self) -> int:
        """The denominator of the 2/3 (or majority) share."""
        return len(self.counted)

    @property
    def voters(self) -> frozenset[int]:
        """Who may cast a vote: present, counted, and not the vote's subject."""
        return (self.present & self.counted) - {self.subject}

    def roll(self) -> list[dict]:
        """The presence list kept on the vote: one row per official member."""
        names = self.names
        return [
            {
                "id": pk,
                "name": names.get(pk, ""),
                "present": pk in self.present,
                "exempt": pk in self.exempted,
                "counted": pk not in self.not_counted,
                "reason": self.not_counted.get(pk, ""),
                "subject": pk == self.subject,
            }
            for pk in [
                *(k for k in names if k in self.officials),
                *sorted(k for k in self.officials if k not in names),
            ]
        ]


def vote_base(
    *,
    on: dt.date,
    officials: Iterable[int],
    present: Iterable[int] | None = None,
    exempted: Iterable[int] = (),
    attached_elsewhere: Iterable[int] = (),
    suspended: Iterable[int] = (),
    detained: Iterable[int] = (),
    subject: int | None = None,
    names: dict[int, str] | None = None,
) -> VoteBase:
    """R1.8a (QĐ 24-QĐ/TW điểm 9.3.2; regulations.md addendum 8.7; in force
    from 30/7/2021, kept by QĐ 294-QĐ/TW): the base of the cell's vote on `on`
    is its official members that day, EXCEPT members exempted from party
    activity who are absent (an exempted member who attends and votes counts),
    members temporarily attached to another party organisation, members
    suspended from activity, and members detained or prosecuted. The same base
    serves admission, recognition, name deletion and discipline votes.

    `present` defaults to every official member (a full meeting); members not
    among `officials` are ignored. The vote's `subject` stays in the base but
    does not vote (see VoteBase.voters)."""
    everyone = frozenset(officials)
    exempted = frozenset(exempted)
    here = everyone if present is None else frozenset(present) & everyone
    exclusions = VOTE_BASE_EXCLUSIONS.on(on)
    not_counted: dict[int, str] = {}
    for code, ids in (
        (NotCounted.DETAINED, detained),
        (NotCounted.SUSPENDED, suspended),
        (NotCounted.ATTACHED_ELSEWHERE, attached_elsewhere),
    ):
        if code in exclusions:
            for pk in ids:
                if pk in everyone:
                    not_counted.setdefault(pk, code)
    if NotCounted.EXEMPT_ABSENT in exclusions:
        for pk in exempted:
            if pk in everyone and pk not in here:
                not_counted.setdefault(pk, NotCounted.EXEMPT_ABSENT)
    return VoteBase(
        on=on,
        officials=everyone,
        present=here,
        not_counted=not_counted,
        subject=subject,
        names=dict(names or {}),
        exempted=frozenset(exempted) & everyone,
    )


def vote_passes(votes_for: int, base: int, on: dt.date, *, majority: bool = False) -> bool:
    """R1.8: at least CELL_VOTE_SHARE (2/3) of the base, exactly 2/3 passing (6
    of 9, not 5); with `majority`, MORE than CELL_VOTE_MAJORITY (1/2) of it
    (Điều lệ Điều 9 khoản 5: 5 of 9 passes, 5 of 10 does not). Both in force on `on`."""
    if base <= 0:
        return False
    if majority:
        num, den = CELL_VOTE_MAJORITY.on(on)
        return votes_for * den > base * num
    num, den = CELL_VOTE_SHARE.on(on)
    return votes_for * den >= base * num


def votes_needed(base: int, on: dt.date, *, majority: bool = False) -> int:
    """The fewest votes in favour that pass (2/3 of 10 needs 7; majority of 10 needs 6)."""
    if majority:
        num, den = CELL_VOTE_MAJORITY.on(on)
        return base * num // den + 1
    num, den = CELL_VOTE_SHARE.on(on)
    return -(-base * num // den)


def vote_problem(
    vote: VoteBase, votes_for: int, present_given=None
) -> tuple[MemberError, dict] | None:
    """What is wrong with a vote's figures, as (error, params), or None (R1.8a):
    no one to count; a present member who is not an official member of the cell
    that day (`present_given`: the ids as typed); more in favour than the present
    official members who may vote (the vote's subject does not vote)."""
    day = f"{vote.on:%d/%m/%Y}"
    if vote.base == 0:
        return MemberError.VOTE_NO_BASE, {"day": day}
    if present_given is not None:
        unknown = sorted({getattr(p, "pk", p) for p in present_given} - vote.officials)
        if unknown:
            return MemberError.VOTE_PRESENT_UNKNOWN, {
                "day": day,
                "ids": ", ".join(str(pk) for pk in unknown),
            }
    voters = len(vote.voters)
    if votes_for > voters:
        note = ""
        if vote.subject is not None and vote.subject in vote.present:
            note = "; đảng viên được xem xét không biểu quyết việc của mình"
        return MemberError.VOTES_OVER_VOTERS, {"votes": votes_for, "voters": voters, "note": note}
    return None
