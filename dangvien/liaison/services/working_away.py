"""Members working away from their residence (seeds 000, 001, 004): one
function per step of `workflows.WORKING_AWAY`, keyword-only with the acting
user first, in one transaction. Each step locks the file, asks the table
whether the actor may take it now (`out_of_order`, `not_applicable`,
`not_acting_body`), checks, writes and updates the open case; a refused step
raises DomainError and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangvien.core.actors import Actor
from dangvien.members.models import ACTIVE_STATUSES, Member
from dangvien.places.models import Commune, Province

from ..errors import LiaisonError
from ..models import (
    CONTACT_DIRECTION,
    EXEMPTION_OPEN,
    ContactKind,
    WorkingAway,
    WorkingAwayContact,
    WorkingAwayStatus,
    WorkingAwayYearReview,
)
from ..workflows import WORKING_AWAY, working_away_destination_step, working_away_last_news
from .common import (
    actor_id,
    clean_text,
    not_before,
    not_future,
    require,
    require_member_or_writer,
    save,
    today,
)

REPORT_LABEL = "Báo cáo đi làm ăn xa"


def _locked(working_away: WorkingAway, step: str | None, actor: Actor) -> WorkingAway:
    working_away = (
        WorkingAway.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=working_away.pk)
    )
    WORKING_AWAY.require(working_away, step or working_away_destination_step(working_away), actor)
    return working_away


@transaction.atomic
def working_away_report(
    *,
    actor: Actor,
    member: Member,
    reported_on: dt.date,
    left_on: dt.date | None = None,
    expected_return: dt.date | None = None,
    report_text: str = "",
) -> WorkingAway:
    """The member's written report to the cell before going away (seed 000); the
    member themself or a writer at their cell or above. Opens the case «Chi bộ
    xem xét», due rules.WORKING_AWAY_REVIEW_DAYS (days) after the report.

    Raises DomainError: `not_acting_body`, `member_not_active`,
    `return_before_leaving`, `working_away_open_exists`, dates."""
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    require_member_or_writer(actor, member, REPORT_LABEL)
    report_text = clean_text(report_text, "report_text", 2000)
    if member.status not in ACTIVE_STATUSES:
        raise LiaisonError.MEMBER_NOT_ACTIVE.error(field="member")
    not_future(reported_on, "reported_on")
    if expected_return and left_on and expected_return < left_on:
        raise LiaisonError.RETURN_BEFORE_LEAVING.error(field="expected_return")
    if WorkingAway.objects.filter(member=member).exclude(status=WorkingAwayStatus.ENDED).exists():
        raise LiaisonError.WORKING_AWAY_OPEN_EXISTS.error(field="reported_on")
    working_away = WorkingAway(
        member=member,
        organization=member.organization,
        reported_on=reported_on,
        left_on=left_on,
        expected_return=expected_return,
        report_text=report_text,
        status=WorkingAwayStatus.REPORTED,
        created_by_id=actor_id(actor),
    )
    save(working_away, actor)
    WORKING_AWAY.sync_case(working_away, on=reported_on)
    return working_away


@transaction.atomic
def working_away_review(
    *,
    actor: Actor,
    working_away: WorkingAway,
    reviewed_on: dt.date,
    committee_reported_on: dt.date,
    review_note: str = "",
) -> WorkingAway:
    """The cell considers the report and reports to the grassroots committee
    (step `review`, the cell acts). The case then waits for the destination.

    Raises DomainError: the workflow's codes, dates."""
    working_away = _locked(working_away, "review", actor)
    not_future(reviewed_on, "reviewed_on")
    not_before(reviewed_on, working_away.reported_on, "reviewed_on", "ngày đơn báo cáo")
    not_future(committee_reported_on, "committee_reported_on")
    not_before(committee_reported_on, reviewed_on, "committee_reported_on", "ngày chi bộ xem xét")
    working_away.status = WorkingAwayStatus.REVIEWED
    working_away.reviewed_on = reviewed_on
    working_away.committee_reported_on = committee_reported_on
    working_away.review_note = clean_text(review_note, "review_note", 2000)
    save(working_away, actor)
    WORKING_AWAY.sync_case(working_away, on=reviewed_on)
    return working_away


@transaction.atomic
def working_away_register_destination(
    *,
    actor: Actor,
    working_away: WorkingAway,
    registered_on: dt.date,
    province: Province | None,
    commune: Commune | None,
    address: str = "",
    employer: str = "",
    host_kind: str = "",
    host_name: str = "",
    host_contact_name: str = "",
    host_contact_phone: str = "",
) -> WorkingAway:
    """Where the member works and stays, and who there can be asked (seed 000;
    step `destination`, or `destination_change` once declared; the member or a
    writer at the cell or above). Once declared, the case waits for the
    member's news within the silence deadline (rules.WORKING_AWAY_SILENT_MONTHS,
    months).

    Raises DomainError: the workflow's codes, `province_required`,
    `commune_required`, `commune_not_in_province`, `destination_required`,
    `host_kind_invalid`, `phone_invalid`, dates."""
    working_away = _locked(working_away, None, actor)
    not_future(registered_on, "registered_on")
    not_before(registered_on, working_away.reported_on, "registered_on", "ngày đơn báo cáo")
    require(province, "dest_province", LiaisonError.PROVINCE_REQUIRED)
    require(commune, "dest_commune", LiaisonError.COMMUNE_REQUIRED)
    assert province is not None and commune is not None
    if commune.province_id != province.pk:
        raise LiaisonError.COMMUNE_NOT_IN_PROVINCE.error(field="dest_commune")
    address = clean_text(address, "dest_address")
    employer = clean_text(employer, "employer")
    if not address and not employer:
        raise LiaisonError.DESTINATION_REQUIRED.error(field="employer")
    if host_kind and host_kind not in ("party", "authority"):
        raise LiaisonError.HOST_KIND_INVALID.error(field="host_kind")
    phone = clean_text(host_contact_phone, "host_contact_phone", 20)
    if phone and not all(ch.isdigit() or ch in " +.-()" for ch in phone):
        raise LiaisonError.PHONE_INVALID.error(field="host_contact_phone")
    working_away.dest_province = province
    working_away.dest_commune = commune
    working_away.dest_address = address
    working_away.employer = employer
    working_away.host_kind = host_kind
    working_away.host_name = clean_text(host_name, "host_name")
    working_away.host_contact_name = clean_text(host_contact_name, "host_contact_name", 120)
    working_away.host_contact_phone = phone
    working_away.destination_registered_on = registered_on
    save(working_away, actor)
    WORKING_AWAY.sync_case(working_away, on=registered_on)
    return working_away


