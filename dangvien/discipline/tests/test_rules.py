import datetime as dt

import pytest

from dangvien.discipline import rules
from dangvien.discipline.models import Sanction, ViolationKind

D = dt.date


def test_forms_by_status_and_post():
    on = D(2026, 1, 1)
    assert rules.forms_allowed(probationary=True, holds_post=True, on=on) == (
        "reprimand",
        "warning",
    )
    assert "dismissal" not in rules.forms_allowed(probationary=False, holds_post=False, on=on)
    assert rules.forms_allowed(probationary=False, holds_post=True, on=on) == (
        "reprimand",
        "warning",
        "dismissal",
        "expulsion",
    )


@pytest.mark.parametrize(
    ("form", "votes", "entitled", "passes"),
    [
        (Sanction.REPRIMAND, 5, 10, False),  # exactly half: not more than half
        (Sanction.REPRIMAND, 6, 10, True),
        (Sanction.WARNING, 5, 9, True),
        (Sanction.DISMISSAL, 6, 9, True),  # exactly 2/3
        (Sanction.DISMISSAL, 5, 9, False),
        (Sanction.EXPULSION, 7, 10, True),
        (Sanction.EXPULSION, 6, 10, False),
        (Sanction.REPRIMAND, 0, 0, False),
    ],
)
def test_vote_thresholds(form, votes, entitled, passes):
    assert rules.vote_passes(form, votes, entitled, D(2026, 1, 1)) is passes


def test_two_thirds_exactly_fails_when_configured_strict(settings):
    settings.DANGVIEN_RULE_OVERRIDES = {"discipline_vote_severe": ((2, 3), "more_than")}
    assert not rules.vote_passes(Sanction.DISMISSAL, 6, 9, D(2026, 1, 1))
    assert rules.vote_passes(Sanction.DISMISSAL, 7, 9, D(2026, 1, 1))


def test_limitation_years_by_form_and_kind():
    on = D(2026, 1, 1)
    assert rules.limitation_years(Sanction.REPRIMAND, ViolationKind.DUTIES, on) == 5
    assert rules.limitation_years(Sanction.WARNING, ViolationKind.DUTIES, on) == 10
    assert rules.limitation_years(Sanction.DISMISSAL, ViolationKind.DUTIES, on) == 10
    assert rules.limitation_years(Sanction.EXPULSION, ViolationKind.DUTIES, on) is None
    assert rules.limitation_years(Sanction.REPRIMAND, ViolationKind.SECURITY, on) is None
    assert rules.limitation_years(Sanction.REPRIMAND, ViolationKind.FAKE_DIPLOMA, on) is None


def test_limitation_edges_and_restart():
    ends = rules.limitation_ends(D(2020, 3, 10), 5)
    assert ends == D(2025, 3, 10)
    assert not rules.time_barred(D(2025, 3, 9), ends)
    assert not rules.time_barred(D(2025, 3, 10), ends)
    assert rules.time_barred(D(2025, 3, 11), ends)
    # A new violation within the period restarts it; one after it does not.
    assert rules.limitation_ends(D(2020, 3, 10), 5, [D(2024, 1, 1)]) == D(2029, 1, 1)
    assert rules.limitation_ends(D(2020, 3, 10), 5, [D(2025, 3, 11)]) == D(2025, 3, 10)
    assert rules.limitation_ends(D(2020, 3, 10), None) is None


def test_announce_deadlines():
    assert rules.announce_due(D(2026, 3, 1), by_cell=True) == D(2026, 3, 11)
    assert rules.announce_due(D(2026, 3, 1), by_cell=False) == D(2026, 3, 16)


def test_lapse_twelve_months_edges():
    ends = rules.lapses_on(Sanction.REPRIMAND, D(2025, 3, 10))
    assert ends == D(2026, 3, 10)
    assert rules.lapses_on(Sanction.EXPULSION, D(2025, 3, 10)) is None
    assert rules.lapses_on(Sanction.WARNING, None) is None
    assert rules.lapses_on(Sanction.WARNING, D(2025, 3, 10), complaint_pending=True) is None
    # From the complaint decision's announcement.
    assert rules.lapses_on(
        Sanction.WARNING, D(2025, 3, 10), complaints_answered=[D(2025, 6, 1)]
    ) == D(2026, 6, 1)
    # A new violation on the last day in force stops the lapse; on the lapse day it does not.
    assert rules.lapses_on(Sanction.WARNING, D(2025, 3, 10), new_violations=[D(2026, 3, 9)]) is None
    assert rules.lapses_on(Sanction.WARNING, D(2025, 3, 10), new_violations=[D(2026, 3, 10)]) == D(
        2026, 3, 10
    )


def test_dismissal_bar_one_year():
    assert rules.dismissal_bar_ends(D(2025, 2, 28)) == D(2026, 2, 28)
