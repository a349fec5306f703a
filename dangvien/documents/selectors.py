"""Reads of issued documents, always through the caller's scope.

A document is visible to whoever reaches the issuing organisation or the cell
it concerns; anything else answers 404. The papers of a sensitive record (a
discipline decision) are visible only to whoever sees the record itself
(`discipline.selectors.disciplines_visible_to`), never to the cell's readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from dangvien.accounts.scope import Scope
from dangvien.organizations.models import Organization

from .models import IssuedDocument


def _under(path: str) -> Q:
    return Q(org_path__startswith=path) | Q(concerns_path__startswith=path)


def _sensitive_subjects() -> dict[int, Callable[[Scope], QuerySet]]:
    """content type id → the function giving the records of that model a scope sees."""
    from django.contrib.contenttypes.models import ContentType

    from dangvien.discipline.models import Discipline
    from dangvien.discipline.selectors import disciplines_visible_to

    return {ContentType.objects.get_for_model(Discipline).pk: disciplines_visible_to}


def _sensitive_filter(
    documents: QuerySet[IssuedDocument], scope: Scope
) -> QuerySet[IssuedDocument]:
    """Keep the papers of sensitive records only where the scope sees the record."""
    if scope.everything:
        return documents
    allowed = Q(content_type_id__isnull=True) | ~Q(content_type_id__in=list(_sensitive_subjects()))
    for type_id, visible_to in _sensitive_subjects().items():
        allowed |= Q(
            content_type_id=type_id,
            object_id__in=visible_to(scope).values("pk"),
        )
    return documents.filter(allowed)


def documents_visible_to(
    scope: Scope, *, organization: Organization | None = None, kind: str = ""
) -> QuerySet[IssuedDocument]:
    """Documents issued by or concerning the scope (and `organization`'s subtree), newest first."""
    documents = IssuedDocument.objects.select_related("organization")
    if not scope.everything:
        reach = Q(pk__in=[])
        for path in scope.paths:
            reach |= _under(path)
        documents = documents.filter(reach)
    if organization is not None:
        documents = documents.filter(_under(organization.path))
    if kind:
        documents = documents.filter(kind=kind)
    return _sensitive_filter(documents, scope).order_by("-date", "-id")


def documents_page(
    documents: QuerySet[IssuedDocument], *, after: tuple[dt.date, int] | None, size: int = 50
) -> tuple[list[IssuedDocument], tuple[dt.date, int] | None]:
    """One page of a newest-first list, keyset on (date, id); the key of the next page or None."""
    if after is not None:
        day, pk = after
        documents = documents.filter(Q(date__lt=day) | Q(date=day, id__lt=pk))
    rows = list(documents[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, (rows[-1].date, rows[-1].pk)


def document_get_for(scope: Scope, pk) -> IssuedDocument:
    """The document if the scope reaches its issuer or the cell it concerns; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    document = IssuedDocument.objects.select_related("organization").filter(pk=pk).first()
    if document is None:
        raise Http404
    if not (
        scope.reaches_path(document.org_path)
        or (document.concerns_path and scope.reaches_path(document.concerns_path))
    ):
        raise Http404
    if not _sensitive_filter(IssuedDocument.objects.filter(pk=document.pk), scope).exists():
        raise Http404
    return document


def documents_of(subject) -> QuerySet[IssuedDocument]:
    """The documents issued for one record (an admission, a transfer...), oldest first.
    Callers have already checked the record is in scope."""
    from django.contrib.contenttypes.models import ContentType

    return IssuedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).order_by("date", "id")
