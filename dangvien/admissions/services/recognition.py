"""Recognition as official member at the end of probation (regulations.md R1.13-R1.14).

The file opens at the admission ceremony, by hand (`recognition_open`) or in bulk by
the daily job (`recognition_open_due`, run as SYSTEM); then the cell votes, the
grassroots committee resolves and the competent committee decides (the table
`workflow.RECOGNITION`). A refused step raises a coded DomainError and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery

from dangvien.compliance.models import Case
from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor, history_user
from dangvien.members import services as member_services
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.organizations.models import Organization

from .. import rules
from ..errors import AdmissionError
from ..models import CellVote, Proposal, RecognitionFile, RecognitionStage, StepLog
from ..workflow import (
    RECOGNITION,
    RECOGNITION_OPEN_LABEL,
    competent_of,
    recognition_decision_deadline,
    recognition_detail,
)
from .common import (
    _extension_check,
    _issue_cell_resolution,
    _issue_decision,
    _log,
    _not_before,
    _not_future,
    _record_vote,
    _text,
)


def _sync(file: RecognitionFile, on: dt.date) -> None:
    RECOGNITION.sync_case(file, on=on, detail=recognition_detail(file))


def probation_start_of(member: Member) -> dt.date | None:
    """The latest (re)admission ceremony: probation runs PROBATION_MONTHS months from
    it (R1.14); the joining date when no event says so."""
    started = (
        MembershipEvent.objects.filter(
            member=member, kind__in=(EventKind.ADMITTED, EventKind.READMITTED)
        )
        .order_by("-date", "-seq", "-id")
        .values_list("date", flat=True)
        .first()
    )
    return started or member.joining_date


def _recognition_create(*, actor, member, start, on, admission=None) -> RecognitionFile:
    org = member.organization
    file = RecognitionFile.objects.create(
        member=member,
        organization=org,
        org_path=org.path,
        admission=admission,
        probation_start=start,
        probation_end=rules.probation_end(start),
        opened_on=on,
    )
    _log(file, "recognition_open", on, actor, RECOGNITION_OPEN_LABEL)
    _sync(file, on)
    return file


def _recognition_open_error(member: Member, start: dt.date | None, on: dt.date):
    if member.status != Status.PROBATIONARY or start is None:
        return AdmissionError.NOT_PROBATIONARY.error(field="member")
    end = rules.probation_end(start)
    earliest = end - dt.timedelta(days=rules.RECOGNITION_OPEN_DAYS_AHEAD.on(on))
    if on < earliest:
        return AdmissionError.TOO_EARLY_TO_OPEN.error(
            field="member", end=f"{end:%d/%m/%Y}", earliest=f"{earliest:%d/%m/%Y}"
        )
    return None


@transaction.atomic
def recognition_open(*, actor: Actor, member: Member, on: dt.date) -> RecognitionFile:
    """Open the recognition file of a probationary member (e.g. imported or seeded),
    at most RECOGNITION_OPEN_DAYS_AHEAD days before probation ends. Raises
    `not_acting_body` unless the actor writes at the member's cell or above."""
    require_act_at(actor, member.organization, RECOGNITION_OPEN_LABEL, Body.CELL)
    member = Member.objects.select_for_update().get(pk=member.pk)
    start = probation_start_of(member)
    if error := _recognition_open_error(member, start, on):
        raise error
    assert start is not None  # refused just above without one
    if RecognitionFile.objects.filter(member=member, probation_start=start).exists():
        raise AdmissionError.RECOGNITION_EXISTS.error(field="member")
    return _recognition_create(actor=actor, member=member, start=start, on=on)


