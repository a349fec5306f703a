"""The lifecycle API: open cases and transfers, scoped like the pages."""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case
from dangvien.members.models import Status
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.movements.models import Transfer
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_a_transfer_through_the_api_and_its_cases(client, django_user_model):
    tree = build_tree()
    member = MemberFactory(organization=tree["cell_a"], given_name="Thước")
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    office = user_with_role(django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"])
    receiver = user_with_role(django_user_model, "chibo_c", Role.CELL_SECRETARY, tree["cell_c"])
    auth = _bearer(client, secretary)
    created = client.post(
        "/api/v1/transfers",
        {
            "member": member.pk,
            "kind": "permanent",
            "reason": "residence",
            "trigger_date": "2026-11-02",
            "to_code": tree["cell_c"].code,
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    transfer_id = created.json()["id"]
    cases = client.get(f"/api/v1/cases?org={tree['cell_a'].pk}", **auth).json()
    assert [c["subject"] for c in cases["items"]] == ["Nguyễn Văn Thước"]
    assert cases["items"][0]["step"] == "send" and cases["items"][0]["due_date"]
    # The secretary does not issue the letter: the grassroots committee does (R2.2).
    # The transfer is theirs to see, the step is not theirs to take: 403.
    send = {"sent_on": "2026-11-10", "dues_paid_through": "10/2026"}
    refused = client.post(
        f"/api/v1/transfers/{transfer_id}/send", send, content_type="application/json", **auth
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_acting_body"
    assert Transfer.objects.get().status == "opened"
    office_auth = _bearer(client, office)
    bad = client.post(
        f"/api/v1/transfers/{transfer_id}/send",
        {**send, "dues_paid_through": "2026/10"},
        content_type="application/json",
        **office_auth,
    )
    assert bad.status_code == 400 and "dues_paid_through" in bad.json()["errors"]
    # The village cells hang directly under the commune committee, which issues
    # the letter itself (R2.2): its office sends.
    sent = client.post(
        f"/api/v1/transfers/{transfer_id}/send",
        send,
        content_type="application/json",
        **office_auth,
    )
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    receive = client.post(
        f"/api/v1/transfers/{transfer_id}/receive",
        {"received_on": "2026-11-16", "dossier_checked": True},
        content_type="application/json",
        **_bearer(client, receiver),
    )
    assert receive.status_code == 200
    member.refresh_from_db()
    assert member.organization == tree["cell_c"] and member.status == Status.OFFICIAL
    assert not Case.objects.filter(closed_on__isnull=True).exists()


def test_cases_and_transfers_outside_the_scope_are_not_found(client, django_user_model):
    tree = build_tree()
    member = MemberFactory(organization=tree["cell_a"])
    other = user_with_role(django_user_model, "chibo_c", Role.CELL_SECRETARY, tree["cell_c"])
    admin = django_user_model.objects.create_superuser("root", password="pw-Test-1234")
    created = client.post(
        "/api/v1/transfers",
        {
            "member": member.pk,
            "kind": "permanent",
            "reason": "retirement",
            "trigger_date": "2026-11-02",
            "to_outside": "Chi bộ Khu phố 2, phường Bến Thành",
        },
        content_type="application/json",
        **_bearer(client, admin),
    )
    assert created.status_code == 201
    auth = _bearer(client, other)
    assert client.get(f"/api/v1/transfers/{created.json()['id']}", **auth).status_code == 404
    assert client.get(f"/api/v1/cases?org={tree['cell_a'].pk}", **auth).status_code == 404
    assert client.get("/api/v1/cases", **auth).json()["items"] == []
    before = Transfer.objects.count()
    again = client.post(
        "/api/v1/transfers",
        {
            "member": member.pk,
            "kind": "permanent",
            "reason": "retirement",
            "trigger_date": "2026-11-02",
            "to_outside": "x",
        },
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 404 and Transfer.objects.count() == before
    assert client.get("/api/v1/cases?kind=nonsense", **auth).status_code == 422
