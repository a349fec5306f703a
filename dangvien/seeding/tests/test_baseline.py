"""Issue 9 item 2: every record that enters by a bulk path has its baseline in the
history, so the first edit keeps its before-value."""

import pytest
from django.urls import reverse

from dangvien.core.actors import SYSTEM
from dangvien.members.models import Member
from dangvien.members.services import member_update
from dangvien.members.timeline import member_timeline
from dangvien.organizations.models import Organization
from dangvien.organizations.tests.factories import OrganizationFactory
from dangvien.seeding import baseline, generate, services

pytestmark = pytest.mark.django_db


def _phone_changes(member):
    return [
        (c.before, c.after)
        for entry in member_timeline(member, sensitive=True)
        for c in entry.changes
        if c.field == str(Member._meta.get_field("phone").verbose_name)
    ]


def test_every_seeded_record_has_its_baseline():
    result = services.seed(generate.Plan(members=150, seed=4, province_codes=[42]))
    history = Member.history.model.objects
    assert history.count() == result.members
    assert set(history.values_list("history_type", flat=True)) == {"+"}
    assert set(history.values_list("history_change_reason", flat=True)) == {
        baseline.BASELINE_REASON
    }
    assert not history.exclude(history_user=None).exists()  # the system loaded them
    assert Organization.history.model.objects.count() == result.organizations
    member = Member.objects.order_by("id").first()
    first = member.history.get()
    assert (first.phone, first.citizen_id, first.family_name) == (
        member.phone,
        member.citizen_id,
        member.family_name,
    )


def test_first_edit_of_a_seeded_member_shows_old_and_new_phone(client, django_user_model):
    services.seed(generate.Plan(members=120, seed=5, province_codes=[42]))
    member = Member.objects.order_by("id").first()
    old = member.phone
    member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=member.version,
        data={"phone": "0912345678"},
    )
    member.refresh_from_db()
    assert _phone_changes(member) == [(old, "0912345678")]
    member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=member.version,
        data={"phone": "0987654321"},
    )
    assert _phone_changes(member) == [("0912345678", "0987654321"), (old, "0912345678")]

    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    page = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert f"<del>{old}</del> → <ins>0912345678</ins>" in page
    assert baseline.BASELINE_REASON in page


def test_the_demo_member_edited_first_keeps_the_before_value():
    services.seed(services.demo_plan())
    services.demo_workflows()
    services.demo_accounts()
    member = Member.objects.get(user__username="dangvien")
    old = member.phone
    member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=member.version,
        data={"phone": "0911111111"},
    )
    assert _phone_changes(member) == [(old, "0911111111")]
    # Every record of the demo has a history row to compare with.
    assert not Member.objects.exclude(pk__in=Member.history.model.objects.values("id")).exists()


def test_history_baseline_is_reusable_and_writes_each_record_once():
    orgs = OrganizationFactory.create_batch(3)
    Organization.history.model.objects.all().delete()  # as if written in bulk
    queryset = Organization.objects.filter(pk__in=[o.pk for o in orgs[:2]])
    assert baseline.history_baseline(queryset) == 2
    assert baseline.history_baseline(Organization.objects.all()) == 1  # only the missing one
    assert baseline.history_baseline(Organization.objects.all()) == 0
    rows = Organization.history.model.objects.filter(id=orgs[0].pk)
    assert [(r.history_type, r.history_change_reason, r.name) for r in rows] == [
        ("+", baseline.BASELINE_REASON, orgs[0].name)
    ]


def test_bulk_create_with_baseline_for_imports():
    parent = OrganizationFactory()
    made = baseline.bulk_create_with_baseline(
        [
            Organization(
                parent=parent,
                path=parent.path + f"000{i}",
                depth=parent.depth + 1,
                code=f"IMP{i}",
                name=f"Chi bộ nhập {i}",
                level="cell",
                unit_type=parent.unit_type,
                valid_from=parent.valid_from,
            )
            for i in (1, 2)
        ],
        reason="Nhập từ Excel",
    )
    for org in made:
        assert list(org.history.values_list("history_type", "history_change_reason")) == [
            ("+", "Nhập từ Excel")
        ]
