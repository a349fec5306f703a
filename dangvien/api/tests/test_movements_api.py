"""The transfers and removals API, built from the workflow tables: outside the
scope 404; a step by the wrong body 403 `not_acting_body` and nothing written;
whole workflows through the API."""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.documents.models import IssuedDocument
from dangvien.members.models import Member, MembershipEvent, Status
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.movements import services
from dangvien.movements.models import Removal, RemovalKind, Transfer, TransferReason
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date
JSON = "application/json"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def tree():
    return build_tree()


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type=JSON,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _tables():
    """Every table a movement writes, row by row."""
    return (
        list(Transfer.objects.order_by("id").values_list("id", "status", "version")),
        list(Transfer.history.order_by("history_id").values_list("history_id", "status")),
        list(Removal.objects.order_by("id").values_list("id", "status")),
        list(Removal.history.order_by("history_id").values_list("history_id", "status")),
        list(Case.objects.order_by("id").values_list("id", "step", "closed_on", "due_date")),
        list(MembershipEvent.objects.order_by("id").values_list("id", "kind")),
        list(Member.objects.order_by("id").values_list("id", "status", "organization_id")),
        list(IssuedDocument.objects.order_by("id").values_list("id", "kind")),
    )


def _open(member, to):
    return services.transfer_open(
        actor=SYSTEM,
        member=member,
        kind="permanent",
        reason=TransferReason.RESIDENCE,
        trigger_date=D(2026, 11, 2),
        to_organization=to,
    )


def _propose(member):
    return services.removal_propose(
        actor=SYSTEM,
        member=member,
        kind=RemovalKind.VOLUNTARY_EXIT,
        meeting_on=D(2026, 11, 7),
        votes_for=2,  # more than half (Điều lệ Điều 9 khoản 5); the member does not vote
    )


SEND = {"sent_on": "2026-11-10", "dues_paid_through": "10/2026"}
DECIDE = {
    "approved": True,
    "decided_by": "Ban Thường vụ Đảng ủy xã Cẩm Xuyên",
    "decision_number": "45-QĐ/ĐU",
    "decision_date": "2026-11-18",
}


