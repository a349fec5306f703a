"""The figures of a periodic report as the page and the forms name them: the
rows of form 1-BTCTW (with their sums) and the categories of each dimension of
the composition."""

from __future__ import annotations

from dataclasses import dataclass

from dangvien.members import rules as member_rules
from dangvien.members.models import CatalogItem, CatalogKind, Gender, Status
from dangvien.organizations.models import UnitType

from . import rules


@dataclass(frozen=True)
class Row:
    """A row of form 1: `code` (a list of compute.MOVEMENT_CODES or a sum of
    `parts`), its number as printed ("B", "1", "a", "-"), label, indent level."""

    code: str
    number: str
    label: str
    level: int = 0
    parts: tuple[str, ...] = ()
    subset: bool = False  # "Trong đó": not added into its parent


FORM_1_ROWS: tuple[Row, ...] = (
    Row("A", "A", "Tổng số đảng viên cuối kỳ trước chuyển sang"),
    Row("B", "B", "Đảng viên tăng trong kỳ", parts=("B1", "B2", "B3", "B_OTHER")),
    Row("B1", "1", "Kết nạp", 1),
    Row("B1r", "-", "Trong đó: Kết nạp lại", 2, subset=True),
    Row("B2", "2", "Chuyển đến", 1, parts=("B2a", "B2b")),
    Row("B2a", "a", "Tỉnh khác chuyển đến", 2),
    Row("B2b", "b", "Huyện khác trong tỉnh chuyển đến", 2),
    Row("B3", "3", "Phục hồi đảng tịch", 1),
    Row("B_OTHER", "", "Tăng khác (ngoài các dòng của biểu)", 1),
    Row("C", "C", "Đảng viên giảm trong kỳ", parts=("C1", "C2", "C3", "C4", "C5", "C_OTHER")),
    Row("C1", "1", "Từ trần", 1),
    Row("C2", "2", "Khai trừ", 1),
    Row("C3", "3", "Xóa tên", 1),
    Row("C3p", "-", "Trong đó: Đảng viên dự bị", 2, subset=True),
    Row("C4", "4", "Xin ra khỏi Đảng", 1),
    Row("C5", "5", "Chuyển đi", 1, parts=("C5a", "C5b")),
    Row("C5a", "a", "Chuyển đi tỉnh khác", 2),
    Row("C5b", "b", "Chuyển đi huyện khác trong tỉnh", 2),
    Row("C_OTHER", "", "Giảm khác (ngoài các dòng của biểu)", 1),
    Row("D", "D", "Đảng viên trong danh sách cuối kỳ báo cáo"),
)
ROWS_BY_CODE = {r.code: r for r in FORM_1_ROWS}


def movement_value(counts: dict[str, int], code: str) -> int:
    """The figure of a row: its list's size, or the sum of its parts."""
    row = ROWS_BY_CODE.get(code)
    if row is not None and row.parts:
        return sum(movement_value(counts, p) for p in row.parts)
    return counts.get(code, 0)


def movement_checks(counts: dict[str, int]) -> list[tuple[str, bool]]:
    """The form's own totals (report-forms.md, form 1): (what, holds)."""
    v = lambda code: movement_value(counts, code)  # noqa: E731
    return [
        ("B = 1 + 2a + 2b + 3", v("B") == v("B1") + v("B2a") + v("B2b") + v("B3") + v("B_OTHER")),
        (
            "C = 1 + 2 + 3 + 4 + 5a + 5b",
            v("C") == v("C1") + v("C2") + v("C3") + v("C4") + v("C5a") + v("C5b") + v("C_OTHER"),
        ),
        ("D = A + B − C", v("D") == v("A") + v("B") - v("C")),
        (
            "Kết nạp lại ≤ Kết nạp; dự bị bị xóa tên ≤ Xóa tên",
            v("B1r") <= v("B1") and v("C3p") <= v("C3"),
        ),
    ]


DIMENSION_LABELS = {
    "status": "Đảng viên chính thức, dự bị",
    "gender": "Giới tính",
    "age": "Tuổi đời",
    "party_age": "Tuổi đảng",
    "admission": "Thời gian kết nạp vào Đảng",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "general_education": "Trình độ giáo dục phổ thông",
    "professional": "Trình độ chuyên môn nghiệp vụ (cao nhất)",
    "academic_title": "Chức danh khoa học",
    "political_theory": "Trình độ lý luận chính trị",
    "occupation": "Nghề nghiệp",
    "exempt": "Miễn công tác và sinh hoạt đảng",
    "unit_type": "Loại hình tổ chức cơ sở đảng",
}
_CATALOG_KIND = {
    "ethnicity": CatalogKind.ETHNICITY,
    "religion": CatalogKind.RELIGION,
    "general_education": CatalogKind.GENERAL_EDUCATION,
    "academic_title": CatalogKind.ACADEMIC_TITLE,
    "political_theory": CatalogKind.POLITICAL_THEORY,
    "occupation": CatalogKind.OCCUPATION,
}
UNKNOWN = {
    "religion": "Chưa ghi",
    "academic_title": "Không có",
    "political_theory": "Chưa có, chưa ghi",
    "professional": "Chưa có, chưa ghi",
    "unit_type": "Không thuộc tổ chức cơ sở đảng",
}


def dimension_categories(dim: str) -> list[tuple[str, str]]:
    """(key, label) of every category of a dimension, in the forms' order, the
    unknown ("") last."""
    if dim == "status":
        cats = [(Status.OFFICIAL.value, "Chính thức"), (Status.PROBATIONARY.value, "Dự bị")]
    elif dim == "gender":
        cats = [(g.value, str(g.label)) for g in Gender]
    elif dim == "age":
        cats = [(k, label) for k, label, _lo, _hi in member_rules.AGE_BANDS]
    elif dim == "party_age":
        cats = [(k, label) for k, label, _lo, _hi in rules.PARTY_AGE_BANDS]
    elif dim == "admission":
        cats = [(k, label) for k, label, _last in rules.ADMISSION_PERIODS]
    elif dim == "exempt":
        cats = [("yes", "Được miễn"), ("no", "Không miễn")]
    elif dim == "unit_type":
        cats = [(u.value, str(u.label)) for u in UnitType]
    elif dim == "professional":
        items = CatalogItem.objects.filter(
            kind__in=(CatalogKind.PROFESSIONAL, CatalogKind.DEGREE)
        ).order_by("kind", "rank")
        prof = [(i.code, i.name) for i in items if i.kind == CatalogKind.PROFESSIONAL]
        deg = [(f"{i.kind[:3]}:{i.code}", i.name) for i in items if i.kind == CatalogKind.DEGREE]
        cats = prof + deg
    else:
        cats = [
            (i.code, i.name)
            for i in CatalogItem.objects.filter(kind=_CATALOG_KIND[dim]).order_by("rank")
        ]
    return [*cats, ("", UNKNOWN.get(dim, "Chưa ghi"))]
