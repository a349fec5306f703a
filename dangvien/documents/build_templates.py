"""Writes the .docx templates (python-docx) in the layout of HD 36-HD/VPTW.

Run `python manage.py documents_build_templates` after changing this file or
the page rules; the files in templates_docx/ are committed. The tags are
docxtpl's jinja: `{{ name }}` in a run, `{%p ... %}` alone in a paragraph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from . import rules

CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT

# Font sizes of HD 36 Phụ lục 3 (regulations §6.4).
SIZE_PARTY_HEADER = 15  # ĐẢNG CỘNG SẢN VIỆT NAM, caps bold, underlined
SIZE_ISSUER = 14  # superior body regular, issuing body bold
SIZE_TITLE = 15  # type name, caps bold (15-16)
SIZE_SUMMARY = 14  # summary, bold (14-15)
SIZE_LETTER_SUMMARY = 12  # "V/v ..." of a công văn, italic
SIZE_BODY = 14
SIZE_RECIPIENTS = 12


def _fonts(rpr_parent) -> None:
    """Times New Roman for every script slot, so Vietnamese never falls back."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), rules.FONT_NAME)


def _paragraph(container, *, align=LEFT, indent: bool = False, before: int = 0, after: int = 0):
    paragraphs = container.paragraphs
    if (
        hasattr(container, "_tc")
        and len(paragraphs) == 1
        and not paragraphs[0].runs
        and not getattr(container, "_first_used", False)
    ):
        paragraph = paragraphs[0]
        container._first_used = True
    else:
        paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if indent:
        fmt.first_line_indent = Cm(1)
    return paragraph


def _run(paragraph, text: str, *, size: int = SIZE_BODY, bold=False, italic=False, underline=False):
    run = paragraph.add_run(text)
    run.font.name = rules.FONT_NAME
    _fonts(run._r)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    return run


def line(container, text: str, *, size=SIZE_BODY, align=LEFT, before=0, after=0, **style):
    paragraph = _paragraph(container, align=align, before=before, after=after)
    _run(paragraph, text, size=size, **style)
    return paragraph


def tag(container, text: str) -> None:
    """A paragraph holding only a `{%p ... %}` tag (docxtpl removes it)."""
    line(container, text)


def body(container, *runs: tuple[str, dict]) -> None:
    """A body paragraph: justified, first line indented, 6 pt after."""
    paragraph = _paragraph(container, align=JUSTIFY, indent=True, after=6)
    for text, style in runs:
        _run(paragraph, text, **style)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _table(doc, widths_mm: tuple[int, int]):
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    cells = table.rows[0].cells
    for cell, width in zip(cells, widths_mm, strict=True):
        cell.width = Mm(width)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    return cells


def header(doc, *, letter: bool = False) -> None:
    """HD 36 boxes 1-4 (and 5b for a letter): issuer left, party header right."""
    left, right = _table(doc, (75, 85))
    tag(left, "{%p if superior_name %}")
    line(left, "{{ superior_name }}", size=SIZE_ISSUER, align=CENTER)
    tag(left, "{%p endif %}")
    line(left, "{{ issuer_name }}", size=SIZE_ISSUER, align=CENTER, bold=True)
    line(left, "*", size=SIZE_ISSUER, align=CENTER)
    line(left, "{{ number_line }}", size=SIZE_ISSUER, align=CENTER)
    if letter:
        tag(left, "{%p if summary %}")
        line(left, "V/v {{ summary }}", size=SIZE_LETTER_SUMMARY, align=CENTER, italic=True)
        tag(left, "{%p endif %}")
    line(
        right,
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        size=SIZE_PARTY_HEADER,
        align=CENTER,
        bold=True,
        underline=True,
        after=18,
    )
    line(right, "{{ place_date }}", size=SIZE_ISSUER, align=CENTER, italic=True)


def title_block(doc, *, subtitle: str = "{{ summary }}") -> None:
    """HD 36 box 5a: type name, summary, a short line."""
    line(doc, "{{ title }}", size=SIZE_TITLE, align=CENTER, bold=True, before=18)
    tag(doc, "{%p if " + subtitle.strip("{} ") + " %}")
    line(doc, subtitle, size=SIZE_SUMMARY, align=CENTER, bold=True)
    tag(doc, "{%p endif %}")
    line(doc, "-----", size=SIZE_BODY, align=CENTER, after=12)


