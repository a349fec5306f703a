"""The regulations, each tested at its edges."""

import datetime as dt

import pytest

from dangvien.members import rules
from dangvien.members.models import EventKind, Gender, Status

D = dt.date


class TestAdmissionAge:
    # R1.1: at least 18 full years (in months) on the day of the cell meeting.
    birth = D(2000, 6, 15)

    def test_day_before_18th_birthday_is_refused(self):
        assert rules.admission_age_error(self.birth, D(2018, 6, 14)) is not None

    def test_the_18th_birthday_is_accepted(self):
        assert rules.admission_age_error(self.birth, D(2018, 6, 15)) is None

    def test_day_after_18th_birthday_is_accepted(self):
        assert rules.admission_age_error(self.birth, D(2018, 6, 16)) is None

    def test_exactly_60_years_is_accepted(self):
        assert rules.admission_age_error(D(1960, 6, 15), D(2020, 6, 15)) is None

    def test_60_years_and_11_months_counts_as_60_full_years_in_months(self):
        # 60 years 0 months 30 days is still 720 months: accepted.
        assert rules.admission_age_error(D(1960, 6, 15), D(2020, 7, 14)) is None

    def test_60_years_and_1_month_is_refused(self):
        assert "60" in rules.admission_age_error(D(1960, 6, 15), D(2020, 7, 15))


class TestProbation:
    def test_official_twelve_months_after_the_ceremony(self):
        # R1.14 example: ceremony 26/7/2015 -> official 26/7/2016.
        assert rules.probation_end(D(2015, 7, 26)) == D(2016, 7, 26)

    def test_ceremony_on_29_february(self):
        assert rules.probation_end(D(2024, 2, 29)) == D(2025, 2, 28)

    def test_month_end_is_kept(self):
        assert rules.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
        assert rules.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
        assert rules.add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


class TestCitizenId:
    birth = D(1985, 3, 15)

    @pytest.mark.parametrize("value", ["0420850000123", "04208500001a", "", "9999999"])
    def test_not_twelve_digits(self, value):
        assert rules.citizen_id_error(value) == "Số CCCD phải gồm đúng 12 chữ số."

    @pytest.mark.parametrize(
        "value,missing,example",
        [("1085012345", 2, "001085012345"), ("42085000001", 1, "042085000001")],
    )
    def test_leading_zeros_dropped_by_a_spreadsheet_are_named(self, value, missing, example):
        message = rules.citizen_id_error(value)
        assert f"thiếu {missing} chữ số" in message and "số 0 ở đầu" in message
        assert example in message
        problem, _params = rules.citizen_id_problem(value)
        assert problem.code == "citizen_id_leading_zeros"

    @pytest.mark.parametrize("typed", ["001 085 012 345", "001.085.012.345", "001-085-012-345"])
    def test_separators_between_groups_are_dropped(self, typed):
        assert rules.normalize_citizen_id(typed) == "001085012345"

    def test_other_text_is_kept_as_typed(self):
        assert rules.normalize_citizen_id(" 00108501234a ") == "00108501234a"
        assert rules.normalize_citizen_id("  ") is None

    def test_unknown_province_code(self):
        assert "003" in rules.citizen_id_error("003085000001")

    def test_valid_for_a_man_born_1985(self):
        assert (
            rules.citizen_id_error("042085000001", birth_date=self.birth, gender=Gender.MALE)
            is None
        )

    def test_valid_for_a_woman_born_2001(self):
        assert (
            rules.citizen_id_error("001301000001", birth_date=D(2001, 1, 1), gender=Gender.FEMALE)
            is None
        )

    def test_year_mismatch(self):
        assert "năm sinh" in rules.citizen_id_error("042086000001", birth_date=self.birth)

    def test_year_mismatch_is_a_flag_not_a_refusal(self):
        # CV 01/05/1960, CCCD digits 4-6 "062": born 1962 by the ID.
        assert rules.citizen_id_problem("001062012345", gender=Gender.MALE) is None
        assert rules.citizen_id_birth_year("001062012345") == 1962
        flag = rules.citizen_id_year_mismatch("001062012345", D(1960, 5, 1))
        assert "1962" in flag and "1960" in flag and "13-TB/TW" in flag
        assert rules.citizen_id_year_mismatch("001060012345", D(1960, 5, 1)) is None

    def test_sex_mismatch(self):
        assert "giới tính" in rules.citizen_id_error(
            "042185000001", birth_date=self.birth, gender=Gender.MALE
        )


