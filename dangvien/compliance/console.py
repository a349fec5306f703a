"""The compliance console (bảng kiểm soát, issue 15 part 3): every rule check
over a subtree in one place, each with who must act and by when, its count,
the count of each organisation one level down where it is cheap to say, and
the page that lists the members or cases behind it.

Each check reads what its own area records, through that area's selectors or
one grouped count (never the records of a whole province into Python):

- overdue workflow steps: the open cases (compliance.Case) past their due
  date, by kind, grouped by child organisation in SQL (the partial index of
  open cases by path);
- name deletion for missed meetings (meetings.selectors.name_deletion_candidates)
  and for unpaid dues (dues.selectors.name_deletion_candidates, R5.8);
- organisations behind their yearly admission target (admissions.selectors);
- members working away who have not declared where they work (seed 001's
  16.2%);
- residence-liaison files without the yearly comment of the year being graded
  (liaison.selectors.residence_comments_missing, R8.4);
- cells that did not hold last month's regular meeting;
- committee leaders under the yearly number of visits to other cells;
- the data-quality findings (quality.QualitySummary, kept by the job queue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.timezone import localtime

from dangvien.accounts.scope import Scope
from dangvien.members.models import ACTIVE_STATUSES
from dangvien.organizations.models import Organization

from .models import Case, CaseKind
from .workflow import Body


@dataclass
class ConsoleRow:
    """One check: `count` over the subtree (of `base`, when the check has
    one), who acts and by when (text), the list behind it, per child (None:
    not counted per child)."""

    code: str
    label: str
    source: str
    who: str
    due: str
    count: int
    link: str
    base: int | None = None
    by_child: dict[int, int] | None = field(default=None)

    @classmethod
    def from_kept(cls, kept: dict) -> ConsoleRow:
        """A row as the job queue kept it (JSON: the children's ids became text)."""
        by_child = kept.get("by_child")
        if by_child is not None:
            by_child = {int(pk): n for pk, n in by_child.items()}
        return cls(**{**kept, "by_child": by_child})


def _month_before(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _overdue_cases(
    org: Organization, children: list[Organization], today: dt.date
) -> list[ConsoleRow]:
    cases = Case.objects.filter(closed_on__isnull=True, org_path__startswith=org.path)
    totals = {
        r["kind"]: r
        for r in cases.values("kind").annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_date__lt=today)),
            first_due=Min("due_date", filter=Q(due_date__lt=today)),
        )
    }
    bodies: dict[str, set[str]] = {}
    for kind, body in (
        cases.filter(due_date__lt=today).values_list("kind", "acting_body").distinct()
    ):
        bodies.setdefault(kind, set()).add(body)
    step = len(org.path) + 4  # a child's path: the parent's and one step
    per_child: dict[str, dict[str, int]] = {}
    if children:
        for r in (
            cases.filter(due_date__lt=today)
            .annotate(child=Substr("org_path", 1, step))
            .values("kind", "child")
            .annotate(n=Count("id"))
        ):
            per_child.setdefault(r["kind"], {})[r["child"]] = r["n"]
    labels = dict(Body.choices)
    rows = []
    for kind in CaseKind:
        t = totals.get(kind.value)
        if t is None:
            continue
        by_path = per_child.get(kind.value, {})
        rows.append(
            ConsoleRow(
                code=f"case:{kind.value}",
                label=f"{kind.label}: bước quá hạn",
                source="Bảng việc cần làm (hạn của từng bước theo quy định)",
                who=", ".join(
                    sorted(str(labels.get(b, b)) for b in bodies.get(kind.value, ()) if b)
                )
                or "—",
                due=f"quá hạn từ {t['first_due']:%d/%m/%Y}" if t["first_due"] else "đúng hạn",
                count=t["overdue"],
                base=t["open"],
                link=f"{reverse('case_list')}?org={org.pk}&loai={kind.value}&qua_han=1",
                by_child={c.pk: by_path.get(c.path, 0) for c in children} if children else None,
            )
        )
    return rows


