"""The badge rules at their edges (R11.1-R11.3): day before, of, after."""

import datetime as dt

import pytest
from django.test import override_settings

from dangvien.badges import rules
from dangvien.badges.rules import Ground

D = dt.date


def test_milestones_are_the_regulation_list():
    assert rules.MILESTONES.on(D(2026, 1, 1)) == (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
    assert rules.is_milestone(45, D(2026, 1, 1))
    assert not rules.is_milestone(35, D(2026, 1, 1))
    assert "18.1" in rules.MILESTONES.version_on(D(2026, 1, 1)).source


@pytest.mark.parametrize(("years", "months"), [(30, 12), (65, 12), (70, 24), (90, 24), (95, 0)])
def test_ill_early_months_by_band(years, months):
    assert rules.ill_early_months(years, D(2026, 1, 1)) == months


def test_award_dates_and_neighbours():
    assert rules.award_dates_in(2026) == [
        D(2026, 2, 3),
        D(2026, 5, 19),
        D(2026, 9, 2),
        D(2026, 11, 7),
    ]
    assert rules.next_award_date(D(2026, 2, 2)) == D(2026, 2, 3)
    assert rules.next_award_date(D(2026, 2, 3)) == D(2026, 2, 3)
    assert rules.next_award_date(D(2026, 2, 4)) == D(2026, 5, 19)
    assert rules.next_award_date(D(2026, 11, 8)) == D(2027, 2, 3)
    assert rules.previous_award_date(D(2026, 2, 3)) == D(2025, 11, 7)
    assert rules.is_award_date(D(2026, 9, 2)) and not rules.is_award_date(D(2026, 9, 3))


def test_list_window_default_is_previous_date_to_this_one():
    assert rules.list_window(D(2026, 5, 19)) == (D(2026, 2, 3), D(2026, 5, 19))


@override_settings(
    DANGVIEN_RULE_OVERRIDES={"badge_list_cutoff_days": [{"from": "2026-05-01", "value": 10}]}
)
def test_list_cutoff_is_a_configurable_dated_rule():
    assert rules.list_cutoff(D(2026, 2, 3)) == D(2026, 2, 3)  # before the override
    assert rules.list_cutoff(D(2026, 5, 19)) == D(2026, 5, 29)
    assert rules.list_window(D(2026, 5, 19)) == (D(2026, 2, 3), D(2026, 5, 29))


def test_proposal_due_default_and_override():
    assert rules.proposal_due(D(2026, 5, 19)) == D(2026, 4, 4)
    with override_settings(DANGVIEN_RULE_OVERRIDES={"badge_proposal_lead_days": 30}):
        assert rules.proposal_due(D(2026, 5, 19)) == D(2026, 4, 19)


def test_latest_milestone_day_by_ground():
    award = D(2026, 5, 19)
    assert rules.latest_allowed_milestone_day(Ground.REGULAR, 30, award) == award
    assert rules.latest_allowed_milestone_day(Ground.ILL, 65, award) == D(2027, 5, 19)
    assert rules.latest_allowed_milestone_day(Ground.ILL, 70, award) == D(2028, 5, 19)
    # Posthumous: the day before death plus 12 months, whatever the award date.
    assert rules.latest_allowed_milestone_day(
        Ground.POSTHUMOUS, 50, award, died_on=D(2026, 3, 10)
    ) == D(2027, 3, 9)
    assert rules.party_age_day(Ground.POSTHUMOUS, award, D(2026, 3, 10)) == D(2026, 3, 9)
    assert rules.party_age_day(Ground.REGULAR, award) == award
    with pytest.raises(ValueError):
        rules.latest_allowed_milestone_day(Ground.POSTHUMOUS, 50, award)


def test_milestone_reached_on_the_anniversary():
    assert rules.milestone_reached_on(D(1996, 5, 19), 30) == D(2026, 5, 19)
    assert rules.milestone_reached_on(D(1996, 2, 29), 30) == D(2026, 2, 28)
