"""The periodic report as a paper (báo cáo) in the party format (HD 36-HD/VPTW,
the layout of seed 004; signed by the post holder: documents.signing): issued
with the next number of the organisation's reports, its text written from the
figures, its tables those of the report page; .docx from the documents'
template (report.docx), .pdf by WeasyPrint from the same context."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string

from dangvien.core.errors import ErrorCode
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.render import render_context
from dangvien.documents.services import document_issue
from dangvien.documents.signing import report_to
from dangvien.organizations.models import Organization

from . import figures, rules
from .models import ReportResult
from .periods import ReportPeriod
from .selectors import ActivityLine, ActivitySection, activity_sections


class PaperError(ErrorCode):
    PDF_UNAVAILABLE = (
        "pdf_unavailable",
        "Máy chủ chưa cài thư viện tạo PDF (Pango); hãy tải bản .docx.",
    )
    NOT_A_REPORT = ("not_a_report", "Văn bản này không phải báo cáo định kỳ.")


def _n(value: int | None) -> str:
    """A count as printed: 1.234 (Vietnamese grouping); "" for None."""
    return "" if value is None else f"{value:,}".replace(",", ".")


def _pct(value) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def summary_of(period: ReportPeriod) -> str:
    return f"Tình hình đội ngũ đảng viên {period.label_lower}"


def paper_context(
    org: Organization,
    period: ReportPeriod,
    result: ReportResult,
    previous: ReportResult | None,
) -> dict[str, Any]:
    """What the paper says: its paragraphs (the figures in words), its tables
    (form 1's rows against last year; the composition), the recipients."""
    this = result.counts["movement"]
    v = lambda code, c=this: figures.movement_value(c, code)  # noqa: E731
    dims = result.counts["dims"]
    members = v("D")
    female = dims.get("gender", {}).get("F", 0)
    probationary = dims.get("status", {}).get("probationary", 0)
    age = result.counts.get("average_age")
    paragraphs = [
        f"Căn cứ số liệu quản lý đảng viên, {org.name} báo cáo tình hình đội ngũ đảng viên "
        + (
            f"{period.label_lower} (từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y})"
            if period.kind != "custom"
            else f"từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"
        )
        + " như sau:",
        f"1. Đầu kỳ có {_n(v('A'))} đảng viên. Trong kỳ tăng {_n(v('B'))} đảng viên "
        f"(kết nạp {_n(v('B1'))}, chuyển đến {_n(v('B2'))}, phục hồi đảng tịch {_n(v('B3'))}); "
        f"giảm {_n(v('C'))} đảng viên (từ trần {_n(v('C1'))}, khai trừ {_n(v('C2'))}, "
        f"xóa tên {_n(v('C3'))}, xin ra khỏi Đảng {_n(v('C4'))}, chuyển đi {_n(v('C5'))}).",
        f"2. Đến ngày {period.end:%d/%m/%Y} có {_n(members)} đảng viên, trong đó "
        f"{_n(probationary)} đảng viên dự bị, {_n(female)} đảng viên nữ"
        + (f" ({_pct(female * 100 / members)}%)" if members else "")
        + (f"; tuổi bình quân {str(age).replace('.', ',')}." if age else "."),
    ]
    if previous is not None:
        last = previous.counts["movement"]
        change = rules.percent(v("B1"), figures.movement_value(last, "B1"))
        paragraphs.append(
            f"3. So với cùng kỳ năm trước: kết nạp {_n(v('B1'))} đảng viên "
            f"(cùng kỳ {_n(figures.movement_value(last, 'B1'))}"
            + (f", bằng {_pct(change)}%" if change is not None else "")
            + f"); cuối kỳ {_n(members)} đảng viên (cùng kỳ {_n(figures.movement_value(last, 'D'))})."
        )
    sections = activity_sections(result)
    paragraphs.append(f"{len(paragraphs)}. {_work_sentence(sections)}")
    paragraphs.append("Số liệu chi tiết tại các bảng kèm theo.")
    movement = []
    for row in figures.FORM_1_ROWS:
        now = figures.movement_value(this, row.code)
        before = figures.movement_value(previous.counts["movement"], row.code) if previous else None
        if row.code.endswith("OTHER") and not now and not before:
            continue
        movement.append(
            [
                row.number,
                row.label,
                _n(now),
                _n(before),
                _pct(rules.percent(now, before) if before is not None else None),
            ]
        )
    composition = []
    for dim in (
        "status",
        "gender",
        "age",
        "party_age",
        "ethnicity",
        "religion",
        "professional",
        "political_theory",
    ):
        counts = dims.get(dim, {})
        total = sum(counts.values())
        composition.append(["", figures.DIMENSION_LABELS[dim], "", "", ""])
        for key, label in figures.dimension_categories(dim):
            n = counts.get(key, 0)
            if n:
                composition.append(["-", label, _n(n), _pct(n * 100 / total) if total else "", ""])
    return {
        "paragraphs": paragraphs,
        "tables": [
            {
                "title": "Bảng 1. Tăng, giảm đảng viên (theo biểu 1-BTCTW)",
                "heads": ["TT", "Tiêu chí", "Kỳ này", "Cùng kỳ năm trước", "Tỷ lệ (%)"],
                "rows": movement,
            },
            {
                "title": f"Bảng 2. Đội ngũ đảng viên đến ngày {period.end:%d/%m/%Y}",
                "heads": ["TT", "Tiêu chí", "Số đảng viên", "Tỷ lệ (%)", ""],
                "rows": composition,
            },
            {
                "title": "Bảng 3. Công tác trong kỳ",
                "heads": ["TT", "Nội dung", "Số lượng", "Trên tổng số", "Tỷ lệ (%)"],
                "rows": _work_rows(sections),
            },
        ],
        "recipients": [*report_to(org), "Lưu."],
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
    }


def _value(line: ActivityLine, value: int | None) -> str:
    if value is None:
        return ""
    return f"{_n(value)} đồng" if line.unit == "dong" else _n(value)


def _work_rows(sections: list[ActivitySection]) -> list[list[str]]:
    """Table 3: each section's title, then its lines (value, base, percent)."""
    rows = []
    for number, section in enumerate(sections, 1):
        rows.append([str(number), section.title, "", "", ""])
        rows += [
            ["-", line.label, _value(line, line.value), _value(line, line.of), _pct(line.percent)]
            for line in section.lines
        ]
    return rows


def _work_sentence(sections: list[ActivitySection]) -> str:
    """The work of the period in one paragraph, from the main figure of each section."""
    by = {s.code: s for s in sections}

    def share(line: ActivityLine | None, unit: str = "") -> str:
        if line is None:
            return ""
        text = f"{_n(line.value)}{unit}/{_n(line.of)}{unit}"
        return text + (f" ({_pct(line.percent)}%)" if line.percent is not None else "")

    meetings, dues = by["meetings"], by["dues"]
    parts = []
    regular = meetings.line("regular_held")
    if regular is not None and regular.of:
        parts += [
            f"lượt chi bộ sinh hoạt thường kỳ {share(regular)}",
            f"lượt đảng viên dự sinh hoạt {share(meetings.line('present'))}",
        ]
    collected, unpaid = dues.line("collected"), dues.line("unpaid_members")
    if collected is not None and collected.of:
        parts.append(
            f"thu đảng phí {_n(collected.value)} đồng trên {_n(collected.of)} đồng phải thu"
        )
    if unpaid is not None:
        parts.append(f"{_n(unpaid.value)} đảng viên không đóng đảng phí không có lý do")
    disciplined = by["discipline"].line("disciplined")
    parts.append(f"kỷ luật {_n(disciplined.value if disciplined else 0)} đảng viên")
    target = by["admissions"].line("target")
    if target is not None:
        parts.append(
            f"kết nạp từ đầu năm {_n(target.value)} đảng viên trên chỉ tiêu {_n(target.of)}"
        )
    months = f" (tính các tháng {meetings.span})" if meetings.span else ""
    return "Công tác trong kỳ" + months + ": " + "; ".join(parts) + "."


def report_paper_issue(
    *,
    actor,
    org: Organization,
    period: ReportPeriod,
    result: ReportResult,
    previous: ReportResult | None,
    on: dt.date,
) -> IssuedDocument:
    """Issue the report of `org` over `period` as a numbered paper dated `on`
    (documents.services.document_issue: the next number of its reports in the
    term, signed by the post holder of that day)."""
    return document_issue(
        actor=actor,
        organization=org,
        kind=DocumentKind.REPORT,
        date=on,
        summary=summary_of(period),
        context=paper_context(org, period, result, previous),
        concerns_path=org.path,
    )


def report_paper_pdf(document: IssuedDocument) -> bytes:
    """The issued report as PDF (A4; WeasyPrint); PaperError.PDF_UNAVAILABLE
    when its libraries do not load, NOT_A_REPORT for another kind of paper."""
    if document.kind != DocumentKind.REPORT:
        raise PaperError.NOT_A_REPORT.not_found()
    try:
        import weasyprint
    except (ImportError, OSError):
        raise PaperError.PDF_UNAVAILABLE.error() from None
    html = render_to_string("reports/paper_pdf.html", render_context(document))
    return weasyprint.HTML(string=html).write_pdf()