def _working_away(org: Organization) -> ConsoleRow:
    from dangvien.liaison.models import WorkingAway, WorkingAwayStatus

    away = (
        WorkingAway.objects.filter(member__org_path__startswith=org.path)
        .exclude(status=WorkingAwayStatus.ENDED)
        .filter(member__status__in=ACTIVE_STATUSES)
    )
    # Not declared: no destination registered, or no workplace or employer
    # (WorkingAway.declared; a lodging address alone is not a declaration).
    not_declared = away.filter(Q(destination_registered_on__isnull=True) | Q(employer=""))
    return ConsoleRow(
        code="working_away_not_declared",
        label="Đảng viên đi làm ăn xa chưa khai báo nơi làm việc",
        source="Hồ sơ 001 (16,2% chưa khai báo nơi làm việc)",
        who="Chi bộ, chi ủy",
        due="khi đảng viên báo cáo đi làm ăn xa",
        count=not_declared.count(),
        base=away.count(),
        link=f"{reverse('working_away_list')}?org={org.pk}",
    )


def _residence_comments(org: Organization, today: dt.date) -> ConsoleRow:
    """The yearly comments of the residence cells (R8.4), a finding from 1
    December to the end of the grading (liaison.rules.GRADING_ENDS_MONTH): they
    are written for the year's grading, so earlier in the year they are being
    gathered, not late."""
    from dangvien.liaison import rules as liaison_rules
    from dangvien.liaison.selectors import residence_comments_missing, residence_comments_owed

    year = liaison_rules.year_being_graded(today)
    due = today.month == 12 or today.month <= liaison_rules.GRADING_ENDS_MONTH.on(today)
    owed = residence_comments_owed(org, year).count()
    return ConsoleRow(
        code="residence_comment_missing",
        label=f"Đảng viên giữ mối liên hệ nơi cư trú chưa có nhận xét năm {year}",
        source="Quy định 213-QĐ/TW: chi ủy nơi cư trú nhận xét hằng năm, gửi chi bộ nơi "
        "công tác trước kỳ đánh giá, xếp loại (R8.4)",
        who="Chi ủy, chi bộ nơi cư trú; chi bộ nơi công tác theo dõi",
        due=f"trước kỳ kiểm điểm, xếp loại năm {year}"
        if due
        else f"chưa đến hạn: nhận xét năm {year} thu từ 01/12/{year}",
        count=residence_comments_missing(org, year).count() if due and owed else 0,
        base=owed,
        link=f"{reverse('residence_list')}?org={org.pk}",
    )


def _admissions(org: Organization, children: list[Organization], today: dt.date) -> ConsoleRow:
    from dangvien.admissions.selectors import admission_targets_count, admissions_behind

    behind = admissions_behind(org, today.year, today)
    by_child = None
    if children:
        by_child = {
            c.pk: sum(1 for p in behind if p.organization.path.startswith(c.path)) for c in children
        }
    return ConsoleRow(
        code="admissions_behind_target",
        label=f"Tổ chức kết nạp đảng viên chậm so với chỉ tiêu năm {today.year}",
        source="Chỉ tiêu kết nạp đảng viên năm (hồ sơ 001, mục 9); tiến độ: chỉ tiêu × số "
        "tháng đã qua ÷ 12 (quy ước theo dõi, không phải quy định)",
        who="Cấp ủy, chi bộ (công tác phát triển đảng viên)",
        due=f"31/12/{today.year}",
        count=len(behind),
        base=admission_targets_count(org, today.year),
        link=f"{reverse('admission_targets')}?org={org.pk}&nam={today.year}",
        by_child=by_child,
    )


