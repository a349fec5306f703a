"""Residence liaison of working members (QĐ 213-QĐ/TW, HD 33-HD/BTCTW): one
function per step of `workflows.RESIDENCE`, plus the residential cell's groups,
meetings and comments; keyword-only with the acting user first, in one
transaction. Each step locks the file, asks the table whether the actor may
take it now (`out_of_order`, `not_applicable`, `not_acting_body`), checks,
writes and updates the open case; a refused step raises DomainError and changes
nothing."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor
from dangvien.members.models import ACTIVE_STATUSES, Member
from dangvien.organizations.models import Level, Organization
from dangvien.places.models import Commune

from .. import rules
from ..errors import LiaisonError
from ..models import (
    CommentPurpose,
    ResidenceAttendance,
    ResidenceCategory,
    ResidenceComment,
    ResidenceGroup,
    ResidenceLiaison,
    ResidenceMeeting,
    ResidenceStatus,
)
from ..workflows import (
    RESIDENCE,
    residence_case_detail,
    residence_comment_step,
    workplace_committee,
)
from .common import actor_id, clean_text, not_before, not_future, require, save

INTRODUCE_LABEL = "Giới thiệu đảng viên về nơi cư trú"
NOT_INTRODUCED_LABEL = "Ghi «không giới thiệu» về nơi cư trú"
GROUP_LABEL = "Lập tổ, nhóm đảng viên giữ mối liên hệ"
MEETING_LABEL = "Ghi buổi gặp mặt đảng viên giữ mối liên hệ"


def residence_committee_for(commune: Commune | None) -> Organization | None:
    """The commune or ward party committee of `commune`, when it is managed here."""
    if commune is None:
        return None
    return (
        Organization.objects.filter(
            commune=commune,
            unit_type__in=rules.RESIDENCE_UNIT_TYPES,
            valid_to__isnull=True,
        )
        .exclude(level__in=(Level.CELL, Level.PARTY_GROUP))
        .order_by("depth", "path")
        .first()
    )


def _open_liaison_exists(member: Member) -> bool:
    return (
        ResidenceLiaison.objects.filter(member=member)
        .exclude(status__in=(ResidenceStatus.ENDED,))
        .exists()
    )


def _sync(liaison: ResidenceLiaison, on: dt.date) -> None:
    RESIDENCE.sync_case(liaison, on=on, detail=residence_case_detail(liaison))


@transaction.atomic
def residence_introduce(
    *,
    actor: Actor,
    member: Member,
    introduced_on: dt.date,
    letter_number: str = "",
    category: str = ResidenceCategory.NONE,
    note: str = "",
) -> ResidenceLiaison:
    """The workplace introduces a working member to the commune or ward party
    committee where they live (QĐ 213 Điều 3): a writer at the member's cell or
    above. The residence is the member's current address; the committee is
    found through Organization.commune, or recorded as outside this
    installation. Without a paper number, the workplace committee's letter is
    issued here. Opens the case «tiếp nhận», due rules.RESIDENCE_RECEIPT_DAYS
    (days) after the introduction.

    Raises DomainError: `not_acting_body`, `member_not_active`,
    `not_a_workplace_cell`, `category_invalid`, `special_duty`,
    `already_introduced`, `no_current_residence`, dates."""
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    require_act_at(actor, member.organization, INTRODUCE_LABEL, Body.CELL)
    if member.status not in ACTIVE_STATUSES:
        raise LiaisonError.MEMBER_NOT_ACTIVE.error(field="member")
    if not rules.must_keep_residence_contact(member.organization.unit_type):
        raise LiaisonError.NOT_A_WORKPLACE_CELL.error(field="member")
    if category not in ResidenceCategory.values:
        raise LiaisonError.CATEGORY_INVALID.error(field="category")
    if category in rules.NOT_INTRODUCED:
        raise LiaisonError.SPECIAL_DUTY.error(field="category")
    if _open_liaison_exists(member):
        raise LiaisonError.ALREADY_INTRODUCED.error(field="introduced_on")
    not_future(introduced_on, "introduced_on")
    if member.current_commune_id is None:
        raise LiaisonError.NO_CURRENT_RESIDENCE.error(field="member")
    committee = residence_committee_for(member.current_commune)
    commune = member.current_commune
    letter_number = clean_text(letter_number, "letter_number", 64)
    liaison = ResidenceLiaison(
        member=member,
        workplace=member.organization,
        category=category,
        status=ResidenceStatus.INTRODUCED,
        introduced_on=introduced_on,
        letter_number=letter_number,
        residence_province_id=member.current_province_id or commune.province_id,
        residence_commune=commune,
        residence_address=member.current_street,
        residence_committee=committee,
        outside_committee="" if committee else f"Đảng ủy {commune.division_type} {commune.name}",
        residence_path=committee.path if committee else "",
        note=clean_text(note, "note"),
        created_by_id=actor_id(actor),
    )
    save(liaison, actor)
    if not letter_number:
        # No paper letter yet: the workplace committee's introduction letter is
        # issued here (numbered in its register) and its number recorded.
        document = _introduction_letter(actor, liaison, introduced_on)
        liaison.letter_document_id = document.pk
        liaison.letter_number = document.symbol
        save(liaison, actor)
    _sync(liaison, introduced_on)
    return liaison


def _introduction_letter(actor: Actor, liaison: ResidenceLiaison, introduced_on: dt.date):
    from dangvien.documents.models import DocumentKind
    from dangvien.documents.services import document_issue

    member = liaison.member
    issuer = workplace_committee(liaison.workplace)
    to = (
        liaison.residence_committee.name
        if liaison.residence_committee
        else (liaison.outside_committee)
    )
    residence = ", ".join(
        p
        for p in (
            liaison.residence_address,
            liaison.residence_commune.name if liaison.residence_commune else "",
            liaison.residence_province.name if liaison.residence_province else "",
        )
        if p
    )
    post = ", ".join(p for p in (member.workplace, liaison.workplace.name) if p)
    return document_issue(
        actor=actor,
        organization=issuer,
        kind=DocumentKind.RESIDENCE_INTRODUCTION,
        date=introduced_on,
        summary=f"Giới thiệu đồng chí {member.full_name} về giữ mối liên hệ nơi cư trú",
        context={
            "member_name": member.full_name,
            "birth_date": member.birth_date,
            "post": post,
            "residence": residence,
            "to_organization": to,
            "addressees": [to],
            "paragraphs": [
                "Thực hiện Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị về trách "
                "nhiệm của đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức "
                "đảng và nhân dân nơi cư trú,",
                f"Đề nghị {to} tiếp nhận, giới thiệu đồng chí về chi bộ nơi cư trú và nhận "
                "xét đồng chí hằng năm theo quy định.",
            ],
            "recipients": ["Như trên;", f"{liaison.workplace.name};", "Lưu."],
            "signer_capacity": "T/M ĐẢNG ỦY"
            if issuer.level == Level.GRASSROOTS_COMMITTEE
            else "T/M CHI BỘ",
            "signer_title": "BÍ THƯ",
            "signer_name": "",
        },
        concerns_path=member.org_path,
        subject=liaison,
    )


@transaction.atomic
def residence_mark_not_introduced(
    *, actor: Actor, member: Member, decided_on: dt.date, note: str = ""
) -> ResidenceLiaison:
    """HD 33 mục 1.2 (R8.5): special-duty forces are not introduced at all; the
    record keeps them off the "never introduced" list (no open case). A writer
    at the member's cell or above.

    Raises DomainError: `not_acting_body`, `liaison_open_exists`, dates."""
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    require_act_at(actor, member.organization, NOT_INTRODUCED_LABEL, Body.CELL)
    not_future(decided_on, "decided_on")
    if _open_liaison_exists(member):
        raise LiaisonError.LIAISON_OPEN_EXISTS.error(field="member")
    liaison = ResidenceLiaison(
        member=member,
        workplace=member.organization,
        category=ResidenceCategory.SPECIAL_DUTY,
        status=ResidenceStatus.NOT_INTRODUCED,
        note=clean_text(note, "note") or f"Không giới thiệu từ {decided_on:%d/%m/%Y}",
        created_by_id=actor_id(actor),
    )
    save(liaison, actor)
    return liaison


def _locked(liaison: ResidenceLiaison, step: str | None, actor: Actor) -> ResidenceLiaison:
    liaison = (
        ResidenceLiaison.objects.select_for_update(of=("self",))
        .select_related("member", "residence_committee", "residential_cell", "workplace", "group")
        .get(pk=liaison.pk)
    )
    RESIDENCE.require(liaison, step or residence_comment_step(liaison), actor)
    return liaison


@transaction.atomic
def residence_receive(
    *, actor: Actor, liaison: ResidenceLiaison, received_on: dt.date
) -> ResidenceLiaison:
    """The commune or ward committee receives and lists the member (QĐ 213 Điều
    4; step `receive`: a writer at that committee or above; outside this
    installation, only the system). The case then waits for the assignment to a
    cell, due rules.RESIDENCE_RECEIPT_DAYS (days) after receipt.

    Raises DomainError: the workflow's codes, dates."""
    liaison = _locked(liaison, "receive", actor)
    not_future(received_on, "received_on")
    not_before(received_on, liaison.introduced_on, "received_on", "ngày giới thiệu")
    liaison.status = ResidenceStatus.RECEIVED
    liaison.received_on = received_on
    save(liaison, actor)
    _sync(liaison, received_on)
    return liaison


