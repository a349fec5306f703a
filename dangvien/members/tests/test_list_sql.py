"""The list page's SQL says the same as the `members_filtered` queryset: same
members, same Vietnamese name order, whatever the scope and the filters."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvien.accounts.scope import Scope
from dangvien.members import selectors
from dangvien.members.models import CatalogItem, Member, Status
from dangvien.organizations.models import Organization
from dangvien.seeding import generate, services

pytestmark = pytest.mark.django_db

WORDS = [
    "nguyen",
    "van",
    "thi",
    "thuoc",
    "hoa",
    "an",
    "tran le",
    "nguyen van",
    "nguyen v",
    "ngu",
    "van thi",
    "uyen",
    "xyz",
    "h_a",
    "50%",
    "0422",
    "042",
    "42000",
    "4200000001",
    "",
]


def test_list_sql_matches_the_queryset():
    services.seed(generate.Plan(members=250, seed=4, province_codes=[42]))
    Member.objects.filter(pk__in=[3, 4]).update(user=None)
    orgs = list(Organization.objects.values_list("pk", "path"))
    catalog = list(CatalogItem.objects.values_list("pk", flat=True))

    scopes = st.one_of(
        st.just(Scope(everything=True, paths=(), member_id=None)),
        st.builds(
            lambda paths, member, k: Scope(
                everything=False,
                paths=tuple(paths),
                member_id=member,
                sensitive_paths=tuple(paths[:k]),
            ),
            st.lists(st.sampled_from([p for _, p in orgs]), max_size=3, unique=True),
            st.one_of(st.none(), st.integers(1, 260)),
            st.integers(0, 3),
        ),
    )
    filters = st.builds(
        selectors.MemberFilter,
        organization=st.one_of(
            st.none(),
            st.sampled_from([o for o, _ in orgs]).map(lambda pk: Organization.objects.get(pk=pk)),
        ),
        q=st.sampled_from(WORDS),
        status=st.sampled_from(["active", "all", *Status.values]),
        gender=st.sampled_from(["", "M", "F"]),
        age_band=st.sampled_from(["", *selectors.AGE_BANDS]),
        ethnicity=st.one_of(st.none(), st.sampled_from(catalog)),
        religion=st.one_of(st.none(), st.sampled_from(catalog)),
        today=st.just(dt.date(2026, 11, 1)),
    )

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(scope=scopes, flt=filters, size=st.integers(1, 40))
    def check(scope, flt, size):
        expected = list(
            selectors.members_filtered(scope, flt)
            .order_by("sort_key", "id")
            .values_list("id", flat=True)
        )
        seen, cursor = [], None
        for _ in range(400):
            page = selectors.members_page(scope, flt, cursor, size=size)
            seen += [row.id for row in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == expected

    check()
