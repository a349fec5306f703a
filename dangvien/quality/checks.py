"""The data-quality checks over an organisation's subtree (issue 13, part 4).

Each check is one set-based query: `Check.members(path, today)` returns the
members of the subtree `path` (a materialised-path prefix) that the check
flags, as a queryset the database filters whole (no Python loop over
members). Counts per organisation and the pages of rows are built on it by
quality.selectors.

- Completeness: citizen ID coverage, the fields the national synchronisation
  requires (REQUIRED_FIELDS).
- Likely duplicates: the same accent-free name and birth date ("Hoà" = "Hòa" =
  "Hoa", NFC or NFD: the stored `search_name` folds them), the same old 9-digit
  identity number. The citizen ID itself is unique in the table.
- Logic: dates before birth, joining before 18, official before joining, the
  citizen ID's birth year against the CV's (flagged, never corrected: the CV's
  date is the date of record, Thông báo 13-TB/TW). A date known only by month
  or year counts as out of order only when every day it may stand for is.
- Workflows: a member whose status disagrees with their open cases, a
  probationary member past the end of probation without a recognition case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear, Replace, Substr
from django.db.models.lookups import Exact, LessThan

from dangvien.compliance.models import Case, CaseKind
from dangvien.members import rules as member_rules
from dangvien.members.models import (
    ACTIVE_STATUSES,
    ENDED_STATUSES,
    DatePrecision,
    Member,
    MembershipEvent,
    Status,
)


class Fixer:
    """Who must fix a finding: the secretary of the member's cell, or the office
    of the grassroots committee that keeps the member's dossier."""

    CELL = "cell"
    GRASSROOTS = "grassroots"

    LABELS = {
        CELL: "Bí thư chi bộ (chi ủy) của chi bộ đảng viên",
        GRASSROOTS: "Văn phòng đảng ủy cơ sở (nơi giữ hồ sơ đảng viên)",
    }


@dataclass(frozen=True)
class Check:
    """One check: `code` (stable, in URLs, API and snapshots), `label` and `hint`
    (Vietnamese), its `group`, who fixes it (`fixer`, a Fixer code), whether it
    reveals the citizen ID or old identity number (`sensitive`: shown only to the
    roles that see those, accounts.scope.SENSITIVE_ROLES), the regulation or
    practice behind it (`source`), and `members(path, today)` the flagged
    members of the subtree."""

    code: str
    label: str
    group: str
    fixer: str
    hint: str
    source: str
    members: Callable[[str, dt.date], QuerySet[Member]]
    sensitive: bool = False
    # Rows that belong together (a duplicate group) sort next to each other.
    order: tuple[str, ...] = ("org_path", "sort_key", "id")

    @property
    def fixer_label(self) -> str:
        return Fixer.LABELS[self.fixer]


GROUPS = {
    "completeness": "Đầy đủ thông tin",
    "duplicates": "Có thể trùng lặp",
    "logic": "Mâu thuẫn về ngày tháng, số liệu",
    "workflow": "Tình trạng đảng viên và việc đang mở",
}


def active_members(path: str) -> QuerySet[Member]:
    """The members in party life (probationary, official) of the subtree `path`."""
    return Member.objects.filter(org_path__startswith=path, status__in=ACTIVE_STATUSES)


# --- completeness ----------------------------------------------------------------


def citizen_id_missing(path: str, today: dt.date) -> QuerySet[Member]:
    """Active members without a citizen ID (the coverage the national
    synchronisation counts: HCMC reported 95.78% in 2025)."""
    return active_members(path).filter(Q(citizen_id__isnull=True) | Q(citizen_id=""))


@dataclass(frozen=True)
class RequiredField:
    code: str
    label: str
    missing: Q  # in the database
    is_missing: Callable[[Member], bool]  # the same, on a loaded row (for its detail)


# The fields of the CV (1-HSĐV) the national synchronisation requires besides
# the citizen ID (its own check) and the birth date (NOT NULL in the table).
REQUIRED_FIELDS = (
    RequiredField("gender", "giới tính", Q(gender=""), lambda m: not m.gender),
    RequiredField(
        "ethnicity", "dân tộc", Q(ethnicity__isnull=True), lambda m: m.ethnicity_id is None
    ),
    RequiredField(
        "religion", "tôn giáo", Q(religion__isnull=True), lambda m: m.religion_id is None
    ),
    RequiredField(
        "hometown",
        "quê quán",
        Q(hometown_province__isnull=True, hometown=""),
        lambda m: m.hometown_province_id is None and not m.hometown,
    ),
    RequiredField(
        "permanent",
        "nơi thường trú",
        Q(permanent_province__isnull=True, permanent_street=""),
        lambda m: m.permanent_province_id is None and not m.permanent_street,
    ),
    RequiredField(
        "joining_date",
        "ngày vào Đảng",
        Q(joining_date__isnull=True),
        lambda m: m.joining_date is None,
    ),
    RequiredField(
        "official_date",
        "ngày chính thức",
        Q(status=Status.OFFICIAL, official_date__isnull=True),
        lambda m: m.status == Status.OFFICIAL and m.official_date is None,
    ),
)


