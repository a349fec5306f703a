"""Reads of inspection and discipline, always through the caller's scope.

Discipline is a sensitive section (architecture.md; R7): a discipline is seen
by the organisation board and the inspection committee whose subtree holds
the member (`Scope.sees_sensitive`), by the member themself, and by the
writers of the deciding body (or above it). Inspections are seen by the board
and the inspection committee over the inspected subtree. Anything else is
NotFound (404), never 403.

`blocks_transfer` and `disciplined_in_year` are the reads other areas use
(transfers, grading); they take no scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from dangvien.accounts.scope import Scope
from dangvien.members.models import Member, PostHeld, TripAbroad
from dangvien.organizations.models import CommitteePost

from . import rules
from .errors import DisciplineError
from .models import (
    Complaint,
    ComplaintStatus,
    Discipline,
    DisciplineStatus,
    Inspection,
    OrgDiscipline,
    Sanction,
    TripReport,
    Violation,
)

# Decisions that were taken and stand (an annulled or restored one was wrong).
DECIDED_STATUSES = (DisciplineStatus.DECIDED, DisciplineStatus.IN_FORCE)


def _pk(pk) -> int:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise DisciplineError.NOT_FOUND.not_found() from None
    if not 0 < value < 2**63:
        raise DisciplineError.NOT_FOUND.not_found()
    return value


def _prefix_q(paths, field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


# --- who sees what ----------------------------------------------------------------


def disciplines_visible_to(scope: Scope) -> QuerySet[Discipline]:
    """Disciplines the scope sees (board, inspection committee, the member, the
    deciding body's writers)."""
    qs = Discipline.objects.select_related("member", "violation", "authority", "post")
    if scope.everything:
        return qs
    q = _prefix_q(scope.sensitive_paths, "org_path") | _prefix_q(
        scope.write_paths, "authority_path"
    )
    if scope.member_id is not None:
        q |= Q(member_id=scope.member_id)
    return qs.filter(q)


def discipline_get_for(scope: Scope, pk) -> Discipline:
    """The discipline if the scope sees it; NotFound otherwise."""
    found = disciplines_visible_to(scope).filter(pk=_pk(pk)).first()
    if found is None:
        raise DisciplineError.NOT_FOUND.not_found()
    return found


def sees_record(scope: Scope, member: Member) -> bool:
    """Whether the scope sees the member's discipline record as a whole."""
    return scope.sees_sensitive(member)


def inspections_visible_to(scope: Scope) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("organization", "member", "target")
    if scope.everything:
        return qs
    return qs.filter(
        _prefix_q(scope.sensitive_paths, "target_path")
        | _prefix_q(scope.sensitive_paths, "organization__path")
    )


def inspection_get_for(scope: Scope, pk) -> Inspection:
    found = inspections_visible_to(scope).filter(pk=_pk(pk)).first()
    if found is None:
        raise DisciplineError.NOT_FOUND.not_found()
    return found


def violations_visible_to(scope: Scope) -> QuerySet[Violation]:
    qs = Violation.objects.select_related("member", "inspection", "trip")
    if scope.everything:
        return qs
    # The writers over the member's cell record violations and may be the
    # deciding body (the cell for reprimand and warning).
    q = _prefix_q(scope.sensitive_paths, "org_path") | _prefix_q(scope.write_paths, "org_path")
    if scope.member_id is not None:
        q |= Q(member_id=scope.member_id)
    return qs.filter(q)


def violation_get_for(scope: Scope, pk) -> Violation:
    found = violations_visible_to(scope).filter(pk=_pk(pk)).first()
    if found is None:
        raise DisciplineError.NOT_FOUND.not_found()
    return found


def member_disciplines(scope: Scope, member: Member) -> QuerySet[Discipline]:
    """The discipline record of a member (NotFound when the scope may not see it)."""
    if not sees_record(scope, member):
        raise DisciplineError.NOT_FOUND.not_found()
    return Discipline.objects.filter(member=member).select_related("violation", "authority", "post")


def member_violations(scope: Scope, member: Member) -> QuerySet[Violation]:
    if not sees_record(scope, member):
        raise DisciplineError.NOT_FOUND.not_found()
    return Violation.objects.filter(member=member).select_related("inspection", "trip")


# --- lapse and effects ----------------------------------------------------------------


def _complaint_dates(discipline: Discipline) -> tuple[list[dt.date], bool]:
    answered: list[dt.date] = []
    pending = False
    for status, day in Complaint.objects.filter(discipline=discipline).values_list(
        "status", "answered_on"
    ):
        if status == ComplaintStatus.LODGED:
            pending = True
        elif day is not None:
            answered.append(day)
    return answered, pending


def lapses_on(discipline: Discipline) -> dt.date | None:
    """R7.3: the day the discipline lapses by itself (None: it does not)."""
    if discipline.status != DisciplineStatus.IN_FORCE:
        return None
    answered, pending = _complaint_dates(discipline)
    new = Violation.objects.filter(member_id=discipline.member_id).exclude(
        pk=discipline.violation_id
    )
    return rules.lapses_on(
        discipline.form,
        discipline.announced_on,
        complaints_answered=answered,
        complaint_pending=pending,
        new_violations=new.values_list("committed_on", flat=True),
    )


def in_force_on(discipline: Discipline, on: dt.date) -> bool:
    """Announced on or before `on`, standing, and not lapsed by `on`."""
    if discipline.status != DisciplineStatus.IN_FORCE or discipline.announced_on is None:
        return False
    if discipline.announced_on > on:
        return False
    ends = lapses_on(discipline)
    return ends is None or on < ends


@dataclass(frozen=True)
class Standing:
    """How a discipline stands on a day, in words for pages and the API."""

    code: str  # proposed, rejected, voted, decided, in_force, lapsed, annulled, restored
    label: str
    lapses_on: dt.date | None


def standing_on(discipline: Discipline, on: dt.date) -> Standing:
    ends = lapses_on(discipline)
    if discipline.status == DisciplineStatus.IN_FORCE and ends is not None and on >= ends:
        return Standing("lapsed", f"Đã tự chấm dứt hiệu lực từ ngày {ends:%d/%m/%Y}", ends)
    if discipline.status == DisciplineStatus.IN_FORCE and ends is not None:
        return Standing(
            "in_force",
            f"Đang có hiệu lực, tự chấm dứt ngày {ends:%d/%m/%Y} nếu không vi phạm",
            ends,
        )
    return Standing(str(discipline.status), discipline.get_status_display(), ends)


def blocks_transfer(member: Member, on: dt.date) -> Discipline | None:
    """R7.4 (QĐ 69 Điều 2 khoản 13): the discipline in force on `on` that bars
    transferring (also rotating, promoting, giving titles to) the member, or
    None. Expulsion ends membership itself and is not counted here."""
    candidates = Discipline.objects.filter(
        member=member, status=DisciplineStatus.IN_FORCE, announced_on__lte=on
    ).exclude(form=Sanction.EXPULSION)
    for discipline in candidates.order_by("-announced_on", "-pk"):
        if in_force_on(discipline, on):
            return discipline
    return None


def post_barred_until(member: Member, on: dt.date) -> dt.date | None:
    """R7.4 (Điều lệ Điều 40 khoản 3): after a dismissal announced on or before
    `on`, the first day the member may again be elected or appointed, when it
    is after `on`; else None."""
    for day in Discipline.objects.filter(
        member=member, form=Sanction.DISMISSAL, status=DisciplineStatus.IN_FORCE
    ).values_list("announced_on", flat=True):
        if day is not None and day <= on and rules.dismissal_bar_ends(day) > on:
            return rules.dismissal_bar_ends(day)
    return None


def disciplined_in_year(member: Member, year: int) -> bool:
    """R6.5/R7.5: the member was disciplined in `year` for a violation. One
    violation counts once across years: in the year of its first decision
    (a decision later annulled or found wrong, QĐ 117, does not count)."""
    first: dict[int, dt.date] = {}
    rows = Discipline.objects.filter(
        member=member, status__in=DECIDED_STATUSES, decision_date__isnull=False
    ).values_list("violation_id", "decision_date")
    for violation_id, day in rows:
        if day is None:
            continue
        if violation_id not in first or day < first[violation_id]:
            first[violation_id] = day
    return any(day.year == year for day in first.values())


def lapsed_disciplines(scope: Scope, on: dt.date) -> list[tuple[Discipline, dt.date]]:
    """Disciplines seen by `scope` that lapsed by themselves on or before `on`,
    with the day each lapsed (R7.3)."""
    out = []
    for discipline in disciplines_visible_to(scope).filter(status=DisciplineStatus.IN_FORCE):
        ends = lapses_on(discipline)
        if ends is not None and ends <= on:
            out.append((discipline, ends))
    return out


# --- posts and trips ----------------------------------------------------------------------


def posts_held_on(member: Member, on: dt.date) -> QuerySet[PostHeld]:
    """The member's posts held on `on` (members.PostHeld)."""
    return PostHeld.objects.filter(member=member, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)
    )


