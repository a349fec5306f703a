"""Inspection and discipline: one function per business action, keyword-only
with the acting user first, each in one transaction. A step locks the row,
asks the table (`workflow.INSPECTION`, `workflow.DISCIPLINE`) whether the
actor may take it, checks its input against `rules`, writes with history and
keeps the open cases in step. A refused action raises DomainError (codes of
`errors.DisciplineError` or `compliance.workflow.WorkflowError`) and writes
nothing.

Who acts: the inspection committee (Role.INSPECTION) of an organisation plans
and concludes its inspections and records the violations they find in its
subtree; a writer (cell, committee office, board) at the member's cell or
above records violations too. The deciding body (the cell for reprimand and
warning, a committee or its inspection committee) votes, decides and
announces; the inspection committee of the higher body answers complaints
and restores the wrongly disciplined (QĐ 117).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangvien.accounts.scope import Scope
from dangvien.compliance.workflow import Body, WorkflowError, _scope_of, actor_may_act_at
from dangvien.core.actors import SYSTEM, Actor, history_user, with_history_user
from dangvien.core.errors import RecordValidationError
from dangvien.members import services as member_services
from dangvien.members.models import (
    ACTIVE_STATUSES,
    EventKind,
    Member,
    MembershipEvent,
    PostHeld,
    Status,
    TripAbroad,
)
from dangvien.movements import removals
from dangvien.movements.models import RemovalKind
from dangvien.organizations.models import Organization
from dangvien.organizations.services import organization_dissolve

from . import papers, rules, selectors
from .errors import DisciplineError
from .models import (
    Complaint,
    ComplaintOutcome,
    ComplaintStatus,
    Discipline,
    DisciplineStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    OrgDiscipline,
    OrgDisciplineStatus,
    OrgSanction,
    Sanction,
    TripReport,
    Violation,
    ViolationKind,
)
from .workflow import DISCIPLINE, INSPECTION, by_cell

PLAN_LABEL = "Lập kế hoạch kiểm tra, giám sát"
VIOLATION_LABEL = "Ghi vi phạm của đảng viên"
PROPOSE_LABEL = "Đề nghị kỷ luật"
COMPLAINT_LABEL = "Ghi khiếu nại kỷ luật"
TRIP_REPORT_LABEL = "Ghi báo cáo đi nước ngoài"

# The bodies that may decide a discipline (R7; Điều lệ Điều 36).
DECIDING_BODIES = (
    Body.CELL,
    Body.GRASSROOTS,
    Body.GRASSROOTS_STANDING,
    Body.SUPERIOR,
    Body.INSPECTION,
)


def _today() -> dt.date:
    return dt.date.today()


def _save(obj, actor: Actor) -> None:
    with_history_user(obj, actor)
    obj.save()


def _text(value: str | None, field: str, limit: int, *, required: str = "") -> str:
    value = (value or "").replace("\x00", "").strip()
    if "<" in value or ">" in value:
        raise DisciplineError.ANGLE_BRACKETS.error(field=field)
    if required and not value:
        raise DisciplineError.TEXT_REQUIRED.error(field=field, what=required)
    return value[:limit]


def _not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > _today():
        raise DisciplineError.DATE_IN_FUTURE.error(field=field)


def _not_before(day: dt.date, earlier: dt.date | None, field: str, what: str) -> None:
    if earlier is not None and day < earlier:
        raise DisciplineError.DATE_BEFORE.error(field=field, what=what, day=f"{earlier:%d/%m/%Y}")


def _inspects(scope: Scope | None, organization: Organization) -> bool:
    """The inspection committee of `organization` or above (the system always)."""
    if scope is None or scope.everything:
        return True
    return any(organization.path.startswith(p) for p in scope.inspection_paths)


def _require_inspection(actor: Actor, organization: Organization, label: str) -> None:
    if not _inspects(_scope_of(actor), organization):
        raise WorkflowError.NOT_ACTING_BODY.error(
            field="step",
            step=label,
            body=str(Body.INSPECTION.label).lower(),
            organization=organization.name,
        )


def _require_inspection_or_writer(actor: Actor, organization: Organization, label: str) -> None:
    if _inspects(_scope_of(actor), organization) or actor_may_act_at(actor, organization):
        return
    _require_inspection(actor, organization, label)


def _choices(choices) -> str:
    return ", ".join(f"«{c.value}» ({c.label.lower()})" for c in choices)


# --- inspections ------------------------------------------------------------------------


@transaction.atomic
def inspection_plan(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    content: str,
    period_start: dt.date,
    period_end: dt.date,
    member: Member | None = None,
    target: Organization | None = None,
) -> Inspection:
    """The inspection committee of `organization` plans an inspection or a
    supervision (`kind`: "inspection" or "supervision") of a member or of an
    organisation of its subtree (exactly one), about `content`, from
    `period_start` to `period_end` (the conclusion is due then).

    Raises `not_acting_body` (no inspection role at `organization` or above),
    or RecordValidationError with codes `kind_invalid`, `inspection_target`,
    `inspection_outside`, `period_order`, `text_required`."""
    _require_inspection(actor, organization, PLAN_LABEL)
    errors: dict[str, list[str]] = {}
    if kind not in InspectionKind.values:
        errors["kind"] = [
            DisciplineError.KIND_INVALID.text(value=kind, choices=_choices(InspectionKind))
        ]
    if (member is None) == (target is None):
        errors["member"] = [DisciplineError.INSPECTION_TARGET.text()]
    else:
        path = member.org_path if member is not None else target.path  # type: ignore[union-attr]
        if not path.startswith(organization.path):
            errors["member" if member is not None else "target"] = [
                DisciplineError.INSPECTION_OUTSIDE.text(organization=organization.name)
            ]
    if period_end < period_start:
        errors["period_end"] = [DisciplineError.PERIOD_ORDER.text()]
    clean = (content or "").replace("\x00", "").strip()
    if not clean:
        errors["content"] = [DisciplineError.TEXT_REQUIRED.text(what="nội dung kiểm tra")]
    elif "<" in clean or ">" in clean:
        errors["content"] = [DisciplineError.ANGLE_BRACKETS.text()]
    if errors:
        raise RecordValidationError(errors, code=DisciplineError.INSPECTION_TARGET.code)
    inspection = Inspection(
        kind=kind,
        organization=organization,
        member=member,
        target=target,
        target_path=member.org_path if member is not None else target.path,  # type: ignore[union-attr]
        content=clean[:4000],
        period_start=period_start,
        period_end=period_end,
        created_by=history_user(actor),
    )
    _save(inspection, actor)
    INSPECTION.sync_case(inspection, on=_today())
    return inspection


@transaction.atomic
def inspection_conclude(
    *, actor: Actor, inspection: Inspection, concluded_on: dt.date, conclusion: str
) -> Inspection:
    """The inspection committee concludes (step "conclude"). Raises
    `out_of_order`, `not_acting_body`, `text_required`, `date_in_future`,
    `date_before` (before the period started)."""
    inspection = Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)
    INSPECTION.require(inspection, "conclude", actor)
    conclusion = _text(conclusion, "conclusion", 8000, required="kết luận")
    _not_future(concluded_on, "concluded_on")
    _not_before(concluded_on, inspection.period_start, "concluded_on", "ngày bắt đầu kiểm tra")
    inspection.conclusion = conclusion
    inspection.concluded_on = concluded_on
    inspection.status = InspectionStatus.CONCLUDED
    _save(inspection, actor)
    INSPECTION.sync_case(inspection, on=_today())
    return inspection


# --- trips and violations -----------------------------------------------------------------


@transaction.atomic
def trip_report_record(
    *, actor: Actor, trip: TripAbroad, reported_on: dt.date, reported_to: str = ""
) -> TripReport:
    """Record that the member reported the trip abroad (members.TripAbroad) to
    the competent committee on `reported_on` (before, during or after the
    trip), by a writer at the member's cell or above or the inspection
    committee over it. A started trip without a report is a candidate for
    "went abroad without reporting" (seed 001; `selectors.trips_not_reported`).

    Raises `not_acting_body`, or a DisciplineError: `date_in_future`,
    `angle_brackets`, `trip_report_exists` (reported already),
    `trip_report_violation` (already recorded as not reported); nothing is
    written then."""
    trip = (
        TripAbroad.objects.select_for_update(of=("self",)).select_related("member").get(pk=trip.pk)
    )
    member = trip.member
    _require_inspection_or_writer(actor, member.organization, TRIP_REPORT_LABEL)
    _not_future(reported_on, "reported_on")
    existing = TripReport.objects.filter(trip=trip).first()
    if existing is not None:
        raise DisciplineError.TRIP_REPORT_EXISTS.error(
            field="reported_on", day=f"{existing.reported_on:%d/%m/%Y}"
        )
    recorded = Violation.objects.filter(trip=trip, kind=ViolationKind.ABROAD_UNREPORTED).first()
    if recorded is not None:
        raise DisciplineError.TRIP_REPORT_VIOLATION.error(
            field="reported_on", day=f"{recorded.found_on:%d/%m/%Y}"
        )
    report = TripReport(
        trip=trip,
        reported_on=reported_on,
        reported_to=_text(reported_to, "reported_to", 255),
        created_by=history_user(actor),
    )
    _save(report, actor)
    return report


@transaction.atomic
def violation_record(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    description: str,
    committed_on: dt.date,
    found_on: dt.date,
    inspection: Inspection | None = None,
    trip: TripAbroad | None = None,
) -> Violation:
    """Record a violation of a member: by the inspection committee over the
    member's cell, or a writer at the cell or above. "Went abroad without
    reporting" names the trip (not reported: `selectors.trips_not_reported`).

    Raises `not_acting_body`, or RecordValidationError with codes
    `kind_invalid`, `trip_required`, `trip_other_member`, `trip_reported`,
    `inspection_other_member`, `text_required`, `date_in_future`,
    `date_before`, `not_a_member`."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    _require_inspection_or_writer(actor, member.organization, VIOLATION_LABEL)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if member.status not in ACTIVE_STATUSES:
        add(
            "member",
            DisciplineError.NOT_A_MEMBER.text(
                name=member.full_name, status=member.get_status_display().lower()
            ),
        )
    if kind not in ViolationKind.values:
        add("kind", DisciplineError.KIND_INVALID.text(value=kind, choices=_choices(ViolationKind)))
    if kind == ViolationKind.ABROAD_UNREPORTED and trip is None:
        add("trip", DisciplineError.TRIP_REQUIRED.text())
    if trip is not None:
        if trip.member_id != member.pk:
            add("trip", DisciplineError.TRIP_OTHER_MEMBER.text(name=member.full_name))
        report = TripReport.objects.filter(trip=trip).first()
        if report is not None and kind == ViolationKind.ABROAD_UNREPORTED:
            add(
                "trip",
                DisciplineError.TRIP_REPORTED.text(
                    country=trip.country,
                    day=f"{trip.start:%d/%m/%Y}",
                    reported=f"{report.reported_on:%d/%m/%Y}",
                ),
            )
    if inspection is not None and not (
        inspection.member_id == member.pk
        or (inspection.target is not None and member.org_path.startswith(inspection.target_path))
    ):
        add("inspection", DisciplineError.INSPECTION_OTHER_MEMBER.text(name=member.full_name))
    clean = (description or "").replace("\x00", "").strip()
    if not clean:
        add("description", DisciplineError.TEXT_REQUIRED.text(what="nội dung vi phạm"))
    elif "<" in clean or ">" in clean:
        add("description", DisciplineError.ANGLE_BRACKETS.text())
    today = _today()
    for field, day in (("committed_on", committed_on), ("found_on", found_on)):
        if day > today:
            add(field, DisciplineError.DATE_IN_FUTURE.text())
    if found_on < committed_on:
        add(
            "found_on",
            DisciplineError.DATE_BEFORE.text(what="ngày vi phạm", day=f"{committed_on:%d/%m/%Y}"),
        )
    if errors:
        raise RecordValidationError(errors, code=DisciplineError.KIND_INVALID.code)
    violation = Violation(
        member=member,
        org_path=member.org_path,
        inspection=inspection,
        kind=kind,
        description=clean[:4000],
        committed_on=committed_on,
        found_on=found_on,
        trip=trip,
        created_by=history_user(actor),
    )
    _save(violation, actor)
    return violation