@transaction.atomic
def recognition_open_due(
    *, actor: Actor, on: dt.date, organization: Organization | None = None, batch: int = 2000
) -> int:
    """Open a recognition file for every probationary member (under `organization`)
    whose probation ends within RECOGNITION_OPEN_DAYS_AHEAD days of `on` and who has
    none. Idempotent; returns how many were opened. The daily job runs it as SYSTEM;
    a user must write at `organization` or above (everywhere when it is None)."""
    require_act_at(actor, organization, RECOGNITION_OPEN_LABEL, Body.CELL)
    ahead = rules.RECOGNITION_OPEN_DAYS_AHEAD.on(on)
    horizon = on + dt.timedelta(days=ahead)
    # probation_end(start) <= horizon  =>  start <= horizon - probation (+ month-end slack)
    latest_start = rules.add_months(horizon, -rules.PROBATION_MONTHS.on(on)) + dt.timedelta(days=3)
    started = (
        MembershipEvent.objects.filter(
            member=OuterRef("pk"), kind__in=(EventKind.ADMITTED, EventKind.READMITTED)
        )
        .order_by("-date", "-seq", "-id")
        .values("date")[:1]
    )
    members = Member.objects.filter(status=Status.PROBATIONARY).annotate(start=Subquery(started))
    if organization is not None:
        members = members.filter(org_path__startswith=organization.path)
    members = members.filter(start__lte=latest_start).select_related("organization")
    done = set(
        RecognitionFile.objects.filter(member__in=members.values("pk")).values_list(
            "member_id", "probation_start"
        )
    )
    files = []
    for member in members.iterator(chunk_size=batch):
        end = rules.probation_end(member.start)
        if end > horizon or (member.pk, member.start) in done:
            continue
        files.append(
            RecognitionFile(
                member=member,
                organization=member.organization,
                org_path=member.org_path,
                probation_start=member.start,
                probation_end=end,
                opened_on=on,
            )
        )
    if not files:
        return 0
    created = RecognitionFile.objects.bulk_create(files, batch_size=batch)
    if any(file.pk is None for file in created):  # a backend that returns no ids
        created = list(
            RecognitionFile.objects.filter(opened_on=on, log__isnull=True)
            .select_related("member", "organization")
            .order_by("id")
        )
    _bulk_cases(created, actor=actor, on=on, batch=batch)
    return len(created)


def _bulk_cases(files: Iterable[RecognitionFile], *, actor, on: dt.date, batch: int) -> None:
    """The step log and open case of freshly opened files, in two bulk inserts (the
    case columns from the table: `RECOGNITION.case_values`)."""
    content_type = ContentType.objects.get_for_model(RecognitionFile)
    first = RECOGNITION.step("cell_vote")
    logs, cases = [], []
    for file in files:
        logs.append(
            StepLog(
                recognition=file,
                step="recognition_open",
                label=RECOGNITION_OPEN_LABEL,
                date=on,
                actor=history_user(actor),
            )
        )
        values = RECOGNITION.case_values(file, first, detail="lần 1")
        cases.append(
            Case(content_type=content_type, object_id=file.pk, slot="", opened_on=on, **values)
        )
    StepLog.objects.bulk_create(logs, batch_size=batch)
    Case.objects.bulk_create(cases, batch_size=batch)


def _take(file: RecognitionFile, step: str, actor: Actor) -> RecognitionFile:
    """The locked file, once the table allows `actor` to take `step` on it now."""
    file = (
        RecognitionFile.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=file.pk)
    )
    RECOGNITION.require(file, step, actor)
    return file


