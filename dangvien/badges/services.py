"""Party badges: one function per action of `workflow.BADGE`, keyword-only
with the acting user first, each in one transaction. A step locks the row,
asks the table whether the actor may take it, checks its input (R11.1-R11.5),
writes with history and keeps the open case in step. A refused action raises
DomainError and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction

from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor, with_change_reason, with_history_user
from dangvien.core.errors import DomainError
from dangvien.liaison.rules import keeps_badge_rights
from dangvien.members.history import grassroots_of
from dangvien.members.models import ACTIVE_STATUSES, EventKind, Member, MembershipEvent, Status
from dangvien.organizations.models import Level, Organization

from . import papers, rules, selectors
from .errors import BadgeError
from .models import HOLDING_STATUSES, AwardStatus, BadgeAward, BadgeRound, RoundStatus
from .rules import Ground
from .workflow import BADGE, province_of

ROUND_LABEL = "Lập danh sách đề nghị tặng Huy hiệu Đảng"
PROPOSE_LABEL = "Cấp ủy cơ sở đề nghị tặng Huy hiệu Đảng"
# Events that put a member out of the Party: the badge is returned (R4.6, R11.5).
# Death is not one of them: the family keeps the badge.
OUT_OF_PARTY = (EventKind.NAME_DELETED, EventKind.EXPELLED, EventKind.LEFT)
_NUMBER_RE = re.compile(r"^[0-9A-Za-zĐđ/\-.]{1,32}$")


def _today() -> dt.date:
    return dt.date.today()


def _save(obj, actor: Actor, reason: str = "") -> None:
    with_history_user(obj, actor)
    if reason:
        with_change_reason(obj, reason)
    obj.save()


def _text(value: str | None, field: str, limit: int, *, required: str = "") -> str:
    value = (value or "").replace("\x00", "").strip()
    if "<" in value or ">" in value:
        raise BadgeError.ANGLE_BRACKETS.error(field=field)
    if required and not value:
        raise BadgeError.TEXT_REQUIRED.error(field=field, what=required)
    return value[:limit]


def _not_future(day: dt.date, field: str) -> None:
    if day > _today():
        raise BadgeError.DATE_IN_FUTURE.error(field=field)


def _not_before(day: dt.date, earlier: dt.date | None, field: str, what: str) -> None:
    if earlier is not None and day < earlier:
        raise BadgeError.DATE_BEFORE.error(field=field, what=what, day=f"{earlier:%d/%m/%Y}")


def _require_award_date(award_date: dt.date, field: str = "award_date") -> None:
    if not rules.is_award_date(award_date):
        raise BadgeError.NOT_AN_AWARD_DATE.error(field=field)


def _require_grassroots(org: Organization) -> None:
    if org.level in (Level.CENTRAL, Level.PROVINCIAL, Level.CELL, Level.PARTY_GROUP):
        raise BadgeError.NOT_GRASSROOTS.error(field="organization")


def proposing_organization(member: Member) -> Organization:
    """The grassroots organisation that proposes the member's badge (R11.3: the
    badge is presented at the grassroots organisation)."""
    return grassroots_of(member.organization)


# --- the round (proposal list of an award date) ------------------------------------


@transaction.atomic
def badge_round_open(
    *, actor: Actor, organization: Organization, award_date: dt.date
) -> BadgeRound:
    """The proposal list of `organization` (a grassroots organisation) for
    `award_date` (3/2, 19/5, 2/9 or 7/11; R11.3), opened if needed; its open
    case waits for the submission, due by rules.proposal_due.

    Raises DomainError `not_an_award_date`, `not_grassroots`, `not_acting_body`."""
    _require_award_date(award_date)
    _require_grassroots(organization)
    require_act_at(actor, organization, ROUND_LABEL, Body.GRASSROOTS)
    badge_round = selectors.round_of(organization, award_date)
    if badge_round is not None:
        return badge_round
    badge_round = BadgeRound(organization=organization, award_date=award_date)
    badge_round.created_by_id = getattr(actor, "pk", None)
    _save(badge_round, actor)
    BADGE.sync_case(badge_round, on=_today())
    return badge_round


def _locked_round(badge_round: BadgeRound) -> BadgeRound:
    return (
        BadgeRound.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=badge_round.pk)
    )


@transaction.atomic
def badge_round_submit(
    *, actor: Actor, badge_round: BadgeRound, submitted_on: dt.date
) -> BadgeRound:
    """The grassroots committee sends its list (step `submit`): the submission
    (tờ trình) is issued with one line per member proposed; each proposal then
    waits for the provincial standing committee's decision.

    Raises DomainError: the workflow's codes, `round_empty`, dates."""
    badge_round = _locked_round(badge_round)
    BADGE.require(badge_round, "submit", actor)
    _not_future(submitted_on, "submitted_on")
    awards = list(
        badge_round.awards.filter(status=AwardStatus.PROPOSED)
        .select_related("member__organization")
        .order_by("milestone", "member__sort_key", "pk")
    )
    if not awards:
        raise BadgeError.ROUND_EMPTY.error(field="step", award=f"{badge_round.award_date:%d/%m/%Y}")
    document = papers.issue_submission(actor, badge_round, awards, submitted_on)
    badge_round.status = RoundStatus.SUBMITTED
    badge_round.submitted_on = submitted_on
    badge_round.submission_document_id = document.pk
    badge_round.submission_number = document.symbol
    badge_round.version += 1
    _save(badge_round, actor)
    BADGE.sync_case(badge_round, on=submitted_on)
    for award in awards:
        award.round = badge_round
        BADGE.sync_case(award, on=submitted_on, detail=f"Đợt {badge_round.award_date:%d/%m/%Y}")
    return badge_round


