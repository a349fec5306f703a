"""Reads of the grading area, always through the caller's scope (NotFound
outside it), the facts attached to a cell's proposal (read-only, from the
areas that own them), and the results table of a subtree (one grouped query).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from dangvien.accounts.scope import Scope
from dangvien.compliance.workflow import Workflow
from dangvien.core.errors import NotFound
from dangvien.discipline import selectors as discipline_selectors
from dangvien.members.models import Member
from dangvien.organizations.models import CommitteePost, CommitteePostKind, Organization

from . import rules
from .models import (
    CellProposal,
    GradingCampaign,
    GradingDecision,
    MemberReview,
    OrganizationGrading,
    ReviewStatus,
)
from .workflow import GRADING


def _pk(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if pk < 1 or pk > 2**63 - 1:
        raise NotFound()
    return pk


# --- scoped getters ---------------------------------------------------------------


def campaigns_visible_to(scope: Scope) -> QuerySet[GradingCampaign]:
    """Campaigns whose organisation lies in the scope, or whose subtree holds
    part of it (a cell sees the campaign of its committee)."""
    if scope.everything:
        return GradingCampaign.objects.all()
    q = scope.org_q("org_path")
    for path in scope.paths:
        q |= Q(org_path__in=[path[:i] for i in range(4, len(path) + 1, 4)])
    return GradingCampaign.objects.filter(q)


def campaign_get_for(scope: Scope, pk) -> GradingCampaign:
    found = campaigns_visible_to(scope).select_related("organization").filter(pk=_pk(pk)).first()
    if found is None:
        raise NotFound()
    return found


def reviews_visible_to(scope: Scope) -> QuerySet[MemberReview]:
    """Reviews of members in the scope, and the member's own."""
    if scope.everything:
        return MemberReview.objects.all()
    q = scope.org_q("cell_path")
    if scope.member_id is not None:
        q |= Q(member_id=scope.member_id)
    return MemberReview.objects.filter(q)


