import datetime as dt

import pytest

from dangvien.accounts.models import Role
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def member(tree):
    """An official member of cell A since 2011."""
    return MemberFactory(organization=tree["cell_a"])


@pytest.fixture
def probationary(tree):
    return MemberFactory(
        organization=tree["cell_a"],
        given_name="Lan",
        admission_decision_date=dt.date(2025, 10, 1),
        joining_date=dt.date(2025, 10, 10),
        official_date=None,
    )


@pytest.fixture
def people(tree, django_user_model):
    """The inspection committee and the board of the commune, the secretaries of
    cells A and B, the inspection committee of the agency."""
    return {
        "inspection": user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["commune"]),
        "board": user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["commune"]),
        "office": user_with_role(
            django_user_model, "vp_xa", Role.GRASSROOTS_OFFICE, tree["commune"]
        ),
        "secretary_a": user_with_role(
            django_user_model, "bt_a", Role.CELL_SECRETARY, tree["cell_a"]
        ),
        "secretary_b": user_with_role(
            django_user_model, "bt_b", Role.CELL_SECRETARY, tree["cell_b"]
        ),
        "other_inspection": user_with_role(
            django_user_model, "ubkt_so", Role.INSPECTION, tree["agency"]
        ),
        "auditor": user_with_role(django_user_model, "kt", Role.AUDITOR, tree["commune"]),
    }
