"""Exemption, reduction and temporary exemption from party work and activity
(HD 27-HD/BTCTW; R3.1-R3.4): one function per step of `workflows.EXEMPTION`,
keyword-only with the acting user first, in one transaction. Each step locks
the row, asks the table whether the actor may take it now
(`EXEMPTION.require`: `out_of_order`, `not_applicable`, `not_acting_body`),
checks the rules, writes (history keeps who, when, before and after) and
updates the open case. A refused step raises DomainError and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangvien.core.actors import Actor
from dangvien.core.errors import DomainError
from dangvien.members import services as member_services
from dangvien.members.models import ACTIVE_STATUSES, EventKind, Member
from dangvien.organizations.models import Organization

from .. import rules
from ..errors import LiaisonError
from ..models import (
    EXEMPTION_OPEN,
    Exemption,
    ExemptionGround,
    ExemptionKind,
    ExemptionStatus,
    WorkingAway,
    WorkingAwayStatus,
)
from ..workflows import EXEMPTION, WORKING_AWAY, exemption_return_step
from .common import (
    actor_id,
    clean_text,
    not_before,
    not_future,
    require,
    require_member_or_writer,
    save,
    superior,
    today,
)

APPLY_LABEL = "Làm đơn xin miễn, giảm sinh hoạt"

TEMPORARY_GROUNDS = (
    ExemptionGround.WORKING_AWAY,
    ExemptionGround.ON_THE_MOVE,
    ExemptionGround.NO_PARTY_ORG,
    ExemptionGround.VISITING,
    ExemptionGround.OTHER,
)
AWAY_GROUNDS = (
    ExemptionGround.WORKING_AWAY,
    ExemptionGround.ON_THE_MOVE,
    ExemptionGround.NO_PARTY_ORG,
)


def _old_age_problem(member: Member, on: dt.date) -> DomainError | None:
    """`not_old_enough` (or `age_unknown`) when the member is not past working
    age on `on` (R3.2; members.rules.RETIREMENT_AGE_MONTHS)."""
    message = rules.old_age_error(member.birth_date, member.gender, on)
    if message is None:
        return None
    known = member.birth_date is not None and member.gender in ("M", "F")
    code = LiaisonError.NOT_OLD_ENOUGH if known else LiaisonError.AGE_UNKNOWN
    return DomainError(message, field="ground", code=code.code)


def _ground_error(
    *,
    member: Member,
    kind: str,
    ground: str,
    applied_on: dt.date,
    start: dt.date,
    end: dt.date | None,
    treatment_months: int | None,
    reason: str,
    inability: str = "",
) -> DomainError | None:
    """The error when the ground does not fit the kind or the rules (R3.2, R3.3,
    with the numbers in force on the application day; old age: past the Labour
    Code retirement age on the start day), else None."""
    if kind not in ExemptionKind.values:
        return LiaisonError.KIND_INVALID.error(field="kind")
    if ground not in ExemptionGround.values:
        return LiaisonError.GROUND_INVALID.error(field="ground")
    if ground == ExemptionGround.OLD_AGE and kind == ExemptionKind.TEMPORARY:
        return LiaisonError.OLD_AGE_NOT_TEMPORARY.error(field="kind")
    if (
        ground in TEMPORARY_GROUNDS
        and ground != ExemptionGround.OTHER
        and kind != ExemptionKind.TEMPORARY
    ):
        return LiaisonError.GROUND_IS_TEMPORARY.error(field="kind")
    if ground == ExemptionGround.OLD_AGE:
        # R3.2: both conditions, each recorded: past working age (the Labour
        # Code's retirement age of the year it is reached) from the start of
        # the exemption, and the member's inability to take part (BTCTW: being
        # old alone does not entitle).
        problem = _old_age_problem(member, start)
        if problem:
            return problem
        message = rules.inability_error(inability)
        if message:
            return DomainError(
                message, field="inability", code=LiaisonError.INABILITY_REQUIRED.code
            )
    if ground == ExemptionGround.POOR_HEALTH:
        message = rules.poor_health_error(treatment_months, applied_on)
        if message:
            return DomainError(
                message, field="treatment_months", code=LiaisonError.TREATMENT_TOO_SHORT.code
            )
    if ground == ExemptionGround.VISITING:
        message = rules.visiting_error(start, end)
        if message:
            return DomainError(message, field="end", code=LiaisonError.VISIT_TOO_SHORT.code)
    if ground == ExemptionGround.OTHER and not reason:
        return LiaisonError.OTHER_REASON_REQUIRED.error(field="reason")
    period = rules.period_error(kind, start, end)
    if period:
        field, error, params = period
        return error.error(field=field, **params)
    return None


@transaction.atomic
def exemption_apply(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    ground: str,
    applied_on: dt.date,
    start: dt.date,
    end: dt.date | None = None,
    treatment_months: int | None = None,
    reason: str = "",
    working_away: WorkingAway | None = None,
    inability: str = "",
) -> Exemption:
    """The member's application (R3.1: in writing or in person to the cell).

    kind: ExemptionKind; ground: ExemptionGround; `treatment_months` (months)
    for poor health; `inability` (the member's statement of why they cannot
    take part) for old age, whose member must be past the Labour Code
    retirement age on `start` (and again on the decision day); `end` required
    for a temporary exemption. With
    `working_away`, the temporary exemption is opened from that file (its step
    `exemption`). Opens the case «Chi bộ xét đơn», due a month after the
    application (rules.WORKING_AWAY_REVIEW_DAYS, days).

    Raises DomainError: `not_acting_body` (neither the member nor a writer at
    their cell or above), `exemption_open_exists`, `already_exempt`, the ground
    errors (`not_old_enough`, `age_unknown`, `inability_required`,
    `treatment_too_short`, `visit_too_short`...), dates.
    """
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    if working_away is not None:
        working_away = (
            WorkingAway.objects.select_for_update(of=("self",))
            .select_related("member")
            .get(pk=working_away.pk)
        )
        if working_away.member_id != member.pk or not working_away.is_open:
            raise LiaisonError.WORKING_AWAY_MISMATCH.error(field="working_away")
        if working_away.status != WorkingAwayStatus.REVIEWED:
            raise LiaisonError.WORKING_AWAY_NOT_REVIEWED.error(field="working_away")
        WORKING_AWAY.require(working_away, "exemption", actor)
    else:
        require_member_or_writer(actor, member, APPLY_LABEL)
    reason = clean_text(reason, "reason", 2000)
    inability = clean_text(inability, "inability", 2000)
    if member.status not in ACTIVE_STATUSES:
        raise LiaisonError.EXEMPTION_MEMBER_NOT_ACTIVE.error(field="member")
    not_future(applied_on, "applied_on")
    not_before(start, applied_on, "start", "ngày làm đơn")
    if Exemption.objects.filter(member=member, status__in=EXEMPTION_OPEN).exists():
        raise LiaisonError.EXEMPTION_OPEN_EXISTS.error(field="kind")
    if member.is_exempt and kind != ExemptionKind.REDUCTION:
        raise LiaisonError.ALREADY_EXEMPT.error(field="kind")
    problem = _ground_error(
        member=member,
        kind=kind,
        ground=ground,
        applied_on=applied_on,
        start=start,
        end=end,
        treatment_months=treatment_months,
        reason=reason,
        inability=inability,
    )
    if problem:
        raise problem
    if working_away is not None and ground not in AWAY_GROUNDS:
        raise LiaisonError.WORKING_AWAY_GROUND.error(field="ground")
    exemption = Exemption(
        member=member,
        organization=member.organization,
        kind=kind,
        ground=ground,
        reason=reason,
        inability=inability,
        treatment_months=treatment_months,
        applied_on=applied_on,
        start=start,
        end=end,
        status=ExemptionStatus.APPLIED,
        working_away=working_away,
        created_by_id=actor_id(actor),
    )
    save(exemption, actor)
    EXEMPTION.sync_case(exemption, on=applied_on)
    return exemption


def _locked(exemption: Exemption, step: str, actor: Actor) -> Exemption:
    exemption = (
        Exemption.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=exemption.pk)
    )
    EXEMPTION.require(exemption, step, actor)
    return exemption


@transaction.atomic
def exemption_decide(
    *, actor: Actor, exemption: Exemption, decided_on: dt.date, resolution_number: str
) -> Exemption:
    """The cell's resolution (R3.1, R3.2; step `decide`, the cell acts): the
    exemption starts (EXEMPTED event on its start day), unless it is a
    reduction, which is recorded but leaves the member in activity. Without a
    paper number, the cell's resolution is issued and numbered here. For old
    age, the member must be past working age on `decided_on` (R3.2).

    Raises DomainError: the workflow's codes, `start_in_future`,
    `not_old_enough`, dates."""
    exemption = _locked(exemption, "decide", actor)
    resolution_number = clean_text(resolution_number, "resolution_number", 64)
    not_future(decided_on, "decided_on")
    not_before(decided_on, exemption.applied_on, "decided_on", "ngày làm đơn")
    if exemption.start > today():
        raise LiaisonError.START_IN_FUTURE.error(field="decided_on")
    if exemption.ground == ExemptionGround.OLD_AGE:
        problem = _old_age_problem(exemption.member, decided_on)
        if problem:
            problem.field = "decided_on"
            raise problem
    if not resolution_number:
        # No paper resolution yet: the cell's resolution is issued here, numbered
        # in the cell's register (HD 36-HD/VPTW), and its number recorded.
        document = _resolution(actor, exemption, decided_on)
        exemption.resolution_document_id = document.pk
        resolution_number = document.symbol
    if exemption.kind != ExemptionKind.REDUCTION:
        member_services.member_add_event(
            actor=actor,
            member=exemption.member,
            kind=EventKind.EXEMPTED,
            date=exemption.start,
            decision_number=resolution_number,
            decision_date=decided_on,
            decided_by=exemption.organization.name,
            reason=f"{exemption.get_kind_display()}: {exemption.get_ground_display()}"[:255],
        )
    exemption.status = ExemptionStatus.DECIDED
    exemption.decided_on = decided_on
    exemption.resolution_number = resolution_number
    save(exemption, actor)
    EXEMPTION.sync_case(exemption, on=decided_on)
    return exemption


def _signer(organization: Organization) -> dict:
    return {"signer_capacity": "T/M CHI BỘ", "signer_title": "BÍ THƯ", "signer_name": ""}


def _old_age_facts(exemption: Exemption) -> list[str]:
    """For old age, the two conditions the resolution records (R3.2)."""
    if exemption.ground != ExemptionGround.OLD_AGE:
        return []
    from dangvien.members.rules import age_label, retirement_reached_on

    member = exemption.member
    reached, months = retirement_reached_on(member.birth_date, member.gender)
    return [
        f"Đồng chí đã quá tuổi lao động: đủ tuổi nghỉ hưu theo Bộ luật Lao động "
        f"({age_label(months)}) từ ngày {reached:%d/%m/%Y}.",
        f"Tình trạng không thể tham gia công tác, sinh hoạt đảng: {exemption.inability}",
    ]


def _resolution(actor: Actor, exemption: Exemption, decided_on: dt.date):
    from dangvien.documents.models import DocumentKind
    from dangvien.documents.services import document_issue

    member = exemption.member
    cell = exemption.organization
    kind = exemption.get_kind_display().lower()
    period = f"từ ngày {exemption.start:%d/%m/%Y}" + (
        f" đến ngày {exemption.end:%d/%m/%Y}" if exemption.end else ""
    )
    return document_issue(
        actor=actor,
        organization=cell,
        kind=DocumentKind.RESOLUTION,
        date=decided_on,
        summary=f"Về việc {kind} đối với đồng chí {member.full_name}",
        context={
            "bases": [
                "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
                "Căn cứ Quy định thi hành Điều lệ Đảng và Hướng dẫn 27-HD/BTCTW về miễn, "
                "giảm công tác và sinh hoạt đảng;",
                f"Xét đơn ngày {exemption.applied_on:%d/%m/%Y} của đồng chí {member.full_name};",
            ],
            "preamble": [
                f"Chi bộ họp ngày {decided_on:%d/%m/%Y} xem xét đơn của đồng chí "
                f"{member.full_name}, sinh ngày {member.birth_date:%d/%m/%Y}, lý do: "
                f"{exemption.get_ground_display().lower()}.",
                *_old_age_facts(exemption),
            ],
            "resolutions": [
                f"Đồng ý {kind} đối với đồng chí {member.full_name} {period}.",
                "Đồng chí được miễn, giảm vẫn được thông báo tình hình, nghị quyết của chi bộ; "
                "gương mẫu chấp hành Điều lệ Đảng, nghị quyết và pháp luật.",
                "Chi ủy báo cáo cấp ủy cấp trên trực tiếp theo quy định.",
            ],
            "recipients": [
                f"{superior(cell).name} (báo cáo);",
                f"Đồng chí {member.full_name};",
                "Lưu chi bộ.",
            ],
            **_signer(cell),
        },
        concerns_path=member.org_path,
        subject=exemption,
    )


@transaction.atomic
def exemption_refuse(
    *, actor: Actor, exemption: Exemption, decided_on: dt.date, refusal_reason: str
) -> Exemption:
    """The cell does not agree (step `refuse`): the file closes on `decided_on`.

    Raises DomainError: the workflow's codes, `refusal_reason_required`, dates."""
    exemption = _locked(exemption, "refuse", actor)
    refusal_reason = clean_text(refusal_reason, "refusal_reason")
    require(refusal_reason, "refusal_reason", LiaisonError.REFUSAL_REASON_REQUIRED)
    not_future(decided_on, "decided_on")
    not_before(decided_on, exemption.applied_on, "decided_on", "ngày làm đơn")
    exemption.status = ExemptionStatus.REFUSED
    exemption.decided_on = decided_on
    exemption.refusal_reason = refusal_reason
    save(exemption, actor)
    EXEMPTION.sync_case(exemption, on=decided_on)
    return exemption


