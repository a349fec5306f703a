"""One member's papers: the member record card (phiếu đảng viên, 2-HSĐV) and
the CV summary (sơ yếu lý lịch đảng viên, after 1-HSĐV items 1-22), as .docx
(docxtpl, templates_docx/member_card.docx and member_cv.docx, written by
exports.docx_templates) and as .pdf (WeasyPrint, from the HTML template
exports/paper_pdf.html).

The field list of 2-HSĐV is not confirmed verbatim (regulations R10.2, 7.3):
the card holds the fields of the record that the sources name. The sensitive
sections (citizen ID, family, discipline) are in the context only when the
caller sees them (`sensitive`).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from dangvien.documents.render import TEMPLATE_DIR, clean_text
from dangvien.members.dates import format_partial_date
from dangvien.members.models import Member

from .errors import ExportError
from .models import ExportKind

CARD, CV = "phieu", "so-yeu-ly-lich"
PAPERS = {CARD: ExportKind.RECORD_CARD, CV: ExportKind.CV_SUMMARY}
TEMPLATES = {ExportKind.RECORD_CARD: "member_card.docx", ExportKind.CV_SUMMARY: "member_cv.docx"}
TITLES = {
    ExportKind.RECORD_CARD: "PHIẾU ĐẢNG VIÊN",
    ExportKind.CV_SUMMARY: "SƠ YẾU LÝ LỊCH ĐẢNG VIÊN",
}
FORMS = {ExportKind.RECORD_CARD: "Mẫu 2-HSĐV", ExportKind.CV_SUMMARY: "Mẫu 1-HSĐV"}


def _date(member: Any, name: str) -> str:
    """A record date as known (members.dates: «15/03/1960», «03/1960», «năm 1960»)."""
    return format_partial_date(
        getattr(member, name, None), getattr(member, f"{name}_precision", "day")
    )


def _day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _name(value: Any) -> str:
    return str(value) if value else ""


def _place(street: str, commune: Any, province: Any) -> str:
    return ", ".join(p for p in (street, _name(commune), _name(province)) if p)


def _period(row: Any) -> str:
    start = format_partial_date(row.start, getattr(row, "start_precision", "day"))
    end = format_partial_date(row.end, getattr(row, "end_precision", "day")) if row.end else "nay"
    return f"{start} – {end}"


def _fields(rows: list[tuple[str, Any]]) -> list[dict[str, str]]:
    return [{"label": label, "value": clean_text(str(value or ""))} for label, value in rows]


def _organizations(member: Member) -> list[str]:
    """The party organisations above the member's cell, top first (the card's
    "Đảng bộ tỉnh ... / Đảng bộ cơ sở ... / Chi bộ ..." lines)."""
    from dangvien.organizations.selectors import organization_ancestors

    org = member.organization
    return [o.name for o in organization_ancestors(org)] + [org.name]


def paper_context(member: Member, kind: str, *, sensitive: bool) -> dict[str, Any]:
    """The context of the card or CV: `organizations` (top first), `title`,
    `form`, `numbers` (card, CV), `sections` [{title, fields: [{label, value}]}]
    and `lists` [{title, items: [str]}]; sensitive parts only with `sensitive`."""
    m = member
    identity = [
        ("Họ và tên đang dùng", m.full_name),
        ("Họ và tên khai sinh, tên gọi khác", m.birth_name),
        ("Giới tính", m.get_gender_display()),
        ("Sinh ngày", _date(m, "birth_date")),
        ("Nơi sinh", _place(m.birth_place, None, m.birth_province)),
        ("Quê quán", m.hometown or _place("", m.hometown_commune, m.hometown_province)),
        (
            "Nơi thường trú",
            _place(m.permanent_street, m.permanent_commune, m.permanent_province),
        ),
        ("Nơi ở hiện nay", _place(m.current_street, m.current_commune, m.current_province)),
        ("Dân tộc", _name(m.ethnicity)),
        ("Tôn giáo", _name(m.religion)),
    ]
    if sensitive:
        identity.append(("Số CCCD", m.citizen_id or ""))
        if getattr(m, "old_identity_number", ""):
            identity.append(("Số CMND cũ", m.old_identity_number))
    identity += [("Điện thoại", m.phone), ("Nghề nghiệp hiện nay", _name(m.occupation))]
    identity.append(("Nơi làm việc", m.workplace))
    party = [
        ("Ngày vào Đảng", _date(m, "joining_date")),
        ("Ngày quyết định kết nạp", _day(m.admission_decision_date)),
        ("Số quyết định kết nạp", m.admission_decision_number),
        ("Chi bộ kết nạp", m.admitting_organization),
        ("Người giới thiệu thứ nhất", m.introducer_1),
        ("Người giới thiệu thứ hai", m.introducer_2),
        ("Ngày chính thức", _date(m, "official_date")),
        ("Số thẻ đảng viên", m.party_card_number),
        ("Số lý lịch", m.cv_number),
        ("Tình trạng", m.get_status_display() + (", miễn sinh hoạt" if m.is_exempt else "")),
        ("Chi bộ sinh hoạt", m.organization.name),
    ]
    levels = [
        ("Giáo dục phổ thông", _name(m.general_education)),
        ("Chuyên môn nghiệp vụ", _name(m.professional_qualification)),
        ("Học vị", _name(m.degree)),
        ("Học hàm", _name(m.academic_title)),
        ("Lý luận chính trị", _name(m.political_theory)),
        ("Quản lý nhà nước", _name(m.state_management)),
        ("Ngoại ngữ", m.languages),
        ("Tin học", _name(m.it_level)),
    ]
    sections = [
        {"title": "I. SƠ LƯỢC LÝ LỊCH", "fields": _fields(identity)},
        {"title": "II. THÔNG TIN ĐẢNG VIÊN", "fields": _fields(party)},
        {"title": "III. TRÌNH ĐỘ", "fields": _fields(levels)},
    ]
    lists = [
        {
            "title": "Quá trình công tác",
            "entries": [f"{_period(w)}: {w.position}, {w.workplace}" for w in m.work_history.all()],
        },
        {
            "title": "Chức vụ đã và đang giữ",
            "entries": [
                f"{_period(p)}: {p.title}" + (f", {p.body}" if p.body else "")
                for p in m.posts.all().order_by("start")
            ],
        },
        {
            "title": "Đi nước ngoài",
            "entries": [f"{_period(t)}: {t.country} ({t.purpose})" for t in m.trips.all()],
        },
        {"title": "Huy hiệu Đảng", "entries": _badges(m)},
    ]
    if sensitive:
        lists.append({"title": "Kỷ luật", "entries": _disciplines(m)})
        lists.append(
            {
                "title": "Hoàn cảnh gia đình",
                "entries": [
                    ", ".join(
                        p
                        for p in (
                            f"{f.relation}: {f.full_name}",
                            f"sinh năm {f.birth_year}" if f.birth_year else "",
                            f.occupation,
                            f.address,
                        )
                        if p
                    )
                    for f in m.family.all()
                ],
            }
        )
    for block in lists:
        block["entries"] = [clean_text(i) for i in block["entries"]] or ["Không có."]
    return {
        "organizations": _organizations(m),
        "title": TITLES[ExportKind(kind)],
        "form": FORMS[ExportKind(kind)],
        "member_name": m.full_name,
        "numbers": f"Số thẻ: {m.party_card_number or '……'}   Số lý lịch: {m.cv_number or '……'}",
        "sections": sections,
        "lists": lists,
        "sensitive": sensitive,
        "printed_on": f"Ngày in: {dt.date.today():%d/%m/%Y}",
    }


def _badges(member: Member) -> list[str]:
    from dangvien.badges.models import AwardStatus, BadgeAward

    rows = BadgeAward.objects.filter(member=member, status=AwardStatus.AWARDED).order_by(
        "milestone"
    )
    return [
        f"Huy hiệu {b.milestone} năm tuổi Đảng"
        + (f", số {b.badge_number}" if b.badge_number else "")
        + (f", trao ngày {_day(b.awarded_on)}" if b.awarded_on else "")
        for b in rows
    ]


def _disciplines(member: Member) -> list[str]:
    from dangvien.discipline.models import Discipline, DisciplineStatus

    shown = (DisciplineStatus.IN_FORCE, DisciplineStatus.RESTORED, DisciplineStatus.ANNULLED)
    rows = Discipline.objects.filter(member=member, status__in=shown).order_by("decision_date")
    return [
        ", ".join(
            p
            for p in (
                d.get_form_display(),
                f"quyết định {d.decision_number}" if d.decision_number else "",
                f"ngày {_day(d.decision_date)}" if d.decision_date else "",
                d.get_status_display(),
            )
            if p
        )
        for d in rows
    ]


def template_path(kind: str) -> Path:
    return TEMPLATE_DIR / TEMPLATES[ExportKind(kind)]


def render_docx(context: dict[str, Any], kind: str) -> bytes:
    """The paper as .docx bytes (docxtpl, autoescaped)."""
    template = DocxTemplate(template_path(kind))
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def pdf_available() -> bool:
    """Whether WeasyPrint and its system libraries (Pango) load here."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def render_pdf(context: dict[str, Any]) -> bytes:
    """The paper as PDF bytes (A4, Times New Roman or the nearest serif);
    DomainError `pdf_unavailable` when WeasyPrint cannot load."""
    from django.template.loader import render_to_string

    if not pdf_available():
        raise ExportError.PDF_UNAVAILABLE.error()
    import weasyprint

    html = render_to_string("exports/paper_pdf.html", context)
    return weasyprint.HTML(string=html).write_pdf()
