import datetime as dt

import pytest
import time_machine

from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False):
        yield dt.date(2026, 1, 20)


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def members(tree):
    """Cell A: 6 members; cell B: 4; cell C (agency): 2; all in the Party since 2010."""
    return {
        "a": [MemberFactory(organization=tree["cell_a"]) for _ in range(6)],
        "b": [MemberFactory(organization=tree["cell_b"]) for _ in range(4)],
        "c": [MemberFactory(organization=tree["cell_c"]) for _ in range(2)],
    }


@pytest.fixture
def people(tree, django_user_model, members):
    member_user = django_user_model.objects.create_user(username="dv_a0", password="pw-Test-1234")
    member = members["a"][0]
    member.user = member_user
    member.save(update_fields=["user"])
    from dangvien.accounts.models import RoleGrant

    RoleGrant.objects.create(
        user=member_user,
        role=Role.MEMBER,
        organization=tree["cell_a"],
        valid_from=dt.date(2020, 1, 1),
    )
    return {
        "secretary_a": user_with_role(
            django_user_model, "bt_a", Role.CELL_SECRETARY, tree["cell_a"]
        ),
        "secretary_b": user_with_role(
            django_user_model, "bt_b", Role.CELL_SECRETARY, tree["cell_b"]
        ),
        "office": user_with_role(
            django_user_model, "vp_xa", Role.GRASSROOTS_OFFICE, tree["commune"]
        ),
        "other_office": user_with_role(
            django_user_model, "vp_so", Role.GRASSROOTS_OFFICE, tree["agency"]
        ),
        "board": user_with_role(
            django_user_model, "btc", Role.ORGANISATION_BOARD, tree["province"]
        ),
        "member": member_user,
    }
