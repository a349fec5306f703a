"""The grading workflow as one table (compliance.workflow), over the four
records of a campaign (R6.7; HD 43 mục 2-3):

- a member's review: the self-review (form 2A/2B/2C), by the member on their
  own page or for them by the cell; its open case is "self-review missing";
- a cell's proposal of its members' grades ("proposal due");
- a grassroots organisation's decision by the competent committee, then its
  announcement ("decision due", "to announce");
- a party organisation's own grading (form 01), decided by the standing
  committee directly above.

Each step applies to one kind of record (`when`); the state is its status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, Step, Workflow
from dangvien.organizations.models import Level, Organization

from . import rules
from .models import (
    CellProposal,
    DecisionStatus,
    GradingDecision,
    MemberReview,
    OrganizationGrading,
    OrgGradingStatus,
    ProposalStatus,
    ReviewStatus,
)

COMMITTEE_LEVELS = (
    Level.CENTRAL,
    Level.PROVINCIAL,
    Level.SUPERIOR,
    Level.GRASSROOTS_COMMITTEE,
    Level.PARTIAL_COMMITTEE,
)


def grassroots_of(
    cell: Organization,
    chain: list[Organization] | None = None,
    *,
    committees: dict[str, Organization] | None = None,
) -> Organization:
    """The grassroots organisation of a cell, where the cap is counted (R6.4):
    the cell itself when it is a grassroots cell, else the nearest grassroots
    committee above it, else its parent. `chain`: its ancestors when known;
    `committees`: the grassroots committees by path (a campaign's thousands of
    cells look their committee up by the prefixes of their own path)."""
    if cell.level == Level.GRASSROOTS_CELL:
        return cell
    if committees is not None:
        for end in range(len(cell.path), 0, -4):
            if (found_at := committees.get(cell.path[:end])) is not None:
                return found_at
        return cell.parent or cell
    if chain is None:
        prefixes = [cell.path[:i] for i in range(4, len(cell.path), 4)]
        chain = list(Organization.objects.filter(path__in=prefixes))
    found = [
        o for o in chain if o.level == Level.GRASSROOTS_COMMITTEE and cell.path.startswith(o.path)
    ]
    if found:
        return max(found, key=lambda o: len(o.path))
    return cell.parent or cell


def deciding_of(grassroots: Organization) -> Organization:
    """The committee deciding the members' grades: the grassroots committee
    itself; for a grassroots cell or a cell without one, the committee above."""
    if grassroots.level in COMMITTEE_LEVELS:
        return grassroots
    return grassroots.parent or grassroots


def _deciding_body(decision: GradingDecision) -> Body:
    if decision.decided_by.level == Level.GRASSROOTS_COMMITTEE:
        return Body.GRASSROOTS
    return Body.SUPERIOR


def _org_body(grading: OrganizationGrading) -> Body:
    return Body.CELL if grading.organization.level not in COMMITTEE_LEVELS else Body.GRASSROOTS


def _is(kind: type):
    return lambda obj: isinstance(obj, kind)


def _where(obj: Any) -> Organization | None:
    if isinstance(obj, MemberReview | CellProposal):
        return obj.cell
    if isinstance(obj, GradingDecision):
        return obj.grassroots
    if isinstance(obj, OrganizationGrading):
        return obj.organization
    return None


def _subject(obj: Any) -> str:
    year = obj.campaign.year if not isinstance(obj, MemberReview) else obj.year
    if isinstance(obj, MemberReview):
        return obj.member.full_name
    if isinstance(obj, CellProposal):
        return f"Đề nghị xếp loại năm {year} — {obj.cell.name}"
    if isinstance(obj, GradingDecision):
        return f"Quyết định xếp loại năm {year} — {obj.grassroots.name}"
    return f"Xếp loại tổ chức năm {year} — {obj.organization.name}"


def _member(obj: Any):
    return obj.member if isinstance(obj, MemberReview) else None


def _state_label(obj: Any) -> str:
    return obj.get_status_display()


def _announce_due(decision: GradingDecision) -> dt.date | None:
    return rules.announce_due(decision.decided_on) if decision.decided_on else None


GRADING = Workflow(
    kind=CaseKind.GRADING,
    state_of=lambda obj: obj.status,
    state_label=_state_label,
    where=_where,
    subject=_subject,
    member=_member,
    steps=(
        Step(
            "self_review",
            "Đảng viên tự kiểm điểm (Mẫu 2A, 2B, 2C)",
            (ReviewStatus.PENDING,),
            ReviewStatus.SELF_REVIEWED,
            Body.MEMBER,
            lambda r: r.cell,
            due=lambda r: r.campaign.self_review_due,
            paper="BKĐ",
            when=_is(MemberReview),
        ),
        Step(
            "self_review_edit",
            "Sửa bản tự kiểm điểm",
            (ReviewStatus.SELF_REVIEWED,),
            ReviewStatus.SELF_REVIEWED,
            Body.MEMBER,
            lambda r: r.cell,
            paper="BKĐ",
            awaited=False,
            when=_is(MemberReview),
        ),
        Step(
            "propose",
            "Chi bộ đề nghị xếp loại đảng viên",
            (ProposalStatus.OPEN,),
            ProposalStatus.PROPOSED,
            Body.CELL,
            lambda p: p.cell,
            due=lambda p: p.campaign.proposal_due,
            paper="TTr",
            when=_is(CellProposal),
        ),
        Step(
            "decide",
            "Cấp ủy có thẩm quyền quyết định xếp loại đảng viên",
            (DecisionStatus.OPEN,),
            DecisionStatus.DECIDED,
            _deciding_body,
            lambda d: d.decided_by,
            due=lambda d: d.campaign.decision_due,
            paper="QĐ",
            when=_is(GradingDecision),
        ),
        Step(
            "announce",
            "Thông báo kết quả xếp loại đến chi bộ, đảng viên",
            (DecisionStatus.DECIDED,),
            DecisionStatus.ANNOUNCED,
            _deciding_body,
            lambda d: d.decided_by,
            due=_announce_due,
            when=_is(GradingDecision),
        ),
        Step(
            "org_self",
            "Tổ chức đảng tự kiểm điểm, tự xếp loại (Mẫu 01)",
            (OrgGradingStatus.OPEN,),
            OrgGradingStatus.SELF_GRADED,
            _org_body,
            lambda g: g.organization,
            due=lambda g: g.campaign.proposal_due,
            when=_is(OrganizationGrading),
        ),
        Step(
            "org_decide",
            "Ban Thường vụ cấp ủy cấp trên trực tiếp xếp loại tổ chức đảng",
            (OrgGradingStatus.SELF_GRADED,),
            OrgGradingStatus.DECIDED,
            Body.SUPERIOR,
            lambda g: g.organization.parent,
            due=lambda g: g.campaign.decision_due,
            when=_is(OrganizationGrading),
        ),
    ),
)