def addressees(doc) -> None:
    tag(doc, "{%p if addressees|length == 1 %}")
    line(doc, "Kính gửi: {{ addressees[0] }}", align=CENTER, before=6, after=12)
    tag(doc, "{%p elif addressees %}")
    paragraph = line(doc, "Kính gửi:", before=6)
    paragraph.paragraph_format.left_indent = Cm(3)
    tag(doc, "{%p for a in addressees %}")
    paragraph = line(doc, "- {{ a }}")
    paragraph.paragraph_format.left_indent = Cm(4.5)
    tag(doc, "{%p endfor %}")
    line(doc, "", after=6)
    tag(doc, "{%p endif %}")


def loop_body(doc, variable: str, *runs: tuple[str, dict]) -> None:
    tag(doc, f"{{%p for item in {variable} %}}")
    body(doc, *runs)
    tag(doc, "{%p endfor %}")


def closing(doc, *, room: int = 4, size: int = SIZE_BODY) -> None:
    """HD 36 boxes 7 and 9: recipients on the left, the signature on the right
    (capacity, title, `room` empty lines for the signature and seal, the name;
    the name is a dotted blank when nobody held the post)."""
    line(doc, "", size=size)
    left, right = _table(doc, (75, 85))
    tag(left, "{%p if recipients %}")
    line(left, "Nơi nhận:", size=SIZE_RECIPIENTS, bold=True, italic=True)
    tag(left, "{%p for r in recipients %}")
    line(left, "{{ r }}", size=SIZE_RECIPIENTS)
    tag(left, "{%p endfor %}")
    tag(left, "{%p endif %}")
    tag(right, "{%p if signer_capacity %}")
    line(right, "{{ signer_capacity }}", size=size, align=CENTER, bold=True)
    tag(right, "{%p endif %}")
    tag(right, "{%p if signer_title %}")
    line(right, "{{ signer_title }}", size=size, align=CENTER, bold=True)
    tag(right, "{%p endif %}")
    for _ in range(room):  # room for the signature and the seal
        line(right, "", size=size, align=CENTER)
    line(right, "{{ signer_name }}", size=size, align=CENTER, bold=True)


PLAIN: dict = {}
BOLD = {"bold": True}


def build_decision(doc) -> None:
    header(doc)
    title_block(doc)
    tag(doc, "{%p if authority %}")
    line(doc, "{{ authority }}", align=CENTER, bold=True, after=6)
    tag(doc, "{%p endif %}")
    loop_body(doc, "bases", ("{{ item }}", PLAIN))
    line(doc, "QUYẾT ĐỊNH:", size=SIZE_TITLE - 1, align=CENTER, bold=True, before=6, after=6)
    loop_body(doc, "articles", ("Điều {{ loop.index }}. ", BOLD), ("{{ item }}", PLAIN))
    closing(doc)


def build_resolution(doc) -> None:
    header(doc)
    title_block(doc)
    loop_body(doc, "bases", ("{{ item }}", PLAIN))
    loop_body(doc, "preamble", ("{{ item }}", PLAIN))
    tag(doc, "{%p if vote_text %}")
    body(doc, ("{{ vote_text }}", PLAIN))
    tag(doc, "{%p endif %}")
    line(doc, "QUYẾT NGHỊ:", size=SIZE_TITLE - 1, align=CENTER, bold=True, before=6, after=6)
    loop_body(doc, "resolutions", ("{{ loop.index }}. ", BOLD), ("{{ item }}", PLAIN))
    # The concrete tasks of the resolution (issue 10): a named member, a due date.
    tag(doc, "{%p if tasks %}")
    body(doc, ("{{ resolutions|length + 1 }}. ", BOLD), ("Phân công thực hiện:", PLAIN))
    loop_body(
        doc,
        "tasks",
        ("- Đồng chí ", PLAIN),
        ("{{ item.assignee }}", BOLD),
        (": {{ item.content }} (hạn hoàn thành: {{ item.due }}).", PLAIN),
    )
    tag(doc, "{%p endif %}")
    closing(doc)


def two_signatures(doc, *, size: int = SIZE_BODY, room: int = 4) -> None:
    """The minutes' signatures: the recorder on the left, the chair on the right,
    each with room to sign and the name (a dotted blank when not recorded)."""
    line(doc, "", size=size)
    left, right = _table(doc, (75, 85))
    for cell, role in ((left, "recorder"), (right, "chair")):
        line(cell, "{{ " + role + "_title }}", size=size, align=CENTER, bold=True)
        for _ in range(room):
            line(cell, "", size=size, align=CENTER)
        line(cell, "{{ " + role + "_name }}", size=size, align=CENTER, bold=True)


