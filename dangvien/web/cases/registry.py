"""Words and links for open cases: the domain stores step codes and acting
bodies; this registry turns them into what the pages show."""

from __future__ import annotations

from django.urls import reverse

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, step_label

# The page where each workflow's steps are taken, by case kind.
DETAIL_URL = {
    CaseKind.ADMISSION: "admission_detail",
    CaseKind.RECOGNITION: "recognition_detail",
    CaseKind.TRANSFER: "transfer_detail",
    CaseKind.EXEMPTION: "exemption_detail",
    CaseKind.WORKING_AWAY: "working_away_detail",
    CaseKind.RESIDENCE: "residence_detail",
    CaseKind.REMOVAL: "removal_detail",
    CaseKind.MEETING: "meeting_detail",
    CaseKind.FEEDBACK: "feedback_detail",
    CaseKind.INSPECTION: "inspection_detail",
    CaseKind.DISCIPLINE: "discipline_detail",
    CaseKind.DUES_ARREARS: "dues_notice",
    CaseKind.BADGE: "badge_award",
}

# Workflows over several kinds of record (grading: a member's review, a cell's
# proposal, a committee's decision, an organisation's grading) link each step
# to the page of its record.
STEP_URL = {
    (CaseKind.GRADING, "self_review"): "grading_review",
    (CaseKind.GRADING, "self_review_edit"): "grading_review",
    (CaseKind.GRADING, "propose"): "grading_proposal",
    (CaseKind.GRADING, "decide"): "grading_decision",
    (CaseKind.GRADING, "announce"): "grading_decision",
    (CaseKind.GRADING, "org_self"): "grading_organization",
    (CaseKind.GRADING, "org_decide"): "grading_organization",
    (CaseKind.BADGE, "submit"): "badge_round",
    # The discipline of a party organisation runs on the discipline table.
    (CaseKind.DISCIPLINE, "org_vote"): "org_discipline_detail",
    (CaseKind.DISCIPLINE, "org_decide"): "org_discipline_detail",
    (CaseKind.DISCIPLINE, "org_announce"): "org_discipline_detail",
    (CaseKind.DISCIPLINE, "org_dissolve"): "org_discipline_detail",
}

_COMMITTEE_OF = (
    ("Đảng bộ tỉnh ", "Tỉnh ủy "),
    ("Đảng bộ thành phố ", "Thành ủy "),
    ("Đảng bộ ", "Đảng ủy "),
)


def committee_name(name: str) -> str:
    """The committee that leads an organisation: "Đảng bộ tỉnh Hà Tĩnh" → "Tỉnh ủy
    Hà Tĩnh", "Đảng bộ Sở Y tế" → "Đảng ủy Sở Y tế"; a cell is named as it is."""
    for prefix, committee in _COMMITTEE_OF:
        if name.startswith(prefix):
            return committee + name[len(prefix) :]
    return name


def acting_label(body: str, organization_name: str | None, subject: str = "") -> str:
    """Who must act, in words: "Chi bộ Văn phòng", "Ban Thường vụ Đảng ủy Sở Y tế",
    "Ban Tổ chức Tỉnh ủy Hà Tĩnh", "Đảng viên Nguyễn Văn A"."""
    name = organization_name or ""
    match body:
        case Body.MEMBER:
            return f"Đảng viên {subject}".strip()
        case Body.CELL:
            return name
        case Body.GRASSROOTS | Body.SUPERIOR:
            return committee_name(name)
        case Body.GRASSROOTS_STANDING:
            return f"Ban Thường vụ {committee_name(name)}".strip()
        case Body.ORGANISATION_BOARD:
            return f"Ban Tổ chức {committee_name(name)}".strip()
        case Body.INSPECTION:
            return f"Ủy ban Kiểm tra {committee_name(name)}".strip()
    return name or "Ngoài hệ thống"


def case_step_label(kind: str, step: str, detail: str = "") -> str:
    label = step_label(kind, step) or step
    return f"{label} ({detail})" if detail else label


def case_url(kind: str, object_id: int, step: str = "") -> str:
    name = STEP_URL.get((CaseKind(kind), step)) or DETAIL_URL[CaseKind(kind)]
    return reverse(name, args=[object_id])


def case_display(row) -> dict:
    """A CaseRow as the page and the API show it: label, who acts, link."""
    return {
        "step_label": case_step_label(row.kind, row.step, row.detail),
        "actor": acting_label(row.acting_body, row.acting_organization_name, row.subject),
        "url": case_url(row.kind, row.object_id, row.step),
    }
