import datetime as dt

import pytest

from dangvien.members.models import Gender
from dangvien.members.tests.factories import MemberFactory, citizen_id_for
from dangvien.organizations.tests.factories import build_tree

TODAY = dt.date(2026, 3, 20)


@pytest.fixture
def tree(db):
    return build_tree()


def make_member(org, serial, **data):
    """A complete, consistent active member of `org` (citizen ID matching the CV)."""
    birth = data.pop("birth_date", dt.date(1985, 3, 15))
    gender = data.pop("gender", Gender.MALE)
    values = {
        "birth_date": birth,
        "gender": gender,
        "citizen_id": citizen_id_for(birth, gender, serial),
        "hometown": "Cẩm Xuyên, Hà Tĩnh",
        "permanent_street": "Thôn Đông",
    }
    values.update(data)
    member = MemberFactory(organization=org, **values)
    return member


@pytest.fixture
def complete(tree, db):
    """One complete member in each cell, none flagged except by the fields the
    factory leaves empty (ethnicity, religion) — filled here."""
    from dangvien.members.models import CatalogItem, CatalogKind

    ethnicity = CatalogItem.objects.filter(kind=CatalogKind.ETHNICITY).first()
    religion = CatalogItem.objects.filter(kind=CatalogKind.RELIGION).first()
    return [
        make_member(tree[cell], i + 1, ethnicity=ethnicity, religion=religion)
        for i, cell in enumerate(("cell_a", "cell_b", "cell_c"))
    ]
