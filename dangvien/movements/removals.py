"""Removal from the Party (R4, regulations.md §4): the cell's proposal, the
competent committee's decision, and expulsions and deaths recorded directly.

The cell proposes (name deletion with at least CELL_VOTE_SHARE of its official
members, R1.8; or accepting an application to leave, R4.4); the committee
above the cell decides (movements.workflow.REMOVAL, step "decide"), never the
cell itself. Each function is one transaction; a refusal changes nothing.
Errors: DomainError with a code of movements.errors.MovementError or
compliance.workflow.WorkflowError.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.db import transaction

from dangvien.compliance.workflow import WorkflowError, require_act_at
from dangvien.core.actors import Actor, history_user, with_history_user
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.documents.models import DocumentKind
from dangvien.documents.services import document_issue
from dangvien.documents.signing import report_to
from dangvien.members import rules as member_rules
from dangvien.members import services as member_services
from dangvien.members.errors import MemberError
from dangvien.members.models import ACTIVE_STATUSES, EventKind, Member, Status

from . import rules
from .errors import MovementError
from .models import Removal, RemovalCause, RemovalKind, RemovalStatus
from .selectors import cell_vote_base, excused_months
from .workflow import PROPOSE_REMOVAL, RECORD_REMOVAL, REMOVAL

# The kinds a cell proposes and the event the decision writes.
PROPOSED_KINDS = {
    RemovalKind.NAME_DELETION: EventKind.NAME_DELETED,
    RemovalKind.VOLUNTARY_EXIT: EventKind.LEFT,
}
# The kinds recorded directly, from a decision taken elsewhere.
RECORDED_KINDS = {RemovalKind.EXPULSION: EventKind.EXPELLED, RemovalKind.DEATH: EventKind.DECEASED}


class CauseEvidence(TypedDict):
    """What a proposal of name deletion gives as evidence of its cause."""

    evidence_months: list[dt.date]
    educated_on: dt.date | None
    breach_years: list[int]


def _cause_errors(
    member: Member, cause: str, data: CauseEvidence, meeting_on: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if cause not in RemovalCause.values:
        errors["cause"] = [MovementError.CAUSE_REQUIRED.text()]
        return errors
    message = None
    field = "cause"
    if cause in (RemovalCause.MISSED_ACTIVITY, RemovalCause.UNPAID_DUES):
        months = data.get("evidence_months") or []
        field = "evidence_months"
        # Months the organisation excused never count (exemptions, temporary transfers).
        excused = (
            excused_months(member, min(months), max(months), dues=cause == RemovalCause.UNPAID_DUES)
            if months
            else {}
        )
        message = rules.missed_months_error(months, meeting_on, excused)
        if not message and any(m > meeting_on for m in months):
            message = MovementError.MONTHS_AFTER_MEETING.text()
    elif cause == RemovalCause.NO_PROGRESS:
        field = "educated_on"
        educated = data.get("educated_on")
        message = (
            MovementError.EDUCATED_ON_REQUIRED.text()
            if not educated
            else rules.education_wait_error(educated, meeting_on)
        )
    elif cause == RemovalCause.BREACH_TWO_YEARS:
        field = "breach_years"
        message = rules.breach_years_error(data.get("breach_years") or [], meeting_on)
    elif cause == RemovalCause.PROBATION_NOT_PASSED and member.status != Status.PROBATIONARY:
        message = MovementError.NOT_PROBATIONARY.text()
    if message:
        errors[field] = [message]
    return errors


def _keeps_dues_ledger(member: Member, on: dt.date) -> bool:
    """Whether the member's dues of `on`'s year or the year before are on the
    system's ledger (else on paper: typed months are the evidence)."""
    from dangvien.dues.models import DuesLedger

    return DuesLedger.objects.filter(
        member=member, month__year__in=(on.year, on.year - 1), closed=True
    ).exists()


