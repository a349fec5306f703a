"""The papers of the Party badge: the grassroots committee's submission
(tờ trình, DocumentKind.SUBMISSION, party format through
documents.document_issue) with its proposal list, and the list as an Excel
sheet (openpyxl) for the candidates or the proposals of an award date."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dangvien.core.actors import Actor
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.services import document_issue
from dangvien.documents.signing import report_to
from dangvien.organizations.models import Organization

from .models import BadgeAward, BadgeRound
from .rules import Ground
from .selectors import Candidate

GROUND_WORDS = dict(Ground.CHOICES)


def submission_summary(award: dt.date) -> str:
    return f"Đề nghị tặng Huy hiệu Đảng đợt {award:%d/%m/%Y}"


def _line(i: int, a: BadgeAward) -> str:
    m = a.member
    extra = "" if a.ground == Ground.REGULAR else f" ({GROUND_WORDS[a.ground].lower()})"
    return (
        f"{i}. Đồng chí {m.full_name}, sinh ngày {m.birth_date:%d/%m/%Y}, "
        f"sinh hoạt tại {m.organization.name}; tuổi đảng tính từ ngày "
        f"{a.counted_from:%d/%m/%Y}, đủ {a.milestone} năm ngày {a.milestone_on:%d/%m/%Y}: "
        f"đề nghị tặng Huy hiệu {a.milestone} năm tuổi Đảng{extra}."
    )


def submission_context(badge_round: BadgeRound, awards: Sequence[BadgeAward]) -> dict:
    """The tờ trình: the bases, one line per member proposed (by milestone),
    the totals by milestone, addressed to the provincial standing committee."""
    counts: dict[int, int] = {}
    for a in awards:
        counts[a.milestone] = counts.get(a.milestone, 0) + 1
    totals = "; ".join(f"Huy hiệu {y} năm: {n} đồng chí" for y, n in sorted(counts.items()))
    org = badge_round.organization
    return {
        "addressees": ["Ban Thường vụ Tỉnh ủy"],
        "paragraphs": [
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam; Hướng dẫn thi hành Điều lệ Đảng về "
            "xét tặng Huy hiệu Đảng (HD 01-HD/TW, mục 18);",
            f"{org.name} đề nghị Ban Thường vụ Tỉnh ủy xét, tặng Huy hiệu Đảng đợt "
            f"{badge_round.award_date:%d/%m/%Y} cho {len(awards)} đồng chí ({totals}), "
            "danh sách như sau:",
            *[_line(i, a) for i, a in enumerate(awards, start=1)],
            "Kính đề nghị Ban Thường vụ Tỉnh ủy xem xét, quyết định.",
        ],
        "signer_capacity": "T/M ĐẢNG ỦY",
        "recipients": [*report_to(org), "Lưu văn phòng đảng ủy."],
    }


def issue_submission(
    actor: Actor, badge_round: BadgeRound, awards: Sequence[BadgeAward], on: dt.date
) -> IssuedDocument:
    """Issue the submission of the round (numbered by its organisation); the
    caller notes it on the round and saves."""
    return document_issue(
        actor=actor,
        organization=badge_round.organization,
        kind=DocumentKind.SUBMISSION,
        date=on,
        summary=submission_summary(badge_round.award_date),
        context=submission_context(badge_round, awards),
        concerns_path=badge_round.organization.path,
        subject=badge_round,
    )


HEADERS = (
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Chi bộ",
    "Tuổi đảng tính từ",
    "Thời gian gián đoạn (ngày)",
    "Huy hiệu (năm)",
    "Ngày đủ tuổi đảng",
    "Tình trạng",
    "Số huy hiệu",
)


def list_workbook(
    org: Organization,
    award: dt.date,
    candidates: Sequence[Candidate],
    names: dict[int, str],
    births: dict[int, dt.date],
) -> bytes:
    """The candidates list of `award` for `org` as an .xlsx: a title, one row
    per member and milestone (dates dd/mm/yyyy), the status of their badge."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"Dot {award:%d-%m-%Y}"
    ws["A1"] = "ĐẢNG CỘNG SẢN VIỆT NAM"
    ws["A2"] = org.name.upper()
    ws["A3"] = f"DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ TẶNG HUY HIỆU ĐẢNG ĐỢT {award:%d/%m/%Y}"
    for cell in ("A1", "A2", "A3"):
        ws[cell].font = Font(name="Times New Roman", bold=True, size=13)
    ws.append([])
    ws.append(list(HEADERS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_row = ws.max_row
    for col in range(1, len(HEADERS) + 1):
        c = ws.cell(row=header_row, column=col)
        c.font = Font(name="Times New Roman", bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    for i, cand in enumerate(candidates, start=1):
        award_row = cand.award
        ws.append(
            [
                i,
                cand.full_name,
                f"{births[cand.member_id]:%d/%m/%Y}" if cand.member_id in births else "",
                names.get(cand.organization_id, ""),
                f"{cand.counted_from:%d/%m/%Y}",
                cand.gap_days,
                cand.years,
                f"{cand.reached_on:%d/%m/%Y}",
                award_row.get_status_display() if award_row else "Chưa đề nghị",
                award_row.badge_number if award_row else "",
            ]
        )
        for col in range(1, len(HEADERS) + 1):
            ws.cell(row=ws.max_row, column=col).border = border
    for col, width in enumerate((6, 28, 12, 28, 14, 12, 10, 14, 22, 14), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