# --- discipline ---------------------------------------------------------------------------


def _authority_body_ok(authority: Organization, body: str) -> bool:
    from dangvien.organizations.models import MEMBER_HOLDING_LEVELS

    if body not in DECIDING_BODIES:
        return False
    return (body == Body.CELL) == (authority.level in MEMBER_HOLDING_LEVELS)


@transaction.atomic
def discipline_propose(
    *,
    actor: Actor,
    violation: Violation,
    form: str,
    authority: Organization,
    authority_body: str,
    proposed_on: dt.date,
    post: PostHeld | None = None,
) -> Discipline:
    """Propose a discipline of `form` for `violation`, to be decided by
    `authority` acting as `authority_body` (the member's cell for reprimand or
    warning, "cell"; a committee at or above it; or its inspection committee).

    Checks R7.1 (probationary: reprimand or warning; dismissal only for a
    member holding a post on `proposed_on`, and names it), the cell's reach
    (reprimand and warning only), and R7.2 (the violation not time-barred on
    `proposed_on`, the period restarting on a later violation). Raises
    `not_acting_body` (the actor acts neither for the deciding body nor as
    inspection committee over it) or a DisciplineError at its field."""
    violation = (
        Violation.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=violation.pk)
    )
    member = violation.member
    if authority_body not in DECIDING_BODIES or not _authority_body_ok(authority, authority_body):
        raise DisciplineError.BODY_INVALID.error(field="authority_body", value=authority_body)
    if not member.org_path.startswith(authority.path):
        raise DisciplineError.AUTHORITY_OUTSIDE.error(
            field="authority", organization=authority.name, name=member.full_name
        )
    _require_inspection_or_writer(actor, authority, PROPOSE_LABEL)
    _not_future(proposed_on, "proposed_on")
    _not_before(proposed_on, violation.committed_on, "proposed_on", "ngày vi phạm")
    if form not in Sanction.values:
        raise DisciplineError.FORM_INVALID.error(
            field="form", value=form, choices=_choices(Sanction)
        )
    if member.status not in ACTIVE_STATUSES:
        raise DisciplineError.NOT_A_MEMBER.error(
            field="member", name=member.full_name, status=member.get_status_display().lower()
        )
    probationary = member.status == Status.PROBATIONARY
    holds = selectors.holds_post(member, proposed_on)
    allowed = rules.forms_allowed(probationary=probationary, holds_post=holds, on=proposed_on)
    if form not in allowed:
        if probationary:
            raise DisciplineError.FORM_PROBATIONARY.error(field="form")
        raise DisciplineError.FORM_NO_POST.error(
            field="form", name=member.full_name, day=f"{proposed_on:%d/%m/%Y}"
        )
    if form == Sanction.DISMISSAL:
        if post is None:
            if selectors.posts_held_on(member, proposed_on).exists():
                raise DisciplineError.POST_REQUIRED.error(field="post")
        elif not selectors.posts_held_on(member, proposed_on).filter(pk=post.pk).exists():
            raise DisciplineError.POST_NOT_HELD.error(
                field="post", post=post.title, name=member.full_name, day=f"{proposed_on:%d/%m/%Y}"
            )
    else:
        post = None
    if authority_body == Body.CELL and form in rules.SEVERE_FORMS:
        raise DisciplineError.CELL_FORM.error(field="form", form=Sanction(form).label.lower())
    years = rules.limitation_years(form, violation.kind, proposed_on)
    later = Violation.objects.filter(member=member).exclude(pk=violation.pk)
    ends = rules.limitation_ends(
        violation.committed_on, years, later.values_list("committed_on", flat=True)
    )
    if rules.time_barred(proposed_on, ends):
        raise DisciplineError.TIME_BARRED.error(
            field="form",
            committed=f"{violation.committed_on:%d/%m/%Y}",
            years=years,
            ends=f"{ends:%d/%m/%Y}",
        )
    running = (
        Discipline.objects.filter(violation=violation)
        .filter(
            status__in=(DisciplineStatus.PROPOSED, DisciplineStatus.VOTED, DisciplineStatus.DECIDED)
        )
        .first()
    )
    if running is not None:
        raise DisciplineError.ALREADY_OPEN.error(
            field="violation", status=running.get_status_display().lower()
        )
    discipline = Discipline(
        member=member,
        org_path=member.org_path,
        violation=violation,
        form=form,
        post=post,
        authority=authority,
        authority_path=authority.path,
        authority_body=authority_body,
        proposed_on=proposed_on,
        created_by=history_user(actor),
    )
    _save(discipline, actor)
    DISCIPLINE.sync_case(discipline, on=_today())
    return discipline


