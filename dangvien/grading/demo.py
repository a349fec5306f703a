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
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db import connection, transaction
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Mod

from dangvien.core.actors import SYSTEM
from dangvien.organizations.models import Organization
from dangvien.seeding.baseline import history_baseline

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


# Of 10 tasks on form 01 per grade: done, done on time, exceeding.
DEMO_TASKS = {
    rules.Grade.EXCELLENT: (10, 10, 4),
    rules.Grade.GOOD: (10, 10, 2),
    rules.Grade.COMPLETED: (10, 9, 1),
    rules.Grade.NOT_COMPLETED: (7, 5, 0),
}


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


def _assign(rows: list[tuple[int, int]], year: int, rng: random.Random) -> dict[str, list[int]]:
    """Grades for the reviews `rows` ((pk, grassroots id), ordered by
    grassroots): the seed's shares over all, the cap fitted in each grassroots
    organisation. Returns the review ids by grade."""
    pool = _grades_for(len(rows), rng)
    by_grade: dict[str, list[int]] = {g: [] for g in rules.GRADES}
    at = 0
    for _grassroots_id, group in groupby(rows, key=lambda row: row[1]):
        ids = [pk for pk, _ in group]
        grades = _fit_cap(pool[at : at + len(ids)], year)
        at += len(ids)
        for pk, grade in zip(ids, grades, strict=True):
            by_grade[grade].append(pk)
    return by_grade


def _in_band(grade: str) -> ExpressionWrapper:
    """A score in the band of `grade`, spread over the band by the row's id
    (set-based: no row passes through Python)."""
    low, high = SCORE_RANGES[grade]
    return ExpressionWrapper(
        Value(low) + Mod(F("pk"), Value(high - low + 1)), output_field=DecimalField()
    )


def _chunks(ids: list[int], size: int = 5000) -> Iterator[list[int]]:
    for at in range(0, len(ids), size):
        yield ids[at : at + size]


def grade_campaign_in_bulk(campaign: GradingCampaign, *, seed: int = 2025) -> dict[str, int]:
    """Take every review of `campaign` through self-review, proposal,
    decision and announcement in bulk with the shares of seed 001, and close
    the campaign; returns the members per grade. For the demo and the bench's
    data; the rules the services check hold for every row written (band,
    cap, share of tasks).

    Set-based: the grades are drawn in Python from the ids alone, then written
    by a few UPDATEs per grade (scores spread over the band by id) and the
    decisions' counts by one grouped UPDATE; each changed row gets its '~'
    history row by one INSERT ... SELECT per table (`history_baseline`). About
    3 s for a province of 200,000 members where the ORM's bulk_update took
    minutes."""
    rng = random.Random(seed)
    year = campaign.year
    scored = rules.is_scored(year)
    # Each step on its due day (none after today): the cells propose, the
    # committees decide and announce.
    today = dt.date.today()
    proposed_on = max(campaign.opened_on, min(campaign.proposal_due, today))
    decided_on = max(proposed_on, min(campaign.decision_due, today))
    graded = MemberReview.objects.filter(campaign=campaign).exclude(status=ReviewStatus.NOT_GRADED)
    rows = list(graded.order_by("grassroots_id", "pk").values_list("pk", "grassroots_id"))
    by_grade = _assign(rows, year, rng)
    decision = Subquery(
        GradingDecision.objects.filter(
            campaign=campaign, grassroots_id=OuterRef("grassroots_id")
        ).values("pk")[:1]
    )
    for grade, ids in by_grade.items():
        score = _in_band(grade) if scored else Value(None, output_field=DecimalField())
        exceeded = (
            ExpressionWrapper(Value(30) + Mod(F("pk"), Value(31)), output_field=DecimalField())
            if grade == rules.Grade.EXCELLENT
            else Value(None, output_field=DecimalField())
        )
        for chunk in _chunks(ids):
            MemberReview.objects.filter(pk__in=chunk).update(
                strengths=STRENGTHS,
                shortcomings=SHORTCOMINGS,
                remedies=REMEDIES,
                self_grade=grade,
                proposed_grade=grade,
                grade=grade,
                self_score=score,
                proposed_score=score,
                score=score,
                self_reviewed_on=min(campaign.self_review_due, proposed_on),
                exceeded_percent=exceeded,
                status=ReviewStatus.ANNOUNCED,
                decision_id=decision,
            )
    reviews_of = MemberReview.objects.filter(decision_id=OuterRef("pk"))

    def count(grade: str) -> Subquery:
        return Subquery(
            reviews_of.filter(grade=grade)
            .order_by()
            .values("decision_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        )

    decisions = GradingDecision.objects.filter(campaign=campaign)
    decisions.update(
        excellent=Coalesce(count(rules.Grade.EXCELLENT), 0),
        good=Coalesce(count(rules.Grade.GOOD), 0),
        completed=Coalesce(count(rules.Grade.COMPLETED), 0),
        not_completed=Coalesce(count(rules.Grade.NOT_COMPLETED), 0),
        status=DecisionStatus.ANNOUNCED,
        decided_on=decided_on,
        announced_on=decided_on,
    )
    proposals = CellProposal.objects.filter(campaign=campaign)
    proposals.update(status=ProposalStatus.ANNOUNCED, proposed_on=proposed_on)
    gradings = OrganizationGrading.objects.filter(campaign=campaign)
    org_rows = list(gradings.order_by("pk").values_list("pk", flat=True))
    for grade, ids in _org_grades(org_rows, rng).items():
        score = _in_band(grade) if scored else Value(None, output_field=DecimalField())
        # Form 01's counts meeting the grade's conditions (QĐ 366 Điều 11).
        tasks_done, on_time, beyond = DEMO_TASKS[grade]
        for chunk in _chunks(ids):
            OrganizationGrading.objects.filter(pk__in=chunk).update(
                tasks=10,
                tasks_done=tasks_done,
                tasks_on_time=on_time,
                tasks_exceeded=beyond,
                shortcomings=2,
                shortcomings_fixed=2 if grade == rules.Grade.EXCELLENT else 1,
                report=f"Báo cáo kiểm điểm tập thể năm {year}.",
                self_grade=grade,
                grade=grade,
                self_score=score,
                score=score,
                self_graded_on=decided_on,
                decided_on=decided_on,
                status=OrgGradingStatus.DECIDED,
            )
    reason = f"Xếp loại năm {year} hàng loạt (dữ liệu mẫu)"
    for queryset in (graded, decisions, proposals, gradings):
        history_baseline(queryset, only_missing=False, history_type="~", reason=reason)
    for model, queryset in (
        (MemberReview, graded),
        (CellProposal, proposals),
        (GradingDecision, decisions),
        (OrganizationGrading, gradings),
    ):
        _close_cases(model, queryset.values("pk"), decided_on)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_on = decided_on
    campaign.save(update_fields=["status", "closed_on"])
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk write, as the seeder does: without them
        # the planner expects a handful of rows and sorts a province's on disk.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE grading_memberreview")
    return {grade: len(ids) for grade, ids in by_grade.items()}


def _org_grades(ids: list[int], rng: random.Random) -> dict[str, list[int]]:
    """`ids` by grade with the seed's shares (organisations: no cap)."""
    out: dict[str, list[int]] = {g: [] for g in rules.GRADES}
    for pk, grade in zip(ids, _grades_for(len(ids), rng), strict=True):
        out[grade].append(pk)
    return out


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
