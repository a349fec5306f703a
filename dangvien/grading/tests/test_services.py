"""The grading through the services: opening a campaign, the self-review, the
cell's proposal with its attachments, the committee's decision with the cap,
the announcement, the organisations' grading and the results table. Each
refusal writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.grading import selectors, services
from dangvien.grading.models import (
    CampaignStatus,
    CellProposal,
    DecisionStatus,
    GradingCampaign,
    GradingDecision,
    MemberReview,
    OrganizationGrading,
    ProposalStatus,
    ReviewStatus,
)
from dangvien.grading.services import GradeEntry
from dangvien.members.models import PostHeld
from dangvien.members.tests.factories import MemberFactory

D = dt.date
pytestmark = pytest.mark.usefixtures("today")


def _rows():
    return (
        GradingCampaign.objects.count(),
        MemberReview.objects.count(),
        CellProposal.objects.count(),
        GradingDecision.objects.count(),
        OrganizationGrading.objects.count(),
        Case.objects.count(),
        IssuedDocument.objects.count(),
        MemberReview.history.count(),
    )


def _snapshot():
    return sorted(
        MemberReview.objects.values_list(
            "pk", "status", "proposed_grade", "proposed_score", "grade", "attachments"
        )
    )


@pytest.fixture
def campaign(tree, members, people):
    return services.campaign_open(
        actor=people["board"], organization=tree["province"], year=2025, opened_on=D(2026, 1, 5)
    )


def _self_review_all(campaign, actor=SYSTEM, grade="good", score="80"):
    for review in campaign.reviews.filter(status=ReviewStatus.PENDING):
        services.self_review_submit(
            actor=actor,
            review=review,
            strengths="Hoàn thành nhiệm vụ được giao.",
            shortcomings="Còn chậm báo cáo.",
            remedies="Khắc phục ngay.",
            self_grade=grade,
            self_score=score,
            on=D(2026, 1, 10),
        )


def _propose(campaign, cell, grades, actor=SYSTEM):
    proposal = CellProposal.objects.get(campaign=campaign, cell=cell)
    reviews = campaign.reviews.filter(cell=cell).order_by("pk")
    entries = {r.pk: grades(i, r) for i, r in enumerate(reviews)}
    return services.proposal_submit(
        actor=actor, proposal=proposal, entries=entries, proposed_on=D(2026, 1, 15)
    )


def test_open_creates_reviews_proposals_decisions_and_cases(campaign, tree, members):
    assert campaign.ruleset == "366"
    assert campaign.reviews.count() == 12
    assert set(campaign.reviews.values_list("status", flat=True)) == {ReviewStatus.PENDING}
    assert campaign.proposals.count() == 3
    # Cells A and B under the commune (no grassroots committee: the commune
    # decides), cell C under the agency's grassroots committee.
    assert sorted(campaign.decisions.values_list("decided_by__name", flat=True)) == [
        "Đảng bộ Sở Y tế",
        "Đảng bộ xã Cẩm Xuyên",
    ]
    # Form 2B in the agency cell, 2C in the village cells.
    assert set(campaign.reviews.filter(cell=tree["cell_c"]).values_list("form", flat=True)) == {
        "2B"
    }
    assert set(campaign.reviews.filter(cell=tree["cell_a"]).values_list("form", flat=True)) == {
        "2C"
    }
    open_cases = Case.objects.filter(kind="grading", closed_on=None)
    assert open_cases.filter(step="self_review").count() == 12
    assert open_cases.filter(step="propose").count() == 3
    assert open_cases.filter(step="decide").count() == 2
    assert open_cases.filter(step="org_self").count() == 5
    assert MemberReview.history.count() == 12


def test_form_2a_for_a_member_holding_a_post(tree, members, people):
    PostHeld.objects.create(
        member=members["a"][1], kind="state", title="Trưởng thôn", start=D(2024, 1, 1)
    )
    campaign = services.campaign_open(
        actor=SYSTEM, organization=tree["commune"], year=2025, opened_on=D(2026, 1, 5)
    )
    assert campaign.reviews.get(member=members["a"][1]).form == "2A"


def test_new_member_not_graded_at_six_months_edge(tree, members):
    # Review on 15/01/2026: joined 16/07/2025 is a day short of 6 months;
    # joined 15/07/2025 has exactly 6 months and is graded.
    short = MemberFactory(
        organization=tree["cell_b"],
        admission_decision_date=D(2025, 7, 10),
        joining_date=D(2025, 7, 16),
        official_date=None,
        status="probationary",
    )
    exact = MemberFactory(
        organization=tree["cell_b"],
        admission_decision_date=D(2025, 7, 10),
        joining_date=D(2025, 7, 15),
        official_date=None,
        status="probationary",
    )
    campaign = services.campaign_open(
        actor=SYSTEM,
        organization=tree["commune"],
        year=2025,
        opened_on=D(2026, 1, 5),
        review_on=D(2026, 1, 15),
    )
    assert campaign.reviews.get(member=short).status == ReviewStatus.NOT_GRADED
    assert campaign.reviews.get(member=short).not_graded == "too_new"
    assert campaign.reviews.get(member=exact).status == ReviewStatus.PENDING


def test_open_refused_overlap_and_outside_and_bad_year(campaign, tree, people):
    before = _rows()
    with pytest.raises(DomainError) as exc:
        services.campaign_open(
            actor=SYSTEM, organization=tree["commune"], year=2025, opened_on=D(2026, 1, 6)
        )
    assert exc.value.code == "campaign_overlaps"
    with pytest.raises(DomainError) as exc:
        services.campaign_open(
            actor=people["other_office"],
            organization=tree["commune"],
            year=2024,
            opened_on=D(2026, 1, 6),
        )
    assert exc.value.code == "not_acting_body"
    with pytest.raises(DomainError) as exc:
        services.campaign_open(
            actor=SYSTEM, organization=tree["commune"], year=2027, opened_on=D(2026, 1, 6)
        )
    assert exc.value.code == "year_invalid"
    assert _rows() == before


def test_self_review_by_member_and_by_cell(campaign, members, people):
    own = campaign.reviews.get(member=members["a"][0])
    services.self_review_submit(
        actor=people["member"],
        review=own,
        strengths="Tốt.",
        shortcomings="Không có.",
        remedies="",
        self_grade="good",
        self_score="85,5",
        on=D(2026, 1, 10),
    )
    own.refresh_from_db()
    assert own.status == ReviewStatus.SELF_REVIEWED
    assert own.self_score == Decimal("85.5")
    assert not own.filled_by_cell
    assert (
        IssuedDocument.objects.get(pk=own.self_review_document_id).kind == DocumentKind.SELF_REVIEW
    )
    assert not Case.objects.filter(object_id=own.pk, step="self_review", closed_on=None).exists()
    other = campaign.reviews.get(member=members["a"][1])
    services.self_review_submit(
        actor=people["secretary_a"],
        review=other,
        strengths="Tốt.",
        shortcomings="Không có.",
        remedies="",
        self_grade="good",
        self_score="70",
    )
    other.refresh_from_db()
    assert other.filled_by_cell
    # The member may not write another member's review; cell B may not write A's.
    third = campaign.reviews.get(member=members["a"][2])
    for actor in (people["member"], people["secretary_b"]):
        with pytest.raises(DomainError) as exc:
            services.self_review_submit(
                actor=actor,
                review=third,
                strengths="x",
                shortcomings="y",
                remedies="",
                self_grade="good",
                self_score="80",
            )
        assert exc.value.code == "not_acting_body"


@pytest.mark.parametrize(
    ("grade", "score", "code"),
    [
        ("excellent", "89.99", "grade_outside_band"),
        ("good", "90", "grade_outside_band"),
        ("good", "69.99", "grade_outside_band"),
        ("completed", "70", "grade_outside_band"),
        ("completed", "49.99", "grade_outside_band"),
        ("good", "", "score_required"),
        ("good", "101", "score_invalid"),
        ("best", "80", "grade_invalid"),
    ],
)
def test_self_review_band_refused(campaign, members, grade, score, code):
    review = campaign.reviews.get(member=members["a"][0])
    before, snap = _rows(), _snapshot()
    with pytest.raises(DomainError) as exc:
        services.self_review_submit(
            actor=SYSTEM,
            review=review,
            strengths="x",
            shortcomings="y",
            remedies="",
            self_grade=grade,
            self_score=score,
        )
    assert exc.value.code == code
    assert exc.value.field == "self_grade" or exc.value.field == "self_score"
    assert "điểm" in exc.value.message or "Xếp loại" in exc.value.message
    assert (_rows(), _snapshot()) == (before, snap)


@pytest.mark.parametrize(
    ("grade", "score"),
    [
        ("excellent", "90"),
        ("good", "89.99"),
        ("good", "70"),
        ("completed", "50"),
        ("not_completed", "49.99"),
    ],
)
def test_self_review_band_edges_accepted(campaign, members, grade, score):
    review = campaign.reviews.get(member=members["a"][0])
    services.self_review_submit(
        actor=SYSTEM,
        review=review,
        strengths="x",
        shortcomings="y",
        remedies="",
        self_grade=grade,
        self_score=score,
    )
    review.refresh_from_db()
    assert (review.self_grade, review.self_score) == (grade, Decimal(score))


def test_propose_needs_every_self_review(campaign, tree):
    before, snap = _rows(), _snapshot()
    with pytest.raises(DomainError) as exc:
        _propose(campaign, tree["cell_a"], lambda i, r: GradeEntry("good", "80"))
    assert exc.value.code == "self_reviews_missing"
    assert (_rows(), _snapshot()) == (before, snap)


def test_propose_errors_at_each_field_write_nothing(campaign, tree):
    _self_review_all(campaign)
    before, snap = _rows(), _snapshot()
    with pytest.raises(RecordValidationError) as exc:
        _propose(
            campaign,
            tree["cell_a"],
            lambda i, r: GradeEntry("excellent", "80") if i == 0 else GradeEntry("good", "80"),
        )
    assert exc.value.code == "grade_outside_band"
    first = campaign.reviews.filter(cell=tree["cell_a"]).order_by("pk").first()
    assert list(exc.value.errors) == [f"grade_{first.pk}"]
    assert "từ 90 điểm trở lên" in exc.value.errors[f"grade_{first.pk}"][0]
    assert (_rows(), _snapshot()) == (before, snap)


def test_excellent_needs_thirty_percent_tasks_exceeding(campaign, tree):
    _self_review_all(campaign)
    before, snap = _rows(), _snapshot()
    with pytest.raises(RecordValidationError) as exc:
        _propose(
            campaign,
            tree["cell_a"],
            lambda i, r: (
                GradeEntry("excellent", "95", exceeded_percent="29.9")
                if i == 0
                else GradeEntry("good", "80")
            ),
        )
    assert exc.value.code == "excellent_tasks"
    assert (_rows(), _snapshot()) == (before, snap)
    _propose(
        campaign,
        tree["cell_a"],
        lambda i, r: (
            GradeEntry("excellent", "95", exceeded_percent="30")
            if i == 0
            else GradeEntry("good", "80")
        ),
    )
    assert campaign.reviews.filter(proposed_grade="excellent").count() == 1


def test_disciplined_member_forced_not_completed(campaign, tree, members, monkeypatch):
    _self_review_all(campaign)
    target = members["a"][2].pk
    monkeypatch.setattr(selectors, "disciplined_in_year", lambda member, year: member.pk == target)
    review = campaign.reviews.get(member_id=target)
    before, snap = _rows(), _snapshot()
    with pytest.raises(RecordValidationError) as exc:
        _propose(campaign, tree["cell_a"], lambda i, r: GradeEntry("good", "80"))
    assert exc.value.code == "disciplined"
    assert list(exc.value.errors) == [f"grade_{review.pk}"]
    assert (_rows(), _snapshot()) == (before, snap)
    _propose(
        campaign,
        tree["cell_a"],
        lambda i, r: (
            GradeEntry("not_completed", "80") if r.member_id == target else GradeEntry("good", "80")
        ),
    )
    review.refresh_from_db()
    assert review.proposed_grade == "not_completed"
    assert review.attachments["disciplined"] is True


def test_discipline_read_from_the_discipline_area(members, tree):
    """The discipline area's real record: counted in the year of its decision only."""
    from dangvien.discipline.tests.helpers import in_force

    member = members["a"][0]
    assert selectors.disciplined_in_year(member, 2025) is False
    in_force(member, tree)  # decided 07/03/2025
    assert selectors.disciplined_in_year(member, 2025) is True
    assert selectors.disciplined_in_year(member, 2024) is False
    assert selectors.disciplined_in_year(members["a"][1], 2025) is False


