"""The admission and recognition workflows as tables (compliance.workflow).

Each step: the stages it starts from and the stage it leads to, the acting
body and its organisation for a file, the due rule (rules.py) and the paper it
issues. Services ask `ADMISSION.require(file, code, actor)` before writing and
`ADMISSION.sync_case(file, on=day, detail=...)` after; pages and the API offer
`ADMISSION.open_steps(file, user)`.

Acting organisations (regulations.md section 1):
- the cell (chi bộ) completes the dossier, votes and holds the ceremony;
- the committee directly above the cell concludes after three failed votes;
- the grassroots committee (đảng ủy cơ sở) resolves on the cell's proposal;
- the competent committee (R1.10: the one directly above the grassroots
  organisation) extends the deadline and decides.
"""

from __future__ import annotations

import datetime as dt

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, Step, Workflow
from dangvien.documents.models import DocumentKind
from dangvien.organizations.models import Level, Organization

from . import rules
from .models import AdmissionFile, RecognitionFile, RecognitionStage, Stage

# --- acting organisations --------------------------------------------------------


def grassroots_of(cell: Organization) -> Organization:
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


def competent_of(cell: Organization) -> Organization:
    """R1.10: the committee that decides admission and recognition: the one directly
    above the grassroots organisation (a delegated grassroots committee is recorded
    through `decided_by`)."""
    grassroots = grassroots_of(cell)
    if (
        grassroots.level in (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)
        and grassroots.parent
    ):
        return grassroots.parent
    return grassroots


def above_of(cell: Organization) -> Organization:
    """The committee directly above the cell (concludes after three failed votes, R1.8)."""
    return cell.parent or cell


def _cell(file) -> Organization:
    return file.organization


# --- due dates (days, working days and months from rules.py) ---------------------


def admission_stale_from(file: AdmissionFile) -> dt.date | None:
    """R1.6: the first day the file is stale (DOSSIER_STALE_MONTHS after opening or
    renewal), while the cell has not yet voted; None once it has or after the vote."""
    if file.stage not in (Stage.OPENED, Stage.DOSSIER_COMPLETE):
        return None
    if file.pk and file.votes.exists():
        return None
    return rules.dossier_stale_from(file.renewed_on or file.opened_on)


def admission_decision_deadline(file: AdmissionFile) -> dt.date | None:
    """R1.9: ADMISSION_DECISION_WORKING_DAYS working days from the cell resolution,
    plus the recorded extension (working days); None before the resolution."""
    if not file.cell_resolution_date:
        return None
    return rules.admission_decision_deadline(file.cell_resolution_date, file.extension_days)


def admission_ceremony_deadline(file: AdmissionFile) -> dt.date | None:
    """R1.11: CEREMONY_WORKING_DAYS working days from receiving the decision."""
    if not file.decision_received_on:
        return None
    return rules.ceremony_deadline(file.decision_received_on)


def recognition_decision_deadline(file: RecognitionFile) -> dt.date | None:
    """R1.9: RECOGNITION_DECISION_WORKING_DAYS working days from the cell resolution,
    plus the extension; None before the resolution."""
    if not file.cell_resolution_date:
        return None
    return rules.recognition_decision_deadline(file.cell_resolution_date, file.extension_days)


def recognition_consider_deadline(file: RecognitionFile) -> dt.date:
    """R1.13: the cell considers within RECOGNITION_CONSIDER_WORKING_DAYS after probation."""
    return rules.recognition_consider_deadline(file.probation_end)


def _stale_now(file: AdmissionFile) -> bool:
    stale_from = admission_stale_from(file)
    return stale_from is not None and dt.date.today() >= stale_from


# --- the tables ------------------------------------------------------------------

_ADMISSION_OPEN = (
    Stage.OPENED,
    Stage.DOSSIER_COMPLETE,
    Stage.CELL_AGREED,
    Stage.ESCALATED,
    Stage.GRASSROOTS_AGREED,
    Stage.DECIDED,
)

