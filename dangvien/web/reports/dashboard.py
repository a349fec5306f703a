"""The dashboard (/tong-quan/): the landing page of every staff role, the
figures and charts of its subtree.

Everything read here is bounded whatever the subtree: the organisation's
MembershipSummary row (exact, kept by every write), its children's rows, the
kept month-end figures (reports.monthly; missing months are queued, never
counted in the request), and the open cases of the subtree by kind (a partial
index of open cases by path)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangvien.compliance.models import Case, CaseKind
from dangvien.members import rules as member_rules
from dangvien.members.summary import AGE_COLUMNS, summary_of
from dangvien.organizations import selectors as org_selectors
from dangvien.reports.jobs import compute_monthly_figures, refresh_widgets
from dangvien.reports.models import MonthlyFigure
from dangvien.reports.monthly import months_wanted
from dangvien.reports.widgets import widgets_read
from dangvien.web.common import request_scope
from dangvien.web.reports.views import choose_org, staff_org

CHILDREN_SHOWN = 20
GRADE_LABELS = (
    ("excellent", "Hoàn thành xuất sắc nhiệm vụ"),
    ("good", "Hoàn thành tốt nhiệm vụ"),
    ("completed", "Hoàn thành nhiệm vụ"),
    ("not_completed", "Không hoàn thành nhiệm vụ"),
)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = staff_org(request)
    if org is None:
        return choose_org(request, "dashboard")
    today = dt.date.today()
    summary = summary_of(org)
    wanted = months_wanted(org, today)
    kept = {
        f.month_end: f for f in MonthlyFigure.objects.filter(organization=org, month_end__in=wanted)
    }
    months_pending = len(kept) < len(wanted)
    if months_pending:
        compute_monthly_figures(org.pk)  # queued; the next view shows them
        kept = {
            f.month_end: f
            for f in MonthlyFigure.objects.filter(organization=org, month_end__in=wanted)
        }
    over_time = [
        {"label": f"{d:%m/%Y}", "members": kept[d].members, "probationary": kept[d].probationary}
        for d in wanted
        if d in kept
    ]
    over_time.append(
        {
            "label": f"{today:%d/%m/%Y}",
            "members": summary.members,
            "probationary": summary.probationary,
        }
    )
    widgets, stale = widgets_read(org)
    if stale:
        refresh_widgets(org.pk)  # queued; where the queue runs inline, done now
        widgets, _stale = widgets_read(org)
    grading = widgets.get("grading")
    grading_rows = []
    if grading is not None:
        graded = grading.value["graded"]
        grading_rows = [
            {
                "label": label,
                "count": grading.value["counts"].get(key, 0),
                "share": grading.value["counts"].get(key, 0) * 100 / graded if graded else 0,
            }
            for key, label in GRADE_LABELS
        ]
    children = sorted(
        org_selectors.organization_children_with_counts(org),
        key=lambda c: (-c.member_count, c.path),
    )
    cases = (
        Case.objects.filter(closed_on__isnull=True, org_path__startswith=org.path)
        .values("kind")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today)))
    )
    case_rows = sorted(
        (
            {
                "kind": c["kind"],
                "label": CaseKind(c["kind"]).label,
                "open": c["open"],
                "overdue": c["overdue"],
            }
            for c in cases
        ),
        key=lambda r: (-r["overdue"], -r["open"]),
    )
    ages = [
        {"label": label, "count": getattr(summary, column)}
        for (_key, label, _lo, _hi), column in zip(member_rules.AGE_BANDS, AGE_COLUMNS, strict=True)
    ]
    charts = {
        "over_time": over_time,
        "ages": ages,
        "status": [
            {"label": "Chính thức", "count": summary.official},
            {"label": "Dự bị", "count": summary.probationary},
        ],
        "gender": [
            {"label": "Nam", "count": summary.male},
            {"label": "Nữ", "count": summary.female},
        ],
        "children": [{"label": c.name, "count": c.member_count} for c in children[:CHILDREN_SHOWN]],
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "org": org,
            "summary": summary,
            "up": org.parent if org.parent and scope.reaches_path(org.parent.path) else None,
            "charts": charts,
            "ages": ages,
            "children": children,
            "children_shown": CHILDREN_SHOWN,
            "case_rows": case_rows,
            "cases_open": sum(r["open"] for r in case_rows),
            "cases_overdue": sum(r["overdue"] for r in case_rows),
            "months_pending": months_pending and len(over_time) <= len(wanted),
            "share_female": summary.female * 100 / summary.members if summary.members else 0,
            "meetings": widgets.get("meetings"),
            "dues": widgets.get("dues"),
            "grading": grading,
            "grading_rows": grading_rows,
            "today": today,
            "last_year": str(today.year - 1),  # a year: no thousands separator
        },
    )


@login_required
@require_GET
def compliance_console(request: HttpRequest) -> HttpResponse:
    """Bảng kiểm soát (/kiem-soat/): every rule check over the subtree, who acts
    and by when, the list behind each (compliance.console)."""
    from dangvien.compliance.console import ConsoleRow
    from dangvien.compliance.console import compliance_console as build

    scope = request_scope(request)
    org = staff_org(request)
    if org is None:
        return choose_org(request, "compliance")
    # The checks over meetings and dues come kept from the job queue (at most a
    # minute old); the others are counted here.
    kept, stale = widgets_read(org, "console")
    if stale:
        refresh_widgets(org.pk, "console")  # where the queue runs inline, done now
        kept, _stale = widgets_read(org, "console")
    slow = kept.get("console")
    rows = [ConsoleRow.from_kept(row) for row in slow.value["rows"]] if slow is not None else None
    console = build(scope, org, dt.date.today(), slow=rows if rows is not None else [])
    # The checks counted per child, those with something to show.
    per_child = [r for r in console.rows if r.by_child is not None and r.count]
    return render(
        request,
        "reports/compliance.html",
        {
            "org": org,
            "console": console,
            "up": org.parent if org.parent and scope.reaches_path(org.parent.path) else None,
            "per_child": per_child,
            "slow_at": slow.computed_at if slow is not None else None,
            "child_rows": [
                (child, [(r.label, r.by_child.get(child.pk, 0)) for r in per_child if r.by_child])
                for child in console.children
            ],
        },
    )
