"""Reads of a computed report: its tables for the page and the forms, and the
members behind one figure (the same scope rules as the member list)."""

from __future__ import annotations

from dataclasses import dataclass

from dangvien.accounts.scope import Scope
from dangvien.members.models import Member

from . import figures, rules
from .compute import DIMENSIONS
from .errors import ReportError
from .models import ReportResult
from .services import figure_member_ids


@dataclass(frozen=True)
class MovementLine:
    row: figures.Row
    this: int
    last: int | None

    @property
    def percent(self):
        return None if self.last is None else rules.percent(self.this, self.last)


def movement_lines(result: ReportResult, previous: ReportResult | None) -> list[MovementLine]:
    """Form 1's rows with this period's figure and the same period last year's
    (None when not asked). The "other" rows only when not zero."""
    this = result.counts["movement"]
    last = previous.counts["movement"] if previous else None
    lines = []
    for row in figures.FORM_1_ROWS:
        value = figures.movement_value(this, row.code)
        before = figures.movement_value(last, row.code) if last is not None else None
        if row.code.endswith("OTHER") and not value and not before:
            continue
        lines.append(MovementLine(row, value, before))
    return lines


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    count: int
    share: float  # percent of the dimension's total


def composition(result: ReportResult, dim: str) -> list[Category]:
    """A dimension's categories with their counts and shares of D; the unknown
    and empty categories of a catalogue are left out when zero."""
    counts = result.counts["dims"].get(dim, {})
    total = sum(counts.values())
    out = []
    for key, label in figures.dimension_categories(dim):
        n = counts.get(key, 0)
        if n == 0 and (key == "" or dim in ("ethnicity", "religion", "occupation")):
            continue
        out.append(Category(key, label, n, n * 100 / total if total else 0.0))
    return out


PER_PAGE = 100


@dataclass(frozen=True)
class FigurePage:
    """One page of the members behind a figure: `members` those of the page the
    caller's scope reaches (name order), `total` the figure, `hidden` how many
    of the page it does not reach (members of a predecessor outside it)."""

    members: list[Member]
    total: int
    page: int
    page_count: int
    hidden: int

    @property
    def offset(self) -> int:
        """The number before the first of the page (its rows count on from it)."""
        return (self.page - 1) * PER_PAGE


def figure_ids(result: ReportResult, figure: str) -> list[int]:
    """The member ids behind `figure` ("B1", "C5", "dim:age:31_35"), in name
    order. Raises ReportError.FIGURE_UNKNOWN (NotFound)."""
    if figure.startswith(("dim:", "adm:")):
        _, dim, _key = (figure.split(":", 2) + [""])[:3]
        if dim not in DIMENSIONS:
            raise ReportError.FIGURE_UNKNOWN.not_found()
        return figure_member_ids(result, figure)
    row = figures.ROWS_BY_CODE.get(figure)
    if row is None:
        raise ReportError.FIGURE_UNKNOWN.not_found()
    if not row.parts:
        return figure_member_ids(result, row.code)
    # A sum of rows (increases, decreases: the small lists): in name order again.
    ids = _row_ids(result, row)
    return list(
        Member.objects.filter(pk__in=ids).order_by("sort_key", "pk").values_list("pk", flat=True)
    )


def figure_page(scope: Scope, result: ReportResult, figure: str, page: int = 1) -> FigurePage:
    """Page `page` (from 1; beyond the last: the last) of the members behind
    `figure`, PER_PAGE a page, read from the kept lists (one query a page)."""
    ids = figure_ids(result, figure)
    page_count = max(1, -(-len(ids) // PER_PAGE))
    page = min(max(page, 1), page_count)
    chunk = ids[(page - 1) * PER_PAGE : page * PER_PAGE]
    found = {
        m.pk: m
        for m in Member.objects.filter(scope.member_q(), pk__in=chunk).select_related(
            "organization"
        )
    }
    members = [found[pk] for pk in chunk if pk in found]
    return FigurePage(members, len(ids), page, page_count, len(chunk) - len(members))


def figure_label(figure: str) -> str:
    """What a figure counts, as the page names it ("Kết nạp", "Tuổi đời: Từ 31 đến 35")."""
    if figure.startswith(("dim:", "adm:")):
        prefix, dim, key = (figure.split(":", 2) + [""])[:3]
        if dim not in DIMENSIONS:
            raise ReportError.FIGURE_UNKNOWN.not_found()
        labels = dict(figures.dimension_categories(dim))
        who = "Đảng viên mới kết nạp — " if prefix == "adm" else ""
        return f"{who}{figures.DIMENSION_LABELS[dim]}: {labels.get(key, key)}"
    row = figures.ROWS_BY_CODE.get(figure)
    if row is None:
        raise ReportError.FIGURE_UNKNOWN.not_found()
    return row.label


def _row_ids(result: ReportResult, row: figures.Row) -> list[int]:
    if row.parts:
        out: list[int] = []
        for part in row.parts:
            out += _row_ids(result, figures.ROWS_BY_CODE[part])
        return out
    return figure_member_ids(result, row.code)
