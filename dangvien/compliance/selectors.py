"""The open cases a caller's scope reaches, by due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, QuerySet

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
