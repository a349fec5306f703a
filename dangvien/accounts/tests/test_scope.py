"""Roles reach their subtree and nothing else: grants, a matrix of pages and API
calls by role inside and outside the scope, and a property test over random
trees and grants."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvien.accounts import services
from dangvien.accounts.models import Role, RoleGrant
from dangvien.accounts.scope import scope_for
from dangvien.core.errors import DomainError
from dangvien.members.models import Member, MembershipEvent
from dangvien.members.selectors import MemberFilter, members_filtered, members_page
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.models import Level
from dangvien.organizations.selectors import organizations_visible_to
from dangvien.organizations.tests.factories import OrganizationFactory, build_tree

pytestmark = pytest.mark.django_db
D = dt.date


class TestGrants:
    def test_the_board_grants_inside_its_subtree_and_the_grant_is_audited(self, django_user_model):
        tree = build_tree()
        board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
        secretary = django_user_model.objects.create_user("chibo", password="x-Test-12345")
        grant = services.role_grant(
            actor=board,
            user=secretary,
            role=Role.CELL_SECRETARY,
            organization=tree["cell_a"],
            valid_from=D(2025, 7, 1),
        )
        assert scope_for(secretary).paths == (tree["cell_a"].path,)
        services.role_revoke(actor=board, grant=grant, valid_to=D(2026, 1, 1))
        assert scope_for(secretary).paths == ()
        history = list(grant.history.order_by("history_date"))
        assert [h.history_user for h in history] == [board, board]
        assert history[-1].valid_to == D(2026, 1, 1)
        assert RoleGrant.objects.filter(pk=grant.pk).exists()  # revoked, not deleted

    def test_nobody_grants_outside_their_subtree_or_above_themselves(self, django_user_model):
        tree = build_tree()
        board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
        secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
        other = django_user_model.objects.create_user("x", password="x-Test-12345")
        before = RoleGrant.objects.count()
        for actor, role, org in [
            (board, Role.CELL_SECRETARY, tree["cell_c"]),  # another subtree
            (board, Role.ORGANISATION_BOARD, tree["province"]),  # above
            (board, Role.SYSTEM_ADMIN, tree["cell_a"]),
            (secretary, Role.MEMBER, tree["cell_a"]),  # a secretary does not grant
        ]:
            with pytest.raises(DomainError):
                services.role_grant(
                    actor=actor, user=other, role=role, organization=org, valid_from=D(2025, 7, 1)
                )
        assert RoleGrant.objects.count() == before

    def test_a_grant_counts_only_in_its_dates(self, django_user_model):
        tree = build_tree()
        user = user_with_role(
            django_user_model, "u", Role.CELL_SECRETARY, tree["cell_a"], valid_to=D(2025, 12, 31)
        )
        assert scope_for(user, on=D(2025, 12, 31)).paths == (tree["cell_a"].path,)
        assert scope_for(user, on=D(2026, 1, 1)).paths == ()


ROLES = {
    # name: (role, organisation key)
    "chibo": (Role.CELL_SECRETARY, "cell_a"),
    "danguy": (Role.GRASSROOTS_OFFICE, "commune"),
    "bantc": (Role.ORGANISATION_BOARD, "province"),
    "ubkt": (Role.INSPECTION, "commune"),
    "kiemtoan": (Role.AUDITOR, "province"),
    "dangvien": (Role.MEMBER, "cell_a"),
}
# Who reads and who writes the members of cell_a ("own" is in cell_a too) and of
# cell_c, in the agency committee: outside the scope of everyone below the province.
READS = {
    "chibo": {"a", "own"},
    "danguy": {"a", "own"},
    "bantc": {"a", "c", "own"},
    "ubkt": {"a", "own"},
    "kiemtoan": {"a", "c", "own"},
    "dangvien": {"own"},
}
WRITES = {
    "chibo": {"a", "own"},
    "danguy": {"a", "own"},
    "bantc": {"a", "c", "own"},
    "ubkt": set(),
    "kiemtoan": set(),
    "dangvien": set(),
}


def _snapshot():
    return (
        list(Member.objects.order_by("id").values_list("id", "version", "phone")),
        MembershipEvent.objects.count(),
    )


@pytest.mark.parametrize("name", list(ROLES))
def test_matrix_of_pages_and_api_by_role(client, django_user_model, name):
    tree = build_tree()
    own = MemberFactory(organization=tree["cell_a"], given_name="Tâm")
    a = MemberFactory(organization=tree["cell_a"], given_name="An")
    c = MemberFactory(organization=tree["cell_c"], given_name="Cúc")
    role, org = ROLES[name]
    user = user_with_role(django_user_model, name, role, tree[org])
    if role == Role.MEMBER:
        Member.objects.filter(pk=own.pk).update(user=user)
    client.force_login(user)
    response = client.post(
        "/api/v1/auth/token",
        {"username": name, "password": "pw-Test-1234"},
        content_type="application/json",
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
    targets = {"a": a, "c": c, "own": own}
    for key, member in targets.items():
        reads, writes = key in READS[name], key in WRITES[name]
        expected_read = 200 if reads else 404
        assert client.get(f"/dang-vien/{member.pk}/").status_code == expected_read, (name, key)
        assert client.get(f"/api/v1/members/{member.pk}", **bearer).status_code == expected_read
        before = _snapshot()
        edit = client.post(
            f"/dang-vien/{member.pk}/su-kien/", {"kind": "exempted", "date": "01/03/2024"}
        )
        patch = client.patch(
            f"/api/v1/members/{member.pk}",
            {"version": member.version, "phone": "0900000000"},
            content_type="application/json",
            **bearer,
        )
        if writes:
            assert edit.status_code == 302 and patch.status_code == 200, (name, key)
        else:
            assert edit.status_code == 404 and patch.status_code == 404, (name, key)
            assert _snapshot() == before, (name, key)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shape=st.lists(st.integers(0, 30), min_size=3, max_size=14),
    grants=st.lists(st.tuples(st.integers(0, 13), st.sampled_from(list(Role))), max_size=3),
)
def test_no_selector_returns_anything_outside_the_granted_subtrees(
    django_user_model, shape, grants
):
    """Random trees (each new organisation hangs under an earlier one) and random
    grants: lists, searches and organisation reads stay inside the grants."""
    sid = transaction.savepoint()
    try:
        orgs = [OrganizationFactory(level=Level.PROVINCIAL, name="Gốc")]
        for parent_index in shape[1:]:
            orgs.append(OrganizationFactory(parent=orgs[parent_index % len(orgs)]))
        for org in orgs[1:]:
            MemberFactory(organization=org)
        user = django_user_model.objects.create_user(f"u{len(orgs)}", password="x-Test-12345")
        member_paths = []
        for index, role in grants:
            org = orgs[index % len(orgs)]
            RoleGrant.objects.create(
                user=user, role=role, organization=org, valid_from=D(2020, 1, 1)
            )
            if role != Role.MEMBER:
                member_paths.append(org.path)
        scope = scope_for(user)
        if scope.everything:
            return
        inside = lambda path: any(path.startswith(p) for p in member_paths)  # noqa: E731
        for member in members_filtered(scope, MemberFilter(status="all")):
            assert inside(member.org_path) or member.pk == scope.member_id
        page = members_page(scope, MemberFilter(status="all", q="nguyen"), size=500)
        assert all(inside(Member.objects.get(pk=r.id).org_path) for r in page.items)
        for org in organizations_visible_to(scope):
            assert inside(org.path)
    finally:
        transaction.savepoint_rollback(sid)
