"""API of trip reports and of the discipline of party organisations."""

from dangvien.discipline.models import OrgDiscipline, TripReport
from dangvien.members.models import TripAbroad

from .helpers import D
from .test_api import _bearer


def test_trip_report_by_the_cell_and_refused_elsewhere(client, tree, member, people):
    trip = TripAbroad.objects.create(
        member=member, country="Lào", purpose="Thăm thân", start=D(2025, 8, 1)
    )
    auth_b = _bearer(client, people["secretary_b"])
    r = client.post(
        f"/api/v1/trips/{trip.pk}/report",
        {"reported_on": "2025-07-20"},
        content_type="application/json",
        **auth_b,
    )
    assert r.status_code == 404
    auth = _bearer(client, people["secretary_a"])
    listed = client.get("/api/v1/trips-not-reported?on=2025-09-01", **auth)
    assert [t["id"] for t in listed.json()] == [trip.pk]
    r = client.post(
        f"/api/v1/trips/{trip.pk}/report",
        {"reported_on": "2099-07-20"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 400 and r.json()["code"] == "date_in_future"
    assert TripReport.objects.count() == 0
    r = client.post(
        f"/api/v1/trips/{trip.pk}/report",
        {"reported_on": "2025-07-20", "reported_to": "Chi ủy"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    assert r.json()["reported_on"] == "2025-07-20"
    assert client.get("/api/v1/trips-not-reported?on=2025-09-01", **auth).json() == []


def test_org_discipline_through_the_api(client, tree, people):
    auth = _bearer(client, people["office"])
    body = {
        "organization": tree["cell_a"].pk,
        "form": "warning",
        "violation_kind": "duties",
        "description": "Bỏ ba kỳ liên tiếp không sinh hoạt",
        "committed_on": "2025-01-10",
        "authority": tree["commune"].pk,
        "authority_body": "superior",
        "proposed_on": "2025-03-01",
    }
    r = client.post("/api/v1/org-disciplines", body, content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert [s["code"] for s in r.json()["open_steps"]] == ["org_vote"]
    r = client.post(
        f"/api/v1/org-disciplines/{pk}/org_vote",
        {"voted_on": "2025-03-05", "entitled": 10, "votes_for": 5},
        content_type="application/json",
        **auth,
    )
    # 5 of 10 is not more than half: refused, nothing written ...
    assert r.status_code == 400 and r.json()["code"] == "vote_below_threshold"
    assert OrgDiscipline.objects.get(pk=pk).status == "proposed"
    # ... unless the committee records that its vote fell short.
    r = client.post(
        f"/api/v1/org-disciplines/{pk}/org_vote",
        {"voted_on": "2025-03-05", "entitled": 10, "votes_for": 5, "record_rejection": True},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    # the member-discipline endpoints do not take an organisation's record
    assert client.get(f"/api/v1/disciplines/{pk}", **auth).status_code == 404
    other = _bearer(client, people["secretary_b"])
    assert client.get(f"/api/v1/org-disciplines/{pk}", **other).status_code == 404
    bad = {**body, "organization": tree["cell_b"].pk, "form": "dissolution"}
    r = client.post("/api/v1/org-disciplines", bad, content_type="application/json", **auth)
    assert r.status_code == 400 and r.json()["code"] == "org_authority"
    assert OrgDiscipline.objects.count() == 1