@transaction.atomic
def residence_assign(
    *,
    actor: Actor,
    liaison: ResidenceLiaison,
    assigned_on: dt.date,
    cell: Organization | None = None,
    outside_cell: str = "",
    group: ResidenceGroup | None = None,
) -> ResidenceLiaison:
    """The committee passes the member to the village or residential-group cell,
    which lists them (and may put them in a group at once); step `assign`, the
    residence committee acts. Outside this installation, `outside_cell` names
    the cell. The case then waits for the yearly comment (31/12).

    Raises DomainError: the workflow's codes, `outside_cell_required`,
    `cell_required`, `cell_not_under_committee`, `group_not_in_cell`, dates."""
    liaison = _locked(liaison, "assign", actor)
    not_future(assigned_on, "assigned_on")
    not_before(assigned_on, liaison.received_on, "assigned_on", "ngày tiếp nhận")
    outside_cell = clean_text(outside_cell, "outside_cell")
    if liaison.is_outside:
        require(outside_cell, "outside_cell", LiaisonError.OUTSIDE_CELL_REQUIRED)
        cell = None
        group = None
    else:
        require(cell, "cell", LiaisonError.CELL_REQUIRED)
        assert cell is not None
        committee = liaison.residence_committee
        if not cell.path.startswith(committee.path) or not cell.holds_members or not cell.is_active:
            raise LiaisonError.CELL_NOT_UNDER_COMMITTEE.error(
                field="cell", committee=committee.name
            )
        if group is not None and group.cell_id != cell.pk:
            raise LiaisonError.GROUP_NOT_IN_CELL.error(field="group")
    liaison.status = ResidenceStatus.ASSIGNED
    liaison.assigned_on = assigned_on
    liaison.residential_cell = cell
    liaison.outside_cell = outside_cell
    liaison.group = group
    liaison.residence_path = cell.path if cell else liaison.residence_path
    save(liaison, actor)
    _sync(liaison, assigned_on)
    return liaison


