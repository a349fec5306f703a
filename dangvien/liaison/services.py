"""Writes for exemptions, members working away and residence liaison: one
function per step, keyword-only with the acting user first, in one transaction.

Each step checks that the file is at the step that may come next (the tables
`EXEMPTION_STEPS`, `WORKING_AWAY_STEPS`, `RESIDENCE_STEPS`), checks the rules,
records who and when (history keeps before/after), and updates the open-cases
table through `case_sync`. A refused step raises DomainError and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse

from dangvien.compliance.models import CaseKind
from dangvien.compliance.services import case_sync
from dangvien.core.errors import DomainError
from dangvien.members import services as member_services
from dangvien.members.models import ACTIVE_STATUSES, EventKind, Member
from dangvien.organizations.models import Level, Organization
from dangvien.places.models import Commune, Province

from . import rules
from .models import (
    CONTACT_DIRECTION,
    EXEMPTION_OPEN,
    CommentPurpose,
    ContactKind,
    Exemption,
    ExemptionGround,
    ExemptionKind,
    ExemptionStatus,
    ResidenceAttendance,
    ResidenceCategory,
    ResidenceComment,
    ResidenceGroup,
    ResidenceLiaison,
    ResidenceMeeting,
    ResidenceStatus,
    WorkingAway,
    WorkingAwayContact,
    WorkingAwayStatus,
    WorkingAwayYearReview,
)

# The cell considers an application at its next monthly meeting: a month. No
# deadline was found in the sources (UNCONFIRMED), so the number is a Rule.
CELL_CONSIDERS_DAYS = rules.WORKING_AWAY_REVIEW_DAYS


def _today() -> dt.date:
    return dt.date.today()


def _require(value, field: str, message: str) -> None:
    if value in (None, ""):
        raise DomainError(message, field=field)


def _not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > _today():
        raise DomainError("Ngày này không được ở tương lai.", field=field)


def _not_before(day: dt.date, earlier: dt.date | None, field: str, what: str) -> None:
    if earlier is not None and day < earlier:
        raise DomainError(f"Ngày này không được trước {what} ({earlier:%d/%m/%Y}).", field=field)


def _clean_text(value: str, field: str, limit: int = 255) -> str:
    value = (value or "").replace("\x00", "").strip()
    if "<" in value or ">" in value:
        raise DomainError("Không được chứa ký tự < hoặc >.", field=field)
    return value[:limit]


def _check_step(table: dict[str, tuple[str, ...]], step: str, status: str, label: str) -> None:
    if status not in table[step]:
        raise DomainError(
            f"Không thể thực hiện bước này khi hồ sơ đang ở tình trạng «{label}».",
            field="step",
        )


def _save(obj, actor) -> None:
    obj._history_user = actor if getattr(actor, "pk", None) else None
    obj.save()


def _actor_id(actor) -> int | None:
    return actor.pk if getattr(actor, "pk", None) else None


def _due(day: dt.date, rule) -> dt.date:
    return day + dt.timedelta(days=rule.on(day))


def _superior(org: Organization) -> Organization:
    return org.parent or org


# =============================================================================
# A. Exemption, reduction, temporary exemption (§3, R3.1-R3.4)
# =============================================================================

# Which step may follow which status: the one place that says what comes next.
EXEMPTION_STEPS: dict[str, tuple[str, ...]] = {
    "decide": (ExemptionStatus.APPLIED,),
    "refuse": (ExemptionStatus.APPLIED,),
    "report": (ExemptionStatus.DECIDED,),
    "apply_return": (ExemptionStatus.IN_FORCE,),
    "return": (ExemptionStatus.RETURN_APPLIED,),
}

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


def _exemption_ground_error(
    *,
    member: Member,
    kind: str,
    ground: str,
    applied_on: dt.date,
    start: dt.date,
    end: dt.date | None,
    treatment_months: int | None,
    reason: str,
) -> tuple[str, str] | None:
    if kind not in ExemptionKind.values:
        return "kind", "Hình thức không hợp lệ."
    if ground not in ExemptionGround.values:
        return "ground", "Lý do (diện) không hợp lệ."
    if ground in (ExemptionGround.OLD_AGE,) and kind == ExemptionKind.TEMPORARY:
        return "kind", "Tuổi cao được xét miễn hoặc giảm, không phải tạm miễn (R3.2)."
    if (
        ground in TEMPORARY_GROUNDS
        and ground != ExemptionGround.OTHER
        and kind != ExemptionKind.TEMPORARY
    ):
        return "kind", "Trường hợp này được xét tạm miễn sinh hoạt (HD 27-HD/BTCTW, R3.3)."
    if ground == ExemptionGround.OLD_AGE:
        message = rules.old_age_error(member.birth_date, member.gender, applied_on)
        if message:
            return "ground", message
        if not reason:
            # BTCTW: being old alone does not entitle; the member says why they
            # cannot take part (R3.1, R3.2).
            return "reason", "Tuổi cao chưa đủ để được miễn: ghi rõ vì sao không thể tham gia."
    if ground == ExemptionGround.POOR_HEALTH:
        message = rules.poor_health_error(treatment_months, applied_on)
        if message:
            return "treatment_months", message
    if ground == ExemptionGround.VISITING:
        message = rules.visiting_error(start, end)
        if message:
            return "end", message
    if ground == ExemptionGround.OTHER and not reason:
        return "reason", "Trường hợp khác phải ghi rõ lý do trong đơn."
    return rules.period_error(kind, start, end)


@transaction.atomic
def exemption_apply(
    *,
    actor,
    member: Member,
    kind: str,
    ground: str,
    applied_on: dt.date,
    start: dt.date,
    end: dt.date | None = None,
    treatment_months: int | None = None,
    reason: str = "",
    working_away: WorkingAway | None = None,
) -> Exemption:
    """The member's application (R3.1: in writing or in person to the cell)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    reason = _clean_text(reason, "reason", 2000)
    if member.status not in ACTIVE_STATUSES:
        raise DomainError("Chỉ đảng viên đang sinh hoạt mới xin miễn, giảm.", field="member")
    _not_future(applied_on, "applied_on")
    _not_before(start, applied_on, "start", "ngày làm đơn")
    if Exemption.objects.filter(member=member, status__in=EXEMPTION_OPEN).exists():
        raise DomainError(
            "Đảng viên đang có một đề nghị miễn, giảm chưa kết thúc; không thể làm đơn mới.",
            field="kind",
        )
    if member.is_exempt and kind != ExemptionKind.REDUCTION:
        raise DomainError("Đảng viên đang được miễn sinh hoạt.", field="kind")
    problem = _exemption_ground_error(
        member=member,
        kind=kind,
        ground=ground,
        applied_on=applied_on,
        start=start,
        end=end,
        treatment_months=treatment_months,
        reason=reason,
    )
    if problem:
        raise DomainError(problem[1], field=problem[0])
    if working_away is not None:
        if working_away.member_id != member.pk or not working_away.is_open:
            raise DomainError("Hồ sơ đi làm ăn xa không phù hợp.", field="working_away")
        if working_away.status != WorkingAwayStatus.REVIEWED:
            raise DomainError(
                "Chi bộ cần xem xét đơn báo cáo đi làm ăn xa trước khi xét tạm miễn.",
                field="working_away",
            )
        if ground not in AWAY_GROUNDS:
            raise DomainError(
                "Tạm miễn kèm hồ sơ đi làm ăn xa phải thuộc diện đi làm ăn xa, lưu động "
                "hoặc nơi làm việc chưa có tổ chức đảng.",
                field="ground",
            )
    exemption = Exemption(
        member=member,
        organization=member.organization,
        kind=kind,
        ground=ground,
        reason=reason,
        treatment_months=treatment_months,
        applied_on=applied_on,
        start=start,
        end=end,
        status=ExemptionStatus.APPLIED,
        working_away=working_away,
        created_by_id=_actor_id(actor),
    )
    _save(exemption, actor)
    _exemption_case(exemption)
    return exemption