@transaction.atomic
def exemption_report(
    *, actor: Actor, exemption: Exemption, reported_on: dt.date, reported_to: str = ""
) -> Exemption:
    """R3.1: the cell committee or secretary informs the committee directly above
    (step `report`; `reported_to` defaults to the cell's parent). A temporary
    exemption then waits for the member's return by its end date; a full
    exemption or a reduction has nothing due (its case closes).

    Raises DomainError: the workflow's codes, dates."""
    exemption = _locked(exemption, "report", actor)
    not_future(reported_on, "reported_on")
    not_before(reported_on, exemption.decided_on, "reported_on", "ngày chi bộ quyết định")
    exemption.status = ExemptionStatus.IN_FORCE
    exemption.reported_on = reported_on
    exemption.reported_to = clean_text(reported_to, "reported_to") or (
        superior(exemption.organization).name
    )
    save(exemption, actor)
    EXEMPTION.sync_case(exemption, on=reported_on)
    return exemption


@transaction.atomic
def exemption_apply_return(*, actor: Actor, exemption: Exemption, applied_on: dt.date) -> Exemption:
    """R3.2: the member asks to return to activity (step `apply_return` for a
    temporary exemption, `request_return` otherwise; the member or a writer at
    the cell or above).

    Raises DomainError: the workflow's codes, dates."""
    locked = Exemption.objects.select_for_update(of=("self",)).get(pk=exemption.pk)
    exemption = _locked(locked, exemption_return_step(locked), actor)
    not_future(applied_on, "return_applied_on")
    not_before(applied_on, exemption.start, "return_applied_on", "ngày bắt đầu miễn")
    exemption.status = ExemptionStatus.RETURN_APPLIED
    exemption.return_applied_on = applied_on
    save(exemption, actor)
    EXEMPTION.sync_case(exemption, on=applied_on)
    return exemption


