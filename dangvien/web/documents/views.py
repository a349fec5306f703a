"""Pages of this area (Vietnamese); views parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangvien.accounts.scope import scope_for
from dangvien.documents import selectors
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.services import document_render
from dangvien.organizations.selectors import organization_get_for

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download_name(document: IssuedDocument) -> str:
    """'Quyết định 12-QĐ-ĐU ngày 07-03-2026.docx' (no slash in a file name)."""
    symbol = document.symbol.replace("/", "-")
    return f"{document.get_kind_display()} {symbol} ngày {document.date:%d-%m-%Y}.docx"


def _ascii_name(name: str) -> str:
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", name)
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-._") else "_" for ch in plain)


def content_disposition(name: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    return f"attachment; filename=\"{_ascii_name(name)}\"; filename*=UTF-8''{quote(name)}"


@login_required
@require_GET
def document_download(request: HttpRequest, pk) -> HttpResponse:
    document = selectors.document_get_for(scope_for(request.user), pk)
    response = HttpResponse(document_render(document), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(download_name(document))
    response["Cache-Control"] = "private, no-store"
    return response


def _page_key(value: str | None) -> tuple[dt.date, int] | None:
    """'2026-03-07.15' -> (date, id); anything else -> the first page."""
    try:
        day, pk = (value or "").split(".", 1)
        key = (dt.date.fromisoformat(day), int(pk))
    except ValueError:
        return None
    return key if 0 < key[1] < 2**63 else None


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    org_id = request.GET.get("org")
    org = organization_get_for(scope, org_id) if org_id else None
    kind = request.GET.get("loai", "")
    kind = kind if kind in DocumentKind.values else ""
    documents, next_key = selectors.documents_page(
        selectors.documents_visible_to(scope, organization=org, kind=kind),
        after=_page_key(request.GET.get("tiep")),
    )
    context = {
        "org": org,
        "kind": kind,
        "kinds": DocumentKind.choices,
        "documents": documents,
        "next_key": f"{next_key[0].isoformat()}.{next_key[1]}" if next_key else "",
        # Issuers whose posts page the caller reaches: a paper issued above the
        # caller's subtree is listed (it concerns them) but its issuer is not theirs.
        "reached_issuers": {d.organization_id for d in documents if scope.reaches_path(d.org_path)},
    }
    return render(request, "documents/list.html", context)
