"""The reports' work in the job queue: the past months' figures a dashboard
asks for (computed from the events once, then kept), and the same period of
last year that a report page compares with."""

from __future__ import annotations

import datetime as dt

from dangvien.imports.jobs import huey, worker_connections
from dangvien.organizations.models import Organization

from .monthly import monthly_figures_ensure
from .periods import ReportPeriod
from .services import activity_ensure, report_result
from .widgets import widgets_refresh


@huey.task()
def compute_monthly_figures(organization_id: int) -> None:
    """Keep the MonthlyFigure rows of one organisation's last months."""
    with worker_connections():
        org = Organization.objects.filter(pk=organization_id).first()
        if org is not None:
            monthly_figures_ensure(org, dt.date.today())


@huey.task()
def compute_report(organization_id: int, start: dt.date, end: dt.date) -> None:
    """Compute and keep the report of one organisation over start..end."""
    with worker_connections():
        org = Organization.objects.filter(pk=organization_id).first()
        if org is not None:
            activity_ensure(report_result(org, ReportPeriod(start, end)), in_job=True)


@huey.task()
def refresh_widgets(organization_id: int, page: str = "dashboard") -> None:
    """Compute one organisation's widgets of a page (reports.widgets)."""
    with worker_connections():
        org = Organization.objects.filter(pk=organization_id).first()
        if org is not None:
            widgets_refresh(org, dt.date.today(), page)
