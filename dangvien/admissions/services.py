"""Admission of new members as a workflow, from candidate to official member.

One function per step: keyword-only, `actor` first, one transaction each. A step
checks the stage table (`ADMISSION_STEPS`, `RECOGNITION_STEPS`) and the rules,
writes the file, logs who/when, and keeps the open-cases table in step
(`case_sync`). A refused step raises DomainError and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from dangvien.compliance.models import Case, CaseKind
from dangvien.compliance.services import case_sync
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.documents.models import DocumentKind
from dangvien.documents.services import document_issue
from dangvien.members import selectors as member_selectors
from dangvien.members import services as member_services
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.organizations.models import Level, Organization

from . import rules
from .models import (
    OPEN_STAGES,
    AdmissionFile,
    Candidate,
    CellVote,
    FileKind,
    IntroductionKind,
    Proposal,
    RecognitionFile,
    RecognitionStage,
    Stage,
    StepLog,
)

# --- the stage tables: which step may follow which stage ------------------------

ADMISSION_STEPS: dict[str, tuple[str, ...]] = {
    "dossier": (Stage.OPENED, Stage.DOSSIER_COMPLETE),  # the second only to renew a stale file
    "cell_vote": (Stage.DOSSIER_COMPLETE,),
    "escalation": (Stage.ESCALATED,),
    "grassroots": (Stage.CELL_AGREED,),
    "extension": (Stage.CELL_AGREED, Stage.GRASSROOTS_AGREED),
    "decision": (Stage.GRASSROOTS_AGREED,),
    "ceremony": (Stage.DECIDED,),
    "close": (
        Stage.OPENED,
        Stage.DOSSIER_COMPLETE,
        Stage.CELL_AGREED,
        Stage.ESCALATED,
        Stage.GRASSROOTS_AGREED,
        Stage.DECIDED,
    ),
}

RECOGNITION_STEPS: dict[str, tuple[str, ...]] = {
    "cell_vote": (RecognitionStage.OPENED,),
    "escalation": (RecognitionStage.ESCALATED,),
    "grassroots": (RecognitionStage.CELL_AGREED,),
    "extension": (RecognitionStage.CELL_AGREED, RecognitionStage.GRASSROOTS_AGREED),
    "decision": (RecognitionStage.GRASSROOTS_AGREED,),
}

STEP_LABELS = {
    "open": "Mở hồ sơ kết nạp",
    "dossier": "Hoàn thiện hồ sơ (lý lịch, người giới thiệu, nhận xét)",
    "renew": "Làm lại hồ sơ quá 12 tháng",
    "cell_vote": "Chi bộ họp xét, biểu quyết",
    "escalation": "Cấp ủy cấp trên xem xét, kết luận",
    "grassroots": "Đảng ủy cơ sở xét, ra nghị quyết",
    "extension": "Gia hạn thời hạn quyết định",
    "decision": "Cấp ủy có thẩm quyền ra quyết định",
    "ceremony": "Tổ chức lễ kết nạp",
    "close": "Đóng hồ sơ",
    "recognition_open": "Mở hồ sơ công nhận đảng viên chính thức",
}


def _today() -> dt.date:
    return dt.date.today()


def _not_future(day: dt.date | None, field: str) -> dt.date:
    if day is None:
        raise DomainError("Vui lòng nhập ngày.", field=field)
    if day > _today():
        raise DomainError("Ngày này không được ở tương lai.", field=field)
    return day


def _not_before(day: dt.date, earlier: dt.date | None, field: str, what: str) -> None:
    if earlier and day < earlier:
        raise DomainError(f"Ngày này không được trước {what} ({earlier:%d/%m/%Y}).", field=field)


def _text(value: Any, limit: int = 255) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


def _check_step(table: dict[str, tuple[str, ...]], step: str, stage: str, label: str) -> None:
    if stage not in table[step]:
        raise DomainError(
            f"Không thể thực hiện bước «{STEP_LABELS[step]}» khi hồ sơ đang ở bước «{label}».",
            field="step",
            code="out_of_order",
        )


def _log(file, step: str, day: dt.date, actor, label: str = "") -> None:
    StepLog.objects.create(
        admission=file if isinstance(file, AdmissionFile) else None,
        recognition=file if isinstance(file, RecognitionFile) else None,
        step=step,
        label=(label or STEP_LABELS[step])[:255],
        date=day,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _grassroots_of(cell: Organization) -> Organization:
    """The grassroots organisation a cell belongs to (itself for a grassroots cell)."""
    if cell.level == Level.GRASSROOTS_CELL:
        return cell
    prefixes = [cell.path[:i] for i in range(4, len(cell.path), 4)]
    found = (
        Organization.objects.filter(path__in=prefixes, level=Level.GRASSROOTS_COMMITTEE)
        .order_by("-path")
        .first()
    )
    return found or cell.parent or cell


def _competent_of(cell: Organization) -> Organization:
    """R1.10: the committee that decides admission and recognition: the one directly
    above the grassroots organisation (a delegated grassroots committee is recorded
    through `decided_by`)."""
    grassroots = _grassroots_of(cell)
    if (
        grassroots.level in (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)
        and grassroots.parent
    ):
        return grassroots.parent
    return grassroots


BASES = [
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành "
    "Điều lệ Đảng;",
    "Căn cứ Hướng dẫn số 06-HD/TW ngày 09/6/2025 của Ban Bí thư về một số vấn đề cụ thể "
    "thi hành Điều lệ Đảng;",
]


def _issue_cell_resolution(*, actor, file, cell, vote, summary, preamble, resolution, signer_name):
    return document_issue(
        actor=actor,
        organization=cell,
        kind=DocumentKind.RESOLUTION,
        date=vote.meeting_date,
        summary=summary,
        context={
            "bases": BASES,
            "preamble": preamble,
            "resolutions": [resolution],
            "vote": {"total": vote.official_members, "agree": vote.votes_for},
            "recipients": [f"{_grassroots_of(cell).name} (để báo cáo);", "Lưu chi bộ."],
            "signer_capacity": "T/M CHI BỘ",
            "signer_title": "BÍ THƯ",
            "signer_name": signer_name,
        },
        concerns_path=cell.path,
        subject=file,
    )


def _issue_decision(*, actor, file, cell, date, summary, articles, signer_name):
    competent = _competent_of(cell)
    return document_issue(
        actor=actor,
        organization=competent,
        kind=DocumentKind.DECISION,
        date=date,
        summary=summary,
        context={
            "authority": f"BAN THƯỜNG VỤ {competent.name.upper()}",
            "bases": [
                *BASES,
                "Xét đề nghị của chi bộ và đảng ủy cơ sở,",
            ],
            "articles": articles,
            "recipients": ["Như Điều 3;", f"{_grassroots_of(cell).name};", "Lưu hồ sơ đảng viên."],
            "signer_capacity": "T/M BAN THƯỜNG VỤ",
            "signer_title": "BÍ THƯ",
            "signer_name": signer_name,
        },
        concerns_path=cell.path,
        subject=file,
    )


def _record_vote(*, file, cell, meeting_date, votes_for, proposal="", actor) -> CellVote:
    if votes_for is None or votes_for < 0:
        raise DomainError("Số tán thành phải là số không âm.", field="votes_for")
    officials = member_selectors.official_member_count_on(cell, meeting_date)
    if officials == 0:
        raise DomainError(
            f"Chi bộ không có đảng viên chính thức nào ngày {meeting_date:%d/%m/%Y}.",
            field="meeting_date",
        )
    if votes_for > officials:
        raise DomainError(
            f"Số tán thành ({votes_for}) lớn hơn số đảng viên chính thức của chi bộ "
            f"ngày {meeting_date:%d/%m/%Y} ({officials}).",
            field="votes_for",
        )
    is_admission = isinstance(file, AdmissionFile)
    rounds = file.votes.count()
    vote = CellVote.objects.create(
        admission=file if is_admission else None,
        recognition=None if is_admission else file,
        round=rounds + 1,
        meeting_date=meeting_date,
        proposal=proposal,
        official_members=officials,
        votes_for=votes_for,
        passed=rules.vote_passes(votes_for, officials, meeting_date),
    )
    result = "đạt" if vote.passed else "không đạt"
    _log(
        file,
        "cell_vote",
        meeting_date,
        actor,
        f"Chi bộ biểu quyết lần {vote.round}: {votes_for}/{officials} đảng viên chính thức "
        f"tán thành ({result}; cần {rules.votes_needed(officials, meeting_date)})",
    )
    return vote


# --- admission: the open case ----------------------------------------------------


def admission_stale_from(file: AdmissionFile) -> dt.date | None:
    """R1.6: the first day the file is stale, while the cell has not yet voted."""
    if file.stage not in (Stage.OPENED, Stage.DOSSIER_COMPLETE):
        return None
    if file.pk and file.votes.exists():
        return None
    return rules.dossier_stale_from(file.renewed_on or file.opened_on)


def admission_decision_deadline(file: AdmissionFile) -> dt.date | None:
    if not file.cell_resolution_date:
        return None
    return rules.admission_decision_deadline(file.cell_resolution_date, file.extension_days)


def admission_ceremony_deadline(file: AdmissionFile) -> dt.date | None:
    if not file.decision_received_on:
        return None
    return rules.ceremony_deadline(file.decision_received_on)


def admission_next(file: AdmissionFile) -> tuple[str, str, str, dt.date | None] | None:
    """(step, label, who acts, due date) of the next step, None when closed."""
    cell = file.organization
    rounds = file.votes.count() if file.pk else 0
    match file.stage:
        case Stage.OPENED:
            stale = admission_stale_from(file)
            return ("dossier", STEP_LABELS["dossier"], f"Chi ủy {cell.name}", stale)
        case Stage.DOSSIER_COMPLETE:
            label = f"{STEP_LABELS['cell_vote']} (lần {rounds + 1})"
            return ("cell_vote", label, f"Chi bộ {cell.name}", admission_stale_from(file))
        case Stage.ESCALATED:
            return ("escalation", STEP_LABELS["escalation"], (cell.parent or cell).name, None)
        case Stage.CELL_AGREED:
            return (
                "grassroots",
                STEP_LABELS["grassroots"],
                _grassroots_of(cell).name,
                admission_decision_deadline(file),
            )
        case Stage.GRASSROOTS_AGREED:
            return (
                "decision",
                "Cấp ủy có thẩm quyền ra quyết định kết nạp",
                f"Cấp ủy có thẩm quyền ({_competent_of(cell).name})",
                admission_decision_deadline(file),
            )
        case Stage.DECIDED:
            return (
                "ceremony",
                STEP_LABELS["ceremony"],
                f"Chi bộ {cell.name}",
                admission_ceremony_deadline(file),
            )
    return None


def _admission_sync(file: AdmissionFile, *, on: dt.date) -> None:
    nxt = admission_next(file)
    step, label, who, due = nxt or (file.stage, file.get_stage_display(), "", None)
    case_sync(
        file,
        kind=CaseKind.ADMISSION,
        organization=file.organization,
        subject=file.candidate.full_name,
        step=step,
        step_label=label,
        actor=who,
        due_date=due,
        url=reverse("admission_detail", args=[file.pk]),
        member=file.member,
        closed_on=None if nxt else (file.closed_on or on),
        today=on,
    )


def _lock(file: AdmissionFile) -> AdmissionFile:
    return (
        AdmissionFile.objects.select_for_update()
        .select_related("candidate", "organization")
        .get(pk=file.pk)
    )


# --- admission steps ---------------------------------------------------------------

CANDIDATE_FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "education_level",
    "meets_education",
    "education_exception",
)


def _opening_errors(
    data: dict[str, Any], *, organization: Organization, opened_on: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    if not organization.holds_members or not organization.is_active:
        add("organization", "Chỉ chi bộ đang hoạt động mới xét kết nạp.")
    for field, message in (
        ("family_name", "Vui lòng nhập họ."),
        ("given_name", "Vui lòng nhập tên."),
    ):
        if not _text(data.get(field)):
            add(field, message)
    for field in ("family_name", "middle_name", "given_name"):
        if any(c in (data.get(field) or "") for c in "<>"):
            add(field, "Họ tên không được chứa ký tự < hoặc >.")
    if not data.get("gender"):
        add("gender", "Vui lòng chọn giới tính.")
    birth = data.get("birth_date")
    if birth is None:
        add("birth_date", "Vui lòng nhập ngày sinh.")
    elif birth >= opened_on:
        add("birth_date", "Ngày sinh phải trước ngày mở hồ sơ.")
    if opened_on > _today():
        add("opened_on", "Ngày này không được ở tương lai.")
    application = data.get("application_date")
    if application is None:
        add("application_date", "Vui lòng nhập ngày làm đơn.")
    elif application > opened_on:
        add("application_date", "Ngày làm đơn không được sau ngày mở hồ sơ.")
    if not _text(data.get("certificate_number"), 64):
        add("certificate_number", "Vui lòng nhập số giấy chứng nhận lớp nhận thức về Đảng.")
    add("certificate_date", rules.certificate_error(data.get("certificate_date"), opened_on))
    # R1.3: lower-secondary (THCS) or higher, or a recorded exception.
    if not _text(data.get("education_level"), 40):
        add("education_level", "Vui lòng nhập trình độ giáo dục phổ thông.")
    if not data.get("meets_education", True) and not _text(data.get("education_exception")):
        add(
            "education_exception",
            "Chưa tốt nghiệp THCS: cần ghi rõ trường hợp được châm chước (vùng, đối tượng, "
            "văn bản hướng dẫn) (QĐ 24-QĐ/TW điểm 1.2).",
        )
    return errors


def _create_file(
    *, actor, organization, data, opened_on, kind, former_member=None, extra=None
) -> AdmissionFile:
    candidate = Candidate.objects.create(
        family_name=_text(data.get("family_name"), 40),
        middle_name=_text(data.get("middle_name"), 60),
        given_name=_text(data.get("given_name"), 40),
        gender=data["gender"],
        birth_date=data["birth_date"],
        education_level=_text(data.get("education_level"), 40),
        meets_education=bool(data.get("meets_education", True)),
        education_exception=_text(data.get("education_exception")),
        former_member=former_member,
    )
    file = AdmissionFile.objects.create(
        candidate=candidate,
        kind=kind,
        organization=organization,
        org_path=organization.path,
        stage=Stage.OPENED,
        application_date=data["application_date"],
        certificate_number=_text(data.get("certificate_number"), 64),
        certificate_date=data["certificate_date"],
        opened_on=opened_on,
        **(extra or {}),
    )
    _log(file, "open", opened_on, actor, STEP_LABELS["open"] + f" ({file.get_kind_display()})")
    _admission_sync(file, on=opened_on)
    return file


@transaction.atomic
def admission_open(
    *, actor, organization: Organization, data: dict[str, Any], opened_on: dt.date | None = None
) -> AdmissionFile:
    """Open the admission file of a candidate in the cell that considers them."""
    opened_on = opened_on or data.get("opened_on") or _today()
    errors = _opening_errors(data, organization=organization, opened_on=opened_on)
    if errors:
        raise RecordValidationError(errors)
    return _create_file(
        actor=actor,
        organization=organization,
        data=data,
        opened_on=opened_on,
        kind=FileKind.ADMISSION,
    )


def readmission_errors(member: Member, category: str, on: dt.date) -> dict[str, list[str]]:
    """R1.12: out of the Party, once only, 36 months out, not a barred category."""
    errors: dict[str, list[str]] = {}
    if member.status not in (Status.NAME_DELETED, Status.EXPELLED, Status.LEFT):
        errors["member"] = ["Chỉ xét kết nạp lại người đã ra khỏi Đảng."]
    history = list(
        MembershipEvent.objects.filter(member=member)
        .order_by("date", "seq", "id")
        .values_list("date", "kind")
    )
    if message := rules.readmission_error(history, on):
        errors.setdefault("member" if "một lần" in message else "opened_on", []).append(message)
    if not category:
        errors["leaving_category"] = ["Vui lòng chọn lý do đã ra khỏi Đảng."]
    elif message := rules.readmission_category_error(category):
        errors["leaving_category"] = [message]
    return errors


@transaction.atomic
def readmission_open(
    *,
    actor,
    organization: Organization,
    member: Member,
    data: dict[str, Any],
    opened_on: dt.date | None = None,
) -> AdmissionFile:
    """Open a readmission file for a former member (R1.12)."""
    opened_on = opened_on or data.get("opened_on") or _today()
    member = Member.objects.select_for_update().get(pk=member.pk)
    data = {
        **data,
        "family_name": member.family_name,
        "middle_name": member.middle_name,
        "given_name": member.given_name,
        "gender": member.gender,
        "birth_date": member.birth_date,
    }
    errors = _opening_errors(data, organization=organization, opened_on=opened_on)
    category = _text(data.get("leaving_category"), 24)
    for field, messages in readmission_errors(member, category, opened_on).items():
        errors.setdefault(field, []).extend(messages)
    if AdmissionFile.objects.filter(
        candidate__former_member=member, stage__in=OPEN_STAGES
    ).exists():
        errors.setdefault("member", []).append("Người này đã có hồ sơ kết nạp lại đang mở.")
    if errors:
        raise RecordValidationError(errors)
    return _create_file(
        actor=actor,
        organization=organization,
        data=data,
        opened_on=opened_on,
        kind=FileKind.READMISSION,
        former_member=member,
        extra={"leaving_category": category},
    )


def _introducer_error(member: Member | None, since: dt.date | None, on: dt.date, label: str):
    if member is None:
        return f"Vui lòng chọn {label}."
    state = member_selectors.member_state_on(member, on)
    if state.status != Status.OFFICIAL:
        return (
            f"{label.capitalize()} phải là đảng viên chính thức ngày {on:%d/%m/%Y} "
            "(Điều lệ Đảng Điều 4)."
        )
    return rules.introducer_months_error(since, on, label)


@transaction.atomic
def admission_complete_dossier(
    *,
    actor,
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
    """The dossier is complete (R1.4, R1.5, R1.7); a stale file is renewed this way (R1.6)."""
    file = _lock(file)
    _check_step(ADMISSION_STEPS, "dossier", file.stage, file.get_stage_display())
    date = _not_future(date, "date")
    _not_before(date, file.opened_on, "date", "ngày mở hồ sơ")
    stale_from = admission_stale_from(file)
    renewing = file.stage == Stage.DOSSIER_COMPLETE
    if renewing and (stale_from is None or date < stale_from):
        raise DomainError(
            "Hồ sơ đã đầy đủ; chỉ làm lại khi đã quá hạn 12 tháng mà chi bộ chưa xét.",
            field="step",
            code="out_of_order",
        )
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    if cv_verified_on is None:
        add("cv_verified_on", "Lý lịch phải được thẩm tra, xác minh (HD 12-HD/BTCTW điểm 1.5).")
    elif cv_verified_on > date:
        add("cv_verified_on", "Ngày thẩm tra lý lịch không được sau ngày hồ sơ đầy đủ.")
    if not _text(cv_verified_by):
        add("cv_verified_by", "Vui lòng ghi người, nơi thẩm tra lý lịch.")
    if introduction_kind not in IntroductionKind.values:
        add("introduction_kind", "Vui lòng chọn hình thức giới thiệu.")
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
            add("introducer_2", "Hai người giới thiệu phải là hai đảng viên khác nhau.")
    elif introduction_kind in IntroductionKind.values:
        if not _text(union_resolution):
            add(
                "union_resolution",
                "Cần nghị quyết giới thiệu của Đoàn / Công đoàn cơ sở (Điều lệ Đảng Điều 4).",
            )
        if introducer_2 is not None:
            add("introducer_2", "Với nghị quyết của Đoàn / Công đoàn chỉ cần một đảng viên.")
    if not _text(residence_comment):
        add("residence_comment", "Cần nhận xét của chi ủy (chi bộ) nơi cư trú (R1.7).")
    if not _text(mass_org_comment):
        add("mass_org_comment", "Cần nhận xét của đoàn thể chính trị - xã hội (R1.7).")
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
    _admission_sync(file, on=date)
    return file


@transaction.atomic
def admission_cell_vote(
    *,
    actor,
    file: AdmissionFile,
    meeting_date: dt.date,
    votes_for: int,
    resolution_number: str = "",
    age_exception: str = "",
    signer_name: str = "",
) -> CellVote:
    """The cell votes (R1.8): 2/3 of all its official members on the meeting date;
    the age is checked on that day (R1.1-R1.2); a third failed vote sends the file up."""
    file = _lock(file)
    _check_step(ADMISSION_STEPS, "cell_vote", file.stage, file.get_stage_display())
    meeting_date = _not_future(meeting_date, "meeting_date")
    _not_before(meeting_date, file.dossier_on, "meeting_date", "ngày hồ sơ đầy đủ")
    last = file.votes.order_by("-meeting_date").first()
    _not_before(meeting_date, last.meeting_date if last else None, "meeting_date", "lần xét trước")
    stale_from = admission_stale_from(file)
    if stale_from and meeting_date >= stale_from:
        raise DomainError(
            f"Hồ sơ đã quá {rules.DOSSIER_STALE_MONTHS.on(meeting_date)} tháng từ ngày "
            f"{(file.renewed_on or file.opened_on):%d/%m/%Y} mà chi bộ chưa xét: phải làm lại "
            "thư giới thiệu, nghị quyết Đoàn / Công đoàn và các bản nhận xét trước khi biểu "
            "quyết (HD 01-HD/TW).",
            field="meeting_date",
            code="stale",
        )
    if message := rules.certificate_error(file.certificate_date, meeting_date):
        raise DomainError(message, field="meeting_date")
    exception = _text(age_exception) or file.age_exception
    if message := rules.admission_age_error(file.candidate.birth_date, meeting_date):
        over = rules.age_in_months(file.candidate.birth_date, meeting_date) > (
            rules.ADMISSION_MAX_AGE_MONTHS.on(meeting_date)
        )
        if not over:
            raise DomainError(message, field="meeting_date")
        if not exception:
            raise DomainError(message, field="age_exception")
    vote = _record_vote(
        file=file,
        cell=file.organization,
        meeting_date=meeting_date,
        votes_for=votes_for,
        actor=actor,
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
    _admission_sync(file, on=meeting_date)
    return vote


@transaction.atomic
def admission_escalation_decide(
    *, actor, file: AdmissionFile, date: dt.date, agreed: bool, note: str
) -> AdmissionFile:
    """After 3 failed votes the higher committee decides whether the file goes on (R1.8)."""
    file = _lock(file)
    _check_step(ADMISSION_STEPS, "escalation", file.stage, file.get_stage_display())
    date = _not_future(date, "date")
    last = file.votes.order_by("-meeting_date").first()
    _not_before(date, last.meeting_date if last else None, "date", "lần biểu quyết cuối")
    if not _text(note):
        raise DomainError("Vui lòng ghi kết luận của cấp ủy cấp trên.", field="note")
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
    _admission_sync(file, on=date)
    return file


@transaction.atomic
def admission_grassroots_resolve(
    *, actor, file: AdmissionFile, date: dt.date, resolution_number: str, agreed: bool = True
) -> AdmissionFile:
    """The grassroots committee's resolution on the cell's proposal."""
    file = _lock(file)
    _check_step(ADMISSION_STEPS, "grassroots", file.stage, file.get_stage_display())
    date = _not_future(date, "date")
    _not_before(date, file.cell_resolution_date, "date", "ngày nghị quyết chi bộ")
    if not _text(resolution_number, 64):
        raise DomainError("Vui lòng nhập số nghị quyết.", field="resolution_number")
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
    _admission_sync(file, on=date)
    return file


@transaction.atomic
def admission_extend(
    *, actor, file: AdmissionFile, date: dt.date, days: int, reason: str
) -> AdmissionFile:
    """A special case: the decision deadline extended by at most 30 working days (R1.9)."""
    file = _lock(file)
    _check_step(ADMISSION_STEPS, "extension", file.stage, file.get_stage_display())
    _extension_check(file, date, days, reason)
    file.extension_days = days
    file.extension_reason = _text(reason)
    file.save()
    _log(file, "extension", date, actor, f"Gia hạn {days} ngày làm việc: {file.extension_reason}")
    _admission_sync(file, on=date)
    return file


def _extension_check(file, date, days, reason) -> None:
    date = _not_future(date, "date")
    if message := rules.extension_error(days, date):
        raise DomainError(message, field="days")
    if days <= file.extension_days:
        raise DomainError("Số ngày gia hạn phải lớn hơn lần gia hạn trước.", field="days")
    if not _text(reason):
        raise DomainError("Vui lòng ghi lý do gia hạn.", field="reason")


@transaction.atomic
def admission_decide(
    *,
    actor,
    file: AdmissionFile,
    decision_date: dt.date,
    decision_number: str,
    decided_by: str,
    received_on: dt.date | None = None,
    readmission_approval: str = "",
    signer_name: str = "",
) -> AdmissionFile:
    """The competent committee's admission decision, within 60 working days of the cell
    resolution (+ the recorded extension, at most 30), R1.9. Party age will count from it."""
    file = _lock(file)
    _check_step(ADMISSION_STEPS, "decision", file.stage, file.get_stage_display())
    decision_date = _not_future(decision_date, "decision_date")
    _not_before(
        decision_date, file.grassroots_resolution_date, "decision_date", "nghị quyết đảng ủy cơ sở"
    )
    deadline = admission_decision_deadline(file)
    if deadline and decision_date > deadline:
        raise DomainError(
            f"Quá thời hạn quyết định kết nạp: hạn là {deadline:%d/%m/%Y} "
            f"({rules.ADMISSION_DECISION_WORKING_DAYS.on(decision_date)} ngày làm việc từ nghị "
            f"quyết chi bộ{f', đã gia hạn {file.extension_days} ngày' if file.extension_days else ''}"
            "). Cần gia hạn (tối đa 30 ngày làm việc) có lý do, hoặc cấp ủy phải kiểm điểm "
            "trước cấp trên (QĐ 294-QĐ/TW).",
            field="decision_date",
            code="late",
        )
    decided_by = _text(decided_by) or f"Ban Thường vụ {_competent_of(file.organization).name}"
    received_on = received_on or decision_date
    _not_before(received_on, decision_date, "received_on", "ngày quyết định")
    _not_future(received_on, "received_on")
    approval = _text(readmission_approval) or file.readmission_approval
    if file.kind == FileKind.READMISSION and not approval:
        raise DomainError(
            "Kết nạp lại cần văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy trước khi "
            "quyết định (QĐ 294-QĐ/TW điểm 3.5.1).",
            field="readmission_approval",
        )
    file.decision_date = decision_date
    file.decision_number = _text(decision_number, 64)
    file.decided_by = decided_by
    file.decision_received_on = received_on
    if not file.decision_number:  # left blank: the register numbers the paper
        name = file.candidate.full_name
        what = "Kết nạp lại" if file.kind == FileKind.READMISSION else "Kết nạp"
        paper = _issue_decision(
            actor=actor,
            file=file,
            cell=file.organization,
            date=decision_date,
            summary=f"{what} đảng viên: {name}",
            articles=[
                f"{what} {name}, sinh ngày {file.candidate.birth_date:%d/%m/%Y}, vào Đảng Cộng "
                f"sản Việt Nam; sinh hoạt tại {file.organization.name}.",
                "Thời gian dự bị 12 tháng, kể từ ngày chi bộ tổ chức lễ kết nạp.",
                f"{file.organization.name} và đảng viên có tên tại Điều 1 thi hành quyết định này.",
            ],
            signer_name=_text(signer_name),
        )
        file.decision_number = paper.symbol
    file.readmission_approval = approval
    file.stage = Stage.DECIDED
    file.save()
    _log(file, "decision", decision_date, actor, f"Quyết định kết nạp số {file.decision_number}")
    _admission_sync(file, on=decision_date)
    return file


@transaction.atomic
def admission_ceremony(
    *, actor, file: AdmissionFile, date: dt.date, late_consent: str = ""
) -> Member:
    """The admission ceremony (R1.11): within 30 working days of receiving the decision,
    later only with the recorded consent of the committee above. The candidate becomes
    a probationary member (joining date = the ceremony) and the recognition file opens."""
    file = _lock(file)
    _check_step(ADMISSION_STEPS, "ceremony", file.stage, file.get_stage_display())
    date = _not_future(date, "date")
    _not_before(date, file.decision_received_on, "date", "ngày nhận quyết định")
    deadline = admission_ceremony_deadline(file)
    consent = _text(late_consent)
    if deadline and date > deadline and not consent:
        raise DomainError(
            f"Quá hạn tổ chức lễ kết nạp ({deadline:%d/%m/%Y}, 30 ngày làm việc từ khi nhận "
            "quyết định): cần ghi văn bản đồng ý của cấp ủy cấp trên (QĐ 294-QĐ/TW điểm 4.1).",
            field="late_consent",
        )
    candidate = file.candidate
    if file.kind == FileKind.READMISSION:
        member = candidate.former_member
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
            raise DomainError(messages[0], field="date" if "date" in field else field) from None
    file.ceremony_date = date
    file.ceremony_late_consent = consent
    file.member = member
    file.stage = Stage.ADMITTED
    file.closed_on = date
    file.save()
    _log(file, "ceremony", date, actor)
    _admission_sync(file, on=date)
    _recognition_create(actor=actor, member=member, start=date, on=date, admission=file)
    return member


@transaction.atomic
def admission_close(*, actor, file: AdmissionFile, date: dt.date, reason: str) -> AdmissionFile:
    """Close an open file without admission (withdrawn, no longer qualified...)."""
    file = _lock(file)
    _check_step(ADMISSION_STEPS, "close", file.stage, file.get_stage_display())
    date = _not_future(date, "date")
    if not _text(reason):
        raise DomainError("Vui lòng ghi lý do đóng hồ sơ.", field="reason")
    file.stage = Stage.REFUSED
    file.closed_on = date
    file.closed_reason = _text(reason)
    file.save()
    _log(file, "close", date, actor, f"Đóng hồ sơ: {file.closed_reason}")
    _admission_sync(file, on=date)
    return file


# --- recognition as official member ------------------------------------------------


def recognition_decision_deadline(file: RecognitionFile) -> dt.date | None:
    if not file.cell_resolution_date:
        return None
    return rules.recognition_decision_deadline(file.cell_resolution_date, file.extension_days)


def recognition_next(file: RecognitionFile) -> tuple[str, str, str, dt.date | None] | None:
    cell = file.organization
    rounds = file.votes.count() if file.pk else 0
    match file.stage:
        case RecognitionStage.OPENED:
            return (
                "cell_vote",
                f"Chi bộ xét công nhận đảng viên chính thức (lần {rounds + 1})",
                f"Chi bộ {cell.name}",
                rules.recognition_consider_deadline(file.probation_end),
            )
        case RecognitionStage.ESCALATED:
            return ("escalation", STEP_LABELS["escalation"], (cell.parent or cell).name, None)
        case RecognitionStage.CELL_AGREED:
            return (
                "grassroots",
                STEP_LABELS["grassroots"],
                _grassroots_of(cell).name,
                recognition_decision_deadline(file),
            )
        case RecognitionStage.GRASSROOTS_AGREED:
            label = (
                "Cấp ủy có thẩm quyền quyết định công nhận đảng viên chính thức"
                if file.proposal == Proposal.RECOGNISE
                else "Cấp ủy có thẩm quyền quyết định xóa tên"
            )
            return (
                "decision",
                label,
                f"Cấp ủy có thẩm quyền ({_competent_of(cell).name})",
                recognition_decision_deadline(file),
            )
    return None


def _recognition_sync(file: RecognitionFile, *, on: dt.date) -> None:
    nxt = recognition_next(file)
    step, label, who, due = nxt or (file.stage, file.get_stage_display(), "", None)
    case_sync(
        file,
        kind=CaseKind.RECOGNITION,
        organization=file.organization,
        subject=file.member.full_name,
        step=step,
        step_label=label,
        actor=who,
        due_date=due,
        url=reverse("recognition_detail", args=[file.pk]),
        member=file.member,
        closed_on=None if nxt else (file.closed_on or on),
        today=on,
    )


def probation_start_of(member: Member) -> dt.date | None:
    """The latest (re)admission ceremony: probation runs 12 months from it (R1.14)."""
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
    _log(file, "recognition_open", on, actor)
    _recognition_sync(file, on=on)
    return file


def _recognition_open_error(member: Member, start: dt.date | None, on: dt.date) -> str | None:
    if member.status != Status.PROBATIONARY or start is None:
        return "Chỉ mở hồ sơ công nhận chính thức cho đảng viên dự bị."
    end = rules.probation_end(start)
    earliest = end - dt.timedelta(days=rules.RECOGNITION_OPEN_DAYS_AHEAD.on(on))
    if on < earliest:
        return (
            f"Chưa đến thời điểm xét: hết dự bị ngày {end:%d/%m/%Y}; hồ sơ mở sớm nhất từ "
            f"{earliest:%d/%m/%Y} (Điều lệ Đảng Điều 5)."
        )
    return None


@transaction.atomic
def recognition_open(*, actor, member: Member, on: dt.date) -> RecognitionFile:
    """Open the recognition file of a probationary member (e.g. imported or seeded)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    start = probation_start_of(member)
    if message := _recognition_open_error(member, start, on):
        raise DomainError(message, field="member")
    if RecognitionFile.objects.filter(member=member, probation_start=start).exists():
        raise DomainError("Đảng viên này đã có hồ sơ công nhận chính thức.", field="member")
    return _recognition_create(actor=actor, member=member, start=start, on=on)


