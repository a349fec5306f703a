"""The Party badge workflows as tables (compliance.workflow).

One table, BADGE, for two objects:

- a BadgeRound: the grassroots committee draws up its proposal list for an award date
  and sends it with a submission (tờ trình) by the due day
  (rules.proposal_due); its open case is "badge proposals for the next award
  date".
- a BadgeAward: one member's badge. Proposed by the grassroots committee; decided (or
  refused) by the provincial standing committee (R11.3: the provincial
  standing committee decides; the body above the grassroots organisations,
  Body.SUPERIOR, at the province); awarded at the grassroots organisation on
  the ceremony day with the badge number (R11.3, R10.3); returned when the
  member is put out of the Party (R4.6, R11.5).
"""

from __future__ import annotations

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, Step, Workflow
from dangvien.documents.models import DocumentKind
from dangvien.organizations.models import Level, Organization

from . import rules
from .models import AwardStatus, BadgeAward, BadgeRound, RoundStatus


def province_of(org: Organization) -> Organization:
    """The provincial committee above `org` (itself for a province; the root of
    its tree when no province lies above)."""
    if org.level in (Level.PROVINCIAL, Level.CENTRAL):
        return org
    prefixes = [org.path[:i] for i in range(4, len(org.path), 4)]
    found = (
        Organization.objects.filter(path__in=prefixes, level=Level.PROVINCIAL)
        .order_by("-path")
        .first()
    )
    if found is not None:
        return found
    root = Organization.objects.filter(path__in=prefixes).order_by("path").first()
    return root or org


def _award_where(award: BadgeAward) -> Organization:
    return award.organization


def _decider(award: BadgeAward) -> Organization:
    return province_of(award.organization)


def _round_sent(award: BadgeAward) -> bool:
    badge_round = award.round
    return badge_round is None or badge_round.status == RoundStatus.SUBMITTED


def _where(obj: BadgeRound | BadgeAward) -> Organization:
    return obj.organization


def _subject(obj: BadgeRound | BadgeAward) -> str:
    if isinstance(obj, BadgeRound):
        return f"Đề nghị tặng Huy hiệu Đảng đợt {obj.award_date:%d/%m/%Y}"
    return f"{obj.member.full_name}: Huy hiệu {obj.milestone} năm tuổi Đảng"


# One table for the two objects (one case kind, BADGE): a round's states
# (open, submitted) and an award's (proposed ...) never meet, so each step
# applies to one of them only.
BADGE = Workflow(
    kind=CaseKind.BADGE,
    state_of=lambda o: o.status,
    state_label=lambda o: o.get_status_display(),
    where=_where,
    subject=_subject,
    member=lambda o: o.member if isinstance(o, BadgeAward) else None,
    steps=(
        Step(
            "submit",
            "Cấp ủy cơ sở gửi tờ trình, danh sách đề nghị tặng Huy hiệu Đảng",
            (RoundStatus.OPEN,),
            RoundStatus.SUBMITTED,
            Body.GRASSROOTS,
            _where,
            due=lambda r: rules.proposal_due(r.award_date),
            paper=DocumentKind.SUBMISSION,
        ),
        Step(
            "decide",
            "Ban Thường vụ tỉnh ủy quyết định tặng Huy hiệu Đảng",
            (AwardStatus.PROPOSED,),
            AwardStatus.DECIDED,
            Body.SUPERIOR,
            _decider,
            due=lambda a: a.award_date,
            paper=DocumentKind.DECISION,
            when=_round_sent,
        ),
        Step(
            "refuse",
            "Ban Thường vụ tỉnh ủy không tặng (ghi lý do)",
            (AwardStatus.PROPOSED,),
            AwardStatus.REFUSED,
            Body.SUPERIOR,
            _decider,
            awaited=False,
            when=_round_sent,
        ),
        Step(
            "award",
            "Trao tặng Huy hiệu Đảng (ngày trao, số huy hiệu)",
            (AwardStatus.DECIDED,),
            AwardStatus.AWARDED,
            Body.GRASSROOTS,
            _award_where,
            due=lambda a: a.award_date,
        ),
        Step(
            "return",
            "Thu hồi Huy hiệu Đảng (đảng viên ra khỏi Đảng)",
            (AwardStatus.AWARDED,),
            AwardStatus.RETURNED,
            Body.GRASSROOTS,
            _award_where,
            awaited=False,
        ),
        Step(
            "cancel",
            "Hủy đề nghị",
            (AwardStatus.PROPOSED, AwardStatus.DECIDED),
            AwardStatus.CANCELLED,
            Body.GRASSROOTS,
            _award_where,
            awaited=False,
        ),
    ),
)


ROUND = AWARD = BADGE  # the same table, named for what the caller holds
