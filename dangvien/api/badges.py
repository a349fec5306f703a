"""API of Party badges (table `badges.workflow.BADGE`): the candidates of an
award date over a subtree, the badge records (proposals, decisions, awards),
a proposal, the submission of a list, and one POST per step of a badge.
Outside the scope: 404; a role that may not act: 403 `not_acting_body`; out
of order: 400 `out_of_order`; nothing is written on refusal.

(No `from __future__ import annotations`: see api/common.py.)
"""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from dangvien.accounts.scope import scope_for
from dangvien.badges import rules, selectors, services
from dangvien.badges.models import BadgeAward
from dangvien.badges.workflow import BADGE
from dangvien.members import selectors as member_selectors
from dangvien.organizations import selectors as org_selectors

from .common import ID, READ_ERRORS, WRITE_ERRORS, Input, Ref, StepRef, open_steps, ref

router = Router(tags=["Huy hiệu Đảng"])


class BadgeListQuery(Schema):
    org: int = ID
    award_date: dt.date | None = Field(
        None, description="Ngày trao tặng (3/2, 19/5, 2/9, 7/11); mặc định: đợt tới"
    )


class BadgeCandidateOut(Schema):
    member: Ref
    organization_id: int
    years: int
    reached_on: dt.date
    counted_from: dt.date
    gap_days: int
    award_id: int | None
    award_status: str


class BadgeOverdueOut(Schema):
    member: Ref
    organization_id: int
    years: int
    reached_on: dt.date
    counted_from: dt.date
    gap_days: int
    due_on: dt.date = Field(description="Đợt trao tặng lẽ ra có tên")


def _award_date(value: dt.date | None) -> dt.date:
    day = value or rules.next_award_date(dt.date.today())
    if not rules.is_award_date(day):
        from dangvien.badges.errors import BadgeError

        raise BadgeError.NOT_AN_AWARD_DATE.error(field="award_date")
    return day


@router.get(
    "/badges/candidates",
    response={200: list[BadgeCandidateOut], **READ_ERRORS},
    summary="Đảng viên đủ tuổi đảng xét tặng Huy hiệu Đảng của một đợt",
    operation_id="badges_candidates",
)
def badge_candidates(request, query: Query[BadgeListQuery]):
    org = org_selectors.organization_get_for(scope_for(request.auth), query.org)
    award = _award_date(query.award_date)
    return [
        {
            "member": {"id": c.member_id, "name": c.full_name},
            "organization_id": c.organization_id,
            "years": c.years,
            "reached_on": c.reached_on,
            "counted_from": c.counted_from,
            "gap_days": c.gap_days,
            "award_id": c.award.pk if c.award else None,
            "award_status": c.award.status if c.award else "",
        }
        for c in selectors.candidates_for(org, award)
    ]


@router.get(
    "/badges/overdue",
    response={200: list[BadgeOverdueOut], **READ_ERRORS},
    summary="Nhắc: đảng viên đủ tuổi đảng từ các đợt trước nhưng chưa được đề nghị",
    operation_id="badges_overdue",
)
def badge_overdue(request, query: Query[BadgeListQuery]):
    """The reminder of an award date's list (selectors.overdue_for): members of
    the organisation's subtree who reached a milestone in the earlier rounds'
    windows and were never proposed; who may read the candidates may read it."""
    org = org_selectors.organization_get_for(scope_for(request.auth), query.org)
    award = _award_date(query.award_date)
    return [
        {
            "member": {"id": c.member_id, "name": c.full_name},
            "organization_id": c.organization_id,
            "years": c.years,
            "reached_on": c.reached_on,
            "counted_from": c.counted_from,
            "gap_days": c.gap_days,
            "due_on": c.due_on,
        }
        for c in selectors.overdue_for(org, award)
    ]


class BadgeAwardOut(Schema):
    id: int
    member: Ref
    organization: Ref
    milestone: int
    ground: str
    award_date: dt.date
    milestone_on: dt.date
    counted_from: dt.date
    status: str
    status_label: str
    proposed_on: dt.date
    decided_on: dt.date | None
    decision_number: str
    awarded_on: dt.date | None
    badge_number: str
    returned_on: dt.date | None
    open_steps: list[StepRef]


def _award_out(a: BadgeAward, request) -> dict:
    return {
        "id": a.pk,
        "member": {"id": a.member_id, "name": a.member.full_name},
        "organization": ref(a.organization),
        "milestone": a.milestone,
        "ground": a.ground,
        "award_date": a.award_date,
        "milestone_on": a.milestone_on,
        "counted_from": a.counted_from,
        "status": a.status,
        "status_label": a.get_status_display(),
        "proposed_on": a.proposed_on,
        "decided_on": a.decided_on,
        "decision_number": a.decision_number,
        "awarded_on": a.awarded_on,
        "badge_number": a.badge_number,
        "returned_on": a.returned_on,
        "open_steps": open_steps(BADGE, a, request.auth),
    }