def unpaid_dues_months(member: Member, on: dt.date) -> list[dt.date]:
    """The evidence of cause R5.8 from the dues ledger (dues.selectors)."""
    from dangvien.dues.selectors import unpaid_dues_months as from_ledger

    return from_ledger(member, on)


@transaction.atomic
def missed_meeting_months(member: Member, on: dt.date) -> list[dt.date]:
    """The months (first days) of regular meetings up to `on` the member was
    expected at and missed without reason, from the cell's attendance
    (meetings.selectors), less the months the organisation excused
    (`excused_months`): the evidence of cause R4.1.1. The year of `on`, or the
    year before when `on`'s year does not reach the limit yet (a cell meeting in
    January about last year)."""
    from dangvien.meetings.selectors import unexcused_regular_meetings

    needed = rules.NAME_DELETION_MONTHS_IN_YEAR.on(on)

    def missed_in(year: int) -> list[dt.date]:
        excused = excused_months(member, dt.date(year, 1, 1), dt.date(year, 12, 31))
        return sorted(
            {
                m.month
                for m in unexcused_regular_meetings(member, year)
                if m.held_on is not None
                and m.held_on <= on
                and (m.month.year, m.month.month) not in excused
            }
        )

    this_year = missed_in(on.year)
    if len(this_year) >= needed:
        return this_year
    last_year = missed_in(on.year - 1)
    return last_year if len(last_year) >= needed else this_year


