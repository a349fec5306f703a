"""Rules of the yearly review and quality grading (regulations.md §6 and
addendum §1), each once, dated, with its source. The year graded picks the
rules in force on 31/12 of that year (QĐ 124 for 2024 and before, QĐ 366
with the 100-point scale from 2025). Numbers marked UNCONFIRMED are
configurable defaults (DANGVIEN_RULE_OVERRIDES). Functions are pure, over
plain values.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from dangvien.core.rulebook import LONG_AGO, Rule, Version

QD_132 = dt.date(2018, 3, 8)  # QĐ 132-QĐ/TW (08/3/2018)
HD_21 = dt.date(2019, 10, 18)  # HD 21-HD/BTCTW (18/10/2019)
QD_124 = dt.date(2023, 10, 4)  # QĐ 124-QĐ/TW (04/10/2023), HD 25-HD/BTCTW (10/11/2023)
QD_366 = dt.date(2025, 8, 30)  # QĐ 366-QĐ/TW (30/8/2025), HD 43-HD/BTCTW (31/10/2025)


class Grade:
    """R6.1 [C]: the four grades, unchanged since 2018 (QĐ 132/124/366)."""

    EXCELLENT = "excellent"
    GOOD = "good"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"


GRADE_LABELS = {
    Grade.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Grade.GOOD: "Hoàn thành tốt nhiệm vụ",
    Grade.COMPLETED: "Hoàn thành nhiệm vụ",
    Grade.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}
GRADE_SHORT = {
    Grade.EXCELLENT: "HTXSNV",
    Grade.GOOD: "HTTNV",
    Grade.COMPLETED: "HTNV",
    Grade.NOT_COMPLETED: "KHTNV",
}
GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.COMPLETED, Grade.NOT_COMPLETED)

# R6.2, addendum 1.1: which regulation governs the review of a year (in force on
# 31/12 of that year).
RULESET = Rule(
    "grading_ruleset",
    "Văn bản quy định kiểm điểm, đánh giá, xếp loại",
    (
        Version(LONG_AGO, "132", "QĐ 132-QĐ/TW (08/3/2018), HD 21-HD/BTCTW (2019)"),
        Version(QD_124, "124", "QĐ 124-QĐ/TW (04/10/2023), HD 25-HD/BTCTW (10/11/2023)"),
        Version(QD_366, "366", "QĐ 366-QĐ/TW (30/8/2025), HD 43-HD/BTCTW (31/10/2025)"),
    ),
)
RULESET_LABELS = {
    "132": "Quy định 132-QĐ/TW (08/3/2018)",
    "124": "Quy định 124-QĐ/TW (04/10/2023)",
    "366": "Quy định 366-QĐ/TW (30/8/2025), thang điểm 100",
}

# R6.3 / addendum 1.3 [C]: the 100-point bands of QĐ 366 Điều 11 (lower bounds of
# excellent, good, completed); None: no score scale (grades chosen by criteria).
SCORE_BANDS = Rule(
    "grading_score_bands",
    "Khung điểm xếp loại (xuất sắc, tốt, hoàn thành)",
    (
        Version(LONG_AGO, None, "QĐ 132, QĐ 124: xếp loại theo tiêu chí, không chấm điểm"),
        Version(QD_366, (90, 70, 50), "QĐ 366-QĐ/TW Điều 11 khoản 1-3 (R6.3)"),
    ),
)
# R6.3 / addendum 1.4 [C]: excellent needs at least 30% of tasks exceeding.
EXCEEDED_SHARE_FOR_EXCELLENT = Rule(
    "grading_exceeded_percent_for_excellent",
    "Tỷ lệ nhiệm vụ vượt yêu cầu tối thiểu để xếp loại xuất sắc (%)",
    (
        Version(LONG_AGO, None, "không quy định trước QĐ 366"),
        Version(QD_366, 30, "QĐ 366-QĐ/TW Điều 11 khoản 1 (R6.3, phụ lục 1.4)"),
    ),
)
# R6.4 / addendum 1.12: excellent at most 20% of those graded good, per
# grassroots organisation. [C] for HD 21 (2019) and QĐ 124; [UNCONFIRMED] for 366.
EXCELLENT_CAP_PERCENT = Rule(
    "grading_excellent_cap_percent",
    "Số xếp loại xuất sắc không quá (%) số xếp loại tốt, trong từng tổ chức cơ sở đảng",
    (
        Version(LONG_AGO, None, "không giới hạn trước HD 21-HD/BTCTW"),
        Version(HD_21, 20, "HD 21-HD/BTCTW mục 2.3 (R6.4)"),
        Version(QD_124, 20, "QĐ 124-QĐ/TW Điều 12 (R6.4)"),
        Version(QD_366, 20, "QĐ 366/HD 43: chưa xác nhận (phụ lục 1.12)", confirmed=False),
    ),
)
# Addendum 1.13: members admitted less than 6 months before the review are not
# graded. [C] for QĐ 124 Điều 5.2.1; [UNCONFIRMED] for 366.
NEW_MEMBER_MONTHS = Rule(
    "grading_new_member_months",
    "Đảng viên mới kết nạp chưa đủ (tháng) đến ngày kiểm điểm thì không xếp loại",
    (
        Version(LONG_AGO, 6, "QĐ 124-QĐ/TW Điều 5 khoản 2.1 (phụ lục 1.13)"),
        Version(QD_366, 6, "QĐ 366/HD 43: chưa xác nhận (phụ lục 1.13)", confirmed=False),
    ),
)
# R6.7 / addendum 1.16 [UNCONFIRMED]: the deadlines of a round (days after the
# campaign opens) for self-reviews, the cells' proposals and the decision.
STEP_DAYS = Rule(
    "grading_step_days",
    "Hạn các bước (ngày kể từ khi mở đợt): tự kiểm điểm, chi bộ đề nghị, cấp ủy quyết định",
    (Version(LONG_AGO, (15, 25, 40), "CV 10072-CV/BTCTW; chưa xác nhận", confirmed=False),),
)
# Days after the decision to announce the results to the cells.
ANNOUNCE_DAYS = Rule(
    "grading_announce_days",
    "Hạn thông báo kết quả xếp loại (ngày sau quyết định)",
    (Version(LONG_AGO, 15, "chưa xác nhận", confirmed=False),),
)


# R6.3 / addendum 1.3-1.5: the extra conditions of a collective's grade (form
# 01) under QĐ 366 Điều 11, beside the score's band, as percents of the tasks
# assigned in the year:
#   on_time_excellent: done on time for excellent [C, R6.3 khoản 1];
#   exceeded_excellent: exceeding requirements for excellent [C, R6.3 khoản 1];
#   fixed_excellent: of the shortcomings identified before, fixed [C, R6.3];
#   no_discipline_excellent: no subordinate organisation or member of the
#     leadership disciplined in the year [C, R6.3 "for collectives"];
#   on_time_good: done on time for good [UNCONFIRMED for collectives: the
#     R6.3 table states it without qualifier, addendum 1.5 for individuals];
#   done_completed and late_completed_max: done, and at most behind schedule,
#     for completed [C, R6.3 khoản 3, addendum 1.5].
# Before QĐ 366 the collective conditions are not recorded here (QĐ 124's
# criteria are not in regulations.md): None, nothing but the grade is checked.
COLLECTIVE_CONDITIONS = Rule(
    "grading_collective_conditions",
    "Điều kiện xếp loại tập thể (Mẫu 01) ngoài khung điểm, tính theo % nhiệm vụ",
    (
        Version(
            LONG_AGO,
            None,
            "QĐ 132, QĐ 124: điều kiện tập thể chưa ghi trong tài liệu (chưa xác nhận)",
            confirmed=False,
        ),
        Version(
            QD_366,
            {
                "on_time_excellent": 100,
                "exceeded_excellent": 30,
                "fixed_excellent": 100,
                "no_discipline_excellent": True,
                "on_time_good": 100,
                "done_completed": 100,
                "late_completed_max": 20,
            },
            "QĐ 366-QĐ/TW Điều 11 khoản 1-3 (R6.3; phụ lục 1.3-1.5); mức «tốt» của tập thể: "
            "chưa xác nhận",
            confirmed=False,
        ),
    ),
)


@dataclass(frozen=True)
class CollectiveFacts:
    """What a collective's form 01 states of its year, and what the records
    show: tasks assigned, done (on time or late), done on time, exceeding
    requirements; shortcomings identified before and fixed; whether a
    subordinate organisation was disciplined (stated: organisations have no
    discipline record here) and the members of its leadership disciplined in
    the year (read from the discipline area)."""

    tasks: int | None = None
    tasks_done: int | None = None
    tasks_on_time: int | None = None
    tasks_exceeded: int | None = None
    shortcomings: int = 0
    shortcomings_fixed: int = 0
    subordinate_disciplined: bool = False
    leaders_disciplined: tuple[str, ...] = ()


def _percent(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def collective_grade_failures(grade: str, facts: CollectiveFacts, year: int) -> list[tuple]:
    """R6.3 (QĐ 366 Điều 11): the extra conditions of a collective's `grade`
    that `facts` do not meet, as (code, values) pairs for GradingError
    (empty when met, when the year has no collective conditions, or for
    "not completed"). Codes: `collective_tasks_missing` (counts not stated or
    inconsistent), `collective_on_time`, `collective_exceeded`,
    `collective_shortcomings`, `collective_discipline`, `collective_done`,
    `collective_late`."""
    conditions = COLLECTIVE_CONDITIONS.on(review_day(year))
    if conditions is None or grade == Grade.NOT_COMPLETED:
        return []
    counts = (facts.tasks, facts.tasks_done, facts.tasks_on_time, facts.tasks_exceeded)
    if (
        any(c is None or c < 0 for c in counts)
        or not facts.tasks
        or not (facts.tasks_on_time or 0) <= (facts.tasks_done or 0) <= facts.tasks
        or (facts.tasks_exceeded or 0) > (facts.tasks_done or 0)
        or not 0 <= facts.shortcomings_fixed <= facts.shortcomings
    ):
        return [("collective_tasks_missing", {})]
    on_time = _percent(facts.tasks_on_time, facts.tasks) or Decimal(0)
    done = _percent(facts.tasks_done, facts.tasks) or Decimal(0)
    late = done - on_time
    failures: list[tuple] = []

    def fmt(value: Decimal) -> str:
        return f"{value.quantize(Decimal('0.1')).normalize():f}".replace(".", ",")

    if grade == Grade.EXCELLENT:
        if on_time < conditions["on_time_excellent"]:
            failures.append(
                (
                    "collective_on_time",
                    {"needed": conditions["on_time_excellent"], "share": fmt(on_time)},
                )
            )
        exceeded = _percent(facts.tasks_exceeded, facts.tasks) or Decimal(0)
        if exceeded < conditions["exceeded_excellent"]:
            failures.append(
                (
                    "collective_exceeded",
                    {"needed": conditions["exceeded_excellent"], "share": fmt(exceeded)},
                )
            )
        fixed = _percent(facts.shortcomings_fixed, facts.shortcomings)
        if fixed is not None and fixed < conditions["fixed_excellent"]:
            failures.append(
                (
                    "collective_shortcomings",
                    {"fixed": facts.shortcomings_fixed, "total": facts.shortcomings},
                )
            )
        if conditions["no_discipline_excellent"] and (
            facts.subordinate_disciplined or facts.leaders_disciplined
        ):
            # A count, not names: whoever records the grade may not be allowed
            # to see the discipline of the committee's members.
            who = []
            if facts.subordinate_disciplined:
                who.append("tổ chức đảng trực thuộc")
            if facts.leaders_disciplined:
                who.append(f"{len(facts.leaders_disciplined)} thành viên cấp ủy")
            failures.append(("collective_discipline", {"who": ", ".join(who)}))
    elif grade == Grade.GOOD:
        if on_time < conditions["on_time_good"]:
            failures.append(
                (
                    "collective_on_time",
                    {"needed": conditions["on_time_good"], "share": fmt(on_time)},
                )
            )
    elif grade == Grade.COMPLETED:
        if done < conditions["done_completed"]:
            failures.append(
                ("collective_done", {"needed": conditions["done_completed"], "share": fmt(done)})
            )
        if late > conditions["late_completed_max"]:
            failures.append(
                ("collective_late", {"most": conditions["late_completed_max"], "share": fmt(late)})
            )
    return failures


class Form:
    """R6.7 / addendum 1.7: the individual self-review forms of HD 43 (and HD 25)."""

    LEADER = "2A"  # holding a leadership or management post
    STAFF = "2B"  # working in the political system, no leadership post
    OUTSIDE = "2C"  # not working in the political system [C: HD 43 Mẫu 2C]


FORM_LABELS = {
    Form.LEADER: "Mẫu 2A — cá nhân giữ chức vụ lãnh đạo, quản lý",
    Form.STAFF: "Mẫu 2B — cá nhân không giữ chức vụ lãnh đạo, quản lý",
    Form.OUTSIDE: "Mẫu 2C — đảng viên không làm việc trong hệ thống chính trị",
}
# Units whose members work in the political system (agencies, public schools,
# the armed forces); commune and ward cells and enterprises do not.
POLITICAL_SYSTEM_UNITS = frozenset({"agency", "school", "armed_forces"})


def form_for(holds_post: bool, unit_type: str) -> str:
    """R6.7 (HD 43 Phụ lục): 2A for a member holding a post in the year, 2B for
    one working in the political system, 2C otherwise (2C confirmed; the 2A/2B
    split follows QĐ 366's annexes for leaders and non-leaders)."""
    if holds_post:
        return Form.LEADER
    return Form.STAFF if unit_type in POLITICAL_SYSTEM_UNITS else Form.OUTSIDE


def review_day(year: int) -> dt.date:
    """The day whose rules govern the review of `year`: 31/12 of that year."""
    return dt.date(year, 12, 31)


def ruleset(year: int) -> str:
    """'132', '124' or '366': the regulation governing the review of `year`."""
    return str(RULESET.on(review_day(year)))


def is_scored(year: int) -> bool:
    """Whether the year is graded on the 100-point scale (QĐ 366, from 2025)."""
    return SCORE_BANDS.on(review_day(year)) is not None


def grade_for_score(score: Decimal | int | float, year: int) -> str:
    """R6.3: the band of a score (≥ 90 excellent, 70 to < 90 good, 50 to < 70
    completed, < 50 not completed). ValueError for a year without a scale."""
    bands = SCORE_BANDS.on(review_day(year))
    if bands is None:
        raise ValueError(f"{year} has no score scale")
    excellent, good, completed = bands
    if score >= excellent:
        return Grade.EXCELLENT
    if score >= good:
        return Grade.GOOD
    if score >= completed:
        return Grade.COMPLETED
    return Grade.NOT_COMPLETED


def band_text(grade: str, year: int) -> str:
    """The band of a grade in words ("từ 70 đến dưới 90 điểm")."""
    bands = SCORE_BANDS.on(review_day(year))
    if bands is None:
        return ""
    excellent, good, completed = bands
    return {
        Grade.EXCELLENT: f"từ {excellent} điểm trở lên",
        Grade.GOOD: f"từ {good} đến dưới {excellent} điểm",
        Grade.COMPLETED: f"từ {completed} đến dưới {good} điểm",
        Grade.NOT_COMPLETED: f"dưới {completed} điểm",
    }[grade]


def exceeded_share(exceeded: int, total: int) -> Decimal | None:
    """Percent of tasks exceeding requirements (None when no task)."""
    if total <= 0:
        return None
    return (Decimal(exceeded) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def excellent_task_share_met(share: Decimal | None, year: int) -> bool:
    """R6.3: excellent needs at least EXCEEDED_SHARE_FOR_EXCELLENT percent of
    tasks exceeding (no condition before QD 366). No share known: not met."""
    needed = EXCEEDED_SHARE_FOR_EXCELLENT.on(review_day(year))
    if needed is None:
        return True
    return share is not None and share >= needed


def excellent_cap(good: int, year: int) -> int | None:
    """R6.4: the most members graded excellent a grassroots organisation may
    have, floor(20% of those graded good); None when there is no cap."""
    percent = EXCELLENT_CAP_PERCENT.on(review_day(year))
    if percent is None:
        return None
    # Integer arithmetic: 20% of 10 is exactly 2, never 1.9999.
    return math.floor(Decimal(good) * Decimal(percent) / 100)


def over_cap(excellent: int, good: int, year: int) -> bool:
    """R6.4: whether `excellent` exceeds the cap for `good`."""
    cap = excellent_cap(good, year)
    return cap is not None and excellent > cap


def forced_grade(disciplined: bool) -> str | None:
    """R6.5 [C]: a member disciplined in the year is graded not completed (HD 16
    2018, HD 21 2019). None: no forced grade."""
    return Grade.NOT_COMPLETED if disciplined else None


def discipline_counts_in(year: int, years_already_counted: Iterable[int]) -> bool:
    """R6.5 [C]: one violation counts once across years: a discipline weighs on
    `year` unless an earlier year's grading already counted it."""
    return not any(y < year for y in years_already_counted)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (0 when end is before)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def too_new_to_grade(joined: dt.date | None, review_on: dt.date, year: int) -> bool:
    """Addendum 1.13: admitted less than NEW_MEMBER_MONTHS months before the
    review (the day before the anniversary: too new; on it: graded)."""
    if joined is None:
        return False
    return months_between(joined, review_on) < NEW_MEMBER_MONTHS.on(review_day(year))


def step_dues(opened_on: dt.date, year: int) -> tuple[dt.date, dt.date, dt.date]:
    """The due dates of self-reviews, proposals and the decision."""
    a, b, c = STEP_DAYS.on(review_day(year))
    return (
        opened_on + dt.timedelta(days=a),
        opened_on + dt.timedelta(days=b),
        opened_on + dt.timedelta(days=c),
    )


def announce_due(decided_on: dt.date) -> dt.date:
    return decided_on + dt.timedelta(days=ANNOUNCE_DAYS.on(decided_on))


def share_percent(part: int, whole: int) -> Decimal | None:
    """The share of a grade in percent, 2 decimals (seed 001: 11,9%; 0,37%)."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))
