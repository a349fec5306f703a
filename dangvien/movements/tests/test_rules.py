"""Transfer and removal rules at their edges."""

import datetime as dt

from dangvien.movements import rules
from dangvien.organizations.models import Level

D = dt.date


def test_sixty_working_days_to_start_a_transfer_across_tet():
    # Retired on Monday 04/01/2027: 22 working days to 03/02, Tết (04-10/02/2027)
    # skipped, then 38 more: the 60th is Monday 05/04/2027 (without Tết, 29/03).
    due = rules.transfer_start_due(D(2027, 1, 4))
    assert due == D(2027, 4, 5)


def test_thirty_working_days_to_present_the_letter():
    # Sent on Friday 20/11/2026; Tuesday 24/11/2026 is the Cultural Day (a holiday).
    assert rules.transfer_present_due(D(2026, 11, 20)) == D(2027, 1, 5)


def test_temporary_transfer_periods_at_their_edges():
    start = D(2026, 3, 1)
    assert rules.temporary_period_error(start, D(2026, 5, 31), study=False)  # under 3 months
    assert rules.temporary_period_error(start, D(2026, 6, 1), study=False) is None  # 3 months
    assert rules.temporary_period_error(start, D(2027, 2, 28), study=False) is None
    assert rules.temporary_period_error(start, D(2027, 3, 1), study=False)  # 1 year: permanent
    assert rules.temporary_period_error(start, D(2028, 3, 1), study=True) is None  # 2 years
    assert rules.temporary_period_error(start, D(2028, 3, 2), study=True)


def test_two_thirds_of_official_members_exactly():
    from dangvien.admissions import rules as admissions_rules

    assert rules.vote_passes is admissions_rules.vote_passes  # R1.8 implemented once
    day = D(2026, 6, 1)
    assert rules.vote_passes(6, 9, day)  # exactly 2/3
    assert not rules.vote_passes(5, 9, day)
    assert not rules.vote_passes(6, 10, day)  # 2/3 of 10 needs 7
    assert rules.vote_passes(7, 10, day)
    assert not rules.vote_passes(0, 0, day)


def test_three_months_in_the_same_calendar_year():
    assert rules.missed_months_error([D(2026, 1, 7), D(2026, 5, 7), D(2026, 11, 7)]) is None
    # Three months, but across two years: not enough.
    assert rules.missed_months_error([D(2025, 11, 7), D(2025, 12, 7), D(2026, 1, 7)])
    # The same month twice counts once.
    assert rules.missed_months_error([D(2026, 1, 7), D(2026, 1, 20), D(2026, 2, 7)])


def test_twelve_months_after_the_cells_education():
    assert rules.education_wait_error(D(2025, 6, 10), D(2026, 6, 9))
    assert rules.education_wait_error(D(2025, 6, 10), D(2026, 6, 10)) is None
    assert rules.education_wait_error(D(2025, 6, 10), D(2026, 6, 11)) is None


def test_breach_two_years_in_a_row():
    assert rules.breach_years_error([2024, 2025]) is None
    assert rules.breach_years_error([2023, 2025])
    assert rules.breach_years_error([2025])


class _Org:
    def __init__(self, name, level):
        self.name, self.level = name, level

    def __repr__(self):
        return self.name


def test_who_issues_the_letter():
    province = _Org("Tỉnh", Level.PROVINCIAL)
    commune = _Org("Xã", Level.SUPERIOR)
    committee = _Org("ĐU Sở", Level.GRASSROOTS_COMMITTEE)
    cell_1 = _Org("CB 1", Level.CELL)
    cell_2 = _Org("CB 2", Level.CELL)
    village = _Org("CB thôn", Level.CELL)
    under_commune = _Org("ĐU trường", Level.GRASSROOTS_COMMITTEE)
    school_cell = _Org("CB tổ", Level.CELL)
    sending = [province, committee, cell_1]
    # Within the grassroots committee: it issues the letter itself.
    assert rules.letter_issuer(sending, [province, committee, cell_2]) == (committee, "T/M ĐẢNG ỦY")
    # Leaving a grassroots committee directly under the province: the province's board.
    assert rules.letter_issuer(sending, [province, commune, village]) == (province, "BAN TỔ CHỨC")
    assert rules.letter_issuer(sending, None) == (province, "BAN TỔ CHỨC")
    # Under a commune committee: that committee's standing committee.
    assert rules.letter_issuer(
        [province, commune, under_commune, school_cell], [province, commune, village]
    ) == (commune, "T/M BAN THƯỜNG VỤ")
