"""A statistical form (forms.Form) as an .xlsx sheet in the form's layout: the
reporting body at the top left, "THỐNG KÊ" and the title in the centre, the
form's code and unit at the top right; the lines; the form's checks and notes;
the date line and the two signature blocks (người lập biểu, trưởng ban).
Layout C (comparative) has the percent column as a formula (=C*100/D, blank
when the same period last year is 0), its value cached for readers that do not
compute. Form 3 carries a native chart of the age bands."""

from __future__ import annotations

import datetime as dt
from typing import IO

import xlsxwriter

from dangvien.organizations.models import Level, Organization

from . import rules
from .forms import Form
from .periods import ReportPeriod

FONT = "Times New Roman"


def _signer(org: Organization, on: dt.date) -> tuple[str, str, str]:
    """Who signs the form (capacity, title, name): the head of the organisation
    board for a committee with a board (province, district level), else the
    secretary for the committee or cell ("T/M CHI BỘ", "BÍ THƯ"): the post
    holder of the day (organizations.posts.signer_for), the name blank when
    nobody holds it."""
    from dangvien.organizations.posts import signer_for

    if org.level in (Level.CENTRAL, Level.PROVINCIAL, Level.SUPERIOR):
        signer = signer_for(org, on, "BAN TỔ CHỨC")
    else:
        signer = signer_for(org, on)
    return signer.capacity, signer.title, signer.name


def _heading(org: Organization) -> tuple[str, str]:
    """The reporting body as printed at the top left."""
    board = "BAN TỔ CHỨC" if org.level in (Level.CENTRAL, Level.PROVINCIAL, Level.SUPERIOR) else ""
    return org.document_name.upper(), board


def write_form(
    out: str | IO[bytes],
    forms: Form | list[Form],
    org: Organization,
    period: ReportPeriod,
    *,
    today: dt.date,
) -> None:
    """Write `forms` (one sheet each) of `org` over `period` to `out` (a path
    or a binary file)."""
    forms = forms if isinstance(forms, list) else [forms]
    book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties(
        {"title": f"Biểu số {forms[0].code}", "author": "dangvien", "comments": org.name}
    )
    for number, form in enumerate(forms, start=1):
        _sheet(
            book, form, org, period, today=today, name=f"Trang {number}" if len(forms) > 1 else ""
        )
    book.close()


