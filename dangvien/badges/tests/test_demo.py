"""The demo's badges on the test tree: the next award date's list with
candidates for a couple of milestones, one award recorded, idempotent."""

import datetime as dt

from dangvien.badges.demo import demo_badges
from dangvien.badges.models import AwardStatus, BadgeAward, BadgeRound
from dangvien.compliance.models import Case

from .conftest import AWARD, D, veteran


def test_demo_badges_on_the_test_tree(tree):
    veteran(tree["cell_a"], D(1995, 12, 1))  # 30 years on 1/12/2025: the 3/2/2026 list
    veteran(tree["cell_b"], D(1996, 3, 1))  # 30 years: the next list
    veteran(tree["cell_a"], D(1986, 4, 1))  # 40 years: the next list
    veteran(tree["cell_c"], D(1976, 5, 1))  # 50 years: the next list
    result = demo_badges(dt.date(2026, 3, 20))
    assert result.award_date == AWARD
    assert result.candidates_by_milestone == {30: 1, 40: 1, 50: 1}
    awarded = BadgeAward.objects.get(status=AwardStatus.AWARDED)
    assert awarded.award_date == D(2026, 2, 3) and awarded.badge_number.startswith("HH-2026-")
    assert result.awarded == 1
    assert 1 <= result.proposed < 3  # at least one candidate left to propose
    assert Case.objects.filter(kind="badge", closed_on=None, step="submit").exists()
    before = (BadgeAward.objects.count(), BadgeRound.objects.count(), Case.objects.count())
    again = demo_badges(dt.date(2026, 3, 20))
    assert again.candidates_by_milestone == result.candidates_by_milestone
    assert (BadgeAward.objects.count(), BadgeRound.objects.count(), Case.objects.count()) == before