def review_get_for(scope: Scope, pk) -> MemberReview:
    found = (
        reviews_visible_to(scope)
        .select_related("member", "cell", "cell__parent", "campaign", "grassroots")
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def proposal_get_for(scope: Scope, pk) -> CellProposal:
    found = (
        CellProposal.objects.filter(scope.org_q("cell_path"))
        .select_related("cell", "cell__parent", "campaign", "grassroots")
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def decision_get_for(scope: Scope, pk) -> GradingDecision:
    """A decision whose grassroots organisation or deciding committee lies in the scope."""
    found = (
        GradingDecision.objects.filter(
            scope.org_q("grassroots_path") | scope.org_q("decided_by__path")
        )
        .select_related("grassroots", "decided_by", "campaign")
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def org_grading_get_for(scope: Scope, pk) -> OrganizationGrading:
    """An organisation's grading, seen from the organisation or its parent's subtree."""
    found = (
        OrganizationGrading.objects.filter(
            scope.org_q("org_path") | scope.org_q("organization__parent__path")
        )
        .select_related("organization", "organization__parent", "campaign")
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def for_step(scope: Scope, obj, step: str, wf: Workflow = GRADING):
    """`obj` if the scope may act for the body of `step` on it (raises
    `not_acting_body`)."""
    wf.require_acting(scope, obj, step)
    return obj


def my_review(member_id: int, year: int | None = None) -> MemberReview | None:
    """The member's review of `year` (the latest when None)."""
    qs = MemberReview.objects.filter(member_id=member_id).select_related(
        "campaign", "cell", "member"
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year").first()


# --- a campaign's progress -------------------------------------------------------


@dataclass
class CellProgress:
    proposal: CellProposal
    members: int
    self_reviewed: int
    not_graded: int

    @property
    def missing(self) -> int:
        return self.members - self.self_reviewed - self.not_graded


def campaign_progress(
    campaign: GradingCampaign, under: Organization | None = None
) -> list[CellProgress]:
    """Per cell of the campaign (under `under`): members, self-reviews in, not graded."""
    proposals = campaign.proposals.select_related("cell", "grassroots").order_by("cell_path")
    reviews = campaign.reviews.all()
    if under is not None:
        proposals = proposals.filter(cell_path__startswith=under.path)
        reviews = reviews.filter(cell_path__startswith=under.path)
    counts = {
        r["cell_id"]: r
        for r in reviews.values("cell_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=~Q(status__in=(ReviewStatus.PENDING, ReviewStatus.NOT_GRADED))),
            excluded=Count("pk", filter=Q(status=ReviewStatus.NOT_GRADED)),
        )
        .order_by()
    }
    return [
        CellProgress(
            p,
            counts.get(p.cell_id, {}).get("n", 0),
            counts.get(p.cell_id, {}).get("done", 0),
            counts.get(p.cell_id, {}).get("excluded", 0),
        )
        for p in proposals
    ]


# --- what the cell reads before proposing -----------------------------------------


@dataclass
class Attachments:
    """The facts of one member's year, read from the areas that own them."""

    residence_comment: str = ""
    residence_commenter: str = ""
    residence_due: bool = False
    host_comment: str = ""
    host_commenter: str = ""
    working_away: bool = False
    meetings_expected: int = 0
    meetings_present: int = 0
    meetings_unexcused: int = 0
    tasks: int = 0
    tasks_exceeded: int = 0
    tasks_not_done: int = 0
    arrears_months: int = 0
    disciplined: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def exceeded_share(self) -> Decimal | None:
        return rules.exceeded_share(self.tasks_exceeded, self.tasks)

    def as_json(self) -> dict:
        share = self.exceeded_share
        return {
            "residence_comment": self.residence_comment,
            "residence_commenter": self.residence_commenter,
            "residence_due": self.residence_due,
            "host_comment": self.host_comment,
            "host_commenter": self.host_commenter,
            "working_away": self.working_away,
            "meetings_expected": self.meetings_expected,
            "meetings_present": self.meetings_present,
            "meetings_unexcused": self.meetings_unexcused,
            "tasks": self.tasks,
            "tasks_exceeded": self.tasks_exceeded,
            "tasks_not_done": self.tasks_not_done,
            "exceeded_share": str(share) if share is not None else None,
            "arrears_months": self.arrears_months,
            "disciplined": self.disciplined,
        }


def disciplined_in_year(member: Member, year: int) -> bool:
    """Whether a discipline of the member is in force in `year` and counts for
    it (R6.5: one violation counts once across years), read from the
    discipline area (`discipline.selectors.disciplined_in_year`)."""
    return discipline_selectors.disciplined_in_year(member, year)


LEADERSHIP_POSTS = (
    CommitteePostKind.SECRETARY,
    CommitteePostKind.DEPUTY_SECRETARY,
    CommitteePostKind.STANDING_MEMBER,
    CommitteePostKind.COMMITTEE_MEMBER,
)


def leaders_disciplined(org: Organization, year: int) -> list[str]:
    """R6.3 (QĐ 366 Điều 11 khoản 1, collectives): the names of the members who
    held a post of `org`'s committee (secretary, deputy, standing or committee
    member, not voided) at some time in `year` and were disciplined in that
    year (`disciplined_in_year`), by name. One query for the posts, one per
    such member for the discipline."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    posts = (
        CommitteePost.objects.filter(
            organization=org,
            kind__in=LEADERSHIP_POSTS,
            voided=False,
            member__isnull=False,
            starts_on__lte=last,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .select_related("member")
        .order_by("member__sort_key", "member_id")
    )
    names: list[str] = []
    seen: set[int] = set()
    for post in posts:
        member = post.member
        if member is None or member.pk in seen:
            continue
        seen.add(member.pk)
        if disciplined_in_year(member, year):
            names.append(member.full_name)
    return names


def attachments_for(
    cell: Organization, year: int, member_ids: Iterable[int], *, today: dt.date
) -> dict[int, Attachments]:
    """For each member of `member_ids` (of `cell`): the residence cell's yearly
    comment (working members, QĐ 213, R6.9), the host's comment (members
    working away), the cell's meetings attended in `year`, the tasks of the
    year and the share exceeding, the closed months of dues left unpaid, and
    whether a discipline weighs on the year. A handful of grouped queries."""
    from dangvien.dues import selectors as dues_selectors
    from dangvien.liaison import rules as liaison_rules
    from dangvien.liaison.models import CommentPurpose, ResidenceComment, WorkingAwayYearReview
    from dangvien.meetings import selectors as meeting_selectors
    from dangvien.meetings.models import Task, TaskResult

    ids = list(member_ids)
    found = {pk: Attachments() for pk in ids}
    workplace = liaison_rules.must_keep_residence_contact(cell.unit_type)
    for comment in ResidenceComment.objects.filter(
        member_id__in=ids, year=year, purpose=CommentPurpose.YEARLY
    ):
        found[comment.member_id].residence_comment = comment.text
        found[comment.member_id].residence_commenter = comment.commenter
    for item in found.values():
        item.residence_due = workplace
    for review in WorkingAwayYearReview.objects.filter(
        working_away__member_id__in=ids, year=year
    ).select_related("working_away"):
        item = found[review.working_away.member_id]
        item.working_away = True
        item.host_comment = review.host_comment or review.self_review
        item.host_commenter = review.host_commenter
    for row in meeting_selectors.attendance_by_member(cell, year):
        if row.member_id in found:
            item = found[row.member_id]
            item.meetings_expected = row.expected
            item.meetings_present = row.present
            item.meetings_unexcused = row.unexcused
    for counted in (
        Task.objects.filter(assignee_id__in=ids, due_on__year=year)
        .values("assignee_id")
        .annotate(
            n=Count("pk"),
            exceeded=Count("pk", filter=Q(result=TaskResult.EXCEEDED)),
            not_done=Count("pk", filter=Q(result=TaskResult.NOT_DONE)),
        )
        .order_by()
    ):
        item = found[counted["assignee_id"]]
        item.tasks, item.tasks_exceeded, item.tasks_not_done = (
            counted["n"],
            counted["exceeded"],
            counted["not_done"],
        )
    for arrear in dues_selectors.arrears_counts(cell, year).filter(member_id__in=ids):
        if arrear["member_id"] in found:
            found[arrear["member_id"]].arrears_months = arrear["months"]
    members = Member.objects.in_bulk(ids)
    for pk, item in found.items():
        item.disciplined = disciplined_in_year(members[pk], year)
    return found


def not_graded_by_exemption(member_ids: Iterable[int], year: int) -> set[int]:
    """Members exempted from work and party activity on 31/12 of `year`
    (R6.6; liaison.rules.is_graded_given, NOT_GRADED_KINDS): one query."""
    from dangvien.liaison import rules as liaison_rules
    from dangvien.liaison.models import Exemption, ExemptionStatus

    ids = list(member_ids)
    periods: dict[int, list] = defaultdict(list)
    for member_id, kind, start, returned in Exemption.objects.filter(
        member_id__in=ids,
        status__in=(
            ExemptionStatus.DECIDED,
            ExemptionStatus.IN_FORCE,
            ExemptionStatus.RETURN_APPLIED,
            ExemptionStatus.RETURNED,
        ),
    ).values_list("member_id", "kind", "start", "returned_on"):
        end = (returned - dt.timedelta(days=1)) if returned else None
        periods[member_id].append((kind, start, end))
    return {pk for pk, rows in periods.items() if not liaison_rules.is_graded_given(rows, year)}


# --- the results table -------------------------------------------------------------


@dataclass
class ResultRow:
    """Counts of each grade of one organisation's subtree (or the total)."""

    organization_id: int | None
    name: str
    path: str
    excellent: int = 0
    good: int = 0
    completed: int = 0
    not_completed: int = 0
    not_graded: int = 0
    pending: int = 0

    @property
    def graded(self) -> int:
        return self.excellent + self.good + self.completed + self.not_completed

    def share(self, grade: str) -> Decimal | None:
        return rules.share_percent(getattr(self, grade), self.graded)

    @property
    def shares(self) -> dict[str, Decimal | None]:
        return {g: self.share(g) for g in rules.GRADES}


DECIDED_STATUSES = (ReviewStatus.DECIDED, ReviewStatus.ANNOUNCED)


def results_table(org: Organization, year: int) -> tuple[list[ResultRow], ResultRow]:
    """The grades of `year` per organisation directly under `org` (each its
    subtree; a row for members held by `org` itself) and the total, with the
    count and share of each grade (seed 001), decided grades only: one grouped
    query over the reviews plus one for the names. Unscoped: the caller
    reached `org` through its scope."""
    width = len(org.path) + 4
    rows = (
        MemberReview.objects.filter(year=year, cell_path__startswith=org.path)
        .annotate(prefix=Substr("cell_path", 1, width))
        .values("prefix")
        .annotate(
            excellent=Count("pk", filter=Q(status__in=DECIDED_STATUSES, grade="excellent")),
            good=Count("pk", filter=Q(status__in=DECIDED_STATUSES, grade="good")),
            completed=Count("pk", filter=Q(status__in=DECIDED_STATUSES, grade="completed")),
            not_completed=Count("pk", filter=Q(status__in=DECIDED_STATUSES, grade="not_completed")),
            not_graded=Count("pk", filter=Q(status=ReviewStatus.NOT_GRADED)),
            pending=Count("pk", filter=~Q(status__in=(*DECIDED_STATUSES, ReviewStatus.NOT_GRADED))),
        )
        .order_by("prefix")
    )
    return _assemble(org, [dict(r) for r in rows])


def _assemble(org: Organization, rows: list[dict]) -> tuple[list[ResultRow], ResultRow]:
    names = {
        o.path: o
        for o in Organization.objects.filter(path__in=[r["prefix"] for r in rows]).only(
            "pk", "path", "name"
        )
    }
    total = ResultRow(None, "Tổng cộng", org.path)
    out: list[ResultRow] = []
    for r in rows:
        o = names.get(r["prefix"])
        row = ResultRow(
            o.pk if o else None,
            (o.name if o and o.path != org.path else f"{org.name} (trực tiếp)")
            if o
            else r["prefix"],
            r["prefix"],
        )
        for key in ("excellent", "good", "completed", "not_completed", "not_graded", "pending"):
            setattr(row, key, int(r[key]))
            setattr(total, key, getattr(total, key) + int(r[key]))
        out.append(row)
    return out, total


def results_table_sql(org: Organization, year: int) -> tuple[list[ResultRow], ResultRow]:
    """The same table by a hand-written SQL query (for the bench's comparison)."""
    from django.db import connection

    sql = (
        "SELECT SUBSTR(cell_path, 1, %s) AS prefix, "
        "SUM(CASE WHEN status IN ('decided','announced') AND grade='excellent' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status IN ('decided','announced') AND grade='good' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status IN ('decided','announced') AND grade='completed' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status IN ('decided','announced') AND grade='not_completed' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status='not_graded' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status NOT IN ('decided','announced','not_graded') THEN 1 ELSE 0 END) "
        "FROM grading_memberreview WHERE year = %s AND cell_path LIKE %s "
        "GROUP BY prefix ORDER BY prefix"
    )
    keys = ("excellent", "good", "completed", "not_completed", "not_graded", "pending")
    with connection.cursor() as cursor:
        cursor.execute(sql, [len(org.path) + 4, year, org.path + "%"])
        rows = [{"prefix": r[0], **dict(zip(keys, r[1:], strict=True))} for r in cursor.fetchall()]
    return _assemble(org, rows)


def organization_results(org: Organization, year: int) -> dict[str, int]:
    """The grades of party organisations (form 01) in `org`'s subtree for
    `year`: count of each grade and of those not yet graded (one query)."""
    counts = OrganizationGrading.objects.filter(year=year, org_path__startswith=org.path).aggregate(
        excellent=Count("pk", filter=Q(grade="excellent")),
        good=Count("pk", filter=Q(grade="good")),
        completed=Count("pk", filter=Q(grade="completed")),
        not_completed=Count("pk", filter=Q(grade="not_completed")),
        pending=Count("pk", filter=Q(grade="")),
    )
    return {k: int(v or 0) for k, v in counts.items()}


@dataclass
class CapRow:
    grassroots_id: int
    excellent: int
    good: int
    cap: int | None
    override: bool

    @property
    def over(self) -> bool:
        return self.cap is not None and self.excellent > self.cap


def cap_check(org: Organization, year: int) -> list[CapRow]:
    """R6.4 per grassroots organisation of `org`'s subtree over the decided
    grades of `year` (one grouped query), with whether its decision recorded
    an override."""
    overrides = set(
        GradingDecision.objects.filter(campaign__year=year, grassroots_path__startswith=org.path)
        .exclude(cap_override_reason="")
        .values_list("grassroots_id", flat=True)
    )
    rows = (
        MemberReview.objects.filter(
            year=year, cell_path__startswith=org.path, status__in=DECIDED_STATUSES
        )
        .values("grassroots_id")
        .annotate(
            excellent=Count("pk", filter=Q(grade="excellent")),
            good=Count("pk", filter=Q(grade="good")),
        )
        .order_by()
    )
    return [
        CapRow(
            r["grassroots_id"],
            r["excellent"],
            r["good"],
            rules.excellent_cap(r["good"], year),
            r["grassroots_id"] in overrides,
        )
        for r in rows
    ]


def visible_part(scope: Scope, campaign: GradingCampaign) -> Organization | None:
    """The part of a campaign the scope sees: None (all of it) when the scope
    reaches the campaign's organisation, else the first of the scope's
    subtrees inside it."""
    if scope.reaches_path(campaign.org_path):
        return None
    inside = sorted(p for p in scope.paths if p.startswith(campaign.org_path))
    return Organization.objects.filter(path__in=inside[:1]).first()


def campaign_for(scope: Scope, org: Organization, year: int) -> GradingCampaign | None:
    """The campaign of `year` covering `org` (opened at it or above it), or one
    opened inside it, that the scope sees."""
    prefixes = [org.path[:i] for i in range(4, len(org.path) + 1, 4)]
    return (
        campaigns_visible_to(scope)
        .filter(year=year)
        .filter(Q(org_path__in=prefixes) | Q(org_path__startswith=org.path))
        .select_related("organization")
        .order_by("org_path")
        .first()
    )