def test_suspended_member_not_graded_by_the_cell(campaign, tree):
    _self_review_all(campaign)
    _propose(
        campaign,
        tree["cell_b"],
        lambda i, r: GradeEntry(not_graded="suspended") if i == 0 else GradeEntry("good", "75"),
    )
    statuses = list(
        campaign.reviews.filter(cell=tree["cell_b"])
        .order_by("pk")
        .values_list("status", "not_graded")
    )
    assert statuses[0] == (ReviewStatus.NOT_GRADED, "suspended")
    assert statuses[1] == (ReviewStatus.PROPOSED, "")


def _decision(campaign, tree, key="commune"):
    return GradingDecision.objects.get(campaign=campaign, decided_by=tree[key])


def test_decide_needs_every_cell_and_checks_the_cap(campaign, tree, people):
    _self_review_all(campaign)
    # Cell A: 2 excellent, 4 good; cell B: 4 good. Good = 8, cap = floor(1.6) = 1.
    _propose(
        campaign,
        tree["cell_a"],
        lambda i, r: GradeEntry("excellent", "92", "50") if i < 2 else GradeEntry("good", "80"),
        actor=people["secretary_a"],
    )
    decision = _decision(campaign, tree)
    with pytest.raises(DomainError) as exc:
        services.decision_decide(
            actor=people["office"], decision=decision, decided_on=D(2026, 1, 18)
        )
    assert exc.value.code == "proposals_missing"
    assert "Chi bộ thôn Tây" in exc.value.message
    _propose(campaign, tree["cell_b"], lambda i, r: GradeEntry("good", "80"))
    before, snap = _rows(), _snapshot()
    with pytest.raises(DomainError) as exc:
        services.decision_decide(
            actor=people["office"], decision=decision, decided_on=D(2026, 1, 18)
        )
    assert exc.value.code == "over_cap"
    assert exc.value.field == "override_reason"
    assert (_rows(), _snapshot()) == (before, snap)
    # The cell's secretary is not the deciding committee.
    with pytest.raises(DomainError) as exc:
        services.decision_decide(
            actor=people["secretary_a"],
            decision=decision,
            decided_on=D(2026, 1, 18),
            override_reason="x",
        )
    assert exc.value.code == "not_acting_body"
    services.decision_decide(
        actor=people["office"],
        decision=decision,
        decided_on=D(2026, 1, 18),
        override_reason="Chi bộ thôn Đông có thành tích nổi bật được tỉnh khen thưởng",
    )
    decision.refresh_from_db()
    assert (decision.excellent, decision.good, decision.status) == (2, 8, DecisionStatus.DECIDED)
    assert decision.cap_override_reason.startswith("Chi bộ thôn Đông")
    assert IssuedDocument.objects.get(pk=decision.document_id).kind == DocumentKind.DECISION
    assert set(
        campaign.reviews.filter(grassroots=tree["commune"]).values_list("status", flat=True)
    ) == {ReviewStatus.DECIDED}
    assert Case.objects.get(object_id=decision.pk, step="announce", closed_on=None)


