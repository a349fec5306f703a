"""Rules of discipline (regulations.md §7), each once, dated, with its source.
Numbers marked UNCONFIRMED are configurable defaults (DANGVIEN_RULE_OVERRIDES).
Functions are pure, over plain values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dangvien.core.rulebook import LONG_AGO, Rule, Version
from dangvien.members.rules import add_months

from .models import Sanction, ViolationKind

QD_69 = dt.date(2022, 7, 6)  # QĐ 69-QĐ/TW (06/7/2022), replacing QĐ 102-QĐ/TW (15/11/2017)
QD_102 = dt.date(2017, 11, 15)
QD_30 = dt.date(2016, 7, 26)  # QĐ 30-QĐ/TW (2016) on announcing decisions
CHARTER = dt.date(2011, 1, 19)  # Điều lệ Đảng 2011
QD_117 = dt.date(2023, 8, 18)

# R7.1 [C]: the forms by member status (QĐ 69 Điều 7; Điều lệ Điều 35).
PROBATIONARY_FORMS = Rule(
    "discipline_probationary_forms",
    "Hình thức kỷ luật đảng viên dự bị",
    (
        Version(
            LONG_AGO,
            (Sanction.REPRIMAND, Sanction.WARNING),
            "Điều lệ Đảng Điều 35; QĐ 69-QĐ/TW Điều 7 (R7.1)",
        ),
    ),
)
# R7.2 [C-old]: statute of limitations in years by the form warranted (None: no
# limit); believed kept by QĐ 69 Điều 6.
LIMITATION_YEARS = Rule(
    "discipline_limitation_years",
    "Thời hiệu xử lý kỷ luật (năm) theo hình thức",
    (
        Version(
            QD_102,
            {
                Sanction.REPRIMAND: 5,
                Sanction.WARNING: 10,
                Sanction.DISMISSAL: 10,
                Sanction.EXPULSION: None,
            },
            "QĐ 102-QĐ/TW Điều 3; QĐ 69-QĐ/TW Điều 6 (R7.2)",
            confirmed=False,
        ),
    ),
)
# R7.2: violations with no limitation whatever the form.
UNLIMITED_KINDS = Rule(
    "discipline_unlimited_kinds",
    "Vi phạm không áp dụng thời hiệu",
    (
        Version(
            QD_102,
            (ViolationKind.SECURITY, ViolationKind.FAKE_DIPLOMA),
            "QĐ 102-QĐ/TW Điều 3; QĐ 69-QĐ/TW Điều 6 (R7.2)",
            confirmed=False,
        ),
    ),
)
# R7.6 [C, secondary]: share of ALL entitled to vote. Reprimand and warning:
# MORE than 1/2; dismissal and expulsion: at least 2/3 (">=" vs ">" is
# UNCONFIRMED, hence configurable: "at_least" or "more_than").
VOTE_MAJORITY = Rule(
    "discipline_vote_majority",
    "Tỷ lệ tán thành khiển trách, cảnh cáo (quá, trên tổng số có quyền biểu quyết)",
    (Version(LONG_AGO, (1, 2), "Điều lệ Đảng Điều 38; QĐ 69-QĐ/TW (R7.6)"),),
)
VOTE_SEVERE = Rule(
    "discipline_vote_severe",
    "Tỷ lệ tán thành cách chức, khai trừ (trên tổng số có quyền biểu quyết)",
    (Version(LONG_AGO, ((2, 3), "at_least"), "Điều lệ Đảng Điều 38 (R7.6)", confirmed=False),),
)
# R7.7 [C-old]: a cell's reprimand or warning is handed to the member within 10
# days; a higher body announces within 15 days of signing.
ANNOUNCE_DAYS_CELL = Rule(
    "discipline_announce_days_cell",
    "Hạn giao quyết định kỷ luật của chi bộ cho đảng viên (ngày)",
    (Version(QD_30, 10, "QĐ 30-QĐ/TW 2016 (R7.7)", confirmed=False),),
)
ANNOUNCE_DAYS_HIGHER = Rule(
    "discipline_announce_days_higher",
    "Hạn công bố quyết định kỷ luật của cấp trên (ngày sau khi ký)",
    (Version(QD_30, 15, "QĐ 30-QĐ/TW 2016 (R7.7)", confirmed=False),),
)
# R7.3 [C]: lapses 12 months after the decision (or the complaint decision) is
# announced, without complaint or new violation; never for expulsion.
LAPSE_MONTHS = Rule(
    "discipline_lapse_months",
    "Quyết định kỷ luật tự chấm dứt hiệu lực sau (tháng)",
    (Version(QD_69, 12, "QĐ 69-QĐ/TW Điều 2 khoản 5 (R7.3)"),),
)
# R7.4 [C]: a member dismissed may not be elected or appointed to an equal or
# higher post for 1 year.
DISMISSAL_BAR_MONTHS = Rule(
    "discipline_dismissal_bar_months",
    "Thời gian không được bầu, bổ nhiệm sau khi bị cách chức (tháng)",
    (Version(CHARTER, 12, "Điều lệ Đảng Điều 40 khoản 3 (R7.4)"),),
)
# [UNCONFIRMED]: the answering body settles a complaint within 90 days.
COMPLAINT_ANSWER_DAYS = Rule(
    "discipline_complaint_answer_days",
    "Thời hạn giải quyết khiếu nại kỷ luật (ngày)",
    (Version(LONG_AGO, 90, "Chưa có văn bản; mặc định của hệ thống", confirmed=False),),
)

SEVERE_FORMS = (Sanction.DISMISSAL, Sanction.EXPULSION)


def forms_allowed(*, probationary: bool, holds_post: bool, on: dt.date) -> tuple[str, ...]:
    """R7.1: the forms for a member: a probationary member reprimand or warning
    only; dismissal only for a member holding a post on `on`."""
    if probationary:
        return tuple(PROBATIONARY_FORMS.on(on))
    forms = [Sanction.REPRIMAND, Sanction.WARNING]
    if holds_post:
        forms.append(Sanction.DISMISSAL)
    forms.append(Sanction.EXPULSION)
    return tuple(str(f) for f in forms)


def limitation_years(form: str, kind: str, on: dt.date) -> int | None:
    """R7.2: years of limitation for a violation of `kind` warranting `form`
    (None: no limit), by the rule in force on `on`."""
    if kind in UNLIMITED_KINDS.on(on):
        return None
    return LIMITATION_YEARS.on(on)[form]


def limitation_ends(
    committed_on: dt.date, years: int | None, later_violations: Iterable[dt.date] = ()
) -> dt.date | None:
    """R7.2: the last day the violation of `committed_on` may be disciplined
    (None: never barred). The period restarts from a new violation committed
    within it (each later violation inside the running period moves its start)."""
    if years is None:
        return None
    start = committed_on
    for day in sorted(d for d in later_violations if d > committed_on):
        if day <= add_months(start, 12 * years):
            start = day
    return add_months(start, 12 * years)


def time_barred(on: dt.date, ends: dt.date | None) -> bool:
    """Disciplined on `on` after the period ended (the end day itself is in time)."""
    return ends is not None and on > ends


def vote_passes(form: str, votes_for: int, entitled: int, on: dt.date) -> bool:
    """R7.6: reprimand and warning with MORE than 1/2 of all entitled (5 of 10
    fails, 6 passes); dismissal and expulsion with at least 2/3 (6 of 9 passes,
    5 of 9 fails), both in force on `on`."""
    if entitled <= 0:
        return False
    if form in SEVERE_FORMS:
        (num, den), how = VOTE_SEVERE.on(on)
        if how == "more_than":
            return votes_for * den > entitled * num
        return votes_for * den >= entitled * num
    num, den = VOTE_MAJORITY.on(on)
    return votes_for * den > entitled * num


def vote_threshold_text(form: str, on: dt.date, *, organization: bool = False) -> str:
    """R7.6 in words for messages: "hơn 1/2" or "ít nhất 2/3" of all entitled
    (of a member's discipline, or of an organisation's when `organization`)."""
    severe = ORG_SEVERE_FORMS if organization else SEVERE_FORMS
    if form in severe:
        (num, den), how = (ORG_VOTE_DISSOLUTION if organization else VOTE_SEVERE).on(on)
        return f"{'hơn' if how == 'more_than' else 'ít nhất'} {num}/{den}"
    num, den = (ORG_VOTE_MAJORITY if organization else VOTE_MAJORITY).on(on)
    return f"hơn {num}/{den}"


def announce_due(decision_date: dt.date, *, by_cell: bool) -> dt.date:
    """R7.7: the day the decision must be announced (handed to the member) by."""
    rule = ANNOUNCE_DAYS_CELL if by_cell else ANNOUNCE_DAYS_HIGHER
    return decision_date + dt.timedelta(days=rule.on(decision_date))


def lapses_on(
    form: str,
    announced_on: dt.date | None,
    *,
    complaints_answered: Iterable[dt.date] = (),
    complaint_pending: bool = False,
    new_violations: Iterable[dt.date] = (),
) -> dt.date | None:
    """R7.3: the day the decision stops being in force by itself: LAPSE_MONTHS
    after its announcement, or after the last complaint decision's
    announcement. None when it never lapses by itself: expulsion, not yet
    announced, a complaint pending, or a new violation committed within the
    12 months (the committee then decides)."""
    if form == Sanction.EXPULSION or announced_on is None or complaint_pending:
        return None
    start = max([announced_on, *complaints_answered])
    ends = add_months(start, LAPSE_MONTHS.on(start))
    if any(start <= day < ends for day in new_violations):
        return None
    return ends


def complaint_due(lodged_on: dt.date) -> dt.date:
    """The day a complaint should be answered by (UNCONFIRMED, configurable)."""
    return lodged_on + dt.timedelta(days=COMPLAINT_ANSWER_DAYS.on(lodged_on))


def dismissal_bar_ends(announced_on: dt.date) -> dt.date:
    """R7.4: the first day a dismissed member may again be elected or appointed."""
    return add_months(announced_on, DISMISSAL_BAR_MONTHS.on(announced_on))


# --- discipline of party organisations (R7.1, R7.2, R7.6) ----------------------------------

# R7.2: the same 5 and 10 years for organisations, no limit for dissolution.
ORG_LIMITATION_YEARS = Rule(
    "discipline_org_limitation_years",
    "Thời hiệu xử lý kỷ luật tổ chức đảng (năm) theo hình thức",
    (
        Version(
            QD_102,
            {"reprimand": 5, "warning": 10, "dissolution": None},
            "QĐ 102-QĐ/TW Điều 3; QĐ 69-QĐ/TW Điều 6 (R7.2)",
            confirmed=False,
        ),
    ),
)
# R7.6 / QĐ 69 Điều 15: reprimand and warning of an organisation need MORE
# than 1/2 of all members of the deciding committee; dissolution at least 2/3
# ([UNCONFIRMED]: the comparison and the base, hence configurable).
ORG_VOTE_MAJORITY = Rule(
    "discipline_org_vote_majority",
    "Tỷ lệ tán thành khiển trách, cảnh cáo tổ chức đảng (quá, trên tổng số thành viên cấp ủy)",
    (Version(LONG_AGO, (1, 2), "Điều lệ Đảng Điều 38; QĐ 69-QĐ/TW Điều 15 (R7.6)"),),
)
ORG_VOTE_DISSOLUTION = Rule(
    "discipline_org_vote_dissolution",
    "Tỷ lệ tán thành giải tán tổ chức đảng (trên tổng số thành viên cấp ủy)",
    (
        Version(
            LONG_AGO,
            ((2, 3), "at_least"),
            "Điều lệ Đảng Điều 38; QĐ 69-QĐ/TW Điều 15 (R7.6)",
            confirmed=False,
        ),
    ),
)
# Who decides (Điều lệ Đảng Điều 36): the committee directly above (or a
# higher one, or its inspection committee) reprimands or warns; a dissolution is
# proposed by the committee directly above and decided by the committee one
# level higher still: the deciding body at least this many levels above
# ([UNCONFIRMED], configurable).
ORG_DISSOLUTION_LEVELS_ABOVE = Rule(
    "discipline_org_dissolution_levels_above",
    "Cấp quyết định giải tán tổ chức đảng: trên tổ chức bị kỷ luật ít nhất (cấp)",
    (Version(CHARTER, 2, "Điều lệ Đảng Điều 36 (R7.1)", confirmed=False),),
)

ORG_SEVERE_FORMS = ("dissolution",)


def org_limitation_years(form: str, kind: str, on: dt.date) -> int | None:
    """R7.2 for an organisation: years of limitation (None: no limit)."""
    if kind in UNLIMITED_KINDS.on(on):
        return None
    return ORG_LIMITATION_YEARS.on(on)[form]


def org_vote_passes(form: str, votes_for: int, entitled: int, on: dt.date) -> bool:
    """R7.6 for an organisation, counted against ALL members of the deciding
    committee: reprimand and warning with MORE than 1/2 (5 of 10 fails, 6
    passes), dissolution with at least 2/3 (6 of 9 passes, 5 of 9 fails)."""
    if entitled <= 0:
        return False
    if form in ORG_SEVERE_FORMS:
        (num, den), how = ORG_VOTE_DISSOLUTION.on(on)
        if how == "more_than":
            return votes_for * den > entitled * num
        return votes_for * den >= entitled * num
    num, den = ORG_VOTE_MAJORITY.on(on)
    return votes_for * den > entitled * num


def org_levels_needed(form: str, on: dt.date) -> int:
    """How many levels above the organisation its deciding body must be."""
    return ORG_DISSOLUTION_LEVELS_ABOVE.on(on) if form in ORG_SEVERE_FORMS else 1
