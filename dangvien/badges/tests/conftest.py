import datetime as dt

import pytest
import time_machine

from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree

D = dt.date
AWARD = D(2026, 5, 19)  # the next award date on the tests' today
TODAY = dt.datetime(2026, 3, 20, 9, 0)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def tree(db):
    return build_tree()


def veteran(org, decided: dt.date, **extra):
    """A member admitted by a decision of `decided`, official a year later."""
    return MemberFactory(
        organization=org,
        admission_decision_date=decided,
        joining_date=decided + dt.timedelta(days=9),
        official_date=decided.replace(year=decided.year + 1) + dt.timedelta(days=9),
        birth_date=D(decided.year - 22, 3, 15),
        **extra,
    )


@pytest.fixture
def people(tree, django_user_model):
    return {
        "secretary_a": user_with_role(
            django_user_model, "bt_a", Role.CELL_SECRETARY, tree["cell_a"]
        ),
        "office": user_with_role(
            django_user_model, "vp_xa", Role.GRASSROOTS_OFFICE, tree["commune"]
        ),
        "other_office": user_with_role(
            django_user_model, "vp_so", Role.GRASSROOTS_OFFICE, tree["agency"]
        ),
        "board": user_with_role(
            django_user_model, "btc_tinh", Role.ORGANISATION_BOARD, tree["province"]
        ),
    }
