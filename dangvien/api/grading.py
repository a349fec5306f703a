"""API of the yearly review and grading (issue 12 parts 1-3): campaigns with
their progress per cell, a member's review with the self-review step, a
cell's proposal with the attachments and the propose step, the committee's
decision with decide and announce, organisations' grading (form 01), and the
results table of a subtree. The same services as the pages. Outside the
scope: 404; a role that may not act: 403 `not_acting_body`; out of order:
400 `out_of_order`; a refusal writes nothing.

(No `from __future__ import annotations`: see api/common.py.)
"""

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from dangvien.accounts.scope import scope_for
from dangvien.grading import rules, selectors, services
from dangvien.grading.models import (
    CellProposal,
    GradingCampaign,
    GradingDecision,
    MemberReview,
    OrganizationGrading,
)
from dangvien.grading.services import GradeEntry
from dangvien.grading.workflow import GRADING
from dangvien.organizations import selectors as org_selectors

from .common import ID, READ_ERRORS, WRITE_ERRORS, Input, Ref, StepRef, open_steps, ref

router = Router(tags=["Đánh giá, xếp loại chất lượng"])


class GradingCellProgressOut(Schema):
    proposal_id: int
    cell: Ref
    status: str
    members: int
    self_reviewed: int
    not_graded: int
    missing: int


class GradingCampaignOut(Schema):
    id: int
    organization: Ref
    year: int
    ruleset: str
    status: str
    opened_on: dt.date
    review_on: dt.date
    self_review_due: dt.date
    proposal_due: dt.date
    decision_due: dt.date
    cells: list[GradingCellProgressOut]


def _campaign_out(c: GradingCampaign, request, under=None) -> dict:
    return {
        "id": c.pk,
        "organization": ref(c.organization),
        "year": c.year,
        "ruleset": c.ruleset,
        "status": c.status,
        "opened_on": c.opened_on,
        "review_on": c.review_on,
        "self_review_due": c.self_review_due,
        "proposal_due": c.proposal_due,
        "decision_due": c.decision_due,
        "cells": [
            {
                "proposal_id": p.proposal.pk,
                "cell": ref(p.proposal.cell),
                "status": p.proposal.status,
                "members": p.members,
                "self_reviewed": p.self_reviewed,
                "not_graded": p.not_graded,
                "missing": p.missing,
            }
            for p in selectors.campaign_progress(c, under)
        ],
    }


class GradingCampaignItem(Schema):
    id: int
    organization: Ref
    year: int
    ruleset: str
    status: str


@router.get(
    "/grading/campaigns",
    response={200: list[GradingCampaignItem], **READ_ERRORS},
    summary="Các đợt đánh giá, xếp loại",
)
def grading_campaign_list(request, year: int | None = Query(None, ge=2018, le=2100)):
    qs = selectors.campaigns_visible_to(scope_for(request.auth)).select_related("organization")
    if year is not None:
        qs = qs.filter(year=year)
    return [
        {
            "id": c.pk,
            "organization": ref(c.organization),
            "year": c.year,
            "ruleset": c.ruleset,
            "status": c.status,
        }
        for c in qs.order_by("-year", "org_path")[:500]
    ]


class GradingCampaignIn(Input):
    organization: int = ID
    year: int = Field(ge=2018, le=2100)
    opened_on: dt.date
    review_on: dt.date | None = None


@router.post(
    "/grading/campaigns",
    response={201: GradingCampaignOut, **WRITE_ERRORS},
    summary="Mở đợt kiểm điểm, đánh giá, xếp loại",
)
def grading_campaign_open(request, payload: GradingCampaignIn):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, payload.organization)
    campaign = services.campaign_open(
        actor=request.auth,
        organization=org,
        year=payload.year,
        opened_on=payload.opened_on,
        review_on=payload.review_on,
    )
    return 201, _campaign_out(campaign, request)


@router.get(
    "/grading/campaigns/{pk}",
    response={200: GradingCampaignOut, **READ_ERRORS},
    summary="Một đợt đánh giá: tiến độ từng chi bộ",
)
def grading_campaign_detail(request, pk: int):
    scope = scope_for(request.auth)
    campaign = selectors.campaign_get_for(scope, pk)
    return _campaign_out(campaign, request, selectors.visible_part(scope, campaign))


class GradingCloseIn(Input):
    on: dt.date


@router.post(
    "/grading/campaigns/{pk}/close",
    response={200: GradingCampaignOut, **WRITE_ERRORS},
    summary="Kết thúc đợt đánh giá, tổng hợp kết quả",
)
def grading_campaign_close(request, pk: int, payload: GradingCloseIn):
    campaign = selectors.campaign_get_for(scope_for(request.auth), pk)
    campaign = services.campaign_close(actor=request.auth, campaign=campaign, on=payload.on)
    return _campaign_out(campaign, request)


