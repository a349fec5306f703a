"""Compute or reuse a periodic report (reports.compute) for an organisation and
a period, keeping the result for the page, its drill-down lists and the forms."""

from __future__ import annotations

import datetime as dt
import json
import time
import zlib
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangvien.organizations.models import Organization

from .compute import DIMENSIONS, compute
from .errors import ReportError
from .models import ReportResult
from .periods import ReportPeriod
from .scope import report_scope


def report_check_period(org: Organization, period: ReportPeriod) -> None:
    """Raise ReportError.BEFORE_ORGANIZATION (field "tu") when the period starts
    before `org` (or any organisation merged into it) existed."""
    scope = report_scope(org, period.end)
    if scope.earliest and period.start < scope.earliest:
        raise ReportError.BEFORE_ORGANIZATION.error(
            field="tu", organization=org.name, day=f"{scope.earliest:%d/%m/%Y}"
        )


def report_result(
    org: Organization, period: ReportPeriod, *, actor=None, refresh: bool = False
) -> ReportResult:
    """The report of `org` over `period`: the kept one when computed less than
    settings.REPORT_FRESH_SECONDS ago (and `refresh` is False), else computed now
    from the events and kept. Raises ReportError.BEFORE_ORGANIZATION."""
    report_check_period(org, period)
    if not refresh:
        kept = ReportResult.objects.filter(
            organization=org, start=period.start, end=period.end
        ).first()
        fresh = timezone.now() - dt.timedelta(seconds=settings.REPORT_FRESH_SECONDS)
        if kept is not None and kept.computed_at >= fresh:
            return kept
    began = time.perf_counter()
    computed = compute(report_scope(org, period.end), period)
    counts = {
        "movement": {code: len(ids) for code, ids in computed.lists.items()},
        "dims": {dim: dict(Counter(computed.dims[dim])) for dim in DIMENSIONS},
        "average_age": computed.average_age,
    }
    payload = zlib.compress(
        json.dumps(
            {"lists": computed.lists, "dims": computed.dims}, separators=(",", ":")
        ).encode(),
        level=1,
    )
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        result, _ = ReportResult.objects.update_or_create(
            organization=org,
            start=period.start,
            end=period.end,
            defaults={
                "computed_at": timezone.now(),
                "computed_by": user,
                "seconds": time.perf_counter() - began,
                "counts": counts,
                "payload": payload,
            },
        )
    return result


def report_payload(result: ReportResult) -> dict:
    """The kept lists: {"lists": {code: [member ids]}, "dims": {dimension: [key
    per member of lists["D"]]}}."""
    return json.loads(zlib.decompress(bytes(result.payload)))
