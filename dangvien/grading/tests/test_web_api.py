"""The grading pages and API: the scope (404 outside it), the forms the
table opens to each role, the proposal refused at the member's field with
nothing written, the decision over the cap, the results in Excel."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dangvien.core.actors import SYSTEM
from dangvien.grading import services
from dangvien.grading.models import CellProposal, GradingDecision, MemberReview, ReviewStatus
from dangvien.grading.services import GradeEntry

D = dt.date
pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def campaign(tree, members, people):
    return services.campaign_open(
        actor=SYSTEM, organization=tree["commune"], year=2025, opened_on=D(2026, 1, 5)
    )


def _state():
    return (
        list(MemberReview.objects.order_by("id").values()),
        list(CellProposal.objects.order_by("id").values()),
        list(GradingDecision.objects.order_by("id").values()),
    )


def _self_review_all(campaign):
    for review in campaign.reviews.filter(status=ReviewStatus.PENDING):
        services.self_review_submit(
            actor=SYSTEM,
            review=review,
            strengths="Tốt.",
            shortcomings="Chưa có.",
            remedies="",
            self_grade="good",
            self_score="80",
            on=D(2026, 1, 10),
        )


def test_member_self_review_page(client, campaign, people, members):
    client.force_login(people["member"])
    page = client.get("/danh-gia/cua-toi/")
    assert page.status_code == 200
    assert "Mẫu 2C" in page.content.decode()
    assert 'id="buoc-self_review"' in page.content.decode()
    review = campaign.reviews.get(member=members["a"][0])
    response = client.post(
        "/danh-gia/cua-toi/",
        {
            "step": "self_review",
            "form": "2C",
            "strengths": "Gương mẫu.",
            "shortcomings": "Chưa có.",
            "remedies": "",
            "self_score": "85",
            "self_grade": "excellent",
            "on": "10/01/2026",
        },
    )
    assert response.status_code == 200
    assert "từ 90 điểm trở lên" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    response = client.post(
        "/danh-gia/cua-toi/",
        {
            "step": "self_review",
            "form": "2C",
            "strengths": "Gương mẫu.",
            "shortcomings": "Chưa có.",
            "self_score": "85",
            "self_grade": "good",
            "on": "10/01/2026",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SELF_REVIEWED
    # Another member's review answers 404 to the member.
    other = campaign.reviews.get(member=members["a"][1])
    assert client.get(f"/danh-gia/kiem-diem/{other.pk}/").status_code == 404


def test_cell_page_and_proposal_form(client, campaign, tree, people):
    _self_review_all(campaign)
    proposal = CellProposal.objects.get(campaign=campaign, cell=tree["cell_a"])
    client.force_login(people["secretary_b"])
    assert client.get(f"/danh-gia/de-nghi/{proposal.pk}/").status_code == 404
    client.force_login(people["secretary_a"])
    page = client.get(f"/danh-gia/de-nghi/{proposal.pk}/")
    assert page.status_code == 200
    assert 'id="buoc-propose"' in page.content.decode()
    reviews = list(campaign.reviews.filter(cell=tree["cell_a"]).order_by("pk"))
    data = {"step": "propose", "proposed_on": "15/01/2026", "note": ""}
    for r in reviews:
        data[f"grade_{r.pk}"] = "good"
        data[f"score_{r.pk}"] = "80"
    data[f"score_{reviews[0].pk}"] = "95"
    before = _state()
    response = client.post(f"/danh-gia/de-nghi/{proposal.pk}/", data)
    assert response.status_code == 200
    assert f'id="error-propose-grade_{reviews[0].pk}"' in response.content.decode()
    assert _state() == before
    data[f"score_{reviews[0].pk}"] = "80"
    assert client.post(f"/danh-gia/de-nghi/{proposal.pk}/", data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_campaign_page_decision_and_excel(client, campaign, tree, people):
    _self_review_all(campaign)
    for cell in ("cell_a", "cell_b"):
        proposal = CellProposal.objects.get(campaign=campaign, cell=tree[cell])
        services.proposal_submit(
            actor=SYSTEM,
            proposal=proposal,
            entries={
                r.pk: GradeEntry("good", "80") for r in campaign.reviews.filter(cell=tree[cell])
            },
            proposed_on=D(2026, 1, 15),
        )
    decision = campaign.decisions.get()
    client.force_login(people["other_office"])
    assert client.get(f"/danh-gia/dot/{campaign.pk}/").status_code == 404
    assert client.get(f"/danh-gia/quyet-dinh/{decision.pk}/").status_code == 404
    # The committee's decision belongs to the committee: a cell reads its
    # grades on its own page.
    client.force_login(people["secretary_a"])
    assert client.get(f"/danh-gia/quyet-dinh/{decision.pk}/").status_code == 404
    client.force_login(people["office"])
    page = client.get(f"/danh-gia/dot/{campaign.pk}/")
    assert page.status_code == 200
    assert "Chi bộ thôn Đông" in page.content.decode()
    response = client.post(
        f"/danh-gia/quyet-dinh/{decision.pk}/", {"step": "decide", "decided_on": "18/01/2026"}
    )
    assert response.status_code == 302
    client.post(
        f"/danh-gia/quyet-dinh/{decision.pk}/", {"step": "announce", "announced_on": "19/01/2026"}
    )
    decision.refresh_from_db()
    assert decision.status == "announced"
    xlsx = client.get(f"/danh-gia/ket-qua.xlsx?org={tree['commune'].pk}&nam=2025")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B5"].value == "Chi bộ thôn Đông"
    assert sheet["C7"].value == 10  # total graded
    assert sheet["F7"].value == 10 and sheet["G7"].value == 100.0
    assert client.get(f"/danh-gia/ket-qua.xlsx?org={tree['agency'].pk}&nam=2025").status_code == 404


def test_home_opens_a_campaign_only_for_a_writer(client, tree, members, people):
    client.force_login(people["secretary_a"])
    page = client.get(f"/danh-gia/?org={tree['cell_a'].pk}&nam=2025")
    assert page.status_code == 200
    client.force_login(people["office"])
    page = client.get(f"/danh-gia/?org={tree['commune'].pk}&nam=2025")
    assert 'name="opened_on"' in page.content.decode()
    response = client.post(
        f"/danh-gia/?org={tree['commune'].pk}&nam=2025",
        {"form": "open", "year": "2025", "opened_on": "05/01/2026", "review_on": ""},
    )
    assert response.status_code == 302
    assert client.get(f"/danh-gia/?org={tree['agency'].pk}").status_code == 404


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_api_steps_scope_and_results(client, campaign, tree, people, members):
    member = _bearer(client, people["member"])
    review = campaign.reviews.get(member=members["a"][0])
    detail = client.get(f"/api/v1/grading/reviews/{review.pk}", **member).json()
    assert [s["code"] for s in detail["open_steps"]] == ["self_review"]
    other = campaign.reviews.get(member=members["a"][1])
    assert client.get(f"/api/v1/grading/reviews/{other.pk}", **member).status_code == 404
    body = {
        "strengths": "Tốt.",
        "shortcomings": "Chưa có.",
        "self_grade": "good",
        "self_score": "95",
        "on": "2026-01-10",
    }
    before = _state()
    response = client.post(
        f"/api/v1/grading/reviews/{review.pk}/self_review",
        body,
        content_type="application/json",
        **member,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "grade_outside_band"
    assert _state() == before
    body["self_score"] = "80"
    response = client.post(
        f"/api/v1/grading/reviews/{review.pk}/self_review",
        body,
        content_type="application/json",
        **member,
    )
    assert response.status_code == 200 and response.json()["status"] == "self_reviewed"
    office_b = _bearer(client, people["secretary_b"])
    proposal = CellProposal.objects.get(campaign=campaign, cell=tree["cell_a"])
    response = client.post(
        f"/api/v1/grading/proposals/{proposal.pk}/propose",
        {"proposed_on": "2026-01-15", "lines": []},
        content_type="application/json",
        **office_b,
    )
    assert response.status_code == 404
    secretary = _bearer(client, people["secretary_a"])
    response = client.post(
        f"/api/v1/grading/proposals/{proposal.pk}/propose",
        {"proposed_on": "2026-01-15", "lines": []},
        content_type="application/json",
        **secretary,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "self_reviews_missing"
    office = _bearer(client, people["office"])
    results = client.get(
        f"/api/v1/grading/results?org={tree['commune'].pk}&year=2025", **office
    ).json()
    assert results["total"]["pending"] == 10
    assert (
        client.get(
            f"/api/v1/grading/results?org={tree['agency'].pk}&year=2025", **office
        ).status_code
        == 404
    )
    listed = client.get("/api/v1/grading/campaigns", **office).json()
    assert [c["id"] for c in listed] == [campaign.pk]
    assert (
        client.get(
            f"/api/v1/grading/campaigns/{campaign.pk}", **_bearer(client, people["other_office"])
        ).status_code
        == 404
    )
