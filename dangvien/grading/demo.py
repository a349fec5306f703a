"""The grading in the demo (issue 12: "the 2025 grading closed with its
shares, the 2026 campaign open with self-reviews in progress").

`demo_grading(today)` works on whatever organisations and members exist:
for each top organisation it opens the 2025 campaign through the service,
then closes it by a bulk path (`grade_campaign_in_bulk`) that gives every
member a self-review, the cell's proposal and the committee's decision with
the province's shares of seed 001 (about 12% excellent, 76% good, 11.6%
completed, 0.4% not completed), keeping the cap on excellent in each
grassroots organisation, each score in its band and the share of tasks
exceeding for excellent; rows are written with their history. Then it
opens the 2026 campaign (when `today` is in 2026 or later) and has a few
members of the first cells give their self-review through the service.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from dangvien.core.actors import SYSTEM
from dangvien.organizations.models import Organization

from . import rules, selectors, services
from .models import (
    CampaignStatus,
    CellProposal,
    DecisionStatus,
    GradingCampaign,
    GradingDecision,
    MemberReview,
    OrganizationGrading,
    OrgGradingStatus,
    ProposalStatus,
    ReviewStatus,
)
from .services import _close_cases

# Seed 001: the province's three-year average shares.
SHARES = (
    (rules.Grade.EXCELLENT, Decimal("0.119")),
    (rules.Grade.GOOD, Decimal("0.7609")),
    (rules.Grade.COMPLETED, Decimal("0.1164")),
    (rules.Grade.NOT_COMPLETED, Decimal("0.0037")),
)
SCORE_RANGES = {
    rules.Grade.EXCELLENT: (90, 98),
    rules.Grade.GOOD: (70, 89),
    rules.Grade.COMPLETED: (50, 69),
    rules.Grade.NOT_COMPLETED: (30, 49),
}
STRENGTHS = (
    "Chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước; "
    "tham gia đầy đủ sinh hoạt chi bộ, hoàn thành nhiệm vụ được giao."
)
SHORTCOMINGS = "Có lúc chưa chủ động đề xuất, báo cáo kết quả nhiệm vụ còn chậm."
REMEDIES = "Chủ động hơn trong công việc, báo cáo đúng hạn."


@dataclass
class DemoGrading:
    campaigns_closed: list[int] = field(default_factory=list)
    campaigns_opened: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    self_reviews_in_progress: int = 0


def _grades_for(n: int, rng: random.Random) -> list[str]:
    """Grades for `n` members with the seed's shares (largest remainder), shuffled."""
    exact = {g: Decimal(n) * share for g, share in SHARES}
    counts = {g: int(v) for g, v in exact.items()}
    by_remainder = sorted(exact, key=lambda g: exact[g] - counts[g], reverse=True)
    for g in by_remainder[: n - sum(counts.values())]:
        counts[g] += 1
    grades = [g for g, c in counts.items() for _ in range(c)]
    rng.shuffle(grades)
    return grades


def _fit_cap(grades: list[str], year: int) -> list[str]:
    """R6.4 in one grassroots organisation: excellent beyond the cap become good
    (which only raises the cap)."""
    excellent = grades.count(rules.Grade.EXCELLENT)
    good = grades.count(rules.Grade.GOOD)
    while excellent and rules.over_cap(excellent, good, year):
        grades[grades.index(rules.Grade.EXCELLENT)] = rules.Grade.GOOD
        excellent, good = excellent - 1, good + 1
    return grades


