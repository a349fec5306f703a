"""The open cases a caller's scope reaches, by due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from dangvien.accounts.scope import Scope
from dangvien.organizations.models import Organization

from .models import Case, CaseKind

PAGE_SIZE = 50


def cases_visible_to(scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(scope.org_q("org_path"))


@dataclass
class CaseFilter:
    """organization: the subtree (fetched through the scope); kind: a CaseKind;
    acting_body: a workflow Body code; mine: only the cases the caller's writing
    roles must act on (the acting organisation inside their write scope)."""

    organization: Organization | None = None
    kind: str = ""
    overdue_only: bool = False
    today: dt.date | None = None
    acting_body: str = ""
    mine: bool = False


def open_cases(scope: Scope, flt: CaseFilter) -> QuerySet[Case]:
    """Open cases under the filter's organisation (or the whole scope), soonest
    due first; cases without a due date come last.

    The organisation must have been fetched through the scope
    (organization_get_for), so its subtree is inside the scope already."""
    if flt.organization is not None:
        qs = Case.objects.filter(closed_on__isnull=True, org_path__startswith=flt.organization.path)
    else:
        qs = cases_visible_to(scope).filter(closed_on__isnull=True)
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.acting_body:
        qs = qs.filter(acting_body=flt.acting_body)
    if flt.mine and not scope.everything:
        mine = Q(pk__in=[])
        for path in scope.write_paths:
            mine |= Q(acting_path__startswith=path)
        qs = qs.filter(mine)
    if flt.overdue_only:
        qs = qs.filter(due_date__lt=flt.today or dt.date.today())
    return qs.order_by(F("due_date").asc(nulls_last=True), "id")


def encode_case_cursor(case) -> str:
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


@dataclass(frozen=True)
class CaseRow:
    """One open case as the list shows it (plain values, no model instances).

    `step` is a code of the workflow's table and `acting_body` a Body code: the
    web layer (`web.cases.registry`) turns them into words and a link."""

    pk: int
    kind: str
    subject: str
    member_id: int | None
    object_id: int
    organization_id: int
    organization_name: str
    step: str
    detail: str
    acting_body: str
    acting_organization_id: int | None
    acting_organization_name: str | None
    due_date: dt.date | None

    @property
    def kind_label(self) -> str:
        return CaseKind(self.kind).label


ROW_FIELDS = (
    "pk",
    "kind",
    "subject",
    "member_id",
    "object_id",
    "organization_id",
    "organization__name",
    "step",
    "detail",
    "acting_body",
    "acting_organization_id",
    "acting_organization__name",
    "due_date",
)


@dataclass
class CasePage:
    items: list[CaseRow]
    next_cursor: str | None


def open_cases_page(
    scope: Scope, flt: CaseFilter, cursor: str | None = None, size: int = PAGE_SIZE
) -> CasePage:
    """One page of open cases in (due date, id) order, dated ones first (keyset)."""
    qs = open_cases(scope, flt).values_list(*ROW_FIELDS)
    after = decode_case_cursor(cursor)
    if after is not None:
        due, pk = after
        if due is None:
            qs = qs.filter(due_date__isnull=True, pk__gt=pk)
        else:
            qs = qs.filter(
                Q(due_date__gt=due) | Q(due_date=due, pk__gt=pk) | Q(due_date__isnull=True)
            )
    rows = [CaseRow(*values) for values in qs[: size + 1]]
    next_cursor = encode_case_cursor(rows[size - 1]) if len(rows) > size else None
    return CasePage(rows[:size], next_cursor)
