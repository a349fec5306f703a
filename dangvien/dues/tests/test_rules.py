"""The dues rules at their edges: the change of system on 01/02/2026, the
second step of 01-QĐ/TW on 01/01/2028, 50 years of party age, reliefs, and the
shares kept, each on the day before, of and after."""

import datetime as dt

import pytest

from dangvien.core.rulebook import LONG_AGO, Rule, Version
from dangvien.dues import rules
from dangvien.dues.rules import Category

JAN_26, FEB_26 = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
REGION_I = 5_310_000


def owed(month, category, base=None, **kw):
    kw.setdefault("regional_wage", REGION_I)
    kw.setdefault("region", 1)
    return rules.amount_owed(month, category, base, **kw)


@pytest.mark.parametrize(
    ("month", "system"),
    [
        (dt.date(2026, 1, 31), "342"),
        (dt.date(2026, 2, 1), "01"),
        (dt.date(2026, 2, 2), "01"),
        (dt.date(2011, 4, 1), "342"),
    ],
)
def test_the_system_follows_the_month(month, system):
    assert rules.system_of(month) == system


def test_salary_one_percent_in_both_systems_with_the_base_of_the_month_before_from_02_2026():
    assert owed(JAN_26, Category.SOCIAL_INSURANCE, 6_234_550).amount == 62_346  # half up
    assert rules.base_day(JAN_26) == JAN_26
    assert rules.base_day(FEB_26) == dt.date(2026, 1, 31)
    feb = owed(FEB_26, Category.SOCIAL_INSURANCE, 6_000_000)
    assert (feb.amount, feb.system) == (60_000, "01")
    assert "tháng trước" in feb.basis


def test_pension_half_a_percent_and_sickness_allowance_one_percent():
    assert owed(JAN_26, Category.PENSIONER, 5_000_000).amount == 25_000
    assert owed(FEB_26, Category.PENSIONER, 5_000_000).amount == 25_000
    assert owed(FEB_26, Category.SICK_MATERNITY, 4_000_000).amount == 40_000


def test_others_fixed_amount_under_342_then_a_share_of_the_regional_wage():
    assert owed(JAN_26, Category.OTHER).amount == 5_000
    assert owed(JAN_26, Category.OTHER, past_retirement_age=True).amount == 2_500
    assert owed(FEB_26, Category.OTHER).amount == 15_930  # 0.3% of 5,310,000
    assert owed(FEB_26, Category.OTHER, past_retirement_age=True).amount == 10_620  # 0.2%
    assert owed(FEB_26, Category.OTHER, regional_wage=3_700_000, region=4).amount == 11_100


@pytest.mark.parametrize(
    ("month", "young", "old"),
    [
        (dt.date(2027, 12, 1), 15_930, 10_620),
        (dt.date(2028, 1, 1), 26_550, 15_930),  # 0.5% and 0.3% from 2028
        (dt.date(2028, 2, 1), 26_550, 15_930),
    ],
)
def test_the_2028_step_of_the_regional_wage_rates(month, young, old):
    assert owed(month, Category.OTHER).amount == young
    assert owed(month, Category.OTHER, past_retirement_age=True).amount == old


def test_students_five_thousand_from_02_2026():
    assert owed(JAN_26, Category.STUDENT).amount == 5_000  # 342's fixed default
    assert owed(FEB_26, Category.STUDENT).amount == 5_000
    assert owed(FEB_26, Category.STUDENT).basis.startswith("Học sinh")


@pytest.mark.parametrize(("years", "exempt"), [(49, False), (50, True), (51, True)])
def test_fifty_years_of_party_age_exempts_from_02_2026_only(years, exempt):
    feb = owed(FEB_26, Category.PENSIONER, 5_000_000, party_age_years=years)
    assert (feb.amount == 0) is exempt
    if exempt:
        assert feb.exempt_reason == "Đủ 50 năm tuổi đảng"
    jan = owed(JAN_26, Category.PENSIONER, 5_000_000, party_age_years=years)
    assert jan.amount == 25_000


def test_social_pension_exempt_from_02_2026():
    assert owed(JAN_26, Category.SOCIAL_PENSION).amount == 5_000
    assert owed(FEB_26, Category.SOCIAL_PENSION).amount == 0