# --- the proposal ------------------------------------------------------------------


def _check_milestone(years: int, on: dt.date) -> None:
    if not rules.is_milestone(years, on):
        milestones = ", ".join(str(y) for y in rules.MILESTONES.on(on))
        raise BadgeError.NOT_A_MILESTONE.error(field="milestone", milestones=milestones)


def badge_basis(
    member: Member, *, years: int, award_date: dt.date, ground: str
) -> tuple[selectors.Basis, dt.date]:
    """(the party age read for the badge, the milestone day), checked against
    the ground (R11.1-R11.3, R11.5): the regular list needs the milestone by
    the list cut-off; a seriously ill member 12 or 24 months earlier; a
    posthumous award reads the party age on the day before death, 12 months.

    Raises DomainError `not_in_party`, `not_deceased`, `deceased_use_posthumous`,
    `no_party_age`, `too_early`."""
    died_on = selectors.death_date(member) if member.status == Status.DECEASED else None
    if ground == Ground.POSTHUMOUS:
        if died_on is None:
            raise BadgeError.NOT_DECEASED.error(field="ground")
    elif member.status == Status.DECEASED:
        raise BadgeError.DECEASED_USE_POSTHUMOUS.error(field="ground", member=member.full_name)
    elif member.status not in ACTIVE_STATUSES:
        raise BadgeError.NOT_IN_PARTY.error(field="member", member=member.full_name)
    read_on = rules.party_age_day(ground, award_date, died_on)
    basis = selectors.member_basis(member, read_on)
    if basis is None:
        raise BadgeError.NO_PARTY_AGE.error(
            field="member", member=member.full_name, day=f"{read_on:%d/%m/%Y}"
        )
    if basis.exempt and not keeps_badge_rights(True):  # R11.5: they keep it
        raise BadgeError.NOT_IN_PARTY.error(field="member", member=member.full_name)
    reached = basis.reached_on(years)
    latest = rules.latest_allowed_milestone_day(ground, years, award_date, died_on)
    if reached > latest:
        hint = ""
        if ground == Ground.REGULAR:
            hint = (
                " (xét tặng sớm chỉ khi đảng viên bị bệnh nặng: sớm không quá "
                f"{rules.ill_early_months(years, award_date)} tháng)"
            )
        raise BadgeError.TOO_EARLY.error(
            field="milestone",
            member=member.full_name,
            years=years,
            day=f"{reached:%d/%m/%Y}",
            latest=f"{latest:%d/%m/%Y}",
            award=f"{award_date:%d/%m/%Y}",
            hint=hint,
        )
    return basis, reached


