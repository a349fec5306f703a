import datetime as dt

import pytest

from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree
from dangvien.places.models import Commune


@pytest.fixture
def tree(db):
    """The test tree, the commune committee and its cells placed in a ward of
    Hà Nội (wage region I by the migration's defaults)."""
    tree = build_tree()
    ward = Commune.objects.filter(province_id=1, division_type="phường").order_by("code").first()
    tree["commune"].commune = ward
    tree["commune"].save(update_fields=["commune"])
    return tree


@pytest.fixture
def cell_members(tree):
    """Four members of cell A, in activity since 2010."""
    return [MemberFactory(organization=tree["cell_a"]) for _ in range(4)]


@pytest.fixture
def people(tree, django_user_model):
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


JAN_26, FEB_26 = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
