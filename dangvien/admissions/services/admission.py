"""Admission of new members (and readmission), from a complete dossier to the
ceremony, step by step (regulations.md R1.4-R1.11).

One function per step: keyword-only, `actor` first, one transaction each. A step
locks the file, asks the table (`workflow.ADMISSION.require`) whether the actor
may take it now, checks the rules, writes the file, logs who/when and keeps the
open case in step (`ADMISSION.sync_case`). A refused step raises DomainError
(coded, admissions.errors) and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangvien.core.actors import Actor
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.members import selectors as member_selectors
from dangvien.members import services as member_services
from dangvien.members.models import EventKind, Member, Status

from .. import rules
from ..errors import AdmissionError
from ..models import AdmissionFile, FileKind, IntroductionKind, Stage
from ..workflow import (
    ADMISSION,
    admission_ceremony_deadline,
    admission_decision_deadline,
    admission_detail,
    admission_stale_from,
    competent_of,
)
from .common import (
    _extension_check,
    _issue_cell_resolution,
    _issue_decision,
    _log,
    _not_before,
    _not_future,
    _record_vote,
    _rule_error,
    _text,
)


def _sync(file: AdmissionFile, on: dt.date) -> None:
    ADMISSION.sync_case(file, on=on, detail=admission_detail(file))


def _lock(file: AdmissionFile) -> AdmissionFile:
    return (
        AdmissionFile.objects.select_for_update(of=("self",))
        .select_related("candidate", "organization", "member")
        .get(pk=file.pk)
    )


def _take(file: AdmissionFile, step: str, actor: Actor) -> AdmissionFile:
    """The locked file, once the table allows `actor` to take `step` on it now."""
    file = _lock(file)
    ADMISSION.require(file, step, actor)
    return file


# --- the dossier and the cell's vote ----------------------------------------------------


def _introducer_error(member: Member | None, since: dt.date | None, on: dt.date, label: str):
    if member is None:
        return AdmissionError.INTRODUCER_REQUIRED.text(label=label)
    state = member_selectors.member_state_on(member, on)
    if state.status != Status.OFFICIAL:
        return AdmissionError.INTRODUCER_NOT_OFFICIAL.text(
            label=label.capitalize(), day=f"{on:%d/%m/%Y}"
        )
    return rules.introducer_months_error(since, on, label)


@transaction.atomic
def admission_complete_dossier(
    *,
    actor: Actor,
    file: AdmissionFile,
    date: dt.date,
    cv_verified_on: dt.date | None,
    cv_verified_by: str,
    introduction_kind: str,
    introducer_1: Member | None,
    introducer_1_since: dt.date | None,
    introducer_2: Member | None = None,
    introducer_2_since: dt.date | None = None,
    union_resolution: str = "",
    residence_comment: str,
    mass_org_comment: str,
    age_exception: str = "",
) -> AdmissionFile:
    """Step `dossier` (or `renew` for a stale file, R1.6): the dossier is complete
    (R1.4 verified CV, R1.5 introducers of INTRODUCER_MIN_MONTHS months, R1.7
    comments). Raises RecordValidationError by field, `out_of_order` for a renewal
    before the file is stale."""
    file = _lock(file)
    renewing = file.stage == Stage.DOSSIER_COMPLETE
    ADMISSION.require(file, "renew" if renewing else "dossier", actor)
    date = _not_future(date, "date")
    _not_before(date, file.opened_on, "date", "ngày mở hồ sơ")
    stale_from = admission_stale_from(file)
    if renewing and (stale_from is None or date < stale_from):
        raise AdmissionError.NOT_STALE_YET.error(
            field="step",
            months=rules.DOSSIER_STALE_MONTHS.on(file.renewed_on or file.opened_on),
            stale_from=f"{stale_from:%d/%m/%Y}" if stale_from else "",
        )
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    E = AdmissionError
    if cv_verified_on is None:
        add("cv_verified_on", E.CV_NOT_VERIFIED.text())
    elif cv_verified_on > date:
        add("cv_verified_on", E.CV_AFTER_DOSSIER.text())
    if not _text(cv_verified_by):
        add("cv_verified_by", E.CV_BY_REQUIRED.text())
    if introduction_kind not in IntroductionKind.values:
        add("introduction_kind", E.INTRODUCTION_KIND_REQUIRED.text())
    add(
        "introducer_1",
        _introducer_error(introducer_1, introducer_1_since, date, "người giới thiệu thứ nhất"),
    )
    if introduction_kind == IntroductionKind.TWO_MEMBERS:
        add(
            "introducer_2",
            _introducer_error(introducer_2, introducer_2_since, date, "người giới thiệu thứ hai"),
        )
        if introducer_1 and introducer_2 and introducer_1.pk == introducer_2.pk:
            add("introducer_2", E.INTRODUCERS_SAME.text())
    elif introduction_kind in IntroductionKind.values:
        if not _text(union_resolution):
            add("union_resolution", E.UNION_RESOLUTION_REQUIRED.text())
        if introducer_2 is not None:
            add("introducer_2", E.ONE_INTRODUCER_ONLY.text())
    if not _text(residence_comment):
        add("residence_comment", E.RESIDENCE_COMMENT_REQUIRED.text())
    if not _text(mass_org_comment):
        add("mass_org_comment", E.MASS_ORG_COMMENT_REQUIRED.text())
    add("certificate_date", rules.certificate_error(file.certificate_date, date))
    if errors:
        raise RecordValidationError(errors)
    file.dossier_on = date
    if renewing:
        file.renewed_on = date
    file.cv_verified_on = cv_verified_on
    file.cv_verified_by = _text(cv_verified_by)
    file.introduction_kind = introduction_kind
    file.introducer_1 = introducer_1
    file.introducer_1_since = introducer_1_since
    two = introduction_kind == IntroductionKind.TWO_MEMBERS
    file.introducer_2 = introducer_2 if two else None
    file.introducer_2_since = introducer_2_since if two else None
    file.union_resolution = "" if two else _text(union_resolution)
    file.residence_comment = _text(residence_comment)
    file.mass_org_comment = _text(mass_org_comment)
    file.age_exception = _text(age_exception) or file.age_exception
    file.stage = Stage.DOSSIER_COMPLETE
    file.save()
    _log(file, "renew" if renewing else "dossier", date, actor)
    _sync(file, date)
    return file


@transaction.atomic
def admission_cell_vote(
    *,
    actor: Actor,
    file: AdmissionFile,
    meeting_date: dt.date,
    votes_for: int,
    resolution_number: str = "",
    age_exception: str = "",
    signer_name: str = "",
    present=None,
):
    """Step `cell_vote` (R1.8): CELL_VOTE_SHARE of the cell's official members on the
    meeting date, less those R1.8a leaves out (`rules.vote_base`: exempted and
    absent, temporarily attached elsewhere); `present` lists the official members
    present (None: all), kept on the vote; the age is checked on that day (R1.1-R1.2); the MAX_FAILED_VOTES-th
    failed vote sends the file up. A blank `resolution_number` issues the resolution
    paper. Returns the CellVote. Raises `stale` when the file is over
    DOSSIER_STALE_MONTHS months idle, other coded errors by field."""
    file = _take(file, "cell_vote", actor)
    meeting_date = _not_future(meeting_date, "meeting_date")
    _not_before(meeting_date, file.dossier_on, "meeting_date", "ngày hồ sơ đầy đủ")
    last = file.votes.order_by("-meeting_date").first()
    _not_before(meeting_date, last.meeting_date if last else None, "meeting_date", "lần xét trước")
    stale_from = admission_stale_from(file)
    if stale_from and meeting_date >= stale_from:
        since = file.renewed_on or file.opened_on
        raise AdmissionError.STALE.error(
            field="meeting_date",
            months=rules.DOSSIER_STALE_MONTHS.on(since),
            since=f"{since:%d/%m/%Y}",
        )
    if message := rules.certificate_error(file.certificate_date, meeting_date):
        raise _rule_error(message, "meeting_date")
    exception = _text(age_exception) or file.age_exception
    if message := rules.admission_age_error(file.candidate.birth_date, meeting_date):
        over = rules.age_in_months(file.candidate.birth_date, meeting_date) > (
            rules.ADMISSION_MAX_AGE_MONTHS.on(meeting_date)
        )
        if not over:
            raise _rule_error(message, "meeting_date")
        if not exception:
            raise _rule_error(message, "age_exception")
    vote = _record_vote(
        file=file,
        cell=file.organization,
        meeting_date=meeting_date,
        votes_for=votes_for,
        actor=actor,
        present=present,
    )
    file.age_exception = exception
    if vote.passed:
        file.stage = Stage.CELL_AGREED
        file.cell_resolution_date = meeting_date
        file.cell_resolution_number = _text(resolution_number, 64)
        if not file.cell_resolution_number:  # left blank: the register numbers the paper
            name = file.candidate.full_name
            what = "kết nạp lại" if file.kind == FileKind.READMISSION else "kết nạp"
            paper = _issue_cell_resolution(
                actor=actor,
                file=file,
                cell=file.organization,
                vote=vote,
                summary=f"Đề nghị {what} {name} vào Đảng",
                preamble=[
                    f"Ngày {meeting_date:%d/%m/%Y}, {file.organization.name} họp xét đề nghị "
                    f"{what} {name}, sinh ngày {file.candidate.birth_date:%d/%m/%Y}, vào Đảng "
                    "Cộng sản Việt Nam."
                ],
                resolution=(
                    f"Đề nghị cấp ủy có thẩm quyền xem xét, quyết định {what} {name} vào Đảng "
                    "Cộng sản Việt Nam."
                ),
                signer_name=_text(signer_name),
            )
            file.cell_resolution_number = paper.symbol
    elif vote.round >= rules.MAX_FAILED_VOTES.on(meeting_date):
        file.stage = Stage.ESCALATED
        _log(file, "escalation", meeting_date, actor, "Báo cáo cấp ủy cấp trên xem xét, quyết định")
    file.save()
    _sync(file, meeting_date)
    return vote


# --- the committees above ---------------------------------------------------------------


@transaction.atomic
def admission_escalation_decide(
    *, actor: Actor, file: AdmissionFile, date: dt.date, agreed: bool, note: str
) -> AdmissionFile:
    """Step `escalation`: after MAX_FAILED_VOTES failed votes the committee above the
    cell decides whether the file goes on (R1.8); the deadlines then run from `date`."""
    file = _take(file, "escalation", actor)
    date = _not_future(date, "date")
    last = file.votes.order_by("-meeting_date").first()
    _not_before(date, last.meeting_date if last else None, "date", "lần biểu quyết cuối")
    if not _text(note):
        raise AdmissionError.NOTE_REQUIRED.error(field="note")
    file.escalation_date = date
    file.escalation_note = _text(note)
    if agreed:
        file.stage = Stage.CELL_AGREED
        file.cell_resolution_date = date  # the deadlines run from the higher committee's conclusion
    else:
        file.stage = Stage.REFUSED
        file.closed_on = date
        file.closed_reason = "Cấp ủy cấp trên không đồng ý kết nạp"
    file.save()
    _log(file, "escalation", date, actor, f"Cấp ủy cấp trên kết luận: {file.escalation_note}")
    _sync(file, date)
    return file


@transaction.atomic
def admission_grassroots_resolve(
    *,
    actor: Actor,
    file: AdmissionFile,
    date: dt.date,
    resolution_number: str,
    agreed: bool = True,
) -> AdmissionFile:
    """Step `grassroots`: the grassroots committee's resolution on the cell's proposal
    (agreed: on to the decision; not: the file closes as refused)."""
    file = _take(file, "grassroots", actor)
    date = _not_future(date, "date")
    _not_before(date, file.cell_resolution_date, "date", "ngày nghị quyết chi bộ")
    if not _text(resolution_number, 64):
        raise AdmissionError.RESOLUTION_NUMBER_REQUIRED.error(field="resolution_number")
    file.grassroots_resolution_date = date
    file.grassroots_resolution_number = _text(resolution_number, 64)
    if agreed:
        file.stage = Stage.GRASSROOTS_AGREED
    else:
        file.stage = Stage.REFUSED
        file.closed_on = date
        file.closed_reason = "Đảng ủy cơ sở không đề nghị kết nạp"
    file.save()
    _log(
        file,
        "grassroots",
        date,
        actor,
        f"Nghị quyết đảng ủy cơ sở số {file.grassroots_resolution_number}",
    )
    _sync(file, date)
    return file


@transaction.atomic
def admission_extend(
    *, actor: Actor, file: AdmissionFile, date: dt.date, days: int, reason: str
) -> AdmissionFile:
    """Step `extension` (a special case, R1.9): the decision deadline extended by `days`
    working days, at most DECISION_MAX_EXTENSION_WORKING_DAYS, with a reason."""
    file = _take(file, "extension", actor)
    _extension_check(file, date, days, reason)
    file.extension_days = days
    file.extension_reason = _text(reason)
    file.save()
    _log(file, "extension", date, actor, f"Gia hạn {days} ngày làm việc: {file.extension_reason}")
    _sync(file, date)
    return file


@transaction.atomic
def admission_decide(
    *,
    actor: Actor,
    file: AdmissionFile,
    decision_date: dt.date,
    decision_number: str,
    decided_by: str,
    received_on: dt.date | None = None,
    readmission_approval: str = "",
    signer_name: str = "",
) -> AdmissionFile:
    """Step `decision`, by the competent committee (R1.10) only: within
    ADMISSION_DECISION_WORKING_DAYS working days of the cell resolution (+ the recorded
    extension), R1.9; `late` otherwise. A blank `decision_number` issues the paper.
    Party age will count from the ceremony."""
    file = _take(file, "decision", actor)
    decision_date = _not_future(decision_date, "decision_date")
    _not_before(
        decision_date, file.grassroots_resolution_date, "decision_date", "nghị quyết đảng ủy cơ sở"
    )
    deadline = admission_decision_deadline(file)
    if deadline and decision_date > deadline:
        raise AdmissionError.ADMISSION_LATE.error(
            field="decision_date",
            deadline=f"{deadline:%d/%m/%Y}",
            days=rules.ADMISSION_DECISION_WORKING_DAYS.on(file.cell_resolution_date),
            extended=f", đã gia hạn {file.extension_days} ngày" if file.extension_days else "",
            max_extension=rules.DECISION_MAX_EXTENSION_WORKING_DAYS.on(decision_date),
        )
    decided_by = _text(decided_by) or f"Ban Thường vụ {competent_of(file.organization).name}"
    received_on = received_on or decision_date
    _not_before(received_on, decision_date, "received_on", "ngày quyết định")
    _not_future(received_on, "received_on")
    approval = _text(readmission_approval) or file.readmission_approval
    if file.kind == FileKind.READMISSION and not approval:
        raise AdmissionError.READMISSION_APPROVAL_REQUIRED.error(field="readmission_approval")
    file.decision_date = decision_date
    file.decision_number = _text(decision_number, 64)
    file.decided_by = decided_by
    file.decision_received_on = received_on
    if not file.decision_number:  # left blank: the register numbers the paper
        name = file.candidate.full_name
        what = "Kết nạp lại" if file.kind == FileKind.READMISSION else "Kết nạp"
        months = rules.PROBATION_MONTHS.on(decision_date)
        paper = _issue_decision(
            actor=actor,
            file=file,
            cell=file.organization,
            date=decision_date,
            summary=f"{what} đảng viên: {name}",
            articles=[
                f"{what} {name}, sinh ngày {file.candidate.birth_date:%d/%m/%Y}, vào Đảng Cộng "
                f"sản Việt Nam; sinh hoạt tại {file.organization.name}.",
                f"Thời gian dự bị {months} tháng, kể từ ngày chi bộ tổ chức lễ kết nạp.",
                f"{file.organization.name} và đảng viên có tên tại Điều 1 thi hành quyết định này.",
            ],
            signer_name=_text(signer_name),
        )
        file.decision_number = paper.symbol
    file.readmission_approval = approval
    file.stage = Stage.DECIDED
    file.save()
    _log(file, "decision", decision_date, actor, f"Quyết định kết nạp số {file.decision_number}")
    _sync(file, decision_date)
    return file


@transaction.atomic
def admission_ceremony(
    *, actor: Actor, file: AdmissionFile, date: dt.date, late_consent: str = ""
) -> Member:
    """Step `ceremony` (R1.11): within CEREMONY_WORKING_DAYS working days of receiving
    the decision, later only with the recorded consent of the committee above. The
    candidate becomes a probationary member (joining date = the ceremony) and the
    recognition file opens. Returns the Member."""
    from .recognition import _recognition_create

    file = _take(file, "ceremony", actor)
    date = _not_future(date, "date")
    _not_before(date, file.decision_received_on, "date", "ngày nhận quyết định")
    deadline = admission_ceremony_deadline(file)
    consent = _text(late_consent)
    if deadline and date > deadline and not consent:
        raise AdmissionError.CEREMONY_LATE.error(
            field="late_consent",
            deadline=f"{deadline:%d/%m/%Y}",
            days=rules.CEREMONY_WORKING_DAYS.on(file.decision_received_on),
        )
    candidate = file.candidate
    if file.kind == FileKind.READMISSION:
        member = candidate.former_member
        # A readmission file is opened for a former member (opening.py), kept on it.
        assert member is not None
        member_services.member_add_event(
            actor=actor,
            member=member,
            kind=EventKind.READMITTED,
            date=date,
            organization=file.organization,
            decision_number=file.decision_number,
            decision_date=file.decision_date,
            decided_by=file.decided_by,
        )
        member.refresh_from_db()
    else:
        data = {
            "family_name": candidate.family_name,
            "middle_name": candidate.middle_name,
            "given_name": candidate.given_name,
            "gender": candidate.gender,
            "birth_date": candidate.birth_date,
            "admission_decision_date": file.decision_date,
            "admission_decision_number": file.decision_number,
            "joining_date": date,
            "admitting_organization": file.organization.name,
            "introducer_1": file.introducer_1.full_name if file.introducer_1 else "",
            "introducer_2": file.introducer_2.full_name
            if file.introducer_2
            else file.union_resolution,
            "age_exception": file.age_exception,
        }
        try:
            member = member_services.member_create(
                actor=actor,
                organization=file.organization,
                data=data,
                event_kind=EventKind.ADMITTED,
                event_date=date,
                decision_number=file.decision_number,
                # R1.1: the age counts on the day the cell considered the admission.
                age_checked_on=file.cell_resolution_date,
            )
        except RecordValidationError as exc:
            field, messages = next(iter(exc.errors.items()))
            raise DomainError(
                messages[0], field="date" if "date" in field else field, code=exc.code
            ) from None
    file.ceremony_date = date
    file.ceremony_late_consent = consent
    file.member = member
    file.stage = Stage.ADMITTED
    file.closed_on = date
    file.save()
    _log(file, "ceremony", date, actor)
    _sync(file, date)
    _recognition_create(actor=actor, member=member, start=date, on=date, admission=file)
    return member


@transaction.atomic
def admission_close(
    *, actor: Actor, file: AdmissionFile, date: dt.date, reason: str
) -> AdmissionFile:
    """Step `close`: close an open file without admission (withdrawn, no longer
    qualified...), with a reason."""
    file = _take(file, "close", actor)
    date = _not_future(date, "date")
    if not _text(reason):
        raise AdmissionError.CLOSE_REASON_REQUIRED.error(field="reason")
    file.stage = Stage.REFUSED
    file.closed_on = date
    file.closed_reason = _text(reason)
    file.save()
    _log(file, "close", date, actor, f"Đóng hồ sơ: {file.closed_reason}")
    _sync(file, date)
    return file
