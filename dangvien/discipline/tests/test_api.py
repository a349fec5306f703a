import pytest

from dangvien.discipline.models import Discipline, Inspection, Violation

from .helpers import D, in_force, violation


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _state():
    return (
        list(Inspection.objects.values()),
        list(Violation.objects.values()),
        list(Discipline.objects.values()),
    )


def test_inspection_plan_and_conclude(client, tree, member, people):
    auth = _bearer(client, people["inspection"])
    r = client.post(
        "/api/v1/inspections",
        {
            "organization": tree["commune"].pk,
            "kind": "supervision",
            "content": "Giám sát việc báo cáo đi nước ngoài",
            "period_start": "2026-03-01",
            "period_end": "2026-04-30",
            "member": member.pk,
        },
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert [s["code"] for s in body["open_steps"]] == ["conclude"]
    r = client.post(
        f"/api/v1/inspections/{body['id']}/conclude",
        {"concluded_on": "2026-05-01", "conclusion": "Không vi phạm"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["status"] == "concluded"
    # The secretary of cell B does not see it; cell A's secretary neither (not sensitive).
    for who in ("secretary_b", "secretary_a"):
        r = client.get(f"/api/v1/inspections/{body['id']}", **_bearer(client, people[who]))
        assert r.status_code == 404


def test_discipline_steps_through_the_api(client, tree, member, people):
    v = violation(member)
    auth = _bearer(client, people["secretary_a"])
    r = client.post(
        "/api/v1/disciplines",
        {
            "violation": v.pk,
            "form": "reprimand",
            "authority": tree["cell_a"].pk,
            "authority_body": "cell",
            "proposed_on": "2025-02-01",
        },
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    before = _state()
    r = client.post(
        f"/api/v1/disciplines/{pk}/vote",
        {"voted_on": "2025-02-03", "entitled": 4, "votes_for": 9},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 400 and r.json()["code"] == "vote_figures"
    assert _state() == before
    r = client.post(
        f"/api/v1/disciplines/{pk}/vote",
        {"voted_on": "2025-02-03", "entitled": 4, "votes_for": 3},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["status"] == "voted"
    r = client.post(
        f"/api/v1/disciplines/{pk}/decide",
        {"decision_date": "2025-02-04"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["decision_number"]
    r = client.get(f"/api/v1/disciplines/{pk}", **_bearer(client, people["secretary_b"]))
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("board", 200), ("inspection", 200), ("secretary_b", 404), ("other_inspection", 404)],
)
def test_member_record_is_sensitive(client, tree, member, people, who, status):
    in_force(member, tree)
    r = client.get(f"/api/v1/members/{member.pk}/disciplines", **_bearer(client, people[who]))
    assert r.status_code == status
    if status == 200:
        assert r.json()[0]["standing"] in ("in_force", "lapsed")


def test_lapsed_listing(client, tree, member, people):
    in_force(member, tree, announced_on=D(2025, 3, 10))
    r = client.get("/api/v1/disciplines-lapsed?on=2026-03-10", **_bearer(client, people["board"]))
    assert [row["member"]["id"] for row in r.json()] == [member.pk]
    r = client.get("/api/v1/disciplines-lapsed?on=2026-03-09", **_bearer(client, people["board"]))
    assert r.json() == []
