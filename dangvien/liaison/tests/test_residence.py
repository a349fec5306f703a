"""Residence liaison (QĐ 213-QĐ/TW, HD 33): introduction, receipt, the
residential cell and its group, meetings every 6 months with households, the
yearly comment once a year, the exempt categories, the three lists."""

import datetime as dt

import pytest

from dangvien.compliance.models import Case, CaseKind
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.liaison import rules, selectors, services
from dangvien.liaison.models import (
    ResidenceComment,
    ResidenceGroup,
    ResidenceLiaison,
    ResidenceMeeting,
    ResidenceStatus,
)
from dangvien.members.tests.factories import MemberFactory

from .conftest import worker

pytestmark = pytest.mark.django_db
D = dt.date


def _assigned(tree, places, **kwargs):
    member = worker(tree, places, **kwargs)
    liaison = services.residence_introduce(
        actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10), letter_number="12-GGT/ĐU"
    )
    services.residence_receive(actor=SYSTEM, liaison=liaison, received_on=D(2024, 1, 15))
    return services.residence_assign(
        actor=SYSTEM, liaison=liaison, assigned_on=D(2024, 1, 20), cell=tree["cell_a"]
    )


def test_introduce_finds_the_commune_committee_and_the_steps_follow(residence_tree, places):
    tree = residence_tree
    member = worker(tree, places)
    liaison = services.residence_introduce(
        actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10), letter_number="12-GGT/ĐU"
    )
    assert liaison.residence_committee == tree["commune"] and not liaison.is_outside
    assert liaison.residence_path == tree["commune"].path
    case = Case.objects.get(kind=CaseKind.RESIDENCE)
    assert case.step == "receive" and case.organization_id == tree["commune"].pk
    assert case.due_date == D(2024, 2, 9)
    services.residence_receive(actor=SYSTEM, liaison=liaison, received_on=D(2024, 1, 15))
    case.refresh_from_db()
    assert case.step == "assign"
    services.residence_assign(
        actor=SYSTEM, liaison=liaison, assigned_on=D(2024, 1, 20), cell=tree["cell_a"]
    )
    liaison.refresh_from_db()
    assert liaison.status == ResidenceStatus.ASSIGNED
    assert liaison.residence_path == tree["cell_a"].path
    case.refresh_from_db()
    assert case.step == "comment" and case.organization_id == tree["cell_a"].pk
    assert case.due_date.month == 12 and case.due_date.day == 31


def test_residence_outside_this_installation_is_recorded_as_outside(residence_tree, places):
    member = worker(residence_tree, places, commune="elsewhere")
    liaison = services.residence_introduce(
        actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10)
    )
    assert liaison.is_outside and places["elsewhere"].name in liaison.outside_committee
    services.residence_receive(actor=SYSTEM, liaison=liaison, received_on=D(2024, 1, 15))
    with pytest.raises(DomainError) as exc:
        services.residence_assign(actor=SYSTEM, liaison=liaison, assigned_on=D(2024, 1, 20))
    assert exc.value.field == "outside_cell"
    services.residence_assign(
        actor=SYSTEM, liaison=liaison, assigned_on=D(2024, 1, 20), outside_cell="Chi bộ tổ 5"
    )
    assert Case.objects.get().organization_id == residence_tree["cell_c"].pk


def test_only_members_of_workplace_cells_are_introduced(residence_tree, places, member):
    with pytest.raises(DomainError) as exc:
        services.residence_introduce(actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10))
    assert exc.value.field == "member"
    assert ResidenceLiaison.objects.count() == 0


def test_second_introduction_and_steps_out_of_order_are_refused(residence_tree, places):
    member = worker(residence_tree, places)
    liaison = services.residence_introduce(
        actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10)
    )
    with pytest.raises(DomainError):
        services.residence_introduce(actor=SYSTEM, member=member, introduced_on=D(2024, 2, 10))
    with pytest.raises(DomainError) as exc:
        services.residence_assign(
            actor=SYSTEM, liaison=liaison, assigned_on=D(2024, 1, 20), cell=residence_tree["cell_a"]
        )
    assert exc.value.field == "step"
    liaison.refresh_from_db()
    assert liaison.status == ResidenceStatus.INTRODUCED and liaison.residential_cell is None
    assert ResidenceLiaison.objects.count() == 1