def required_missing(path: str, today: dt.date) -> QuerySet[Member]:
    """Active members missing at least one of REQUIRED_FIELDS."""
    missing = Q(pk__in=[])
    for required in REQUIRED_FIELDS:
        missing |= required.missing
    return active_members(path).filter(missing)


def missing_fields_of(member: Member) -> list[str]:
    """The labels of REQUIRED_FIELDS a loaded member lacks."""
    return [r.label for r in REQUIRED_FIELDS if r.is_missing(member)]


# --- likely duplicates -----------------------------------------------------------


def name_key() -> Any:
    """The accent-free full name, single-spaced (bulk loads may have left a double
    space where the middle name is empty)."""
    return Replace(F("search_name"), Value("  "), Value(" "))


def _duplicated(base: QuerySet[Member], *keys: Any) -> QuerySet[Member]:
    """The rows of `base` that share `keys` with another row of `base`: one
    window count over the subtree (sorted once), not a join per member."""
    counted = base.annotate(_dups=Window(Count("id"), partition_by=list(keys))).filter(_dups__gt=1)
    return Member.objects.filter(pk__in=counted.values("pk"))


def duplicate_name_birth(path: str, today: dt.date) -> QuerySet[Member]:
    """Active members with the same accent-free name and birth date as another
    active member of the subtree (in another cell or the same one)."""
    return _duplicated(active_members(path), name_key(), F("birth_date")).annotate(
        dup_key=name_key()
    )


def duplicate_old_identity(path: str, today: dt.date) -> QuerySet[Member]:
    """Active members whose old 9-digit identity number is another's too."""
    return _duplicated(
        active_members(path).exclude(old_identity_number=""), F("old_identity_number")
    )


# --- dates out of order ----------------------------------------------------------


def _expr(ref: Any) -> Any:
    return F(ref) if isinstance(ref, str) else ref


def certainly_before(
    x: Any,
    x_precision: Any,
    y: Any,
    y_precision: Any,
) -> Q:
    """Date `x` lies before date `y` whatever days they stand for: compared by
    year when either is known only by its year, by month when either only by its
    month, by day otherwise (a partial date is stored as its period's first day,
    members.models.DatePrecision). A precision of None means the day is known."""
    xd, yd = _expr(x), _expr(y)

    def at(precision, level: str) -> Q:
        if precision is None:
            return Q(pk__in=[]) if level != DatePrecision.DAY else Q()
        return Q(Exact(_expr(precision), Value(level)))

    by_year = at(x_precision, DatePrecision.YEAR) | at(y_precision, DatePrecision.YEAR)
    by_month = at(x_precision, DatePrecision.MONTH) | at(y_precision, DatePrecision.MONTH)
    x_month = ExtractYear(xd) * 12 + ExtractMonth(xd)
    y_month = ExtractYear(yd) * 12 + ExtractMonth(yd)
    return (
        (by_year & Q(LessThan(ExtractYear(xd), ExtractYear(yd))))
        | (~by_year & by_month & Q(LessThan(x_month, y_month)))
        | (~by_year & ~by_month & Q(LessThan(xd, yd)))
    )


def dates_before_birth(path: str, today: dt.date) -> QuerySet[Member]:
    """Active members with the admission decision, joining, official date or a
    membership event dated before their birth. Reads the events when called
    (one query); the queryset then reads the members."""
    birth = ("birth_date", "birth_date_precision")
    # The members with an event dated before their birth, found first by one
    # join over the subtree's events (a handful of ids). As a subquery inside
    # the OR below it was hashed at 200,000 members, but at 5.6 million the
    # planner expected millions of rows, did not hash it and ran for minutes.
    event_before = list(
        MembershipEvent.objects.filter(member__org_path__startswith=path)
        .filter(
            certainly_before(
                "date", "date_precision", "member__birth_date", "member__birth_date_precision"
            )
        )
        .order_by()  # not the events' own ordering, which DISTINCT would select
        .values_list("member_id", flat=True)
        .distinct()
    )
    return active_members(path).filter(
        certainly_before("joining_date", "joining_date_precision", *birth)
        | certainly_before("official_date", "official_date_precision", *birth)
        | certainly_before("admission_decision_date", None, *birth)
        | Q(pk__in=event_before)
    )