# --- a member's review ----------------------------------------------------------


class GradingReviewOut(Schema):
    id: int
    year: int
    member: Ref
    cell: Ref
    form: str
    status: str
    not_graded: str
    self_grade: str
    self_score: Decimal | None
    self_reviewed_on: dt.date | None
    filled_by_cell: bool
    proposed_grade: str
    proposed_score: Decimal | None
    grade: str
    score: Decimal | None
    attachments: dict
    open_steps: list[StepRef]


def _review_out(r: MemberReview, request) -> dict:
    return {
        "id": r.pk,
        "year": r.year,
        "member": {"id": r.member_id, "name": r.member.full_name},
        "cell": ref(r.cell),
        "form": r.form,
        "status": r.status,
        "not_graded": r.not_graded,
        "self_grade": r.self_grade,
        "self_score": r.self_score,
        "self_reviewed_on": r.self_reviewed_on,
        "filled_by_cell": r.filled_by_cell,
        "proposed_grade": r.proposed_grade,
        "proposed_score": r.proposed_score,
        "grade": r.grade,
        "score": r.score,
        "attachments": r.attachments or {},
        "open_steps": open_steps(GRADING, r, request.auth),
    }


@router.get(
    "/grading/reviews/{pk}",
    response={200: GradingReviewOut, **READ_ERRORS},
    summary="Kiểm điểm, xếp loại của một đảng viên",
)
def grading_review_detail(request, pk: int):
    return _review_out(selectors.review_get_for(scope_for(request.auth), pk), request)


class GradingSelfReviewIn(Input):
    strengths: str = Field(max_length=20000)
    shortcomings: str = Field(max_length=20000)
    remedies: str = Field("", max_length=20000)
    self_grade: str = Field(max_length=14)
    self_score: Decimal | None = Field(None, ge=0, le=100)
    form: str = Field("", max_length=2)
    on: dt.date | None = None


def _self_review(request, pk: int, payload: GradingSelfReviewIn, step: str):
    scope = scope_for(request.auth)
    review = selectors.for_step(scope, selectors.review_get_for(scope, pk), step)
    services.self_review_submit(actor=request.auth, review=review, step=step, **payload.dict())
    review.refresh_from_db()
    return _review_out(review, request)


@router.post(
    "/grading/reviews/{pk}/self_review",
    response={200: GradingReviewOut, **WRITE_ERRORS},
    summary="Đảng viên tự kiểm điểm (Mẫu 2A, 2B, 2C)",
)
def grading_review_self_review(request, pk: int, payload: GradingSelfReviewIn):
    return _self_review(request, pk, payload, "self_review")


@router.post(
    "/grading/reviews/{pk}/self_review_edit",
    response={200: GradingReviewOut, **WRITE_ERRORS},
    summary="Sửa bản tự kiểm điểm",
)
def grading_review_self_review_edit(request, pk: int, payload: GradingSelfReviewIn):
    return _self_review(request, pk, payload, "self_review_edit")


# --- a cell's proposal -----------------------------------------------------------


class GradingProposalOut(Schema):
    id: int
    year: int
    cell: Ref
    status: str
    proposed_on: dt.date | None
    reviews: list[GradingReviewOut]
    open_steps: list[StepRef]


def _proposal_out(p: CellProposal, request) -> dict:
    reviews = (
        MemberReview.objects.filter(campaign=p.campaign, cell=p.cell)
        .select_related("member", "cell", "campaign")
        .order_by("member__sort_key", "pk")
    )
    return {
        "id": p.pk,
        "year": p.campaign.year,
        "cell": ref(p.cell),
        "status": p.status,
        "proposed_on": p.proposed_on,
        "reviews": [_review_out(r, request) for r in reviews],
        "open_steps": open_steps(GRADING, p, request.auth),
    }


@router.get(
    "/grading/proposals/{pk}",
    response={200: GradingProposalOut, **READ_ERRORS},
    summary="Đề nghị xếp loại của chi bộ",
)
def grading_proposal_detail(request, pk: int):
    return _proposal_out(selectors.proposal_get_for(scope_for(request.auth), pk), request)


class GradingLineIn(Input):
    review: int = ID
    grade: str = Field("", max_length=14)
    score: Decimal | None = Field(None, ge=0, le=100)
    exceeded_percent: Decimal | None = Field(None, ge=0, le=100)
    not_graded: str = Field("", max_length=10)


class GradingProposeIn(Input):
    proposed_on: dt.date
    note: str = Field("", max_length=5000)
    lines: list[GradingLineIn] = Field(max_length=2000)