def removal_propose(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    meeting_on: dt.date,
    votes_for: int,
    cause: str = "",
    evidence_months: list[dt.date] | None = None,
    educated_on: dt.date | None = None,
    breach_years: list[int] | None = None,
    details: str = "",
    resolution_number: str = "",
    present=None,
) -> Removal:
    """The cell's resolution proposing name deletion (R4.1, with at least
    CELL_VOTE_SHARE of its official members on `meeting_on`, R1.8) or accepting
    an application to leave (R4.4, more than half of them: Điều lệ Điều 9
    khoản 5); taken by the cell's writers or a writer above it (a grassroots
    office records its cell's vote).

    The base is counted by `rules.vote_base` (R1.8a): the official members less
    those exempted and absent or temporarily attached elsewhere; `present` lists
    the official members present (ids or members; None: all of them), kept on
    the removal (`roll`). The member concerned stays in the base but does not
    vote on their own removal.

    The cause's evidence is checked against rules.py in force on `meeting_on`
    (months in a year, months since education, consecutive years). A vote
    short of the share is kept as a failed vote and proposes nothing; a passed
    one issues the cell's resolution and opens the case "decide". Raises
    `not_acting_body`, a MovementError, or RecordValidationError."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    require_act_at(actor, member.organization, PROPOSE_REMOVAL.label, PROPOSE_REMOVAL.body)
    if kind not in PROPOSED_KINDS:
        raise MovementError.REMOVAL_KIND_NOT_PROPOSED.error(field="kind")
    if member.status not in ACTIVE_STATUSES:
        raise MovementError.MEMBER_NOT_ACTIVE.error(field="member")
    if Removal.objects.filter(member=member, status=RemovalStatus.PROPOSED).exists():
        raise MovementError.REMOVAL_ALREADY_PROPOSED.error(field="member")
    if meeting_on > dt.date.today():
        raise MovementError.DATE_IN_FUTURE.error(field="meeting_on")
    if cause == RemovalCause.MISSED_ACTIVITY:
        # The meetings the member missed without reason are the evidence: no
        # months typed by hand (issue 10). Months sent anyway (an old form, a
        # script) must each be one the attendance shows, or nothing is written.
        recorded = missed_meeting_months(member, meeting_on)
        typed = sorted({d.replace(day=1) for d in evidence_months or []})
        stray = [m for m in typed if m not in recorded]
        if stray:
            raise RecordValidationError(
                {
                    "evidence_months": [
                        MovementError.MONTHS_NOT_IN_ATTENDANCE.text(
                            months=", ".join(f"{m:%m/%Y}" for m in stray)
                        )
                    ]
                },
                code=MovementError.MONTHS_NOT_IN_ATTENDANCE.code,
            )
        evidence_months = recorded
    elif cause == RemovalCause.UNPAID_DUES and _keeps_dues_ledger(member, meeting_on):
        # R5.8: the months the dues ledger shows closed, unpaid without reason.
        # Typed months are accepted only for years kept on paper (no ledger).
        unpaid = unpaid_dues_months(member, meeting_on)
        typed = sorted({d.replace(day=1) for d in evidence_months or []})
        stray = [m for m in typed if m not in unpaid]
        if stray:
            raise RecordValidationError(
                {
                    "evidence_months": [
                        MovementError.MONTHS_NOT_IN_LEDGER.text(
                            months=", ".join(f"{m:%m/%Y}" for m in stray)
                        )
                    ]
                },
                code=MovementError.MONTHS_NOT_IN_LEDGER.code,
            )
        evidence_months = unpaid
    data: CauseEvidence = {
        "evidence_months": sorted(evidence_months or []),
        "educated_on": educated_on,
        "breach_years": sorted(breach_years or []),
    }
    errors = (
        _cause_errors(member, cause, data, meeting_on) if kind == RemovalKind.NAME_DELETION else {}
    )
    vote = cell_vote_base(member.organization, meeting_on, present=present, subject=member)
    official = len(vote.officials)
    if votes_for < 0 or votes_for > official:
        errors.setdefault("votes_for", []).append(
            MovementError.VOTES_OUT_OF_RANGE.text(official=official)
        )
    elif problem := member_rules.vote_problem(vote, votes_for, present):
        error, params = problem
        field = "votes_for" if error is MemberError.VOTES_OVER_VOTERS else "present"
        errors.setdefault(field, []).append(error.text(**params))
    if errors:
        raise RecordValidationError(errors)
    passed = rules.vote_passes(
        votes_for, vote.base, meeting_on, majority=kind != RemovalKind.NAME_DELETION
    )
    removal = Removal(
        member=member,
        kind=kind,
        cause=cause if kind == RemovalKind.NAME_DELETION else "",
        evidence_months=[d.isoformat() for d in data["evidence_months"]],
        educated_on=educated_on,
        breach_years=data["breach_years"],
        details=details,
        organization=member.organization,
        org_path=member.org_path,
        meeting_on=meeting_on,
        official_members=official,
        vote_base=vote.base,
        present_count=len(vote.present),
        roll=vote.roll(),
        votes_for=votes_for,
        resolution_number=resolution_number.strip()[:64],
        status=RemovalStatus.PROPOSED if passed else RemovalStatus.FAILED_VOTE,
        created_by=history_user(actor),
    )
    with_history_user(removal, actor)
    removal.save()
    if passed:
        resolution = _issue_removal_resolution(removal, actor, meeting_on)
        if not removal.resolution_number:
            # The number belongs to the proposal itself: one history row, not two.
            removal.resolution_number = resolution.symbol
            # simple_history's per-instance flag, which no model declares.
            removal.skip_history_when_saving = True  # type: ignore[attr-defined]
            try:
                removal.save(update_fields=["resolution_number"])
            finally:
                del removal.skip_history_when_saving  # type: ignore[attr-defined]
            removal.history.filter(history_type="+").update(resolution_number=resolution.symbol)
        if removal.cause == RemovalCause.UNPAID_DUES:
            from dangvien.dues.arrears import notice_proposed

            notice_proposed(member, meeting_on)
    REMOVAL.sync_case(removal, on=dt.date.today(), detail=removal.get_kind_display().lower())
    return removal


def _issue_removal_resolution(removal: Removal, actor: Actor, meeting_on: dt.date):
    """The cell's resolution proposing the name deletion or the exit (R4.1, R4.4)."""
    member = removal.member
    what = "xóa tên" if removal.kind == RemovalKind.NAME_DELETION else "cho ra khỏi Đảng"
    grounds = removal.get_cause_display() if removal.cause else "đơn xin ra khỏi Đảng"
    return document_issue(
        actor=actor,
        organization=removal.organization,
        kind=DocumentKind.RESOLUTION,
        date=meeting_on,
        summary=f"đề nghị {what} đảng viên {member.full_name}",
        context={
            "bases": [
                "Căn cứ Điều lệ Đảng Cộng sản Việt Nam (Điều 8);",
                "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương "
                "về thi hành Điều lệ Đảng;",
            ],
            "preamble": [
                f"Ngày {removal.meeting_on:%d/%m/%Y}, chi bộ họp xét đề nghị {what} đối với "
                f"đồng chí {member.full_name}, sinh ngày {member.birth_date:%d/%m/%Y}. "
                f"Căn cứ: {grounds}." + (f" {removal.details}" if removal.details else "")
            ],
            "resolutions": [
                f"Đề nghị cấp ủy có thẩm quyền {what} đối với đồng chí {member.full_name}.",
                "Chi ủy hoàn chỉnh hồ sơ, báo cáo cấp ủy cấp trên xem xét, quyết định.",
            ],
            "vote": {
                "total": removal.base,  # R1.8a base
                "agree": removal.votes_for,
                "present_official": removal.present_count,
            },
            "signer_capacity": "T/M CHI BỘ",
            "recipients": [*report_to(removal.organization), "Lưu chi bộ."],
        },
        concerns_path=removal.org_path,
        subject=removal,
    )


