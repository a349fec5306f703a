"""Working-day deadlines across weekends, Tết and substituted days off."""

import datetime as dt

import pytest

from dangvien.core.workdays import add_working_days, is_working_day, working_days_between

D = dt.date


def test_weekends_are_not_working_days():
    assert is_working_day(D(2026, 11, 20))  # Friday
    assert not is_working_day(D(2026, 11, 21))  # Saturday
    assert not is_working_day(D(2026, 11, 22))  # Sunday


def test_tet_2027_is_skipped():
    # Tết Đinh Mùi: 04/02 to 10/02/2027 are days off.
    for day in range(4, 11):
        assert not is_working_day(D(2027, 2, day)), day
    assert is_working_day(D(2027, 2, 3))
    assert is_working_day(D(2027, 2, 11))
    # One working day after Wednesday 03/02 is Thursday 11/02, not 04/02.
    assert add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)


def test_thirty_working_days_across_tet_2027():
    # From Monday 18/01/2027: 12 working days to 03/02, then Tết (04-10/02),
    # then 18 more: 11-12/02, three full weeks, 01-05/03 and Monday 08/03.
    assert working_days_between(D(2027, 1, 18), D(2027, 2, 3)) == 12
    due = add_working_days(D(2027, 1, 18), 30)
    assert due == D(2027, 3, 8)
    assert working_days_between(D(2027, 1, 18), due) == 30
    assert working_days_between(D(2027, 1, 18), due - dt.timedelta(days=1)) == 29


def test_the_day_itself_is_not_counted():
    assert add_working_days(D(2026, 11, 20), 0) == D(2026, 11, 20)
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)  # Friday -> Monday
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 23)) == 0


def test_national_day_and_its_substitute(settings):
    assert not is_working_day(D(2026, 9, 1))
    assert not is_working_day(D(2026, 9, 2))
    assert not is_working_day(D(2026, 8, 31))  # substituted day off


def test_extra_days_off_and_working_saturdays_are_settings(settings):
    settings.DANGVIEN_EXTRA_DAYS_OFF = ["2026-11-23"]
    settings.DANGVIEN_EXTRA_WORKING_DAYS = ["2026-11-21"]
    assert not is_working_day(D(2026, 11, 23))
    assert is_working_day(D(2026, 11, 21))


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)