def joined_under_age(path: str, today: dt.date) -> QuerySet[Member]:
    """Active members whose joining date falls before their 18th birthday
    (Điều lệ Đảng Điều 1; R1.1 counts the age on the day the cell considers
    admission, which is before the ceremony). Compared by year, month or day as
    the two dates are known: YYYYMMDD - YYYYMMDD < 180000 is "under 18"."""
    years = member_rules.ADMISSION_MIN_AGE_MONTHS.on(today) // 12
    jd, bd = F("joining_date"), F("birth_date")
    jy, by = ExtractYear(jd), ExtractYear(bd)
    j_month, b_month = jy * 12 + ExtractMonth(jd), by * 12 + ExtractMonth(bd)
    j_day = jy * 10000 + ExtractMonth(jd) * 100 + ExtractDay(jd)
    b_day = by * 10000 + ExtractMonth(bd) * 100 + ExtractDay(bd)
    by_year = Q(joining_date_precision=DatePrecision.YEAR) | Q(
        birth_date_precision=DatePrecision.YEAR
    )
    by_month = Q(joining_date_precision=DatePrecision.MONTH) | Q(
        birth_date_precision=DatePrecision.MONTH
    )
    return active_members(path).filter(
        Q(joining_date__isnull=False)
        & (
            (by_year & Q(LessThan(jy - by, years)))
            | (~by_year & by_month & Q(LessThan(j_month - b_month, years * 12)))
            | (~by_year & ~by_month & Q(LessThan(j_day - b_day, years * 10000)))
        )
    )


def official_before_joining(path: str, today: dt.date) -> QuerySet[Member]:
    """Active members recognised as official before the day they joined."""
    return active_members(path).filter(
        certainly_before(
            "official_date", "official_date_precision", "joining_date", "joining_date_precision"
        )
    )


def citizen_id_year_expr() -> Expression:
    """The birth year the 12-digit citizen ID encodes (Thông tư 59/2021/TT-BCA
    Điều 7: digit 4 the century and sex, digits 5-6 the year), in SQL; the same
    as members.rules.citizen_id_birth_year."""
    century = Cast(Substr("citizen_id", 4, 1), IntegerField()) / 2
    return 1900 + century * 100 + Cast(Substr("citizen_id", 5, 2), IntegerField())


def citizen_id_year_mismatch(path: str, today: dt.date) -> QuerySet[Member]:
    """Active members whose citizen ID's birth year differs from the CV's. Flagged
    only: the CV's date stays the date of record (Thông báo 13-TB/TW); a change
    needs the competent committee's decision (Member.birth_date_decision_*)."""
    return (
        active_members(path)
        .filter(citizen_id__regex=r"^[0-9]{12}$")
        .annotate(cccd_year=citizen_id_year_expr())
        .exclude(cccd_year=ExtractYear("birth_date"))
    )


# --- status and open workflows ---------------------------------------------------


def _open_cases(**filters) -> QuerySet[Case]:
    return Case.objects.filter(member=OuterRef("pk"), closed_on__isnull=True, **filters)


def status_open_cases(path: str, today: dt.date) -> QuerySet[Member]:
    """Members whose status disagrees with their open cases: transferred out of
    the system or out of the party (name deleted, expelled, left, deceased) with
    a case still open, or official with a recognition case still open."""
    over = [Status.TRANSFERRED_OUT, *ENDED_STATUSES]
    # The members with an open case first (a semi-join over the open cases,
    # wherever they wait), then a probe of their recognition cases. Two IN
    # subqueries under an OR were hashed only while they fit in work_mem: past
    # that the planner scans one per member (minutes at 5.6 million).
    open_cases = Case.objects.filter(closed_on__isnull=True, member__isnull=False)
    return Member.objects.filter(
        org_path__startswith=path, pk__in=open_cases.values("member_id")
    ).filter(
        Q(status__in=over)
        | Q(Q(status=Status.OFFICIAL) & Q(Exists(_open_cases(kind=CaseKind.RECOGNITION))))
    )


def probation_ended_cutoff(today: dt.date) -> dt.date:
    """The last joining date whose 12 months of probation have ended by `today`
    (Điều lệ Đảng Điều 5 khoản 1; R1.14)."""
    return member_rules.add_months(today, -member_rules.PROBATION_MONTHS.on(today))


