"""Regulations on exemption from party activity, members working away and the
residence liaison of working members (QĐ 213-QĐ/TW).

Each number is a dated Rule with its source; numbers marked UNCONFIRMED in
regulations.md are configurable defaults (DANGVIEN_RULES). Each check is a
small pure function over plain values, returning a Vietnamese message or None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dangvien.core.rulebook import LONG_AGO, Rule, Version
from dangvien.core.vietnamese import fold
from dangvien.members.rules import add_months, age_label, retirement_reached_on

from .errors import LiaisonError

QD_213 = dt.date(2020, 1, 2)  # QĐ 213-QĐ/TW, 02/01/2020 (replaces QĐ 76-QĐ/TW)
HD_27 = dt.date(2009, 3, 26)  # HD 27-HD/BTCTW, 26/3/2009

# --- Exemption, reduction, temporary exemption (§3) --------------------------

# R3.2 [C-old]: "old" means past statutory working age (HD 27-HD/BTCTW điểm 1.1:
# men 60 and women 55 when it was written). The statutory age is the Labour
# Code's retirement age of the year the member reaches it, a dated rule kept
# once in members.rules.RETIREMENT_AGE_MONTHS (Bộ luật Lao động 2019 Điều 169,
# NĐ 135/2020: rising from 2021). Being old alone does not entitle (BTCTW): the
# member's inability to take part is recorded too (`inability_error`).
# R3.2 [C-old]: poor health is an illness needing treatment for 3 months or more.
POOR_HEALTH_MIN_MONTHS = Rule(
    "exemption_poor_health_min_months",
    "Thời gian điều trị tối thiểu để được miễn vì sức khỏe yếu (tháng)",
    (Version(HD_27, 3, "HD 27-HD/BTCTW điểm 1.1 (R3.2)"),),
)
# R3.3 [C-old]: visiting relatives in Vietnam or abroad for 3 months or more.
VISITING_RELATIVES_MIN_MONTHS = Rule(
    "exemption_visiting_min_months",
    "Thời gian thăm thân tối thiểu để được tạm miễn (tháng)",
    (Version(HD_27, 3, "HD 27-HD/BTCTW điểm 1.2 (R3.3)"),),
)
# R3.3: the maximum length of a temporary exemption is UNCONFIRMED; None = no cap.
TEMPORARY_MAX_MONTHS = Rule(
    "exemption_temporary_max_months",
    "Thời hạn tối đa của một lần tạm miễn (tháng; không giới hạn nếu để trống)",
    (Version(HD_27, None, "HD 27-HD/BTCTW điểm 1.2 (R3.3, chưa xác nhận)", confirmed=False),),
)
# R3.4(c) [C-old]: a member exempted from work and party activity is not graded.
# The seeds (000, 004) show members temporarily exempted while working away
# graded at year end from their self-review, so by default only the full
# exemption (miễn) keeps a member out of grading. Configurable.
NOT_GRADED_KINDS = Rule(
    "exemption_not_graded_kinds",
    "Loại miễn sinh hoạt không đánh giá, xếp loại",
    (Version(LONG_AGO, ("exemption",), "QĐ 45-QĐ/TW điểm 14.2 (R3.4c)", confirmed=False),),
)


def old_age_error(birth_date: dt.date | None, gender: str | None, on: dt.date) -> str | None:
    """R3.2: past working age on `on` (the day of the decision, or the start of
    the exemption): eligible from the day the member reaches the Labour Code
    retirement age of the year in which they reach it
    (members.rules.retirement_reached_on); None when eligible."""
    if birth_date is None or gender not in ("M", "F"):
        return LiaisonError.AGE_UNKNOWN.text()
    reached, months = retirement_reached_on(birth_date, gender)
    if on < reached:
        return LiaisonError.NOT_OLD_ENOUGH.text(
            age=age_label(months), reached=f"{reached:%d/%m/%Y}", day=f"{on:%d/%m/%Y}"
        )
    return None


# Statements that only restate the age (the BTCTW clarification: old age alone
# does not entitle), compared folded, without punctuation.
AGE_ONLY_STATEMENTS = frozenset(
    {
        "tuoi cao",
        "da cao tuoi",
        "cao tuoi",
        "gia",
        "tuoi gia",
        "da gia",
        "het tuoi lao dong",
        "qua tuoi lao dong",
        "da qua tuoi lao dong",
        "da het tuoi lao dong",
        "nghi huu",
        "da nghi huu",
        "du tuoi nghi huu",
        "da du tuoi nghi huu",
    }
)


def inability_error(statement: str) -> str | None:
    """R3.1, R3.2: the member states why they cannot take part in work and
    activity; empty, or a statement that only says the member is old, is refused."""
    words = "".join(ch if ch.isalnum() else " " for ch in fold(statement or ""))
    if " ".join(words.split()) in AGE_ONLY_STATEMENTS | {""}:
        return LiaisonError.INABILITY_REQUIRED.text()
    return None


def poor_health_error(treatment_months: int | None, on: dt.date) -> str | None:
    """R3.2: an illness needing treatment for at least 3 months."""
    least = POOR_HEALTH_MIN_MONTHS.on(on)
    if treatment_months is None or treatment_months < least:
        return LiaisonError.TREATMENT_TOO_SHORT.text(months=least)
    return None


def visiting_error(start: dt.date, end: dt.date | None) -> str | None:
    """R3.3: a visit to relatives of at least 3 months (end on or after start + 3 months)."""
    least = VISITING_RELATIVES_MIN_MONTHS.on(start)
    if end is None or end < add_months(start, least):
        return LiaisonError.VISIT_TOO_SHORT.text(
            months=least, day=f"{add_months(start, least):%d/%m/%Y}"
        )
    return None


def period_error(
    kind: str, start: dt.date, end: dt.date | None
) -> tuple[str, LiaisonError, dict] | None:
    """(field, error, params) when the period does not fit the kind, else None
    (R3.3: a temporary exemption has an end, at most the cap in force on `start`)."""
    if end is not None and end < start:
        return "end", LiaisonError.END_BEFORE_START, {}
    if kind == "temporary":
        if end is None:
            return "end", LiaisonError.TEMPORARY_NEEDS_END, {}
        cap = TEMPORARY_MAX_MONTHS.on(start)
        if cap and end > add_months(start, cap):
            return "end", LiaisonError.TEMPORARY_TOO_LONG, {"months": cap}
    return None


def is_overdue_for_return(kind: str, end: dt.date | None, returned: bool, today: dt.date) -> bool:
    """A temporary exemption past its end date and not yet ended by a return."""
    return kind == "temporary" and not returned and end is not None and today > end


def exemption_excludes_grading(kind: str, on: dt.date) -> bool:
    """R3.4(c): whether an exemption of this kind keeps the member out of grading."""
    return kind in NOT_GRADED_KINDS.on(on)


def is_graded_given(periods: Iterable[tuple[str, dt.date, dt.date | None]], year: int) -> bool:
    """R3.4(c): graded for `year` unless an excluding exemption is in force on 31/12.

    `periods` are (kind, start, end-or-return date) of the member's exemptions.
    """
    day = dt.date(year, 12, 31)
    for kind, start, end in periods:
        if start <= day and (end is None or end >= day) and exemption_excludes_grading(kind, day):
            return False
    return True


# R3.4(b), R11.5: an exempted member keeps the right to the Party badge.
def keeps_badge_rights(is_exempt: bool) -> bool:
    return True


# R3.4(d): an exempted member is disciplined like any other member.
def can_be_disciplined(is_exempt: bool) -> bool:
    return True


# R3.4(a): an exempted member may attend the general meeting and is kept informed.
def may_attend_general_meeting(is_exempt: bool) -> bool:
    return True


# --- Members working away (seeds 000, 001, 004) -------------------------------

# The cell considers the member's report at its next meeting and reports to the
# grassroots committee; no deadline was found: UNCONFIRMED default, a month.
WORKING_AWAY_REVIEW_DAYS = Rule(
    "working_away_review_days",
    "Hạn chi bộ xem xét đơn báo cáo đi làm ăn xa (ngày)",
    (Version(LONG_AGO, 30, "Không có văn bản (chưa xác nhận)", confirmed=False),),
)
# Two-way contact (seed 000): a member away with no news for more than N months
# is flagged. N is UNCONFIRMED; 3 matches the 3-month rule of R4.1.
WORKING_AWAY_SILENT_MONTHS = Rule(
    "working_away_silent_months",
    "Số tháng không liên hệ thì cảnh báo (đảng viên đi làm ăn xa)",
    (Version(LONG_AGO, 3, "Theo R4.1 (3 tháng trong năm), chưa xác nhận", confirmed=False),),
)


def silent_since(last_contact: dt.date, today: dt.date) -> bool:
    """Silent when more than N months passed since the member's last news."""
    return today > add_months(last_contact, WORKING_AWAY_SILENT_MONTHS.on(today))