@transaction.atomic
def recognition_open_due(
    *, actor, on: dt.date, organization: Organization | None = None, batch: int = 2000
) -> int:
    """Open a recognition file for every probationary member (under `organization`)
    whose probation ends within 30 days of `on` and who has none. Idempotent."""
    ahead = rules.RECOGNITION_OPEN_DAYS_AHEAD.on(on)
    horizon = on + dt.timedelta(days=ahead)
    # probation_end(start) <= horizon  =>  start <= horizon - 12 months (+ month-end slack)
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
    content_type = ContentType.objects.get_for_model(RecognitionFile)
    logs, cases = [], []
    for file in files:
        step, label, who, due = recognition_next(file)  # type: ignore[misc]
        logs.append(
            StepLog(
                recognition=file,
                step="recognition_open",
                label=STEP_LABELS["recognition_open"],
                date=on,
                actor=actor if getattr(actor, "pk", None) else None,
            )
        )
        cases.append(
            Case(
                kind=CaseKind.RECOGNITION,
                content_type=content_type,
                object_id=file.pk,
                slot="",
                subject=file.member.full_name[:160],
                member=file.member,
                organization=file.organization,
                org_path=file.org_path,
                step=step,
                step_label=label[:255],
                actor=who[:120],
                due_date=due,
                url=reverse("recognition_detail", args=[file.pk]),
                opened_on=on,
            )
        )
    StepLog.objects.bulk_create(logs, batch_size=batch)
    Case.objects.bulk_create(cases, batch_size=batch)


