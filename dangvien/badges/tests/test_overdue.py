"""The reminder of an award date's list: members who reached a milestone in
the windows of the earlier award dates (rules.OVERDUE_ROUNDS, 4: back to the
window of 19/05/2025 for the list of 19/05/2026) and were never proposed are
shown with a mark, counted, given by the API, and may be proposed now."""

import pytest

from dangvien.badges import rules, selectors, services
from dangvien.badges.models import AwardStatus, BadgeAward
from dangvien.core.actors import SYSTEM

from .conftest import AWARD, D, veteran


def _overdue(org):
    return {(c.member_id, c.years): c.due_on for c in selectors.overdue_for(org, AWARD)}


def test_overdue_window_goes_back_four_award_dates():
    # The list of 19/05/2026 starts after 03/02/2026; four award dates back
    # is 19/05/2025, whose window starts after 03/02/2025.
    assert rules.overdue_window(AWARD) == (D(2025, 2, 3), D(2026, 2, 3))
    assert rules.award_date_of(D(2025, 6, 1)) == D(2025, 9, 2)
    assert rules.award_date_of(D(2026, 2, 3)) == D(2026, 2, 3)
    assert rules.award_date_of(D(2026, 2, 4)) == D(2026, 5, 19)


def test_missed_members_at_the_edges(tree):
    missed = veteran(tree["cell_a"], D(1995, 6, 1))  # 30 years on 01/06/2025
    last_day = veteran(tree["cell_a"], D(1996, 2, 3))  # 30 years on 03/02/2026
    too_old = veteran(tree["cell_b"], D(1995, 2, 3))  # 03/02/2025: before the reminder
    current = veteran(tree["cell_b"], D(1996, 3, 1))  # in this list, not a reminder
    forty = veteran(tree["cell_b"], D(1985, 11, 1))  # 40 years on 01/11/2025
    found = _overdue(tree["commune"])
    assert found == {
        (missed.pk, 30): D(2025, 9, 2),
        (last_day.pk, 30): D(2026, 2, 3),
        (forty.pk, 40): D(2025, 11, 7),
    }
    assert too_old.pk not in {m for m, _y in found}
    assert current.pk not in {m for m, _y in found}
    # The current list is unchanged by the reminder.
    assert [c.member_id for c in selectors.candidates_for(tree["commune"], AWARD)] == [current.pk]
    # Another subtree does not see them.
    assert _overdue(tree["agency"]) == {}


def test_proposed_or_refused_is_not_missed_cancelled_is(tree):
    proposed = veteran(tree["cell_a"], D(1995, 6, 1))
    refused = veteran(tree["cell_a"], D(1995, 7, 1))
    cancelled = veteran(tree["cell_a"], D(1995, 8, 1))
    services.badge_propose(actor=SYSTEM, member=proposed, milestone=30, award_date=AWARD)
    r = services.badge_propose(actor=SYSTEM, member=refused, milestone=30, award_date=AWARD)
    c = services.badge_propose(actor=SYSTEM, member=cancelled, milestone=30, award_date=AWARD)
    services.badge_cancel(actor=SYSTEM, award=c, reason="Ghi nhầm đợt")
    services.badge_round_submit(actor=SYSTEM, badge_round=r.round, submitted_on=D(2026, 3, 20))
    services.badge_refuse(actor=SYSTEM, award=r, decided_on=D(2026, 3, 20), reason="Hồ sơ thiếu")
    assert BadgeAward.objects.get(member=refused).status == AwardStatus.REFUSED
    assert set(_overdue(tree["commune"])) == {(cancelled.pk, 30)}


def test_page_marks_and_counts_the_missed_and_proposes_them(client, tree, people):
    missed = veteran(tree["cell_a"], D(1995, 6, 1))
    client.force_login(people["office"])
    url = f"/huy-hieu-dang/?org={tree['commune'].pk}&dot=19/05/2026"
    html = client.get(url).content.decode()
    assert 'id="overdue-count"' in html and "Còn 1 đảng viên" in html
    assert f'id="overdue-{missed.pk}-30"' in html and "Quá đợt" in html
    assert "02/09/2025" in html
    response = client.post(
        url, {"step": "propose", "member": missed.pk, "milestone": 30, "ground": "regular"}
    )
    assert response.status_code == 302
    award = BadgeAward.objects.get(member=missed)
    assert (award.award_date, award.milestone_on) == (AWARD, D(2025, 6, 1))
    html = client.get(url).content.decode()
    assert 'id="overdue-count"' not in html
    assert "Đủ tuổi từ đợt trước, chưa đề nghị (0)" in html


@pytest.mark.parametrize("who, status", [("office", 200), ("other_office", 404)])
def test_api_overdue(client, tree, people, who, status):
    missed = veteran(tree["cell_a"], D(1995, 6, 1))
    token = client.post(
        "/api/v1/auth/token",
        {"username": people[who].username, "password": "pw-Test-1234"},
        content_type="application/json",
    ).json()["token"]
    response = client.get(
        f"/api/v1/badges/overdue?org={tree['commune'].pk}&award_date=2026-05-19",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == status
    if status == 200:
        assert [(r["member"]["id"], r["years"], r["due_on"]) for r in response.json()] == [
            (missed.pk, 30, "2025-09-02")
        ]