def silence_deadline(last_contact: dt.date, today: dt.date) -> dt.date:
    """The day after which a member away with no news since `last_contact` is
    flagged silent: N months (the rule in force on `today`) after that news."""
    return add_months(last_contact, WORKING_AWAY_SILENT_MONTHS.on(today))


def percentage(part: int, whole: int) -> float:
    """One decimal, as in the seed: 326 of 2,008 = 16.2%."""
    return round(100 * part / whole, 1) if whole else 0.0


# --- Residence liaison, QĐ 213-QĐ/TW --------------------------------------------

# R8.1: members working in agencies, enterprises, public service units (schools)
# and the armed forces keep contact with their place of residence.
WORKPLACE_UNIT_TYPES = ("agency", "enterprise", "school", "armed_forces")
RESIDENCE_UNIT_TYPES = ("commune", "ward")

# QĐ 213 Điều 4 (table 3.5) [C]: every 6 months, or when needed.
RESIDENCE_MEETING_MONTHS = Rule(
    "residence_meeting_months",
    "Chu kỳ gặp mặt đảng viên giữ mối liên hệ nơi cư trú (tháng)",
    (Version(QD_213, 6, "QĐ 213-QĐ/TW Điều 4"),),
)
# R8.6 [UNCONFIRMED]: the deadline to send the introduction letter (about 30 days
# after admission or transfer in) and for the member to report to the residence.
RESIDENCE_INTRODUCTION_DAYS = Rule(
    "residence_introduction_days",
    "Hạn giới thiệu đảng viên về nơi cư trú (ngày)",
    (Version(QD_213, 30, "QĐ 213-QĐ/TW Điều 3 (R8.6, chưa xác nhận)", confirmed=False),),
)
RESIDENCE_RECEIPT_DAYS = Rule(
    "residence_receipt_days",
    "Hạn đảng viên báo cáo, nơi cư trú tiếp nhận (ngày)",
    (Version(QD_213, 30, "QĐ 213-QĐ/TW Điều 3 (R8.6, chưa xác nhận)", confirmed=False),),
)