def test_assign_only_to_a_cell_of_the_receiving_committee(residence_tree, places):
    member = worker(residence_tree, places)
    liaison = services.residence_introduce(
        actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10)
    )
    services.residence_receive(actor=SYSTEM, liaison=liaison, received_on=D(2024, 1, 15))
    with pytest.raises(DomainError) as exc:
        services.residence_assign(
            actor=SYSTEM, liaison=liaison, assigned_on=D(2024, 1, 20), cell=residence_tree["cell_c"]
        )
    assert exc.value.field == "cell"
    assert ResidenceLiaison.objects.get().status == ResidenceStatus.RECEIVED


def test_one_yearly_comment_per_member_per_year(residence_tree, places):
    liaison = _assigned(residence_tree, places)
    services.residence_comment_add(
        actor=SYSTEM, liaison=liaison, year=2024, commented_on=D(2024, 12, 10), text="Gương mẫu"
    )
    with pytest.raises(DomainError) as exc:
        services.residence_comment_add(
            actor=SYSTEM, liaison=liaison, year=2024, commented_on=D(2024, 12, 20), text="Lần 2"
        )
    assert exc.value.field == "year"
    services.residence_comment_add(  # an ad hoc comment (personnel) is still possible
        actor=SYSTEM,
        liaison=liaison,
        year=2024,
        commented_on=D(2024, 12, 20),
        text="Phục vụ quy hoạch",
        purpose="ad_hoc",
    )
    services.residence_comment_add(
        actor=SYSTEM, liaison=liaison, year=2025, commented_on=D(2025, 1, 5), text="Tốt"
    )
    assert ResidenceComment.objects.count() == 3
    assert selectors.residence_comment_for(liaison.member, 2024).text == "Gương mẫu"
    assert selectors.residence_comment_for(liaison.member, 2023) is None


def test_exempt_categories_get_no_yearly_comment(residence_tree, places):
    member = worker(residence_tree, places)
    liaison = services.residence_introduce(
        actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10), category="barracks"
    )
    services.residence_receive(actor=SYSTEM, liaison=liaison, received_on=D(2024, 1, 15))
    services.residence_assign(
        actor=SYSTEM, liaison=liaison, assigned_on=D(2024, 1, 20), cell=residence_tree["cell_a"]
    )
    assert Case.objects.get().closed_on is not None  # no yearly comment due
    with pytest.raises(DomainError) as exc:
        services.residence_comment_add(
            actor=SYSTEM, liaison=liaison, year=2024, commented_on=D(2024, 12, 1), text="x"
        )
    assert exc.value.field == "purpose"
    assert ResidenceComment.objects.count() == 0
    lists = selectors.residence_lists(residence_tree["province"], D(2024, 12, 1))
    assert lists.comment_missing == []


def test_special_duty_forces_are_not_introduced(residence_tree, places):
    member = worker(residence_tree, places)
    with pytest.raises(DomainError) as exc:
        services.residence_introduce(
            actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10), category="special_duty"
        )
    assert exc.value.field == "category"
    services.residence_mark_not_introduced(actor=SYSTEM, member=member, decided_on=D(2024, 1, 10))
    lists = selectors.residence_lists(residence_tree["agency"], D(2024, 3, 1))
    assert member not in lists.never_introduced
    assert Case.objects.count() == 0


def test_three_lists_on_a_small_tree(residence_tree, places):
    tree = residence_tree
    never = worker(tree, places, street="Số 1")
    introduced = worker(tree, places, street="Số 2")
    services.residence_introduce(actor=SYSTEM, member=introduced, introduced_on=D(2024, 1, 10))
    commented = _assigned(tree, places, street="Số 3")
    silent = _assigned(tree, places, street="Số 4")
    services.residence_comment_add(
        actor=SYSTEM, liaison=commented, year=2024, commented_on=D(2024, 11, 1), text="Tốt"
    )
    MemberFactory(organization=tree["cell_a"])  # a commune cell: not a working member
    today = D(2024, 12, 1)
    from_work = selectors.residence_lists(tree["agency"], today)
    assert [m.pk for m in from_work.never_introduced] == [never.pk]
    assert [r.member_id for r in from_work.not_received] == [introduced.pk]
    assert [r.member_id for r in from_work.comment_missing] == [silent.member_id]
    from_home = selectors.residence_lists(tree["commune"], today)  # the residence side
    assert from_home.never_introduced == []
    assert [r.member_id for r in from_home.not_received] == [introduced.pk]
    assert [r.member_id for r in from_home.comment_missing] == [silent.member_id]
    assert selectors.residence_lists(tree["cell_b"], today).comment_missing == []


