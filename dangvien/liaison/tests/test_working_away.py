"""Members working away (seeds 000, 001, 004): report, review, destination,
two-way contact, year-end review, temporary exemption; the "not declared" and
"silent" lists at their edges."""

import datetime as dt

import pytest

from dangvien.compliance.models import Case, CaseKind
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.liaison import rules, selectors, services
from dangvien.liaison.models import (
    Exemption,
    WorkingAway,
    WorkingAwayContact,
    WorkingAwayStatus,
    WorkingAwayYearReview,
)
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _away(member, reported_on=None):
    reported_on = reported_on or D(2024, 1, 5)
    wa = services.working_away_report(
        actor=SYSTEM, member=member, reported_on=reported_on, left_on=reported_on
    )
    return services.working_away_review(
        actor=SYSTEM,
        working_away=wa,
        reviewed_on=reported_on + dt.timedelta(days=2),
        committee_reported_on=reported_on + dt.timedelta(days=3),
    )


def _declare(wa, places, day=None):
    return services.working_away_register_destination(
        actor=SYSTEM,
        working_away=wa,
        registered_on=day or D(2024, 1, 20),
        province=places["province"],
        commune=places["elsewhere"],
        employer="Công ty TNHH Giày da Bình Dương",
        host_kind="authority",
        host_name="UBND phường",
        host_contact_name="Trần Thị Hoa",
        host_contact_phone="0912 345 678",
    )


def test_report_review_destination_contacts_and_cases(member, places):
    wa = services.working_away_report(
        actor=SYSTEM, member=member, reported_on=D(2024, 1, 5), report_text="Đi làm công ty"
    )
    case = Case.objects.get(kind=CaseKind.WORKING_AWAY)
    assert case.step == "review" and case.due_date == D(2024, 2, 4)
    services.working_away_review(
        actor=SYSTEM,
        working_away=wa,
        reviewed_on=D(2024, 1, 7),
        committee_reported_on=D(2024, 1, 8),
    )
    case.refresh_from_db()
    assert case.step == "destination"
    _declare(wa, places)
    wa.refresh_from_db()
    assert wa.declared and wa.status == WorkingAwayStatus.REVIEWED
    case.refresh_from_db()
    assert case.step == "contact" and case.due_date == D(2024, 4, 5)  # 3 months after report
    services.working_away_contact_add(
        actor=SYSTEM, working_away=wa, date=D(2024, 3, 1), kind="dues", amount=30000
    )
    services.working_away_contact_add(
        actor=SYSTEM, working_away=wa, date=D(2024, 3, 9), kind="news"
    )
    case.refresh_from_db()
    assert case.due_date == D(2024, 6, 1)  # news sent by the cell does not count as theirs
    assert WorkingAwayContact.objects.get(kind="dues").direction == "in"
    assert WorkingAwayContact.objects.get(kind="news").direction == "out"


def test_review_before_report_date_and_steps_out_of_order_change_nothing(member):
    wa = services.working_away_report(actor=SYSTEM, member=member, reported_on=D(2024, 1, 5))
    with pytest.raises(DomainError) as exc:
        services.working_away_review(
            actor=SYSTEM,
            working_away=wa,
            reviewed_on=D(2024, 1, 4),
            committee_reported_on=D(2024, 1, 8),
        )
    assert exc.value.field == "reviewed_on"
    with pytest.raises(DomainError) as exc:
        services.working_away_contact_add(
            actor=SYSTEM, working_away=wa, date=D(2024, 1, 9), kind="report"
        )
    assert exc.value.field == "step"
    assert WorkingAway.objects.get(pk=wa.pk).status == WorkingAwayStatus.REPORTED
    assert WorkingAwayContact.objects.count() == 0


def test_second_open_file_is_refused(member):
    _away(member)
    with pytest.raises(DomainError):
        services.working_away_report(actor=SYSTEM, member=member, reported_on=D(2024, 2, 1))
    assert WorkingAway.objects.count() == 1


def test_destination_commune_must_be_in_the_province(member, places):
    from dangvien.places.models import Province

    wa = _away(member)
    other = Province.objects.exclude(pk=places["province"].pk).first()
    with pytest.raises(DomainError) as exc:
        services.working_away_register_destination(
            actor=SYSTEM,
            working_away=wa,
            registered_on=D(2024, 1, 20),
            province=other,
            commune=places["home"],
            employer="X",
        )
    assert exc.value.field == "dest_commune"
    with pytest.raises(DomainError) as exc:
        services.working_away_register_destination(
            actor=SYSTEM,
            working_away=wa,
            registered_on=D(2024, 1, 20),
            province=places["province"],
            commune=places["home"],
        )
    assert exc.value.field == "employer"
    assert not WorkingAway.objects.get(pk=wa.pk).declared


def test_year_review_once_a_year(member):
    wa = _away(member)
    services.working_away_year_review(
        actor=SYSTEM,
        working_away=wa,
        year=2024,
        received_on=D(2024, 12, 20),
        self_review="Hoàn thành nhiệm vụ",
        host_comment="Chấp hành tốt",
        host_commenter="UBND phường Tân Định",
    )
    with pytest.raises(DomainError) as exc:
        services.working_away_year_review(
            actor=SYSTEM, working_away=wa, year=2024, received_on=D(2024, 12, 28), self_review="B"
        )
    assert exc.value.field == "year"
    assert WorkingAwayYearReview.objects.count() == 1
    assert WorkingAwayContact.objects.filter(kind="report").count() == 1


