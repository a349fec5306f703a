"""Report periods and their bad input (issue 15): a quarter, a half, a year, a
span; the same period last year; a period before the organisation existed."""

import datetime as dt

import pytest

from dangvien.core.errors import DomainError
from dangvien.reports import rules
from dangvien.reports.periods import ReportPeriod, period_between, period_of
from dangvien.reports.services import report_check_period

D = dt.date
TODAY = D(2026, 11, 30)


@pytest.mark.parametrize(
    ("kind", "number", "start", "end", "label"),
    [
        ("quarter", 1, D(2025, 1, 1), D(2025, 3, 31), "Quý I năm 2025"),
        ("quarter", 4, D(2025, 10, 1), D(2025, 12, 31), "Quý IV năm 2025"),
        ("half", 2, D(2025, 7, 1), D(2025, 12, 31), "6 tháng cuối năm 2025"),
        ("year", 0, D(2025, 1, 1), D(2025, 12, 31), "Năm 2025"),
    ],
)
def test_named_periods(kind, number, start, end, label):
    period = period_of(kind, 2025, number, today=TODAY)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_a_running_period_ends_today_and_one_not_begun_is_refused():
    assert period_of("quarter", 2026, 4, today=TODAY).end == TODAY
    with pytest.raises(DomainError) as caught:
        period_of("quarter", 2026, 4, today=D(2026, 9, 30))  # the day before it starts
    assert caught.value.code == "period_not_started" and caught.value.field == "so"
    assert period_of("quarter", 2026, 4, today=D(2026, 10, 1)).end == D(2026, 10, 1)


@pytest.mark.parametrize(
    ("kind", "year", "number", "code"),
    [
        ("week", 2025, 1, "period_kind_invalid"),
        ("quarter", 2025, 5, "number_invalid"),
        ("half", 2025, 0, "number_invalid"),
        ("year", 1929, 0, "year_invalid"),
        ("year", 2027, 0, "year_invalid"),
    ],
)
def test_bad_named_periods(kind, year, number, code):
    with pytest.raises(DomainError) as caught:
        period_of(kind, year, number, today=TODAY)
    assert caught.value.code == code and caught.value.args[0]


def test_a_span_ending_before_it_starts_or_after_today_is_refused():
    assert period_between(D(2025, 3, 1), D(2025, 3, 1), today=TODAY).days == 1
    with pytest.raises(DomainError) as caught:
        period_between(D(2025, 3, 2), D(2025, 3, 1), today=TODAY)
    assert caught.value.code == "period_reversed" and caught.value.field == "den"
    assert "01/03/2025" in caught.value.args[0]
    assert period_between(D(2026, 1, 1), TODAY, today=TODAY).end == TODAY
    with pytest.raises(DomainError) as caught:
        period_between(D(2026, 1, 1), TODAY + dt.timedelta(days=1), today=TODAY)
    assert caught.value.code == "end_in_future"


def test_the_same_period_last_year():
    assert ReportPeriod(D(2024, 1, 1), D(2024, 2, 29)).same_period_last_year() == ReportPeriod(
        D(2023, 1, 1), D(2023, 2, 28)
    )


@pytest.mark.django_db
def test_a_period_before_the_organisation_existed_is_refused():
    from dangvien.organizations.tests.factories import OrganizationFactory

    cell = OrganizationFactory(valid_from=D(2020, 2, 15))
    # The quarter it was founded in is reported (from nothing); the one before is not.
    report_check_period(cell, ReportPeriod(D(2020, 1, 1), D(2020, 3, 31)))
    report_check_period(cell, ReportPeriod(D(2019, 12, 1), D(2020, 2, 15)))  # ends the day it began
    with pytest.raises(DomainError) as caught:
        report_check_period(cell, ReportPeriod(D(2019, 10, 1), D(2020, 2, 14)))
    assert caught.value.code == "before_organization" and "15/02/2020" in caught.value.args[0]


@pytest.mark.parametrize(
    ("this", "last", "shown"), [(3, 0, None), (0, 4, "0.00"), (2, 3, "66.67"), (5, 4, "125.00")]
)
def test_the_percent_column(this, last, shown):
    value = rules.percent(this, last)
    assert (None if value is None else str(value)) == shown


@pytest.mark.parametrize(
    ("joined", "band"),
    [
        (D(1945, 8, 18), "before_1945"),
        (D(1945, 8, 19), "1945_1954"),
        (D(1954, 7, 20), "1945_1954"),
        (D(1954, 7, 21), "1954_1975"),
        (D(1975, 4, 30), "1954_1975"),
        (D(1975, 5, 1), "since_1975"),
        (None, ""),
    ],
)
def test_admission_periods_at_their_edges(joined, band):
    assert rules.admission_period_of(joined) == band


@pytest.mark.parametrize("on", [D(2025, 3, 31), D(2024, 2, 29), D(2025, 2, 28)])
def test_band_cut_offs_agree_with_the_rules_on_every_day(on):
    """The report sorts ages and party ages into bands by cut-off dates; on every
    day of 70 years before `on` they give the rules' band."""
    from bisect import bisect_left

    from dangvien.members import rules as member_rules
    from dangvien.reports.compute import _bands

    age_cuts, age_keys = _bands(on, member_rules.AGE_BANDS)
    party_cuts, party_keys = _bands(on, rules.PARTY_AGE_BANDS)
    day = on.replace(year=on.year - 70) if on.day != 29 else D(on.year - 70, 2, 28)
    while day <= on:
        assert age_keys[bisect_left(age_cuts, day)] == member_rules.age_band_of(day, on), day
        years = member_rules.age_years(day, on)
        assert party_keys[bisect_left(party_cuts, day)] == rules.party_age_band_of(years), day
        day += dt.timedelta(days=1)