def _locked_exemption(exemption: Exemption, step: str) -> Exemption:
    exemption = Exemption.objects.select_for_update().select_related("member").get(pk=exemption.pk)
    _check_step(EXEMPTION_STEPS, step, exemption.status, exemption.get_status_display())
    return exemption


@transaction.atomic
def exemption_decide(
    *, actor, exemption: Exemption, decided_on: dt.date, resolution_number: str
) -> Exemption:
    """The cell's resolution (R3.1, R3.2): the exemption starts (EXEMPTED event),
    unless it is a reduction, which is recorded but leaves the member in activity."""
    exemption = _locked_exemption(exemption, "decide")
    resolution_number = _clean_text(resolution_number, "resolution_number", 64)
    _not_future(decided_on, "decided_on")
    _not_before(decided_on, exemption.applied_on, "decided_on", "ngày làm đơn")
    if exemption.start > _today():
        raise DomainError(
            "Ngày bắt đầu miễn ở tương lai: chỉ ghi nghị quyết khi thời gian miễn đã bắt đầu.",
            field="decided_on",
        )
    if not resolution_number:
        # No paper resolution yet: the cell's resolution is issued here, numbered
        # in the cell's register (HD 36-HD/VPTW), and its number recorded.
        document = _exemption_resolution(actor, exemption, decided_on)
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
    _save(exemption, actor)
    _exemption_case(exemption)
    return exemption


def _signer(organization: Organization) -> dict:
    return {"signer_capacity": "T/M CHI BỘ", "signer_title": "BÍ THƯ", "signer_name": ""}


def _exemption_resolution(actor, exemption: Exemption, decided_on: dt.date):
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
                f"{exemption.get_ground_display().lower()}."
            ],
            "resolutions": [
                f"Đồng ý {kind} đối với đồng chí {member.full_name} {period}.",
                "Đồng chí được miễn, giảm vẫn được thông báo tình hình, nghị quyết của chi bộ; "
                "gương mẫu chấp hành Điều lệ Đảng, nghị quyết và pháp luật.",
                "Chi ủy báo cáo cấp ủy cấp trên trực tiếp theo quy định.",
            ],
            "recipients": [
                f"{_superior(cell).name} (báo cáo);",
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
    *, actor, exemption: Exemption, decided_on: dt.date, refusal_reason: str
) -> Exemption:
    exemption = _locked_exemption(exemption, "refuse")
    refusal_reason = _clean_text(refusal_reason, "refusal_reason")
    _require(refusal_reason, "refusal_reason", "Vui lòng ghi lý do chi bộ không đồng ý.")
    _not_future(decided_on, "decided_on")
    _not_before(decided_on, exemption.applied_on, "decided_on", "ngày làm đơn")
    exemption.status = ExemptionStatus.REFUSED
    exemption.decided_on = decided_on
    exemption.refusal_reason = refusal_reason
    _save(exemption, actor)
    _exemption_case(exemption)
    return exemption


