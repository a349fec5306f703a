"""The statistical forms (biểu thống kê) of HD 11-HD/BTCTW filled from a computed
report: their lines with this period's figure and the same period last year's,
and the form's own totals checked (report-forms.md lists each form's checks).

Each form is a list of Line; xlsx.py writes it in the form's layout. The lines
a member record has no field for (Đoàn viên, chủ doanh nghiệp tư nhân, hôn nhân
với người nước ngoài) are printed blank and named in the form's notes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from dangvien.core.vietnamese import fold
from dangvien.members.models import CatalogItem, CatalogKind, Gender, Status
from dangvien.organizations.models import Organization

from . import figures
from .errors import ReportError
from .models import ReportResult
from .services import dimension_index


@dataclass
class Line:
    number: str
    label: str
    values: list[Any]  # one per value column (a count, or a float for a mean); None blank
    level: int = 0
    bold: bool = False
    figure: str = ""  # the drill-down figure of this period's value, if any
    average: bool = False  # a mean or a share (decimals), not a count: no percent column


@dataclass
class Form:
    code: str  # "1-BTCTW"
    title: str
    unit: str
    columns: list[str]  # value column headings
    lines: list[Line]
    checks: list[tuple[str, bool]]
    notes: list[str] = field(default_factory=list)
    comparative: bool = True  # layout C: this, last year, percent
    share_column: bool = False  # form 4: a percent of the section


FORMS = {
    "1": "Thống kê tăng, giảm đảng viên",
    "2": "Thống kê đảng viên mới kết nạp",
    "3": "Thống kê đội ngũ đảng viên",
    "4": "Thống kê đảng viên chia theo dân tộc và tôn giáo",
    "5": "Thống kê tổ chức đảng và đảng viên trong các loại hình cơ sở",
    "7": "Thống kê về nghiệp vụ công tác đảng viên",
    "XL": "Thống kê kết quả đánh giá, xếp loại chất lượng",
}


def build_forms(number: str, result: ReportResult, previous: ReportResult | None) -> list[Form]:
    """The sheets of form `number`: form 2 has two pages (its second by
    ethnicity and religion), the others one."""
    if number == "2":
        return [_form_2(result, previous), _form_4(result, "adm")]
    return [build_form(number, result, previous)]


def build_form(number: str, result: ReportResult, previous: ReportResult | None) -> Form:
    """Form `number` ("1", "2", "3", "4"; form 2's first page) of `result`,
    compared with `previous` (the same period last year; None: the column is
    blank). Raises ReportError.FORM_UNKNOWN (NotFound)."""
    if number == "2":
        return _form_2(result, previous)
    if number == "1":
        return _form_1(result, previous)
    if number == "3":
        return _form_3(result, previous)
    if number == "4":
        return _form_4(result)
    if number == "5":
        return _form_5(result)
    if number == "7":
        return _form_7(result, previous)
    if number == "XL":
        return _form_grading(result, previous)
    raise ReportError.FORM_UNKNOWN.not_found()


BADGE_MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)


def _work_counts(result: ReportResult) -> dict[str, int]:
    """Form 7's counts over the report's organisation and period: badges
    decided (by milestone), transfers introduced out and received in (by kind)."""
    from dangvien.badges.models import AwardStatus, BadgeAward
    from dangvien.movements.models import Transfer

    path, start, end = result.organization.path, result.start, result.end
    out: dict[str, int] = {}
    badges = (
        BadgeAward.objects.filter(
            org_path__startswith=path,
            decided_on__gte=start,
            decided_on__lte=end,
            status__in=(AwardStatus.DECIDED, AwardStatus.AWARDED, AwardStatus.RETURNED),
        )
        .values("milestone")
        .annotate(n=Count("pk"))
    )
    for row in badges:
        out[f"badge:{row['milestone']}"] = row["n"]
    sent = (
        Transfer.objects.filter(from_path__startswith=path, sent_on__gte=start, sent_on__lte=end)
        .exclude(to_path__startswith=path)
        .values("kind")
        .annotate(n=Count("pk"))
    )
    for row in sent:
        out[f"out:{row['kind']}"] = row["n"]
    received = (
        Transfer.objects.filter(
            to_path__startswith=path, received_on__gte=start, received_on__lte=end
        )
        .exclude(from_path__startswith=path)
        .values("kind")
        .annotate(n=Count("pk"))
    )
    for row in received:
        out[f"in:{row['kind']}"] = row["n"]
    return out


def _form_7(result: ReportResult, previous: ReportResult | None) -> Form:
    """Form 7-BTCTW (membership work in the period): badges by milestone (II),
    transfers of party activity introduced out and received (IV, lượt: a
    transfer inside the organisation's subtree is neither). Rows I (awards) and
    III (party cards) print blank: the system does not record them yet."""
    this = _work_counts(result)
    last = _work_counts(previous) if previous is not None else None

    def pair(key: str) -> list[int | None]:
        return [this.get(key, 0), None if last is None else last.get(key, 0)]

    def total(counts: dict | None, prefix: str) -> int | None:
        if counts is None:
            return None
        return sum(n for k, n in counts.items() if k.startswith(prefix))

    blank: list[int | None] = [None, None]
    lines = [
        Line("I", "Khen thưởng tổ chức đảng và đảng viên trong năm", blank, 0, True),
        Line("II", "Tặng huy hiệu Đảng", [total(this, "badge:"), total(last, "badge:")], 0, True),
        *[
            Line("-", f"Huy hiệu {years} năm tuổi Đảng", pair(f"badge:{years}"), 1)
            for years in BADGE_MILESTONES
        ],
        Line("III", "Phát thẻ đảng viên", blank, 0, True),
        Line("IV", "Giới thiệu sinh hoạt đảng", blank, 0, True),
        Line("1", "Số lượt chuyển sinh hoạt đảng tạm thời", blank, 1, True),
        Line("-", "Giới thiệu chuyển đi", pair("out:temporary"), 2),
        Line("-", "Tiếp nhận chuyển đến", pair("in:temporary"), 2),
        Line("2", "Số lượt chuyển sinh hoạt đảng chính thức", blank, 1, True),
        Line("-", "Giới thiệu chuyển đi", pair("out:permanent"), 2),
        Line("-", "Tiếp nhận chuyển đến", pair("in:permanent"), 2),
    ]
    other_badges = sum(
        n for k, n in this.items() if k.startswith("badge:") and int(k[6:]) not in BADGE_MILESTONES
    )
    checks = [("Các loại huy hiệu cộng lại = II", other_badges == 0)]
    notes = [
        "Dòng I (khen thưởng) và III (phát thẻ đảng viên): hệ thống chưa ghi, để trống.",
        "Huy hiệu tính theo ngày quyết định tặng trong kỳ; chuyển sinh hoạt tính theo lượt "
        "(ngày giới thiệu đi, ngày tiếp nhận), không tính lượt chuyển giữa hai tổ chức trong "
        "cùng đảng bộ báo cáo.",
    ]
    return Form(
        "7-BTCTW", FORMS["7"], "Lượt người", ["Kỳ này", "Cùng kỳ năm trước"], lines, checks, notes
    )


GRADE_ROWS = (
    ("excellent", "Hoàn thành xuất sắc nhiệm vụ"),
    ("good", "Hoàn thành tốt nhiệm vụ"),
    ("completed", "Hoàn thành nhiệm vụ"),
    ("not_completed", "Không hoàn thành nhiệm vụ"),
)


def _form_grading(result: ReportResult, previous: ReportResult | None) -> Form:
    """The yearly grading results (the shares table of seed 001; Gen A's
    7A/7B-TCTW): members and party organisations by grade, for the year of
    the period's end, against the year before."""
    from dangvien.grading import selectors as grading

    org, year = result.organization, result.end.year

    def members(y: int) -> dict[str, int]:
        _rows, total = grading.results_table(org, y)
        return {
            **{g: getattr(total, g) for g, _l in GRADE_ROWS},
            "graded": total.graded,
            "not_graded": total.not_graded,
            "pending": total.pending,
        }

    this_m, last_m = members(year), members(year - 1)
    this_o, last_o = (
        grading.organization_results(org, year),
        grading.organization_results(org, year - 1),
    )

    def share(n: int, of: int) -> float | None:
        return round(n * 100 / of, 2) if of else None

    lines = [
        Line(
            "A",
            f"Đảng viên được đánh giá, xếp loại năm {year}",
            [this_m["graded"], last_m["graded"]],
            0,
            True,
        ),
        *[
            Line(str(i), label, [this_m[g], last_m[g]], 1)
            for i, (g, label) in enumerate(GRADE_ROWS, start=1)
        ],
        Line(
            "-",
            "Tỷ lệ hoàn thành xuất sắc (%)",
            [
                share(this_m["excellent"], this_m["graded"]),
                share(last_m["excellent"], last_m["graded"]),
            ],
            1,
            average=True,
        ),
        Line(
            "-",
            "Không xếp loại (miễn, mới kết nạp...)",
            [this_m["not_graded"], last_m["not_graded"]],
            1,
        ),
        Line("-", "Chưa có kết quả", [this_m["pending"], last_m["pending"]], 1),
        Line(
            "B",
            f"Tổ chức đảng được đánh giá, xếp loại năm {year}",
            [sum(this_o[g] for g, _l in GRADE_ROWS), sum(last_o[g] for g, _l in GRADE_ROWS)],
            0,
            True,
        ),
        *[
            Line(str(i), label, [this_o[g], last_o[g]], 1)
            for i, (g, label) in enumerate(GRADE_ROWS, start=1)
        ],
        Line("-", "Chưa có kết quả", [this_o["pending"], last_o["pending"]], 1),
    ]
    checks = [
        (f"A = 1 + 2 + 3 + 4 (năm {y})", m["graded"] == sum(m[g] for g, _l in GRADE_ROWS))
        for y, m in ((year, this_m), (year - 1, last_m))
    ]
    notes = [
        "Kết quả đã quyết định (đã công bố) của các đảng viên trong tổ chức; tỷ lệ trên số "
        "đảng viên được xếp loại. Cột «cùng kỳ» là năm trước.",
    ]
    return Form(
        "XL",
        f"{FORMS['XL']} năm {year}",
        "Người, tổ chức",
        [f"Năm {year}", f"Năm {year - 1}"],
        lines,
        checks,
        notes,
    )


# Form 5's rows and the kinds of grassroots unit (organizations.UnitType) each
# counts; rows the tree does not tell apart (thị trấn; Party and State bodies;
# army and police; kinds of enterprise) are said in the notes.
FORM_5_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("1", "Xã", ("commune",)),
    ("2", "Phường", ("ward",)),
    ("3", "Thị trấn", ()),
    ("4-5", "Cơ quan Đảng, MTTQ, đoàn thể CT-XH; cơ quan Nhà nước", ("agency",)),
    ("6", "Đơn vị sự nghiệp (trường học và đơn vị sự nghiệp khác)", ("school",)),
    ("7-8", "Quân đội, Công an", ("armed_forces",)),
    ("9", "Doanh nghiệp và hợp tác xã", ("enterprise",)),
    ("10", "Tổ chức cơ sở đảng ở ngoài nước", ()),
    ("11", "Loại hình cơ sở khác", ("other",)),
)


def _form_5(result: ReportResult) -> Form:
    """Form 5-BTCTW: the party organisations (grassroots committees and cells,
    partial committees and cells under committees) in the scope at the end of
    the period, and the members on the end list, by kind of grassroots unit."""
    from dangvien.organizations.models import Level

    end = result.end
    orgs = Organization.objects.filter(
        path__startswith=result.organization.path, valid_from__lte=end
    ).exclude(valid_to__lte=end)
    grassroots = {
        o.path: o
        for o in orgs.filter(level__in=(Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL))
    }
    counts: dict[str, dict[str, int]] = {}
    for o in grassroots.values():
        c = counts.setdefault(
            o.unit_type, dict.fromkeys(("committee", "cell", "partial", "under"), 0)
        )
        c["committee" if o.level == Level.GRASSROOTS_COMMITTEE else "cell"] += 1
    for path, level in orgs.filter(level__in=(Level.PARTIAL_COMMITTEE, Level.CELL)).values_list(
        "path", "level"
    ):
        above = next(
            (grassroots[path[:i]] for i in range(len(path) - 4, 0, -4) if path[:i] in grassroots),
            None,
        )
        if above is not None:
            c = counts.setdefault(
                above.unit_type, dict.fromkeys(("committee", "cell", "partial", "under"), 0)
            )
            c["partial" if level == Level.PARTIAL_COMMITTEE else "under"] += 1
    members = result.counts["dims"].get("unit_type", {})
    lines = []
    totals = [0, 0, 0, 0, 0, 0]
    for number, label, kinds in FORM_5_ROWS:
        committee = sum(counts.get(k, {}).get("committee", 0) for k in kinds)
        cell = sum(counts.get(k, {}).get("cell", 0) for k in kinds)
        partial = sum(counts.get(k, {}).get("partial", 0) for k in kinds)
        under = sum(counts.get(k, {}).get("under", 0) for k in kinds)
        people = sum(members.get(k, 0) for k in kinds)
        values = [committee + cell, committee, cell, partial, under, people]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        lines.append(
            Line(
                number,
                label,
                values if kinds else [None] * 6,
                1,
                figure=f"dim:unit_type:{kinds[0]}" if len(kinds) == 1 else "",
            )
        )
    outside = members.get("", 0)
    lines.append(Line("", "Cộng (1+…+11)", totals, 0, True, figure="D"))
    if outside:
        lines.append(
            Line("", "Đảng viên không thuộc tổ chức cơ sở đảng nào", [None] * 5 + [outside], 1)
        )
    checks = [
        (
            "Cột 2 = cột 3 + cột 4 ở mọi dòng",
            all(
                x.values[0] == x.values[1] + x.values[2]
                for x in lines[:-1]
                if None not in x.values[:3]
            ),
        ),
        (
            "Tổng cột 7 = đảng viên cuối kỳ (D của biểu 1)",
            totals[5] + outside == result.counts["movement"]["D"],
        ),
    ]
    notes = [
        "Loại hình lấy theo loại hình của tổ chức cơ sở đảng (xã, phường, cơ quan, doanh nghiệp, "
        "trường học, lực lượng vũ trang, khác); hệ thống chưa tách cơ quan Đảng với cơ quan Nhà "
        "nước, Quân đội với Công an, các loại doanh nghiệp, nên các dòng đó gộp lại.",
        "Từ 01/7/2025 không còn thị trấn (chính quyền địa phương hai cấp).",
        "Số tổ chức tính đến ngày cuối kỳ; số đảng viên là danh sách cuối kỳ.",
    ]
    return Form(
        "5-BTCTW",
        FORMS["5"],
        "",
        [
            "Tổ chức cơ sở đảng: tổng số",
            "Đảng bộ cơ sở",
            "Chi bộ cơ sở",
            "Đảng bộ bộ phận",
            "Chi bộ trực thuộc đảng ủy cơ sở",
            "Tổng số đảng viên",
        ],
        lines,
        checks,
        notes,
        comparative=False,
    )


def _pair(this: dict, last: dict | None, value) -> list[int | None]:
    return [value(this), None if last is None else value(last)]


def _form_1(result: ReportResult, previous: ReportResult | None) -> Form:
    this = result.counts["movement"]
    last = previous.counts["movement"] if previous else None
    lines = []
    for row in figures.FORM_1_ROWS:
        values = _pair(this, last, lambda c, code=row.code: figures.movement_value(c, code))
        if row.code.endswith("OTHER") and not any(values):
            continue
        lines.append(
            Line(row.number, row.label, values, row.level, row.level == 0, figure=row.code)
        )
    checks = figures.movement_checks(this)
    if last is not None:
        checks += [
            (f"{what} (cùng kỳ năm trước)", ok) for what, ok in figures.movement_checks(last)
        ]
    return Form("1-BTCTW", FORMS["1"], "Người", ["Kỳ này", "Cùng kỳ năm trước"], lines, checks)


_RETIRED = "Nghỉ hưu"


def _catalog(kind: str) -> list[tuple[str, str]]:
    return list(CatalogItem.objects.filter(kind=kind).order_by("rank").values_list("code", "name"))


def _form_3(result: ReportResult, previous: ReportResult | None) -> Form:
    this, last = result.counts, previous.counts if previous else None

    def dim(counts: dict, name: str, key: str) -> int:
        return counts["dims"].get(name, {}).get(key, 0)

    def total(c: dict) -> int:
        return c["movement"]["D"]

    def line(number, label, fn, level=1, figure="", bold=False):
        return Line(number, label, _pair(this, last, fn), level, bold, figure)

    def block(number: str, label: str, name: str, cats: list[tuple[str, str]], level=1):
        out = [Line(number, label, [None, None], level, True)]
        for key, cat_label in cats:
            out.append(
                line(
                    "-", cat_label, lambda c, k=key: dim(c, name, k), level + 1, f"dim:{name}:{key}"
                )
            )
        return out

    ethnic_kinh = (
        CatalogItem.objects.filter(kind=CatalogKind.ETHNICITY, name="Kinh")
        .values_list("code", flat=True)
        .first()
    )
    no_religion = (
        CatalogItem.objects.filter(kind=CatalogKind.RELIGION, name="Không")
        .values_list("code", flat=True)
        .first()
    )

    def minority(c):
        return sum(n for k, n in c["dims"]["ethnicity"].items() if k and k != ethnic_kinh)

    def religious(c):
        return sum(n for k, n in c["dims"]["religion"].items() if k and k != no_religion)

    occupations = _catalog(CatalogKind.OCCUPATION)
    retired = next((code for code, name in occupations if name == _RETIRED), None)
    working = [(code, name) for code, name in occupations if code != retired] + [("", "Chưa ghi")]
    lines = [
        line("I", "Đảng viên trong danh sách có đến cuối kỳ báo cáo", total, 0, "D", True),
        line("-", "Trong đó: Nữ", lambda c: dim(c, "gender", Gender.FEMALE), 1, "dim:gender:F"),
        line(
            "-",
            "Dự bị",
            lambda c: dim(c, "status", Status.PROBATIONARY),
            1,
            "dim:status:probationary",
        ),
        line("-", "Dân tộc thiểu số", minority),
        line("-", "Người theo tôn giáo", religious),
        Line("-", "Đoàn viên Đoàn TNCS Hồ Chí Minh", [None, None], 1),
        Line("-", "Chủ doanh nghiệp tư nhân", [None, None], 1),
        Line("-", "Có quan hệ hôn nhân với người nước ngoài", [None, None], 1),
        Line("II", "Phân tích đội ngũ đảng viên", [None, None], 0, True),
        Line("1", "Nghề nghiệp", [None, None], 1, True),
        line(
            "a",
            "Đảng viên đang làm việc và công tác",
            lambda c: total(c) - (dim(c, "occupation", retired) if retired else 0),
            2,
        ),
        *[
            line("-", name, lambda c, k=code: dim(c, "occupation", k), 3, f"dim:occupation:{code}")
            for code, name in working
        ],
        line(
            "b",
            "Đảng viên đã nghỉ hưu và nghỉ công tác",
            lambda c: dim(c, "occupation", retired) if retired else 0,
            2,
            f"dim:occupation:{retired}" if retired else "",
        ),
        line(
            "-",
            "Trong đó: Được miễn công tác và sinh hoạt đảng",
            lambda c: dim(c, "exempt", "yes"),
            3,
            "dim:exempt:yes",
        ),
        *block(
            "2", "Tuổi đời", "age", figures.dimension_categories("age")[:-1] + _unknown(this, "age")
        ),
        Line(
            "-",
            "Tuổi bình quân",
            _pair(this, last, lambda c: c.get("average_age")),
            2,
            average=True,
        ),
        *block(
            "3",
            "Thời gian kết nạp vào Đảng",
            "admission",
            figures.dimension_categories("admission")[:-1] + _unknown(this, "admission"),
        ),
        *block(
            "4",
            "Trình độ giáo dục phổ thông",
            "general_education",
            figures.dimension_categories("general_education"),
        ),
        *block(
            "5",
            "Trình độ chuyên môn nghiệp vụ",
            "professional",
            figures.dimension_categories("professional"),
        ),
        *block(
            "6",
            "Chức danh khoa học",
            "academic_title",
            figures.dimension_categories("academic_title")[:-1],
        ),
        *block(
            "7",
            "Trình độ lý luận chính trị",
            "political_theory",
            figures.dimension_categories("political_theory"),
        ),
    ]
    checks = []
    for counts, when in ((this, ""), (last, " (cùng kỳ năm trước)")):
        if counts is None:
            continue
        d = total(counts)
        working_sum = sum(v for k, v in counts["dims"]["occupation"].items() if k != retired)
        checks += [
            (f"a + b = I{when}", working_sum + counts["dims"]["occupation"].get(retired, 0) == d),
            (f"Các nhóm tuổi cộng lại = I{when}", sum(counts["dims"]["age"].values()) == d),
            (
                f"Các mốc thời gian kết nạp cộng lại = I{when}",
                sum(counts["dims"]["admission"].values()) == d,
            ),
            (
                f"Nữ, dự bị ≤ I{when}",
                dim(counts, "gender", "F") <= d and dim(counts, "status", "probationary") <= d,
            ),
        ]
    notes = [
        "Nghề nghiệp theo danh mục nghề nghiệp của hệ thống (lý lịch đảng viên); "
        "đảng viên đã nghỉ hưu là những người ghi nghề nghiệp «Nghỉ hưu».",
        "Đoàn viên, chủ doanh nghiệp tư nhân, hôn nhân với người nước ngoài: hồ sơ đảng viên "
        "trong hệ thống chưa có trường này, để trống.",
        "Trình độ chuyên môn: mỗi người tính một lần, ở trình độ cao nhất (học vị trên trình độ).",
    ]
    return Form(
        "3-BTCTW", FORMS["3"], "Người", ["Kỳ này", "Cùng kỳ năm trước"], lines, checks, notes
    )


def _form_2(result: ReportResult, previous: ReportResult | None) -> Form:
    """Form 2-BTCTW page 1: the members admitted in the period (row B1 of
    form 1, readmissions included) by occupation, age, education, qualification,
    academic title; the grassroots organisations at the end of the period."""
    from dangvien.organizations.models import Level

    this, last = result.counts, previous.counts if previous else None

    def adm(counts: dict, name: str, key: str) -> int:
        return counts.get("admitted", {}).get(name, {}).get(key, 0)

    def total(c: dict) -> int:
        return c["movement"].get("B1", 0)

    def line(number, label, fn, level=1, figure="", bold=False):
        return Line(number, label, _pair(this, last, fn), level, bold, figure)

    def block(number: str, label: str, name: str, cats: list[tuple[str, str]]):
        out = [Line(number, label, [None, None], 1, True)]
        for key, cat_label in cats:
            out.append(
                line("-", cat_label, lambda c, k=key: adm(c, name, k), 2, f"adm:{name}:{key}")
            )
        return out

    def with_unknown(name: str) -> list[tuple[str, str]]:
        cats = figures.dimension_categories(name)[:-1]
        return cats + [("", "Chưa ghi")] if this.get("admitted", {}).get(name, {}).get("") else cats

    kinh = (
        CatalogItem.objects.filter(kind=CatalogKind.ETHNICITY, name="Kinh")
        .values_list("code", flat=True)
        .first()
    )

    def minority(c):
        return sum(
            n for k, n in c.get("admitted", {}).get("ethnicity", {}).items() if k and k != kinh
        )

    scope_orgs = Organization.objects.filter(
        path__startswith=result.organization.path, valid_from__lte=result.end
    ).exclude(valid_to__lte=result.end)
    committees = scope_orgs.filter(level=Level.GRASSROOTS_COMMITTEE).count()
    cells = scope_orgs.filter(level=Level.GRASSROOTS_CELL).count()
    lines = [
        line("I", "Tổng số đảng viên mới kết nạp", total, 0, "B1", True),
        line("-", "Trong đó: Dân tộc thiểu số", minority),
        Line("-", "Đoàn viên Đoàn TNCS Hồ Chí Minh", [None, None], 1),
        Line("-", "Chủ doanh nghiệp tư nhân", [None, None], 1),
        Line("-", "Quần chúng vi phạm chính sách KHHGĐ", [None, None], 1),
        Line("-", "Có quan hệ hôn nhân với người nước ngoài", [None, None], 1),
        line("-", "Kết nạp lại", lambda c: c["movement"].get("B1r", 0), 1, "B1r"),
        Line("II", "Phân tích đảng viên mới kết nạp", [None, None], 0, True),
        *block("1", "Nghề nghiệp", "occupation", with_unknown("occupation")),
        *block("2", "Tuổi đời", "age", with_unknown("age")),
        *block(
            "3",
            "Trình độ giáo dục phổ thông",
            "general_education",
            with_unknown("general_education"),
        ),
        *block(
            "4",
            "Trình độ chuyên môn nghiệp vụ",
            "professional",
            figures.dimension_categories("professional")[:-1],
        ),
        *block(
            "5",
            "Chức danh khoa học",
            "academic_title",
            figures.dimension_categories("academic_title")[:-1],
        ),
        Line("III", "Số tổ chức cơ sở đảng có đến cuối kỳ báo cáo", [None, None], 0, True),
        Line("1", "Đảng bộ cơ sở", [committees, None], 1),
        Line("2", "Chi bộ cơ sở", [cells, None], 1),
    ]
    checks = []
    for counts, when in ((this, ""), (last, " (cùng kỳ năm trước)")):
        if counts is None:
            continue
        n = total(counts)
        for name, label in (
            ("occupation", "nghề nghiệp"),
            ("age", "tuổi đời"),
            ("general_education", "giáo dục phổ thông"),
        ):
            summed = sum(counts.get("admitted", {}).get(name, {}).values())
            checks.append((f"Các dòng {label} cộng lại = I{when}", summed == n))
        professional = sum(
            v for k, v in counts.get("admitted", {}).get("professional", {}).items() if k
        )
        checks.append((f"Chuyên môn nghiệp vụ ≤ I{when}", professional <= n))
    notes = [
        "Đoàn viên, chủ doanh nghiệp tư nhân, vi phạm chính sách KHHGĐ, hôn nhân với người nước "
        "ngoài: hồ sơ đảng viên trong hệ thống chưa có trường này, để trống.",
        "Tuổi đời tính đến ngày cuối kỳ; nghề nghiệp, trình độ theo hồ sơ hiện nay.",
        "Mục III: số tổ chức cơ sở đảng có đến ngày cuối kỳ (cột cùng kỳ để trống); "
        "các dòng «có kết nạp đảng viên», «không còn quần chúng» chưa tính.",
    ]
    return Form(
        "2-BTCTW", FORMS["2"], "Người", ["Kỳ này", "Cùng kỳ năm trước"], lines, checks, notes
    )


def _unknown(counts: dict, dim: str) -> list[tuple[str, str]]:
    return [("", "Chưa ghi")] if counts["dims"].get(dim, {}).get("") else []


# The form's ethnic rows (report-forms.md, form 4), in its order, and the
# catalogue's spelling where it differs beyond accents and punctuation.
FORM_4_ETHNICITIES = (
    "Kinh;Tày;Thái;Hoa;Khơ-me;Mường;Nùng;Mông;Dao;Gia Rai;Ê-đê;Ngái;Ba-Na;Xơ-Đăng;Sán Chay;"
    "Cơ Ho;Chăm;Sán Dìu;HRê;M.Nông;Raglai;XTiêng;Bru-Vân Kiều;Thổ;Giáy;Cơ Tu;Giẻ Triêng;Mạ;"
    "Khơ Mú;Co;Tà Ôi;Chơ-Ro;Kháng;Xinh Mun;Hà Nhì;Chu Ru;Lào;La Chí;La Ha;Phù Lá;La Hủ;Lự;"
    "Lô Lô;Chứt;Mảng;Pà Thẻn;Cơ Lao;Cống;Bố Y;Si La;Pu Péo;Brâu;Ơ Đu;Rơ-Măm"
).split(";")
_ALIASES = {"khome": "khmer"}
FORM_4_RELIGIONS = (
    ("Phật giáo", ("Phật giáo",)),
    ("Công giáo", ("Công giáo",)),
    ("Phật giáo Hòa Hảo", ("Phật giáo Hòa Hảo",)),
    ("Cao Đài", ("Cao Đài",)),
    ("Tin Lành", ("Tin lành",)),
    ("Hồi giáo", ("Hồi giáo",)),
)


def _key(name: str) -> str:
    folded = "".join(ch for ch in fold(name) if ch.isalnum())
    return _ALIASES.get(folded, folded)


def _form_4(result: ReportResult, prefix: str = "dim") -> Form:
    """Form 4 (the end list, prefix "dim") or form 2's second page (the
    admitted of the period, prefix "adm"): by ethnicity and by religion."""
    dims = result.counts["dims" if prefix == "dim" else "admitted"]
    gender_keys, genders = dimension_index(result, "gender", prefix)
    female_index = gender_keys.index(Gender.FEMALE) if Gender.FEMALE in gender_keys else -1

    def female(dim: str) -> Counter:
        keys, index = dimension_index(result, dim, prefix)
        return Counter(keys[n] for n, g in zip(index, genders, strict=True) if g == female_index)

    eth, eth_f = Counter(dims["ethnicity"]), female("ethnicity")
    rel, rel_f = Counter(dims["religion"]), female("religion")
    total = result.counts["movement"]["D" if prefix == "dim" else "B1"]
    catalog_eth = {_key(name): code for code, name in _catalog(CatalogKind.ETHNICITY)}
    named = set()
    lines = [Line("I", "Đảng viên chia theo dân tộc", [total, sum(eth_f.values()), 100], 0, True)]

    def share(n: int, of: int):
        return round(n * 100 / of, 2) if of else None

    for i, name in enumerate(FORM_4_ETHNICITIES, start=1):
        code = catalog_eth.get(_key(name))
        named.add(code)
        n = eth.get(code, 0) if code else 0
        lines.append(
            Line(
                str(i),
                name,
                [n, eth_f.get(code, 0) if code else 0, share(n, total)],
                1,
                figure=f"{prefix}:ethnicity:{code}" if code else "",
            )
        )
    other = sum(n for k, n in eth.items() if k and k not in named)
    other_f = sum(n for k, n in eth_f.items() if k and k not in named)
    lines.append(Line("55", "Dân tộc khác", [other, other_f, share(other, total)], 1))
    lines.append(Line("56", "Q.tịch gốc nước ngoài", [None, None, None], 1))
    if eth.get(""):
        lines.append(
            Line(
                "",
                "Chưa ghi dân tộc",
                [eth[""], eth_f.get("", 0), share(eth[""], total)],
                1,
                figure=f"{prefix}:ethnicity:",
            )
        )
    catalog_rel = {name: code for code, name in _catalog(CatalogKind.RELIGION)}
    no_religion = catalog_rel.get("Không")
    religious = sum(n for k, n in rel.items() if k and k != no_religion)
    religious_f = sum(n for k, n in rel_f.items() if k and k != no_religion)
    lines.append(Line("II", "Đảng viên chia theo tôn giáo", [religious, religious_f, 100], 0, True))
    counted = 0
    for i, (label, ours) in enumerate(FORM_4_RELIGIONS, start=1):
        codes = [catalog_rel[n] for n in ours if n in catalog_rel]
        n = sum(rel.get(c, 0) for c in codes)
        counted += n
        lines.append(
            Line(
                str(i),
                label,
                [n, sum(rel_f.get(c, 0) for c in codes), share(n, religious)],
                1,
                figure=f"{prefix}:religion:{codes[0]}" if len(codes) == 1 else "",
            )
        )
    other_rel = religious - counted
    other_rel_f = religious_f - sum(
        rel_f.get(catalog_rel[n], 0)
        for _l, ours in FORM_4_RELIGIONS
        for n in ours
        if n in catalog_rel
    )
    lines.append(Line("7", "Đạo khác", [other_rel, other_rel_f, share(other_rel, religious)], 1))
    ethnic_sum = sum(
        line.values[0] or 0
        for line in lines[1 : lines.index(next(x for x in lines if x.number == "II"))]
    )
    checks = [
        ("Các dân tộc cộng lại = tổng số đảng viên", ethnic_sum == total),
        ("Các tôn giáo cộng lại = số đảng viên theo tôn giáo", counted + other_rel == religious),
        ("Đảng viên theo tôn giáo ≤ tổng số đảng viên", religious <= total),
        ("Nữ ≤ tổng số ở mọi dòng", all((x.values[1] or 0) <= (x.values[0] or 0) for x in lines)),
    ]
    notes = [
        "Đảng viên trong các tôn giáo, so với tổng số đảng viên, chiếm: "
        + f"{share(religious, total) or 0:.2f}%.".replace(".", ",", 1),
        "Tỷ lệ (%): phần của mỗi dòng trong mục của nó (dân tộc: trên tổng số đảng viên; "
        "tôn giáo: trên số đảng viên theo tôn giáo).",
    ]
    if prefix == "adm":
        lines[0].label = "Đảng viên mới kết nạp chia theo dân tộc"
        lines[
            lines.index(next(x for x in lines if x.number == "II"))
        ].label = "Đảng viên mới kết nạp chia theo tôn giáo"
        checks = [
            (text.replace("tổng số đảng viên", "số đảng viên mới kết nạp"), ok)
            for text, ok in checks
        ]
    return Form(
        "4-BTCTW" if prefix == "dim" else "2-BTCTW (trang 2)",
        FORMS["4"] if prefix == "dim" else "Đảng viên mới kết nạp chia theo dân tộc và tôn giáo",
        "Người",
        ["Tổng số", "Trong đó: nữ", "Tỷ lệ (%)"],
        lines,
        checks,
        notes,
        comparative=False,
        share_column=True,
    )
