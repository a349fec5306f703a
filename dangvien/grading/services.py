"""The yearly review and grading: one function per business action, keyword
only with the acting user first, each in one transaction. A step locks its
row, asks the table (`workflow.GRADING.require`: `out_of_order`,
`not_acting_body`), checks its input against `rules`, writes with history
and keeps the open cases in step. A refused action raises DomainError (a
RecordValidationError with a message per field for a cell's list) and
writes nothing.

Opening a campaign creates every member's review, every cell's proposal,
every grassroots decision and every organisation's grading of the subtree in
bulk (a province has some 200,000 members).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from simple_history.utils import bulk_update_with_history

from dangvien.compliance.models import Case
from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor, history_user, with_history_user
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.members.models import ACTIVE_STATUSES, Member, PostHeld
from dangvien.organizations.models import Level, Organization
from dangvien.seeding.baseline import history_baseline

from . import papers, rules, selectors
from .errors import GradingError
from .models import (
    CampaignStatus,
    CellProposal,
    DecisionStatus,
    GradingCampaign,
    GradingDecision,
    MemberReview,
    NotGraded,
    OrganizationGrading,
    OrgGradingStatus,
    ProposalStatus,
    ReviewStatus,
)
from .workflow import GRADING, deciding_of, grassroots_of

OPEN_LABEL = "Mở đợt kiểm điểm, đánh giá, xếp loại"
CLOSE_LABEL = "Kết thúc đợt đánh giá, tổng hợp kết quả"
CELL_LEVELS = (Level.CELL, Level.GRASSROOTS_CELL)
FIRST_YEAR = 2018  # QĐ 132: the four grades (R6.1)


def _today() -> dt.date:
    return dt.date.today()


def _save(obj, actor: Actor) -> None:
    with_history_user(obj, actor)
    obj.save()


def _text(value: str | None, field: str, limit: int, *, required: str = "") -> str:
    value = (value or "").replace("\x00", "").strip()
    if "<" in value or ">" in value:
        raise GradingError.ANGLE_BRACKETS.error(field=field)
    if required and not value:
        raise GradingError.TEXT_REQUIRED.error(field=field, what=required)
    return value[:limit]


def _not_future(day: dt.date, field: str) -> None:
    if day > _today():
        raise GradingError.DATE_INVALID.error(field=field, why="ngày chưa đến")


def _require_open(campaign: GradingCampaign) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise GradingError.CAMPAIGN_CLOSED.error(field="campaign", year=campaign.year)


def _content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _open_cases(objs: Iterable, model, on: dt.date) -> None:
    """Open the case of each new object in bulk (what sync_case does one by one)."""
    ct = _content_type(model)
    cases = []
    for obj in objs:
        step = GRADING.awaited(obj).get("")
        if step is None:
            continue
        values = GRADING.case_values(obj, step)
        cases.append(Case(content_type=ct, object_id=obj.pk, slot="", opened_on=on, **values))
    Case.objects.bulk_create(cases, batch_size=2000)


def _close_cases(model, ids: Iterable[int] | QuerySet, on: dt.date) -> None:
    """Close the open cases of the records `ids` of `model` on `on` (`ids` a
    list or a queryset of ids, read in the database)."""
    Case.objects.filter(
        content_type=_content_type(model),
        object_id__in=ids if isinstance(ids, QuerySet) else list(ids),
        closed_on=None,
    ).update(closed_on=on)


# --- opening a campaign ---------------------------------------------------------


@transaction.atomic
def campaign_open(
    *,
    actor: Actor,
    organization: Organization,
    year: int,
    opened_on: dt.date,
    review_on: dt.date | None = None,
) -> GradingCampaign:
    """Open the review of `year` over `organization`'s subtree with the rules of
    that year (R6.2: QĐ 124 for 2024 and before, QĐ 366 from 2025): a review
    for each active member (form 2A/2B/2C by the member's situation; members
    exempted on 31/12 or admitted under NEW_MEMBER_MONTHS before `review_on`
    are marked not graded, R6.6), a proposal for each cell, a decision for each
    grassroots organisation and a grading (form 01) for each organisation
    below. Open cases: self-reviews missing, proposals, decisions.

    Raises DomainError `not_acting_body`, `year_invalid`, `not_a_committee`,
    `campaign_overlaps`, `no_members`, `date_invalid`."""
    require_act_at(actor, organization, OPEN_LABEL, Body.GRASSROOTS)
    if not FIRST_YEAR <= year <= opened_on.year:
        raise GradingError.YEAR_INVALID.error(field="year", latest=opened_on.year)
    if organization.level in (Level.CELL, Level.PARTY_GROUP):
        raise GradingError.NOT_A_COMMITTEE.error(
            field="organization", organization=organization.name
        )
    _not_future(opened_on, "opened_on")
    review_on = review_on or opened_on
    if review_on.year not in (year, year + 1):
        raise GradingError.DATE_INVALID.error(
            field="review_on", why=f"ngày kiểm điểm phải trong năm {year} hoặc đầu năm {year + 1}"
        )
    prefixes = [organization.path[:i] for i in range(4, len(organization.path) + 1, 4)]
    overlap = (
        GradingCampaign.objects.filter(year=year)
        .filter(Q(org_path__in=prefixes) | Q(org_path__startswith=organization.path))
        .select_related("organization")
        .first()
    )
    if overlap is not None:
        raise GradingError.CAMPAIGN_OVERLAPS.error(
            field="organization", year=year, organization=overlap.organization.name
        )
    self_due, proposal_due, decision_due = rules.step_dues(opened_on, year)
    campaign = GradingCampaign(
        organization=organization,
        org_path=organization.path,
        year=year,
        ruleset=rules.ruleset(year),
        opened_on=opened_on,
        review_on=review_on,
        self_review_due=self_due,
        proposal_due=proposal_due,
        decision_due=decision_due,
        created_by=history_user(actor),
    )
    _save(campaign, actor)
    count = populate(actor=actor, campaign=campaign)
    if not count:
        raise GradingError.NO_MEMBERS.error(field="organization")
    return campaign


def populate(*, actor: Actor, campaign: GradingCampaign) -> int:
    """Create the campaign's reviews, proposals, decisions and organisation
    gradings in bulk, with their history and open cases (inside the caller's
    transaction). Returns the number of member reviews."""
    organization = campaign.organization
    year = campaign.year
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(
            Q(path__startswith=organization.path)
            | Q(path__in=[organization.path[:i] for i in range(4, len(organization.path), 4)])
        )
    }
    chain = list(orgs.values())
    for o in chain:  # parents from memory: no query per cell or committee
        if o.parent_id in orgs:
            o.parent = orgs[o.parent_id]
    committees = {o.path: o for o in chain if o.level == Level.GRASSROOTS_COMMITTEE}
    already = MemberReview.objects.filter(year=year).values("member_id")
    members = list(
        Member.objects.filter(org_path__startswith=organization.path, status__in=ACTIVE_STATUSES)
        .exclude(pk__in=already)
        .only("pk", "organization_id", "joining_date", "family_name", "middle_name", "given_name")
    )
    ids = [m.pk for m in members]
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    holding_post = set()
    for chunk in range(0, len(ids), 20000):
        holding_post |= set(
            PostHeld.objects.filter(member_id__in=ids[chunk : chunk + 20000], start__lte=last)
            .filter(Q(end__isnull=True) | Q(end__gte=first))
            .values_list("member_id", flat=True)
        )
    exempted: set[int] = set()
    for chunk in range(0, len(ids), 20000):
        exempted |= selectors.not_graded_by_exemption(ids[chunk : chunk + 20000], year)
    grassroots_by_cell: dict[int, Organization] = {}
    reviews: list[MemberReview] = []
    cells: dict[int, Organization] = {}
    user = history_user(actor)
    for m in members:
        own = orgs[m.organization_id]
        cell = (
            own
            if own.level in CELL_LEVELS or own.parent_id is None
            else orgs.get(own.parent_id, own)
        )
        cells[cell.pk] = cell
        if cell.pk not in grassroots_by_cell:
            grassroots_by_cell[cell.pk] = grassroots_of(cell, committees=committees)
        grassroots = grassroots_by_cell[cell.pk]
        not_graded = ""
        if m.pk in exempted:
            not_graded = NotGraded.EXEMPTED
        elif rules.too_new_to_grade(m.joining_date, campaign.review_on, year):
            not_graded = NotGraded.TOO_NEW
        review = MemberReview(
            campaign=campaign,
            year=year,
            member=m,
            cell=cell,
            cell_path=cell.path,
            grassroots=grassroots,
            grassroots_path=grassroots.path,
            form=rules.form_for(m.pk in holding_post, cell.unit_type),
            status=ReviewStatus.NOT_GRADED if not_graded else ReviewStatus.PENDING,
            not_graded=not_graded,
            updated_by=user,
        )
        reviews.append(review)
    _created(reviews, MemberReview, actor=actor, campaign=campaign)
    reviews = _reloaded(MemberReview, reviews, campaign=campaign)
    proposals = [
        CellProposal(
            campaign=campaign,
            cell=cell,
            cell_path=cell.path,
            grassroots=grassroots_by_cell[cell.pk],
            updated_by=user,
        )
        for cell in sorted(cells.values(), key=lambda c: c.path)
    ]
    _created(proposals, CellProposal, actor=actor, campaign=campaign)
    proposals = _reloaded(CellProposal, proposals, campaign=campaign)
    grassroots_all = {g.pk: g for g in grassroots_by_cell.values()}
    decisions = []
    for g in sorted(grassroots_all.values(), key=lambda o: o.path):
        deciding = deciding_of(g)
        if deciding.parent_id and deciding.parent_id in orgs:
            deciding.parent = orgs[deciding.parent_id]
        decisions.append(
            GradingDecision(
                campaign=campaign,
                grassroots=g,
                grassroots_path=g.path,
                decided_by=deciding,
                updated_by=user,
            )
        )
    _created(decisions, GradingDecision, actor=actor, campaign=campaign)
    decisions = _reloaded(GradingDecision, decisions, campaign=campaign)
    graded_orgs = set(
        OrganizationGrading.objects.filter(
            year=year, org_path__startswith=organization.path
        ).values_list("organization_id", flat=True)
    )
    gradings = [
        OrganizationGrading(
            campaign=campaign,
            year=year,
            organization=o,
            org_path=o.path,
            updated_by=user,
        )
        for o in sorted(orgs.values(), key=lambda o: o.path)
        if o.path.startswith(organization.path)
        and o.path != organization.path
        and o.level != Level.PARTY_GROUP
        and o.valid_to is None
        and o.pk not in graded_orgs
    ]
    _created(gradings, OrganizationGrading, actor=actor, campaign=campaign)
    gradings = _reloaded(OrganizationGrading, gradings, campaign=campaign)
    for grading in gradings:
        grading.organization = orgs[grading.organization_id]
        parent_id = grading.organization.parent_id
        if parent_id in orgs:
            grading.organization.parent = orgs[parent_id]
    on = campaign.opened_on
    _open_cases([r for r in reviews if r.status == ReviewStatus.PENDING], MemberReview, on)
    _open_cases(proposals, CellProposal, on)
    _open_cases(decisions, GradingDecision, on)
    _open_cases([g for g in gradings if g.organization.parent_id], OrganizationGrading, on)
    return len(reviews)


def _created(objs: list, model, *, actor: Actor, campaign: GradingCampaign) -> None:
    """Insert the campaign's new `objs` of `model` in bulk and give each its '+'
    history row by one INSERT ... SELECT (django-simple-history's own bulk
    path builds a second object per row: half the time of opening a
    province's campaign)."""
    model.objects.bulk_create(objs, batch_size=2000)
    history_baseline(
        model.objects.filter(campaign=campaign),
        actor=actor,
        reason=f"Mở đợt kiểm điểm năm {campaign.year}",
        only_missing=False,
    )


def _reloaded(model, objs: list, *, campaign: GradingCampaign) -> list:
    """The objects with their primary keys (bulk inserts do not return them on
    every backend), related rows attached."""
    if all(o.pk for o in objs):
        for o in objs:
            o.campaign = campaign
        return objs
    fresh = list(model.objects.filter(campaign=campaign).select_related())
    for o in fresh:
        o.campaign = campaign
    return fresh


# --- the member's self-review ---------------------------------------------------


def _score_value(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise GradingError.SCORE_INVALID.error(field=field) from None
    if not Decimal(0) <= score <= Decimal(100) or score != score.quantize(Decimal("0.01")):
        raise GradingError.SCORE_INVALID.error(field=field)
    return score


def _grade_value(value: str, field: str) -> str:
    if value not in rules.GRADES:
        raise GradingError.GRADE_INVALID.error(field=field, value=value)
    return value


def check_grade(
    *,
    name: str,
    year: int,
    grade: str,
    score: Decimal | None,
    exceeded: Decimal | None,
    disciplined: bool,
    field: str,
    check_tasks: bool = True,
) -> None:
    """A grade against the rules of `year`: the score's band (R6.3, QĐ 366),
    the share of tasks exceeding for excellent (R6.3), the grade forced by a
    discipline in the year (R6.5). Raises DomainError at `field`:
    `score_required`, `grade_outside_band`, `excellent_tasks`, `disciplined`."""
    forced = rules.forced_grade(disciplined)
    if forced is not None and grade != forced:
        raise GradingError.DISCIPLINED.error(field=field, name=name, year=year)
    if rules.is_scored(year):
        if score is None:
            raise GradingError.SCORE_REQUIRED.error(field=field, year=year)
        band = rules.grade_for_score(score, year)
        # A disciplined member is not completed whatever the score (R6.5).
        if band != grade and forced is None:
            raise GradingError.GRADE_OUTSIDE_BAND.error(
                field=field,
                score=papers._score(score),
                band=rules.GRADE_LABELS[band],
                grade=rules.GRADE_LABELS[grade],
                range=rules.band_text(grade, year),
            )
    if (
        check_tasks
        and grade == rules.Grade.EXCELLENT
        and not rules.excellent_task_share_met(exceeded, year)
    ):
        raise GradingError.EXCELLENT_TASKS.error(
            field=field,
            name=name,
            needed=rules.EXCEEDED_SHARE_FOR_EXCELLENT.on(rules.review_day(year)),
            share=f"{exceeded}%" if exceeded is not None else "chưa có số liệu nhiệm vụ",
        )


def _locked_review(review: MemberReview) -> MemberReview:
    return (
        MemberReview.objects.select_for_update(of=("self",))
        .select_related("member", "cell", "cell__parent", "campaign", "grassroots")
        .get(pk=review.pk)
    )


@transaction.atomic
def self_review_submit(
    *,
    actor: Actor,
    review: MemberReview,
    strengths: str,
    shortcomings: str,
    remedies: str,
    self_grade: str,
    self_score=None,
    form: str | None = None,
    on: dt.date | None = None,
    step: str | None = None,
) -> MemberReview:
    """The member's self-review on form 2A/2B/2C (step `self_review`, or
    `self_review_edit` once given), by the member or for them by the cell;
    the self-review paper is issued (DocumentKind.SELF_REVIEW) or rewritten.
    Under QĐ 366 the member scores themself on the 100-point scale and the
    grade must match the band (R6.3).

    `step` is the step the caller's page or URL names ("self_review" or
    "self_review_edit"): when the review's state no longer allows it (a stale
    page: given meanwhile, or already proposed) nothing is written and
    `step_stale` is raised. None (scripts, the demo): the step of the state.

    Raises DomainError: the workflow's codes, `step_stale`, `campaign_closed`,
    `text_required`, `form_invalid`, `grade_invalid`, `score_invalid`,
    `score_required`, `grade_outside_band`."""
    review = _locked_review(review)
    current = "self_review" if review.status == ReviewStatus.PENDING else "self_review_edit"
    if step is not None and step != current:
        raise stale_step_error(review, step)
    GRADING.require(review, current, actor)
    _require_open(review.campaign)
    on = on or _today()
    _not_future(on, "on")
    if form is not None and form != "":
        if form not in rules.FORM_LABELS:
            raise GradingError.FORM_INVALID.error(field="form", value=form)
        review.form = form
    review.strengths = _text(strengths, "strengths", 20000, required="ưu điểm, kết quả đạt được")
    review.shortcomings = _text(
        shortcomings, "shortcomings", 20000, required="hạn chế, khuyết điểm"
    )
    review.remedies = _text(remedies, "remedies", 20000)
    grade = _grade_value(self_grade, "self_grade")
    score = _score_value(self_score, "self_score")
    check_grade(
        name=review.member.full_name,
        year=review.year,
        grade=grade,
        score=score if rules.is_scored(review.year) else None,
        exceeded=None,
        disciplined=False,
        field="self_grade",
        check_tasks=False,
    )
    review.self_grade = grade
    review.self_score = score if rules.is_scored(review.year) else None
    review.self_reviewed_on = on
    member_id = getattr(getattr(actor, "member", None), "pk", None)
    review.filled_by_cell = member_id != review.member_id
    review.status = ReviewStatus.SELF_REVIEWED
    review.updated_by = history_user(actor)
    papers.self_review_issue(actor, review)
    _save(review, actor)
    GRADING.sync_case(review, on=on)
    return review


SELF_REVIEW_STEPS = ("self_review", "self_review_edit")


def stale_step_error(review: MemberReview, step: str) -> DomainError:
    """`step_stale` for a self-review step `step` the review's state does not
    allow (the page was opened before the review moved on)."""
    labels = {
        "self_review": "ghi bản tự kiểm điểm",
        "self_review_edit": "sửa bản tự kiểm điểm",
    }
    return GradingError.STEP_STALE.error(
        field="step",
        step=labels.get(step, step),
        state=review.get_status_display(),
    )


# --- the cell's proposal ------------------------------------------------------------


@dataclass(frozen=True)
class GradeEntry:
    """One member's line of a proposal or a decision: the grade and score, the
    share of tasks exceeding when no task is recorded, or why not graded
    ("suspended" is for the cell to state)."""

    grade: str = ""
    score: Decimal | str | None = None
    exceeded_percent: Decimal | str | None = None
    not_graded: str = ""


def _locked_proposal(proposal: CellProposal) -> CellProposal:
    return (
        CellProposal.objects.select_for_update(of=("self",))
        .select_related("cell", "cell__parent", "campaign", "grassroots")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_submit(
    *,
    actor: Actor,
    proposal: CellProposal,
    entries: Mapping[int, GradeEntry],
    proposed_on: dt.date,
    note: str = "",
) -> CellProposal:
    """The cell proposes its members' grades (step `propose`), having read the
    attachments (residence or host comment, attendance, tasks, dues arrears,
    discipline), which are kept with each review. `entries` maps review id to
    the line. Every member graded must have a self-review; a member exempted
    on 31/12 or too new is not graded whatever the line says; the cell states
    a suspension. The submission paper is issued.

    Raises DomainError: the workflow's codes, `campaign_closed`,
    `self_reviews_missing`; RecordValidationError with one message per
    member's field (`grade_<review id>`): `grade_missing`, `grade_invalid`,
    `score_invalid`, `score_required`, `grade_outside_band`,
    `excellent_tasks`, `disciplined`, `not_graded_reason_invalid`."""
    proposal = _locked_proposal(proposal)
    GRADING.require(proposal, "propose", actor)
    campaign = proposal.campaign
    _require_open(campaign)
    _not_future(proposed_on, "proposed_on")
    note = _text(note, "note", 5000)
    reviews = list(
        MemberReview.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, cell=proposal.cell)
        .select_related("member", "cell")
        .order_by("member__sort_key", "pk")
    )
    year = campaign.year
    exempted = selectors.not_graded_by_exemption([r.member_id for r in reviews], year)
    facts = selectors.attachments_for(
        proposal.cell, year, [r.member_id for r in reviews], today=proposed_on
    )
    errors: dict[str, list[str]] = {}
    codes: list[str] = []
    missing = []
    for review in reviews:
        field = f"grade_{review.pk}"
        entry = entries.get(review.pk, GradeEntry())
        name = review.member.full_name
        reason = ""
        if review.member_id in exempted:
            reason = NotGraded.EXEMPTED
        elif rules.too_new_to_grade(review.member.joining_date, campaign.review_on, year):
            reason = NotGraded.TOO_NEW
        elif entry.not_graded:
            if entry.not_graded not in NotGraded.values:
                errors[field] = [GradingError.NOT_DISCIPLINE_REASON.text(value=entry.not_graded)]
                codes.append(GradingError.NOT_DISCIPLINE_REASON.code)
                continue
            reason = entry.not_graded
        fact = facts[review.member_id]
        review.attachments = fact.as_json()
        if reason:
            review.not_graded = reason
            review.status = ReviewStatus.NOT_GRADED
            review.proposed_grade = ""
            review.proposed_score = None
            continue
        if review.status not in (ReviewStatus.SELF_REVIEWED, ReviewStatus.PROPOSED):
            missing.append(name)
            continue
        try:
            if not entry.grade:
                raise GradingError.GRADE_MISSING.error(field=field, name=name)
            grade = _grade_value(entry.grade, field)
            score = _score_value(entry.score, field) if rules.is_scored(year) else None
            share = fact.exceeded_share
            if share is None and entry.exceeded_percent not in (None, ""):
                share = _score_value(entry.exceeded_percent, field)
            check_grade(
                name=name,
                year=year,
                grade=grade,
                score=score,
                exceeded=share,
                disciplined=fact.disciplined,
                field=field,
            )
        except DomainError as exc:
            errors[field] = [exc.message]
            codes.append(exc.code)
            continue
        review.proposed_grade = grade
        review.proposed_score = score
        review.exceeded_percent = share
        review.not_graded = ""
        review.status = ReviewStatus.PROPOSED
    if missing:
        raise GradingError.SELF_REVIEWS_MISSING.error(field="entries", names=", ".join(missing))
    if errors:
        raise RecordValidationError(errors, code=codes[0])
    user = history_user(actor)
    for review in reviews:
        review.updated_by = user
    bulk_update_with_history(
        reviews,
        MemberReview,
        [
            "attachments",
            "not_graded",
            "status",
            "proposed_grade",
            "proposed_score",
            "exceeded_percent",
            "updated_by",
        ],
        default_user=user,
    )
    _close_cases(MemberReview, [r.pk for r in reviews], proposed_on)
    proposal.status = ProposalStatus.PROPOSED
    proposal.proposed_on = proposed_on
    proposal.note = note
    proposal.updated_by = user
    document = papers.proposal_issue(actor, proposal, reviews)
    proposal.document_id = document.pk
    _save(proposal, actor)
    GRADING.sync_case(proposal, on=proposed_on)
    return proposal


# --- the committee's decision ------------------------------------------------------


def _locked_decision(decision: GradingDecision) -> GradingDecision:
    return (
        GradingDecision.objects.select_for_update(of=("self",))
        .select_related("grassroots", "decided_by", "decided_by__parent", "campaign")
        .get(pk=decision.pk)
    )


@transaction.atomic
def decision_decide(
    *,
    actor: Actor,
    decision: GradingDecision,
    decided_on: dt.date,
    changes: Mapping[int, GradeEntry] | None = None,
    override_reason: str = "",
) -> GradingDecision:
    """The competent committee decides the grades of the grassroots
    organisation's members (step `decide`) from its cells' proposals, changing
    any it sees fit (`changes`, review id to line, checked as the cell's).
    R6.4: excellent may not exceed EXCELLENT_CAP_PERCENT of good in the
    grassroots organisation unless the committee records its reason
    (`override_reason`). The decision paper is issued.

    Raises DomainError: the workflow's codes, `campaign_closed`,
    `proposals_missing`, `over_cap` (field `override_reason`),
    `review_not_in_proposal`; RecordValidationError for a changed line."""
    decision = _locked_decision(decision)
    GRADING.require(decision, "decide", actor)
    campaign = decision.campaign
    _require_open(campaign)
    _not_future(decided_on, "decided_on")
    override_reason = _text(override_reason, "override_reason", 500)
    waiting = list(
        CellProposal.objects.filter(
            campaign=campaign, grassroots=decision.grassroots, status=ProposalStatus.OPEN
        )
        .select_related("cell")
        .order_by("cell_path")
    )
    if waiting:
        raise GradingError.PROPOSALS_MISSING.error(
            field="decision", names=", ".join(p.cell.name for p in waiting)
        )
    reviews = list(
        MemberReview.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, grassroots=decision.grassroots)
        .select_related("member")
        .order_by("cell_path", "member__sort_key", "pk")
    )
    by_pk = {r.pk: r for r in reviews}
    year = campaign.year
    errors: dict[str, list[str]] = {}
    codes: list[str] = []
    for pk, entry in (changes or {}).items():
        review = by_pk.get(pk)
        field = f"grade_{pk}"
        if review is None or review.status != ReviewStatus.PROPOSED:
            raise GradingError.REVIEW_NOT_IN_PROPOSAL.error(field=field)
        try:
            grade = _grade_value(entry.grade, field)
            score = _score_value(entry.score, field) if rules.is_scored(year) else None
            share = review.exceeded_percent
            check_grade(
                name=review.member.full_name,
                year=year,
                grade=grade,
                score=score,
                exceeded=share,
                disciplined=bool((review.attachments or {}).get("disciplined")),
                field=field,
            )
        except DomainError as exc:
            errors[field] = [exc.message]
            codes.append(exc.code)
            continue
        review.proposed_grade, review.proposed_score = grade, score
    if errors:
        raise RecordValidationError(errors, code=codes[0])
    graded = [r for r in reviews if r.status == ReviewStatus.PROPOSED]
    counts = {g: sum(1 for r in graded if r.proposed_grade == g) for g in rules.GRADES}
    if (
        rules.over_cap(counts[rules.Grade.EXCELLENT], counts[rules.Grade.GOOD], year)
        and not override_reason
    ):
        raise GradingError.OVER_CAP.error(
            field="override_reason",
            excellent=counts[rules.Grade.EXCELLENT],
            good=counts[rules.Grade.GOOD],
            cap=rules.excellent_cap(counts[rules.Grade.GOOD], year),
            percent=rules.EXCELLENT_CAP_PERCENT.on(rules.review_day(year)),
            organization=decision.grassroots.name,
        )
    user = history_user(actor)
    for review in graded:
        review.grade = review.proposed_grade
        review.score = review.proposed_score
        review.status = ReviewStatus.DECIDED
        review.decision = decision
        review.updated_by = user
    bulk_update_with_history(
        graded,
        MemberReview,
        ["proposed_grade", "proposed_score", "grade", "score", "status", "decision", "updated_by"],
        default_user=user,
    )
    decision.excellent = counts[rules.Grade.EXCELLENT]
    decision.good = counts[rules.Grade.GOOD]
    decision.completed = counts[rules.Grade.COMPLETED]
    decision.not_completed = counts[rules.Grade.NOT_COMPLETED]
    over = rules.over_cap(decision.excellent, decision.good, year)
    decision.cap_override_reason = override_reason if over else ""
    decision.status = DecisionStatus.DECIDED
    decision.decided_on = decided_on
    decision.updated_by = user
    document = papers.decision_issue(actor, decision, graded)
    decision.document_id = document.pk
    _save(decision, actor)
    proposals = list(
        CellProposal.objects.select_for_update(of=("self",)).filter(
            campaign=campaign, grassroots=decision.grassroots
        )
    )
    for p in proposals:
        p.status = ProposalStatus.DECIDED
        p.updated_by = user
    bulk_update_with_history(proposals, CellProposal, ["status", "updated_by"], default_user=user)
    GRADING.sync_case(decision, on=decided_on)
    return decision


@transaction.atomic
def decision_announce(
    *, actor: Actor, decision: GradingDecision, announced_on: dt.date
) -> GradingDecision:
    """The results are announced to the cells and members (step `announce`).

    Raises DomainError: the workflow's codes, `date_invalid`."""
    decision = _locked_decision(decision)
    GRADING.require(decision, "announce", actor)
    _not_future(announced_on, "announced_on")
    if decision.decided_on and announced_on < decision.decided_on:
        raise GradingError.DATE_INVALID.error(field="announced_on", why="trước ngày quyết định")
    user = history_user(actor)
    reviews = list(
        MemberReview.objects.select_for_update(of=("self",)).filter(
            decision=decision, status=ReviewStatus.DECIDED
        )
    )
    for review in reviews:
        review.status = ReviewStatus.ANNOUNCED
        review.updated_by = user
    bulk_update_with_history(reviews, MemberReview, ["status", "updated_by"], default_user=user)
    proposals = list(
        CellProposal.objects.select_for_update(of=("self",)).filter(
            campaign=decision.campaign, grassroots=decision.grassroots
        )
    )
    for p in proposals:
        p.status = ProposalStatus.ANNOUNCED
        p.updated_by = user
    bulk_update_with_history(proposals, CellProposal, ["status", "updated_by"], default_user=user)
    decision.status = DecisionStatus.ANNOUNCED
    decision.announced_on = announced_on
    decision.updated_by = user
    _save(decision, actor)
    GRADING.sync_case(decision, on=announced_on)
    return decision


# --- organisations (form 01) -------------------------------------------------------


def _locked_org_grading(grading: OrganizationGrading) -> OrganizationGrading:
    return (
        OrganizationGrading.objects.select_for_update(of=("self",))
        .select_related("organization", "organization__parent", "campaign")
        .get(pk=grading.pk)
    )


def _count(value, field: str, year: int) -> int | None:
    """A count stated on form 01: None when empty; a whole number from 0."""
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise GradingError.COLLECTIVE_TASKS_MISSING.error(field=field, year=year) from None
    if number < 0 or number > 1_000_000:
        raise GradingError.COLLECTIVE_TASKS_MISSING.error(field=field, year=year)
    return number


COLLECTIVE_ERRORS = {
    "collective_tasks_missing": GradingError.COLLECTIVE_TASKS_MISSING,
    "collective_on_time": GradingError.COLLECTIVE_ON_TIME,
    "collective_exceeded": GradingError.COLLECTIVE_EXCEEDED,
    "collective_shortcomings": GradingError.COLLECTIVE_SHORTCOMINGS,
    "collective_discipline": GradingError.COLLECTIVE_DISCIPLINE,
    "collective_done": GradingError.COLLECTIVE_DONE,
    "collective_late": GradingError.COLLECTIVE_LATE,
}
# The field of form 01 each failure is shown at.
COLLECTIVE_FIELDS = {
    "collective_tasks_missing": "tasks",
    "collective_on_time": "tasks_on_time",
    "collective_exceeded": "tasks_exceeded",
    "collective_shortcomings": "shortcomings_fixed",
    "collective_discipline": "subordinate_disciplined",
    "collective_done": "tasks_done",
    "collective_late": "tasks_on_time",
}


def check_collective(grading: OrganizationGrading, grade: str, field: str) -> None:
    """R6.3 (QĐ 366 Điều 11 khoản 1-3): the conditions of a collective's
    `grade` beyond the score's band, from the counts stated on form 01
    (`grading.tasks` ...) and the members of its committee disciplined in
    the year (`selectors.leaders_disciplined`), rules.COLLECTIVE_CONDITIONS
    of the year. Raises the first failure as DomainError (at its form 01
    field; at `field` for the leadership's discipline when no such input):
    `collective_tasks_missing`, `collective_on_time`, `collective_exceeded`,
    `collective_shortcomings`, `collective_discipline`, `collective_done`,
    `collective_late`."""
    if rules.COLLECTIVE_CONDITIONS.on(rules.review_day(grading.year)) is None:
        return
    leaders: tuple[str, ...] = ()
    if grade == rules.Grade.EXCELLENT:
        leaders = tuple(selectors.leaders_disciplined(grading.organization, grading.year))
    facts = rules.CollectiveFacts(
        tasks=grading.tasks,
        tasks_done=grading.tasks_done,
        tasks_on_time=grading.tasks_on_time,
        tasks_exceeded=grading.tasks_exceeded,
        shortcomings=grading.shortcomings,
        shortcomings_fixed=grading.shortcomings_fixed,
        subordinate_disciplined=grading.subordinate_disciplined,
        leaders_disciplined=leaders,
    )
    failures = rules.collective_grade_failures(grade, facts, grading.year)
    if not failures:
        return
    code, values = failures[0]
    raise COLLECTIVE_ERRORS[code].error(
        field=COLLECTIVE_FIELDS.get(code, field),
        grade=rules.GRADE_LABELS[grade],
        name=grading.organization.name,
        year=grading.year,
        **values,
    )


@transaction.atomic
def organization_self_grade(
    *,
    actor: Actor,
    grading: OrganizationGrading,
    report: str,
    self_grade: str,
    self_score=None,
    on: dt.date,
    tasks=None,
    tasks_done=None,
    tasks_on_time=None,
    tasks_exceeded=None,
    shortcomings=0,
    shortcomings_fixed=0,
    subordinate_disciplined: bool = False,
) -> OrganizationGrading:
    """The organisation's own review report and grade (form 01, step
    `org_self`) with the counts of its year: tasks assigned, done, done on
    time, exceeding; shortcomings identified before and fixed; whether a
    subordinate organisation was disciplined. Under QĐ 366 the grade must
    match the score's band and meet the collective's conditions
    (`check_collective`, R6.3 Điều 11).

    Raises DomainError: the workflow's codes, `text_required`, `grade_invalid`,
    `score_invalid`, `score_required`, `grade_outside_band`, and the
    `collective_*` codes of `check_collective`."""
    grading = _locked_org_grading(grading)
    GRADING.require(grading, "org_self", actor)
    _require_open(grading.campaign)
    _not_future(on, "on")
    grading.report = _text(report, "report", 50000, required="báo cáo kiểm điểm của tập thể")
    grade = _grade_value(self_grade, "self_grade")
    score = _score_value(self_score, "self_score") if rules.is_scored(grading.year) else None
    check_grade(
        name=grading.organization.name,
        year=grading.year,
        grade=grade,
        score=score,
        exceeded=None,
        disciplined=False,
        field="self_grade",
        check_tasks=False,
    )
    grading.tasks = _count(tasks, "tasks", grading.year)
    grading.tasks_done = _count(tasks_done, "tasks_done", grading.year)
    grading.tasks_on_time = _count(tasks_on_time, "tasks_on_time", grading.year)
    grading.tasks_exceeded = _count(tasks_exceeded, "tasks_exceeded", grading.year)
    grading.shortcomings = _count(shortcomings, "shortcomings", grading.year) or 0
    grading.shortcomings_fixed = _count(shortcomings_fixed, "shortcomings_fixed", grading.year) or 0
    grading.subordinate_disciplined = bool(subordinate_disciplined)
    check_collective(grading, grade, "self_grade")
    grading.self_grade, grading.self_score, grading.self_graded_on = grade, score, on
    grading.status = OrgGradingStatus.SELF_GRADED
    grading.updated_by = history_user(actor)
    _save(grading, actor)
    GRADING.sync_case(grading, on=on)
    return grading


@transaction.atomic
def organization_decide(
    *,
    actor: Actor,
    grading: OrganizationGrading,
    grade: str,
    score=None,
    note: str = "",
    on: dt.date,
) -> OrganizationGrading:
    """The standing committee directly above grades the organisation (step
    `org_decide`, HD 43 mục 3), the score's band and the collective's
    conditions (`check_collective`, over the counts of form 01 and the
    committee members disciplined in the year) checked under QĐ 366.

    Raises DomainError: the workflow's codes, `grade_invalid`,
    `score_invalid`, `score_required`, `grade_outside_band`, the
    `collective_*` codes (field `grade`)."""
    grading = _locked_org_grading(grading)
    GRADING.require(grading, "org_decide", actor)
    _require_open(grading.campaign)
    _not_future(on, "on")
    grade = _grade_value(grade, "grade")
    value = _score_value(score, "score") if rules.is_scored(grading.year) else None
    check_grade(
        name=grading.organization.name,
        year=grading.year,
        grade=grade,
        score=value,
        exceeded=None,
        disciplined=False,
        field="grade",
        check_tasks=False,
    )
    try:
        check_collective(grading, grade, "grade")
    except DomainError as exc:  # the counts are form 01's: shown at the grade here
        raise DomainError(exc.message, field="grade", code=exc.code) from None
    grading.grade, grading.score, grading.decided_on = grade, value, on
    grading.note = _text(note, "note", 500)
    grading.status = OrgGradingStatus.DECIDED
    grading.updated_by = history_user(actor)
    _save(grading, actor)
    GRADING.sync_case(grading, on=on)
    return grading


# --- closing the year -----------------------------------------------------------------


@transaction.atomic
def campaign_close(*, actor: Actor, campaign: GradingCampaign, on: dt.date) -> GradingCampaign:
    """Close the campaign once every decision is announced (the results table
    is then final); the cap is checked again per grassroots organisation.

    Raises DomainError `not_acting_body`, `campaign_closed`,
    `not_all_announced`, `over_cap`."""
    campaign = (
        GradingCampaign.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=campaign.pk)
    )
    require_act_at(actor, campaign.organization, CLOSE_LABEL, Body.GRASSROOTS)
    _require_open(campaign)
    _not_future(on, "on")
    waiting = list(
        campaign.decisions.exclude(status=DecisionStatus.ANNOUNCED)
        .select_related("grassroots")
        .order_by("grassroots_path")[:20]
    )
    if waiting:
        raise GradingError.NOT_ALL_ANNOUNCED.error(
            field="campaign", names=", ".join(d.grassroots.name for d in waiting)
        )
    for row in selectors.cap_check(campaign.organization, campaign.year):
        if row.over and not row.override:
            organization = Organization.objects.get(pk=row.grassroots_id)
            raise GradingError.OVER_CAP.error(
                field="campaign",
                excellent=row.excellent,
                good=row.good,
                cap=row.cap,
                percent=rules.EXCELLENT_CAP_PERCENT.on(rules.review_day(campaign.year)),
                organization=organization.name,
            )
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_on = on
    _save(campaign, actor)
    return campaign
