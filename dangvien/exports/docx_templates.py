"""Writes the .docx templates of the record card and the CV summary
(templates_docx/member_card.docx, member_cv.docx) with the helpers of
documents.build_templates (A4, margins and Times New Roman of HD 36).

Run `python manage.py exports_build_templates` after changing this file; the
files are committed. Tags are docxtpl's jinja (`{%p ... %}` alone in a paragraph).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx.shared import Cm

from dangvien.documents import build_templates as b
from dangvien.documents.render import TEMPLATE_DIR

SIZE = 13


def _heading(doc) -> None:
    """Party organisations on the left (top first), the party header and the
    form code on the right."""
    left, right = b._table(doc, (80, 80))
    b.tag(left, "{%p for o in organizations %}")
    b.line(left, "{{ o }}", size=12, align=b.CENTER)
    b.tag(left, "{%p endfor %}")
    b.line(
        right,
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        size=b.SIZE_PARTY_HEADER,
        align=b.CENTER,
        bold=True,
        underline=True,
        after=6,
    )
    b.line(right, "{{ form }}", size=12, align=b.CENTER, italic=True)


def _body(doc, *, closing: str, signer: str) -> None:
    _heading(doc)
    b.line(doc, "{{ title }}", size=b.SIZE_TITLE, align=b.CENTER, bold=True, before=12)
    b.line(doc, "{{ numbers }}", size=SIZE, align=b.CENTER, after=12)
    b.tag(doc, "{%p for s in sections %}")
    b.line(doc, "{{ s.title }}", size=SIZE, bold=True, before=6, after=2)
    b.tag(doc, "{%p for f in s.fields %}")
    paragraph = b._paragraph(doc, align=b.JUSTIFY, after=1)
    paragraph.paragraph_format.left_indent = Cm(0.5)
    b._run(paragraph, "{{ f.label }}: ", size=SIZE)
    b._run(paragraph, "{{ f.value }}", size=SIZE, bold=True)
    b.tag(doc, "{%p endfor %}")
    b.tag(doc, "{%p endfor %}")
    b.line(doc, "IV. QUÁ TRÌNH", size=SIZE, bold=True, before=6, after=2)
    b.tag(doc, "{%p for l in lists %}")
    b.line(doc, "{{ l.title }}", size=SIZE, italic=True, bold=True, before=4)
    b.tag(doc, "{%p for i in l.entries %}")
    paragraph = b.line(doc, "- {{ i }}", size=SIZE)
    paragraph.paragraph_format.left_indent = Cm(0.5)
    b.tag(doc, "{%p endfor %}")
    b.tag(doc, "{%p endfor %}")
    b.line(doc, closing, size=SIZE, italic=True, before=12)
    left, right = b._table(doc, (80, 80))
    b.line(left, "{{ printed_on }}", size=12, italic=True)
    b.line(right, signer, size=SIZE, align=b.CENTER, bold=True)
    b.line(right, "(Ký, ghi rõ họ tên)", size=12, align=b.CENTER, italic=True)
    for _ in range(3):
        b.line(right, "", size=SIZE)


def build_member_card(doc) -> None:
    _body(
        doc,
        closing="Phiếu lập từ hồ sơ đảng viên trong hệ thống; cấp ủy cơ sở kiểm tra, xác nhận.",
        signer="T/M CẤP ỦY CƠ SỞ",
    )


def build_member_cv(doc) -> None:
    _body(
        doc,
        closing="Tôi cam đoan đã khai đầy đủ, rõ ràng và chịu trách nhiệm về những nội dung trên.",
        signer="NGƯỜI KHAI",
    )


BUILDERS = {"member_card.docx": build_member_card, "member_cv.docx": build_member_cv}


def build_all(directory: Path = TEMPLATE_DIR, on: dt.date | None = None) -> list[Path]:
    """Write both templates into `directory`; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        doc = b.new_document(on)
        builder(doc)
        path = directory / name
        doc.save(path)
        written.append(path)
    return written