def grade_campaign_in_bulk(campaign: GradingCampaign, *, seed: int = 2025) -> dict[str, int]:
    """Take every review of `campaign` through self-review, proposal,
    decision and announcement in bulk with the shares of seed 001, and close
    the campaign. For the demo and the bench's data; the rules the services
    check hold for every row written (band, cap, share of tasks)."""
    rng = random.Random(seed)
    year = campaign.year
    scored = rules.is_scored(year)
    # Each step on its due day (none after today): the cells propose, the
    # committees decide and announce.
    today = dt.date.today()
    proposed_on = max(campaign.opened_on, min(campaign.proposal_due, today))
    decided_on = max(proposed_on, min(campaign.decision_due, today))
    reviews = list(
        MemberReview.objects.filter(campaign=campaign)
        .exclude(status=ReviewStatus.NOT_GRADED)
        .order_by("grassroots_id", "pk")
    )
    by_grassroots: dict[int, list[MemberReview]] = defaultdict(list)
    for review in reviews:
        by_grassroots[review.grassroots_id].append(review)
    decisions = {d.grassroots_id: d for d in GradingDecision.objects.filter(campaign=campaign)}
    totals = dict.fromkeys(rules.GRADES, 0)
    pool = _grades_for(len(reviews), rng)
    at = 0
    for grassroots_id, group in by_grassroots.items():
        grades = _fit_cap(pool[at : at + len(group)], year)
        at += len(group)
        decision = decisions[grassroots_id]
        for review, grade in zip(group, grades, strict=True):
            low, high = SCORE_RANGES[grade]
            score = Decimal(rng.randint(low, high)) if scored else None
            review.strengths, review.shortcomings, review.remedies = (
                STRENGTHS,
                SHORTCOMINGS,
                REMEDIES,
            )
            review.self_grade, review.self_score = grade, score
            review.self_reviewed_on = min(campaign.self_review_due, proposed_on)
            review.proposed_grade = review.grade = grade
            review.proposed_score = review.score = score
            review.exceeded_percent = Decimal(rng.randint(30, 60)) if grade == "excellent" else None
            review.status = ReviewStatus.ANNOUNCED
            review.decision = decision
            totals[grade] += 1
        counts = {g: sum(1 for x in grades if x == g) for g in rules.GRADES}
        decision.excellent = counts[rules.Grade.EXCELLENT]
        decision.good = counts[rules.Grade.GOOD]
        decision.completed = counts[rules.Grade.COMPLETED]
        decision.not_completed = counts[rules.Grade.NOT_COMPLETED]
        if rules.over_cap(decision.excellent, decision.good, year):
            decision.cap_override_reason = "Tổ chức có thành tích nổi bật được cấp trên khen thưởng"
        decision.status = DecisionStatus.ANNOUNCED
        decision.decided_on = decided_on
        decision.announced_on = decided_on
    fields = [
        "strengths",
        "shortcomings",
        "remedies",
        "self_grade",
        "self_score",
        "self_reviewed_on",
        "proposed_grade",
        "proposed_score",
        "grade",
        "score",
        "exceeded_percent",
        "status",
        "decision",
    ]
    bulk_update_with_history(reviews, MemberReview, fields, batch_size=2000, default_user=None)
    bulk_update_with_history(
        list(decisions.values()),
        GradingDecision,
        [
            "excellent",
            "good",
            "completed",
            "not_completed",
            "cap_override_reason",
            "status",
            "decided_on",
            "announced_on",
        ],
        batch_size=2000,
    )
    proposals = list(CellProposal.objects.filter(campaign=campaign))
    for p in proposals:
        p.status, p.proposed_on = ProposalStatus.ANNOUNCED, proposed_on
    bulk_update_with_history(proposals, CellProposal, ["status", "proposed_on"], batch_size=2000)
    gradings = list(OrganizationGrading.objects.filter(campaign=campaign))
    org_grades = _grades_for(len(gradings), rng)
    for grading, grade in zip(gradings, org_grades, strict=True):
        low, high = SCORE_RANGES[grade]
        score = Decimal(rng.randint(low, high)) if scored else None
        grading.report = "Báo cáo kiểm điểm tập thể năm " + str(year) + "."
        grading.self_grade = grading.grade = grade
        grading.self_score = grading.score = score
        grading.self_graded_on = grading.decided_on = decided_on
        grading.status = OrgGradingStatus.DECIDED
    bulk_update_with_history(
        gradings,
        OrganizationGrading,
        [
            "report",
            "self_grade",
            "grade",
            "self_score",
            "score",
            "self_graded_on",
            "decided_on",
            "status",
        ],
        batch_size=2000,
    )
    for model, ids in (
        (MemberReview, [r.pk for r in reviews]),
        (CellProposal, [p.pk for p in proposals]),
        (GradingDecision, [d.pk for d in decisions.values()]),
        (OrganizationGrading, [g.pk for g in gradings]),
    ):
        _close_cases(model, ids, decided_on)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_on = decided_on
    campaign.save(update_fields=["status", "closed_on"])
    return totals


def _roots() -> list[Organization]:
    return list(
        Organization.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("path")
    )


@transaction.atomic
def demo_grading(today: dt.date) -> DemoGrading:
    """Close the 2025 grading with the seed's shares and open the 2026
    campaign with some self-reviews in progress (see the module note)."""
    result = DemoGrading()
    totals = dict.fromkeys(rules.GRADES, 0)
    for root in _roots():
        if (
            not root.path
            or not GradingCampaign.objects.filter(year=2025, organization=root).exists()
        ):
            opened_on = min(dt.date(2026, 1, 5), today)
            if opened_on.year < 2025 or not _has_members(root):
                continue
            campaign = services.campaign_open(
                actor=SYSTEM,
                organization=root,
                year=2025,
                opened_on=opened_on,
                review_on=max(dt.date(2025, 12, 15), min(opened_on, dt.date(2026, 1, 10))),
            )
            for grade, n in grade_campaign_in_bulk(campaign).items():
                totals[grade] += n
            result.campaigns_closed.append(campaign.pk)
        if (
            today.year >= 2026
            and not GradingCampaign.objects.filter(year=2026, organization=root).exists()
        ):
            campaign = services.campaign_open(
                actor=SYSTEM,
                organization=root,
                year=2026,
                opened_on=today,
                review_on=max(today, dt.date(2026, 12, 15)) if today.year == 2026 else today,
            )
            result.campaigns_opened.append(campaign.pk)
            result.self_reviews_in_progress += _some_self_reviews(campaign, today)
    result.counts = totals
    return result


def _has_members(root: Organization) -> bool:
    from dangvien.members.models import ACTIVE_STATUSES, Member

    return Member.objects.filter(
        org_path__startswith=root.path, status__in=ACTIVE_STATUSES
    ).exists()


def _some_self_reviews(campaign: GradingCampaign, today: dt.date, cells: int = 3) -> int:
    """About half the members of the first cells give their self-review."""
    done = 0
    proposals = campaign.proposals.order_by("cell_path")[:cells]
    for proposal in proposals:
        pending = list(
            campaign.reviews.filter(cell=proposal.cell, status=ReviewStatus.PENDING).order_by("pk")
        )
        for review in pending[: (len(pending) + 1) // 2]:
            services.self_review_submit(
                actor=SYSTEM,
                review=review,
                strengths=STRENGTHS,
                shortcomings=SHORTCOMINGS,
                remedies=REMEDIES,
                self_grade=rules.Grade.GOOD,
                self_score=Decimal(82) if rules.is_scored(campaign.year) else None,
                on=today,
            )
            done += 1
    return done


__all__ = ["DemoGrading", "demo_grading", "grade_campaign_in_bulk", "selectors"]
