"""Reads of a computed report: its tables for the page and the forms, and the
members behind one figure (the same scope rules as the member list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from dangvien.accounts.scope import Scope
from dangvien.members.models import Member

from . import figures, rules
from .activity import DISCIPLINE, activity_label
from .compute import DIMENSIONS
from .errors import ReportError
from .models import ReportResult
from .services import activity_ensure, figure_member_ids


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
    if figure.startswith("act:"):
        if activity_label(figure) is None:
            raise ReportError.FIGURE_UNKNOWN.not_found()
        activity_ensure(result)
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
        for m in Member.objects.filter(_reached(scope, figure), pk__in=chunk).select_related(
            "organization"
        )
    }
    members = [found[pk] for pk in chunk if pk in found]
    return FigurePage(members, len(ids), page, page_count, len(chunk) - len(members))


def _reached(scope: Scope, figure: str) -> Q:
    """The members of a figure's list the caller may see: those of its scope;
    who was disciplined only where it sees the sensitive sections (the board,
    the inspection committee: discipline.selectors.disciplines_visible_to)."""
    if not figure.startswith(DISCIPLINE) or scope.everything:
        return scope.member_q()
    q = Q(pk__in=[])
    for path in scope.sensitive_paths:
        q |= Q(org_path__startswith=path)
    return q


def figure_label(figure: str) -> str:
    """What a figure counts, as the page names it ("Kết nạp", "Tuổi đời: Từ 31 đến 35")."""
    if figure.startswith(("dim:", "adm:")):
        prefix, dim, key = (figure.split(":", 2) + [""])[:3]
        if dim not in DIMENSIONS:
            raise ReportError.FIGURE_UNKNOWN.not_found()
        labels = dict(figures.dimension_categories(dim))
        who = "Đảng viên mới kết nạp — " if prefix == "adm" else ""
        return f"{who}{figures.DIMENSION_LABELS[dim]}: {labels.get(key, key)}"
    if figure.startswith("act:"):
        label = activity_label(figure)
        if label is None:
            raise ReportError.FIGURE_UNKNOWN.not_found()
        return label
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


@dataclass(frozen=True)
class ActivityLine:
    """One figure of the period's work: `value` (a count; đồng when `unit` is
    "dong"), over `of` when it has a base, with its `percent` of it; `figure`
    an "act:" (or form 1) code whose members the page lists, else `link` the
    area's own page."""

    label: str
    value: int
    of: int | None = None
    unit: str = ""
    figure: str = ""
    link: str = ""
    code: str = ""  # what the paper's sentence looks it up by

    @property
    def percent(self) -> float | None:
        if self.of is None:
            return None
        return self.value * 100 / self.of if self.of else None


@dataclass(frozen=True)
class ActivitySection:
    code: str
    title: str
    lines: list[ActivityLine]
    note: str = ""
    span: str = ""  # the months counted ("10/2026–11/2026"), for meetings and dues

    def line(self, code: str) -> ActivityLine | None:
        return next((line for line in self.lines if line.code == code), None)