@transaction.atomic
def recognition_cell_vote(
    *,
    actor: Actor,
    file: RecognitionFile,
    meeting_date: dt.date,
    votes_for: int,
    proposal: str = Proposal.RECOGNISE,
    resolution_number: str = "",
    signer_name: str = "",
    present=None,
) -> CellVote:
    """Step `cell_vote`: the cell considers recognition once probation has ended
    (R1.13): CELL_VOTE_SHARE of its official members, counted as R1.8a says
    (`rules.vote_base`; `present`: the official members present, None: all),
    agree to recognise, or to propose name deletion (R1.8). Late after RECOGNITION_CONSIDER_WORKING_DAYS working
    days: flagged, not refused. Returns the CellVote."""
    file = _take(file, "cell_vote", actor)
    meeting_date = _not_future(meeting_date, "meeting_date")
    if proposal not in Proposal.values:
        raise AdmissionError.PROPOSAL_REQUIRED.error(field="proposal")
    if meeting_date < file.probation_end:
        raise AdmissionError.PROBATION_NOT_OVER.error(
            field="meeting_date",
            months=rules.PROBATION_MONTHS.on(file.probation_start),
            end=f"{file.probation_end:%d/%m/%Y}",
        )
    last = file.votes.order_by("-meeting_date").first()
    _not_before(meeting_date, last.meeting_date if last else None, "meeting_date", "lần xét trước")
    member = file.member
    if member.status != Status.PROBATIONARY:
        raise AdmissionError.NO_LONGER_PROBATIONARY.error(field="meeting_date")
    vote = _record_vote(
        file=file,
        cell=member.organization,
        meeting_date=meeting_date,
        votes_for=votes_for,
        proposal=proposal,
        actor=actor,
        present=present,
        subject=member,
    )
    if meeting_date > rules.recognition_consider_deadline(file.probation_end):
        file.considered_late = True
    if vote.passed:
        file.stage = RecognitionStage.CELL_AGREED
        file.proposal = proposal
        file.cell_resolution_date = meeting_date
        file.cell_resolution_number = _text(resolution_number, 64)
        if not file.cell_resolution_number:
            name = member.full_name
            what = (
                "công nhận đảng viên chính thức cho đồng chí"
                if proposal == Proposal.RECOGNISE
                else "xóa tên trong danh sách đảng viên đối với đồng chí"
            )
            paper = _issue_cell_resolution(
                actor=actor,
                file=file,
                cell=member.organization,
                vote=vote,
                summary=f"Đề nghị {what} {name}",
                preamble=[
                    f"Ngày {meeting_date:%d/%m/%Y}, {member.organization.name} họp xét đối với "
                    f"đảng viên dự bị {name}, hết thời gian dự bị ngày "
                    f"{file.probation_end:%d/%m/%Y}."
                ],
                resolution=f"Đề nghị cấp ủy có thẩm quyền {what} {name}.",
                signer_name=_text(signer_name),
            )
            file.cell_resolution_number = paper.symbol
    elif vote.round >= rules.MAX_FAILED_VOTES.on(meeting_date):
        file.stage = RecognitionStage.ESCALATED
        _log(file, "escalation", meeting_date, actor, "Báo cáo cấp ủy cấp trên xem xét, quyết định")
    file.save()
    _sync(file, meeting_date)
    return vote


@transaction.atomic
def recognition_escalation_decide(
    *, actor: Actor, file: RecognitionFile, date: dt.date, proposal: str, note: str
) -> RecognitionFile:
    """Step `escalation`: after MAX_FAILED_VOTES failed votes the committee above the
    cell concludes: recognise or delete (R1.8)."""
    file = _take(file, "escalation", actor)
    date = _not_future(date, "date")
    if proposal not in Proposal.values:
        raise AdmissionError.CONCLUSION_REQUIRED.error(field="proposal")
    if not _text(note):
        raise AdmissionError.NOTE_REQUIRED.error(field="note")
    file.escalation_date = date
    file.escalation_note = _text(note)
    file.proposal = proposal
    file.cell_resolution_date = date
    file.stage = RecognitionStage.CELL_AGREED
    file.save()
    _log(file, "escalation", date, actor, f"Cấp ủy cấp trên kết luận: {file.escalation_note}")
    _sync(file, date)
    return file


@transaction.atomic
def recognition_grassroots_resolve(
    *, actor: Actor, file: RecognitionFile, date: dt.date, resolution_number: str
) -> RecognitionFile:
    """Step `grassroots`: the grassroots committee's resolution on the cell's proposal."""
    file = _take(file, "grassroots", actor)
    date = _not_future(date, "date")
    _not_before(date, file.cell_resolution_date, "date", "ngày nghị quyết chi bộ")
    if not _text(resolution_number, 64):
        raise AdmissionError.RESOLUTION_NUMBER_REQUIRED.error(field="resolution_number")
    file.grassroots_resolution_date = date
    file.grassroots_resolution_number = _text(resolution_number, 64)
    file.stage = RecognitionStage.GRASSROOTS_AGREED
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
def recognition_extend(
    *, actor: Actor, file: RecognitionFile, date: dt.date, days: int, reason: str
) -> RecognitionFile:
    """Step `extension` (R1.9): the decision deadline extended by `days` working days,
    at most DECISION_MAX_EXTENSION_WORKING_DAYS, with a reason."""
    file = _take(file, "extension", actor)
    _extension_check(file, date, days, reason)
    file.extension_days = days
    file.extension_reason = _text(reason)
    file.save()
    _log(file, "extension", date, actor, f"Gia hạn {days} ngày làm việc: {file.extension_reason}")
    _sync(file, date)
    return file


