"""The data-quality checks over a subtree: each flags what it should and only
that; duplicates fold accents and tone-mark placement; partial dates are out of
order only when certainly so; the CCCD year mismatch is flagged, never corrected;
members whose status disagrees with their open cases."""

import datetime as dt
import unicodedata

from dangvien.compliance.models import CaseKind
from dangvien.compliance.services import case_sync
from dangvien.core.actors import SYSTEM
from dangvien.members import services as member_services
from dangvien.members.models import DatePrecision, EventKind, Member, MembershipEvent, Status
from dangvien.quality import checks as c

from .conftest import TODAY, make_member


def flagged(check, org):
    return set(check(org.path, TODAY).values_list("pk", flat=True))


def test_a_complete_record_is_flagged_by_no_check(tree, complete):
    for check in c.CHECKS:
        assert flagged(check.members, tree["province"]) == set(), check.code


def test_citizen_id_missing_counts_only_active_members_of_the_subtree(tree, complete):
    a = make_member(tree["cell_a"], 10, citizen_id=None)
    c_member = make_member(tree["cell_c"], 11, citizen_id=None)
    assert flagged(c.citizen_id_missing, tree["province"]) == {a.pk, c_member.pk}
    assert flagged(c.citizen_id_missing, tree["commune"]) == {a.pk}
    assert flagged(c.citizen_id_missing, tree["cell_b"]) == set()


def test_required_missing_names_the_fields(tree, complete):
    member = make_member(tree["cell_a"], 10, hometown="", official_date=None)
    assert flagged(c.required_missing, tree["province"]) == {member.pk}
    member = Member.objects.get(pk=member.pk)
    assert c.missing_fields_of(member) == ["dân tộc", "tôn giáo", "quê quán"]


def test_hoa_with_the_tone_mark_on_o_or_a_nfc_or_nfd_is_a_likely_duplicate(tree, complete):
    birth = dt.date(1979, 6, 12)
    one = make_member(tree["cell_a"], 10, given_name="Hòa", birth_date=birth)
    two = make_member(
        tree["cell_c"], 11, given_name=unicodedata.normalize("NFD", "Hoà"), birth_date=birth
    )
    make_member(tree["cell_b"], 12, given_name="Hòa", birth_date=dt.date(1979, 6, 13))
    assert flagged(c.duplicate_name_birth, tree["province"]) == {one.pk, two.pk}
    # Under the commune only one of the pair lies: nothing to compare there.
    assert flagged(c.duplicate_name_birth, tree["commune"]) == set()


def test_same_old_identity_number_is_a_likely_duplicate(tree, complete):
    one = make_member(tree["cell_a"], 10, old_identity_number="183456789")
    two = make_member(tree["cell_b"], 11, old_identity_number="183456789")
    make_member(tree["cell_b"], 12, old_identity_number="183456780")
    assert flagged(c.duplicate_old_identity, tree["province"]) == {one.pk, two.pk}


def test_dates_before_birth_and_under_age(tree, complete):
    # The forms refuse such dates; legacy data (imports of old sheets) has them.
    before, young, of_age = complete
    Member.objects.filter(pk=before.pk).update(
        birth_date=dt.date(1990, 5, 1), joining_date=dt.date(1989, 2, 1)
    )
    Member.objects.filter(pk=young.pk).update(
        birth_date=dt.date(1992, 6, 15), joining_date=dt.date(2010, 6, 14)
    )
    Member.objects.filter(pk=of_age.pk).update(
        birth_date=dt.date(1992, 6, 15), joining_date=dt.date(2010, 6, 15)
    )
    assert flagged(c.dates_before_birth, tree["province"]) == {before.pk}
    assert flagged(c.joined_under_age, tree["province"]) == {before.pk, young.pk}


def test_a_date_known_by_year_is_out_of_order_only_when_certainly(tree, complete):
    # Born "1992" (stored 01/01/1992): joining 10/06/2010 may be after the 18th
    # birthday (any day of 2010 could be it), so nothing is flagged.
    member = complete[0]
    Member.objects.filter(pk=member.pk).update(
        birth_date=dt.date(1992, 1, 1),
        birth_date_precision=DatePrecision.YEAR,
        joining_date=dt.date(2010, 6, 10),
    )
    assert member.pk not in flagged(c.joined_under_age, tree["province"])
    Member.objects.filter(pk=member.pk).update(joining_date=dt.date(2009, 12, 31))
    assert member.pk in flagged(c.joined_under_age, tree["province"])


def test_an_event_before_birth_is_found_in_the_event_log(tree, complete):
    member = complete[0]
    MembershipEvent.objects.filter(member=member).update(date=dt.date(1980, 1, 1))
    assert flagged(c.dates_before_birth, tree["province"]) == {member.pk}


def test_official_before_joining(tree, complete):
    member = complete[1]
    Member.objects.filter(pk=member.pk).update(official_date=dt.date(2009, 1, 1))
    assert flagged(c.official_before_joining, tree["province"]) == {member.pk}


def test_citizen_id_year_mismatch_is_flagged_and_the_cv_date_kept(tree, complete):
    member = make_member(tree["cell_b"], 10)
    wrong = member.citizen_id[:4] + "86" + member.citizen_id[6:]
    member = member_services.member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=member.version,
        data={"citizen_id": wrong},
    )
    assert flagged(c.citizen_id_year_mismatch, tree["province"]) == {member.pk}
    assert Member.objects.get(pk=member.pk).birth_date == dt.date(1985, 3, 15)


def test_status_disagreeing_with_open_cases(tree, complete):
    gone = complete[0]
    case_sync(
        gone,
        kind=CaseKind.DUES_ARREARS,
        organization=tree["cell_a"],
        subject=gone.full_name,
        step="notice",
        due_date=TODAY,
        member=gone,
        today=TODAY,
    )
    assert flagged(c.status_open_cases, tree["province"]) == set()  # still active
    member_services.member_add_event(
        actor=SYSTEM,
        member=gone,
        kind=EventKind.TRANSFERRED_OUT,
        date=dt.date(2026, 3, 1),
        other_party="Đảng bộ Quân đội",
    )
    assert Member.objects.get(pk=gone.pk).status == Status.TRANSFERRED_OUT
    assert flagged(c.status_open_cases, tree["province"]) == {gone.pk}


def test_probation_over_without_a_recognition_case(tree, complete):
    late = make_member(
        tree["cell_c"],
        10,
        admission_decision_date=dt.date(2025, 1, 5),
        joining_date=dt.date(2025, 1, 10),
        official_date=None,
    )
    make_member(
        tree["cell_c"],
        11,
        admission_decision_date=dt.date(2025, 5, 5),
        joining_date=dt.date(2025, 5, 10),
        official_date=None,
    )
    assert Member.objects.get(pk=late.pk).status == Status.PROBATIONARY
    assert flagged(c.probation_overdue, tree["province"]) == {late.pk}
    case_sync(
        late,
        kind=CaseKind.RECOGNITION,
        organization=tree["cell_c"],
        subject=late.full_name,
        step="consider",
        due_date=TODAY,
        member=late,
        today=TODAY,
    )
    assert flagged(c.probation_overdue, tree["province"]) == set()
