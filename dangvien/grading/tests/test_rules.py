"""The rules of the grade at their edges (regulations.md §6, addendum §1)."""

import datetime as dt
from decimal import Decimal

import pytest

from dangvien.grading import rules

D = dt.date


@pytest.mark.parametrize(
    ("year", "ruleset", "scored"),
    [(2022, "132", False), (2023, "124", False), (2024, "124", False), (2025, "366", True)],
)
def test_ruleset_of_the_year(year, ruleset, scored):
    assert rules.ruleset(year) == ruleset
    assert rules.is_scored(year) is scored


def test_ruleset_changes_on_the_day_of_qd_366():
    assert rules.RULESET.on(D(2025, 8, 29)) == "124"
    assert rules.RULESET.on(D(2025, 8, 30)) == "366"
    assert rules.RULESET.on(D(2025, 8, 31)) == "366"
    assert rules.RULESET.on(D(2023, 10, 3)) == "132"
    assert rules.RULESET.on(D(2023, 10, 4)) == "124"


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (Decimal("89.99"), "good"),
        (70, "good"),
        (Decimal("69.99"), "completed"),
        (50, "completed"),
        (Decimal("49.99"), "not_completed"),
        (0, "not_completed"),
    ],
)
def test_bands(score, grade):
    assert rules.grade_for_score(score, 2025) == grade


def test_no_bands_before_366():
    with pytest.raises(ValueError):
        rules.grade_for_score(95, 2024)


@pytest.mark.parametrize(
    ("share", "met"),
    [(Decimal("29.9"), False), (Decimal("30"), True), (Decimal("30.1"), True), (None, False)],
)
def test_thirty_percent_exceeding_for_excellent(share, met):
    assert rules.excellent_task_share_met(share, 2025) is met
    assert rules.excellent_task_share_met(share, 2024) is True


@pytest.mark.parametrize(
    ("excellent", "good", "over"),
    [(2, 10, False), (3, 10, True), (1, 9, False), (2, 9, True), (0, 0, False), (1, 4, True)],
)
def test_cap_twenty_percent_of_good(excellent, good, over):
    assert rules.over_cap(excellent, good, 2025) is over


def test_cap_dated_and_configurable(settings):
    assert rules.excellent_cap(10, 2018) is None  # before HD 21 (18/10/2019)
    assert rules.EXCELLENT_CAP_PERCENT.on(D(2019, 10, 17)) is None
    assert rules.EXCELLENT_CAP_PERCENT.on(D(2019, 10, 18)) == 20
    assert rules.EXCELLENT_CAP_PERCENT.version_on(D(2025, 12, 31)).confirmed is False
    settings.DANGVIEN_RULE_OVERRIDES = {"grading_excellent_cap_percent": 25}
    assert rules.excellent_cap(10, 2025) == 2
    assert rules.excellent_cap(12, 2025) == 3


def test_forced_grade_and_discipline_counted_once():
    assert rules.forced_grade(True) == "not_completed"
    assert rules.forced_grade(False) is None
    assert rules.discipline_counts_in(2025, []) is True
    assert rules.discipline_counts_in(2025, [2025]) is True
    assert rules.discipline_counts_in(2025, [2024]) is False


@pytest.mark.parametrize(
    ("joined", "too_new"),
    [(D(2025, 6, 16), True), (D(2025, 6, 15), False), (D(2025, 6, 14), False), (None, False)],
)
def test_six_months_before_the_review(joined, too_new):
    assert rules.too_new_to_grade(joined, D(2025, 12, 15), 2025) is too_new


def test_six_months_configurable(settings):
    settings.DANGVIEN_RULE_OVERRIDES = {"grading_new_member_months": 3}
    assert rules.too_new_to_grade(D(2025, 9, 16), D(2025, 12, 15), 2025) is True
    assert rules.too_new_to_grade(D(2025, 9, 15), D(2025, 12, 15), 2025) is False


def test_forms_by_situation():
    assert rules.form_for(True, "commune") == "2A"
    assert rules.form_for(False, "agency") == "2B"
    assert rules.form_for(False, "commune") == "2C"
    assert rules.form_for(False, "enterprise") == "2C"


def test_shares():
    assert rules.share_percent(119, 1000) == Decimal("11.90")
    assert rules.share_percent(1, 3) == Decimal("33.33")
    assert rules.share_percent(1, 0) is None