def test_reductions_and_exemption_and_voluntary():
    assert owed(FEB_26, Category.OTHER, relief_percent=50).amount == 7_965
    assert owed(FEB_26, Category.OTHER, relief_percent=30).amount == 11_151
    assert owed(FEB_26, Category.OTHER, relief_percent=70).amount == 4_779
    exempt = owed(FEB_26, Category.OTHER, relief_percent=100, relief_reason="Hộ nghèo")
    assert (exempt.amount, exempt.full, exempt.exempt_reason) == (0, 15_930, "Hộ nghèo")
    assert owed(FEB_26, Category.OTHER, voluntary=50_000).amount == 50_000
    assert owed(FEB_26, Category.OTHER, voluntary=10_000).amount == 15_930  # never lower


def test_missing_inputs_are_errors_not_zero():
    with pytest.raises(ValueError):
        owed(FEB_26, Category.SOCIAL_INSURANCE, None)
    with pytest.raises(ValueError):
        rules.amount_owed(FEB_26, Category.OTHER, None)


@pytest.mark.parametrize(
    ("kind", "percent", "last", "error"),
    [
        ("reduction", 50, dt.date(2026, 12, 1), None),  # 12 months exactly
        ("reduction", 50, dt.date(2027, 1, 1), "RELIEF_TOO_LONG"),  # 13
        ("reduction", 40, dt.date(2026, 3, 1), "REDUCTION_PERCENT"),
        ("reduction", 70, dt.date(2026, 3, 1), None),
        ("exemption", 100, dt.date(2026, 11, 1), None),
        ("exemption", 100, dt.date(2025, 12, 1), "RELIEF_PERIOD_ORDER"),
    ],
)
def test_relief_percent_and_length(kind, percent, last, error):
    problem = rules.relief_error(kind, percent, JAN_26, last)
    assert (problem[0] if problem else None) == error


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (1, None),
        (0, "AMOUNT_NOT_POSITIVE"),
        (-5, "AMOUNT_NOT_POSITIVE"),
        (1.5, "AMOUNT_NOT_WHOLE"),
        (True, "AMOUNT_NOT_WHOLE"),
        ("10", "AMOUNT_NOT_WHOLE"),
    ],
)
def test_amounts_are_whole_positive_dong(amount, error):
    assert rules.amount_error(amount) == error


@pytest.mark.parametrize(
    ("level", "unit_type", "percent"),
    [
        ("cell", "other", 30),
        ("grassroots_cell", "commune", 90),
        ("grassroots_committee", "ward", 90),
        ("grassroots_committee", "agency", 70),
        ("superior", "commune", 50),
        ("provincial", "other", 50),
        ("partial_committee", "other", 0),
    ],
)
def test_shares_kept_by_level_under_342(level, unit_type, percent):
    assert rules.kept_percent(JAN_26, level, unit_type, None) == percent


def test_shares_of_01_are_configurable_from_their_own_date(settings):
    table = {**rules.SHARES_KEPT.on(FEB_26), "cell": 40}
    settings.DANGVIEN_RULE_OVERRIDES = {
        "dues_shares_kept": [{"from": "2026-02-01", "value": table}]
    }
    assert rules.kept_percent(dt.date(2026, 1, 31), "cell", "other", None) == 30
    assert rules.kept_percent(FEB_26, "cell", "other", None) == 40
    assert rules.SHARES_KEPT.version_on(FEB_26).confirmed is False


def test_a_plain_override_still_replaces_the_whole_rule(settings):
    rule = Rule("x_test", "x", (Version(LONG_AGO, 1, "a"), Version(FEB_26, 2, "b")))
    assert (rule.on(JAN_26), rule.on(FEB_26)) == (1, 2)
    settings.DANGVIEN_RULE_OVERRIDES = {"x_test": 7}
    assert (rule.on(JAN_26), rule.on(FEB_26)) == (7, 7)


@pytest.mark.parametrize(
    ("month", "due"),
    [(dt.date(2026, 1, 15), dt.date(2026, 2, 10)), (dt.date(2026, 12, 1), dt.date(2027, 1, 10))],
)
def test_close_due_the_tenth_of_the_next_month(month, due):
    assert rules.close_due(month) == due
