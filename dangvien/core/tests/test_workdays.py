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


def test_saturday_worked_in_exchange_is_a_working_day():
    # Monday 31/08/2026 is off in exchange for Saturday 22/08/2026, which is worked.
    assert is_working_day(D(2026, 8, 21))  # Friday before
    assert is_working_day(D(2026, 8, 22))  # the Saturday worked
    assert not is_working_day(D(2026, 8, 23))  # Sunday after
    assert not is_working_day(D(2026, 8, 31))  # the day given off
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    assert add_working_days(D(2026, 8, 22), 1) == D(2026, 8, 24)
    assert working_days_between(D(2026, 8, 21), D(2026, 8, 24)) == 2


def test_a_letter_of_10_08_2026_is_due_in_30_working_days_on_23_09():
    assert add_working_days(D(2026, 8, 10), 30) == D(2026, 9, 23)
    assert working_days_between(D(2026, 8, 10), D(2026, 9, 23)) == 30


@pytest.mark.parametrize(
    "worked, day_off",
    [
        (D(2025, 4, 26), D(2025, 5, 2)),
        (D(2024, 5, 4), D(2024, 4, 29)),
        (D(2019, 5, 4), D(2019, 4, 29)),
        # Worked in the year before the day off it buys.
        (D(2014, 12, 27), D(2015, 1, 2)),
        (D(2019, 1, 5), D(2018, 12, 31)),
    ],
)
def test_every_weekend_day_worked_in_exchange_counts(worked, day_off):
    assert worked.weekday() >= 5
    assert is_working_day(worked)
    assert not is_working_day(day_off)
    assert not is_working_day(worked + dt.timedelta(days=1))


def test_an_extra_day_off_overrides_a_worked_saturday(settings):
    settings.DANGVIEN_EXTRA_DAYS_OFF = ["2026-08-22"]
    assert not is_working_day(D(2026, 8, 22))