def _entries(lines) -> dict[int, GradeEntry]:
    return {
        line.review: GradeEntry(line.grade, line.score, line.exceeded_percent, line.not_graded)
        for line in lines
    }


@router.post(
    "/grading/proposals/{pk}/propose",
    response={200: GradingProposalOut, **WRITE_ERRORS},
    summary="Chi bộ đề nghị xếp loại đảng viên",
)
def grading_proposal_propose(request, pk: int, payload: GradingProposeIn):
    scope = scope_for(request.auth)
    proposal = selectors.for_step(scope, selectors.proposal_get_for(scope, pk), "propose")
    services.proposal_submit(
        actor=request.auth,
        proposal=proposal,
        entries=_entries(payload.lines),
        proposed_on=payload.proposed_on,
        note=payload.note,
    )
    proposal.refresh_from_db()
    return _proposal_out(proposal, request)


# --- the committee's decision ------------------------------------------------------


class GradingDecisionOut(Schema):
    id: int
    year: int
    grassroots: Ref
    decided_by: Ref
    status: str
    decided_on: dt.date | None
    announced_on: dt.date | None
    excellent: int
    good: int
    completed: int
    not_completed: int
    cap: int | None
    cap_override_reason: str
    document_id: int | None
    open_steps: list[StepRef]


def _decision_out(d: GradingDecision, request) -> dict:
    return {
        "id": d.pk,
        "year": d.campaign.year,
        "grassroots": ref(d.grassroots),
        "decided_by": ref(d.decided_by),
        "status": d.status,
        "decided_on": d.decided_on,
        "announced_on": d.announced_on,
        "excellent": d.excellent,
        "good": d.good,
        "completed": d.completed,
        "not_completed": d.not_completed,
        "cap": rules.excellent_cap(d.good, d.campaign.year),
        "cap_override_reason": d.cap_override_reason,
        "document_id": d.document_id,
        "open_steps": open_steps(GRADING, d, request.auth),
    }


@router.get(
    "/grading/decisions/{pk}",
    response={200: GradingDecisionOut, **READ_ERRORS},
    summary="Quyết định xếp loại đảng viên của một tổ chức cơ sở đảng",
)
def grading_decision_detail(request, pk: int):
    return _decision_out(selectors.decision_get_for(scope_for(request.auth), pk), request)


class GradingDecideIn(Input):
    decided_on: dt.date
    override_reason: str = Field("", max_length=500)
    changes: list[GradingLineIn] = Field(default_factory=list, max_length=2000)


@router.post(
    "/grading/decisions/{pk}/decide",
    response={200: GradingDecisionOut, **WRITE_ERRORS},
    summary="Cấp ủy có thẩm quyền quyết định xếp loại đảng viên",
)
def grading_decision_decide(request, pk: int, payload: GradingDecideIn):
    scope = scope_for(request.auth)
    decision = selectors.for_step(scope, selectors.decision_get_for(scope, pk), "decide")
    services.decision_decide(
        actor=request.auth,
        decision=decision,
        decided_on=payload.decided_on,
        changes=_entries(payload.changes),
        override_reason=payload.override_reason,
    )
    decision.refresh_from_db()
    return _decision_out(decision, request)


class GradingAnnounceIn(Input):
    announced_on: dt.date


@router.post(
    "/grading/decisions/{pk}/announce",
    response={200: GradingDecisionOut, **WRITE_ERRORS},
    summary="Thông báo kết quả xếp loại",
)
def grading_decision_announce(request, pk: int, payload: GradingAnnounceIn):
    scope = scope_for(request.auth)
    decision = selectors.for_step(scope, selectors.decision_get_for(scope, pk), "announce")
    services.decision_announce(
        actor=request.auth, decision=decision, announced_on=payload.announced_on
    )
    decision.refresh_from_db()
    return _decision_out(decision, request)


# --- organisations (form 01) -------------------------------------------------------


class GradingOrganizationOut(Schema):
    id: int
    year: int
    organization: Ref
    status: str
    report: str
    self_grade: str
    self_score: Decimal | None
    tasks: int | None
    tasks_done: int | None
    tasks_on_time: int | None
    tasks_exceeded: int | None
    shortcomings: int
    shortcomings_fixed: int
    subordinate_disciplined: bool
    grade: str
    score: Decimal | None
    decided_on: dt.date | None
    open_steps: list[StepRef]