@transaction.atomic
def recognition_decide(
    *,
    actor: Actor,
    file: RecognitionFile,
    decision_date: dt.date,
    decision_number: str,
    decided_by: str,
    deletion_reason: str = "",
    signer_name: str = "",
) -> RecognitionFile:
    """Step `decision`, by the competent committee (R1.10) only: within
    RECOGNITION_DECISION_WORKING_DAYS working days of the cell resolution (R1.9),
    `late` otherwise. Recognised as official from the exact day probation ended
    (R1.14), or the name deleted (R1.13). A blank `decision_number` issues the paper."""
    file = _take(file, "decision", actor)
    decision_date = _not_future(decision_date, "decision_date")
    _not_before(
        decision_date, file.grassroots_resolution_date, "decision_date", "nghị quyết đảng ủy cơ sở"
    )
    deadline = recognition_decision_deadline(file)
    if deadline and decision_date > deadline:
        raise AdmissionError.RECOGNITION_LATE.error(
            field="decision_date",
            deadline=f"{deadline:%d/%m/%Y}",
            days=rules.RECOGNITION_DECISION_WORKING_DAYS.on(file.cell_resolution_date),
            max_extension=rules.DECISION_MAX_EXTENSION_WORKING_DAYS.on(decision_date),
        )
    deleting = file.proposal == Proposal.DELETE
    if deleting and not _text(deletion_reason):
        raise AdmissionError.DELETION_REASON_REQUIRED.error(field="deletion_reason")
    decided_by = _text(decided_by) or f"Ban Thường vụ {competent_of(file.organization).name}"
    decision_number = _text(decision_number, 64)
    if not decision_number:  # left blank: the register numbers the paper
        name = file.member.full_name
        cell = file.member.organization
        articles = (
            [
                f"Xóa tên đồng chí {name}, đảng viên dự bị của {cell.name}, trong danh sách "
                f"đảng viên. Lý do: {_text(deletion_reason)}."
            ]
            if deleting
            else [
                f"Công nhận đồng chí {name}, sinh ngày {file.member.birth_date:%d/%m/%Y}, là "
                f"đảng viên chính thức kể từ ngày {file.probation_end:%d/%m/%Y}.",
            ]
        )
        paper = _issue_decision(
            actor=actor,
            file=file,
            cell=cell,
            date=decision_date,
            summary=("Xóa tên đảng viên: " if deleting else "Công nhận đảng viên chính thức: ")
            + name,
            articles=[
                *articles,
                f"{cell.name} và đồng chí có tên tại Điều 1 thi hành quyết định này.",
            ],
            signer_name=_text(signer_name),
        )
        decision_number = paper.symbol
    if deleting:
        member_services.member_add_event(
            actor=actor,
            member=file.member,
            kind=EventKind.NAME_DELETED,
            date=decision_date,
            decision_number=decision_number,
            decision_date=decision_date,
            decided_by=decided_by,
            reason=_text(deletion_reason),
        )
        file.stage = RecognitionStage.NAME_DELETED
        file.deletion_reason = _text(deletion_reason)
    else:
        member_services.member_add_event(
            actor=actor,
            member=file.member,
            kind=EventKind.RECOGNISED,
            date=file.probation_end,
            decision_number=decision_number,
            decision_date=decision_date,
            decided_by=decided_by,
        )
        member = Member.objects.get(pk=file.member_id)
        if member.joining_date == file.probation_start and not member.official_date:
            # The record card's "ngày chính thức" (first admission only: a readmitted
            # member's card keeps the dates of the first admission).
            member_services.member_update(
                actor=actor,
                member_id=member.pk,
                expected_version=member.version,
                data={"official_date": file.probation_end},
            )
        file.stage = RecognitionStage.RECOGNISED
    file.decision_date = decision_date
    file.decision_number = decision_number
    file.decided_by = decided_by
    file.closed_on = decision_date
    file.save()
    label = "Quyết định xóa tên" if deleting else "Quyết định công nhận đảng viên chính thức"
    _log(file, "decision", decision_date, actor, f"{label} số {file.decision_number}")
    _sync(file, decision_date)
    return file


def last_vote_round(file) -> int:
    """The number of the file's last cell vote (0 before any)."""
    return file.votes.aggregate(m=Max("round"))["m"] or 0