def _issue_removal_decision(removal: Removal, actor: Actor, decision_date: dt.date):
    """The competent committee's decision, issued by the committee above the cell."""
    member = removal.member
    issuer = REMOVAL.acting_organization(removal, "decide") or removal.organization
    what = (
        "xóa tên trong danh sách đảng viên"
        if removal.kind == RemovalKind.NAME_DELETION
        else "cho ra khỏi Đảng"
    )
    return document_issue(
        actor=actor,
        organization=issuer,
        kind=DocumentKind.DECISION,
        date=decision_date,
        summary=f"{what} đối với đảng viên {member.full_name}",
        context={
            "authority": removal.decided_by.upper(),
            "bases": [
                "Căn cứ Điều lệ Đảng Cộng sản Việt Nam (Điều 8);",
                f"Căn cứ Nghị quyết số {removal.resolution_number} ngày "
                f"{removal.meeting_on:%d/%m/%Y} của {removal.organization.name};"
                if removal.resolution_number
                else f"Căn cứ nghị quyết của {removal.organization.name} ngày "
                f"{removal.meeting_on:%d/%m/%Y};",
            ],
            "articles": [
                f"{what.capitalize()} đối với đồng chí {member.full_name}, sinh ngày "
                f"{member.birth_date:%d/%m/%Y}, đảng viên {removal.organization.name}, "
                f"kể từ ngày {removal.effective_date:%d/%m/%Y}.",
                f"{removal.organization.name} và đồng chí {member.full_name} chịu trách "
                "nhiệm thi hành quyết định này.",
            ],
            "signer_capacity": "T/M BAN THƯỜNG VỤ",
            "recipients": [f"{removal.organization.name};", "Như Điều 2;", "Lưu hồ sơ."],
        },
        concerns_path=removal.org_path,
        subject=removal,
    )


