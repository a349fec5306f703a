"""Compute or reuse a periodic report (reports.compute) for an organisation and
a period, keeping the result for the page, its drill-down lists and the forms."""

from __future__ import annotations

import datetime as dt
import sys
import time
import zlib
from array import array

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangvien.core.alongside import alongside
from dangvien.organizations.models import Organization

from .activity import ACTIVITY_VERSION, activity
from .compute import DIMENSIONS, Computed, compute
from .errors import ReportError
from .models import ReportFigure, ReportResult
from .periods import ReportPeriod
from .scope import report_scope


def report_check_period(org: Organization, period: ReportPeriod) -> None:
    """Raise ReportError.BEFORE_ORGANIZATION (field "tu") when the period ends
    before `org` (or any organisation merged into it) existed. A period that
    includes the founding day is reported (its start list is empty)."""
    scope = report_scope(org, period.end)
    if scope.earliest and period.end < scope.earliest:
        raise ReportError.BEFORE_ORGANIZATION.error(
            field="tu", organization=org.name, day=f"{scope.earliest:%d/%m/%Y}"
        )


def report_too_large(org: Organization) -> bool:
    """Whether `org`'s subtree has more members in activity than
    settings.REPORT_INLINE_MAX_MEMBERS: its report is computed by the job queue,
    never in a web request (a province of 190,000 takes 3.5 s; the whole party
    minutes)."""
    return _members(org) > settings.REPORT_INLINE_MAX_MEMBERS


def _members(org: Organization) -> int:
    """`org`'s members in activity, from its kept summary (0 when none is kept)."""
    from dangvien.members.models import MembershipSummary

    members = (
        MembershipSummary.objects.filter(organization=org).values_list("members", flat=True).first()
    )
    return members or 0


def report_kept(org: Organization, period: ReportPeriod) -> ReportResult | None:
    """The kept report of `org` over `period`: of a period over before the day
    it was computed, kept until recomputed («Tính lại»: an event entered late
    for a past date); of a period running when computed, for
    settings.REPORT_FRESH_SECONDS. None otherwise."""
    kept = ReportResult.objects.filter(organization=org, start=period.start, end=period.end).first()
    if kept is None:
        return None
    if period.end < timezone.localdate(kept.computed_at):
        return kept
    fresh = timezone.now() - dt.timedelta(seconds=settings.REPORT_FRESH_SECONDS)
    return kept if kept.computed_at >= fresh else None


def report_result(
    org: Organization,
    period: ReportPeriod,
    *,
    actor=None,
    refresh: bool = False,
    with_activity: bool = True,
) -> ReportResult:
    """The report of `org` over `period`: the kept one when computed less than
    settings.REPORT_FRESH_SECONDS ago (and `refresh` is False), else computed now
    from the events and kept. `with_activity` False leaves the work of the
    period (reports.activity) to be computed when first read (last year's
    report, for its comparison column only). Raises ReportError.BEFORE_ORGANIZATION."""
    report_check_period(org, period)
    if not refresh and (kept := report_kept(org, period)) is not None:
        return kept
    began = time.perf_counter()
    # The work of the period read by a second connection while the members'
    # histories are walked here, for a large subtree (core.alongside).
    large = with_activity and _members(org) >= settings.REPORT_ALONGSIDE_MIN_MEMBERS
    # Its lists are put in name order by the computation's own (no query).
    work = (
        alongside(activity, org, period, None, large, None, worth=large) if with_activity else None
    )
    try:
        computed = compute(report_scope(org, period.end), period)
    except BaseException:
        if work is not None:
            work.settle()  # no read of the work left running behind the error
        raise
    counts: dict[str, object] = {
        "movement": {code: len(ids) for code, ids in computed.lists.items()},
        "dims": {dim: computed.end.counts(dim) for dim in DIMENSIONS},
        "average_age": computed.average_age,
        # The order of each dimension's categories in its kept index (below).
        "dim_keys": computed.end.keys,
        # The admitted of the period (form 2) by the same dimensions.
        "admitted": {dim: computed.entered.counts(dim) for dim in DIMENSIONS},
        "adm_keys": computed.entered.keys,
    }
    activity_lists: dict[str, list[int]] = {}
    if work is not None:
        done, found = work.result()
        activity_lists = {code: computed.in_name_order(ids) for code, ids in found.items()}
        done["admissions"]["admitted"] = len(computed.lists["B1"])
        counts["activity"] = done
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
            },
        )
        # The figures' lists are derived data: the previous computation's go.
        ReportFigure.objects.filter(result=result).delete()
        ReportFigure.objects.bulk_create(
            ReportFigure(result=result, figure=figure, ids=blob)
            for figure, blob in [
                *_kept_lists(computed),
                *((code, encode_ids(ids)) for code, ids in activity_lists.items() if ids),
            ]
        )
    return result