def build_minutes(doc) -> None:
    """Biên bản sinh hoạt chi bộ: time, place, chair and recorder, the counts of
    the roll call, then the agenda, content, opinions, conclusions and the vote."""
    header(doc)
    title_block(doc)
    fields(doc, after=2)
    tag(doc, "{%p if attendance_lines %}")
    heading = line(doc, "Thành phần dự họp:", before=4, after=2)
    heading.paragraph_format.left_indent = Cm(1)
    heading.paragraph_format.keep_with_next = True
    tag(doc, "{%p for item in attendance_lines %}")
    paragraph = _paragraph(doc, align=JUSTIFY, after=2)
    paragraph.paragraph_format.left_indent = Cm(1)
    _run(paragraph, "- {{ item }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for s in sections %}")
    line(
        doc, "{{ s.heading }}", bold=True, before=6, after=2
    ).paragraph_format.keep_with_next = True
    tag(doc, "{%p for item in s.paragraphs %}")
    body(doc, ("{{ item }}", PLAIN))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if closing_text %}")
    body(doc, ("{{ closing_text }}", PLAIN))
    tag(doc, "{%p endif %}")
    two_signatures(doc)


def build_letter(doc) -> None:
    header(doc, letter=True)
    line(doc, "", after=6)
    addressees(doc)
    loop_body(doc, "paragraphs", ("{{ item }}", PLAIN))
    closing(doc)


def build_general(doc) -> None:
    header(doc)
    title_block(doc)
    addressees(doc)
    loop_body(doc, "paragraphs", ("{{ item }}", PLAIN))
    closing(doc)


SIZE_TABLE = 12