class TestTransitions:
    def test_admission_then_recognition(self):
        s = rules.apply_event(rules.EMPTY, EventKind.ADMITTED, 7)
        assert (s.status, s.organization_id) == (Status.PROBATIONARY, 7)
        s = rules.apply_event(s, EventKind.RECOGNISED, None)
        assert (s.status, s.organization_id, s.recognised) == (Status.OFFICIAL, 7, True)

    @pytest.mark.parametrize(
        "kind",
        [
            EventKind.RECOGNISED,
            EventKind.TRANSFERRED_OUT,
            EventKind.NAME_DELETED,
            EventKind.READMITTED,
        ],
    )
    def test_nothing_but_admission_or_arrival_can_come_first(self, kind):
        with pytest.raises(rules.TransitionError):
            rules.apply_event(rules.EMPTY, kind, 1)

    def test_transfer_keeps_official_status_on_arrival(self):
        s = rules.apply_event(rules.EMPTY, EventKind.ADMITTED, 1)
        s = rules.apply_event(s, EventKind.RECOGNISED, None)
        s = rules.apply_event(s, EventKind.TRANSFERRED_OUT, None)
        assert s.status == Status.TRANSFERRED_OUT
        s = rules.apply_event(s, EventKind.TRANSFERRED_IN, 2)
        assert (s.status, s.organization_id) == (Status.OFFICIAL, 2)

    def test_second_transfer_out_while_one_is_open_is_refused(self):
        s = rules.apply_event(rules.EMPTY, EventKind.ADMITTED, 1)
        s = rules.apply_event(s, EventKind.TRANSFERRED_OUT, None)
        with pytest.raises(rules.TransitionError):
            rules.apply_event(s, EventKind.TRANSFERRED_OUT, None)

    def test_exemption_cannot_be_granted_twice(self):
        s = rules.apply_event(rules.EMPTY, EventKind.ADMITTED, 1)
        s = rules.apply_event(s, EventKind.EXEMPTED, None)
        assert s.exempt and s.status == Status.PROBATIONARY
        with pytest.raises(rules.TransitionError):
            rules.apply_event(s, EventKind.EXEMPTED, None)

    def test_the_dead_have_no_further_events(self):
        s = rules.apply_event(rules.EMPTY, EventKind.ADMITTED, 1)
        s = rules.apply_event(s, EventKind.DECEASED, None)
        for kind in EventKind.values:
            with pytest.raises(rules.TransitionError):
                rules.apply_event(s, kind, 1)