@transaction.atomic
def exemption_report(
    *, actor, exemption: Exemption, reported_on: dt.date, reported_to: str = ""
) -> Exemption:
    """R3.1: the cell committee or secretary informs the committee directly above."""
    exemption = _locked_exemption(exemption, "report")
    _not_future(reported_on, "reported_on")
    _not_before(reported_on, exemption.decided_on, "reported_on", "ngày chi bộ quyết định")
    exemption.status = ExemptionStatus.IN_FORCE
    exemption.reported_on = reported_on
    exemption.reported_to = _clean_text(reported_to, "reported_to") or (
        _superior(exemption.organization).name
    )
    _save(exemption, actor)
    _exemption_case(exemption)
    return exemption


@transaction.atomic
def exemption_apply_return(*, actor, exemption: Exemption, applied_on: dt.date) -> Exemption:
    """R3.2: the member asks to return to activity."""
    exemption = _locked_exemption(exemption, "apply_return")
    _not_future(applied_on, "return_applied_on")
    _not_before(applied_on, exemption.start, "return_applied_on", "ngày bắt đầu miễn")
    exemption.status = ExemptionStatus.RETURN_APPLIED
    exemption.return_applied_on = applied_on
    _save(exemption, actor)
    _exemption_case(exemption)
    return exemption


@transaction.atomic
def exemption_return(
    *, actor, exemption: Exemption, returned_on: dt.date, resolution_number: str
) -> Exemption:
    """R3.2: the cell decides the return (RETURNED event)."""
    exemption = _locked_exemption(exemption, "return")
    resolution_number = _clean_text(resolution_number, "return_resolution_number", 64)
    _require(
        resolution_number, "return_resolution_number", "Vui lòng nhập số nghị quyết của chi bộ."
    )
    _not_future(returned_on, "returned_on")
    _not_before(returned_on, exemption.return_applied_on, "returned_on", "ngày làm đơn")
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
    _save(exemption, actor)
    _exemption_case(exemption)
    return exemption


def _exemption_case(exemption: Exemption) -> None:
    member = exemption.member
    status = exemption.status
    step, label, who, due, closed = "", "", "", None, None
    if status == ExemptionStatus.APPLIED:
        step, label, who = "decide", "Chi bộ xét đơn, ra nghị quyết", "Chi bộ"
        due = _due(exemption.applied_on, CELL_CONSIDERS_DAYS)
    elif status == ExemptionStatus.DECIDED:
        step, label = "report", "Báo cáo cấp ủy cấp trên trực tiếp"
        who = "Chi ủy, bí thư chi bộ"
        due = _due(exemption.decided_on, CELL_CONSIDERS_DAYS)
    elif status == ExemptionStatus.IN_FORCE and exemption.kind == ExemptionKind.TEMPORARY:
        step, label = "apply_return", "Hết hạn tạm miễn: đảng viên trở lại sinh hoạt"
        who, due = "Đảng viên, chi bộ", exemption.end
    elif status == ExemptionStatus.RETURN_APPLIED:
        step, label, who = "return", "Chi bộ xét cho trở lại sinh hoạt", "Chi bộ"
        due = _due(exemption.return_applied_on, CELL_CONSIDERS_DAYS)
    else:  # refused, returned, or a full exemption / reduction in force: nothing due
        step, label, who = status, exemption.get_status_display(), ""
        closed = exemption.returned_on or exemption.reported_on or exemption.decided_on or _today()
    case_sync(
        exemption,
        kind=CaseKind.EXEMPTION,
        organization=exemption.organization,
        subject=member.full_name,
        member=member,
        step=step,
        step_label=label,
        actor=who,
        due_date=due,
        url=reverse("exemption_detail", args=[exemption.pk]),
        closed_on=closed,
    )


# =============================================================================
# B. Members working away (seeds 000, 001, 004)
# =============================================================================

WORKING_AWAY_STEPS: dict[str, tuple[str, ...]] = {
    "review": (WorkingAwayStatus.REPORTED,),
    "destination": (WorkingAwayStatus.REPORTED, WorkingAwayStatus.REVIEWED),
    "contact": (WorkingAwayStatus.REVIEWED,),
    "year_review": (WorkingAwayStatus.REVIEWED,),
    "end": (WorkingAwayStatus.REPORTED, WorkingAwayStatus.REVIEWED),
}


def _locked_away(working_away: WorkingAway, step: str) -> WorkingAway:
    working_away = (
        WorkingAway.objects.select_for_update().select_related("member").get(pk=working_away.pk)
    )
    _check_step(WORKING_AWAY_STEPS, step, working_away.status, working_away.get_status_display())
    return working_away