def _lock(discipline: Discipline) -> Discipline:
    return (
        Discipline.objects.select_for_update(of=("self",))
        .select_related("member", "violation", "authority", "post")
        .get(pk=discipline.pk)
    )


def _step_save(discipline: Discipline | OrgDiscipline, actor: Actor) -> None:
    discipline.version += 1
    _save(discipline, actor)
    DISCIPLINE.sync_case(discipline, on=_today())


@transaction.atomic
def discipline_vote(
    *,
    actor: Actor,
    discipline: Discipline,
    voted_on: dt.date,
    entitled: int,
    votes_for: int,
    record_rejection: bool = False,
) -> Discipline:
    """The deciding body's vote (step "vote"), counted against ALL `entitled`
    to vote (R7.6): passes → VOTED. A vote below the threshold is refused
    (`vote_below_threshold`, nothing written) unless `record_rejection` says
    the conference did vote and the count fell short: then REJECTED (no
    discipline, the case ends). The limitation (R7.2) is checked again on
    `voted_on`. Raises `out_of_order`, `not_acting_body`, `vote_figures`,
    `vote_below_threshold`, `date_in_future`, `date_before`, `time_barred`."""
    discipline = _lock(discipline)
    DISCIPLINE.require(discipline, "vote", actor)
    _not_future(voted_on, "voted_on")
    _not_before(voted_on, discipline.proposed_on, "voted_on", "ngày đề nghị")
    if entitled <= 0 or not 0 <= votes_for <= entitled:
        raise DisciplineError.VOTE_FIGURES.error(
            field="votes_for", votes=votes_for, entitled=entitled
        )
    violation = discipline.violation
    years = rules.limitation_years(discipline.form, violation.kind, voted_on)
    later = Violation.objects.filter(member_id=discipline.member_id).exclude(pk=violation.pk)
    ends = rules.limitation_ends(
        violation.committed_on, years, later.values_list("committed_on", flat=True)
    )
    if rules.time_barred(voted_on, ends):
        raise DisciplineError.TIME_BARRED.error(
            field="voted_on",
            committed=f"{violation.committed_on:%d/%m/%Y}",
            years=years,
            ends=f"{ends:%d/%m/%Y}",
        )
    discipline.entitled = entitled
    discipline.votes_for = votes_for
    discipline.voted_on = voted_on
    passed = rules.vote_passes(discipline.form, votes_for, entitled, voted_on)
    if not passed and not record_rejection:
        raise DisciplineError.VOTE_BELOW_THRESHOLD.error(
            field="votes_for",
            votes=votes_for,
            entitled=entitled,
            threshold=rules.vote_threshold_text(discipline.form, voted_on),
            form=discipline.get_form_display().lower(),
        )
    discipline.status = DisciplineStatus.VOTED if passed else DisciplineStatus.REJECTED
    _step_save(discipline, actor)
    return discipline


