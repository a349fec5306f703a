"""The admission rules at their edges."""

import datetime as dt

import pytest

from dangvien.admissions import rules
from dangvien.core.workdays import add_working_days

D = dt.date
ON = D(2026, 1, 1)


@pytest.mark.parametrize(
    "votes,officials,passes",
    [(6, 9, True), (5, 9, False), (7, 10, True), (6, 10, False), (2, 3, True), (1, 3, False)],
)
def test_two_thirds_of_all_official_members(votes, officials, passes):
    assert rules.vote_passes(votes, officials, ON) is passes


def test_votes_needed_rounds_up():
    assert rules.votes_needed(9, ON) == 6
    assert rules.votes_needed(10, ON) == 7
    assert rules.votes_needed(0, ON) == 0


def test_no_official_member_never_passes():
    assert not rules.vote_passes(0, 0, ON)


def test_certificate_is_valid_60_months():
    issued = D(2020, 3, 15)
    assert rules.certificate_error(issued, D(2025, 3, 14)) is None
    assert "hết giá trị" in rules.certificate_error(issued, D(2025, 3, 15))


def test_certificate_validity_is_configurable(settings):
    settings.DANGVIEN_RULE_OVERRIDES = {"admission_certificate_valid_months": 24}
    assert "hết giá trị" in rules.certificate_error(D(2020, 3, 15), D(2022, 3, 15))


def test_a_file_is_stale_the_day_after_12_months():
    assert rules.dossier_stale_from(D(2024, 1, 8)) == D(2025, 1, 9)


def test_introducer_needs_12_months_together():
    assert rules.introducer_months_error(D(2023, 2, 1), D(2024, 2, 1), "người giới thiệu") is None
    assert "12 tháng" in rules.introducer_months_error(
        D(2023, 2, 2), D(2024, 2, 1), "người giới thiệu"
    )


def test_decision_deadline_skips_tet_2027():
    # 60 working days from Monday 04/01/2027; Tết 04-10/02/2027 adds five days off.
    assert rules.admission_decision_deadline(D(2027, 1, 4)) == D(2027, 4, 5)
    assert rules.admission_decision_deadline(D(2027, 1, 4), 30) == D(2027, 5, 20)
    assert rules.recognition_decision_deadline(D(2027, 1, 20)) == D(2027, 3, 10)
    assert rules.ceremony_deadline(D(2027, 1, 20)) == D(2027, 3, 10)
    # Without Tết it would have been 5 working days earlier.
    assert add_working_days(D(2027, 1, 20), 25) < D(2027, 3, 10)


@pytest.mark.parametrize("days,ok", [(0, True), (30, True), (31, False), (-1, False)])
def test_extension_at_most_30_working_days(days, ok):
    assert (rules.extension_error(days, ON) is None) is ok


@pytest.mark.parametrize(
    "category,ok",
    [
        (rules.LeavingCategory.OTHER, True),
        (rules.LeavingCategory.APPLIED_HARDSHIP, True),
        (rules.LeavingCategory.ABANDONED, False),
        (rules.LeavingCategory.APPLIED_TO_LEAVE, False),
        (rules.LeavingCategory.DISUNITY, False),
        (rules.LeavingCategory.CORRUPTION, False),
        (rules.LeavingCategory.SERIOUS_CRIME, False),
    ],
)
def test_readmission_barred_categories(category, ok):
    assert (rules.readmission_category_error(category) is None) is ok


def test_every_rule_has_a_source_and_a_date():
    for rule in (
        rules.CERTIFICATE_VALID_MONTHS,
        rules.DOSSIER_STALE_MONTHS,
        rules.INTRODUCER_MIN_MONTHS,
        rules.CELL_VOTE_SHARE,
        rules.MAX_FAILED_VOTES,
        rules.ADMISSION_DECISION_WORKING_DAYS,
        rules.RECOGNITION_DECISION_WORKING_DAYS,
        rules.DECISION_MAX_EXTENSION_WORKING_DAYS,
        rules.CEREMONY_WORKING_DAYS,
        rules.RECOGNITION_CONSIDER_WORKING_DAYS,
    ):
        for version in rule.versions:
            assert version.source and version.effective_from