@transaction.atomic
def working_away_report(
    *,
    actor,
    member: Member,
    reported_on: dt.date,
    left_on: dt.date | None = None,
    expected_return: dt.date | None = None,
    report_text: str = "",
) -> WorkingAway:
    """The member's written report to the cell before going away (seed 000)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    report_text = _clean_text(report_text, "report_text", 2000)
    if member.status not in ACTIVE_STATUSES:
        raise DomainError("Chỉ đảng viên đang sinh hoạt.", field="member")
    _not_future(reported_on, "reported_on")
    if expected_return and left_on and expected_return < left_on:
        raise DomainError("Ngày dự kiến trở về không được trước ngày đi.", field="expected_return")
    if WorkingAway.objects.filter(member=member).exclude(status=WorkingAwayStatus.ENDED).exists():
        raise DomainError(
            "Đảng viên đang có hồ sơ đi làm ăn xa chưa kết thúc.", field="reported_on"
        )
    working_away = WorkingAway(
        member=member,
        organization=member.organization,
        reported_on=reported_on,
        left_on=left_on,
        expected_return=expected_return,
        report_text=report_text,
        status=WorkingAwayStatus.REPORTED,
        created_by_id=_actor_id(actor),
    )
    _save(working_away, actor)
    _working_away_case(working_away)
    return working_away


@transaction.atomic
def working_away_review(
    *,
    actor,
    working_away: WorkingAway,
    reviewed_on: dt.date,
    committee_reported_on: dt.date,
    review_note: str = "",
) -> WorkingAway:
    """The cell considers the report and reports to the grassroots committee."""
    working_away = _locked_away(working_away, "review")
    _not_future(reviewed_on, "reviewed_on")
    _not_before(reviewed_on, working_away.reported_on, "reviewed_on", "ngày đơn báo cáo")
    _not_future(committee_reported_on, "committee_reported_on")
    _not_before(committee_reported_on, reviewed_on, "committee_reported_on", "ngày chi bộ xem xét")
    working_away.status = WorkingAwayStatus.REVIEWED
    working_away.reviewed_on = reviewed_on
    working_away.committee_reported_on = committee_reported_on
    working_away.review_note = _clean_text(review_note, "review_note", 2000)
    _save(working_away, actor)
    _working_away_case(working_away)
    return working_away


@transaction.atomic
def working_away_register_destination(
    *,
    actor,
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
    """Where the member works and stays, and who there can be asked (seed 000)."""
    working_away = _locked_away(working_away, "destination")
    _not_future(registered_on, "registered_on")
    _not_before(registered_on, working_away.reported_on, "registered_on", "ngày đơn báo cáo")
    _require(province, "dest_province", "Vui lòng chọn tỉnh, thành phố nơi đến.")
    _require(commune, "dest_commune", "Vui lòng chọn xã, phường nơi đến.")
    if commune.province_id != province.pk:
        raise DomainError("Xã, phường không thuộc tỉnh, thành phố đã chọn.", field="dest_commune")
    address = _clean_text(address, "dest_address")
    employer = _clean_text(employer, "employer")
    if not address and not employer:
        raise DomainError(
            "Vui lòng ghi nơi làm việc hoặc địa chỉ tạm trú ở nơi đến.", field="employer"
        )
    if host_kind and host_kind not in ("party", "authority"):
        raise DomainError("Nơi nhận xét không hợp lệ.", field="host_kind")
    phone = _clean_text(host_contact_phone, "host_contact_phone", 20)
    if phone and not all(ch.isdigit() or ch in " +.-()" for ch in phone):
        raise DomainError("Số điện thoại chỉ gồm chữ số.", field="host_contact_phone")
    working_away.dest_province = province
    working_away.dest_commune = commune
    working_away.dest_address = address
    working_away.employer = employer
    working_away.host_kind = host_kind
    working_away.host_name = _clean_text(host_name, "host_name")
    working_away.host_contact_name = _clean_text(host_contact_name, "host_contact_name", 120)
    working_away.host_contact_phone = phone
    working_away.destination_registered_on = registered_on
    _save(working_away, actor)
    _working_away_case(working_away)
    return working_away


@transaction.atomic
def working_away_contact_add(
    *,
    actor,
    working_away: WorkingAway,
    date: dt.date,
    kind: str,
    note: str = "",
    amount: int | None = None,
) -> WorkingAwayContact:
    """One contact either way: news sent by the cell; the member's report,
    contribution or dues (seed 000: "giữ mối liên hệ hai chiều")."""
    working_away = _locked_away(working_away, "contact")
    if kind not in ContactKind.values:
        raise DomainError("Nội dung liên hệ không hợp lệ.", field="kind")
    _not_future(date, "date")
    _not_before(date, working_away.reported_on, "date", "ngày đơn báo cáo")
    if amount is not None and amount < 0:
        raise DomainError("Số tiền không được âm.", field="amount")
    if kind == ContactKind.DUES and not amount:
        raise DomainError("Vui lòng nhập số tiền đảng phí đã đóng.", field="amount")
    contact = WorkingAwayContact.objects.create(
        working_away=working_away,
        date=date,
        kind=kind,
        direction=CONTACT_DIRECTION[ContactKind(kind)],
        note=_clean_text(note, "note"),
        amount=amount,
        created_by_id=_actor_id(actor),
    )
    _working_away_case(working_away)
    return contact


@transaction.atomic
def working_away_year_review(
    *,
    actor,
    working_away: WorkingAway,
    year: int,
    received_on: dt.date,
    self_review: str,
    host_comment: str = "",
    host_commenter: str = "",
) -> WorkingAwayYearReview:
    """The year-end self-review with the host's comment (seeds 000, 004); one a year."""
    working_away = _locked_away(working_away, "year_review")
    self_review = _clean_text(self_review, "self_review", 4000)
    _require(self_review, "self_review", "Vui lòng tóm tắt bản tự kiểm điểm.")
    _not_future(received_on, "received_on")
    if not (working_away.reported_on.year <= year <= _today().year):
        raise DomainError("Năm kiểm điểm không phù hợp với thời gian đi làm ăn xa.", field="year")
    if received_on.year < year:
        raise DomainError("Bản kiểm điểm năm này chưa thể nhận trước năm đó.", field="received_on")
    if WorkingAwayYearReview.objects.filter(working_away=working_away, year=year).exists():
        raise DomainError(f"Đã ghi bản tự kiểm điểm năm {year}.", field="year")
    review = WorkingAwayYearReview(
        working_away=working_away,
        year=year,
        received_on=received_on,
        self_review=self_review,
        host_comment=_clean_text(host_comment, "host_comment", 4000),
        host_commenter=_clean_text(host_commenter, "host_commenter"),
        created_by_id=_actor_id(actor),
    )
    _save(review, actor)
    # The member's report counts as news from them (two-way contact).
    WorkingAwayContact.objects.create(
        working_away=working_away,
        date=received_on,
        kind=ContactKind.REPORT,
        direction=CONTACT_DIRECTION[ContactKind.REPORT],
        note=f"Bản tự kiểm điểm năm {year}",
        created_by_id=_actor_id(actor),
    )
    _working_away_case(working_away)
    return review


