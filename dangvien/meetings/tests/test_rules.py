"""Meeting rules at their edges: the set day, the put-back allowance, the
length by date (HD 42 from 28/10/2025), attendance exactly at 85%, three
months missed."""

import datetime as dt

import pytest

from dangvien.meetings import rules

D = dt.date


@pytest.mark.parametrize(
    "month, day, expected",
    [
        (D(2026, 3, 1), 7, D(2026, 3, 7)),
        (D(2026, 4, 15), 31, D(2026, 4, 30)),  # a shorter month: its last day
        (D(2026, 2, 1), 30, D(2026, 2, 28)),
    ],
)
def test_a_fixed_day_of_the_month(month, day, expected):
    assert rules.scheduled_day("day_of_month", month, day=day, weekday=None, week=None) == expected


def test_the_thursday_of_the_first_week_and_a_missing_fifth_week():
    # 01/10/2026 is a Thursday; 01/09/2026 a Tuesday.
    assert rules.scheduled_day("weekday", D(2026, 10, 1), day=None, weekday=3, week=1) == D(
        2026, 10, 1
    )
    assert rules.scheduled_day("weekday", D(2026, 9, 1), day=None, weekday=3, week=1) == D(
        2026, 9, 3
    )
    # September 2026 has four Thursdays: the fifth is the last one.
    assert rules.scheduled_day("weekday", D(2026, 9, 1), day=None, weekday=3, week=5) == D(
        2026, 9, 24
    )
    assert (
        rules.scheduled_day("by_committee", D(2026, 9, 1), day=None, weekday=None, week=None)
        is None
    )


@pytest.mark.parametrize(
    "actual, reason, expected",
    [
        (D(2026, 3, 7), "", None),  # the set day
        (D(2026, 3, 6), "Lý do", "BEFORE_SCHEDULE"),  # the day before: never
        (D(2026, 3, 8), "", "REASON_REQUIRED"),
        (D(2026, 3, 9), "Mưa bão", None),  # two days after, with a reason
        (D(2026, 3, 10), "Mưa bão", "TOO_LATE"),  # three days after
    ],
)
def test_putting_a_meeting_back(actual, reason, expected):
    problem = rules.date_change_error(D(2026, 3, 7), actual, reason, 2)
    assert (problem[0] if problem else None) == expected


@pytest.mark.parametrize(
    "day, kind, minutes, short",
    [
        (D(2025, 10, 27), "regular", 60, False),  # before HD 42: no minimum
        (D(2025, 10, 28), "regular", 89, True),
        (D(2025, 10, 28), "regular", 90, False),
        (D(2025, 10, 29), "combined", 119, True),
        (D(2025, 10, 29), "combined", 120, False),
        (D(2026, 3, 7), "regular", None, False),  # length unknown: not flagged
    ],
)
def test_the_least_length_by_the_day_of_the_meeting(day, kind, minutes, short):
    assert rules.is_short(kind, day, minutes) is short


def test_a_small_cells_length_set_by_the_committee_replaces_the_rule():
    assert rules.is_short("regular", D(2026, 3, 7), 70, set_by_committee=60) is False
    assert rules.is_short("regular", D(2026, 3, 7), 50, set_by_committee=60) is True


def test_attendance_exactly_at_the_threshold_is_enough():
    day = D(2026, 3, 7)
    assert rules.attendance_percent(17, 20) == 85
    assert rules.attendance_low(17, 20, day) is False
    assert rules.attendance_low(16, 20, day) is True
    assert rules.attendance_low(0, 0, day) is False  # nobody expected


def test_documents_one_day_before():
    assert rules.documents_late(D(2026, 3, 6), D(2026, 3, 7)) is False
    assert rules.documents_late(D(2026, 3, 7), D(2026, 3, 7)) is True
    assert rules.documents_late(None, D(2026, 3, 7)) is True


def test_three_months_missed_reach_the_name_deletion_list():
    assert rules.reaches_missed_limit(2, D(2026, 12, 31)) is False
    assert rules.reaches_missed_limit(3, D(2026, 12, 31)) is True


def test_an_unconfirmed_number_is_configurable(settings):
    settings.DANGVIEN_RULE_OVERRIDES = {"meeting_attendance_min_percent": 90}
    assert rules.attendance_low(17, 20, D(2026, 3, 7)) is True
