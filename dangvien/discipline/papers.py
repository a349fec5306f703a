"""The discipline decisions (QĐ, HD 36-HD/VPTW party format): a member's, a party
organisation's, and the restoration of the wrongly disciplined (QĐ 117), issued through
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

from .models import Discipline, OrgDiscipline, OrgSanction, Sanction

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


def restoration_context(discipline: Discipline, *, membership: bool) -> dict:
    """The QĐ 117 restoration decision: the wrong discipline named, the rights
    given back (for an expulsion, the membership with a continuous party age)."""
    member = discipline.member
    decided = (
        f"số {discipline.decision_number} ngày {discipline.decision_date:%d/%m/%Y}"
        if discipline.decision_date
        else f"số {discipline.decision_number}"
    )
    articles = [
        f"Xác định quyết định kỷ luật {discipline.get_form_display().lower()} {decided} của "
        f"{authority_name(discipline)} đối với đồng chí {member.full_name}, sinh ngày "
        f"{member.birth_date:%d/%m/%Y}, là kỷ luật oan; xin lỗi đồng chí và phục hồi quyền lợi: "
        f"{discipline.restoration_note}.",
    ]
    if membership:
        articles.append(
            f"Phục hồi đảng tịch cho đồng chí {member.full_name}, sinh hoạt tại "
            f"{member.organization.name}; tuổi đảng được tính liên tục (không tính là thời gian "
            "gián đoạn); đồng chí có trách nhiệm đóng đảng phí cho thời gian bị khai trừ."
        )
    articles.append(
        f"{member.organization.name} và đồng chí {member.full_name} chịu trách nhiệm thi hành "
        "quyết định này."
    )
    return {
        "authority": f"ỦY BAN KIỂM TRA {committee_name(discipline.authority).upper()}",
        "bases": [
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
            "Căn cứ Quy định số 117-QĐ/TW ngày 18/8/2023 của Bộ Chính trị về xin lỗi và phục hồi "
            "quyền lợi của tổ chức đảng, đảng viên bị kỷ luật oan;",
            f"Căn cứ {discipline.restoration_decision};",
        ],
        "articles": articles,
        "signer_capacity": CAPACITY[Body.INSPECTION],
        "recipients": [f"{member.organization.name};", "Như Điều 3;", "Lưu hồ sơ."],
    }


def issue_restoration(actor: Actor, discipline: Discipline, *, membership: bool) -> IssuedDocument:
    """Issue the restoration decision (QĐ 117-QĐ/TW, R7.8) dated
    `discipline.restored_on`, by the deciding organisation's inspection
    committee, attached to the discipline (a sensitive paper)."""
    assert discipline.restored_on is not None
    what = "phục hồi đảng tịch" if membership else "phục hồi quyền lợi"
    return document_issue(
        actor=actor,
        organization=discipline.authority,
        kind=DocumentKind.DECISION,
        date=discipline.restored_on,
        summary=f"{what} đối với đảng viên {discipline.member.full_name} bị kỷ luật oan",
        context=restoration_context(discipline, membership=membership),
        concerns_path=discipline.org_path,
        subject=discipline,
    )


def org_authority_name(discipline: OrgDiscipline) -> str:
    name = committee_name(discipline.authority)
    if discipline.authority_body == Body.INSPECTION:
        return f"Ủy ban Kiểm tra {name}"
    if discipline.authority_body == Body.GRASSROOTS_STANDING:
        return f"Ban Thường vụ {name}"
    return name


def org_decision_context(discipline: OrgDiscipline) -> dict:
    target = discipline.organization
    form = discipline.get_form_display()
    vote = ""
    if discipline.entitled:
        vote = (
            f"Xét kết quả biểu quyết ngày {discipline.voted_on:%d/%m/%Y}: "
            f"{discipline.votes_for}/{discipline.entitled} thành viên tán thành;"
        )
    effect = "Quyết định có hiệu lực từ ngày công bố."
    if discipline.form == OrgSanction.DISSOLUTION:
        effect += (
            f" Các đảng viên của {target.name} được chuyển sinh hoạt đến tổ chức đảng khác trước "
            "khi giải tán."
        )
    capacity = CAPACITY.get(discipline.authority_body, default_capacity(discipline.authority))
    return {
        "authority": org_authority_name(discipline).upper(),
        "bases": [
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
            "Căn cứ Quy định số 69-QĐ/TW ngày 06/7/2022 của Bộ Chính trị về kỷ luật tổ chức "
            "đảng, đảng viên vi phạm;",
            f"Xét vi phạm của {target.name}: {discipline.get_violation_kind_display()} "
            f"({discipline.description});",
            *([vote] if vote else []),
        ],
        "articles": [
            f"Thi hành kỷ luật bằng hình thức {form.upper()} đối với {target.name}.",
            effect,
            f"{target.name} và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành "
            "quyết định này.",
        ],
        "signer_capacity": capacity,
        "recipients": [f"{target.name};", "Như Điều 3;", "Lưu hồ sơ."],
    }


def issue_org_decision(actor: Actor, discipline: OrgDiscipline) -> IssuedDocument:
    """Issue the decision on the discipline of a party organisation, dated
    `discipline.decision_date`, by the deciding body."""
    assert discipline.decision_date is not None
    return document_issue(
        actor=actor,
        organization=discipline.authority,
        kind=DocumentKind.DECISION,
        date=discipline.decision_date,
        summary=(
            f"thi hành kỷ luật ({discipline.get_form_display().lower()}) đối với "
            f"{discipline.organization.name}"
        ),
        context=org_decision_context(discipline),
        concerns_path=discipline.org_path,
        subject=discipline,
    )