@transaction.atomic
def residence_group_create(*, actor: Actor, cell: Organization, name: str) -> ResidenceGroup:
    """A group (tổ, nhóm) of the working members in a residential cell (seed
    003); a writer at the cell or above.

    Raises DomainError: `not_acting_body`, `group_name_required`,
    `group_cell_inactive`, `group_name_taken`."""
    require_act_at(actor, cell, GROUP_LABEL, Body.CELL)
    name = clean_text(name, "name", 120)
    require(name, "name", LiaisonError.GROUP_NAME_REQUIRED)
    if not cell.holds_members or not cell.is_active:
        raise LiaisonError.GROUP_CELL_INACTIVE.error(field="cell")
    if ResidenceGroup.objects.filter(cell=cell, name=name).exists():
        raise LiaisonError.GROUP_NAME_TAKEN.error(field="name")
    group = ResidenceGroup(cell=cell, name=name, created_by_id=actor_id(actor))
    save(group, actor)
    return group


@transaction.atomic
def residence_group_set_leader(
    *, actor: Actor, group: ResidenceGroup, leader: Member
) -> ResidenceGroup:
    """The group leader is one of the group's working members (elected, seed
    003); a writer at the group's cell or above.

    Raises DomainError: `not_acting_body`, `leader_not_in_group`."""
    group = (
        ResidenceGroup.objects.select_for_update(of=("self",))
        .select_related("cell")
        .get(pk=group.pk)
    )
    require_act_at(actor, group.cell, GROUP_LABEL, Body.CELL)
    if not ResidenceLiaison.objects.filter(
        group=group, member=leader, status=ResidenceStatus.ASSIGNED
    ).exists():
        raise LiaisonError.LEADER_NOT_IN_GROUP.error(field="leader")
    group.leader = leader
    save(group, actor)
    return group


@transaction.atomic
def residence_set_group(
    *, actor: Actor, liaison: ResidenceLiaison, group: ResidenceGroup | None
) -> ResidenceLiaison:
    """Put the member in a group of their residential cell, or none (step
    `group`); a leader who leaves the group stops leading it.

    Raises DomainError: the workflow's codes, `group_not_in_residence_cell`."""
    liaison = _locked(liaison, "group", actor)
    if group is not None and group.cell_id != liaison.residential_cell_id:
        raise LiaisonError.GROUP_NOT_IN_RESIDENCE_CELL.error(field="group")
    if liaison.group is not None and liaison.group.leader_id == liaison.member_id:
        ResidenceGroup.objects.filter(pk=liaison.group.pk).update(leader=None)
    liaison.group = group
    save(liaison, actor)
    return liaison


