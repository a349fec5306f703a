"""Reads of the data-quality console: counts per check and per organisation one
level down, the rows of a check page by page, the trend of the daily counts.

The organisation is always one the caller's scope reaches (fetched through
organizations.selectors.organization_get_for, 404 outside); checks that reveal
the citizen ID or the old identity number are counted and listed only for the
roles that see those (accounts.scope.SENSITIVE_ROLES).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from dangvien.accounts.scope import Scope
from dangvien.compliance.models import Case, CaseKind
from dangvien.members import rules as member_rules
from dangvien.members.dates import format_partial_date
from dangvien.members.models import Member, MembershipEvent, Status
from dangvien.organizations.models import STEP_LEN, Level, Organization

from . import checks as c
from .errors import QualityError
from .models import MEMBERS_CODE, QualitySnapshot, QualitySummary

PAGE_SIZE = 200
GRASSROOTS_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)


def sees_sensitive(scope: Scope, org: Organization) -> bool:
    """Whether the scope sees the citizen IDs of the whole subtree of `org`."""
    return scope.everything or any(org.path.startswith(p) for p in scope.sensitive_paths)


def checks_for(scope: Scope, org: Organization) -> list[c.Check]:
    """The checks the caller may open on `org` (sensitive ones only for the roles
    that see citizen IDs there)."""
    sensitive = sees_sensitive(scope, org)
    return [check for check in c.CHECKS if sensitive or not check.sensitive]


def check_get_for(scope: Scope, org: Organization, code: str) -> c.Check:
    """The check `code` if the caller may open it on `org`; NotFound (404)
    otherwise, as if it did not exist."""
    check = c.CHECKS_BY_CODE.get(code)
    if check is None or check not in checks_for(scope, org):
        raise QualityError.UNKNOWN_CHECK.not_found(code=code)
    return check


def _by_child(qs: QuerySet[Member], org: Organization) -> dict[str, int]:
    """Counts of `qs` grouped by the path of the organisation one level below
    `org` (or `org.path` for members held by `org` itself): one grouped query."""
    width = len(org.path) + STEP_LEN
    rows = (
        qs.order_by()
        .annotate(_child=Substr("org_path", 1, width))
        .values_list("_child")
        .annotate(n=Count("id"))
    )
    return {path: n for path, n in rows}


@dataclass
class CheckCount:
    """A check's count on an organisation (`total`) and on each organisation one
    level down (`by_child`: child organisation id -> count)."""

    check: c.Check
    total: int
    by_child: dict[int, int]


@dataclass
class Console:
    """The console of `organization` on `today`: its active members (`members`,
    and per child), the citizen ID coverage (a share 0..1, None without members),
    the counts of each check the caller may open, the children one level down
    (`own_members`: the members `organization` holds itself), and when the
    figures were counted (`computed_at`)."""

    organization: Organization
    today: dt.date
    members: int
    members_by_child: dict[int, int]
    counts: list[CheckCount]
    children: list[Organization]
    coverage: float | None
    coverage_by_child: dict[int, float | None] = field(default_factory=dict)
    own_members: int = 0
    computed_at: dt.datetime | None = None


def children_of(org: Organization) -> list[Organization]:
    """The organisations one level below `org`, in path order."""
    return list(Organization.objects.filter(parent=org).order_by("path"))


def _child_ids(org: Organization, children: list[Organization], counts: dict[str, int]):
    by_path = {child.path: child.pk for child in children}
    by_path[org.path] = org.pk
    out: dict[int, int] = {}
    for path, n in counts.items():
        key = by_path.get(path)
        if key is not None:
            out[key] = out.get(key, 0) + n
    return out


def quality_counts(
    org: Organization, today: dt.date, checks: list[c.Check] | None = None
) -> tuple[int, dict[str, int], dict[str, dict[str, int]]]:
    """(active members, active members by child path, {check code: counts by
    child path}) for the subtree of `org`: one grouped query per check. The
    caller decides which checks (all by default: the daily snapshot)."""
    members = _by_child(c.active_members(org.path), org)
    counted = {
        check.code: _by_child(check.members(org.path, today), org)
        for check in (checks if checks is not None else c.CHECKS)
    }
    return sum(members.values()), members, counted


def quality_console(scope: Scope, org: Organization, today: dt.date) -> Console:
    """The console of `org` (already fetched through the scope) for the caller,
    read from the maintained summary (QualitySummary: one query for `org` and its
    children, whatever the size of the subtree); `computed_at` says when the
    figures were counted (None when the subtree has no summary yet: call
    services.quality_summary_ensure first)."""
    children = children_of(org)
    allowed = checks_for(scope, org)
    by_org: dict[int, dict[str, int]] = defaultdict(dict)
    computed_at = None
    for org_id, code, count, at in QualitySummary.objects.filter(
        organization_id__in=[org.pk, *(child.pk for child in children)]
    ).values_list("organization_id", "check_code", "count", "computed_at"):
        by_org[org_id][code] = count
        if org_id == org.pk:
            computed_at = at
    own = by_org.get(org.pk, {})
    # Organisations without any (members, findings) are left out, as before.
    members_by_child = {
        child.pk: n for child in children if (n := by_org[child.pk].get(MEMBERS_CODE, 0))
    }
    # Members held by `org` itself (a cell, or a committee with members of its own).
    own_members = max(0, own.get(MEMBERS_CODE, 0) - sum(members_by_child.values()))
    if own_members:
        members_by_child[org.pk] = own_members
    counts = []
    for check in allowed:
        by_child = {child.pk: n for child in children if (n := by_org[child.pk].get(check.code, 0))}
        own_count = max(0, own.get(check.code, 0) - sum(by_child.values()))
        if own_count:
            by_child[org.pk] = own_count
        counts.append(CheckCount(check, own.get(check.code, 0), by_child))
    missing = next((x for x in counts if x.check.code == "citizen_id_missing"), None)

    def share(n_members: int, n_missing: int) -> float | None:
        return (n_members - n_missing) / n_members if n_members else None

    coverage_by_child = {}
    if missing is not None:
        coverage_by_child = {
            pk: share(n, missing.by_child.get(pk, 0)) for pk, n in members_by_child.items()
        }
    total = own.get(MEMBERS_CODE, 0)
    return Console(
        organization=org,
        today=today,
        members=total,
        members_by_child=members_by_child,
        counts=counts,
        children=children,
        coverage=share(total, missing.total) if missing is not None else None,
        coverage_by_child=coverage_by_child,
        own_members=own_members,
        computed_at=computed_at,
    )


# --- the rows of one check ---------------------------------------------------------


@dataclass(frozen=True)
class QualityRow:
    """One flagged member as the work queue shows it: who, where, what is wrong
    (`detail`, Vietnamese), who must fix it (`fixer_organization`), and for a
    duplicate the key shared with the other rows of the group (`group`)."""

    member_id: int
    full_name: str
    birth_date: str
    status: str
    status_label: str
    organization_id: int
    organization_name: str
    detail: str
    fixer: str
    fixer_label: str
    fixer_organization_id: int
    fixer_organization_name: str
    group: str = ""


@dataclass
class RowsPage:
    check: c.Check
    organization: Organization
    rows: list[QualityRow]
    total: int
    page: int
    pages: int
    by_child: dict[int, int]
    children: list[Organization]


def _grassroots_by_cell(cells: list[Organization]) -> dict[int, Organization]:
    """The grassroots organisation of each cell (itself for a grassroots cell; the
    nearest grassroots committee above; the parent when there is none): one query
    for all the cells of a page."""
    prefixes = {cell.path[:i] for cell in cells for i in range(STEP_LEN, len(cell.path), STEP_LEN)}
    above = {
        o.path: o
        for o in Organization.objects.filter(path__in=prefixes, level__in=GRASSROOTS_LEVELS)
    }
    parents = {o.pk: o for o in Organization.objects.filter(pk__in={x.parent_id for x in cells})}
    found: dict[int, Organization] = {}
    for cell in cells:
        if cell.level == Level.GRASSROOTS_CELL:
            found[cell.pk] = cell
            continue
        chain = [above[p] for p in sorted(above) if cell.path.startswith(p) and p != cell.path]
        found[cell.pk] = chain[-1] if chain else parents.get(cell.parent_id or 0, cell)
    return found


def _date(value: dt.date | None, precision: str | None = None) -> str:
    return format_partial_date(value, precision) if value else "—"


def _details(check: c.Check, members: list[Member], org: Organization, today: dt.date):
    """What is wrong with each member of a page (member id -> text); at most a
    few queries for the whole page."""
    ids = [m.pk for m in members]
    out: dict[int, str] = {}
    if check.code == "required_missing":
        for m in members:
            out[m.pk] = "Thiếu: " + ", ".join(c.missing_fields_of(m))
    elif check.code == "duplicate_name_birth":
        keys = {(m.dup_key, m.birth_date) for m in members}  # type: ignore[attr-defined]
        group: dict[tuple, list[Member]] = defaultdict(list)
        others = (
            check.members(org.path, today)
            .filter(**{"dup_key__in": {k for k, _ in keys}, "birth_date__in": {b for _, b in keys}})
            .select_related("organization")
        )
        for m in others:
            group[(m.dup_key, m.birth_date)].append(m)  # type: ignore[attr-defined]
        for m in members:
            same = [
                o
                for o in group[(m.dup_key, m.birth_date)]  # type: ignore[attr-defined]
                if o.pk != m.pk
            ]
            out[m.pk] = "Cùng họ tên không dấu, ngày sinh với: " + "; ".join(
                f"{o.full_name} ({o.organization.name})" for o in same
            )
    elif check.code == "duplicate_old_identity":
        group_old: dict[str, list[Member]] = defaultdict(list)
        for m in (
            check.members(org.path, today)
            .filter(old_identity_number__in={m.old_identity_number for m in members})
            .select_related("organization")
        ):
            group_old[m.old_identity_number].append(m)
        for m in members:
            same = [o for o in group_old[m.old_identity_number] if o.pk != m.pk]
            out[m.pk] = f"CMND {m.old_identity_number} cũng ghi cho: " + "; ".join(
                f"{o.full_name} ({o.organization.name})" for o in same
            )
    elif check.code == "dates_before_birth":
        events: dict[int, list[MembershipEvent]] = defaultdict(list)
        for e in MembershipEvent.objects.filter(member_id__in=ids).order_by("date"):
            events[e.member_id].append(e)
        for m in members:
            parts = []
            for label, value in (
                ("quyết định kết nạp", m.admission_decision_date),
                ("vào Đảng", m.joining_date),
                ("chính thức", m.official_date),
            ):
                if value and value < m.birth_date:
                    parts.append(f"ngày {label} {_date(value)}")
            parts += [
                f"sự kiện «{e.get_kind_display()}» {_date(e.date, e.date_precision)}"
                for e in events[m.pk]
                if e.date < m.birth_date
            ]
            out[m.pk] = (
                ", ".join(parts) or "một ngày trong hồ sơ"
            ) + f" trước ngày sinh {_date(m.birth_date, m.birth_date_precision)}"
    elif check.code == "joined_under_age":
        for m in members:
            out[m.pk] = (
                f"Sinh {_date(m.birth_date, m.birth_date_precision)}, vào Đảng "
                f"{_date(m.joining_date, m.joining_date_precision)}"
            )
    elif check.code == "official_before_joining":
        for m in members:
            out[m.pk] = (
                f"Chính thức {_date(m.official_date, m.official_date_precision)}, vào Đảng "
                f"{_date(m.joining_date, m.joining_date_precision)}"
            )
    elif check.code == "citizen_id_year_mismatch":
        for m in members:
            out[m.pk] = (m.citizen_id_mismatch or "") + " Ngày sinh theo lý lịch giữ nguyên."
    elif check.code == "status_open_cases":
        kinds: dict[int, list[str]] = defaultdict(list)
        for member_id, kind in (
            Case.objects.filter(member_id__in=ids, closed_on__isnull=True)
            .order_by("opened_on", "id")
            .values_list("member_id", "kind")
        ):
            kinds[member_id].append(CaseKind(kind).label)
        for m in members:
            out[m.pk] = f"{m.get_status_display()}, còn việc mở: " + ", ".join(kinds[m.pk])
    elif check.code == "probation_overdue":
        for m in members:
            if m.joining_date:
                end = member_rules.probation_end(m.joining_date)
                out[m.pk] = f"Hết dự bị ngày {end:%d/%m/%Y}, chưa mở hồ sơ công nhận chính thức"
    return out


def check_rows_page(
    scope: Scope, org: Organization, code: str, today: dt.date, page: int = 1
) -> RowsPage:
    """Page `page` (1-based, PAGE_SIZE rows) of the members check `code` flags
    under `org`, with the counts per organisation one level down. NotFound for a
    check the caller may not open; QualityError.PAGE_INVALID (400) past the end."""
    check = check_get_for(scope, org, code)
    qs = check.members(org.path, today)
    children = children_of(org)
    by_child = _child_ids(org, children, _by_child(qs, org))
    total = sum(by_child.values())
    pages = max(1, -(-total // PAGE_SIZE))
    if page < 1 or page > pages:
        raise QualityError.PAGE_INVALID.error(field="page", page=page, pages=pages)
    start = (page - 1) * PAGE_SIZE
    members = list(
        qs.select_related("organization").order_by(*check.order)[start : start + PAGE_SIZE]
    )
    cells = list({m.organization.pk: m.organization for m in members}.values())
    grassroots = _grassroots_by_cell(cells)
    details = _details(check, members, org, today)
    rows = []
    for m in members:
        fixer_org = m.organization if check.fixer == c.Fixer.CELL else grassroots[m.organization.pk]
        rows.append(
            QualityRow(
                member_id=m.pk,
                full_name=m.full_name,
                birth_date=_date(m.birth_date, m.birth_date_precision),
                status=m.status,
                status_label=Status(m.status).label,
                organization_id=m.organization.pk,
                organization_name=m.organization.name,
                detail=details.get(m.pk, ""),
                fixer=check.fixer,
                fixer_label=check.fixer_label,
                fixer_organization_id=fixer_org.pk,
                fixer_organization_name=fixer_org.name,
                group=(
                    f"{m.dup_key} {m.birth_date:%d/%m/%Y}"  # type: ignore[attr-defined]
                    if check.code == "duplicate_name_birth"
                    else m.old_identity_number
                    if check.code == "duplicate_old_identity"
                    else ""
                ),
            )
        )
    return RowsPage(check, org, rows, total, page, pages, by_child, children)


# --- counts over time ----------------------------------------------------------------


@dataclass
class Trend:
    """The last snapshot days of an organisation (newest first) and, per check
    code, the count on each of those days (absent: not counted that day)."""

    dates: list[dt.date]
    counts: dict[str, dict[dt.date, int]]
    members: dict[dt.date, int]


def quality_trend(scope: Scope, org: Organization, days: int = 7) -> Trend:
    """The counts written by the daily snapshot for `org`, its last `days` days,
    for the checks the caller may open."""
    allowed = {check.code for check in checks_for(scope, org)}
    dates = list(
        QualitySnapshot.objects.filter(organization=org)
        .values_list("date", flat=True)
        .distinct()
        .order_by("-date")[:days]
    )
    counts: dict[str, dict[dt.date, int]] = defaultdict(dict)
    members: dict[dt.date, int] = {}
    for row in QualitySnapshot.objects.filter(organization=org, date__in=dates):
        members[row.date] = row.members
        if row.check_code in allowed:
            counts[row.check_code][row.date] = row.count
    return Trend(dates, dict(counts), members)