@router.get(
    "/badges/awards",
    response={200: list[BadgeAwardOut], **READ_ERRORS},
    summary="Đề nghị, quyết định, trao tặng Huy hiệu Đảng của một đợt",
    operation_id="badges_awards",
)
def badge_awards(request, query: Query[BadgeListQuery]):
    org = org_selectors.organization_get_for(scope_for(request.auth), query.org)
    award = _award_date(query.award_date)
    return [_award_out(a, request) for a in selectors.awards_of_date(org, award)]


@router.get(
    "/badges/awards/{pk}",
    response={200: BadgeAwardOut, **READ_ERRORS},
    summary="Một Huy hiệu Đảng",
    operation_id="badges_award_detail",
)
def badge_award_detail(request, pk: int):
    return _award_out(selectors.award_get_for(scope_for(request.auth), pk), request)


class BadgeProposalIn(Input):
    member: int = ID
    milestone: int = Field(ge=1, le=200)
    award_date: dt.date
    ground: str = Field("regular", max_length=12)
    ground_note: str = Field("", max_length=255)


@router.post(
    "/badges/proposals",
    response={201: BadgeAwardOut, **WRITE_ERRORS},
    summary="Cấp ủy cơ sở đề nghị tặng Huy hiệu Đảng",
    operation_id="badges_propose",
)
def badge_propose(request, payload: BadgeProposalIn):
    member = member_selectors.member_get_for(scope_for(request.auth), payload.member)
    award = services.badge_propose(
        actor=request.auth,
        member=member,
        milestone=payload.milestone,
        award_date=payload.award_date,
        ground=payload.ground,
        ground_note=payload.ground_note,
    )
    return 201, _award_out(award, request)


class BadgeRoundOut(Schema):
    id: int
    organization: Ref
    award_date: dt.date
    status: str
    submitted_on: dt.date | None
    submission_number: str
    due_on: dt.date


def _round_out(r) -> dict:
    return {
        "id": r.pk,
        "organization": ref(r.organization),
        "award_date": r.award_date,
        "status": r.status,
        "submitted_on": r.submitted_on,
        "submission_number": r.submission_number,
        "due_on": rules.proposal_due(r.award_date),
    }


class BadgeSubmitIn(Input):
    submitted_on: dt.date


@router.post(
    "/badges/rounds/{pk}/submit",
    response={200: BadgeRoundOut, **WRITE_ERRORS},
    summary=BADGE.step("submit").label,
    operation_id="badges_round_submit",
)
def badge_round_submit(request, pk: int, payload: BadgeSubmitIn):
    badge_round = selectors.round_get_for(scope_for(request.auth), pk)
    services.badge_round_submit(
        actor=request.auth, badge_round=badge_round, submitted_on=payload.submitted_on
    )
    badge_round.refresh_from_db()
    return _round_out(badge_round)


class BadgeDecideIn(Input):
    decided_on: dt.date
    decision_number: str = Field(max_length=64)


class BadgeRefuseIn(Input):
    decided_on: dt.date
    reason: str = Field(max_length=255)


class BadgeAwardIn(Input):
    awarded_on: dt.date
    badge_number: str = Field(max_length=32)


class BadgeReturnIn(Input):
    returned_on: dt.date
    reason: str = Field(max_length=255)


class BadgeCancelIn(Input):
    reason: str = Field(max_length=255)


STEPS = {
    "decide": (BadgeDecideIn, lambda u, a, p: services.badge_decide(actor=u, award=a, **p.dict())),
    "refuse": (BadgeRefuseIn, lambda u, a, p: services.badge_refuse(actor=u, award=a, **p.dict())),
    "award": (
        BadgeAwardIn,
        lambda u, a, p: services.badge_record_award(actor=u, award=a, **p.dict()),
    ),
    "return": (BadgeReturnIn, lambda u, a, p: services.badge_return(actor=u, award=a, **p.dict())),
    "cancel": (BadgeCancelIn, lambda u, a, p: services.badge_cancel(actor=u, award=a, **p.dict())),
}


def _step_endpoint(code, payload_schema, call):
    def endpoint(request, pk: int, payload):
        award = selectors.award_get_for(scope_for(request.auth), pk)
        BADGE.require(award, code, request.auth)
        call(request.auth, award, payload)
        award.refresh_from_db()
        return _award_out(award, request)

    endpoint.__annotations__ = {"pk": int, "payload": payload_schema}
    endpoint.__name__ = f"badge_award_{code}"
    return endpoint


for _code, (_schema, _call) in STEPS.items():
    router.post(
        f"/badges/awards/{{pk}}/{_code}",
        response={200: BadgeAwardOut, **WRITE_ERRORS},
        summary=BADGE.step(_code).label,
        operation_id=f"badges_award_{_code}",
    )(_step_endpoint(_code, _schema, _call))
