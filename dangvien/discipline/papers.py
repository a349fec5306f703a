"""The discipline decision (QĐ, HD 36-HD/VPTW party format), issued through
`documents.document_issue` by the deciding body and signed for it: "T/M CHI
BỘ" / "T/M ĐẢNG ỦY" / "T/M BAN THƯỜNG VỤ" by the secretary, or "T/M ỦY BAN
KIỂM TRA" (documents.signing fills the title and name from the posts held).
Called from `services` inside their transactions.
"""

from __future__ import annotations

from dangvien.compliance.workflow import Body
from dangvien.core.actors import Actor
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.services import document_issue
from dangvien.organizations.posts import committee_name, default_capacity

from .models import Discipline, Sanction

CAPACITY: dict[str, str] = {
    Body.GRASSROOTS_STANDING: "T/M BAN THƯỜNG VỤ",
    Body.INSPECTION: "T/M ỦY BAN KIỂM TRA",
}


def authority_name(discipline: Discipline) -> str:
    """The deciding body by name ("Ủy ban Kiểm tra Đảng ủy xã ...", "Chi bộ ...")."""
    name = committee_name(discipline.authority)
    if discipline.authority_body == Body.INSPECTION:
        return f"Ủy ban Kiểm tra {name}"
    if discipline.authority_body == Body.GRASSROOTS_STANDING:
        return f"Ban Thường vụ {name}"
    return name


def decision_context(discipline: Discipline) -> dict:
    member = discipline.member
    violation = discipline.violation
    form = discipline.get_form_display().lower()
    what = form
    if discipline.form == Sanction.DISMISSAL and discipline.post is not None:
        what = f"cách chức {discipline.post.title}"
    vote = ""
    if discipline.entitled:
        vote = (
            f"Xét kết quả biểu quyết ngày {discipline.voted_on:%d/%m/%Y}: "
            f"{discipline.votes_for}/{discipline.entitled} đồng chí có quyền biểu quyết tán thành;"
        )
    capacity = CAPACITY.get(discipline.authority_body, default_capacity(discipline.authority))
    return {
        "authority": authority_name(discipline).upper(),
        "bases": [
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
            "Căn cứ Quy định số 69-QĐ/TW ngày 06/7/2022 của Bộ Chính trị về kỷ luật tổ chức "
            "đảng, đảng viên vi phạm;",
            f"Xét vi phạm của đồng chí {member.full_name}: {violation.get_kind_display()} "
            f"({violation.description});",
            *([vote] if vote else []),
        ],
        "articles": [
            f"Thi hành kỷ luật bằng hình thức {what.upper()} đối với đồng chí "
            f"{member.full_name}, sinh ngày {member.birth_date:%d/%m/%Y}, đảng viên "
            f"{member.organization.name}.",
            "Quyết định có hiệu lực từ ngày công bố. "
            + (
                "Sau 12 tháng kể từ ngày công bố, nếu không khiếu nại, không tái phạm hoặc "
                "không có vi phạm đến mức phải xử lý kỷ luật thì quyết định này đương nhiên "
                "chấm dứt hiệu lực."
                if discipline.form != Sanction.EXPULSION
                else "Đồng chí bị đưa ra khỏi Đảng kể từ ngày quyết định."
            ),
            f"{member.organization.name} và đồng chí {member.full_name} chịu trách nhiệm thi "
            "hành quyết định này.",
        ],
        "signer_capacity": capacity,
        "recipients": [f"{member.organization.name};", "Như Điều 3;", "Lưu hồ sơ."],
    }


def issue_decision(actor: Actor, discipline: Discipline) -> IssuedDocument:
    """Issue the decision dated `discipline.decision_date` by the deciding body."""
    assert discipline.decision_date is not None
    return document_issue(
        actor=actor,
        organization=discipline.authority,
        kind=DocumentKind.DECISION,
        date=discipline.decision_date,
        summary=(
            f"thi hành kỷ luật ({discipline.get_form_display().lower()}) đối với đảng viên "
            f"{discipline.member.full_name}"
        ),
        context=decision_context(discipline),
        concerns_path=discipline.org_path,
        subject=discipline,
    )
