import datetime as dt

import pytest

from dangvien.core.actors import SYSTEM
from dangvien.meetings import services
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def cell_members(tree):
    """Five members of cell A, in activity since 2010."""
    return [MemberFactory(organization=tree["cell_a"]) for _ in range(5)]


@pytest.fixture
def people(tree, django_user_model):
    """The roles that matter: the secretary of cell A and of cell B, the office
    of the commune committee (A's superior) and of the agency committee."""
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
    }


@pytest.fixture
def schedule(tree):
    """Cell A meets on the 7th from 01/01/2026, set by the commune committee."""
    return services.schedule_set(
        actor=SYSTEM,
        cell=tree["cell_a"],
        kind="day_of_month",
        day=7,
        effective_from=dt.date(2026, 1, 1),
        decision="Công văn 12-CV/ĐU",
    )
