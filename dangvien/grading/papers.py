"""The papers of the grading (issue 12 part 7): the member's self-review
(BẢN KIỂM ĐIỂM CÁ NHÂN, form 2A/2B/2C, DocumentKind.SELF_REVIEW), the cell's
proposal (TỜ TRÌNH, SUBMISSION) and the committee's decision on grading
(QUYẾT ĐỊNH, DECISION), issued through `documents.document_issue` in the
party format and numbered per issuer; and the results table as an Excel
workbook (openpyxl). Called from `services` inside their transactions.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from dangvien.core.actors import Actor
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.render import context_encode
from dangvien.documents.services import document_issue
from dangvien.documents.signing import report_to
from dangvien.organizations.models import Organization
from dangvien.organizations.posts import committee_name, signer_for

from . import rules
from .models import CellProposal, GradingDecision, MemberReview

REGULATION = {
    "132": "Quy định số 132-QĐ/TW ngày 08/3/2018 của Bộ Chính trị",
    "124": "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị",
    "366": "Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị và Hướng dẫn số "
    "43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương",
}


def _score(value) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def grade_text(grade: str, score=None) -> str:
    label = rules.GRADE_LABELS.get(grade, "")
    return f"{label} ({_score(score)} điểm)" if label and score is not None else label


def self_review_context(review: MemberReview) -> dict:
    member = review.member
    secretary = signer_for(review.cell, review.self_reviewed_on or review.campaign.review_on)
    return {
        "facts": [
            {"label": "Họ và tên", "value": member.full_name},
            {"label": "Ngày sinh", "value": member.birth_date},
            {"label": "Chi bộ", "value": review.cell.name},
            {"label": "Mẫu", "value": rules.FORM_LABELS.get(review.form, review.form)},
            {"label": "Năm kiểm điểm", "value": str(review.year)},
        ],
        "attendance_lines": [],
        "sections": [
            {"heading": "I. Ưu điểm, kết quả đạt được", "paragraphs": [review.strengths]},
            {
                "heading": "II. Hạn chế, khuyết điểm và nguyên nhân",
                "paragraphs": [review.shortcomings],
            },
            {"heading": "III. Phương hướng, biện pháp khắc phục", "paragraphs": [review.remedies]},
            {
                "heading": "IV. Tự nhận mức xếp loại chất lượng",
                "paragraphs": [grade_text(review.self_grade, review.self_score)],
            },
        ],
        "closing_text": "",
        "chair_title": "NGƯỜI TỰ KIỂM ĐIỂM",
        "chair_name": member.full_name,
        "recorder_title": "NHẬN XÉT, ĐÁNH GIÁ CỦA CHI ỦY",
        "recorder_name": secretary.name,
        "recipients": [],
    }


def self_review_issue(actor: Actor, review: MemberReview) -> None:
    """Issue the self-review paper the first time; later edits rewrite its
    stored context (the same paper, printed again). The caller saves `review`."""
    context = self_review_context(review)
    if review.self_review_document_id:
        document = (
            IssuedDocument.objects.select_for_update(of=("self",))
            .filter(pk=review.self_review_document_id)
            .first()
        )
        if document is not None:
            merged = dict(document.context or {})
            merged.update(context_encode(context))
            document.context = merged
            document.save(update_fields=["context"])
            return
    day = review.self_reviewed_on or review.campaign.review_on
    document = document_issue(
        actor=actor,
        organization=review.cell,
        kind=DocumentKind.SELF_REVIEW,
        date=day,
        summary=f"Kiểm điểm, đánh giá, xếp loại đảng viên năm {review.year}",
        context=context,
        concerns_path=review.cell_path,
        subject=review,
    )
    review.self_review_document_id = document.pk


def _names_by_grade(reviews: Sequence[MemberReview], field: str = "proposed_grade") -> list[str]:
    lines = []
    for grade in rules.GRADES:
        names = [r.member.full_name for r in reviews if getattr(r, field) == grade]
        if names:
            lines.append(
                f"{rules.GRADE_LABELS[grade]}: {len(names)} đồng chí ({', '.join(names)})."
            )
    return lines


def proposal_issue(
    actor: Actor, proposal: CellProposal, reviews: Sequence[MemberReview]
) -> IssuedDocument:
    """The cell's submission proposing its members' grades to the committee."""
    year = proposal.campaign.year
    graded = [r for r in reviews if r.proposed_grade]
    excluded = [r for r in reviews if not r.proposed_grade]
    paragraphs = [
        f"Thực hiện {REGULATION[proposal.campaign.ruleset]} về kiểm điểm, đánh giá, xếp loại "
        f"chất lượng, {proposal.cell.name} đã tổ chức kiểm điểm đảng viên năm {year}.",
        f"Tổng số đảng viên được đánh giá, xếp loại: {len(graded)} đồng chí. Chi bộ đề nghị:",
        *_names_by_grade(graded),
    ]
    if excluded:
        paragraphs.append(
            "Không xếp loại: "
            + "; ".join(f"{r.member.full_name} ({r.get_not_graded_display()})" for r in excluded)
            + "."
        )
    if proposal.note:
        paragraphs.append(proposal.note)
    grassroots = proposal.grassroots
    return document_issue(
        actor=actor,
        organization=proposal.cell,
        kind=DocumentKind.SUBMISSION,
        date=proposal.proposed_on or proposal.campaign.review_on,
        summary=f"Đề nghị xếp loại chất lượng đảng viên năm {year}",
        context={
            "addressees": [
                committee_name(
                    grassroots
                    if grassroots != proposal.cell
                    else proposal.cell.parent or proposal.cell
                )
            ],
            "paragraphs": paragraphs,
            "signer_capacity": "T/M CHI BỘ",
            "recipients": [*report_to(proposal.cell), "Lưu chi bộ."],
        },
        concerns_path=proposal.cell_path,
        subject=proposal,
    )


def decision_issue(
    actor: Actor, decision: GradingDecision, reviews: Sequence[MemberReview]
) -> IssuedDocument:
    """The competent committee's decision recognising the grades of the
    members of one grassroots organisation (with the counts and shares)."""
    year = decision.campaign.year
    graded = [r for r in reviews if r.grade]
    total = len(graded)
    counts = []
    for grade in rules.GRADES:
        n = sum(1 for r in graded if r.grade == grade)
        share = rules.share_percent(n, total)
        counts.append(
            f"{rules.GRADE_LABELS[grade]}: {n} đồng chí"
            + (f" ({str(share).replace('.', ',')}%)" if share is not None else "")
        )
    articles = [
        f"Công nhận kết quả xếp loại chất lượng năm {year} của {total} đảng viên thuộc "
        f"{decision.grassroots.name}: " + "; ".join(counts) + ".",
        *[
            f"Danh sách xếp loại — {line}"
            for line in _names_by_grade(graded, field="grade")
            if not line.startswith(rules.GRADE_LABELS[rules.Grade.GOOD])
        ],
    ]
    if decision.cap_override_reason:
        articles.append(
            "Số đảng viên hoàn thành xuất sắc nhiệm vụ vượt tỷ lệ quy định; lý do: "
            f"{decision.cap_override_reason}."
        )
    articles.append(
        "Các chi bộ, đảng viên có tên trên và các cơ quan liên quan chịu trách nhiệm thi hành "
        "Quyết định này."
    )
    return document_issue(
        actor=actor,
        organization=decision.decided_by,
        kind=DocumentKind.DECISION,
        date=decision.decided_on or decision.campaign.decision_due,
        summary=f"Công nhận kết quả xếp loại chất lượng đảng viên năm {year}",
        context={
            "authority": committee_name(decision.decided_by),
            "bases": [
                "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
                f"Căn cứ {REGULATION[decision.campaign.ruleset]};",
                "Xét đề nghị của các chi bộ,",
            ],
            "articles": articles,
            "recipients": [*report_to(decision.decided_by), "Các chi bộ trực thuộc;", "Lưu."],
        },
        concerns_path=decision.grassroots_path,
        subject=decision,
    )


HEADERS = (
    "STT",
    "Tổ chức đảng",
    "Số đảng viên được xếp loại",
    "HTXSNV",
    "Tỷ lệ (%)",
    "HTTNV",
    "Tỷ lệ (%)",
    "HTNV",
    "Tỷ lệ (%)",
    "KHTNV",
    "Tỷ lệ (%)",
    "Không xếp loại",
    "Chưa xong",
)


def results_workbook(org: Organization, year: int, rows, total) -> bytes:
    """The results table of `org` for `year` as an .xlsx: one row per
    organisation below it, then the total, with the count and share of each
    grade (seed 001's table)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"Xếp loại {year}"
    bold = Font(name="Times New Roman", bold=True, size=13)
    plain = Font(name="Times New Roman", size=12)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(1, 1, f"KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM {year}").font = Font(
        name="Times New Roman", bold=True, size=14
    )
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws.cell(2, 1, org.name).font = plain
    ws.cell(2, 1).alignment = Alignment(horizontal="center")
    for col, title in enumerate(HEADERS, start=1):
        cell = ws.cell(4, col, title)
        cell.font = bold
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def put(r: int, index: str, row) -> None:
        values: list = [index, row.name, row.graded]
        for grade in rules.GRADES:
            share = row.share(grade)
            values += [getattr(row, grade), float(share) if share is not None else None]
        values += [row.not_graded, row.pending]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col, value)
            cell.font = bold if index == "" else plain
            cell.border = border
            if col in (5, 7, 9, 11):
                cell.number_format = "0.00"

    r = 5
    for i, row in enumerate(rows, start=1):
        put(r, str(i), row)
        r += 1
    put(r, "", total)
    ws.column_dimensions["B"].width = 45
    for col in range(3, len(HEADERS) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 11
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
