"""The badge pages and API as their users see them: the committee's page with
the candidates by milestone, proposing with the error at the field, the
member's badges, the Excel list; 404 outside the scope; refusals write nothing."""

import io

from openpyxl import load_workbook

from dangvien.badges import services
from dangvien.badges.models import AwardStatus, BadgeAward, BadgeRound
from dangvien.core.actors import SYSTEM

from .conftest import AWARD, D, veteran


def _login(client, user):
    client.force_login(user)
    return client


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_committee_page_lists_and_proposes(client, tree, people):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    forty = veteran(tree["cell_b"], D(1986, 4, 1))
    _login(client, people["office"])
    url = f"/huy-hieu-dang/?org={tree['commune'].pk}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Huy hiệu 30 năm tuổi Đảng (1)" in html and "Huy hiệu 40 năm tuổi Đảng (1)" in html
    assert "19/05/2026" in html and f"candidate-{forty.pk}-40" in html
    response = client.post(
        url, {"step": "propose", "member": member.pk, "milestone": 30, "ground": "regular"}
    )
    assert response.status_code == 302
    award = BadgeAward.objects.get(member=member)
    assert (
        award.status == AwardStatus.PROPOSED
        and award.history.first().history_user == people["office"]
    )
    # Twice the same milestone: the message at the page, nothing written.
    before = (BadgeAward.objects.count(), BadgeAward.history.count())
    response = client.post(
        url, {"step": "propose", "member": member.pk, "milestone": 30, "ground": "regular"}
    )
    assert response.status_code == 200
    assert "đã được đề nghị hoặc tặng Huy hiệu 30 năm" in response.content.decode()
    assert (BadgeAward.objects.count(), BadgeAward.history.count()) == before


def test_early_form_shows_the_error_at_the_field(client, tree, people):
    member = veteran(tree["cell_a"], D(1997, 6, 1))
    _login(client, people["office"])
    url = f"/huy-hieu-dang/?org={tree['commune'].pk}"
    response = client.post(
        url, {"step": "early", "member": member.pk, "milestone": 30, "ground": "regular"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field has-error"' in html and "xét tặng sớm chỉ khi" in html
    assert not BadgeAward.objects.exists()


def test_outside_the_scope_is_404(client, tree, people):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    award = services.badge_propose(actor=SYSTEM, member=member, milestone=30, award_date=AWARD)
    _login(client, people["other_office"])
    assert client.get(f"/huy-hieu-dang/?org={tree['commune'].pk}").status_code == 404
    assert client.get(f"/dang-vien/{member.pk}/huy-hieu-dang/").status_code == 404
    assert client.get(f"/huy-hieu-dang/danh-sach.xlsx?org={tree['commune'].pk}").status_code == 404
    response = client.post(
        f"/huy-hieu-dang/?org={tree['agency'].pk}",
        {"step": "cancel", "award": award.pk, "reason": "x"},
    )
    assert response.status_code == 404
    award.refresh_from_db()
    assert award.status == AwardStatus.PROPOSED


def test_member_page_and_excel(client, tree, people):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    services.badge_propose(actor=SYSTEM, member=member, milestone=30, award_date=AWARD)
    _login(client, people["secretary_a"])
    html = client.get(f"/dang-vien/{member.pk}/huy-hieu-dang/").content.decode()
    assert "30 năm tuổi Đảng" in html and "01/03/1996" in html
    response = client.get(f"/huy-hieu-dang/danh-sach.xlsx?org={tree['cell_a'].pk}&dot=19/05/2026")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] == 1]
    assert rows[0][1] == member.full_name and rows[0][6] == 30 and rows[0][7] == "01/03/2026"
    assert rows[0][8] == "Đã đề nghị"


def test_api_candidates_propose_submit_decide_award(client, tree, people):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    office = _bearer(client, people["office"])
    board = _bearer(client, people["board"])
    rows = client.get(
        f"/api/v1/badges/candidates?org={tree['commune'].pk}&award_date=2026-05-19", **office
    ).json()
    assert [(r["member"]["id"], r["years"], r["reached_on"]) for r in rows] == [
        (member.pk, 30, "2026-03-01")
    ]
    bad = client.post(
        "/api/v1/badges/proposals",
        {"member": member.pk, "milestone": 40, "award_date": "2026-05-19"},
        content_type="application/json",
        **office,
    )
    assert bad.status_code == 400 and bad.json()["code"] == "too_early"
    assert not BadgeAward.objects.exists()
    created = client.post(
        "/api/v1/badges/proposals",
        {"member": member.pk, "milestone": 30, "award_date": "2026-05-19"},
        content_type="application/json",
        **office,
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    round_pk = BadgeRound.objects.get().pk
    sent = client.post(
        f"/api/v1/badges/rounds/{round_pk}/submit",
        {"submitted_on": "2026-03-20"},
        content_type="application/json",
        **office,
    )
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    refused = client.post(
        f"/api/v1/badges/awards/{pk}/decide",
        {"decided_on": "2026-03-20", "decision_number": "1-QĐ/TU"},
        content_type="application/json",
        **office,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_acting_body"
    decided = client.post(
        f"/api/v1/badges/awards/{pk}/decide",
        {"decided_on": "2026-03-20", "decision_number": "1-QĐ/TU"},
        content_type="application/json",
        **board,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    awarded = client.post(
        f"/api/v1/badges/awards/{pk}/award",
        {"awarded_on": "2026-03-20", "badge_number": "HH-1"},
        content_type="application/json",
        **office,
    )
    assert awarded.json()["badge_number"] == "HH-1"
    other = _bearer(client, people["other_office"])
    assert client.get(f"/api/v1/badges/awards/{pk}", **other).status_code == 404