def _org_out(g: OrganizationGrading, request) -> dict:
    return {
        "id": g.pk,
        "year": g.year,
        "organization": ref(g.organization),
        "status": g.status,
        "report": g.report,
        "self_grade": g.self_grade,
        "self_score": g.self_score,
        "tasks": g.tasks,
        "tasks_done": g.tasks_done,
        "tasks_on_time": g.tasks_on_time,
        "tasks_exceeded": g.tasks_exceeded,
        "shortcomings": g.shortcomings,
        "shortcomings_fixed": g.shortcomings_fixed,
        "subordinate_disciplined": g.subordinate_disciplined,
        "grade": g.grade,
        "score": g.score,
        "decided_on": g.decided_on,
        "open_steps": open_steps(GRADING, g, request.auth),
    }


@router.get(
    "/grading/organizations/{pk}",
    response={200: GradingOrganizationOut, **READ_ERRORS},
    summary="Xếp loại một tổ chức đảng (Mẫu 01)",
)
def grading_organization_detail(request, pk: int):
    return _org_out(selectors.org_grading_get_for(scope_for(request.auth), pk), request)


class GradingOrgSelfIn(Input):
    """Form 01: from 2025 (QĐ 366 Điều 11) the counts of tasks are required
    for any grade above "not completed"."""

    report: str = Field(max_length=50000)
    self_grade: str = Field(max_length=14)
    self_score: Decimal | None = Field(None, ge=0, le=100)
    on: dt.date
    tasks: int | None = Field(None, ge=0, le=1_000_000)
    tasks_done: int | None = Field(None, ge=0, le=1_000_000)
    tasks_on_time: int | None = Field(None, ge=0, le=1_000_000)
    tasks_exceeded: int | None = Field(None, ge=0, le=1_000_000)
    shortcomings: int = Field(0, ge=0, le=1_000_000)
    shortcomings_fixed: int = Field(0, ge=0, le=1_000_000)
    subordinate_disciplined: bool = False


@router.post(
    "/grading/organizations/{pk}/org_self",
    response={200: GradingOrganizationOut, **WRITE_ERRORS},
    summary="Tổ chức đảng tự kiểm điểm, tự xếp loại (Mẫu 01)",
)
def grading_organization_self(request, pk: int, payload: GradingOrgSelfIn):
    scope = scope_for(request.auth)
    grading = selectors.for_step(scope, selectors.org_grading_get_for(scope, pk), "org_self")
    services.organization_self_grade(actor=request.auth, grading=grading, **payload.dict())
    grading.refresh_from_db()
    return _org_out(grading, request)


class GradingOrgDecideIn(Input):
    grade: str = Field(max_length=14)
    score: Decimal | None = Field(None, ge=0, le=100)
    note: str = Field("", max_length=500)
    on: dt.date


@router.post(
    "/grading/organizations/{pk}/org_decide",
    response={200: GradingOrganizationOut, **WRITE_ERRORS},
    summary="Cấp ủy cấp trên xếp loại tổ chức đảng",
)
def grading_organization_decide(request, pk: int, payload: GradingOrgDecideIn):
    scope = scope_for(request.auth)
    grading = selectors.for_step(scope, selectors.org_grading_get_for(scope, pk), "org_decide")
    services.organization_decide(actor=request.auth, grading=grading, **payload.dict())
    grading.refresh_from_db()
    return _org_out(grading, request)


# --- results ----------------------------------------------------------------------


class GradingResultRowOut(Schema):
    organization: Ref | None
    graded: int
    excellent: int
    good: int
    completed: int
    not_completed: int
    not_graded: int
    pending: int
    shares: dict[str, Decimal | None]


class GradingResultsOut(Schema):
    organization: Ref
    year: int
    rows: list[GradingResultRowOut]
    total: GradingResultRowOut
    organizations: dict[str, int]


class GradingResultsQuery(Schema):
    org: int = ID
    year: int = Field(ge=2018, le=2100)


def _row(r) -> dict:
    return {
        "organization": {"id": r.organization_id, "name": r.name} if r.organization_id else None,
        "graded": r.graded,
        "excellent": r.excellent,
        "good": r.good,
        "completed": r.completed,
        "not_completed": r.not_completed,
        "not_graded": r.not_graded,
        "pending": r.pending,
        "shares": r.shares,
    }


@router.get(
    "/grading/results",
    response={200: GradingResultsOut, **READ_ERRORS},
    summary="Kết quả xếp loại của một tổ chức và cây con: số lượng, tỷ lệ từng mức",
)
def grading_results(request, query: Query[GradingResultsQuery]):
    org = org_selectors.organization_get_for(scope_for(request.auth), query.org)
    rows, total = selectors.results_table(org, query.year)
    return {
        "organization": ref(org),
        "year": query.year,
        "rows": [_row(r) for r in rows],
        "total": _row(total),
        "organizations": selectors.organization_results(org, query.year),
    }