class TestPartyAge:
    decision = D(1995, 3, 10)
    history = [(D(1995, 3, 20), Status.PROBATIONARY), (D(1996, 3, 20), Status.OFFICIAL)]

    def test_counts_from_the_decision_date(self):
        # R1.17 example: decision 26/7/2015, official 26/7/2016, age from 26/7/2015.
        age = rules.party_age(
            D(2015, 7, 26),
            [(D(2015, 8, 1), Status.PROBATIONARY), (D(2016, 8, 1), Status.OFFICIAL)],
            D(2017, 7, 26),
        )
        assert (age.years, age.months, age.days) == (2, 0, 0)

    def test_probationary_member_has_no_party_age_yet(self):
        assert rules.party_age(self.decision, self.history[:1], D(1995, 12, 1)) is None

    def test_thirty_years_on_the_anniversary_without_gaps(self):
        assert not rules.party_age_reaches(self.decision, self.history, 30, D(2025, 3, 9))
        assert rules.party_age_reaches(self.decision, self.history, 30, D(2025, 3, 10))
        assert rules.party_age_reaches(self.decision, self.history, 30, D(2025, 3, 11))

    def test_a_one_year_transfer_gap_moves_the_anniversary_a_year_later(self):
        history = [
            *self.history,
            (D(2000, 1, 1), Status.TRANSFERRED_OUT),
            (D(2001, 1, 1), Status.OFFICIAL),
        ]
        assert not rules.party_age_reaches(self.decision, history, 30, D(2026, 3, 9))
        age = rules.party_age(self.decision, history, D(2026, 3, 10))
        assert age.gap_days == 366 and age.counted_from == D(1996, 3, 10)
        assert (age.years, age.months, age.days) == (30, 0, 0)

    def test_same_day_transfer_leaves_no_gap(self):
        history = [
            *self.history,
            (D(2000, 1, 1), Status.TRANSFERRED_OUT),
            (D(2000, 1, 1), Status.OFFICIAL),
        ]
        assert rules.party_age(self.decision, history, D(2025, 3, 10)).gap_days == 0

    def test_readmitted_member_counts_from_the_first_decision_minus_the_time_out(self):
        # R1.18: deleted 2005-01-01, readmitted 2010-01-01, official again 2011-01-01.
        history = [
            *self.history,
            (D(2005, 1, 1), Status.NAME_DELETED),
            (D(2010, 1, 1), Status.PROBATIONARY),
            (D(2011, 1, 1), Status.OFFICIAL),
        ]
        age = rules.party_age(self.decision, history, D(2026, 1, 1))
        assert age.gap_days == (D(2010, 1, 1) - D(2005, 1, 1)).days
        assert age.counted_from == self.decision + dt.timedelta(days=age.gap_days)

    def test_no_party_age_while_out_of_the_party(self):
        history = [*self.history, (D(2005, 1, 1), Status.NAME_DELETED)]
        assert rules.party_age(self.decision, history, D(2006, 1, 1)) is None


class TestNamesAndPhones:
    @pytest.mark.parametrize("name", ["Lan2", "Lan!", "An_", "Bình@"])
    def test_digits_and_symbols_in_a_name_are_refused(self, name):
        assert "chữ cái" in rules.name_error(name)

    @pytest.mark.parametrize("name", ["Lan", "Nguyễn Thị", "H'Hen", "Niê", "Y-Ngông", "Đoàn"])
    def test_letters_of_vietnamese_and_minority_names_are_accepted(self, name):
        assert rules.name_error(name) is None

    @pytest.mark.parametrize("phone", ["abc", "0912abc678", "12", "+84 91 234 567 890 1234"])
    def test_bad_phones_are_refused(self, phone):
        assert "Số điện thoại" in rules.phone_error(phone)

    @pytest.mark.parametrize(
        "phone", ["0912345678", "0912 345 678", "+84 912.345.678", "(024) 3825 1234", ""]
    )
    def test_phones_as_typed_are_accepted(self, phone):
        assert rules.phone_error(phone) is None


def test_age_in_months_counts_as_relativedelta_does_on_every_kind_of_day():
    """The plain-arithmetic path (birth days up to the 28th) and relativedelta's
    (29th-31st, month ends, 29 February) give the same whole months, forwards and back."""
    import random

    from dateutil.relativedelta import relativedelta

    picked = random.Random(13)
    days = [D(1999, 1, 31), D(2000, 2, 29), D(2000, 3, 28), D(2001, 2, 28), D(2004, 12, 31)]
    days += [D(1940, 1, 1) + dt.timedelta(picked.randrange(36_000)) for _ in range(4000)]
    for birth in days[:400]:
        for on in days[::7]:
            delta = relativedelta(on, birth)
            assert rules.age_in_months(birth, on) == delta.years * 12 + delta.months, (birth, on)


def test_a_rule_asked_again_follows_a_configured_override(settings):
    """Answers of the declared versions are kept per day; a configured value
    still wins as soon as it is set, and the declared one is back when removed."""
    day = D(2026, 1, 15)
    declared = rules.ADMISSION_MIN_AGE_MONTHS.on(day)
    settings.DANGVIEN_RULE_OVERRIDES = {"admission_min_age_months": declared + 12}
    assert rules.ADMISSION_MIN_AGE_MONTHS.on(day) == declared + 12
    settings.DANGVIEN_RULE_OVERRIDES = {}
    assert rules.ADMISSION_MIN_AGE_MONTHS.on(day) == declared