@transaction.atomic
def working_away_end(
    *, actor, working_away: WorkingAway, ended_on: dt.date, end_note: str = ""
) -> WorkingAway:
    """The member is back (or the file is closed): stops the follow-up."""
    working_away = _locked_away(working_away, "end")
    _not_future(ended_on, "ended_on")
    _not_before(ended_on, working_away.reported_on, "ended_on", "ngày đơn báo cáo")
    if working_away.exemptions.filter(status__in=EXEMPTION_OPEN).exists():
        raise DomainError(
            "Đảng viên đang được tạm miễn sinh hoạt: chi bộ cần xét cho trở lại sinh hoạt "
            "trước khi kết thúc hồ sơ.",
            field="ended_on",
        )
    working_away.status = WorkingAwayStatus.ENDED
    working_away.ended_on = ended_on
    working_away.end_note = _clean_text(end_note, "end_note")
    _save(working_away, actor)
    _working_away_case(working_away)
    return working_away


def working_away_last_news(working_away: WorkingAway) -> dt.date:
    """The member's latest news to the cell (the report itself when none since)."""
    last = (
        working_away.contacts.filter(direction="in")
        .order_by("-date")
        .values_list("date", flat=True)
    ).first()
    return max(filter(None, [last, working_away.reported_on]))


def _working_away_case(working_away: WorkingAway) -> None:
    member = working_away.member
    closed = None
    if working_away.status == WorkingAwayStatus.REPORTED:
        step, who = "review", "Chi bộ"
        label = "Chi bộ xem xét đơn báo cáo, báo cáo đảng ủy cơ sở"
        due = _due(working_away.reported_on, CELL_CONSIDERS_DAYS)
    elif working_away.status == WorkingAwayStatus.REVIEWED and not working_away.declared:
        step, who = "destination", "Đảng viên, chi bộ"
        label = "Đăng ký nơi đến (nơi làm việc, tạm trú)"
        due = _due(working_away.reviewed_on, CELL_CONSIDERS_DAYS)
    elif working_away.status == WorkingAwayStatus.REVIEWED:
        step, who = "contact", "Đảng viên, chi bộ"
        label = "Giữ liên hệ: đảng viên báo cáo, đóng đảng phí"
        due = rules.silence_deadline(working_away_last_news(working_away), _today())
    else:
        step, who, label, due = "ended", "", working_away.get_status_display(), None
        closed = working_away.ended_on
    case_sync(
        working_away,
        kind=CaseKind.WORKING_AWAY,
        organization=working_away.organization,
        subject=member.full_name,
        member=member,
        step=step,
        step_label=label,
        actor=who,
        due_date=due,
        url=reverse("working_away_detail", args=[working_away.pk]),
        closed_on=closed,
    )


# =============================================================================
# C. Residence liaison (QĐ 213-QĐ/TW, HD 33-HD/BTCTW)
# =============================================================================

RESIDENCE_STEPS: dict[str, tuple[str, ...]] = {
    "receive": (ResidenceStatus.INTRODUCED,),
    "assign": (ResidenceStatus.RECEIVED,),
    "group": (ResidenceStatus.ASSIGNED,),
    "comment": (ResidenceStatus.ASSIGNED,),
    "end": (
        ResidenceStatus.NOT_INTRODUCED,
        ResidenceStatus.INTRODUCED,
        ResidenceStatus.RECEIVED,
        ResidenceStatus.ASSIGNED,
    ),
}


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