def _lock_recognition(file: RecognitionFile) -> RecognitionFile:
    return (
        RecognitionFile.objects.select_for_update()
        .select_related("member", "organization")
        .get(pk=file.pk)
    )


@transaction.atomic
def recognition_cell_vote(
    *,
    actor,
    file: RecognitionFile,
    meeting_date: dt.date,
    votes_for: int,
    proposal: str = Proposal.RECOGNISE,
    resolution_number: str = "",
    signer_name: str = "",
) -> CellVote:
    """The cell considers recognition once probation has ended (R1.13): 2/3 of all its
    official members agree to recognise, or to propose name deletion (R1.8)."""
    file = _lock_recognition(file)
    _check_step(RECOGNITION_STEPS, "cell_vote", file.stage, file.get_stage_display())
    meeting_date = _not_future(meeting_date, "meeting_date")
    if proposal not in Proposal.values:
        raise DomainError("Vui lòng chọn nội dung đề nghị.", field="proposal")
    if meeting_date < file.probation_end:
        raise DomainError(
            f"Chưa hết thời gian dự bị 12 tháng (hết ngày {file.probation_end:%d/%m/%Y}); chi bộ "
            "chỉ xét công nhận chính thức sau đó (Điều lệ Đảng Điều 5).",
            field="meeting_date",
        )
    last = file.votes.order_by("-meeting_date").first()
    _not_before(meeting_date, last.meeting_date if last else None, "meeting_date", "lần xét trước")
    member = file.member
    if member.status != Status.PROBATIONARY:
        raise DomainError("Đảng viên không còn là đảng viên dự bị.", field="meeting_date")
    vote = _record_vote(
        file=file,
        cell=member.organization,
        meeting_date=meeting_date,
        votes_for=votes_for,
        proposal=proposal,
        actor=actor,
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
                    f"đảng viên dự bị {name}, hết 12 tháng dự bị ngày "
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
    _recognition_sync(file, on=meeting_date)
    return vote


@transaction.atomic
def recognition_escalation_decide(
    *, actor, file: RecognitionFile, date: dt.date, proposal: str, note: str
) -> RecognitionFile:
    """After 3 failed votes the higher committee concludes: recognise or delete (R1.8)."""
    file = _lock_recognition(file)
    _check_step(RECOGNITION_STEPS, "escalation", file.stage, file.get_stage_display())
    date = _not_future(date, "date")
    if proposal not in Proposal.values:
        raise DomainError("Vui lòng chọn kết luận.", field="proposal")
    if not _text(note):
        raise DomainError("Vui lòng ghi kết luận của cấp ủy cấp trên.", field="note")
    file.escalation_date = date
    file.escalation_note = _text(note)
    file.proposal = proposal
    file.cell_resolution_date = date
    file.stage = RecognitionStage.CELL_AGREED
    file.save()
    _log(file, "escalation", date, actor, f"Cấp ủy cấp trên kết luận: {file.escalation_note}")
    _recognition_sync(file, on=date)
    return file


@transaction.atomic
def recognition_grassroots_resolve(
    *, actor, file: RecognitionFile, date: dt.date, resolution_number: str
) -> RecognitionFile:
    file = _lock_recognition(file)
    _check_step(RECOGNITION_STEPS, "grassroots", file.stage, file.get_stage_display())
    date = _not_future(date, "date")
    _not_before(date, file.cell_resolution_date, "date", "ngày nghị quyết chi bộ")
    if not _text(resolution_number, 64):
        raise DomainError("Vui lòng nhập số nghị quyết.", field="resolution_number")
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
    _recognition_sync(file, on=date)
    return file


@transaction.atomic
def recognition_extend(
    *, actor, file: RecognitionFile, date: dt.date, days: int, reason: str
) -> RecognitionFile:
    file = _lock_recognition(file)
    _check_step(RECOGNITION_STEPS, "extension", file.stage, file.get_stage_display())
    _extension_check(file, date, days, reason)
    file.extension_days = days
    file.extension_reason = _text(reason)
    file.save()
    _log(file, "extension", date, actor, f"Gia hạn {days} ngày làm việc: {file.extension_reason}")
    _recognition_sync(file, on=date)
    return file


@transaction.atomic
def recognition_decide(
    *,
    actor,
    file: RecognitionFile,
    decision_date: dt.date,
    decision_number: str,
    decided_by: str,
    deletion_reason: str = "",
    signer_name: str = "",
) -> RecognitionFile:
    """The decision, within 30 working days of the cell resolution (R1.9). Recognised
    as official from the exact day probation ended (R1.14), or the name deleted (R1.13)."""
    file = _lock_recognition(file)
    _check_step(RECOGNITION_STEPS, "decision", file.stage, file.get_stage_display())
    decision_date = _not_future(decision_date, "decision_date")
    _not_before(
        decision_date, file.grassroots_resolution_date, "decision_date", "nghị quyết đảng ủy cơ sở"
    )
    deadline = recognition_decision_deadline(file)
    if deadline and decision_date > deadline:
        raise DomainError(
            f"Quá thời hạn quyết định: hạn là {deadline:%d/%m/%Y} "
            f"({rules.RECOGNITION_DECISION_WORKING_DAYS.on(decision_date)} ngày làm việc từ nghị "
            "quyết chi bộ). Cần gia hạn (tối đa 30 ngày làm việc) có lý do (QĐ 294-QĐ/TW).",
            field="decision_date",
            code="late",
        )
    deleting = file.proposal == Proposal.DELETE
    if deleting and not _text(deletion_reason):
        raise DomainError("Vui lòng ghi lý do xóa tên.", field="deletion_reason")
    decided_by = _text(decided_by) or f"Ban Thường vụ {_competent_of(file.organization).name}"
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
    _recognition_sync(file, on=decision_date)
    return file


def last_vote_round(file) -> int:
    return file.votes.aggregate(m=Max("round"))["m"] or 0