@pytest.mark.parametrize(
    ("today", "due"), [(D(2024, 7, 19), False), (D(2024, 7, 20), False), (D(2024, 7, 21), True)]
)
def test_meeting_every_six_months(residence_tree, places, today, due):
    liaison = _assigned(residence_tree, places)
    services.residence_meeting_record(
        actor=SYSTEM, cell=residence_tree["cell_a"], date=D(2024, 1, 20), present=[liaison.pk]
    )
    rows = selectors.residence_meetings_due(residence_tree["commune"], today)
    assert [(cell.pk, last) for cell, last, _due in rows] == (
        [(residence_tree["cell_a"].pk, D(2024, 1, 20))] if due else []
    )
    assert rules.next_meeting_due(D(2024, 1, 20), D(2024, 1, 1)) == D(2024, 7, 20)


def test_household_where_only_one_of_several_comes_is_visible(residence_tree, places):
    tree = residence_tree
    husband = _assigned(tree, places, street="Số 7, ngõ 12 Trần Phú")
    wife = _assigned(tree, places, street="số 7,  ngõ 12 trần phú")
    alone = _assigned(tree, places, street="Số 9")
    services.residence_meeting_record(
        actor=SYSTEM, cell=tree["cell_a"], date=D(2024, 6, 1), present=[husband.pk, alone.pk]
    )
    roster = selectors.residence_cell_roster(tree["cell_a"], D(2024, 6, 2))
    assert len(roster.households) == 1
    (house,) = roster.meetings[0].partial_households
    assert {lia.pk for lia in house.liaisons} == {husband.pk, wife.pk} and house.present == 1
    assert roster.meetings[0].present_count == 2 and roster.meetings[0].expected_count == 3
    assert roster.next_due == D(2024, 12, 1)


def test_meeting_with_someone_outside_the_list_is_refused(residence_tree, places):
    liaison = _assigned(residence_tree, places)
    with pytest.raises(DomainError) as exc:
        services.residence_meeting_record(
            actor=SYSTEM,
            cell=residence_tree["cell_a"],
            date=D(2024, 6, 1),
            present=[liaison.pk + 99],
        )
    assert exc.value.field == "present"
    assert ResidenceMeeting.objects.count() == 0


def test_group_and_leader(residence_tree, places):
    tree = residence_tree
    first = _assigned(tree, places)
    second = _assigned(tree, places, street="Số 8")
    group = services.residence_group_create(actor=SYSTEM, cell=tree["cell_a"], name="Tổ 1")
    with pytest.raises(DomainError) as exc:
        services.residence_group_set_leader(actor=SYSTEM, group=group, leader=first.member)
    assert exc.value.field == "leader"
    services.residence_set_group(actor=SYSTEM, liaison=first, group=group)
    services.residence_set_group(actor=SYSTEM, liaison=second, group=group)
    services.residence_group_set_leader(actor=SYSTEM, group=group, leader=first.member)
    assert ResidenceGroup.objects.get().leader_id == first.member_id
    with pytest.raises(DomainError):
        services.residence_group_create(actor=SYSTEM, cell=tree["cell_a"], name="Tổ 1")
    services.residence_set_group(actor=SYSTEM, liaison=first, group=None)
    assert ResidenceGroup.objects.get().leader_id is None  # the leader left the group


def test_end_closes_the_case(residence_tree, places):
    liaison = _assigned(residence_tree, places)
    services.residence_end(
        actor=SYSTEM, liaison=liaison, ended_on=D(2024, 9, 1), end_reason="Chuyển nơi ở"
    )
    assert Case.objects.get().closed_on == D(2024, 9, 1)
    member = liaison.member
    services.residence_introduce(actor=SYSTEM, member=member, introduced_on=D(2024, 9, 5))
    assert ResidenceLiaison.objects.filter(member=member).count() == 2


