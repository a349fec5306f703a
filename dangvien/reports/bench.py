"""The reports' reads for `make bench` (issue 15, "Measured"): a province's
quarterly report computed fresh from the events and read back kept, a page of
the members behind a figure, the dashboard of a province and of the whole
party.

`bench_cases(province, raw)` gives (label, ours, theirs) like bench/run.py's
other reads, each beside the raw SQL of the rows it reads; `fresh(province)`
times the computation itself (seconds, three runs: it writes, so it is not
interleaved)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.test import Client

from dangvien.accounts.models import Role, RoleGrant
from dangvien.accounts.scope import Scope
from dangvien.organizations.models import Organization

from . import selectors, services
from .activity import activity
from .periods import ReportPeriod


def last_quarter(today: dt.date) -> ReportPeriod:
    """The quarter before `today`'s: the one a committee reports on now."""
    from .periods import period_of

    number = (today.month - 1) // 3
    year = today.year if number else today.year - 1
    return period_of("quarter", year, number or 4, today=today)


def fresh(province: Organization, runs: int = 3) -> dict[str, Any]:
    """Seconds to compute the province's last quarter from the events as the
    job queue does (min and max of `runs`; the work of the period read beside
    the members' lists, reports.services), "work_min" the work of the period
    (meetings, dues, discipline, grading) timed alone, the members on its end
    list, and the kept lists' size."""
    period = last_quarter(dt.date.today())
    seconds, work = [], []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = services.report_result(province, period, refresh=True)
        seconds.append(time.perf_counter() - start)
        start = time.perf_counter()
        activity(province, period, None)
        work.append(time.perf_counter() - start)
    assert result is not None
    return {
        "period": period.label,
        "min": min(seconds),
        "max": max(seconds),
        "work_min": min(work),
        "members": result.counts["movement"]["D"],
        "kb": sum(len(bytes(f.ids)) for f in result.figures.all()) / 1024,
    }


def _client(org: Organization, username: str) -> Client:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=username)
    RoleGrant.objects.get_or_create(
        user=user, role=Role.ORGANISATION_BOARD, organization=org, valid_from=dt.date(2020, 1, 1)
    )
    client = Client()
    client.force_login(user)
    return client


def bench_cases(province: Organization, raw) -> list[tuple[str, Callable, Callable]]:
    """(label, ours, theirs): the kept report read, a drill-down page, dashboards."""
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    period = last_quarter(dt.date.today())
    result = services.report_result(province, period)
    scope = Scope(everything=False, paths=(province.path,), member_id=None)
    centre = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    assert centre is not None
    # What the job queue keeps for the pages (the bench runs no worker).
    from .monthly import monthly_figures_ensure
    from .widgets import widgets_refresh

    for org in (province, centre):
        monthly_figures_ensure(org, dt.date.today())
        widgets_refresh(org, dt.date.today())
    widgets_refresh(province, dt.date.today(), "console")
    board = _client(province, "bench-report-province")
    top = _client(centre, "bench-report-centre")
    query = {"org": province.pk, **period.query()}
    first_page = selectors.figure_ids(result, "D")[: selectors.PER_PAGE]
    summary_sql = ("SELECT * FROM members_membershipsummary WHERE organization_id = %s; ").rstrip(
        "; "
    )
    children_sql = (
        "SELECT o.id, o.name, s.members FROM organizations_organization o "
        "LEFT JOIN members_membershipsummary s ON s.organization_id = o.id "
        "WHERE o.parent_id = %s AND o.valid_to IS NULL ORDER BY o.path"
    )

    def dashboard(client: Client, org: Organization) -> Callable[[], Any]:
        def run():
            response = client.get("/tong-quan/", {"org": org.pk})
            assert response.status_code == 200, response.status_code
            return response

        return run

    def raw_dashboard(org: Organization) -> Callable[[], Any]:
        summary = raw(summary_sql, [org.pk])
        children = raw(children_sql, [org.pk])
        cases = raw(
            "SELECT kind, count(*), count(*) FILTER (WHERE due_date < CURRENT_DATE) "
            "FROM compliance_case WHERE closed_on IS NULL AND org_path LIKE %s GROUP BY kind",
            [org.path + "%"],
        )
        months = raw(
            "SELECT month_end, members FROM reports_monthlyfigure WHERE organization_id = %s",
            [org.pk],
        )
        return lambda: (summary(), children(), cases(), months())

    def console(client: Client, org: Organization) -> Callable[[], Any]:
        def run():
            response = client.get("/kiem-soat/", {"org": org.pk})
            assert response.status_code == 200, response.status_code

        return run

    def raw_console(org: Organization) -> Callable[[], Any]:
        cases = raw(
            "SELECT kind, count(*), count(*) FILTER (WHERE due_date < CURRENT_DATE), "
            "min(due_date) FILTER (WHERE due_date < CURRENT_DATE) FROM compliance_case "
            "WHERE closed_on IS NULL AND org_path LIKE %s GROUP BY kind",
            [org.path + "%"],
        )
        per_child = raw(
            "SELECT kind, substr(org_path, 1, %s), count(*) FROM compliance_case "
            "WHERE closed_on IS NULL AND org_path LIKE %s AND due_date < CURRENT_DATE "
            "GROUP BY 1, 2",
            [len(org.path) + 4, org.path + "%"],
        )
        return lambda: (cases(), per_child())

    def report_page():
        response = board.get("/bao-cao/", query)
        assert response.status_code == 200, response.status_code

    return [
        (
            f"Báo cáo quý ({period.label}) đã tính: {province.name} — trang báo cáo",
            report_page,
            raw(
                "SELECT counts FROM reports_reportresult WHERE organization_id = %s "
                'AND start = %s AND "end" = %s',
                [province.pk, period.start, period.end],
            ),
        ),
        (
            f"Danh sách sau một số liệu (đảng viên cuối kỳ, trang 1): {province.name}",
            lambda: selectors.figure_page(scope, result, "D", 1),
            raw(
                "SELECT m.id, m.family_name, m.given_name, o.name FROM members_member m "
                "JOIN organizations_organization o ON o.id = m.organization_id "
                "WHERE m.id = ANY(%s) AND m.org_path LIKE %s",
                [first_page, province.path + "%"],
            ),
        ),
        (
            f"Danh sách sau một số liệu (trên 60 tuổi, trang 1): {province.name}",
            lambda: selectors.figure_page(scope, result, "dim:age:over_60", 1),
            raw(
                "SELECT m.id, m.family_name, m.given_name, o.name FROM members_member m "
                "JOIN organizations_organization o ON o.id = m.organization_id "
                "WHERE m.id = ANY(%s) AND m.org_path LIKE %s",
                [
                    selectors.figure_ids(result, "dim:age:over_60")[: selectors.PER_PAGE],
                    province.path + "%",
                ],
            ),
        ),
        (
            f"Tổng quan: {province.name} (HTTP trong tiến trình)",
            dashboard(board, province),
            raw_dashboard(province),
        ),
        (
            f"Tổng quan: {centre.name} (HTTP trong tiến trình)",
            dashboard(top, centre),
            raw_dashboard(centre),
        ),
        (
            f"Kiểm soát: {province.name} (HTTP trong tiến trình; raw: phần việc quá hạn)",
            console(board, province),
            raw_console(province),
        ),
    ]