def _bordered(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        borders.append(element)
    table._tbl.tblPr.append(borders)


# A report's table: TT, the criterion, three figures (this period, the same
# period last year, percent; or a count, a share and a blank column).
REPORT_TABLE_MM = (12, 78, 25, 25, 20)


def build_report(doc) -> None:
    """A report (báo cáo): the general layout, then its tables (`tables`: each
    {title, heads: 5 strings, rows: lists of 5 strings, bold: per row}), then
    the signature."""
    header(doc)
    title_block(doc)
    addressees(doc)
    loop_body(doc, "paragraphs", ("{{ item }}", PLAIN))
    tag(doc, "{%p for t in tables %}")
    line(doc, "{{ t.title }}", bold=True, before=6, after=4)
    # Rows: the heads; "{%tr for %}" (docxtpl replaces the whole row by the
    # tag); the row repeated; "{%tr endfor %}".
    table = doc.add_table(rows=4, cols=len(REPORT_TABLE_MM))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _bordered(table)
    for column, width in zip(table.columns, REPORT_TABLE_MM, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, REPORT_TABLE_MM, strict=True):
            cell.width = Mm(width)
    for i, cell in enumerate(table.rows[0].cells):
        line(cell, "{{ t.heads[" + str(i) + "] }}", size=SIZE_TABLE, align=CENTER, bold=True)
    line(table.rows[1].cells[0], "{%tr for r in t.rows %}", size=SIZE_TABLE)
    for i, cell in enumerate(table.rows[2].cells):
        align = LEFT if i == 1 else CENTER
        line(cell, "{{ r.cells[" + str(i) + "] }}", size=SIZE_TABLE, align=align)
    line(table.rows[3].cells[0], "{%tr endfor %}", size=SIZE_TABLE)
    line(doc, "", after=4)
    tag(doc, "{%p endfor %}")
    closing(doc)


def fields(doc, *, size: int = SIZE_BODY, after: int = 4) -> None:
    tag(doc, "{%p for f in fields %}")
    paragraph = _paragraph(doc, align=JUSTIFY, after=after)
    paragraph.paragraph_format.left_indent = Cm(1)
    _run(paragraph, "{{ f.label }}: ", size=size)
    _run(paragraph, "{{ f.value }}", size=size, bold=True)
    tag(doc, "{%p endfor %}")


# The transfer letter and the receiving side's confirmation below it stay on one
# A4 page (the part is cut off and sent back): a smaller body and less room.
SIZE_TRANSFER = 13
SIZE_RECEIPT = 12


def build_transfer_letter(doc) -> None:
    header(doc)
    title_block(doc, subtitle="{{ transfer_label }}")
    addressees(doc)
    fields(doc, size=SIZE_TRANSFER, after=1)
    paragraph = _paragraph(doc, after=1)
    paragraph.paragraph_format.left_indent = Cm(1)
    _run(paragraph, "Số GTSHĐ: ", size=SIZE_TRANSFER)
    _run(paragraph, "{{ register_number }}", size=SIZE_TRANSFER, bold=True)
    loop_body(doc, "paragraphs", ("{{ item }}", {"size": SIZE_TRANSFER}))
    closing(doc, room=3, size=SIZE_TRANSFER)
    # The receipt: cut off and sent back by the receiving side; on the same page.
    receipt_start = len(doc.paragraphs)
    line(
        doc,
        "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
        size=SIZE_RECEIPT,
        align=CENTER,
        before=6,
    )
    line(
        doc,
        "PHẦN XÁC NHẬN CỦA TỔ CHỨC ĐẢNG NƠI ĐẾN",
        size=SIZE_TRANSFER,
        align=CENTER,
        bold=True,
        after=2,
    )
    small = {"size": SIZE_RECEIPT}
    body(
        doc,
        ("{{ to_organization or '..........................................' }}", small),
        (" đã nhận giấy giới thiệu sinh hoạt đảng {{ transfer_word }} số ", small),
        ("{{ symbol }}", {**small, "bold": True}),
        (" ngày {{ date }} giới thiệu đồng chí ", small),
        ("{{ member_name }}", {**small, "bold": True}),
        (".", small),
    )
    body(doc, ("Đồng chí đã trình giấy ngày ....... tháng ....... năm ..........", small))
    for paragraph in doc.paragraphs[receipt_start:]:
        paragraph.paragraph_format.keep_with_next = True
    left, right = _table(doc, (75, 85))
    line(left, "")
    line(
        right,
        "......., ngày ..... tháng ..... năm ........",
        size=SIZE_RECEIPT,
        align=CENTER,
        italic=True,
    )
    line(
        right,
        "T/M ..........................................",
        size=SIZE_RECEIPT,
        align=CENTER,
        bold=True,
    )
    line(right, "(Ký tên, đóng dấu)", size=SIZE_RECEIPT - 1, align=CENTER, italic=True)


def build_residence_introduction(doc) -> None:
    header(doc)
    title_block(doc)
    addressees(doc)
    fields(doc)
    body(
        doc,
        (
            "Thực hiện Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị về trách nhiệm "
            "của đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và "
            "nhân dân nơi cư trú, xin giới thiệu đồng chí ",
            PLAIN,
        ),
        ("{{ member_name }}", BOLD),
        (
            " về giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú. Đề nghị cấp ủy nơi "
            "cư trú tiếp nhận, giới thiệu đồng chí với chi bộ nơi cư trú và nhận xét đảng "
            "viên hằng năm theo quy định.",
            PLAIN,
        ),
    )
    loop_body(doc, "paragraphs", ("{{ item }}", PLAIN))
    closing(doc)


BUILDERS: dict[str, Callable] = {
    "decision.docx": build_decision,
    "resolution.docx": build_resolution,
    "letter.docx": build_letter,
    "general.docx": build_general,
    "report.docx": build_report,
    "transfer_letter.docx": build_transfer_letter,
    "residence_introduction.docx": build_residence_introduction,
    "minutes.docx": build_minutes,
}


def new_document(on: dt.date | None = None):
    """An empty A4 document with the page margins and the Times New Roman defaults."""
    on = on or dt.date.today()
    doc = Document()
    section = doc.sections[0]
    width, height = rules.PAGE_SIZE_MM.on(on)
    margins = rules.PAGE_MARGINS_MM.on(on)
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin = Mm(margins["top"])
    section.bottom_margin = Mm(margins["bottom"])
    section.left_margin = Mm(margins["left"])
    section.right_margin = Mm(margins["right"])
    normal = doc.styles["Normal"]
    normal.font.name = rules.FONT_NAME
    normal.font.size = Pt(SIZE_BODY)
    _fonts(normal.element)
    props = doc.core_properties
    props.author = props.last_modified_by = "dangvien"
    props.title = props.subject = props.keywords = props.comments = ""
    props.created = props.modified = dt.datetime(2026, 1, 1)
    props.revision = 1
    return doc


def build_all(directory: Path, on: dt.date | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        doc = new_document(on)
        builder(doc)
        path = directory / name
        doc.save(path)
        written.append(path)
    return written
