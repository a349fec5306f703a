"""The open cases a caller's scope reaches, by due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from dangvien.accounts.scope import Scope
from dangvien.organizations.models import Organization

from .models import Case

PAGE_SIZE = 50


def cases_visible_to(scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(scope.org_q("org_path"))


@dataclass
class CaseFilter:
    organization: Organization | None = None
    kind: str = ""
    overdue_only: bool = False
    today: dt.date | None = None


def open_cases(scope: Scope, flt: CaseFilter) -> QuerySet[Case]:
    """Open cases under the filter's organisation (or the whole scope), soonest
    due first; cases without a due date come last."""
    qs = cases_visible_to(scope).filter(closed_on__isnull=True)
    if flt.organization is not None:
        qs = qs.filter(org_path__startswith=flt.organization.path)
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.overdue_only:
        qs = qs.filter(due_date__lt=flt.today or dt.date.today())
    return qs.order_by(F("due_date").asc(nulls_last=True), "id")


def encode_case_cursor(case: Case) -> str:
    return f"{case.due_date.isoformat() if case.due_date else '-'}_{case.pk}"


def decode_case_cursor(cursor: str | None) -> tuple[dt.date | None, int] | None:
    """The (due date, id) after which the next page starts; None when unreadable."""
    if not cursor or "_" not in cursor or len(cursor) > 40:
        return None
    due, _, pk = cursor.partition("_")
    try:
        return (None if due == "-" else dt.date.fromisoformat(due)), int(pk)
    except ValueError:
        return None


@dataclass
class CasePage:
    items: list[Case]
    next_cursor: str | None


def open_cases_page(
    scope: Scope, flt: CaseFilter, cursor: str | None = None, size: int = PAGE_SIZE
) -> CasePage:
    """One page of open cases in (due date, id) order, dated ones first (keyset)."""
    qs = open_cases(scope, flt).select_related("organization")
    after = decode_case_cursor(cursor)
    if after is not None:
        due, pk = after
        if due is None:
            qs = qs.filter(due_date__isnull=True, pk__gt=pk)
        else:
            qs = qs.filter(
                Q(due_date__gt=due) | Q(due_date=due, pk__gt=pk) | Q(due_date__isnull=True)
            )
    rows = list(qs[: size + 1])
    next_cursor = encode_case_cursor(rows[size - 1]) if len(rows) > size else None
    return CasePage(rows[:size], next_cursor)