class ActivityPending(Exception):
    """The work of the period of a large organisation is being computed by the
    job queue (never in a web request)."""


def activity_ensure(result: ReportResult, *, in_job: bool = False) -> dict:
    """The kept result's work of the period (reports.activity), computed now and
    kept when the result has none of this version (computed before it was part
    of the report, or for last year's comparison only). For an organisation
    above settings.REPORT_INLINE_MAX_MEMBERS raises ActivityPending and queues
    the whole report instead (`in_job`: the queue's own call, computed here)."""
    kept = result.counts.get("activity")
    if kept is not None and kept.get("version") == ACTIVITY_VERSION:
        return kept
    if not in_job and report_too_large(result.organization):
        from .jobs import compute_report

        compute_report(result.organization_id, result.start, result.end)
        result.refresh_from_db()
        kept = result.counts.get("activity")
        if kept is None or kept.get("version") != ACTIVITY_VERSION:
            raise ActivityPending
        return kept
    with transaction.atomic():
        # One computation at a time per result: a second request waits, then reads it.
        locked = ReportResult.objects.select_for_update().get(pk=result.pk)
        kept = locked.counts.get("activity")
        if kept is None or kept.get("version") != ACTIVITY_VERSION:
            period = ReportPeriod(locked.start, locked.end)
            kept, lists = activity(locked.organization, period, locked.counts["movement"]["B1"])
            locked.counts["activity"] = kept
            locked.save(update_fields=["counts"])
            ReportFigure.objects.filter(result=locked, figure__startswith="act:").delete()
            ReportFigure.objects.bulk_create(
                ReportFigure(result=locked, figure=code, ids=encode_ids(ids))
                for code, ids in lists.items()
                if ids
            )
    result.counts = locked.counts
    return kept


def _kept_lists(computed: Computed) -> list[tuple[str, bytes]]:
    """What ReportFigure keeps: each non-empty list of form 1 as member ids (name
    order), and for each dimension "dim:<name>" (of D) and "adm:<name>" (of the
    admitted, B1) the composition's index, one byte a member (13 bytes a
    member, not 13 ids)."""
    out = [(code, encode_ids(ids)) for code, ids in computed.lists.items() if ids]
    for prefix, composition in (("dim", computed.end), ("adm", computed.entered)):
        for dim in DIMENSIONS:
            out.append((f"{prefix}:{dim}", zlib.compress(composition.index[dim], level=1)))
    return out


def encode_ids(ids: list[int]) -> bytes:
    """Member ids as ReportFigure.ids keeps them."""
    packed = array("q", ids)
    if sys.byteorder != "little":  # pragma: no cover
        packed.byteswap()
    return zlib.compress(packed.tobytes(), level=1)


def decode_ids(blob: bytes) -> list[int]:
    packed = array("q")
    packed.frombytes(zlib.decompress(bytes(blob)))
    if sys.byteorder != "little":  # pragma: no cover
        packed.byteswap()
    return packed.tolist()


def _blob(result: ReportResult, figure: str) -> bytes | None:
    blob = (
        ReportFigure.objects.filter(result=result, figure=figure)
        .values_list("ids", flat=True)
        .first()
    )
    return None if blob is None else bytes(blob)


def dimension_index(result: ReportResult, dim: str, prefix: str = "dim") -> tuple[list[str], bytes]:
    """A dimension's category keys and, for each member of D ("dim"; of the
    admitted B1: "adm") in order, the index of its category among them."""
    blob = _blob(result, f"{prefix}:{dim}")
    keys = result.counts[f"{prefix}_keys"].get(dim, [])
    return keys, zlib.decompress(bytes(blob)) if blob else b""


def figure_member_ids(result: ReportResult, figure: str) -> list[int]:
    """The kept ids of one figure, in name order: a list of form 1 ("B1") or a
    category of the end list ("dim:age:31_35"); [] when empty."""
    if figure.startswith(("dim:", "adm:")):
        prefix, dim, key = (figure.split(":", 2) + [""])[:3]
        keys, index = dimension_index(result, dim, prefix)
        if key not in keys:
            return []
        wanted = keys.index(key)
        base = figure_member_ids(result, "D" if prefix == "dim" else "B1")
        return [pk for pk, n in zip(base, index, strict=True) if n == wanted]
    blob = _blob(result, figure)
    return decode_ids(blob) if blob is not None else []
