"""The dues books as Excel (issue 11, part 4): the cell's "Sổ thu, nộp đảng
phí" for a year (a row per member, what was owed and paid each month, the
month totals and the shares kept and sent up from the month closes) and the
committee's book (per cell and month: members, due, collected, kept, sent
up; the committee's own share from the reconciliation of the levels).

Read-only: every figure comes from the ledger (DuesLedger), the month closes
(DuesMonthClose) and selectors.reconciliation, so the book reads the same as
the pages. Scope is the caller's business, as for the selectors. Amounts are
numbers in whole đồng (format DONG), never text; years and ids are text or
integers without thousands separators.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dangvien.members.models import Member
from dangvien.organizations.models import Organization

from . import rules, selectors
from .errors import DuesError
from .models import DuesLedger, DuesMonthClose, LedgerStatus

# Whole đồng, a dash for nothing (the accounting convention of the printed books).
DONG = '#,##0;-#,##0;"-"'
WHOLE = "0"  # years, counts, serial numbers: never a thousands separator
FONT = "Times New Roman"

_thin = Side(style="thin", color="000000")
BOX = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
HEAD_FILL = PatternFill("solid", fgColor="E7E6E6")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
UNPAID_FILL = PatternFill("solid", fgColor="F8CBAD")  # unpaid without reason (R5.8)


def _font(size: int = 11, *, bold: bool = False, italic: bool = False, underline=None) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline)


def _month_label(month: dt.date) -> str:
    return f"{month:%m/%Y}"


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    value,
    *,
    fmt: str | None = None,
    font: Font | None = None,
    align: Alignment | None = None,
    fill: PatternFill | None = None,
    border: bool = True,
    span: int = 1,
) -> None:
    """Write one cell (merged over `span` columns), boxed unless told not to."""
    cell = ws.cell(row=row, column=col, value=value)
    if fmt:
        cell.number_format = fmt
    cell.font = font or _font()
    cell.alignment = align or (RIGHT if isinstance(value, int) else LEFT)
    if fill:
        cell.fill = fill
    if border:
        for c in range(col, col + span):
            ws.cell(row=row, column=c).border = BOX
    if span > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)


def _party_header(
    ws: Worksheet, org: Organization, width: int, title: str, period: str, *, today: dt.date
) -> int:
    """The header of a party document (Hướng dẫn 36-HD/VPTW): the superior
    and the issuing organisation top left with a star under them, "ĐẢNG CỘNG
    SẢN VIỆT NAM" top right with the place and date, then the title and the
    period. Returns the next free row."""
    left = width // 2
    right = width - left
    start_right = left + 1
    superior = org.parent.name.upper() if org.parent else ""
    _put(ws, 1, 1, superior, font=_font(12), align=CENTER, border=False, span=left)
    _put(
        ws, 2, 1, org.name.upper(), font=_font(12, bold=True), align=CENTER, border=False, span=left
    )
    _put(ws, 3, 1, "*", font=_font(12), align=CENTER, border=False, span=left)
    _put(
        ws,
        1,
        start_right,
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        font=_font(13, bold=True, underline="single"),
        align=CENTER,
        border=False,
        span=right,
    )
    _put(
        ws,
        3,
        start_right,
        f"……, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        font=_font(12, italic=True),
        align=CENTER,
        border=False,
        span=right,
    )
    _put(ws, 5, 1, title, font=_font(15, bold=True), align=CENTER, border=False, span=width)
    _put(ws, 6, 1, period, font=_font(12, italic=True), align=CENTER, border=False, span=width)
    _put(
        ws,
        7,
        1,
        "Đơn vị tính: đồng",
        font=_font(11, italic=True),
        align=Alignment(horizontal="right"),
        border=False,
        span=width,
    )
    for row, height in ((1, 18), (2, 18), (5, 24)):
        ws.row_dimensions[row].height = height
    return 8


def _signatures(ws: Worksheet, row: int, width: int, left: str, right: str) -> None:
    half = width // 2
    for col, span, text in ((1, half, left), (half + 1, width - half, right)):
        _put(ws, row, col, text, font=_font(12, bold=True), align=CENTER, border=False, span=span)
        if "\n" in text:
            ws.row_dimensions[row].height = 34
        _put(
            ws,
            row + 1,
            col,
            "(Ký, ghi rõ họ và tên)",
            font=_font(11, italic=True),
            align=CENTER,
            border=False,
            span=span,
        )


def _print_setup(ws: Worksheet, header_rows: str, freeze: str) -> None:
    ws.freeze_panes = freeze
    ws.print_title_rows = header_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "Trang &P / &N"


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _months(year: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(1, 13)]


# --- the cell's book -------------------------------------------------------------------


def _note(rows: Iterable[DuesLedger]) -> str:
    """The member's remarks for the year: exemptions, reductions, months unpaid."""
    notes: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        label = f"{row.month:%m}"
        if row.status == LedgerStatus.EXEMPT:
            notes[f"Miễn ({row.reason or 'được miễn'})"].append(label)
        elif row.relief_percent and row.relief_percent < 100:
            notes[f"Giảm {row.relief_percent}%"].append(label)
        if row.status == LedgerStatus.UNPAID:
            notes["Không đóng, không lý do"].append(label)
        elif row.status == LedgerStatus.UNPAID_EXCUSED:
            notes[f"Không đóng ({row.reason})" if row.reason else "Không đóng, có lý do"].append(
                label
            )
        elif row.status == LedgerStatus.DEFERRED:
            notes["Đóng chậm"].append(label)
    return "; ".join(f"{text}: tháng {', '.join(months)}" for text, months in notes.items())