@transaction.atomic
def exemption_return(
    *, actor: Actor, exemption: Exemption, returned_on: dt.date, resolution_number: str
) -> Exemption:
    """R3.2: the cell decides the return (step `return`; RETURNED event unless a
    reduction); the case closes on `returned_on`.

    Raises DomainError: the workflow's codes, `resolution_number_required`, dates."""
    exemption = _locked(exemption, "return", actor)
    resolution_number = clean_text(resolution_number, "return_resolution_number", 64)
    require(resolution_number, "return_resolution_number", LiaisonError.RESOLUTION_NUMBER_REQUIRED)
    not_future(returned_on, "returned_on")
    not_before(returned_on, exemption.return_applied_on, "returned_on", "ngày làm đơn")
    if exemption.kind != ExemptionKind.REDUCTION:
        member_services.member_add_event(
            actor=actor,
            member=exemption.member,
            kind=EventKind.RETURNED,
            date=returned_on,
            decision_number=resolution_number,
            decision_date=returned_on,
            decided_by=exemption.organization.name,
        )
    exemption.status = ExemptionStatus.RETURNED
    exemption.returned_on = returned_on
    exemption.return_resolution_number = resolution_number
    save(exemption, actor)
    EXEMPTION.sync_case(exemption, on=returned_on)
    return exemption
