"""The organisation tree: subtree queries, renames, moves, mergers, dissolution."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.members.models import EventKind, Member, Status
from dangvien.members.selectors import member_party_age, members_of_organization_on
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations import rules, selectors, services
from dangvien.organizations.models import Level, MeetingRule, Organization, OrganizationEventKind
from dangvien.organizations.tests.factories import OrganizationFactory, build_tree

pytestmark = pytest.mark.django_db
D = dt.date


def test_paths_are_fixed_width_steps():
    assert rules.path_step(1) == "0001" and rules.path_step(36) == "0010"
    assert rules.step_index("0010") == 36
    with pytest.raises(ValueError):
        rules.path_step(36**4)


def test_everything_under_an_organisation_is_one_query():
    t = build_tree()
    with CaptureQueriesContext(connection) as ctx:
        names = set(selectors.organization_subtree(t["commune"]).values_list("name", flat=True))
    assert names == {"Đảng bộ xã Cẩm Xuyên", "Chi bộ thôn Đông", "Chi bộ thôn Tây"}
    assert len(ctx.captured_queries) == 1


def test_children_counts_cover_their_subtrees_in_one_query_of_the_summary():
    t = build_tree()
    MemberFactory(organization=t["cell_a"])
    MemberFactory(organization=t["cell_b"])
    MemberFactory(organization=t["cell_c"])
    with CaptureQueriesContext(connection) as ctx:
        children = selectors.organization_children_with_counts(t["province"])
    assert {c.name: c.member_count for c in children} == {
        "Đảng bộ xã Cẩm Xuyên": 2,
        "Đảng bộ Sở Y tế": 1,
    }
    assert len(ctx.captured_queries) == 1
    assert '"members_member"' not in ctx.captured_queries[0]["sql"]  # no member is counted


def test_rename_is_a_dated_event_and_the_old_name_is_kept_for_past_dates():
    t = build_tree()
    services.organization_rename(
        actor=SYSTEM,
        organization=t["commune"],
        name="Đảng bộ xã Mới",
        document_name="ĐẢNG ỦY XÃ MỚI",
        date=D(2025, 7, 1),
    )
    old = selectors.organization_state_on(t["commune"], D(2025, 6, 30))
    new = selectors.organization_state_on(
        Organization.objects.get(pk=t["commune"].pk), D(2025, 7, 1)
    )
    assert old.name == "Đảng bộ xã Cẩm Xuyên" and new.name == "Đảng bộ xã Mới"
    assert new.document_name == "ĐẢNG ỦY XÃ MỚI"


def test_moving_a_subtree_carries_its_organisations_and_members():
    t = build_tree()
    member = MemberFactory(organization=t["cell_a"])
    services.organization_move(
        actor=SYSTEM, organization=t["commune"], new_parent=t["agency"], date=D(2025, 7, 1)
    )
    commune = Organization.objects.get(pk=t["commune"].pk)
    cell_a = Organization.objects.get(pk=t["cell_a"].pk)
    assert commune.parent_id == t["agency"].pk and commune.path.startswith(t["agency"].path)
    assert cell_a.path.startswith(commune.path) and cell_a.depth == commune.depth + 1
    member.refresh_from_db()
    assert member.org_path == cell_a.path
    assert set(selectors.organization_subtree(t["agency"])) >= {commune, cell_a}
    event = commune.events.get(kind=OrganizationEventKind.MOVED)
    assert event.before["parent_id"] == t["province"].pk
    assert selectors.organization_state_on(commune, D(2025, 6, 30)).parent_id == t["province"].pk


def test_a_path_freed_by_a_move_is_never_given_to_a_new_organisation():
    """Records keep the paths of their day (cases, papers, discipline): a new
    child on a moved one's old path would inherit them."""
    t = build_tree()
    old_b, old_agency = t["cell_b"].path, t["agency"].path  # the last child of each parent
    services.organization_move(
        actor=SYSTEM, organization=t["cell_b"], new_parent=t["agency"], date=D(2025, 7, 1)
    )
    services.organization_move(
        actor=SYSTEM, organization=t["agency"], new_parent=t["commune"], date=D(2025, 7, 2)
    )
    new_cell = OrganizationFactory(parent=t["commune"], name="Chi bộ mới")
    new_committee = OrganizationFactory(parent=t["province"], name="Đảng bộ mới")
    used = {
        old_b,
        old_agency,
        *Organization.objects.exclude(pk__in=(new_cell.pk, new_committee.pk)).values_list(
            "path", flat=True
        ),
    }
    assert new_cell.path not in used and new_committee.path not in used
    assert new_committee.path == t["province"].path + rules.path_step(3)  # after the agency's 2


def test_cannot_move_an_organisation_under_its_own_descendant():
    t = build_tree()
    with pytest.raises(DomainError):
        services.organization_move(
            actor=SYSTEM, organization=t["commune"], new_parent=t["cell_a"], date=D(2025, 7, 1)
        )


def test_merging_two_cells_keeps_members_history_and_party_age():
    t = build_tree()
    member = MemberFactory(organization=t["cell_b"])
    age_before = member_party_age(member, D(2025, 8, 1))
    services.organization_merge(
        actor=SYSTEM,
        source=t["cell_b"],
        target=t["cell_a"],
        date=D(2025, 7, 1),
        decision_number="15-QĐ/ĐU",
    )
    member.refresh_from_db()
    assert member.organization == t["cell_a"] and member.status == Status.OFFICIAL
    assert member.events.last().kind == EventKind.REASSIGNED
    assert member_party_age(member, D(2025, 8, 1)) == age_before  # no gap
    cell_b = Organization.objects.get(pk=t["cell_b"].pk)
    assert cell_b.valid_to == D(2025, 7, 1)
    assert list(members_of_organization_on(cell_b, D(2025, 6, 30))) == [member]
    assert list(members_of_organization_on(cell_b, D(2025, 7, 2))) == []


def test_merging_committees_moves_whole_subtrees():
    t = build_tree()
    other = OrganizationFactory(parent=t["province"], level=Level.SUPERIOR, name="Đảng bộ xã B")
    cell = OrganizationFactory(parent=other)
    member = MemberFactory(organization=cell)
    services.organization_merge(actor=SYSTEM, source=other, target=t["commune"], date=D(2025, 7, 1))
    cell.refresh_from_db()
    member.refresh_from_db()
    assert cell.parent_id == t["commune"].pk and member.org_path.startswith(t["commune"].path)
    assert Member.objects.count() == 1


def test_dissolving_with_members_is_refused():
    t = build_tree()
    MemberFactory(organization=t["cell_a"])
    with pytest.raises(DomainError, match="đảng viên"):
        services.organization_dissolve(actor=SYSTEM, organization=t["cell_a"], date=D(2025, 7, 1))
    assert Organization.objects.get(pk=t["cell_a"].pk).valid_to is None


@pytest.mark.parametrize(
    "year,month,expected",
    [
        (2026, 2, D(2026, 2, 28)),  # day 31 in a 28-day month
        (2026, 3, D(2026, 3, 31)),
    ],
)
def test_meeting_on_a_fixed_day_of_month(year, month, expected):
    assert rules.meeting_date(MeetingRule.DAY_OF_MONTH, 31, None, year, month) == expected


def test_school_cells_meet_on_the_thursday_of_the_first_week():
    assert rules.meeting_date(MeetingRule.WEEKDAY_OF_FIRST_WEEK, None, 3, 2026, 10) == D(
        2026, 10, 1
    )
    assert rules.meeting_date(MeetingRule.WEEKDAY_OF_FIRST_WEEK, None, 3, 2026, 11) == D(
        2026, 11, 5
    )
