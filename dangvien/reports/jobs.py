"""The reports' work in the job queue: the past months' figures a dashboard
asks for (computed from the events once, then kept)."""

from __future__ import annotations

import datetime as dt

from dangvien.imports.jobs import huey, worker_connections
from dangvien.organizations.models import Organization

from .monthly import monthly_figures_ensure


@huey.task()
def compute_monthly_figures(organization_id: int) -> None:
    """Keep the MonthlyFigure rows of one organisation's last months."""
    with worker_connections():
        org = Organization.objects.filter(pk=organization_id).first()
        if org is not None:
            monthly_figures_ensure(org, dt.date.today())