def cell_book(cell: Organization, year: int) -> bytes:
    """The cell's dues book "Sổ thu, nộp đảng phí" for `year` as .xlsx bytes:
    one sheet, a row per member on the cell's ledger that year (Vietnamese
    name order), for each month the amount owed and paid, the year's totals
    and remarks; under them the month totals, members paid, and from each
    month close the share kept by the cell and sent up. Raises not_a_cell
    for an organisation that holds no members."""
    if not cell.holds_members:
        raise DuesError.NOT_A_CELL.error(field="cell", organization=cell.name)
    months = _months(year)
    ledger: dict[int, dict[dt.date, DuesLedger]] = defaultdict(dict)
    for row in DuesLedger.objects.filter(organization=cell, month__year=year).order_by("month"):
        ledger[row.member_id][row.month] = row
    members = list(Member.objects.filter(pk__in=list(ledger)))
    members.sort(key=lambda m: (bytes(m.sort_key or b""), m.pk))
    closes = {
        c.month: c for c in DuesMonthClose.objects.filter(organization=cell, month__year=year)
    }

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"Năm {year}"
    # STT, name, 12 × (owed, paid), year (owed, paid), remarks
    width = 2 + 2 * 12 + 2 + 1
    year_col, note_col = 2 + 2 * 12 + 1, width
    top = _party_header(
        ws,
        cell,
        width,
        "SỔ THU, NỘP ĐẢNG PHÍ",
        f"Năm {year} (từ tháng 01/{year} đến tháng 12/{year})",
        today=dt.date.today(),
    )
    head = _font(11, bold=True)
    _put(ws, top, 1, "STT", font=head, align=CENTER, fill=HEAD_FILL)
    _put(ws, top, 2, "Họ và tên đảng viên", font=head, align=CENTER, fill=HEAD_FILL)
    for i, month in enumerate(months):
        col = 3 + 2 * i
        _put(
            ws,
            top,
            col,
            f"Tháng {month.month:02d}",
            font=head,
            align=CENTER,
            fill=HEAD_FILL,
            span=2,
        )
    _put(ws, top, year_col, "Cả năm", font=head, align=CENTER, fill=HEAD_FILL, span=2)
    _put(ws, top, note_col, "Ghi chú", font=head, align=CENTER, fill=HEAD_FILL)
    sub = top + 1
    for col in (1, 2, note_col):
        ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
        ws.cell(row=sub, column=col).border = BOX
    for i in range(13):
        col = 3 + 2 * i
        _put(ws, sub, col, "Phải đóng", font=_font(10, bold=True), align=CENTER, fill=HEAD_FILL)
        _put(ws, sub, col + 1, "Đã đóng", font=_font(10, bold=True), align=CENTER, fill=HEAD_FILL)
    ws.row_dimensions[sub].height = 28

    row_no = sub + 1
    due_by_month = [0] * 12
    paid_by_month = [0] * 12
    paid_count = [0] * 12
    owing_count = [0] * 12
    for n, member in enumerate(members, start=1):
        rows = ledger[member.pk]
        _put(ws, row_no, 1, n, fmt=WHOLE, align=CENTER)
        _put(ws, row_no, 2, member.full_name)
        year_due = year_paid = 0
        for i, month in enumerate(months):
            col = 3 + 2 * i
            item = rows.get(month)
            if item is None:
                _put(ws, row_no, col, None)
                _put(ws, row_no, col + 1, None)
                continue
            fill = UNPAID_FILL if item.status == LedgerStatus.UNPAID else None
            _put(ws, row_no, col, item.amount_due, fmt=DONG)
            _put(ws, row_no, col + 1, item.amount_paid, fmt=DONG, fill=fill)
            year_due += item.amount_due
            year_paid += item.amount_paid
            due_by_month[i] += item.amount_due
            paid_by_month[i] += item.amount_paid
            owing_count[i] += 1 if item.amount_due else 0
            paid_count[i] += 1 if item.status == LedgerStatus.PAID else 0
        _put(ws, row_no, year_col, year_due, fmt=DONG, font=_font(bold=True))
        _put(ws, row_no, year_col + 1, year_paid, fmt=DONG, font=_font(bold=True))
        _put(ws, row_no, note_col, _note(rows.values()), font=_font(10))
        row_no += 1

    # Totals of each month, then what the month close divided.
    bold = _font(bold=True)
    _put(ws, row_no, 1, "Cộng", font=bold, fill=TOTAL_FILL, span=2)
    for i in range(12):
        col = 3 + 2 * i
        _put(ws, row_no, col, due_by_month[i], fmt=DONG, font=bold, fill=TOTAL_FILL)
        _put(ws, row_no, col + 1, paid_by_month[i], fmt=DONG, font=bold, fill=TOTAL_FILL)
    _put(ws, row_no, year_col, sum(due_by_month), fmt=DONG, font=bold, fill=TOTAL_FILL)
    _put(ws, row_no, year_col + 1, sum(paid_by_month), fmt=DONG, font=bold, fill=TOTAL_FILL)
    _put(ws, row_no, note_col, None, fill=TOTAL_FILL)
    row_no += 1

    def month_line(label: str, values: Sequence[int | str | None], total, fmt: str) -> None:
        nonlocal row_no
        _put(ws, row_no, 1, label, font=bold, span=2)
        for i, value in enumerate(values):
            _put(ws, row_no, 3 + 2 * i, value, fmt=fmt, align=CENTER, span=2)
        _put(ws, row_no, year_col, total, fmt=fmt, font=bold, align=CENTER, span=2)
        _put(ws, row_no, note_col, None)
        row_no += 1

    month_line(
        "Số đảng viên đã đóng / phải đóng",
        [f"{paid_count[i]}/{owing_count[i]}" if owing_count[i] else None for i in range(12)],
        None,
        "@",
    )
    got = [closes.get(m) for m in months]
    month_line(
        "Tỷ lệ trích giữ lại ở chi bộ (%)",
        [c.kept_percent if c else None for c in got],
        None,
        WHOLE,
    )
    month_line(
        "Trích giữ lại ở chi bộ",
        [c.kept if c else None for c in got],
        sum(c.kept for c in got if c),
        DONG,
    )
    month_line(
        "Nộp lên cấp trên",
        [c.sent_up if c else None for c in got],
        sum(c.sent_up for c in got if c),
        DONG,
    )
    month_line(
        "Ngày khóa sổ",
        [f"{c.closed_on:%d/%m/%Y}" if c else "Chưa khóa" if owing_count[i] else None
         for i, c in enumerate(got)],
        None,
        "@",
    )  # fmt: skip
    _signatures(ws, row_no + 1, width, "NGƯỜI THU ĐẢNG PHÍ", "T/M CHI ỦY\nBÍ THƯ")

    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 26
    for col in range(3, year_col):
        ws.column_dimensions[get_column_letter(col)].width = 9.5
    for col in (year_col, year_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 11.5
    ws.column_dimensions[get_column_letter(note_col)].width = 30
    _print_setup(ws, f"{top}:{sub}", f"C{sub + 1}")
    return _save(wb)


# --- the committee's book ----------------------------------------------------------------


COMMITTEE_COLUMNS = (
    ("STT", 5),
    ("Chi bộ", 34),
    ("Số đảng viên phải đóng", 11),
    ("Số đã đóng", 9),
    ("Phải thu", 14),
    ("Đã thu", 14),
    ("Trích giữ lại ở chi bộ", 14),
    ("Nộp lên cấp trên", 14),
    ("Ngày khóa sổ", 12),
)
_AMOUNT_KEYS = ("due", "paid", "kept", "sent_up")


def committee_book(org: Organization, year: int) -> bytes:
    """The committee's dues book for `year` as .xlsx bytes. Sheet "Năm YYYY":
    a block per month with a row per cell of `org`'s subtree that had members
    on the ledger or closed the month (members, members paid, due, collected,
    kept by the cell, sent up, the close date) and the month's total; then
    the year per cell and the year's total; then the committee's own share of
    what its cells sent up (selectors.reconciliation). Sheet "Đối chiếu": the
    reconciliation of every level of the subtree over the year."""
    today = dt.date.today()
    months = [m for m in _months(year) if m <= rules.month_start(today)]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"Năm {year}"
    width = len(COMMITTEE_COLUMNS)
    top = _party_header(
        ws,
        org,
        width,
        "SỔ TỔNG HỢP THU, NỘP ĐẢNG PHÍ",
        f"Năm {year} (từ tháng 01/{year} đến tháng 12/{year})",
        today=today,
    )
    head = _font(11, bold=True)
    for col, (label, size) in enumerate(COMMITTEE_COLUMNS, start=1):
        _put(ws, top, col, label, font=head, align=CENTER, fill=HEAD_FILL)
        ws.column_dimensions[get_column_letter(col)].width = size
    ws.row_dimensions[top].height = 46
    bold = _font(bold=True)
    row_no = top + 1

    def line(n, name, values: dict, *, font=None, fill=None, closed_on=None) -> None:
        nonlocal row_no
        _put(ws, row_no, 1, n, fmt=WHOLE, align=CENTER, font=font, fill=fill)
        _put(ws, row_no, 2, name, font=font, fill=fill)
        _put(ws, row_no, 3, values["members"], fmt=WHOLE, font=font, fill=fill)
        _put(ws, row_no, 4, values["paid_count"], fmt=WHOLE, font=font, fill=fill)
        for col, key in enumerate(_AMOUNT_KEYS, start=5):
            _put(ws, row_no, col, values[key], fmt=DONG, font=font, fill=fill)
        _put(ws, row_no, 9, closed_on, align=CENTER, font=font, fill=fill)
        row_no += 1

    def zero() -> dict:
        return dict.fromkeys(("members", "paid_count", *_AMOUNT_KEYS), 0)

    year_by_cell: dict[int, dict] = {}
    cell_names: dict[int, str] = {}
    year_total = zero()
    for month in months:
        cells = [
            c
            for c in selectors.committee_overview(org, month, today=today)
            if c.members or c.closed is not None
        ]
        if not cells:
            continue
        _put(ws, row_no, 1, f"Tháng {_month_label(month)}", font=bold, fill=HEAD_FILL, span=width)
        row_no += 1
        total = zero()
        for n, c in enumerate(cells, start=1):
            values = {
                "members": c.members,
                "paid_count": c.paid_count,
                "due": c.due,
                "paid": c.paid,
                "kept": c.closed.kept if c.closed else 0,
                "sent_up": c.closed.sent_up if c.closed else 0,
            }
            closed_on = f"{c.closed.closed_on:%d/%m/%Y}" if c.closed else "Chưa khóa"
            line(n, c.organization.name, values, closed_on=closed_on)
            cell_names[c.organization.pk] = c.organization.name
            acc = year_by_cell.setdefault(c.organization.pk, zero())
            for key, value in values.items():
                total[key] += value
                acc[key] += value if key not in ("members", "paid_count") else 0
        line(None, f"Cộng tháng {_month_label(month)}", total, font=bold, fill=TOTAL_FILL)
        for key in _AMOUNT_KEYS:
            year_total[key] += total[key]

    _put(ws, row_no, 1, f"Cả năm {year}", font=bold, fill=HEAD_FILL, span=width)
    row_no += 1
    for n, (pk, values) in enumerate(year_by_cell.items(), start=1):
        _put(ws, row_no, 1, n, fmt=WHOLE, align=CENTER)
        _put(ws, row_no, 2, cell_names[pk])
        _put(ws, row_no, 3, None)
        _put(ws, row_no, 4, None)
        for col, key in enumerate(_AMOUNT_KEYS, start=5):
            _put(ws, row_no, col, values[key], fmt=DONG)
        _put(ws, row_no, 9, None)
        row_no += 1
    _put(ws, row_no, 1, f"Tổng cộng năm {year}", font=bold, fill=TOTAL_FILL, span=4)
    for col, key in enumerate(_AMOUNT_KEYS, start=5):
        _put(ws, row_no, col, year_total[key], fmt=DONG, font=bold, fill=TOTAL_FILL)
    _put(ws, row_no, 9, None, fill=TOTAL_FILL)
    row_no += 2

    levels = selectors.reconciliation(org, dt.date(year, 1, 1), dt.date(year, 12, 1))
    own = next(item for item in levels if item.organization.pk == org.pk)
    for label, value in (
        (f"{org.name}: nhận từ cấp dưới", own.received),
        (f"{org.name}: trích giữ lại", own.kept),
        (f"{org.name}: nộp lên cấp trên", own.sent_up),
    ):
        _put(ws, row_no, 1, label, font=bold, span=6)
        _put(ws, row_no, 7, value, fmt=DONG, font=bold, span=2)
        _put(ws, row_no, 9, None)
        row_no += 1
    _signatures(ws, row_no + 1, width, "NGƯỜI LẬP SỔ", "T/M BAN THƯỜNG VỤ")
    _print_setup(ws, f"{top}:{top}", f"C{top + 1}")

    _reconciliation_sheet(wb, org, year, levels, today)
    return _save(wb)


RECONCILIATION_COLUMNS = (
    ("STT", 5),
    ("Tổ chức đảng", 40),
    ("Thu của đảng viên", 14),
    ("Nhận từ cấp dưới", 14),
    ("Trích giữ lại", 14),
    ("Nộp lên cấp trên", 14),
    ("Điều chỉnh sau khóa sổ", 14),
)


def _reconciliation_sheet(
    wb: Workbook,
    org: Organization,
    year: int,
    levels: list[selectors.LevelRemittance],
    today: dt.date,
) -> None:
    ws = wb.create_sheet("Đối chiếu")
    width = len(RECONCILIATION_COLUMNS)
    top = _party_header(
        ws,
        org,
        width,
        "ĐỐI CHIẾU THU, NỘP ĐẢNG PHÍ CÁC CẤP",
        f"Năm {year} (từ tháng 01/{year} đến tháng 12/{year})",
        today=today,
    )
    for col, (label, size) in enumerate(RECONCILIATION_COLUMNS, start=1):
        _put(ws, top, col, label, font=_font(11, bold=True), align=CENTER, fill=HEAD_FILL)
        ws.column_dimensions[get_column_letter(col)].width = size
    ws.row_dimensions[top].height = 46
    row_no = top + 1
    shown = [
        item
        for item in levels
        if item.organization.pk == org.pk
        or item.collected
        or item.received
        or item.kept
        or item.sent_up
        or item.corrections
    ]
    keys = ("collected", "received", "kept", "sent_up", "corrections")
    totals = dict.fromkeys(keys, 0)
    for n, item in enumerate(shown, start=1):
        indent = max(item.organization.depth - org.depth, 0)
        _put(ws, row_no, 1, n, fmt=WHOLE, align=CENTER)
        _put(ws, row_no, 2, item.organization.name, align=Alignment(indent=indent * 2))
        for col, key in enumerate(keys, start=3):
            _put(ws, row_no, col, getattr(item, key), fmt=DONG)
        totals["collected"] += item.collected
        totals["corrections"] += item.corrections
        row_no += 1
    bold = _font(bold=True)
    _put(ws, row_no, 1, "Cộng thu của đảng viên", font=bold, fill=TOTAL_FILL, span=2)
    _put(ws, row_no, 3, totals["collected"], fmt=DONG, font=bold, fill=TOTAL_FILL)
    for col in range(4, 7):
        _put(ws, row_no, col, None, fill=TOTAL_FILL)
    _put(ws, row_no, 7, totals["corrections"], fmt=DONG, font=bold, fill=TOTAL_FILL)
    _print_setup(ws, f"{top}:{top}", f"C{top + 1}")


__all__ = ["cell_book", "committee_book"]