@transaction.atomic
def discipline_decide(
    *,
    actor: Actor,
    discipline: Discipline,
    decision_date: dt.date,
    decision_number: str = "",
) -> Discipline:
    """Sign the decision (step "decide"): issues the party-format decision
    (DocumentKind.DECISION, signed for the deciding body) unless a number made
    outside the product is typed; the announcement is then due by R7.7. An
    expulsion goes on to the removal workflow (`movements.removals.
    removal_record`, EXPULSION), effective on the decision date. Raises
    `out_of_order`, `not_acting_body`, `date_in_future`, `date_before`, or
    the removal's own errors."""
    discipline = _lock(discipline)
    DISCIPLINE.require(discipline, "decide", actor)
    _not_future(decision_date, "decision_date")
    _not_before(decision_date, discipline.voted_on, "decision_date", "ngày biểu quyết")
    number = _text(decision_number, "decision_number", 64)
    discipline.decision_date = decision_date
    if number:
        discipline.decision_number = number
    else:
        document = papers.issue_decision(actor, discipline)
        discipline.decision_document = document
        discipline.decision_number = document.symbol
    discipline.announce_due = rules.announce_due(decision_date, by_cell=by_cell(discipline))
    discipline.status = DisciplineStatus.DECIDED
    if discipline.form == Sanction.EXPULSION:
        recorder = actor if actor_may_act_at(actor, discipline.member.organization) else SYSTEM
        discipline.removal = removals.removal_record(
            actor=recorder,
            member=discipline.member,
            kind=RemovalKind.EXPULSION,
            date=decision_date,
            decided_by=discipline.authority.name,
            decision_number=discipline.decision_number,
            decision_date=decision_date,
            details=f"Kỷ luật khai trừ: {discipline.violation.get_kind_display()}",
        )
    _step_save(discipline, actor)
    return discipline