@transaction.atomic
def badge_propose(
    *,
    actor: Actor,
    member: Member,
    milestone: int,
    award_date: dt.date,
    ground: str = Ground.REGULAR,
    ground_note: str = "",
    proposed_on: dt.date | None = None,
) -> BadgeAward:
    """The grassroots committee proposes `member` for the `milestone`-year badge
    on `award_date`, into its proposal list of that date (opened if needed).

    Raises DomainError `not_a_milestone`, `not_an_award_date`, `ground_invalid`,
    `ground_note_required`, `already` (twice the same milestone), `too_early`
    (before the milestone without the early ground), `no_party_age`,
    `not_in_party`, `round_submitted`, `not_acting_body`."""
    proposed_on = proposed_on or _today()
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    org = proposing_organization(member)
    require_act_at(actor, org, PROPOSE_LABEL, Body.GRASSROOTS)
    _require_award_date(award_date)
    _check_milestone(milestone, award_date)
    if ground not in dict(Ground.CHOICES):
        raise BadgeError.GROUND_INVALID.error(field="ground")
    note = _text(ground_note, "ground_note", 255)
    if ground == Ground.ILL and not note:
        raise BadgeError.GROUND_NOTE_REQUIRED.error(field="ground_note")
    _not_future(proposed_on, "proposed_on")
    if BadgeAward.objects.filter(
        member=member, milestone=milestone, status__in=HOLDING_STATUSES
    ).exists():
        raise BadgeError.ALREADY.error(field="milestone", member=member.full_name, years=milestone)
    basis, reached = badge_basis(member, years=milestone, award_date=award_date, ground=ground)
    badge_round = badge_round_open(actor=actor, organization=org, award_date=award_date)
    if badge_round.status != RoundStatus.OPEN:
        raise BadgeError.ROUND_SUBMITTED.error(field="award_date", award=f"{award_date:%d/%m/%Y}")
    award = BadgeAward(
        member=member,
        milestone=milestone,
        ground=ground,
        ground_note=note,
        award_date=award_date,
        round=badge_round,
        organization=org,
        org_path=member.org_path,
        counted_from=basis.counted_from,
        milestone_on=reached,
        proposed_on=proposed_on,
    )
    award.created_by_id = getattr(actor, "pk", None)
    try:
        with transaction.atomic():
            _save(award, actor)
    except IntegrityError:
        raise BadgeError.ALREADY.error(
            field="milestone", member=member.full_name, years=milestone
        ) from None
    BADGE.sync_case(award, on=proposed_on)
    return award


def _locked(award: BadgeAward, step: str, actor: Actor) -> BadgeAward:
    award = (
        BadgeAward.objects.select_for_update(of=("self",))
        .select_related("member", "organization", "round")
        .get(pk=award.pk)
    )
    BADGE.require(award, step, actor)
    return award


# --- decision, award, return --------------------------------------------------------


@transaction.atomic
def badge_decide(
    *, actor: Actor, award: BadgeAward, decided_on: dt.date, decision_number: str
) -> BadgeAward:
    """The provincial standing committee decides to award the badge (step
    `decide`; R11.3).

    Raises DomainError: the workflow's codes, `text_required`, dates."""
    award = _locked(award, "decide", actor)
    _not_future(decided_on, "decided_on")
    _not_before(decided_on, award.proposed_on, "decided_on", "ngày đề nghị")
    award.decision_number = _text(decision_number, "decision_number", 64, required="số quyết định")
    award.decided_on = decided_on
    award.decided_by = province_of(award.organization)
    award.status = AwardStatus.DECIDED
    award.version += 1
    _save(award, actor)
    BADGE.sync_case(award, on=decided_on)
    return award


@transaction.atomic
def badge_refuse(
    *, actor: Actor, award: BadgeAward, decided_on: dt.date, reason: str
) -> BadgeAward:
    """The provincial standing committee does not award the badge (step
    `refuse`), with its reason; the milestone may be proposed again.

    Raises DomainError: the workflow's codes, `text_required`, dates."""
    award = _locked(award, "refuse", actor)
    _not_future(decided_on, "decided_on")
    _not_before(decided_on, award.proposed_on, "decided_on", "ngày đề nghị")
    award.refusal_reason = _text(reason, "reason", 255, required="lý do không tặng")
    award.decided_on = decided_on
    award.decided_by = province_of(award.organization)
    award.status = AwardStatus.REFUSED
    award.version += 1
    _save(award, actor, award.refusal_reason)
    BADGE.sync_case(award, on=decided_on)
    return award


def _clean_number(value: str) -> str:
    number = (value or "").replace("\x00", "").strip()
    if not number:
        raise BadgeError.NUMBER_REQUIRED.error(field="badge_number")
    if not _NUMBER_RE.match(number):
        raise BadgeError.NUMBER_INVALID.error(field="badge_number")
    return number