@transaction.atomic
def residence_introduce(
    *,
    actor,
    member: Member,
    introduced_on: dt.date,
    letter_number: str = "",
    category: str = ResidenceCategory.NONE,
    note: str = "",
) -> ResidenceLiaison:
    """The workplace committee introduces a working member to the commune or ward
    party committee where they live (QĐ 213 Điều 3). The residence is the
    member's current address; the committee is found through Organization.commune,
    or recorded as outside this installation."""
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    if member.status not in ACTIVE_STATUSES:
        raise DomainError("Chỉ đảng viên đang sinh hoạt.", field="member")
    if not rules.must_keep_residence_contact(member.organization.unit_type):
        raise DomainError(
            "Chỉ giới thiệu đảng viên sinh hoạt ở chi bộ cơ quan, doanh nghiệp, đơn vị sự "
            "nghiệp, lực lượng vũ trang (QĐ 213-QĐ/TW Điều 1).",
            field="member",
        )
    if category not in ResidenceCategory.values:
        raise DomainError("Diện không hợp lệ.", field="category")
    if category in rules.NOT_INTRODUCED:
        raise DomainError(
            "Lực lượng làm nhiệm vụ đặc biệt không giới thiệu về nơi cư trú (HD 33 mục 1.2): "
            "ghi «không giới thiệu».",
            field="category",
        )
    if _open_liaison_exists(member):
        raise DomainError(
            "Đảng viên đã được giới thiệu về nơi cư trú (hồ sơ chưa kết thúc).",
            field="introduced_on",
        )
    _not_future(introduced_on, "introduced_on")
    if member.current_commune_id is None:
        raise DomainError(
            "Hồ sơ đảng viên chưa có nơi ở hiện nay (xã, phường): cập nhật hồ sơ trước.",
            field="member",
        )
    committee = residence_committee_for(member.current_commune)
    commune = member.current_commune
    letter_number = _clean_text(letter_number, "letter_number", 64)
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
        note=_clean_text(note, "note"),
        created_by_id=_actor_id(actor),
    )
    _save(liaison, actor)
    if not letter_number:
        # No paper letter yet: the workplace committee's introduction letter is
        # issued here (numbered in its register) and its number recorded.
        document = _introduction_letter(actor, liaison)
        liaison.letter_document_id = document.pk
        liaison.letter_number = document.symbol
        _save(liaison, actor)
    _residence_case(liaison)
    return liaison


def _workplace_committee(cell: Organization) -> Organization:
    """The grassroots committee above a workplace cell (the cell itself when it is
    a grassroots cell): it introduces its members (QĐ 213 Điều 3)."""
    node: Organization | None = cell
    while node is not None:
        if node.level in (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL):
            return node
        node = node.parent
    return cell.parent or cell


def _introduction_letter(actor, liaison: ResidenceLiaison):
    from dangvien.documents.models import DocumentKind
    from dangvien.documents.services import document_issue

    member = liaison.member
    issuer = _workplace_committee(liaison.workplace)
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
        date=liaison.introduced_on,
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
            "recipients": ["Như trên;", f"Chi bộ {liaison.workplace.name};", "Lưu."],
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
    *, actor, member: Member, decided_on: dt.date, note: str = ""
) -> ResidenceLiaison:
    """HD 33 mục 1.2 (R8.5): special-duty forces are not introduced at all; the
    record keeps them off the "never introduced" list."""
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    _not_future(decided_on, "decided_on")
    if _open_liaison_exists(member):
        raise DomainError("Đảng viên đã có hồ sơ nơi cư trú chưa kết thúc.", field="member")
    liaison = ResidenceLiaison(
        member=member,
        workplace=member.organization,
        category=ResidenceCategory.SPECIAL_DUTY,
        status=ResidenceStatus.NOT_INTRODUCED,
        note=_clean_text(note, "note") or f"Không giới thiệu từ {decided_on:%d/%m/%Y}",
        created_by_id=_actor_id(actor),
    )
    _save(liaison, actor)
    return liaison


def _locked_liaison(liaison: ResidenceLiaison, step: str) -> ResidenceLiaison:
    liaison = (
        ResidenceLiaison.objects.select_for_update(of=("self",))
        .select_related("member", "residence_committee", "workplace")
        .get(pk=liaison.pk)
    )
    _check_step(RESIDENCE_STEPS, step, liaison.status, liaison.get_status_display())
    return liaison


@transaction.atomic
def residence_receive(
    *, actor, liaison: ResidenceLiaison, received_on: dt.date
) -> ResidenceLiaison:
    """The commune or ward committee receives and lists the member (QĐ 213 Điều 4)."""
    liaison = _locked_liaison(liaison, "receive")
    _not_future(received_on, "received_on")
    _not_before(received_on, liaison.introduced_on, "received_on", "ngày giới thiệu")
    liaison.status = ResidenceStatus.RECEIVED
    liaison.received_on = received_on
    _save(liaison, actor)
    _residence_case(liaison)
    return liaison