def test_cap_exactly_twenty_percent_passes(campaign, tree, people):
    _self_review_all(campaign)
    # One change at the decision: 1 excellent of 10 graded leaves 9 good, cap 1.
    _propose(
        campaign,
        tree["cell_a"],
        lambda i, r: GradeEntry("good", "80"),
    )
    _propose(campaign, tree["cell_b"], lambda i, r: GradeEntry("good", "80"))
    decision = _decision(campaign, tree)
    first = campaign.reviews.filter(cell=tree["cell_a"]).order_by("pk").first()
    second = campaign.reviews.filter(cell=tree["cell_a"]).order_by("pk")[1]
    # 2 excellent of 8 good: floor(1.6) = 1: refused; 1 excellent of 9: allowed.
    with pytest.raises(DomainError) as exc:
        services.decision_decide(
            actor=people["office"],
            decision=decision,
            decided_on=D(2026, 1, 18),
            changes={
                first.pk: GradeEntry("excellent", "91"),
                second.pk: GradeEntry("excellent", "91"),
            },
        )
    assert exc.value.code in ("over_cap", "excellent_tasks")
    # No tasks recorded and none stated: excellent refused at the decision too.
    with pytest.raises(RecordValidationError) as exc:
        services.decision_decide(
            actor=people["office"],
            decision=decision,
            decided_on=D(2026, 1, 18),
            changes={first.pk: GradeEntry("excellent", "91")},
        )
    assert exc.value.code == "excellent_tasks"