@transaction.atomic
def residence_meeting_record(
    *,
    actor: Actor,
    cell: Organization,
    date: dt.date,
    present: list[int],
    content: str = "",
    absence_notes: dict[int, str] | None = None,
) -> ResidenceMeeting:
    """A meeting of the residential cell with its working members (QĐ 213 Điều
    4: every rules.RESIDENCE_MEETING_MONTHS months, or when needed) and who
    attended (`present`: ids of liaison records); a writer at the cell or above.

    Raises DomainError: `not_acting_body`, `meeting_not_a_cell`,
    `meeting_nobody`, `meeting_stranger`, dates."""
    require_act_at(actor, cell, MEETING_LABEL, Body.CELL)
    not_future(date, "date")
    if not cell.holds_members:
        raise LiaisonError.MEETING_NOT_A_CELL.error(field="cell")
    expected = list(
        ResidenceLiaison.objects.filter(
            residential_cell=cell, status=ResidenceStatus.ASSIGNED, assigned_on__lte=date
        ).values_list("pk", flat=True)
    )
    if not expected:
        raise LiaisonError.MEETING_NOBODY.error(field="date")
    unknown = set(present) - set(expected)
    if unknown:
        raise LiaisonError.MEETING_STRANGER.error(field="present")
    meeting = ResidenceMeeting(
        cell=cell,
        date=date,
        content=clean_text(content, "content", 4000),
        created_by_id=actor_id(actor),
    )
    save(meeting, actor)
    notes = absence_notes or {}
    ResidenceAttendance.objects.bulk_create(
        [
            ResidenceAttendance(
                meeting=meeting,
                liaison_id=pk,
                present=pk in present,
                note=clean_text(notes.get(pk, ""), "present") if pk not in present else "",
            )
            for pk in expected
        ]
    )
    return meeting


@transaction.atomic
def residence_comment_add(
    *,
    actor: Actor,
    liaison: ResidenceLiaison,
    year: int,
    commented_on: dt.date,
    text: str,
    purpose: str = CommentPurpose.YEARLY,
    commenter: str = "",
) -> ResidenceComment:
    """The residence cell's comment (QĐ 213 Điều 4; R8.4; step `comment`, or
    `comment_when_needed` for the HD 33 mục 1.1 categories, which get none
    yearly): once a year for each member. The case then waits for next year's.

    Raises DomainError: the workflow's codes, `comment_text_required`,
    `comment_purpose_invalid`, `comment_year_invalid`, `no_yearly_comment`,
    `comment_exists`, dates."""
    liaison = _locked(liaison, None, actor)
    text = clean_text(text, "text", 4000)
    require(text, "text", LiaisonError.COMMENT_TEXT_REQUIRED)
    if purpose not in CommentPurpose.values:
        raise LiaisonError.COMMENT_PURPOSE_INVALID.error(field="purpose")
    not_future(commented_on, "commented_on")
    not_before(commented_on, liaison.assigned_on, "commented_on", "ngày chi bộ nhận vào danh sách")
    if not rules.comment_year_allowed(year, commented_on):
        raise LiaisonError.COMMENT_YEAR_INVALID.error(
            field="year", month=rules.GRADING_ENDS_MONTH.on(commented_on)
        )
    if purpose == CommentPurpose.YEARLY:
        if not rules.yearly_comment_due(liaison.category):
            raise LiaisonError.NO_YEARLY_COMMENT.error(field="purpose")
        if ResidenceComment.objects.filter(
            member=liaison.member, year=year, purpose=CommentPurpose.YEARLY
        ).exists():
            raise LiaisonError.COMMENT_EXISTS.error(field="year", year=year)
    comment = ResidenceComment(
        liaison=liaison,
        member=liaison.member,
        year=year,
        purpose=purpose,
        commented_on=commented_on,
        text=text,
        commenter=clean_text(commenter, "commenter"),
        created_by_id=actor_id(actor),
    )
    try:
        with transaction.atomic():
            save(comment, actor)
    except IntegrityError:  # a concurrent second comment for the same year
        raise LiaisonError.COMMENT_EXISTS.error(field="year", year=year) from None
    _sync(liaison, commented_on)
    return comment


@transaction.atomic
def residence_end(
    *, actor: Actor, liaison: ResidenceLiaison, ended_on: dt.date, end_reason: str
) -> ResidenceLiaison:
    """The liaison ends (moved house, changed workplace, retired...; step `end`,
    the workplace cell acts); the case closes on `ended_on`.

    Raises DomainError: the workflow's codes, `end_reason_required`, dates."""
    liaison = _locked(liaison, "end", actor)
    end_reason = clean_text(end_reason, "end_reason")
    require(end_reason, "end_reason", LiaisonError.END_REASON_REQUIRED)
    not_future(ended_on, "ended_on")
    not_before(ended_on, liaison.introduced_on, "ended_on", "ngày giới thiệu")
    liaison.status = ResidenceStatus.ENDED
    liaison.ended_on = ended_on
    liaison.end_reason = end_reason
    save(liaison, actor)
    _sync(liaison, ended_on)
    return liaison