@transaction.atomic
def working_away_contact_add(
    *,
    actor: Actor,
    working_away: WorkingAway,
    date: dt.date,
    kind: str,
    note: str = "",
    amount: int | None = None,
) -> WorkingAwayContact:
    """One contact either way (step `contact`): news sent by the cell; the
    member's report, contribution or dues (`amount` in đồng) (seed 000: "giữ
    mối liên hệ hai chiều"). The member's news moves the silence deadline.

    Raises DomainError: the workflow's codes, `contact_kind_invalid`,
    `amount_negative`, `dues_amount_required`, dates."""
    working_away = _locked(working_away, "contact", actor)
    if kind not in ContactKind.values:
        raise LiaisonError.CONTACT_KIND_INVALID.error(field="kind")
    not_future(date, "date")
    not_before(date, working_away.reported_on, "date", "ngày đơn báo cáo")
    if amount is not None and amount < 0:
        raise LiaisonError.AMOUNT_NEGATIVE.error(field="amount")
    if kind == ContactKind.DUES and not amount:
        raise LiaisonError.DUES_AMOUNT_REQUIRED.error(field="amount")
    contact = WorkingAwayContact.objects.create(
        working_away=working_away,
        date=date,
        kind=kind,
        direction=CONTACT_DIRECTION[ContactKind(kind)],
        note=clean_text(note, "note"),
        amount=amount,
        created_by_id=actor_id(actor),
    )
    WORKING_AWAY.sync_case(working_away, on=date)
    return contact


@transaction.atomic
def working_away_year_review(
    *,
    actor: Actor,
    working_away: WorkingAway,
    year: int,
    received_on: dt.date,
    self_review: str,
    host_comment: str = "",
    host_commenter: str = "",
) -> WorkingAwayYearReview:
    """The year-end self-review with the host's comment (seeds 000, 004; step
    `year_review`); one a year. It counts as news from the member.

    Raises DomainError: the workflow's codes, `self_review_required`,
    `review_year_invalid`, `review_too_early`, `review_exists`, dates."""
    working_away = _locked(working_away, "year_review", actor)
    self_review = clean_text(self_review, "self_review", 4000)
    require(self_review, "self_review", LiaisonError.SELF_REVIEW_REQUIRED)
    not_future(received_on, "received_on")
    if not (working_away.reported_on.year <= year <= today().year):
        raise LiaisonError.REVIEW_YEAR_INVALID.error(field="year")
    if received_on.year < year:
        raise LiaisonError.REVIEW_TOO_EARLY.error(field="received_on")
    if WorkingAwayYearReview.objects.filter(working_away=working_away, year=year).exists():
        raise LiaisonError.REVIEW_EXISTS.error(field="year", year=year)
    review = WorkingAwayYearReview(
        working_away=working_away,
        year=year,
        received_on=received_on,
        self_review=self_review,
        host_comment=clean_text(host_comment, "host_comment", 4000),
        host_commenter=clean_text(host_commenter, "host_commenter"),
        created_by_id=actor_id(actor),
    )
    save(review, actor)
    # The member's report counts as news from them (two-way contact).
    WorkingAwayContact.objects.create(
        working_away=working_away,
        date=received_on,
        kind=ContactKind.REPORT,
        direction=CONTACT_DIRECTION[ContactKind.REPORT],
        note=f"Bản tự kiểm điểm năm {year}",
        created_by_id=actor_id(actor),
    )
    WORKING_AWAY.sync_case(working_away, on=received_on)
    return review


@transaction.atomic
def working_away_end(
    *, actor: Actor, working_away: WorkingAway, ended_on: dt.date, end_note: str = ""
) -> WorkingAway:
    """The member is back, or the file is closed (step `end`): stops the
    follow-up and closes the case on `ended_on`.

    Raises DomainError: the workflow's codes, `exemption_still_open` (a
    temporary exemption must first end by a return), dates."""
    working_away = _locked(working_away, "end", actor)
    not_future(ended_on, "ended_on")
    not_before(ended_on, working_away.reported_on, "ended_on", "ngày đơn báo cáo")
    if working_away.exemptions.filter(status__in=EXEMPTION_OPEN).exists():
        raise LiaisonError.EXEMPTION_STILL_OPEN.error(field="ended_on")
    working_away.status = WorkingAwayStatus.ENDED
    working_away.ended_on = ended_on
    working_away.end_note = clean_text(end_note, "end_note")
    save(working_away, actor)
    WORKING_AWAY.sync_case(working_away, on=ended_on)
    return working_away


__all__ = [
    "working_away_contact_add",
    "working_away_end",
    "working_away_last_news",
    "working_away_register_destination",
    "working_away_report",
    "working_away_review",
    "working_away_year_review",
]