@transaction.atomic
def discipline_announce(
    *, actor: Actor, discipline: Discipline, announced_on: dt.date
) -> Discipline:
    """Announce the decision / hand it to the member (step "announce"): in
    force from `announced_on` (R7.7: a refusal to hear it does not stop it).
    Raises `out_of_order`, `not_acting_body`, `date_in_future`,
    `announce_before_decision`."""
    discipline = _lock(discipline)
    DISCIPLINE.require(discipline, "announce", actor)
    _not_future(announced_on, "announced_on")
    if discipline.decision_date and announced_on < discipline.decision_date:
        raise DisciplineError.ANNOUNCE_BEFORE_DECISION.error(
            field="announced_on", day=f"{discipline.decision_date:%d/%m/%Y}"
        )
    discipline.announced_on = announced_on
    discipline.status = DisciplineStatus.IN_FORCE
    _step_save(discipline, actor)
    return discipline


@transaction.atomic
def complaint_lodge(
    *,
    actor: Actor,
    discipline: Discipline,
    lodged_on: dt.date,
    content: str,
    answering_organization: Organization,
) -> Complaint:
    """Record the member's complaint against a decided discipline, to be
    answered by `answering_organization` (a body above the deciding one).
    While it is pending the discipline does not lapse (R7.3). Recorded by the
    member themself, a writer at the member's cell or above, or the
    inspection committee. Raises `not_acting_body`, `complaint_closed`,
    `complaint_pending`, `complaint_body`, `text_required`, `date_in_future`."""
    discipline = _lock(discipline)
    scope = _scope_of(actor)
    own = scope is not None and scope.member_id == discipline.member_id
    if not own:
        _require_inspection_or_writer(actor, discipline.member.organization, COMPLAINT_LABEL)
    if discipline.status not in (DisciplineStatus.DECIDED, DisciplineStatus.IN_FORCE):
        raise DisciplineError.COMPLAINT_CLOSED.error(field="discipline")
    pending = selectors.open_complaint(discipline)
    if pending is not None:
        raise DisciplineError.COMPLAINT_PENDING.error(
            field="lodged_on", day=f"{pending.lodged_on:%d/%m/%Y}"
        )
    authority = discipline.authority
    if not (
        authority.path.startswith(answering_organization.path)
        and answering_organization.pk != authority.pk
    ):
        raise DisciplineError.COMPLAINT_BODY.error(
            field="answering_organization", organization=authority.name
        )
    _not_future(lodged_on, "lodged_on")
    _not_before(lodged_on, discipline.decision_date, "lodged_on", "ngày quyết định")
    complaint = Complaint(
        discipline=discipline,
        lodged_on=lodged_on,
        content=_text(content, "content", 4000, required="nội dung khiếu nại"),
        answering_organization=answering_organization,
        created_by=history_user(actor),
    )
    _save(complaint, actor)
    DISCIPLINE.sync_case(discipline, on=_today())
    return complaint