@transaction.atomic
def badge_record_award(
    *, actor: Actor, award: BadgeAward, awarded_on: dt.date, badge_number: str
) -> BadgeAward:
    """The badge was presented at the grassroots organisation on `awarded_on`
    with its number (step `award`; R11.3; the number goes into the member
    list book, R10.3). A number is given once.

    Raises DomainError: the workflow's codes, `number_required`,
    `number_invalid`, `number_taken`, dates."""
    award = _locked(award, "award", actor)
    number = _clean_number(badge_number)
    _not_future(awarded_on, "awarded_on")
    _not_before(awarded_on, award.decided_on, "awarded_on", "ngày quyết định")
    if BadgeAward.objects.filter(badge_number=number).exclude(pk=award.pk).exists():
        raise BadgeError.NUMBER_TAKEN.error(field="badge_number", number=number)
    award.badge_number = number
    award.awarded_on = awarded_on
    award.status = AwardStatus.AWARDED
    award.version += 1
    try:
        with transaction.atomic():
            _save(award, actor)
    except IntegrityError:
        raise BadgeError.NUMBER_TAKEN.error(field="badge_number", number=number) from None
    BADGE.sync_case(award, on=awarded_on)
    return award


@transaction.atomic
def badge_return(
    *, actor: Actor, award: BadgeAward, returned_on: dt.date, reason: str
) -> BadgeAward:
    """The badge is returned (step `return`): the member was put out of the
    Party (R4.6, R11.5). Its number stays given.

    Raises DomainError: the workflow's codes, `text_required`, dates."""
    award = _locked(award, "return", actor)
    _not_future(returned_on, "returned_on")
    _not_before(returned_on, award.awarded_on, "returned_on", "ngày trao tặng")
    award.return_reason = _text(reason, "reason", 255, required="lý do thu hồi")
    award.returned_on = returned_on
    award.status = AwardStatus.RETURNED
    award.version += 1
    _save(award, actor, award.return_reason)
    BADGE.sync_case(award, on=returned_on)
    return award


@transaction.atomic
def badge_cancel(*, actor: Actor, award: BadgeAward, reason: str) -> BadgeAward:
    """The grassroots committee withdraws a proposal not yet awarded (step
    `cancel`), with the reason.

    Raises DomainError: the workflow's codes, `text_required`."""
    award = _locked(award, "cancel", actor)
    award.return_reason = _text(reason, "reason", 255, required="lý do hủy đề nghị")
    award.status = AwardStatus.CANCELLED
    award.version += 1
    _save(award, actor, award.return_reason)
    BADGE.sync_case(award, on=_today())
    return award


def badges_on_membership_ended(*, actor: Actor, member: Member, kind: str, day: dt.date) -> int:
    """A member put out of the Party (name deleted, expelled, left) returns
    their badges (recorded as returned on `day`) and their proposals not yet
    awarded are cancelled; after death nothing changes (the family keeps the
    badge, R11.5). Returns how many records changed. Runs in the caller's
    transaction."""
    if kind not in OUT_OF_PARTY:
        return 0
    from dangvien.movements.endings import end_reason

    reason = end_reason(kind, day)
    changed = 0
    for award in BadgeAward.objects.select_for_update(of=("self",)).filter(
        member=member,
        status__in=(AwardStatus.PROPOSED, AwardStatus.DECIDED, AwardStatus.AWARDED),
    ):
        if award.status == AwardStatus.AWARDED:
            award.status = AwardStatus.RETURNED
            award.returned_on = day
        else:
            award.status = AwardStatus.CANCELLED
        award.return_reason = reason[:255]
        award.version += 1
        _save(award, actor, reason)
        BADGE.close_cases(award, on=_today())
        changed += 1
    return changed


def on_membership_ended(sender, *, actor: Actor, member: Member, event: MembershipEvent, **kw):
    """Receiver of members.signals.membership_ended (connected in apps.py)."""
    badges_on_membership_ended(actor=actor, member=member, kind=event.kind, day=event.date)


__all__ = [
    "DomainError",
    "badge_cancel",
    "badge_decide",
    "badge_propose",
    "badge_record_award",
    "badge_refuse",
    "badge_return",
    "badge_round_open",
    "badge_round_submit",
]
