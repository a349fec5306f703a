"""The demo on the test tree (2025 closed with the seed's shares, 2026 open
with self-reviews in progress) and the bench's entry points (same answers
by the ORM and by hand-written SQL)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from dangvien.compliance.models import Case
from dangvien.grading import bench, rules, selectors
from dangvien.grading.demo import demo_grading
from dangvien.grading.models import (
    CampaignStatus,
    GradingCampaign,
    GradingDecision,
    MemberReview,
    ReviewStatus,
)
from dangvien.members.tests.factories import MemberFactory

D = dt.date


@pytest.fixture
def many(tree):
    cells = [tree["cell_a"], tree["cell_b"], tree["cell_c"]]
    return [MemberFactory(organization=cells[i % 3]) for i in range(60)]


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_demo_closes_2025_and_opens_2026(tree, many):
    result = demo_grading(D(2026, 11, 30))
    closed = GradingCampaign.objects.get(year=2025)
    assert closed.status == CampaignStatus.CLOSED
    rows, total = selectors.results_table(tree["province"], 2025)
    assert total.graded == 60 and total.pending == 0
    # 7 excellent drawn; the cap of the smaller organisation may turn one or two good.
    assert Decimal(8) <= total.share("excellent") <= Decimal("13.34")
    assert Decimal(70) <= total.share("good") <= Decimal(82)
    assert total.completed >= 6
    for row in selectors.cap_check(tree["province"], 2025):
        assert not row.over or row.override
    for review in MemberReview.objects.filter(year=2025):
        assert rules.grade_for_score(review.score, 2025) == review.grade
        # Written set-based, each review keeps its history: opened, then graded.
        assert list(review.history.order_by("history_id").values_list("history_type", "grade")) == [
            ("+", ""),
            ("~", review.grade),
        ]
        assert review.decision.grassroots_id == review.grassroots_id
    for decision in GradingDecision.objects.filter(campaign=closed):
        graded = MemberReview.objects.filter(decision=decision)
        assert decision.excellent == graded.filter(grade="excellent").count()
        assert decision.good == graded.filter(grade="good").count()
        assert (
            decision.excellent + decision.good + decision.completed + (decision.not_completed)
            == graded.count()
        )
    assert (
        not Case.objects.filter(kind="grading", closed_on=None, opened_on__year=2026)
        .filter(
            object_id__in=MemberReview.objects.filter(year=2025).values("pk"), step="self_review"
        )
        .exists()
    )
    opened = GradingCampaign.objects.get(year=2026)
    assert opened.status == CampaignStatus.OPEN
    assert result.self_reviews_in_progress > 0
    statuses = set(opened.reviews.values_list("status", flat=True))
    assert {ReviewStatus.PENDING, ReviewStatus.SELF_REVIEWED} <= statuses
    assert Case.objects.filter(kind="grading", step="self_review", closed_on=None).exists()
    # Twice: nothing more.
    again = demo_grading(D(2026, 11, 30))
    assert again.campaigns_closed == [] and again.campaigns_opened == []


@time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False)
def test_bench_close_year_and_sql_agree(tree, many):
    campaign = bench.prepare_year(tree["province"], 2025)
    closed = bench.close_year(tree["province"], 2025)
    by_sql = bench.close_year_sql(tree["province"], 2025)
    assert closed.total == by_sql.total and closed.rows == by_sql.rows
    assert closed.over_cap == by_sql.over_cap == []
    assert closed.total.graded == 60
    assert bench.shares_table(tree["province"], 2025) == bench.shares_table_sql(
        tree["province"], 2025
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