def activity_sections(result: ReportResult) -> list[ActivitySection]:
    """The period's work (reports.activity) as the page and the paper show it:
    admissions against the target, meetings, dues, discipline, grading."""
    from django.urls import reverse

    from dangvien.discipline.models import OrgSanction, Sanction
    from dangvien.grading.rules import GRADE_LABELS, GRADES

    from .activity import ABSENT, DUES_UNPAID, GRADE

    act = activity_ensure(result)
    org = f"?org={result.organization_id}"
    adm, mtg, dues, disc, grd = (
        act["admissions"],
        act["meetings"],
        act["dues"],
        act["discipline"],
        act["grading"],
    )
    admissions = [
        ActivityLine("Kết nạp đảng viên trong kỳ (kể cả kết nạp lại)", adm["admitted"], figure="B1")
    ]
    note = "Kỳ báo cáo thuộc hai năm: không so với chỉ tiêu năm."
    if adm["year"]:
        year = adm["year"]
        if adm["target"] is None:
            note = f"Chưa giao chỉ tiêu kết nạp năm {year} cho tổ chức này."
        else:
            note = ""
            running = result.end >= timezone.localdate(result.computed_at)
            admissions.append(
                ActivityLine(
                    f"Kết nạp từ 01/01/{year} đến {result.end:%d/%m/%Y}, so với chỉ tiêu năm {year}",
                    adm["year_to_date"],
                    of=adm["target"],
                    code="target",
                    # The targets page counts to today: linked while the period runs.
                    link=f"{reverse('admission_targets')}{org}&nam={year}" if running else "",
                )
            )
    months = [dt.date.fromisoformat(m) for m in act["months"]]
    if months:
        span = f"{months[0]:%m/%Y}" + (f"–{months[-1]:%m/%Y}" if len(months) > 1 else "")
        months_note = f"Các tháng trọn vẹn trong kỳ: {span} (tháng chưa hết không tính)."
        last = f"&thang={months[-1]:%m/%Y}"
    else:
        span = ""
        months_note = "Kỳ không có tháng trọn vẹn nào: không tính sinh hoạt, đảng phí."
        last = ""
    meetings_link = f"{reverse('meetings')}{org}{last}"
    dues_link = f"{reverse('dues')}{org}{last}"
    grading_link = f"{reverse('grading')}{org}&nam={grd['year']}"
    return [
        ActivitySection("admissions", "Kết nạp đảng viên", admissions, note),
        ActivitySection(
            "meetings",
            "Sinh hoạt chi bộ",
            [
                ActivityLine(
                    "Lượt chi bộ sinh hoạt thường kỳ (trên số chi bộ × số tháng)",
                    mtg["regular_held"],
                    of=mtg["cell_months"],
                    link=meetings_link,
                    code="regular_held",
                ),
                ActivityLine("Buổi sinh hoạt chuyên đề", mtg["thematic_held"], link=meetings_link),
                ActivityLine(
                    "Lượt đảng viên dự sinh hoạt thường kỳ (trên số lượt phải dự)",
                    mtg["present"],
                    of=mtg["seats"],
                    link=meetings_link,
                    code="present",
                ),
                ActivityLine(
                    "Đảng viên vắng sinh hoạt không có lý do", mtg["absent_members"], figure=ABSENT
                ),
            ],
            months_note,
            span,
        ),
        ActivitySection(
            "dues",
            "Thu nộp đảng phí",
            [
                ActivityLine(
                    "Đảng phí đã thu (trên số phải thu)",
                    dues["amount_paid"],
                    of=dues["amount_due"],
                    unit="dong",
                    link=dues_link,
                    code="collected",
                ),
                ActivityLine(
                    "Lượt tháng chưa đóng, kể cả được đóng chậm hoặc có lý do "
                    "(trên số lượt tháng phải đóng, trừ được miễn)",
                    dues["not_paid_months"],
                    of=dues["member_months"],
                    link=dues_link,
                ),
                ActivityLine(
                    "Đảng viên không đóng đảng phí, không có lý do",
                    dues["unpaid_members"],
                    figure=DUES_UNPAID,
                    code="unpaid_members",
                ),
            ],
            months_note,
            span,
        ),
        ActivitySection(
            "discipline",
            "Kỷ luật",
            [
                *(
                    ActivityLine(
                        f"Đảng viên bị kỷ luật {label.lower()}",
                        disc["members"].get(form, 0),
                        figure=f"{DISCIPLINE}{form}",
                    )
                    for form, label in Sanction.choices
                ),
                ActivityLine(
                    "Đảng viên bị kỷ luật (mỗi người tính một lần)",
                    disc["members_total"],
                    code="disciplined",
                ),
                *(
                    ActivityLine(f"Tổ chức đảng bị kỷ luật {label.lower()}", n)
                    for form, label in OrgSanction.choices
                    if (n := disc["organizations"].get(form, 0))
                ),
            ],
            "Theo ngày ký quyết định kỷ luật trong kỳ.",
        ),
        ActivitySection(
            "grading",
            f"Đánh giá, xếp loại năm {grd['year']}",
            [
                *(
                    ActivityLine(
                        f"Đảng viên {GRADE_LABELS[g].lower()}",
                        grd["members"].get(g, 0),
                        of=sum(grd["members"].values()),
                        figure=f"{GRADE}{g}",
                    )
                    for g in GRADES
                ),
                *(
                    ActivityLine(
                        f"Tổ chức đảng {GRADE_LABELS[g].lower()}",
                        grd["organizations"].get(g, 0),
                        of=sum(grd["organizations"].get(x, 0) for x in GRADES),
                        link=grading_link,
                    )
                    for g in GRADES
                ),
            ],
            "Kết quả đã quyết định.",
        ),
    ]
