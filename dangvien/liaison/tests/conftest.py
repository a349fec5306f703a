import datetime as dt

import pytest

from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.models import Organization
from dangvien.organizations.tests.factories import build_tree
from dangvien.places.models import Commune


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def member(tree):
    return MemberFactory(organization=tree["cell_a"])


@pytest.fixture
def places(db):
    """Two communes of one province: `home` is managed here (the commune
    committee of the tree), `elsewhere` is not."""
    home, elsewhere = list(Commune.objects.order_by("code")[:2])
    return {"home": home, "elsewhere": elsewhere, "province": home.province}


@pytest.fixture
def residence_tree(tree, places):
    Organization.objects.filter(pk=tree["commune"].pk).update(commune=places["home"])
    tree["commune"].refresh_from_db()
    return tree


def worker(tree, places, *, street="Số 5, tổ 3", commune="home", **extra):
    """A member of the agency cell living in the commune managed here."""
    place = places[commune]
    return MemberFactory(
        organization=tree["cell_c"],
        current_province=place.province,
        current_commune=place,
        current_street=street,
        **extra,
    )


D = dt.date