def test_temporary_exemption_through_part_a_and_end_only_after_return(member):
    wa = _away(member)
    exemption = services.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        ground="working_away",
        applied_on=D(2024, 1, 10),
        start=D(2024, 1, 10),
        end=D(2024, 12, 31),
        working_away=wa,
    )
    services.exemption_decide(
        actor=SYSTEM, exemption=exemption, decided_on=D(2024, 1, 12), resolution_number="3"
    )
    assert Member.objects.get(pk=member.pk).is_exempt
    with pytest.raises(DomainError) as exc:
        services.working_away_end(actor=SYSTEM, working_away=wa, ended_on=D(2025, 1, 5))
    assert exc.value.field == "ended_on"
    assert WorkingAway.objects.get(pk=wa.pk).is_open
    services.exemption_report(actor=SYSTEM, exemption=exemption, reported_on=D(2024, 1, 13))
    services.exemption_apply_return(actor=SYSTEM, exemption=exemption, applied_on=D(2025, 1, 3))
    services.exemption_return(
        actor=SYSTEM, exemption=exemption, returned_on=D(2025, 1, 5), resolution_number="1"
    )
    services.working_away_end(actor=SYSTEM, working_away=wa, ended_on=D(2025, 1, 5))
    assert Case.objects.get(kind=CaseKind.WORKING_AWAY).closed_on == D(2025, 1, 5)


def test_exemption_linked_to_an_unreviewed_file_is_refused(member):
    wa = services.working_away_report(actor=SYSTEM, member=member, reported_on=D(2024, 1, 5))
    with pytest.raises(DomainError) as exc:
        services.exemption_apply(
            actor=SYSTEM,
            member=member,
            kind="temporary",
            ground="working_away",
            applied_on=D(2024, 1, 6),
            start=D(2024, 1, 6),
            end=D(2024, 6, 6),
            working_away=wa,
        )
    assert exc.value.field == "working_away"
    assert Exemption.objects.count() == 0


@pytest.mark.parametrize(
    ("today", "silent"),
    [(D(2024, 6, 30), False), (D(2024, 7, 1), False), (D(2024, 7, 2), True)],
)
def test_silent_after_more_than_n_months(member, today, silent):
    wa = _away(member)
    services.working_away_contact_add(
        actor=SYSTEM, working_away=wa, date=D(2024, 4, 1), kind="report"
    )
    services.working_away_contact_add(
        actor=SYSTEM, working_away=wa, date=D(2024, 5, 1), kind="news"
    )
    summary = selectors.working_away_summary(member.organization, today)
    assert [w.pk for w in summary.silent] == ([wa.pk] if silent else [])


def test_silence_threshold_is_configurable(member, settings):
    _away(member)
    settings.DANGVIEN_RULE_OVERRIDES = {"working_away_silent_months": 1}
    assert len(selectors.working_away_summary(member.organization, D(2024, 2, 6)).silent) == 1
    assert rules.silent_since(D(2024, 1, 5), D(2024, 2, 5)) is False


def test_not_declared_count_and_percentage_on_a_small_tree(tree, places):
    cell_a = [MemberFactory(organization=tree["cell_a"]) for _ in range(4)]
    cell_b = [MemberFactory(organization=tree["cell_b"]) for _ in range(2)]
    outside = MemberFactory(organization=tree["cell_c"])
    files = [_away(m) for m in cell_a + cell_b]
    _away(outside)  # another subtree: not counted under the commune
    for wa in files[:3] + files[4:5]:
        _declare(wa, places)
    summary = selectors.working_away_summary(tree["commune"])
    assert summary.total == 6
    assert sorted(w.member_id for w in summary.not_declared) == sorted([cell_a[3].pk, cell_b[1].pk])
    assert summary.not_declared_percent == 33.3
    assert selectors.working_away_summary(tree["cell_b"]).not_declared_percent == 50.0
    assert rules.percentage(326, 2008) == 16.2  # the seed's figure
    assert rules.percentage(0, 0) == 0.0


def test_a_lodging_address_alone_is_not_a_declaration_of_where_one_works(tree, places):
    """Issue 9 item 16: «declared» means the workplace or employer is known; a
    member who gave only where they lodge still counts among the undeclared,
    and the case keeps waiting for the workplace."""
    lodging, working, silent = (MemberFactory(organization=tree["cell_a"]) for _ in range(3))
    lodging_file, working_file, _ = _away(lodging), _away(working), _away(silent)
    services.working_away_register_destination(
        actor=SYSTEM,
        working_away=lodging_file,
        registered_on=D(2024, 1, 20),
        province=places["province"],
        commune=places["elsewhere"],
        address="Phòng trọ số 4, hẻm 12",
    )
    _declare(working_file, places)
    lodging_file.refresh_from_db()
    assert lodging_file.registered and not lodging_file.declared
    assert "Phòng trọ số 4" in lodging_file.destination_label
    summary = selectors.working_away_summary(tree["cell_a"])
    assert sorted(w.member_id for w in summary.not_declared) == sorted([lodging.pk, silent.pk])
    assert summary.not_declared_percent == 66.7
    case = Case.objects.get(kind=CaseKind.WORKING_AWAY, object_id=lodging_file.pk)
    assert case.step == "destination"
    # Adding the employer later is the first declaration, not a change.
    services.working_away_register_destination(
        actor=SYSTEM,
        working_away=lodging_file,
        registered_on=D(2024, 2, 1),
        province=places["province"],
        commune=places["elsewhere"],
        address="Phòng trọ số 4, hẻm 12",
        employer="Công ty Giày Thái Bình",
    )
    lodging_file.refresh_from_db()
    assert lodging_file.declared
    assert selectors.working_away_summary(tree["cell_a"]).not_declared_percent == 33.3
