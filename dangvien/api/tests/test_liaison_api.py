"""The liaison API, from the workflow tables: scoped like the pages (404
outside), a step by a role that does not hold the acting body refused with 403
`not_acting_body` and nothing written, one full exemption through the API."""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case
from dangvien.liaison.models import Exemption, ExemptionStatus, ResidenceLiaison, WorkingAway
from dangvien.members.models import EventKind, MembershipEvent
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type=JSON,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


@pytest.fixture
def setup(django_user_model):
    tree = build_tree()
    member = MemberFactory(organization=tree["cell_a"], given_name="Thước")
    users = {
        "secretary": user_with_role(
            django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]
        ),
        "other": user_with_role(django_user_model, "chibo_b", Role.CELL_SECRETARY, tree["cell_b"]),
        "inspection": user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["province"]),
    }
    return tree, member, users


def _tables():
    return (
        list(Exemption.objects.values()),
        list(WorkingAway.objects.values()),
        list(ResidenceLiaison.objects.values()),
        list(Case.objects.values()),
        list(MembershipEvent.objects.values()),
    )


def _apply(client, auth, member):
    return client.post(
        "/api/v1/exemptions",
        {
            "member": member.pk,
            "kind": "temporary",
            "ground": "working_away",
            "applied_on": "2026-11-02",
            "start": "2026-11-02",
            "end": "2027-05-01",
        },
        content_type=JSON,
        **auth,
    )


def test_one_full_exemption_through_the_api(client, setup):
    tree, member, users = setup
    auth = _bearer(client, users["secretary"])
    created = _apply(client, auth, member)
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert body["status"] == "applied"
    assert [s["code"] for s in body["open_steps"]] == ["decide", "refuse"]
    listed = client.get(f"/api/v1/exemptions?org={tree['cell_a'].pk}", **auth).json()
    assert [e["id"] for e in listed] == [pk]
    case = Case.objects.get()
    assert case.step == "decide" and case.acting_body == "cell"
    assert case.acting_organization_id == tree["cell_a"].pk

    def step(code, payload):
        response = client.post(
            f"/api/v1/exemptions/{pk}/{code}", payload, content_type=JSON, **auth
        )
        assert response.status_code == 200, response.content
        return response.json()

    done = step("decide", {"decided_on": "2026-11-05", "resolution_number": "05-NQ/CB"})
    assert done["status"] == "decided" and [s["code"] for s in done["open_steps"]] == ["report"]
    done = step("report", {"reported_on": "2026-11-06"})
    assert done["status"] == "in_force"
    assert [s["code"] for s in done["open_steps"]] == ["apply_return"]
    case.refresh_from_db()
    assert case.step == "apply_return" and case.acting_body == "member"
    assert case.due_date == dt.date(2027, 5, 1)
    step("apply_return", {"applied_on": "2026-11-18"})
    done = step("return", {"returned_on": "2026-11-19", "resolution_number": "09-NQ/CB"})
    assert done["status"] == "returned" and done["open_steps"] == []
    case.refresh_from_db()
    assert case.closed_on == dt.date(2026, 11, 19)
    kinds = list(MembershipEvent.objects.filter(member=member).values_list("kind", flat=True))
    assert EventKind.EXEMPTED in kinds and EventKind.RETURNED in kinds


def test_outside_the_scope_is_404_and_writes_nothing(client, setup):
    tree, member, users = setup
    pk = _apply(client, _bearer(client, users["secretary"]), member).json()["id"]
    auth = _bearer(client, users["other"])
    before = _tables()
    assert client.get(f"/api/v1/exemptions/{pk}", **auth).status_code == 404
    assert client.get(f"/api/v1/exemptions?org={tree['cell_a'].pk}", **auth).status_code == 404
    assert client.get("/api/v1/exemptions", **auth).json() == []
    decided = client.post(
        f"/api/v1/exemptions/{pk}/decide",
        {"decided_on": "2026-11-05", "resolution_number": "1"},
        content_type=JSON,
        **auth,
    )
    assert decided.status_code == 404 and decided.json()["code"] == "not_found"
    assert _apply(client, auth, member).status_code == 404
    assert _tables() == before


def test_wrong_body_is_403_not_acting_body_and_writes_nothing(client, setup):
    tree, member, users = setup
    pk = _apply(client, _bearer(client, users["secretary"]), member).json()["id"]
    auth = _bearer(client, users["inspection"])  # reads the file, holds no writing role
    detail = client.get(f"/api/v1/exemptions/{pk}", **auth)
    assert detail.status_code == 200 and detail.json()["open_steps"] == []
    before = _tables()
    refused = client.post(
        f"/api/v1/exemptions/{pk}/decide",
        {"decided_on": "2026-11-05", "resolution_number": "1"},
        content_type=JSON,
        **auth,
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_acting_body"
    assert tree["cell_a"].name in refused.json()["message"]
    opened = _apply(client, auth, member)
    assert opened.status_code == 403 and opened.json()["code"] == "not_acting_body"
    assert _tables() == before
    assert Exemption.objects.get().status == ExemptionStatus.APPLIED


def test_step_out_of_order_through_the_api(client, setup):
    tree, member, users = setup
    auth = _bearer(client, users["secretary"])
    pk = _apply(client, auth, member).json()["id"]
    before = _tables()
    response = client.post(
        f"/api/v1/exemptions/{pk}/report", {"reported_on": "2026-11-06"}, content_type=JSON, **auth
    )
    assert response.status_code == 400 and response.json()["code"] == "out_of_order"
    assert _tables() == before


def test_working_away_and_residence_lists_and_details(client, setup):
    tree, member, users = setup
    auth = _bearer(client, users["secretary"])
    created = client.post(
        "/api/v1/working-away",
        {"member": member.pk, "reported_on": "2026-11-02"},
        content_type=JSON,
        **auth,
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert "review" in [s["code"] for s in created.json()["open_steps"]]
    reviewed = client.post(
        f"/api/v1/working-away/{pk}/review",
        {"reviewed_on": "2026-11-03", "committee_reported_on": "2026-11-04"},
        content_type=JSON,
        **auth,
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    listed = client.get(f"/api/v1/working-away?org={tree['cell_a'].pk}", **auth).json()
    assert [w["id"] for w in listed] == [pk]
    assert client.get("/api/v1/residence-liaisons", **auth).json() == []
    other = _bearer(client, users["other"])
    assert client.get(f"/api/v1/working-away/{pk}", **other).status_code == 404