@transaction.atomic
def complaint_answer(
    *,
    actor: Actor,
    discipline: Discipline,
    answered_on: dt.date,
    outcome: str,
    answer: str,
    answer_number: str = "",
    new_form: str = "",
) -> Complaint:
    """The answering body's inspection committee settles the pending complaint
    (step "answer"): keeps the form, changes it (`new_form`, not expulsion:
    the 12 months of R7.3 then run from `answered_on`), or annuls the
    decision (the discipline stops; restoration under QĐ 117 may follow).
    Raises `out_of_order`/`not_applicable` (no complaint pending),
    `not_acting_body`, `outcome_invalid`, `new_form_required`,
    `expulsion_complaint`, `text_required`, `date_in_future`, `date_before`."""
    discipline = _lock(discipline)
    DISCIPLINE.require(discipline, "answer", actor)
    complaint = Complaint.objects.select_for_update(of=("self",)).get(
        discipline=discipline, status=ComplaintStatus.LODGED
    )
    if outcome not in ComplaintOutcome.values:
        raise DisciplineError.OUTCOME_INVALID.error(field="outcome", value=outcome)
    _not_future(answered_on, "answered_on")
    _not_before(answered_on, complaint.lodged_on, "answered_on", "ngày khiếu nại")
    text = _text(answer, "answer", 4000, required="nội dung quyết định giải quyết")
    if outcome == ComplaintOutcome.CHANGED:
        if new_form not in Sanction.values or new_form == discipline.form:
            raise DisciplineError.NEW_FORM_REQUIRED.error(field="new_form")
        if new_form == Sanction.EXPULSION:
            raise DisciplineError.EXPULSION_COMPLAINT.error(field="new_form")
        probationary = discipline.member.status == Status.PROBATIONARY
        allowed = rules.forms_allowed(
            probationary=probationary,
            holds_post=selectors.holds_post(discipline.member, answered_on)
            or discipline.post_id is not None,
            on=answered_on,
        )
        if new_form not in allowed:
            raise DisciplineError.FORM_PROBATIONARY.error(field="new_form")
        discipline.form = new_form
    else:
        new_form = ""
    complaint.outcome = outcome
    complaint.new_form = new_form
    complaint.answer = text
    complaint.answer_number = _text(answer_number, "answer_number", 64)
    complaint.answered_on = answered_on
    complaint.status = ComplaintStatus.ANSWERED
    _save(complaint, actor)
    if outcome == ComplaintOutcome.ANNULLED:
        discipline.status = DisciplineStatus.ANNULLED
    _step_save(discipline, actor)
    return complaint


@transaction.atomic
def discipline_restore(
    *,
    actor: Actor,
    discipline: Discipline,
    restored_on: dt.date,
    decision: str,
    apologised_on: dt.date | None,
    rights: str,
) -> Discipline:
    """QĐ 117-QĐ/TW (R7.8): the discipline was wrong; record the conclusion
    that says so (`decision`), the apology and the rights given back (for a
    dismissal, the post or an equivalent one), and issue the restoration
    decision (DocumentKind.DECISION, "T/M ỦY BAN KIỂM TRA", dated
    `restored_on`). For an expulsion the membership is restored: the member's
    RESTORED event is written on the day the expulsion took effect, so the
    status returns to what it was and party age runs on without a gap (R1.18:
    "expelled wrongly and later cleared keep a continuous party age"; the
    dues of the gap are owed). The discipline stops counting (grading,
    transfers).

    Raises `out_of_order`, `not_acting_body`, `text_required`,
    `date_in_future`, `date_before`, `restore_not_expelled` (an expelled
    member who is no longer expelled, e.g. readmitted); nothing is written then."""
    discipline = _lock(discipline)
    DISCIPLINE.require(discipline, "restore", actor)
    _not_future(restored_on, "restored_on")
    _not_before(restored_on, discipline.decision_date, "restored_on", "ngày quyết định kỷ luật")
    if apologised_on is not None:
        _not_future(apologised_on, "apologised_on")
        _not_before(apologised_on, restored_on, "apologised_on", "ngày quyết định phục hồi")
    discipline.restoration_decision = _text(
        decision, "decision", 128, required="văn bản kết luận kỷ luật oan"
    )
    discipline.restoration_note = _text(rights, "rights", 4000, required="quyền lợi được phục hồi")
    member = Member.objects.select_for_update(of=("self",)).get(pk=discipline.member_id)
    membership = discipline.form == Sanction.EXPULSION
    expelled_on: dt.date | None = None
    kind: str | None = None
    if membership:
        if member.status != Status.EXPELLED:
            raise DisciplineError.RESTORE_NOT_EXPELLED.error(
                field="restored_on",
                name=member.full_name,
                status=member.get_status_display().lower(),
            )
        kind = EventKind.RESTORED
        expelled_on = (
            MembershipEvent.objects.filter(member=member, kind=EventKind.EXPELLED)
            .order_by("-date", "-seq", "-id")
            .values_list("date", flat=True)
            .first()
        ) or discipline.decision_date
    discipline.restored_on = restored_on
    discipline.apologised_on = apologised_on
    discipline.status = DisciplineStatus.RESTORED
    document = papers.issue_restoration(actor, discipline, membership=membership)
    discipline.restoration_document = document
    if membership:
        assert expelled_on is not None and kind is not None
        member_services.member_add_event(
            actor=actor,
            member=member,
            kind=kind,
            date=expelled_on,
            decision_number=document.symbol,
            decision_date=restored_on,
            decided_by=f"Ủy ban Kiểm tra {papers.committee_name(discipline.authority)}"[:255],
            reason="Phục hồi đảng tịch: kỷ luật khai trừ oan (QĐ 117-QĐ/TW)",
            note=discipline.restoration_decision,
        )
    _step_save(discipline, actor)
    return discipline


# --- discipline of party organisations ---------------------------------------------------

ORG_PROPOSE_LABEL = "Đề nghị kỷ luật tổ chức đảng"
ORG_BODIES = (Body.GRASSROOTS, Body.GRASSROOTS_STANDING, Body.SUPERIOR, Body.INSPECTION)