class Exemption213:
    """HD 33-HD/BTCTW categories (R3.6, R8.5)."""

    NONE = ""
    BARRACKS = "barracks"
    MOBILE = "mobile"
    FULL_TIME_STUDY = "full_time_study"
    STUDENT_AWAY = "student_away"
    SPECIAL_DUTY = "special_duty"


# HD 33 mục 1.1 (R3.6): introduced, exempt from activity there, no yearly comment.
NO_YEARLY_COMMENT = (
    Exemption213.BARRACKS,
    Exemption213.MOBILE,
    Exemption213.FULL_TIME_STUDY,
    Exemption213.STUDENT_AWAY,
)
# HD 33 mục 1.2 (R8.5): not introduced at all.
NOT_INTRODUCED = (Exemption213.SPECIAL_DUTY,)


# R6.8 [C-old; window UNCONFIRMED]: the year-end review and grading of year N is
# held from December of N and, historically, finished before the Lunar New Year
# (January or February of N + 1). The residence comment of year N feeds it
# (R6.9, R8.4). Configurable: the last month of N + 1 in which year N is still
# being graded.
GRADING_ENDS_MONTH = Rule(
    "grading_ends_month",
    "Tháng cuối (của năm sau) còn kiểm điểm, đánh giá, xếp loại năm trước",
    (
        Version(
            LONG_AGO,
            2,
            "Kiểm điểm, xếp loại cuối năm, xong trước Tết Nguyên đán (R6.8, chưa xác nhận)",
            confirmed=False,
        ),
    ),
)


def year_being_graded(day: dt.date) -> int:
    """The year whose review and grading `day` serves (R6.8): the year before
    from January to the rule's month (10/01/2027 → 2026), else the year of
    `day` (from December its own grading runs; earlier in the year its
    comments are being gathered)."""
    return day.year - 1 if day.month <= GRADING_ENDS_MONTH.on(day) else day.year


def comment_year_allowed(year: int, commented_on: dt.date) -> bool:
    """A yearly comment written on `commented_on` is for its own year or for
    the year still being graded then (R8.4, R6.8)."""
    return year in (commented_on.year, year_being_graded(commented_on))


def must_keep_residence_contact(unit_type: str) -> bool:
    """R8.1: whether members of a cell of this unit type are introduced."""
    return unit_type in WORKPLACE_UNIT_TYPES


# R8.4: categories with no yearly comment (HD 33 mục 1.1 and 1.2), for queries.
NO_YEARLY_COMMENT_CATEGORIES = NO_YEARLY_COMMENT + NOT_INTRODUCED


def yearly_comment_due(category: str) -> bool:
    """R8.4: a yearly comment for everyone introduced except the HD 33 1.1 categories."""
    return category not in NO_YEARLY_COMMENT_CATEGORIES


def next_meeting_due(last_meeting: dt.date | None, since: dt.date) -> dt.date:
    """QĐ 213 Điều 4: 6 months after the last meeting (or after the first member arrived)."""
    start = last_meeting or since
    return add_months(start, RESIDENCE_MEETING_MONTHS.on(start))


def household_key(commune_id: int | None, street: str) -> tuple[int | None, str] | None:
    """Members at the same address (commune and street, spaces and case folded)."""
    street = " ".join(fold(street or "").split())
    if not commune_id or not street:
        return None
    return commune_id, street