@transaction.atomic
def removal_decide(
    *,
    actor: Actor,
    removal: Removal,
    approved: bool,
    decided_by: str,
    decision_number: str,
    decision_date: dt.date,
    effective_date: dt.date | None = None,
) -> Removal:
    """Step "decide": the competent committee above the cell decides on its
    proposal (R4.2); a role held at the cell, its secretary included, may not.
    An approval writes the member's NAME_DELETED or LEFT event on
    `effective_date` (default `decision_date`), closes the member's open cases
    and issues the decision; a rejection only closes the case. Raises
    `out_of_order`, `not_acting_body`, or RecordValidationError."""
    removal = Removal.objects.select_for_update().get(pk=removal.pk)
    try:
        REMOVAL.require(removal, "decide", actor)
    except DomainError as exc:
        if exc.code == WorkflowError.OUT_OF_ORDER.code:
            raise DomainError(
                MovementError.DECIDE_OUT_OF_ORDER.text(), field="status", code=exc.code
            ) from exc
        raise
    errors: dict[str, list[str]] = {}
    if not (decided_by or "").strip():
        errors["decided_by"] = [MovementError.DECIDED_BY_REQUIRED.text()]
    if not (decision_number or "").strip():
        errors["decision_number"] = [MovementError.DECISION_NUMBER_REQUIRED.text()]
    if decision_date > dt.date.today():
        errors["decision_date"] = [MovementError.DATE_IN_FUTURE.text()]
    elif removal.meeting_on and decision_date < removal.meeting_on:
        errors["decision_date"] = [MovementError.DECISION_BEFORE_MEETING.text()]
    effective = effective_date or decision_date
    if effective > dt.date.today():
        errors["effective_date"] = [MovementError.DATE_IN_FUTURE.text()]
    if errors:
        raise RecordValidationError(errors)
    removal.decided_by = decided_by.strip()[:255]
    removal.decision_number = decision_number.strip()[:64]
    removal.decision_date = decision_date
    if approved:
        removal.effective_date = effective
        removal.event = member_services.member_add_event(
            actor=actor,
            member=removal.member,
            kind=PROPOSED_KINDS[RemovalKind(removal.kind)],
            date=effective,
            decision_number=removal.decision_number,
            decision_date=decision_date,
            decided_by=removal.decided_by,
            reason=removal.get_cause_display() if removal.cause else removal.get_kind_display(),
        )
        removal.status = RemovalStatus.DECIDED
        # The event closed the member's side files and open cases (endings.py).
        _issue_removal_decision(removal, actor, decision_date)
    else:
        removal.status = RemovalStatus.REJECTED
    with_history_user(removal, actor)
    removal.save()
    REMOVAL.sync_case(removal, on=dt.date.today())
    return removal


@transaction.atomic
def removal_record(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    date: dt.date,
    decided_by: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    details: str = "",
) -> Removal:
    """Record an expulsion (decided by the discipline work, R7) or a death, by the
    member's cell or a writer above it: the EXPELLED or DECEASED event on `date`,
    a decided Removal, and the member's open cases closed. Raises
    `not_acting_body` or a MovementError at its field."""
    if kind not in RECORDED_KINDS:
        raise MovementError.RECORD_KIND_PROPOSED.error(field="kind")
    if kind == RemovalKind.EXPULSION and not (decision_number or "").strip():
        raise MovementError.EXPULSION_NUMBER_REQUIRED.error(field="decision_number")
    member = Member.objects.select_for_update().get(pk=member.pk)
    require_act_at(actor, member.organization, RECORD_REMOVAL.label, RECORD_REMOVAL.body)
    event = member_services.member_add_event(
        actor=actor,
        member=member,
        kind=RECORDED_KINDS[RemovalKind(kind)],
        date=date,
        decision_number=(decision_number or "").strip()[:64],
        decision_date=decision_date,
        decided_by=(decided_by or "").strip()[:255],
        reason=details[:255],
    )
    removal = Removal(
        member=member,
        kind=kind,
        details=details,
        organization=member.organization,
        org_path=member.org_path,
        decided_by=(decided_by or "").strip()[:255],
        decision_number=(decision_number or "").strip()[:64],
        decision_date=decision_date,
        effective_date=date,
        status=RemovalStatus.DECIDED,
        event=event,
        created_by=history_user(actor),
    )
    with_history_user(removal, actor)
    removal.save()
    # The event closed the member's side files and open cases (endings.py).
    return removal