@transaction.atomic
def residence_assign(
    *,
    actor,
    liaison: ResidenceLiaison,
    assigned_on: dt.date,
    cell: Organization | None = None,
    outside_cell: str = "",
    group: ResidenceGroup | None = None,
) -> ResidenceLiaison:
    """The committee passes the member to the village or residential-group cell,
    which lists them (and may put them in a group at once)."""
    liaison = _locked_liaison(liaison, "assign")
    _not_future(assigned_on, "assigned_on")
    _not_before(assigned_on, liaison.received_on, "assigned_on", "ngày tiếp nhận")
    outside_cell = _clean_text(outside_cell, "outside_cell")
    if liaison.is_outside:
        _require(outside_cell, "outside_cell", "Vui lòng ghi tên chi bộ nơi cư trú.")
        cell = None
        group = None
    else:
        _require(cell, "cell", "Vui lòng chọn chi bộ nơi cư trú.")
        committee = liaison.residence_committee
        if not cell.path.startswith(committee.path) or not cell.holds_members or not cell.is_active:
            raise DomainError(
                f"Chi bộ phải là chi bộ đang hoạt động thuộc {committee.name}.", field="cell"
            )
        if group is not None and group.cell_id != cell.pk:
            raise DomainError("Tổ, nhóm không thuộc chi bộ đã chọn.", field="group")
    liaison.status = ResidenceStatus.ASSIGNED
    liaison.assigned_on = assigned_on
    liaison.residential_cell = cell
    liaison.outside_cell = outside_cell
    liaison.group = group
    liaison.residence_path = cell.path if cell else liaison.residence_path
    _save(liaison, actor)
    _residence_case(liaison)
    return liaison


@transaction.atomic
def residence_group_create(*, actor, cell: Organization, name: str) -> ResidenceGroup:
    """A group (tổ, nhóm) of the working members in a residential cell (seed 003)."""
    name = _clean_text(name, "name", 120)
    _require(name, "name", "Vui lòng đặt tên tổ, nhóm.")
    if not cell.holds_members or not cell.is_active:
        raise DomainError("Chỉ lập tổ, nhóm ở chi bộ đang hoạt động.", field="cell")
    if ResidenceGroup.objects.filter(cell=cell, name=name).exists():
        raise DomainError("Chi bộ đã có tổ, nhóm tên này.", field="name")
    group = ResidenceGroup(cell=cell, name=name, created_by_id=_actor_id(actor))
    _save(group, actor)
    return group


@transaction.atomic
def residence_group_set_leader(*, actor, group: ResidenceGroup, leader: Member) -> ResidenceGroup:
    """The group leader is one of the group's working members (elected, seed 003)."""
    group = ResidenceGroup.objects.select_for_update().get(pk=group.pk)
    if not ResidenceLiaison.objects.filter(
        group=group, member=leader, status=ResidenceStatus.ASSIGNED
    ).exists():
        raise DomainError(
            "Tổ trưởng, nhóm trưởng phải là đảng viên trong tổ, nhóm.", field="leader"
        )
    group.leader = leader
    _save(group, actor)
    return group


@transaction.atomic
def residence_set_group(
    *, actor, liaison: ResidenceLiaison, group: ResidenceGroup | None
) -> ResidenceLiaison:
    liaison = _locked_liaison(liaison, "group")
    if group is not None and group.cell_id != liaison.residential_cell_id:
        raise DomainError("Tổ, nhóm không thuộc chi bộ nơi cư trú của đảng viên.", field="group")
    if liaison.group_id and liaison.group.leader_id == liaison.member_id:
        ResidenceGroup.objects.filter(pk=liaison.group_id).update(leader=None)
    liaison.group = group
    _save(liaison, actor)
    return liaison


@transaction.atomic
def residence_meeting_record(
    *,
    actor,
    cell: Organization,
    date: dt.date,
    present: list[int],
    content: str = "",
    absence_notes: dict[int, str] | None = None,
) -> ResidenceMeeting:
    """A meeting of the residential cell with its working members (QĐ 213 Điều 4:
    every 6 months or when needed) and who attended (ids of liaison records)."""
    _not_future(date, "date")
    if not cell.holds_members:
        raise DomainError("Chỉ chi bộ nơi cư trú ghi buổi gặp mặt.", field="cell")
    expected = list(
        ResidenceLiaison.objects.filter(
            residential_cell=cell, status=ResidenceStatus.ASSIGNED, assigned_on__lte=date
        ).values_list("pk", flat=True)
    )
    if not expected:
        raise DomainError("Chi bộ chưa có đảng viên giữ mối liên hệ vào ngày này.", field="date")
    unknown = set(present) - set(expected)
    if unknown:
        raise DomainError("Có người được đánh dấu có mặt không thuộc danh sách.", field="present")
    meeting = ResidenceMeeting(
        cell=cell,
        date=date,
        content=_clean_text(content, "content", 4000),
        created_by_id=_actor_id(actor),
    )
    _save(meeting, actor)
    notes = absence_notes or {}
    ResidenceAttendance.objects.bulk_create(
        [
            ResidenceAttendance(
                meeting=meeting,
                liaison_id=pk,
                present=pk in present,
                note=_clean_text(notes.get(pk, ""), "present") if pk not in present else "",
            )
            for pk in expected
        ]
    )
    return meeting