def test_announce_and_close_and_results(campaign, tree, people):
    _self_review_all(campaign)
    _propose(
        campaign,
        tree["cell_a"],
        lambda i, r: (
            GradeEntry("excellent", "95", "40")
            if i == 0
            else GradeEntry("completed", "60")
            if i == 1
            else GradeEntry("good", "80")
        ),
    )
    _propose(campaign, tree["cell_b"], lambda i, r: GradeEntry("good", "75"))
    _propose(campaign, tree["cell_c"], lambda i, r: GradeEntry("good", "75"))
    with pytest.raises(DomainError) as exc:
        services.campaign_close(actor=people["board"], campaign=campaign, on=D(2026, 1, 19))
    assert exc.value.code == "not_all_announced"
    for decision in campaign.decisions.all():
        services.decision_decide(actor=SYSTEM, decision=decision, decided_on=D(2026, 1, 18))
        with pytest.raises(DomainError) as exc:
            services.decision_announce(actor=SYSTEM, decision=decision, announced_on=D(2026, 1, 17))
        assert exc.value.code == "date_invalid"
        services.decision_announce(actor=SYSTEM, decision=decision, announced_on=D(2026, 1, 19))
    assert set(campaign.reviews.values_list("status", flat=True)) == {ReviewStatus.ANNOUNCED}
    assert set(campaign.proposals.values_list("status", flat=True)) == {ProposalStatus.ANNOUNCED}
    rows, total = selectors.results_table(tree["province"], 2025)
    assert [r.name for r in rows] == ["Đảng bộ xã Cẩm Xuyên", "Đảng bộ Sở Y tế"]
    assert (total.excellent, total.good, total.completed, total.not_completed) == (1, 10, 1, 0)
    assert total.share("good") == Decimal("83.33")
    assert total.share("excellent") == Decimal("8.33")
    assert selectors.results_table_sql(tree["province"], 2025)[1] == total
    commune_rows, _ = selectors.results_table(tree["commune"], 2025)
    assert [(r.name, r.graded) for r in commune_rows] == [
        ("Chi bộ thôn Đông", 6),
        ("Chi bộ thôn Tây", 4),
    ]
    services.campaign_close(actor=people["board"], campaign=campaign, on=D(2026, 1, 20))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert not Case.objects.filter(
        kind="grading", closed_on=None, step__in=["self_review", "propose", "decide", "announce"]
    ).exists()


