"""Regulations about the member record and membership history.

Each number is a dated Rule with its source (see core.rulebook); each check is
a small pure function over plain values, tested at its edges.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

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
    history: Iterable[tuple[dt.date, str]],
    on: dt.date,
) -> PartyAge | None:
    """Party age on `on` (R1.17-R1.18, Điều lệ Đảng Điều 5 khoản 4; QĐ 24 điểm 4.5.1).

    Counted from the first admission decision, once the member is official, minus
    the time not in party activity: after name deletion, expulsion or exit until
    readmission, and the gap of a transfer between leaving and arriving.
    `history` is (date, status_after) in order. None when not (yet) official.
    """
    if first_decision_date is None or first_decision_date > on:
        return None
    gap_days = 0
    gap_start: dt.date | None = None
    recognised = False
    status: str | None = None
    for day, status_after in history:
        if day > on:
            break
        active_after = status_after in ACTIVE_STATUSES
        if gap_start is None and status is not None and not active_after:
            gap_start = day
        elif gap_start is not None and active_after:
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