@transaction.atomic
def org_discipline_propose(
    *,
    actor: Actor,
    organization: Organization,
    form: str,
    violation_kind: str,
    description: str,
    committed_on: dt.date,
    authority: Organization,
    authority_body: str,
    proposed_on: dt.date,
    inspection: Inspection | None = None,
) -> OrgDiscipline:
    """Propose the discipline of a party organisation (R7.1: "reprimand",
    "warning" or "dissolution") for its violation, decided by `authority`
    acting as `authority_body` (a committee above it, its standing committee,
    or for reprimand and warning its inspection committee).

    Who decides (Điều lệ Đảng Điều 36, UNCONFIRMED depth configurable): a
    committee above the organisation; for a dissolution one at least
    `rules.org_levels_needed` levels above (proposed by the committee
    directly above). Checks the limitation (R7.2: 5 and 10 years, none for
    dissolution). Proposed by a writer or the inspection committee at or
    above the deciding body. Raises `not_acting_body` or a DisciplineError
    at its field (`org_form_invalid`, `org_body_invalid`, `org_authority`,
    `org_not_active`, `kind_invalid`, `text_required`, `date_in_future`,
    `date_before`, `org_time_barred`, `org_already_open`)."""
    organization = Organization.objects.select_for_update(of=("self",)).get(pk=organization.pk)
    if form not in OrgSanction.values:
        raise DisciplineError.ORG_FORM_INVALID.error(
            field="form", value=form, choices=_choices(OrgSanction)
        )
    label = OrgSanction(form).label.lower()
    if authority_body not in ORG_BODIES or (
        authority_body == Body.INSPECTION and form in rules.ORG_SEVERE_FORMS
    ):
        raise DisciplineError.ORG_BODY_INVALID.error(
            field="authority_body", value=authority_body, form=label
        )
    levels = rules.org_levels_needed(form, proposed_on)
    if not (
        organization.path.startswith(authority.path)
        and organization.depth - authority.depth >= levels
    ):
        raise DisciplineError.ORG_AUTHORITY.error(
            field="authority",
            authority=authority.name,
            organization=organization.name,
            levels=levels,
            form=label,
        )
    _require_inspection_or_writer(actor, authority, ORG_PROPOSE_LABEL)
    if not organization.is_active:
        raise DisciplineError.ORG_NOT_ACTIVE.error(
            field="organization", organization=organization.name
        )
    if violation_kind not in ViolationKind.values:
        raise DisciplineError.KIND_INVALID.error(
            field="violation_kind", value=violation_kind, choices=_choices(ViolationKind)
        )
    text = _text(description, "description", 4000, required="nội dung vi phạm")
    _not_future(committed_on, "committed_on")
    _not_future(proposed_on, "proposed_on")
    _not_before(proposed_on, committed_on, "proposed_on", "ngày vi phạm")
    years = rules.org_limitation_years(form, violation_kind, proposed_on)
    later = OrgDiscipline.objects.filter(organization=organization).values_list(
        "committed_on", flat=True
    )
    ends = rules.limitation_ends(committed_on, years, later)
    if rules.time_barred(proposed_on, ends):
        assert ends is not None
        raise DisciplineError.ORG_TIME_BARRED.error(
            field="committed_on",
            committed=f"{committed_on:%d/%m/%Y}",
            years=years,
            ends=f"{ends:%d/%m/%Y}",
        )
    running = OrgDiscipline.objects.filter(
        organization=organization,
        status__in=(
            OrgDisciplineStatus.PROPOSED,
            OrgDisciplineStatus.VOTED,
            OrgDisciplineStatus.DECIDED,
        ),
    ).first()
    if running is not None:
        raise DisciplineError.ORG_ALREADY_OPEN.error(
            field="organization",
            organization=organization.name,
            status=running.get_status_display().lower(),
        )
    discipline = OrgDiscipline(
        organization=organization,
        org_path=organization.path,
        inspection=inspection,
        violation_kind=violation_kind,
        description=text,
        committed_on=committed_on,
        form=form,
        authority=authority,
        authority_path=authority.path,
        authority_body=authority_body,
        proposed_on=proposed_on,
        created_by=history_user(actor),
    )
    _save(discipline, actor)
    DISCIPLINE.sync_case(discipline, on=_today())
    return discipline


def _lock_org(discipline: OrgDiscipline) -> OrgDiscipline:
    return (
        OrgDiscipline.objects.select_for_update(of=("self",))
        .select_related("organization", "authority")
        .get(pk=discipline.pk)
    )