def test_introduction_without_a_number_issues_the_letter(residence_tree, places):
    from dangvien.documents.models import DocumentKind, IssuedDocument
    from dangvien.documents.services import document_render

    member = worker(residence_tree, places)
    liaison = services.residence_introduce(
        actor=SYSTEM, member=member, introduced_on=D(2024, 1, 10)
    )
    document = IssuedDocument.objects.get(pk=liaison.letter_document_id)
    assert document.kind == DocumentKind.RESIDENCE_INTRODUCTION
    assert document.organization_id == residence_tree["agency"].pk  # the workplace committee
    assert liaison.letter_number == document.symbol
    assert document.context["to_organization"] == residence_tree["commune"].name
    assert document_render(document)[:2] == b"PK"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (D(2026, 11, 30), 2026),
        (D(2026, 12, 1), 2026),
        (D(2027, 1, 10), 2026),  # issue 9 item 17: January grades the year before
        (D(2027, 2, 28), 2026),
        (D(2027, 3, 1), 2027),
    ],
)
def test_year_being_graded(day, year):
    assert rules.year_being_graded(day) == year


def test_year_being_graded_is_configurable(settings):
    settings.DANGVIEN_RULE_OVERRIDES = {"grading_ends_month": 1}
    assert rules.year_being_graded(D(2027, 1, 31)) == 2026
    assert rules.year_being_graded(D(2027, 2, 1)) == 2027
    assert not rules.GRADING_ENDS_MONTH.version_on(D(2027, 1, 1)).confirmed


def test_comment_list_in_january_asks_for_the_year_being_graded(residence_tree, places):
    tree = residence_tree
    commented = _assigned(tree, places, street="Số 3")
    silent = _assigned(tree, places, street="Số 4")
    services.residence_comment_add(
        actor=SYSTEM, liaison=commented, year=2024, commented_on=D(2024, 11, 1), text="Tốt"
    )
    late = worker(tree, places, street="Số 6")  # joined the residential cell in 2025
    liaison = services.residence_introduce(actor=SYSTEM, member=late, introduced_on=D(2025, 1, 2))
    services.residence_receive(actor=SYSTEM, liaison=liaison, received_on=D(2025, 1, 3))
    services.residence_assign(
        actor=SYSTEM, liaison=liaison, assigned_on=D(2025, 1, 5), cell=tree["cell_a"]
    )
    january = D(2025, 1, 10)
    lists = selectors.residence_lists(tree["agency"], january)
    assert lists.year == 2024 and lists.missing_count == 1
    assert [r.member_id for r in lists.comment_missing] == [silent.member_id]
    chosen = selectors.residence_lists(tree["agency"], january, year=2025)
    assert chosen.year == 2025
    assert sorted(r.member_id for r in chosen.comment_missing) == sorted(
        [commented.member_id, silent.member_id, late.pk]
    )
    # The open case of the silent member waits for 2024's comment in January.
    from dangvien.liaison.workflows import comment_year

    assert comment_year(silent, january) == 2024
    assert comment_year(silent, D(2025, 3, 1)) == 2025
    # A comment for 2024 is still accepted in February 2025, not in March.
    services.residence_comment_add(
        actor=SYSTEM, liaison=silent, year=2024, commented_on=D(2025, 2, 20), text="Tốt"
    )
    with pytest.raises(DomainError) as exc:
        services.residence_comment_add(
            actor=SYSTEM, liaison=commented, year=2023, commented_on=D(2025, 3, 1), text="x"
        )
    assert exc.value.code == "comment_year_invalid" and exc.value.field == "year"
    assert selectors.residence_lists(tree["agency"], january).comment_missing == []


def test_all_files_are_paged_in_name_order_with_the_total(residence_tree, places):
    tree = residence_tree
    for n in range(5):
        services.residence_introduce(
            actor=SYSTEM,
            member=worker(tree, places, street=f"Số {n}"),
            introduced_on=D(2024, 1, 10),
        )
    expected = list(
        ResidenceLiaison.objects.order_by("member__sort_key", "id").values_list("pk", flat=True)
    )
    seen, cursor, starts = [], None, []
    while True:
        lists = selectors.residence_lists(tree["agency"], D(2024, 12, 1), cursor=cursor, size=2)
        assert lists.open_count == 5 and len(lists.open) <= 2
        starts.append(lists.open_from)
        seen += [r.pk for r in lists.open]
        cursor = lists.next_cursor
        if cursor is None:
            break
    assert seen == expected and starts == [1, 3, 5]
    # A cursor that does not decode shows the first page.
    assert selectors.residence_lists(tree["agency"], cursor="%%%", size=2).open_from == 1