@transaction.atomic
def residence_comment_add(
    *,
    actor,
    liaison: ResidenceLiaison,
    year: int,
    commented_on: dt.date,
    text: str,
    purpose: str = CommentPurpose.YEARLY,
    commenter: str = "",
) -> ResidenceComment:
    """The residence cell's comment (QĐ 213 Điều 4; R8.4): once a year for each
    member, none yearly for the HD 33 mục 1.1 categories (only when needed)."""
    liaison = _locked_liaison(liaison, "comment")
    text = _clean_text(text, "text", 4000)
    _require(text, "text", "Vui lòng nhập nội dung nhận xét.")
    if purpose not in CommentPurpose.values:
        raise DomainError("Loại nhận xét không hợp lệ.", field="purpose")
    _not_future(commented_on, "commented_on")
    _not_before(commented_on, liaison.assigned_on, "commented_on", "ngày chi bộ nhận vào danh sách")
    if year != commented_on.year and not (
        year == commented_on.year - 1 and commented_on.month == 1
    ):
        raise DomainError(
            "Năm nhận xét phải là năm của ngày nhận xét (hoặc năm trước, khi nhận xét "
            "trong tháng 1).",
            field="year",
        )
    if purpose == CommentPurpose.YEARLY:
        if not rules.yearly_comment_due(liaison.category):
            raise DomainError(
                "Đảng viên thuộc diện miễn sinh hoạt nơi cư trú (HD 33 mục 1.1): không nhận "
                "xét hằng năm, chỉ nhận xét khi cần.",
                field="purpose",
            )
        if ResidenceComment.objects.filter(
            member=liaison.member, year=year, purpose=CommentPurpose.YEARLY
        ).exists():
            raise DomainError(
                f"Đảng viên đã có nhận xét của nơi cư trú năm {year}; mỗi năm một lần.",
                field="year",
            )
    comment = ResidenceComment(
        liaison=liaison,
        member=liaison.member,
        year=year,
        purpose=purpose,
        commented_on=commented_on,
        text=text,
        commenter=_clean_text(commenter, "commenter"),
        created_by_id=_actor_id(actor),
    )
    try:
        with transaction.atomic():
            _save(comment, actor)
    except IntegrityError:  # a concurrent second comment for the same year
        raise DomainError(
            f"Đảng viên đã có nhận xét của nơi cư trú năm {year}; mỗi năm một lần.", field="year"
        ) from None
    _residence_case(liaison)
    return comment


@transaction.atomic
def residence_end(
    *, actor, liaison: ResidenceLiaison, ended_on: dt.date, end_reason: str
) -> ResidenceLiaison:
    """The liaison ends (moved house, changed workplace, retired...)."""
    liaison = _locked_liaison(liaison, "end")
    end_reason = _clean_text(end_reason, "end_reason")
    _require(end_reason, "end_reason", "Vui lòng ghi lý do kết thúc.")
    _not_future(ended_on, "ended_on")
    _not_before(ended_on, liaison.introduced_on, "ended_on", "ngày giới thiệu")
    was_open_case = liaison.status != ResidenceStatus.NOT_INTRODUCED
    liaison.status = ResidenceStatus.ENDED
    liaison.ended_on = ended_on
    liaison.end_reason = end_reason
    _save(liaison, actor)
    if was_open_case:
        _residence_case(liaison)
    return liaison


def _residence_case(liaison: ResidenceLiaison) -> None:
    member = liaison.member
    closed = None
    org = liaison.residential_cell or liaison.residence_committee or liaison.workplace
    if liaison.status == ResidenceStatus.INTRODUCED:
        step, label = "receive", "Đảng ủy xã, phường nơi cư trú tiếp nhận"
        who = liaison.residence_committee.name if liaison.residence_committee else "Nơi công tác"
        due = _due(liaison.introduced_on, rules.RESIDENCE_RECEIPT_DAYS)
        org = liaison.residence_committee or liaison.workplace
    elif liaison.status == ResidenceStatus.RECEIVED:
        step, label, who = "assign", "Giới thiệu về chi bộ nơi cư trú", "Đảng ủy xã, phường"
        due = _due(liaison.received_on, rules.RESIDENCE_RECEIPT_DAYS)
        org = liaison.residence_committee or liaison.workplace
    elif liaison.status == ResidenceStatus.ASSIGNED and rules.yearly_comment_due(liaison.category):
        done = set(
            ResidenceComment.objects.filter(
                member=member, purpose=CommentPurpose.YEARLY
            ).values_list("year", flat=True)
        )
        year = max(_today().year, liaison.assigned_on.year)
        while year in done:
            year += 1
        step, label = "comment", f"Nhận xét đảng viên nơi cư trú năm {year}"
        who, due = "Chi bộ nơi cư trú", dt.date(year, 12, 31)
        if liaison.is_outside:
            org = liaison.workplace
    else:
        step, who, due = liaison.status, "", None
        label = liaison.get_status_display()
        closed = liaison.ended_on or liaison.assigned_on or _today()
    case_sync(
        liaison,
        kind=CaseKind.RESIDENCE,
        organization=org,
        subject=member.full_name,
        member=member,
        step=step,
        step_label=label,
        actor=who,
        due_date=due,
        url=reverse("residence_detail", args=[liaison.pk]),
        closed_on=closed,
    )


__all__ = [
    "exemption_apply",
    "exemption_apply_return",
    "exemption_decide",
    "exemption_refuse",
    "exemption_report",
    "exemption_return",
    "residence_assign",
    "residence_comment_add",
    "residence_end",
    "residence_group_create",
    "residence_group_set_leader",
    "residence_introduce",
    "residence_mark_not_introduced",
    "residence_meeting_record",
    "residence_receive",
    "residence_set_group",
    "working_away_contact_add",
    "working_away_end",
    "working_away_register_destination",
    "working_away_report",
    "working_away_review",
    "working_away_year_review",
]
