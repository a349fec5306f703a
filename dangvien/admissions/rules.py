"""Regulations of admission, probation and recognition (regulations.md section 1).

Every number is a dated Rule with its source; the checks are small pure
functions over plain values. Ages, probation and readmission already live in
members.rules and are reused from there, not repeated.
"""

from __future__ import annotations

import datetime as dt

from dangvien.core.rulebook import LONG_AGO, Rule, Version
from dangvien.core.workdays import add_working_days
from dangvien.members.rules import (  # noqa: F401  (re-exported: one place to read the rules)
    ADMISSION_MAX_AGE_MONTHS,
    ADMISSION_MIN_AGE_MONTHS,
    CELL_VOTE_SHARE,
    PROBATION_MONTHS,
    READMISSION_MIN_MONTHS_OUT,
    add_months,
    admission_age_error,
    age_in_months,
    probation_end,
    readmission_error,
    vote_base,
    vote_passes,
    votes_needed,
)

# R1.6 [UNCONFIRMED]: the awareness-course certificate is valid 60 months from
# issue (believed HD 01-HD/TW 2021 or HD 12-HD/BTCTW 2022). Configurable.
CERTIFICATE_VALID_MONTHS = Rule(
    "admission_certificate_valid_months",
    "Thời hạn giá trị giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng (tháng)",
    (Version(LONG_AGO, 60, "HD 01-HD/TW 2021 (chưa xác nhận)", confirmed=False),),
)

# R1.6 (HD 01-HD/TW, secondary source): a file the cell has not considered
# within 12 months of opening must have its introductions, union resolution and
# comments redone. Configurable.
DOSSIER_STALE_MONTHS = Rule(
    "admission_dossier_stale_months",
    "Hồ sơ quá hạn phải làm lại nếu chi bộ chưa xét (tháng)",
    (Version(LONG_AGO, 12, "HD 01-HD/TW 2021 (nguồn thứ cấp)", confirmed=False),),
)

# R1.5: each introducer is an official member who has worked with the applicant
# for at least 12 months. Điều lệ Đảng Điều 4.
INTRODUCER_MIN_MONTHS = Rule(
    "introducer_min_months",
    "Thời gian người giới thiệu công tác cùng người vào Đảng (tháng)",
    (Version(LONG_AGO, 12, "Điều lệ Đảng Điều 4; HD 01-HD/TW điểm 3"),),
)

# R1.8: the cell resolution needs at least 2/3 of its official members (not of
# those present), counted as R1.8a says: CELL_VOTE_SHARE, `vote_base` and
# `vote_passes` live in members.rules (one rule for admission, recognition,
# name deletion and discipline) and are re-exported above.

# R1.8: after 3 failed votes the matter goes to the higher committee. QĐ 24 điểm 4.2.3.
MAX_FAILED_VOTES = Rule(
    "cell_vote_max_failed",
    "Số lần biểu quyết không đạt trước khi báo cáo cấp ủy cấp trên",
    (Version(LONG_AGO, 3, "QĐ 24-QĐ/TW điểm 4.2.3"),),
)

# R1.9: the competent committee decides within 60 working days (admission) or
# 30 working days (recognition) of the cell resolution, extendable by at most
# 30 working days. QĐ 29 điểm 4.3.1, unchanged in 24, 232, 294-QĐ/TW.
ADMISSION_DECISION_WORKING_DAYS = Rule(
    "admission_decision_working_days",
    "Thời hạn quyết định kết nạp (ngày làm việc kể từ nghị quyết chi bộ)",
    (Version(LONG_AGO, 60, "QĐ 24-QĐ/TW điểm 4.3.1; QĐ 294-QĐ/TW"),),
)
RECOGNITION_DECISION_WORKING_DAYS = Rule(
    "recognition_decision_working_days",
    "Thời hạn quyết định công nhận chính thức (ngày làm việc kể từ nghị quyết chi bộ)",
    (Version(LONG_AGO, 30, "QĐ 24-QĐ/TW điểm 4.3.1; QĐ 294-QĐ/TW"),),
)
DECISION_MAX_EXTENSION_WORKING_DAYS = Rule(
    "decision_max_extension_working_days",
    "Gia hạn tối đa thời hạn quyết định (ngày làm việc)",
    (Version(LONG_AGO, 30, "QĐ 24-QĐ/TW điểm 4.3.1; QĐ 294-QĐ/TW"),),
)

# R1.11: the ceremony within 30 working days of receiving the decision; later
# only with the consent of the committee above. QĐ 24/232 điểm 4.1.
CEREMONY_WORKING_DAYS = Rule(
    "admission_ceremony_working_days",
    "Thời hạn tổ chức lễ kết nạp (ngày làm việc kể từ khi nhận quyết định)",
    (Version(LONG_AGO, 30, "QĐ 24-QĐ/TW điểm 4.1; QĐ 232-QĐ/TW"),),
)

# R1.13: the cell considers recognition within 30 working days after probation ends.
RECOGNITION_CONSIDER_WORKING_DAYS = Rule(
    "recognition_consider_working_days",
    "Thời hạn chi bộ xét công nhận chính thức (ngày làm việc sau khi hết dự bị)",
    (Version(LONG_AGO, 30, "QĐ 24-QĐ/TW điểm 4.2.1"),),
)