def test_year_2024_graded_under_qd_124_without_scores(tree, members):
    campaign = services.campaign_open(
        actor=SYSTEM, organization=tree["agency"], year=2024, opened_on=D(2025, 1, 5)
    )
    assert campaign.ruleset == "124"
    _self_review_all(campaign, grade="excellent", score="")
    _propose(campaign, tree["cell_c"], lambda i, r: GradeEntry("good" if i else "excellent"))
    review = campaign.reviews.order_by("pk").first()
    assert (review.proposed_grade, review.proposed_score) == ("excellent", None)
    decision = campaign.decisions.get()
    # 1 excellent for 1 good: cap floor(0.2) = 0 under QĐ 124 too.
    with pytest.raises(DomainError) as exc:
        services.decision_decide(actor=SYSTEM, decision=decision, decided_on=D(2025, 1, 20))
    assert exc.value.code == "over_cap"


def test_organization_grading_form_01(campaign, tree, people):
    grading = OrganizationGrading.objects.get(campaign=campaign, organization=tree["cell_a"])
    services.organization_self_grade(
        actor=people["secretary_a"],
        grading=grading,
        report="Chi bộ hoàn thành các chỉ tiêu nghị quyết.",
        self_grade="good",
        self_score="85",
        on=D(2026, 1, 12),
        tasks=10,
        tasks_done=10,
        tasks_on_time=10,
        tasks_exceeded=1,
    )
    before = _rows()
    with pytest.raises(DomainError) as exc:
        services.organization_decide(
            actor=people["office"],
            grading=grading,
            grade="excellent",
            score="85",
            on=D(2026, 1, 16),
        )
    assert exc.value.code == "grade_outside_band"
    with pytest.raises(DomainError) as exc:
        services.organization_decide(
            actor=people["secretary_a"],
            grading=grading,
            grade="good",
            score="85",
            on=D(2026, 1, 16),
        )
    assert exc.value.code == "not_acting_body"
    assert _rows() == before
    services.organization_decide(
        actor=people["office"], grading=grading, grade="good", score="85", on=D(2026, 1, 16)
    )
    grading.refresh_from_db()
    assert grading.grade == "good"
    assert selectors.organization_results(tree["commune"], 2025)["good"] == 1
