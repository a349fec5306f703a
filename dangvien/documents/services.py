"""Issuing numbered party documents and rendering them as .docx (HD 36-HD/VPTW).

Other areas call `document_issue` inside their own transaction (admission,
transfer, exemption, residence liaison...) and `document_render` to get the
file. The context is a dict of plain values (str, int, bool, date, lists and
dicts of them); unknown keys are ignored and missing optional keys are left
out of the paper.

Context keys
------------
All kinds:
    "recipients"        list of "Nơi nhận" lines ("Như trên;", "Lưu VPĐU.");
                        a leading "- " is added when missing
    "signer_capacity"   "T/M CHI BỘ", "T/M BAN THƯỜNG VỤ", "K/T BÍ THƯ"... (default:
                        by the issuer's level)
    "signer_title"      "BÍ THƯ", "PHÓ BÍ THƯ"...
    "signer_name"       the signer's full name; when empty, the holder of the post
                        on the day of issue (signing.py, organizations/posts.py)
                        fills the title and name, or the name stays a dotted
                        blank and "signer_missing" is set
    "addressees"        list of "Kính gửi" lines (letters, introductions)
    "place"             overrides the place on the date line (default: the
                        issuer's commune, else its province)
DECISION ("QĐ"):
    "authority"         the deciding body in caps above the bases
                        ("BAN THƯỜNG VỤ ĐẢNG ỦY XÃ CẨM XUYÊN"), optional
    "bases"             list of "Căn cứ ..." lines
    "articles"          list of strings, rendered "Điều 1. ...", "Điều 2. ..."
                        (a decision issued for a `subject` cites the resolution
                        issued for it since its last decision: "follows")
RESOLUTION ("NQ"):
    "bases", "preamble" (list of paragraphs), "resolutions" (list, rendered
    "1. ...", "2. ..."), "vote" ({"total": 12, "present": 11, "agree": 9,
    "disagree": 2}; "total" is the base of the vote) rendered as a Vietnamese
    sentence; "members" and "official" (the cell's members and official
    members on the day) are added from the event log when missing, and a
    missing "present" prints as a blank to fill
    "tasks"             list of {"assignee": name, "content", "due": date}: the
                        resolution's concrete tasks ("Phân công thực hiện")
LETTER ("CV"), REPORT ("BC"), NOTICE ("TB"), SUBMISSION ("TTr"):
    "paragraphs"        list of paragraphs
TRANSFER_LETTER ("GTSHĐ"):
    "member_name", "birth_date" (date), "gender", "membership" ("chính thức" /
    "dự bị"), "joining_date", "official_date" (dates), "card_number",
    "cv_number", "from_organization", "to_organization", "permanent" (bool,
    default True), "dues_paid_through" ("10/2026"), "present_by" (date),
    "register_number" (default: the letter's own number in the register),
    "valid_until" (date); a receipt part for the receiving side is printed
    below the letter.
MINUTES ("BB", biên bản sinh hoạt chi bộ):
    "facts"             list of {"label", "value"} (time, length, place, chair,
                        recorder); "attendance_lines" (the counts and names of
                        the roll call); "sections" (list of {"heading",
                        "paragraphs"}: agenda, content, opinions, conclusions,
                        vote); "closing_text"; "chair_name", "recorder_name"
                        (signatures "CHỦ TRÌ" and "THƯ KÝ"; dotted when empty,
                        and "names_missing" is set)
RESIDENCE_INTRODUCTION ("GTCT", QĐ 213-QĐ/TW):
    "member_name", "birth_date", "post" (title and workplace), "residence"
    (address), "to_organization", "paragraphs"
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from dangvien.core.errors import DomainError
from dangvien.organizations.models import Organization

from . import rules
from .models import DocumentCounter, DocumentKind, DocumentTerm, IssuedDocument
from .render import clean_text, context_encode, render_docx
from .signing import complete_context


def _issuer_place(organization: Organization) -> str:
    """The place on the date line: the commune of the issuer, else of the nearest
    organisation above it that has one, else the nearest province."""
    province = ""
    node: Organization | None = organization
    while node is not None:
        if node.commune is not None:
            return rules.place_name(node.commune.name)
        if node.province is not None and not province:
            province = rules.place_name(node.province.name)
        node = node.parent
    return province


def _next_number(organization: Organization, kind: str, term_start: dt.date) -> int:
    """The next number of the sequence, taken under a row lock (two issues never share one)."""
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(
                organization=organization, kind=kind, term_start=term_start
            )
    except IntegrityError:
        pass  # a concurrent issue created the counter first; lock it below
    counter = DocumentCounter.objects.select_for_update().get(
        organization=organization, kind=kind, term_start=term_start
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def document_issue(
    *,
    actor,
    organization: Organization,
    kind: str,
    date: dt.date,
    summary: str,
    context: dict,
    concerns_path: str = "",
    subject: models.Model | None = None,
) -> IssuedDocument:
    """Give the next number of (issuer, kind, term) and store the document.

    `organization` issues it; `concerns_path` is the path of the cell it is
    about, so that whoever reaches either path may read it; `subject` is the
    record it belongs to (an admission, a transfer...).
    """
    if kind not in DocumentKind.values:
        raise DomainError("Loại văn bản không hợp lệ.", field="kind", code="invalid_kind")
    if not isinstance(date, dt.date):
        raise DomainError("Ngày ban hành không hợp lệ.", field="date")
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(context, dict):
        raise DomainError("Nội dung văn bản không hợp lệ.", field="context")
    if subject is not None and subject.pk is None:
        raise DomainError("Văn bản phải gắn với một hồ sơ đã lưu.", field="subject")
    summary = clean_text(summary or "").strip()
    if len(summary) > 500:
        raise DomainError("Trích yếu dài quá 500 ký tự.", field="summary")

    term_starts = list(
        DocumentTerm.objects.filter(organization=organization).values_list("starts_on", flat=True)
    )
    term_start = rules.term_key(kind, date, term_starts)
    number = _next_number(organization, kind, term_start)
    parent = organization.parent
    context = complete_context(
        organization=organization, kind=kind, on=date, context=context, subject=subject
    )
    encoded = context_encode(context)
    place = encoded.get("place") if isinstance(encoded.get("place"), str) else None
    return IssuedDocument.objects.create(
        organization=organization,
        org_path=organization.path,
        concerns_path=concerns_path or "",
        kind=kind,
        term_start=term_start,
        number=number,
        symbol=rules.document_symbol(number, kind, organization.level, date),
        date=date,
        summary=summary,
        superior_name=parent.document_name if parent else "",
        issuer_name=organization.document_name or organization.name.upper(),
        place=place if place is not None else _issuer_place(organization),
        context=encoded,
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=subject.pk if subject is not None else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def document_void(
    *,
    actor,
    document: IssuedDocument,
    on: dt.date,
    reason: str,
    replaced_by: IssuedDocument | None = None,
) -> IssuedDocument:
    """Mark an issued document void from `on` (the paper was lost or damaged and
    is issued again): it keeps its number and stays in the register and in the
    record it belongs to, never deleted. Refused for a document already void."""
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.voided_on is not None:
        raise DomainError(
            f"Văn bản số {document.symbol} đã hủy giá trị từ ngày {document.voided_on:%d/%m/%Y}.",
            field="document",
            code="document_already_void",
        )
    reason = clean_text(reason or "").strip()
    if not reason:
        raise DomainError("Ghi lý do hủy giá trị văn bản.", field="void_reason", code="void_reason")
    if on < document.date:
        raise DomainError(
            "Ngày hủy giá trị không được trước ngày ban hành.", field="date", code="void_date"
        )
    document.voided_on = on
    document.void_reason = reason[:255]
    document.replaced_by = replaced_by
    document.save(update_fields=["voided_on", "void_reason", "replaced_by"])
    return document


def document_render(document: IssuedDocument) -> bytes:
    """The .docx bytes of an issued document, rendered from its template."""
    return render_docx(document)


@transaction.atomic
def document_term_start(
    *, actor, organization: Organization, starts_on: dt.date, label: str = ""
) -> DocumentTerm:
    """Record that a new committee term of `organization` starts on `starts_on`:
    each type of document it issues from that day is numbered from 01 again."""
    if DocumentTerm.objects.filter(organization=organization, starts_on=starts_on).exists():
        raise DomainError("Nhiệm kỳ bắt đầu từ ngày này đã được ghi.", field="starts_on")
    return DocumentTerm.objects.create(
        organization=organization,
        starts_on=starts_on,
        label=clean_text(label)[:80],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
