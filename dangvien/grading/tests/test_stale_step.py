"""The self-review step is named by the page (the posted `step`) or the API
path, never picked from the review's state: a page opened before the review
moved on is refused with a clear message and writes nothing."""

import datetime as dt

import pytest

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.grading import services
from dangvien.grading.models import MemberReview, ReviewStatus

D = dt.date
pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def campaign(tree, members, people):
    return services.campaign_open(
        actor=SYSTEM, organization=tree["commune"], year=2025, opened_on=D(2026, 1, 5)
    )


def _submit(review, step, strengths="Gương mẫu."):
    return services.self_review_submit(
        actor=SYSTEM,
        review=review,
        strengths=strengths,
        shortcomings="Chưa có.",
        remedies="",
        self_grade="good",
        self_score="80",
        on=D(2026, 1, 10),
        step=step,
    )


def _state(review):
    review.refresh_from_db()
    return (
        review.status,
        review.strengths,
        MemberReview.history.filter(id=review.pk).count(),
    )


def test_service_refuses_a_step_the_state_does_not_allow(campaign, members):
    review = campaign.reviews.get(member=members["a"][0])
    before = _state(review)
    with pytest.raises(DomainError) as exc:
        _submit(review, "self_review_edit")
    assert (exc.value.code, exc.value.field) == ("step_stale", "step")
    assert "Chưa tự kiểm điểm" in exc.value.message and "Tải lại trang" in exc.value.message
    assert _state(review) == before
    _submit(review, "self_review")
    assert review.__class__.objects.get(pk=review.pk).status == ReviewStatus.SELF_REVIEWED
    before = _state(review)
    # A second "give" from a stale page must not silently overwrite it.
    with pytest.raises(DomainError) as exc:
        _submit(review, "self_review", strengths="Trang cũ")
    assert exc.value.code == "step_stale"
    assert _state(review) == before
    _submit(review, "self_review_edit", strengths="Đã sửa")
    assert _state(review)[1] == "Đã sửa"


def _form(step):
    return {
        "step": step,
        "form": "2C",
        "strengths": "Trang cũ.",
        "shortcomings": "Chưa có.",
        "remedies": "",
        "self_score": "80",
        "self_grade": "good",
        "on": "10/01/2026",
    }


def test_stale_page_gets_a_message_not_a_write(client, campaign, people, members):
    review = campaign.reviews.get(member=members["a"][0])
    client.force_login(people["member"])
    assert 'id="buoc-self_review"' in client.get("/danh-gia/cua-toi/").content.decode()
    # Meanwhile the cell gives the self-review for the member.
    _submit(review, None, strengths="Chi bộ ghi thay.")
    before = _state(review)
    response = client.post("/danh-gia/cua-toi/", _form("self_review"))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="stale-step"' in html and "Trang đã cũ" in html
    assert 'id="buoc-self_review_edit"' in html  # the step now open is offered
    assert _state(review) == before
    # The review's own page answers the same.
    response = client.post(f"/danh-gia/kiem-diem/{review.pk}/", _form("self_review"))
    assert response.status_code == 409
    assert _state(review) == before
    # The step named right is taken.
    response = client.post("/danh-gia/cua-toi/", _form("self_review_edit"))
    assert response.status_code == 302
    assert _state(review)[1] == "Trang cũ."


def test_stale_post_by_someone_who_may_not_act_stays_404(client, campaign, people, members):
    review = campaign.reviews.get(member=members["a"][0])
    _submit(review, "self_review")
    before = _state(review)
    client.force_login(people["secretary_b"])
    response = client.post(f"/danh-gia/kiem-diem/{review.pk}/", _form("self_review"))
    assert response.status_code == 404
    assert _state(review) == before


def test_api_path_names_the_step(client, campaign, people, members):
    review = campaign.reviews.get(member=members["a"][0])
    token = client.post(
        "/api/v1/auth/token",
        {"username": "dv_a0", "password": "pw-Test-1234"},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "strengths": "Gương mẫu.",
        "shortcomings": "Chưa có.",
        "self_grade": "good",
        "self_score": 80,
        "on": "2026-01-10",
    }
    url = f"/api/v1/grading/reviews/{review.pk}/self_review"
    assert client.post(url, body, content_type="application/json", **auth).status_code == 200
    before = _state(review)
    again = client.post(
        url, {**body, "strengths": "Lần hai"}, content_type="application/json", **auth
    )
    assert again.status_code == 400
    assert again.json()["code"] == "step_stale"
    assert _state(review) == before