def _sheet(
    book, form: Form, org: Organization, period: ReportPeriod, *, today: dt.date, name: str
) -> None:
    base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
    box = {**base, "border": 1, "text_wrap": True}
    f = {
        "c": book.add_format({**base, "align": "center", "text_wrap": True}),
        "cb": book.add_format({**base, "align": "center", "bold": True, "text_wrap": True}),
        "title": book.add_format(
            {**base, "align": "center", "bold": True, "font_size": 14, "text_wrap": True}
        ),
        "right": book.add_format({**base, "align": "right", "bold": True}),
        "righti": book.add_format({**base, "align": "right", "italic": True}),
        "head": book.add_format({**box, "align": "center", "bold": True, "bg_color": "#E7E6E6"}),
        "index": book.add_format({**box, "align": "center", "italic": True}),
        "num": book.add_format({**box, "align": "center"}),
        # Labels indented by their level in the form's hierarchy (the cell's indent).
        **{f"label{n}": book.add_format({**box, "indent": n}) for n in range(4)},
        **{f"labelb{n}": book.add_format({**box, "indent": n, "bold": True}) for n in range(4)},
        "n": book.add_format({**box, "align": "right", "num_format": "0"}),
        "nb": book.add_format({**box, "align": "right", "num_format": "0", "bold": True}),
        "pct": book.add_format({**box, "align": "right", "num_format": "0.00"}),
        "avg": book.add_format({**box, "align": "right", "num_format": "0.0"}),
        "note": book.add_format({**base, "italic": True, "text_wrap": True, "valign": "top"}),
        "ok": book.add_format({**base, "font_color": "#1B5E20"}),
        "bad": book.add_format({**base, "font_color": "#B71C1C", "bold": True}),
    }
    sheet = book.add_worksheet(name or f"Biểu {form.code.split('-')[0]}")
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    values = len(form.columns) + (1 if form.comparative else 0)
    last = 1 + values
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 58)
    sheet.set_column(2, last, 14)
    top, board = _heading(org)
    sheet.write_string(0, 0, "", f["c"])
    sheet.merge_range(0, 0, 0, 1, top, f["cb"])
    if board:
        sheet.merge_range(1, 0, 1, 1, board, f["cb"])
    sheet.merge_range(0, 2, 0, last, f"Biểu số {form.code}", f["right"])
    if form.unit:
        sheet.merge_range(1, 2, 1, last, f"Đvt: {form.unit}", f["righti"])
    sheet.merge_range(3, 0, 3, last, "THỐNG KÊ", f["title"])
    sheet.merge_range(4, 0, 4, last, form.title.upper().removeprefix("THỐNG KÊ "), f["title"])
    sheet.merge_range(5, 0, 5, last, period.label.upper(), f["cb"])
    row = 7
    heads = ["TT", "Tiêu chí", *form.columns]
    if form.comparative:
        heads.append("(%) kỳ này so với cùng kỳ năm trước")
    for col, text in enumerate(heads):
        sheet.write_string(row, col, text, f["head"])
    row += 1
    numbers = ["A", "B", *[str(i) for i in range(1, values + 1)]]
    if form.comparative:
        numbers[-1] = f"{values}(=1*100/2)"
    for col, text in enumerate(numbers):
        sheet.write_string(row, col, text, f["index"])
    sheet.repeat_rows(7, 8)
    sheet.freeze_panes(9, 2)
    row += 1
    first_line = row
    for line in form.lines:
        sheet.write_string(row, 0, line.number, f["num"])
        label_style = f"label{'b' if line.bold else ''}{min(line.level, 3)}"
        sheet.write_string(row, 1, line.label, f[label_style])
        for col, value in enumerate(line.values, start=2):
            is_share = form.share_column and col == 1 + len(form.columns)
            value_style = (
                f["pct"]
                if is_share
                else f["avg"]
                if line.average
                else f["nb" if line.bold else "n"]
            )
            if value is None:
                sheet.write_blank(row, col, None, value_style)
            else:
                sheet.write_number(row, col, value, value_style)
        if form.comparative and line.average:  # a mean or a share: no percent of it
            sheet.write_blank(row, last, None, f["pct"])
        elif form.comparative:
            this, before = line.values[0], line.values[1]
            pct = rules.percent(this, before) if this is not None and before is not None else None
            c, d = f"C{row + 1}", f"D{row + 1}"
            sheet.write_formula(
                row,
                last,
                f'=IF(N({d})=0,"",ROUND({c}*100/{d},2))',
                f["pct"],
                float(pct) if pct is not None else "",
            )
        row += 1
    if form.code.startswith("3"):
        _age_chart(book, sheet, form, first_line, row)
    row += 1
    sheet.merge_range(row, 0, row, last, "Kiểm tra các tổng của biểu:", f["note"])
    row += 1
    for what, ok in form.checks:
        sheet.merge_range(
            row, 0, row, last, f"{'Đúng' if ok else 'SAI'}: {what}", f["ok" if ok else "bad"]
        )
        row += 1
    for note in form.notes:
        sheet.merge_range(row, 0, row, last, f"Ghi chú: {note}", f["note"])
        sheet.set_row(row, 32)
        row += 1
    row += 1
    sheet.merge_range(
        row,
        2,
        row,
        last,
        f"…………, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        f["righti"],
    )
    row += 1
    capacity, title, name = _signer(org, today)
    sheet.write_string(row, 1, "NGƯỜI LẬP BIỂU", f["cb"])
    sheet.merge_range(row, 2, row, last, "\n".join(t for t in (capacity, title) if t), f["cb"])
    sheet.set_row(row, 32 if capacity else None)
    row += 1
    sheet.write_string(row, 1, "(Ký, ghi rõ họ và tên; số điện thoại liên hệ)", f["c"])
    sheet.merge_range(row, 2, row, last, "(Ký, đóng dấu, ghi rõ họ và tên)", f["c"])
    if name:
        row += 5
        sheet.merge_range(row, 2, row, last, name, f["cb"])


def _age_chart(book, sheet, form: Form, first: int, end: int) -> None:
    """A column chart of the age bands (the lines under "2 Tuổi đời")."""
    rows = [first + i for i, line in enumerate(form.lines)]
    start = next(
        (r for r, line in zip(rows, form.lines, strict=True) if line.label == "Tuổi đời"), None
    )
    if start is None:
        return
    bands = [r for r in rows if r > start and form.lines[r - first].number == "-"]
    bands = [r for r in bands if not form.lines[r - first].label.startswith("Tuổi bình quân")]
    bands = bands[
        : next((i for i, r in enumerate(bands) if form.lines[r - first].level < 2), len(bands))
    ]
    run: list[int] = []
    for r in bands:
        if run and r != run[-1] + 1:
            break
        run.append(r)
    if not run:
        return
    chart = book.add_chart({"type": "column"})
    name = sheet.get_name()
    chart.add_series(
        {
            "name": "Kỳ này",
            "categories": [name, run[0], 1, run[-1], 1],
            "values": [name, run[0], 2, run[-1], 2],
        }
    )
    chart.set_title({"name": "Đảng viên theo tuổi đời"})
    chart.set_legend({"none": True})
    sheet.insert_chart(first, 6, chart, {"x_scale": 1.3, "y_scale": 1.2})