ADMISSION = Workflow(
    kind=CaseKind.ADMISSION,
    state_of=lambda f: f.stage,
    state_label=lambda f: f.get_stage_display(),
    where=_cell,
    subject=lambda f: f.candidate.full_name,
    member=lambda f: f.member,
    steps=(
        Step(
            "dossier",
            "Hoàn thiện hồ sơ (lý lịch, người giới thiệu, nhận xét)",
            (Stage.OPENED,),
            Stage.DOSSIER_COMPLETE,
            Body.CELL,
            _cell,
            due=admission_stale_from,
        ),
        Step(
            "cell_vote",
            "Chi bộ họp xét, biểu quyết",
            (Stage.DOSSIER_COMPLETE,),
            None,  # CELL_AGREED when it passes, ESCALATED after the last failed vote
            Body.CELL,
            _cell,
            due=admission_stale_from,
            paper=DocumentKind.RESOLUTION,
        ),
        Step(
            "renew",
            "Làm lại hồ sơ quá hạn",
            (Stage.DOSSIER_COMPLETE,),
            Stage.DOSSIER_COMPLETE,
            Body.CELL,
            _cell,
            awaited=False,
            when=_stale_now,
        ),
        Step(
            "escalation",
            "Cấp ủy cấp trên xem xét, kết luận",
            (Stage.ESCALATED,),
            None,  # CELL_AGREED or REFUSED
            Body.SUPERIOR,
            lambda f: above_of(f.organization),
        ),
        Step(
            "grassroots",
            "Đảng ủy cơ sở xét, ra nghị quyết",
            (Stage.CELL_AGREED,),
            Stage.GRASSROOTS_AGREED,
            Body.GRASSROOTS,
            lambda f: grassroots_of(f.organization),
            due=admission_decision_deadline,
        ),
        Step(
            "extension",
            "Gia hạn thời hạn quyết định",
            (Stage.CELL_AGREED, Stage.GRASSROOTS_AGREED),
            None,
            Body.SUPERIOR,
            lambda f: competent_of(f.organization),
            awaited=False,
        ),
        Step(
            "decision",
            "Cấp ủy có thẩm quyền ra quyết định kết nạp",
            (Stage.GRASSROOTS_AGREED,),
            Stage.DECIDED,
            Body.SUPERIOR,
            lambda f: competent_of(f.organization),
            due=admission_decision_deadline,
            paper=DocumentKind.DECISION,
        ),
        Step(
            "ceremony",
            "Tổ chức lễ kết nạp",
            (Stage.DECIDED,),
            Stage.ADMITTED,
            Body.CELL,
            _cell,
            due=admission_ceremony_deadline,
        ),
        Step(
            "close",
            "Đóng hồ sơ",
            _ADMISSION_OPEN,
            Stage.REFUSED,
            Body.CELL,
            _cell,
            awaited=False,
        ),
    ),
)

RECOGNITION = Workflow(
    kind=CaseKind.RECOGNITION,
    state_of=lambda f: f.stage,
    state_label=lambda f: f.get_stage_display(),
    where=_cell,
    subject=lambda f: f.member.full_name,
    member=lambda f: f.member,
    steps=(
        Step(
            "cell_vote",
            "Chi bộ xét công nhận đảng viên chính thức",
            (RecognitionStage.OPENED,),
            None,  # CELL_AGREED when it passes, ESCALATED after the last failed vote
            Body.CELL,
            _cell,
            due=recognition_consider_deadline,
            paper=DocumentKind.RESOLUTION,
        ),
        Step(
            "escalation",
            "Cấp ủy cấp trên xem xét, kết luận",
            (RecognitionStage.ESCALATED,),
            RecognitionStage.CELL_AGREED,
            Body.SUPERIOR,
            lambda f: above_of(f.organization),
        ),
        Step(
            "grassroots",
            "Đảng ủy cơ sở xét, ra nghị quyết",
            (RecognitionStage.CELL_AGREED,),
            RecognitionStage.GRASSROOTS_AGREED,
            Body.GRASSROOTS,
            lambda f: grassroots_of(f.organization),
            due=recognition_decision_deadline,
        ),
        Step(
            "extension",
            "Gia hạn thời hạn quyết định",
            (RecognitionStage.CELL_AGREED, RecognitionStage.GRASSROOTS_AGREED),
            None,
            Body.SUPERIOR,
            lambda f: competent_of(f.organization),
            awaited=False,
        ),
        Step(
            "decision",
            "Cấp ủy có thẩm quyền quyết định công nhận chính thức hoặc xóa tên",
            (RecognitionStage.GRASSROOTS_AGREED,),
            None,  # RECOGNISED or NAME_DELETED, by the proposal
            Body.SUPERIOR,
            lambda f: competent_of(f.organization),
            due=recognition_decision_deadline,
            paper=DocumentKind.DECISION,
        ),
    ),
)

# What the step log calls the steps that are not in a table (opening a file).
OPEN_LABEL = "Mở hồ sơ kết nạp"
RECOGNITION_OPEN_LABEL = "Mở hồ sơ công nhận đảng viên chính thức"


def admission_detail(file: AdmissionFile) -> str:
    """The open case's detail: the round of the cell's next vote ("lần 2")."""
    if file.stage == Stage.DOSSIER_COMPLETE:
        return f"lần {file.votes.count() + 1}"
    return ""


def recognition_detail(file: RecognitionFile) -> str:
    """The round of the next vote, or what the decision is about."""
    if file.stage == RecognitionStage.OPENED:
        return f"lần {file.votes.count() + 1}" if file.pk else "lần 1"
    if file.stage == RecognitionStage.GRASSROOTS_AGREED and file.proposal == "delete":
        return "xóa tên"
    return ""
