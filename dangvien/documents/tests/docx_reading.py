"""Reading rendered .docx bytes back in tests (python-docx)."""

import io

from docx import Document
from docx.shared import Pt


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def texts(doc) -> list[str]:
    """Every paragraph's text in order: the tables' cells, then the body, as read."""
    found = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            found.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for cell in block.iter():
                if cell.tag.endswith("}tc"):
                    for p in cell.iterchildren():
                        if p.tag.endswith("}p"):
                            found.append(
                                "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                            )
    return found


def body_text(doc) -> str:
    return "\n".join(texts(doc))


def run_of(doc, text: str):
    """The first run whose text contains `text` (body and tables)."""
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if text in run.text:
                return run
    raise AssertionError(f"no run with {text!r}")


def style_of(run) -> dict:
    return {
        "font": run.font.name,
        "size": run.font.size.pt if run.font.size else None,
        "bold": bool(run.font.bold),
        "italic": bool(run.font.italic),
        "underline": bool(run.font.underline),
    }


def assert_page(doc) -> None:
    """A4 and the margins of rules.PAGE_MARGINS_MM (35/15/25/25 mm)."""
    section = doc.sections[0]
    for value, expected in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 25),
        (section.bottom_margin, 25),
        (section.left_margin, 35),
        (section.right_margin, 15),
    ):
        assert abs(value.mm - expected) < 0.1, (value.mm, expected)


def assert_header(doc, *, superior: str, issuer: str, number: str, date_line: str) -> None:
    lines = texts(doc)
    assert lines[:4] == [superior, issuer, "*", number]
    assert style_of(run_of(doc, superior)) == {
        "font": "Times New Roman",
        "size": 14,
        "bold": False,
        "italic": False,
        "underline": False,
    }
    assert style_of(run_of(doc, issuer))["bold"] is True
    assert style_of(run_of(doc, number))["size"] == 14
    assert style_of(run_of(doc, "ĐẢNG CỘNG SẢN VIỆT NAM")) == {
        "font": "Times New Roman",
        "size": 15,
        "bold": True,
        "italic": False,
        "underline": True,
    }
    assert date_line in lines
    date_style = style_of(run_of(doc, date_line))
    assert date_style["italic"] and date_style["size"] == 14


__all__ = ["Pt"]