def test_outside_the_scope_everything_is_not_found(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    transfer = _open(member, tree["cell_b"])
    others = [MemberFactory(organization=tree["cell_a"]) for _ in range(2)]
    removal = _propose(others[0])
    outsider = user_with_role(django_user_model, "chibo_c", Role.CELL_SECRETARY, tree["cell_c"])
    auth = _bearer(client, outsider)
    before = _tables()
    assert client.get(f"/api/v1/transfers/{transfer.pk}", **auth).status_code == 404
    assert client.get(f"/api/v1/transfers?org={tree['cell_a'].pk}", **auth).status_code == 404
    assert client.get(f"/api/v1/removals/{removal.pk}", **auth).status_code == 404
    assert client.get(f"/api/v1/removals?org={tree['cell_a'].pk}", **auth).status_code == 404
    for path, body in [
        (f"/api/v1/transfers/{transfer.pk}/send", SEND),
        (f"/api/v1/transfers/{transfer.pk}/cancel", {"reason": "x"}),
        (
            f"/api/v1/transfers/{transfer.pk}/receive",
            {"received_on": "2026-11-16", "dossier_checked": True},
        ),
        (f"/api/v1/removals/{removal.pk}/decide", DECIDE),
        (
            "/api/v1/removals",
            {
                "member": others[1].pk,
                "kind": "voluntary_exit",
                "meeting_on": "2026-11-07",
                "votes_for": 0,
            },
        ),
        (
            "/api/v1/removals/record",
            {"member": others[1].pk, "kind": "death", "date": "2026-11-18"},
        ),
        (
            "/api/v1/transfers",
            {
                "member": others[1].pk,
                "kind": "permanent",
                "reason": "residence",
                "trigger_date": "2026-11-02",
                "to_outside": "Chi bộ khác",
            },
        ),
    ]:
        response = client.post(path, body, content_type=JSON, **auth)
        assert response.status_code == 404, (path, response.content)
        assert response.json()["code"] == "not_found"
    assert _tables() == before


def test_a_step_by_the_wrong_body_is_forbidden_and_writes_nothing(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    transfer = _open(member, tree["cell_b"])
    others = [MemberFactory(organization=tree["cell_a"]) for _ in range(2)]
    removal = _propose(others[0])
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    auth = _bearer(client, secretary)
    before = _tables()
    # The letter is issued by the commune committee above the cell (R2.2), not the cell.
    refused = client.post(f"/api/v1/transfers/{transfer.pk}/send", SEND, content_type=JSON, **auth)
    assert refused.status_code == 403, refused.content
    body = refused.json()
    assert body["code"] == "not_acting_body" and tree["commune"].name in body["message"]
    # The removal is decided above the cell, never by its secretary.
    refused = client.post(
        f"/api/v1/removals/{removal.pk}/decide", DECIDE, content_type=JSON, **auth
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_acting_body"
    assert _tables() == before
    # The secretary sees the transfer and is offered only what is theirs: cancelling.
    detail = client.get(f"/api/v1/transfers/{transfer.pk}", **auth).json()
    assert [s["code"] for s in detail["open_steps"]] == ["cancel"]
    assert client.get(f"/api/v1/removals/{removal.pk}", **auth).json()["open_steps"] == []
    # Once sent, the sending cell cannot receive for the receiving one.
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 11, 10), dues_paid_through="10/2026"
    )
    before = _tables()
    refused = client.post(
        f"/api/v1/transfers/{transfer.pk}/receive",
        {"received_on": "2026-11-16", "dossier_checked": True},
        content_type=JSON,
        **auth,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_acting_body"
    # A member reading their own record is no writer: they cannot open a transfer.
    reader = user_with_role(django_user_model, "kiemtra", Role.INSPECTION, tree["commune"])
    opened = client.post(
        "/api/v1/transfers",
        {
            "member": others[1].pk,
            "kind": "permanent",
            "reason": "residence",
            "trigger_date": "2026-11-02",
            "to_outside": "Chi bộ khác",
        },
        content_type=JSON,
        **_bearer(client, reader),
    )
    assert opened.status_code == 403 and opened.json()["code"] == "not_acting_body"
    assert _tables() == before


def test_a_step_out_of_order_carries_its_code(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    transfer = _open(member, tree["cell_b"])
    receiver = user_with_role(django_user_model, "chibo_b", Role.CELL_SECRETARY, tree["cell_b"])
    before = _tables()
    early = client.post(
        f"/api/v1/transfers/{transfer.pk}/receive",
        {"received_on": "2026-11-16", "dossier_checked": True},
        content_type=JSON,
        **_bearer(client, receiver),
    )
    assert early.status_code == 400 and early.json()["code"] == "out_of_order"
    assert "Chưa có giấy giới thiệu" in early.json()["message"]
    assert _tables() == before


def test_a_whole_transfer_through_the_api(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"], given_name="Thước")
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    office = user_with_role(django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"])
    receiver = user_with_role(django_user_model, "chibo_b", Role.CELL_SECRETARY, tree["cell_b"])
    created = client.post(
        "/api/v1/transfers",
        {
            "member": member.pk,
            "kind": "permanent",
            "reason": "residence",
            "trigger_date": "2026-11-02",
            "to_code": tree["cell_b"].code,
        },
        content_type=JSON,
        **_bearer(client, secretary),
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    office_auth = _bearer(client, office)
    listed = client.get(f"/api/v1/transfers?org={tree['commune'].pk}", **office_auth).json()
    assert [t["id"] for t in listed["items"]] == [pk]
    detail = client.get(f"/api/v1/transfers/{pk}", **office_auth).json()
    send_step = detail["open_steps"][0]
    assert [s["code"] for s in detail["open_steps"]] == ["send", "cancel"]
    assert send_step["acting_organization"]["id"] == tree["commune"].pk
    sent = client.post(f"/api/v1/transfers/{pk}/send", SEND, content_type=JSON, **office_auth)
    assert sent.status_code == 200 and sent.json()["status"] == "sent", sent.content
    receiver_auth = _bearer(client, receiver)
    detail = client.get(f"/api/v1/transfers/{pk}", **receiver_auth).json()
    assert [s["code"] for s in detail["open_steps"]] == ["receive"]
    case = Case.objects.get(object_id=pk, slot="receiving")
    assert case.step == "receive" and case.acting_organization == tree["cell_b"]
    received = client.post(
        f"/api/v1/transfers/{pk}/receive",
        {"received_on": "2026-11-16", "dossier_checked": True},
        content_type=JSON,
        **receiver_auth,
    )
    assert received.status_code == 200 and received.json()["status"] == "received"
    member.refresh_from_db()
    assert member.organization == tree["cell_b"] and member.status == Status.OFFICIAL
    assert not Case.objects.filter(closed_on__isnull=True).exists()
    assert client.get(f"/api/v1/transfers/{pk}", **receiver_auth).json()["open_steps"] == []


def test_a_temporary_transfer_returns_and_an_open_one_is_cancelled(client, django_user_model, tree):
    member, other = (MemberFactory(organization=tree["cell_a"]) for _ in range(2))
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    auth = _bearer(client, secretary)
    temporary = services.transfer_open(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        reason=TransferReason.WORK_AWAY,
        trigger_date=D(2026, 10, 1),
        to_organization=tree["cell_b"],
        period_start=D(2026, 10, 1),
        period_end=D(2027, 3, 31),
    )
    services.transfer_send(
        actor=SYSTEM, transfer=temporary, sent_on=D(2026, 10, 5), dues_paid_through="09/2026"
    )
    back = client.post(
        f"/api/v1/transfers/{temporary.pk}/return",
        {"returned_on": "2026-11-19"},
        content_type=JSON,
        **auth,
    )
    assert back.status_code == 200 and back.json()["status"] == "returned", back.content
    dropped = _open(other, tree["cell_b"])
    missing = client.post(
        f"/api/v1/transfers/{dropped.pk}/cancel", {"reason": "  "}, content_type=JSON, **auth
    )
    assert missing.status_code == 400 and missing.json()["code"] == "cancel_reason_required"
    done = client.post(
        f"/api/v1/transfers/{dropped.pk}/cancel",
        {"reason": "Không chuyển nữa"},
        content_type=JSON,
        **auth,
    )
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert not Case.objects.filter(closed_on__isnull=True).exists()


def test_a_member_arriving_from_outside_through_the_api(client, django_user_model, tree):
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    response = client.post(
        "/api/v1/transfers/incoming",
        {
            "organization": tree["cell_a"].pk,
            "member": {
                "family_name": "Lê",
                "middle_name": "Thị",
                "given_name": "Hoa",
                "gender": "F",
                "birth_date": "1990-02-01",
                "admission_decision_date": "2015-03-01",
                "joining_date": "2015-03-10",
                "official_date": "2016-03-10",
            },
            "from_outside": "Chi bộ Trường THPT Lê Lợi, Đảng bộ tỉnh Quảng Trị",
            "letter_number": "125",
            "sent_on": "2026-10-20",
            "received_on": "2026-11-02",
            "dossier_checked": True,
        },
        content_type=JSON,
        **_bearer(client, secretary),
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "received"
    assert Member.objects.get(given_name="Hoa").organization == tree["cell_a"]


def test_a_removal_through_the_api(client, django_user_model, tree):
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(3)]
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    office = user_with_role(django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"])
    auth = _bearer(client, secretary)
    proposed = client.post(
        "/api/v1/removals",
        {
            "member": members[0].pk,
            "kind": "name_deletion",
            "cause": "unpaid_dues",
            "evidence_months": ["2026-02-01", "2026-05-01", "2026-08-01"],
            "meeting_on": "2026-11-07",
            "votes_for": 2,
        },
        content_type=JSON,
        **auth,
    )
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed", proposed.content
    pk = proposed.json()["id"]
    short = client.post(
        "/api/v1/removals",
        {
            "member": members[1].pk,
            "kind": "name_deletion",
            "cause": "unpaid_dues",
            "evidence_months": ["2026-02-01"],
            "meeting_on": "2026-11-07",
            "votes_for": 2,
        },
        content_type=JSON,
        **auth,
    )
    assert short.status_code == 422 and "evidence_months" in short.json()["errors"]
    office_auth = _bearer(client, office)
    listed = client.get(f"/api/v1/removals?org={tree['commune'].pk}", **office_auth).json()
    assert [r["id"] for r in listed["items"]] == [pk]
    detail = client.get(f"/api/v1/removals/{pk}", **office_auth).json()
    assert [s["code"] for s in detail["open_steps"]] == ["decide"]
    decided = client.post(f"/api/v1/removals/{pk}/decide", DECIDE, content_type=JSON, **office_auth)
    assert decided.status_code == 200 and decided.json()["status"] == "decided", decided.content
    assert Member.objects.get(pk=members[0].pk).status == Status.NAME_DELETED
    again = client.post(f"/api/v1/removals/{pk}/decide", DECIDE, content_type=JSON, **office_auth)
    assert again.status_code == 400 and again.json()["code"] == "out_of_order"
    died = client.post(
        "/api/v1/removals/record",
        {"member": members[2].pk, "kind": "death", "date": "2026-11-18"},
        content_type=JSON,
        **auth,
    )
    assert died.status_code == 201 and died.json()["status"] == "decided"
    assert Member.objects.get(pk=members[2].pk).status == Status.DECEASED