# How early before probation ends a recognition file is opened (a working
# convenience, not a regulation: the cell prepares the self-review and comments).
RECOGNITION_OPEN_DAYS_AHEAD = Rule(
    "recognition_open_days_ahead",
    "Mở hồ sơ công nhận chính thức trước khi hết dự bị (ngày)",
    (Version(LONG_AGO, 30, "Quy ước nghiệp vụ (không phải quy định)", confirmed=False),),
)


# R1.12: reasons of leaving that rule readmission out. QĐ 232/294-QĐ/TW điểm 3.5.
class LeavingCategory:
    OTHER = "other"
    ABANDONED = "abandoned"
    APPLIED_TO_LEAVE = "applied_to_leave"
    APPLIED_HARDSHIP = "applied_hardship"
    DISUNITY = "disunity"
    CORRUPTION = "corruption"
    SERIOUS_CRIME = "serious_crime"

    CHOICES = [
        (OTHER, "Lý do khác (được xem xét)"),
        (APPLIED_HARDSHIP, "Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn"),
        (ABANDONED, "Bỏ sinh hoạt đảng"),
        (APPLIED_TO_LEAVE, "Tự ý xin ra khỏi Đảng"),
        (DISUNITY, "Gây mất đoàn kết nội bộ nghiêm trọng"),
        (CORRUPTION, "Bị kết án về tội tham nhũng"),
        (SERIOUS_CRIME, "Bị kết án về tội nghiêm trọng trở lên"),
    ]


READMISSION_EXCLUDED = frozenset(
    {
        LeavingCategory.ABANDONED,
        LeavingCategory.APPLIED_TO_LEAVE,
        LeavingCategory.DISUNITY,
        LeavingCategory.CORRUPTION,
        LeavingCategory.SERIOUS_CRIME,
    }
)


def readmission_category_error(category: str) -> str | None:
    """R1.12: categories never considered for readmission (QĐ 294-QĐ/TW điểm 3.5)."""
    if category in READMISSION_EXCLUDED:
        label = dict(LeavingCategory.CHOICES)[category]
        return f"Không xem xét kết nạp lại người ra khỏi Đảng vì: {label.lower()} (QĐ 294-QĐ/TW)."
    return None


# --- checks -------------------------------------------------------------------


def certificate_valid_until(issued: dt.date) -> dt.date:
    """R1.6: the last day the certificate counts."""
    return add_months(issued, CERTIFICATE_VALID_MONTHS.on(issued)) - dt.timedelta(days=1)


def certificate_error(issued: dt.date | None, on: dt.date) -> str | None:
    if issued is None:
        return "Cần có giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng (HD 12-HD/BTCTW)."
    if issued > on:
        return "Ngày cấp giấy chứng nhận không được sau ngày xét."
    until = certificate_valid_until(issued)
    if on > until:
        return (
            f"Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng đã hết giá trị từ "
            f"{until + dt.timedelta(days=1):%d/%m/%Y} ({CERTIFICATE_VALID_MONTHS.on(issued)} tháng)."
        )
    return None


def dossier_stale_from(started: dt.date) -> dt.date:
    """R1.6: the first day a file not yet considered by the cell is stale."""
    return add_months(started, DOSSIER_STALE_MONTHS.on(started)) + dt.timedelta(days=1)


def introducer_months_error(since: dt.date | None, on: dt.date, label: str) -> str | None:
    """R1.5: at least 12 months working with the applicant, counted to `on`."""
    months = INTRODUCER_MIN_MONTHS.on(on)
    if since is None:
        return f"Cần ghi thời điểm {label} bắt đầu công tác cùng người vào Đảng."
    if since > on or age_in_months(since, on) < months:
        return f"{label.capitalize()} phải công tác cùng người vào Đảng ít nhất {months} tháng."
    return None


def admission_decision_deadline(cell_resolution: dt.date, extension: int = 0) -> dt.date:
    return add_working_days(
        cell_resolution, ADMISSION_DECISION_WORKING_DAYS.on(cell_resolution) + extension
    )


def recognition_decision_deadline(cell_resolution: dt.date, extension: int = 0) -> dt.date:
    return add_working_days(
        cell_resolution, RECOGNITION_DECISION_WORKING_DAYS.on(cell_resolution) + extension
    )


def ceremony_deadline(received: dt.date) -> dt.date:
    return add_working_days(received, CEREMONY_WORKING_DAYS.on(received))


def recognition_consider_deadline(probation_ends: dt.date) -> dt.date:
    return add_working_days(probation_ends, RECOGNITION_CONSIDER_WORKING_DAYS.on(probation_ends))


def extension_error(days: int, on: dt.date) -> str | None:
    top = DECISION_MAX_EXTENSION_WORKING_DAYS.on(on)
    if days < 0 or days > top:
        return f"Chỉ được gia hạn tối đa {top} ngày làm việc (QĐ 294-QĐ/TW)."
    return None


# --- Yearly admission targets (domain.md item 9) ----------------------------------
# The target itself is the organisation's (its resolution, or the committee above
# gives it): no regulation sets a number. How far along the year it is judged is
# a working convention, not a regulation: pro rata to the months completed.
TARGET_MAX = 100_000  # above any organisation's yearly admissions (the whole party: ~200,000)


def target_expected_by(target: int, on: dt.date) -> int:
    """New members (a count) an organisation with a yearly `target` is expected
    to have admitted by `on`: target × months of `on`'s year completed before
    `on` ÷ 12, rounded down (0 all January; 11/12 of it all December). A working
    convention of the compliance console, not a regulation."""
    return target * (on.month - 1) // 12