@transaction.atomic
def org_discipline_vote(
    *,
    actor: Actor,
    discipline: OrgDiscipline,
    voted_on: dt.date,
    entitled: int,
    votes_for: int,
    record_rejection: bool = False,
) -> OrgDiscipline:
    """The deciding committee's vote (step "org_vote"), counted against ALL its
    members (`entitled`): reprimand and warning need more than 1/2,
    dissolution at least 2/3 (R7.6, `rules.org_vote_passes`); passes → VOTED.
    Below the threshold it is refused (`vote_below_threshold`, nothing
    written) unless `record_rejection`: then REJECTED. Raises `out_of_order`,
    `not_acting_body`, `vote_figures`, `vote_below_threshold`,
    `date_in_future`, `date_before`."""
    discipline = _lock_org(discipline)
    DISCIPLINE.require(discipline, "org_vote", actor)
    _not_future(voted_on, "voted_on")
    _not_before(voted_on, discipline.proposed_on, "voted_on", "ngày đề nghị")
    if entitled <= 0 or not 0 <= votes_for <= entitled:
        raise DisciplineError.VOTE_FIGURES.error(
            field="votes_for", votes=votes_for, entitled=entitled
        )
    discipline.entitled = entitled
    discipline.votes_for = votes_for
    discipline.voted_on = voted_on
    passed = rules.org_vote_passes(discipline.form, votes_for, entitled, voted_on)
    if not passed and not record_rejection:
        raise DisciplineError.VOTE_BELOW_THRESHOLD.error(
            field="votes_for",
            votes=votes_for,
            entitled=entitled,
            threshold=rules.vote_threshold_text(discipline.form, voted_on, organization=True),
            form=discipline.get_form_display().lower(),
        )
    discipline.status = OrgDisciplineStatus.VOTED if passed else OrgDisciplineStatus.REJECTED
    _step_save(discipline, actor)
    return discipline


@transaction.atomic
def org_discipline_decide(
    *,
    actor: Actor,
    discipline: OrgDiscipline,
    decision_date: dt.date,
    decision_number: str = "",
) -> OrgDiscipline:
    """Sign the decision (step "org_decide"): issues the party-format decision
    unless a number made outside the product is typed; the announcement is
    due 15 days later (R7.7, a higher body). Raises `out_of_order`,
    `not_acting_body`, `date_in_future`, `date_before`."""
    discipline = _lock_org(discipline)
    DISCIPLINE.require(discipline, "org_decide", actor)
    _not_future(decision_date, "decision_date")
    _not_before(decision_date, discipline.voted_on, "decision_date", "ngày biểu quyết")
    number = _text(decision_number, "decision_number", 64)
    discipline.decision_date = decision_date
    if number:
        discipline.decision_number = number
    else:
        document = papers.issue_org_decision(actor, discipline)
        discipline.decision_document = document
        discipline.decision_number = document.symbol
    discipline.announce_due = rules.announce_due(decision_date, by_cell=False)
    discipline.status = OrgDisciplineStatus.DECIDED
    _step_save(discipline, actor)
    return discipline


@transaction.atomic
def org_discipline_announce(
    *, actor: Actor, discipline: OrgDiscipline, announced_on: dt.date
) -> OrgDiscipline:
    """Announce the decision to the organisation (step "org_announce"): in
    force from `announced_on`; a dissolution then waits for step
    "org_dissolve". Raises `out_of_order`, `not_acting_body`,
    `date_in_future`, `announce_before_decision`."""
    discipline = _lock_org(discipline)
    DISCIPLINE.require(discipline, "org_announce", actor)
    _not_future(announced_on, "announced_on")
    if discipline.decision_date and announced_on < discipline.decision_date:
        raise DisciplineError.ANNOUNCE_BEFORE_DECISION.error(
            field="announced_on", day=f"{discipline.decision_date:%d/%m/%Y}"
        )
    discipline.announced_on = announced_on
    discipline.status = OrgDisciplineStatus.IN_FORCE
    _step_save(discipline, actor)
    return discipline


@transaction.atomic
def org_discipline_dissolve(
    *, actor: Actor, discipline: OrgDiscipline, dissolved_on: dt.date
) -> OrgDiscipline:
    """Carry out a dissolution (step "org_dissolve"): the organisation is
    dissolved on `dissolved_on` through `organizations.services.
    organization_dissolve` (its DISSOLVED event, numbered with the decision),
    once its members are transferred and its sub-organisations dissolved.
    Raises `out_of_order`, `not_applicable` (not a dissolution),
    `not_acting_body`, `date_in_future`, `date_before` (before the
    announcement), `dissolve_members_left`, `org_not_active`."""
    discipline = _lock_org(discipline)
    DISCIPLINE.require(discipline, "org_dissolve", actor)
    _not_future(dissolved_on, "dissolved_on")
    _not_before(dissolved_on, discipline.announced_on, "dissolved_on", "ngày công bố")
    target = discipline.organization
    if not target.is_active:
        raise DisciplineError.ORG_NOT_ACTIVE.error(field="dissolved_on", organization=target.name)
    members = Member.objects.filter(organization=target, status__in=ACTIVE_STATUSES).count()
    children = Organization.objects.filter(parent=target, valid_to__isnull=True).count()
    if members or children:
        raise DisciplineError.DISSOLVE_MEMBERS_LEFT.error(
            field="dissolved_on", organization=target.name, members=members, children=children
        )
    organization_dissolve(
        actor=actor,
        organization=target,
        date=dissolved_on,
        decision_number=discipline.decision_number,
    )
    discipline.dissolved_on = dissolved_on
    discipline.status = OrgDisciplineStatus.DISSOLVED
    _step_save(discipline, actor)
    return discipline