def holds_post(member: Member, on: dt.date) -> bool:
    """A post recorded on the member's record, or a committee post, held on `on`."""
    if posts_held_on(member, on).exists():
        return True
    return (
        CommitteePost.objects.filter(member=member, voided=False, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .exists()
    )


def _trip_scope(qs: QuerySet[TripAbroad], scope: Scope) -> QuerySet[TripAbroad]:
    """Trips of members the scope sees as sensitive (board, inspection
    committee) or writes for (their cell and the committees above it)."""
    if scope.everything:
        return qs
    return qs.filter(
        _prefix_q(scope.sensitive_paths, "member__org_path")
        | _prefix_q(scope.write_paths, "member__org_path")
    )


def trips_not_reported(scope: Scope, on: dt.date) -> QuerySet[TripAbroad]:
    """Trips abroad started on or before `on`, of members the scope sees as
    sensitive or writes for (the cell keeps the record of trips), with no
    report to the committee and no violation recorded for them yet: the
    candidates for "went abroad without reporting" (seed 001)."""
    reported = TripReport.objects.values("trip_id")
    recorded = Violation.objects.filter(trip__isnull=False).values("trip_id")
    qs = (
        TripAbroad.objects.filter(start__lte=on)
        .exclude(pk__in=reported)
        .exclude(pk__in=recorded)
        .select_related("member", "member__organization")
    )
    return _trip_scope(qs, scope)


def trip_get_for(scope: Scope, pk) -> TripAbroad:
    """A trip abroad of a member the scope sees as sensitive or writes for; NotFound otherwise."""
    found = (
        _trip_scope(TripAbroad.objects.select_related("member", "member__organization"), scope)
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise DisciplineError.NOT_FOUND.not_found()
    return found


def trip_report_of(trip: TripAbroad) -> TripReport | None:
    return TripReport.objects.filter(trip=trip).first()


def trip_violation_of(trip: TripAbroad) -> Violation | None:
    return Violation.objects.filter(trip=trip).order_by("pk").first()


# --- discipline of party organisations ---------------------------------------------------


def org_disciplines_visible_to(scope: Scope) -> QuerySet[OrgDiscipline]:
    """Disciplines of party organisations the scope sees: the board and the
    inspection committee over the organisation, the writers of the deciding
    body (or above it), and the writers of the organisation disciplined."""
    qs = OrgDiscipline.objects.select_related("organization", "authority", "inspection")
    if scope.everything:
        return qs
    return qs.filter(
        _prefix_q(scope.sensitive_paths, "org_path")
        | _prefix_q(scope.write_paths, "authority_path")
        | _prefix_q(scope.write_paths, "org_path")
    )


def org_discipline_get_for(scope: Scope, pk) -> OrgDiscipline:
    """The discipline of an organisation if the scope sees it; NotFound otherwise."""
    found = org_disciplines_visible_to(scope).filter(pk=_pk(pk)).first()
    if found is None:
        raise DisciplineError.NOT_FOUND.not_found()
    return found


def open_complaint(discipline: Discipline) -> Complaint | None:
    return Complaint.objects.filter(discipline=discipline, status=ComplaintStatus.LODGED).first()
