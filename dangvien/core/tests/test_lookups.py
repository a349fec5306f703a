"""`field__any`: one array parameter on PostgreSQL, the same rows as `__in`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.members.models import Member, MembershipEvent
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_any_finds_what_in_finds_with_one_parameter():
    if connection.vendor != "postgresql":
        pytest.skip("= ANY(array) is PostgreSQL's")
    cell = OrganizationFactory()
    members = [MemberFactory(organization=cell) for _ in range(4)]
    wanted = [members[0].pk, members[2].pk, 10**9]  # one id that does not exist
    with CaptureQueriesContext(connection) as ctx:
        found = list(
            Member.objects.filter(pk__any=wanted).order_by("pk").values_list("pk", flat=True)
        )
    assert found == [members[0].pk, members[2].pk]
    assert "= ANY(" in ctx.captured_queries[0]["sql"]
    # On a foreign key too, in the queryset's order, and nothing for none.
    events = MembershipEvent.objects.order_by("member_id", "id").values_list("member_id", flat=True)
    assert list(events.filter(member_id__any=wanted)) == list(events.filter(member_id__in=wanted))
    assert list(Member.objects.filter(pk__any=[])) == []


def test_any_prepares_values_as_in_does():
    if connection.vendor != "postgresql":
        pytest.skip("= ANY(array) is PostgreSQL's")
    cell = OrganizationFactory()
    first, *others = [MemberFactory(organization=cell) for _ in range(3)]
    # A number as text is converted; None is dropped (NULL in the array would
    # make NOT (x = ANY(...)) unknown and exclude() would lose every row).
    assert list(Member.objects.filter(pk__any=[str(first.pk), None])) == [first]
    kept = Member.objects.exclude(pk__any=[first.pk, None]).order_by("pk")
    assert list(kept) == others
    with pytest.raises(TypeError):
        list(Member.objects.filter(pk__any=Member.objects.values("pk")))


def test_any_sends_integers_as_one_array_literal():
    """An integer field's values go as one text literal cast to bigint[]; an
    array("q") is not resolved value by value by Django; what is not a
    number is refused before the query is sent."""
    from array import array

    if connection.vendor != "postgresql":
        pytest.skip("= ANY(array) is PostgreSQL's")
    cell = OrganizationFactory()
    members = [MemberFactory(organization=cell) for _ in range(3)]
    wanted = array("q", [members[2].pk, members[0].pk])
    with CaptureQueriesContext(connection) as ctx:
        found = list(Member.objects.filter(pk__any=wanted).order_by("pk"))
    assert found == [members[0], members[2]]
    assert "::bigint[]" in ctx.captured_queries[0]["sql"]
    # A queryset compiled twice reads the array twice (a generator would be empty).
    again = MembershipEvent.objects.filter(member_id__any=wanted)
    assert again.count() == again.count() > 0
    with pytest.raises(ValueError):
        list(Member.objects.filter(pk__any=["một"]))
    # Beyond bigint: no row has it, as __in finds none (PostgreSQL would refuse it).
    assert list(Member.objects.filter(pk__any=[members[1].pk, 2**70])) == [members[1]]
