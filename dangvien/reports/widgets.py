"""The dashboard's figures that count many rows (this month's meetings and
dues, last year's grading shares): computed by the job queue and kept in
DashboardFigure, read by the page. A figure older than WIDGET_MAX_AGE_SECONDS
(60; last year's grading a day) is queued again when the page is viewed; the
page shows the kept value and when it was computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from dangvien.organizations.models import Organization

from .models import DashboardFigure

WIDGET_MAX_AGE_SECONDS = 60
# Last year's grading hardly changes: recounted once a day, not every minute.
MAX_AGE = {"grading": 24 * 3600}


def _meetings(org: Organization, today: dt.date) -> dict[str, Any]:
    from dangvien.meetings import selectors

    summary = selectors.month_summary(org, today.replace(day=1))
    return {"month": f"{today:%m/%Y}", "cells": summary.cells, "held": summary.held}


def _dues(org: Organization, today: dt.date) -> dict[str, Any]:
    from dangvien.dues.models import DuesLedger

    month = today.replace(day=1)
    totals = DuesLedger.objects.filter(
        organization__path__startswith=org.path, month=month
    ).aggregate(
        members=Count("id"),
        paid_members=Count("id", filter=Q(amount_paid__gt=0)),
        due=Sum("amount_due"),
        paid=Sum("amount_paid"),
    )
    return {"month": f"{month:%m/%Y}", **{k: int(v or 0) for k, v in totals.items()}}


def _grading(org: Organization, today: dt.date) -> dict[str, Any]:
    from dangvien.grading import selectors

    year = today.year - 1
    _rows, total = selectors.results_table(org, year)
    return {
        "year": year,
        "graded": total.graded,
        "pending": total.pending,
        "counts": {
            g: getattr(total, g) for g in ("excellent", "good", "completed", "not_completed")
        },
    }


def _console(org: Organization, today: dt.date) -> dict[str, Any]:
    """The compliance console's checks that read many rows (meetings, dues)."""
    from dataclasses import asdict

    from dangvien.compliance.console import slow_rows

    return {"rows": [asdict(row) for row in slow_rows(org, today)]}


WIDGETS: dict[str, Callable[[Organization, dt.date], dict[str, Any]]] = {
    "meetings": _meetings,
    "dues": _dues,
    "grading": _grading,
    "console": _console,
}
# The widgets of each page (a dashboard does not compute the console's).
PAGES = {"dashboard": ("meetings", "dues", "grading"), "console": ("console",)}


def widgets_refresh(
    org: Organization, today: dt.date, page: str = "dashboard"
) -> dict[str, DashboardFigure]:
    """Compute the widgets of `page` for `org` now and keep them."""
    now = timezone.now()
    out = {}
    for name in PAGES[page]:
        compute = WIDGETS[name]
        out[name], _ = DashboardFigure.objects.update_or_create(
            organization=org,
            name=name,
            defaults={"value": compute(org, today), "computed_at": now},
        )
    return out


def widgets_read(
    org: Organization, page: str = "dashboard"
) -> tuple[dict[str, DashboardFigure], bool]:
    """The kept widgets of `page` for `org` and whether some are missing or
    older than WIDGET_MAX_AGE_SECONDS (the caller queues a refresh)."""
    kept = {
        f.name: f for f in DashboardFigure.objects.filter(organization=org, name__in=PAGES[page])
    }
    now = timezone.now()
    stale = len(kept) < len(PAGES[page]) or any(
        f.computed_at < now - dt.timedelta(seconds=MAX_AGE.get(name, WIDGET_MAX_AGE_SECONDS))
        for name, f in kept.items()
    )
    return kept, stale
