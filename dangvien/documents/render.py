"""Rendering an issued document into its .docx template (docxtpl, autoescaped).

The templates live in templates_docx/ and are written by build_templates.py;
an operator may replace a file with one of their own that uses the same tags.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from . import rules
from .models import DocumentKind, IssuedDocument

# Characters XML 1.0 cannot hold (Word refuses the file): control characters
# other than tab, newline and carriage return.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DATE_TAG = "__date__"


def clean_text(value: str) -> str:
    return _XML_ILLEGAL.sub("", value)


def context_encode(value: Any) -> Any:
    """The context as JSON can store it: dates tagged, text cleaned of control characters."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return {_DATE_TAG: value.isoformat()}
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return value
    if isinstance(value, dict):
        return {str(k): context_encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [context_encode(v) for v in value]
    return clean_text(str(value))


def context_decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_DATE_TAG}:
            return dt.date.fromisoformat(value[_DATE_TAG])
        return {k: context_decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [context_decode(v) for v in value]
    return value


TEMPLATE_DIR = Path(__file__).resolve().parent / "templates_docx"

TEMPLATE_FILES = {
    DocumentKind.DECISION: "decision.docx",
    DocumentKind.RESOLUTION: "resolution.docx",
    DocumentKind.LETTER: "letter.docx",
    DocumentKind.REPORT: "report.docx",  # the general layout, with tables if any
    DocumentKind.NOTICE: "general.docx",
    DocumentKind.SUBMISSION: "general.docx",
    DocumentKind.TRANSFER_LETTER: "transfer_letter.docx",
    DocumentKind.RESIDENCE_INTRODUCTION: "residence_introduction.docx",
    DocumentKind.MINUTES: "minutes.docx",
    # The member's self-review (grading): the minutes' layout, signed by the
    # member and the cell committee.
    DocumentKind.SELF_REVIEW: "minutes.docx",
}

# The type name printed under the header (HD 36 box 5a).
TITLES = {
    DocumentKind.DECISION: "QUYẾT ĐỊNH",
    DocumentKind.RESOLUTION: "NGHỊ QUYẾT",
    DocumentKind.LETTER: "",
    DocumentKind.REPORT: "BÁO CÁO",
    DocumentKind.NOTICE: "THÔNG BÁO",
    DocumentKind.SUBMISSION: "TỜ TRÌNH",
    DocumentKind.TRANSFER_LETTER: "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG",
    DocumentKind.RESIDENCE_INTRODUCTION: "GIẤY GIỚI THIỆU",
    DocumentKind.MINUTES: "BIÊN BẢN",
    DocumentKind.SELF_REVIEW: "BẢN KIỂM ĐIỂM CÁ NHÂN",
}

RESIDENCE_SUMMARY = (
    "Đảng viên đang công tác về giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"
)


def template_path(kind: str) -> Path:
    return TEMPLATE_DIR / TEMPLATE_FILES[DocumentKind(kind)]


def format_date(value: Any, precision: str | None = None) -> str:
    """dd/mm/yyyy for a date; a date known only in part by its `precision`
    (members.models.DatePrecision): «03/1960» for "month", «năm 1960» for "year"
    (members.dates.format_partial_date; a `PartialDate` carries its own). Text is
    kept as the caller wrote it; None or "" gives ""."""
    from dangvien.members.dates import PartialDate, format_partial_date

    if isinstance(value, PartialDate):
        return format_partial_date(value.date, value.precision)
    if isinstance(value, dt.date):
        return format_partial_date(value, precision or "day")
    return str(value) if value not in (None, "") else ""


def _texts(value: Any, *, split_lines: bool = False) -> list[str]:
    """A list of non-empty strings from a list (or a single string)."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else [value]
    texts: list[str] = []
    for item in items:
        if item in (None, ""):
            continue
        text = str(item)
        if split_lines:
            texts.extend(line for line in text.splitlines() if line.strip())
        elif text.strip():
            texts.append(" ".join(text.splitlines()))
    return texts


def _recipient_line(line: str) -> str:
    return line if line.lstrip().startswith(("-", "+")) else f"- {line}"


def _percent(part: int, whole: int) -> str:
    """12,5% with a Vietnamese decimal comma; whole numbers without decimals."""
    value = round(part * 100 / whole, 2)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


BLANK_COUNT = "....."
BLANK_NAME = "......................................"


def vote_sentence(vote: Any) -> str:
    """The counts and vote of a resolution as one sentence: the cell's members and
    official members, those present, then agreeing and disagreeing counts with
    their share of the base ("total": the members counted in the vote; Điều lệ
    Đảng Điều 9: shares of the whole). When the members are known but those
    present are not, "có mặt" is printed as a blank for the cell to fill."""
    if not isinstance(vote, dict):
        return ""

    def number(key: str) -> int | None:
        value = vote.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    members, official = number("members"), number("official")
    total, present = number("total"), number("present")
    present_official = number("present_official")
    agree, disagree = number("agree"), number("disagree")
    parts: list[str] = []
    if members is not None:
        head = f"Tổng số đảng viên của chi bộ: {members} đồng chí"
        if official is not None:
            head += f" (đảng viên chính thức: {official} đồng chí)"
        parts.append(head)
        if present is not None:
            parts.append(f"có mặt: {present} đồng chí, vắng mặt {members - present} đồng chí")
        elif present_official is not None and official is not None:
            parts.append(
                f"đảng viên chính thức có mặt: {present_official} đồng chí, vắng mặt "
                f"{official - present_official} đồng chí"
            )
        else:
            parts.append(f"có mặt: {BLANK_COUNT} đồng chí, vắng mặt {BLANK_COUNT} đồng chí")
        if total is not None and total != official:
            parts.append(f"số đảng viên chính thức được tính khi biểu quyết: {total} đồng chí")
    else:
        if total is not None:
            parts.append(f"Tổng số đảng viên của chi bộ: {total} đồng chí")
        if present is not None:
            absent = f", vắng mặt {total - present} đồng chí" if total is not None else ""
            parts.append(f"có mặt: {present} đồng chí{absent}")
    for label, count in (("tán thành", agree), ("không tán thành", disagree)):
        if count is None:
            continue
        share = f"/{total} (đạt {_percent(count, total)})" if total else ""
        parts.append(f"số đồng chí {label}: {count}{share}")
    if not parts:
        return ""
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def _fields(rows: list[tuple[str, Any]]) -> list[dict[str, str]]:
    return [
        {"label": label, "value": format_date(value)}
        for label, value in rows
        if value not in (None, "")
    ]


def report_tables(value: Any) -> list[dict[str, Any]]:
    """A report's tables from its stored context: each {title, heads (5 texts),
    rows: [{cells: 5 texts}]}; anything else is left out."""
    tables = []
    for table in _dicts(value):
        heads = [str(h) for h in (table.get("heads") or [])][:5]
        heads += [""] * (5 - len(heads))
        rows = []
        for row in table.get("rows") or []:
            if isinstance(row, list):
                cells = ["" if c is None else str(c) for c in row][:5]
                rows.append({"cells": cells + [""] * (5 - len(cells))})
        tables.append({"title": str(table.get("title") or ""), "heads": heads, "rows": rows})
    return tables


def render_context(document: IssuedDocument) -> dict[str, Any]:
    data = context_decode(document.context or {})
    kind = document.kind
    context: dict[str, Any] = {
        "superior_name": document.superior_name,
        "issuer_name": document.issuer_name,
        "number_line": f"Số {document.symbol}",
        "symbol": document.symbol,
        "place_date": _place_date(document),
        "date": format_date(document.date),
        "title": TITLES[DocumentKind(kind)],
        "summary": document.summary,
        "recipients": [_recipient_line(r) for r in _texts(data.get("recipients"))],
        "addressees": _texts(data.get("addressees")),
        **_signature(document, data),
        "authority": str(data.get("authority") or "").upper(),
        "bases": _texts(data.get("bases")),
        "articles": _texts(data.get("articles")),
        "preamble": _texts(data.get("preamble"), split_lines=True),
        "resolutions": _texts(data.get("resolutions")),
        "vote_text": vote_sentence(data.get("vote")),
        "paragraphs": _texts(data.get("paragraphs"), split_lines=True),
        "member_name": str(data.get("member_name") or ""),
        "to_organization": str(data.get("to_organization") or ""),
    }
    introduces = kind in (DocumentKind.TRANSFER_LETTER, DocumentKind.RESIDENCE_INTRODUCTION)
    if introduces and not context["addressees"] and context["to_organization"]:
        context["addressees"] = [context["to_organization"]]
    if kind == DocumentKind.TRANSFER_LETTER:
        permanent = data.get("permanent", True) is not False
        context["transfer_label"] = "(Chính thức)" if permanent else "(Tạm thời)"
        context["transfer_word"] = "chính thức" if permanent else "tạm thời"
        context["register_number"] = str(data.get("register_number") or f"{document.number:02d}")
        context["fields"] = _fields(
            [
                ("Giới thiệu đồng chí", data.get("member_name")),
                ("Giới tính", data.get("gender")),
                ("Sinh ngày", data.get("birth_date")),
                ("Là đảng viên", data.get("membership")),
                ("Vào Đảng ngày", data.get("joining_date")),
                ("Chính thức ngày", data.get("official_date")),
                ("Số thẻ đảng viên", data.get("card_number")),
                ("Số lý lịch", data.get("cv_number")),
                ("Hiện sinh hoạt tại", data.get("from_organization")),
                (
                    f"Được chuyển đến sinh hoạt đảng {context['transfer_word']} tại",
                    data.get("to_organization"),
                ),
                ("Đã đóng đảng phí hết tháng", data.get("dues_paid_through")),
                ("Đề nghị đồng chí trình giấy này trước ngày", data.get("present_by")),
                ("Giấy có giá trị đến ngày", data.get("valid_until")),
            ]
        )
    elif kind == DocumentKind.RESOLUTION:
        context["tasks"] = _tasks(data.get("tasks"))
    elif kind == DocumentKind.REPORT:
        context["tables"] = report_tables(data.get("tables"))
    elif kind in (DocumentKind.MINUTES, DocumentKind.SELF_REVIEW):
        context["fields"] = _fields(
            [(str(f.get("label") or ""), f.get("value")) for f in _dicts(data.get("facts"))]
        )
        context["attendance_lines"] = _texts(data.get("attendance_lines"))
        context["sections"] = [
            {
                "heading": str(s.get("heading") or ""),
                "paragraphs": _texts(s.get("paragraphs"), split_lines=True),
            }
            for s in _dicts(data.get("sections"))
            if _texts(s.get("paragraphs"), split_lines=True)
        ]
        context["closing_text"] = str(data.get("closing_text") or "")
        for role, title in (("chair", "CHỦ TRÌ"), ("recorder", "THƯ KÝ")):
            context[f"{role}_title"] = str(data.get(f"{role}_title") or title).upper()
            context[f"{role}_name"] = str(data.get(f"{role}_name") or "") or BLANK_NAME
    elif kind == DocumentKind.RESIDENCE_INTRODUCTION:
        context["summary"] = document.summary or RESIDENCE_SUMMARY
        context["fields"] = _fields(
            [
                ("Giới thiệu đồng chí", data.get("member_name")),
                ("Sinh ngày", data.get("birth_date")),
                ("Chức vụ, đơn vị công tác", data.get("post")),
                ("Nơi cư trú", data.get("residence")),
            ]
        )
    return context


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _tasks(value: Any) -> list[dict[str, str]]:
    """A resolution's tasks: {"assignee": name, "content": ..., "due": date}."""
    return [
        {
            "assignee": str(t.get("assignee") or BLANK_NAME),
            "content": " ".join(str(t.get("content") or "").split()),
            "due": format_date(t.get("due")),
        }
        for t in _dicts(value)
        if t.get("content")
    ]


def _signature(document: IssuedDocument, data: dict) -> dict[str, str]:
    """The signature block. A paper issued while nobody held the post is looked
    up again (a post recorded later for that day fills it); still nobody: a
    dotted blank for the name, to be written by hand."""
    capacity = str(data.get("signer_capacity") or "")
    title = str(data.get("signer_title") or "")
    name = str(data.get("signer_name") or "")
    if not name and data.get("signer_missing") and document.organization_id:
        from dangvien.organizations.posts import signer_for

        signer = signer_for(document.organization, document.date, capacity or None)
        if not signer.missing:
            capacity, title, name = signer.capacity, signer.title, signer.name
    return {
        "signer_capacity": capacity.upper(),
        "signer_title": title.upper(),
        "signer_name": name or (BLANK_NAME if data.get("signer_missing") else ""),
    }


def _place_date(document: IssuedDocument) -> str:
    return rules.place_date_line(document.place, document.date)


def render_docx(document: IssuedDocument) -> bytes:
    template = DocxTemplate(template_path(document.kind))
    template.render(render_context(document), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