def probation_overdue(path: str, today: dt.date) -> QuerySet[Member]:
    """Probationary members whose probation has ended with no open recognition
    case (the cell must consider them within 30 working days, QĐ 24-QĐ/TW
    điểm 4.2.1)."""
    return (
        active_members(path)
        .filter(status=Status.PROBATIONARY, joining_date__lte=probation_ended_cutoff(today))
        .filter(~Q(Exists(_open_cases(kind=CaseKind.RECOGNITION))))
    )


CHECKS: tuple[Check, ...] = (
    Check(
        "citizen_id_missing",
        "Chưa có số CCCD",
        "completeness",
        Fixer.CELL,
        "Thu số CCCD của đảng viên và ghi vào hồ sơ.",
        "Đồng bộ dữ liệu đảng viên với Cơ sở dữ liệu quốc gia về dân cư",
        citizen_id_missing,
    ),
    Check(
        "required_missing",
        "Thiếu thông tin bắt buộc",
        "completeness",
        Fixer.CELL,
        "Bổ sung các mục còn thiếu theo lý lịch (mẫu 1-HSĐV).",
        "Mẫu 1-HSĐV; yêu cầu đồng bộ dữ liệu",
        required_missing,
    ),
    Check(
        "duplicate_name_birth",
        "Trùng họ tên và ngày sinh",
        "duplicates",
        Fixer.GRASSROOTS,
        "Đối chiếu hồ sơ: nếu là một người thì giữ một hồ sơ, ghi sự kiện cho hồ sơ còn lại.",
        "Họ tên so sánh không dấu (Hoà = Hòa), cùng ngày sinh",
        duplicate_name_birth,
        order=("dup_key", "birth_date", "id"),
    ),
    Check(
        "duplicate_old_identity",
        "Trùng số CMND cũ",
        "duplicates",
        Fixer.GRASSROOTS,
        "Đối chiếu số CMND cũ với giấy tờ gốc của từng đảng viên.",
        "Số CMND 9 số còn ghi trong hồ sơ cũ",
        duplicate_old_identity,
        sensitive=True,
        order=("old_identity_number", "id"),
    ),
    Check(
        "dates_before_birth",
        "Ngày tháng trước ngày sinh",
        "logic",
        Fixer.GRASSROOTS,
        "Đối chiếu ngày sinh và các ngày trong hồ sơ gốc; sửa chỗ nhập sai.",
        "Lý lịch đảng viên (1-HSĐV)",
        dates_before_birth,
    ),
    Check(
        "joined_under_age",
        "Vào Đảng khi chưa đủ 18 tuổi",
        "logic",
        Fixer.GRASSROOTS,
        "Đối chiếu ngày sinh, ngày vào Đảng với quyết định kết nạp.",
        "Điều lệ Đảng Điều 1; QĐ 24-QĐ/TW điểm 1.1.1",
        joined_under_age,
    ),
    Check(
        "official_before_joining",
        "Ngày chính thức trước ngày vào Đảng",
        "logic",
        Fixer.GRASSROOTS,
        "Đối chiếu quyết định kết nạp và quyết định công nhận chính thức.",
        "Điều lệ Đảng Điều 5 khoản 1",
        official_before_joining,
    ),
    Check(
        "citizen_id_year_mismatch",
        "Năm sinh trong CCCD khác lý lịch",
        "logic",
        Fixer.GRASSROOTS,
        "Chỉ đánh dấu để đối chiếu, không sửa ngày sinh: ngày sinh theo lý lịch gốc; "
        "muốn điều chỉnh phải có quyết định của cấp ủy có thẩm quyền.",
        "Thông báo 13-TB/TW",
        citizen_id_year_mismatch,
        sensitive=True,
    ),
    Check(
        "status_open_cases",
        "Tình trạng mâu thuẫn với việc đang mở",
        "workflow",
        Fixer.GRASSROOTS,
        "Kết thúc hoặc hủy việc còn mở, hoặc ghi lại sự kiện đúng tình trạng.",
        "Điều lệ Đảng Điều 5, 8; QĐ 24-QĐ/TW",
        status_open_cases,
    ),
    Check(
        "probation_overdue",
        "Hết dự bị chưa có hồ sơ công nhận chính thức",
        "workflow",
        Fixer.CELL,
        "Mở hồ sơ công nhận chính thức; chi bộ xét trong 30 ngày làm việc.",
        "Điều lệ Đảng Điều 5 khoản 1; QĐ 24-QĐ/TW điểm 4.2.1",
        probation_overdue,
    ),
)

CHECKS_BY_CODE = {check.code: check for check in CHECKS}