def _meetings(org: Organization, today: dt.date) -> list[ConsoleRow]:
    from dangvien.meetings import rules as meeting_rules
    from dangvien.meetings import selectors as meetings

    month = _month_before(today)
    summary = meetings.month_summary(org, month)
    least = meeting_rules.LEADER_VISITS_PER_YEAR.on(today)
    candidates = meetings.name_deletion_candidates(org, today.year)
    link = f"{reverse('meetings')}?org={org.pk}"
    rows = [
        ConsoleRow(
            code="meeting_not_held",
            label=f"Chi bộ chưa ghi kết quả sinh hoạt thường kỳ tháng {month:%m/%Y}",
            source="Điều lệ Đảng Điều 24 khoản 3: chi bộ sinh hoạt thường kỳ mỗi tháng một lần (R9.1)",
            who="Chi bộ; cấp ủy cấp trên theo dõi",
            due=f"trong tháng {month:%m/%Y}",
            count=summary.cells - summary.held,
            base=summary.cells,
            link=f"{link}&thang={month:%m/%Y}",
        ),
        ConsoleRow(
            code="meeting_name_deletion",
            label=f"Đảng viên bỏ sinh hoạt không lý do, cần xét xóa tên (năm {today.year})",
            source="Điều lệ Đảng Điều 8 khoản 1; QĐ 24 điểm 8.1 (R4.1)",
            who="Chi bộ xét, đề nghị; cấp ủy cơ sở quyết định",
            due="khi đủ số lần vắng",
            count=len(candidates),
            link=link,
        ),
    ]
    if org.holds_members:
        return rows  # a cell has no committee leaders of its own to visit others
    visits = meetings.leader_visits(org, today.year)
    return [
        *rows,
        ConsoleRow(
            code="leader_visits",
            label=f"Lãnh đạo cấp ủy dự sinh hoạt chi bộ dưới {least} lần trong năm {today.year}",
            source="Hồ sơ 002 (chưa xác nhận số lần)",
            who="Cấp ủy (phân công cấp ủy viên dự sinh hoạt chi bộ)",
            due=f"31/12/{today.year}",
            count=sum(1 for v in visits if v.visits < least),
            base=len(visits),
            link=f"{link}&nam={today.year}",
        ),
    ]


def _dues(org: Organization, today: dt.date) -> ConsoleRow:
    from dangvien.dues import selectors as dues

    return ConsoleRow(
        code="dues_name_deletion",
        label=f"Đảng viên không đóng đảng phí 3 tháng trở lên không lý do (năm {today.year})",
        source="Điều lệ Đảng Điều 8 khoản 1; QĐ 24 (R4.1, R5.8)",
        who="Chi bộ xét, đề nghị; cấp ủy cơ sở quyết định",
        due="sau khi khóa sổ tháng thứ ba",
        count=len(dues.name_deletion_candidates(org, today.year, today=today)),
        link=f"{reverse('dues_arrears')}?org={org.pk}",
    )


def _quality(scope: Scope, org: Organization, today: dt.date) -> ConsoleRow:
    from dangvien.quality.models import QualitySummary
    from dangvien.quality.selectors import checks_for
    from dangvien.quality.services import quality_summary_ensure

    quality_summary_ensure(org, today)  # a new organisation's first count
    # The checks the caller may open (the sensitive ones: board and inspection).
    allowed = [check.code for check in checks_for(scope, org)]
    rows = QualitySummary.objects.filter(organization=org, check_code__in=allowed)
    computed = rows.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return ConsoleRow(
        code="data_quality",
        label="Phát hiện về chất lượng dữ liệu hồ sơ đảng viên",
        source="Bảng chất lượng dữ liệu",
        who="Người nhập hồ sơ (chi bộ, văn phòng cấp ủy)",
        due=f"số liệu lúc {localtime(computed):%H:%M %d/%m/%Y}" if computed else "chưa tính",
        count=sum(rows.values_list("count", flat=True)),
        link=f"{reverse('quality')}?org={org.pk}",
    )


@dataclass
class Console:
    organization: Organization
    today: dt.date
    children: list[Organization]
    rows: list[ConsoleRow]


def slow_rows(org: Organization, today: dt.date) -> list[ConsoleRow]:
    """The checks that read many rows (a province's meetings and dues: about a
    second; the admissions of the year by organisation; the residence files of
    either side): the job queue computes them and the page reads them kept."""
    children = list(Organization.objects.filter(parent=org, valid_to__isnull=True).order_by("path"))
    return [
        *_meetings(org, today),
        _dues(org, today),
        _admissions(org, children, today),
        _residence_comments(org, today),
    ]


def compliance_console(
    scope: Scope, org: Organization, today: dt.date, slow: list[ConsoleRow] | None = None
) -> Console:
    """Every check of the module over `org`'s subtree on `today`; `slow` the
    kept result of slow_rows (None: computed now). `org` must have been
    fetched through `scope` (its subtree is inside it)."""
    children = list(Organization.objects.filter(parent=org, valid_to__isnull=True).order_by("path"))
    rows = [
        *_overdue_cases(org, children, today),
        *(slow if slow is not None else slow_rows(org, today)),
        _working_away(org),
        _quality(scope, org, today),
    ]
    return Console(org, today, children, rows)
