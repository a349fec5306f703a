"""Reads of admission and recognition files, always within the caller's scope.

Outside it (or for no such file) they raise the domain's NotFound: pages and the
API answer 404, as if the file did not exist."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, QuerySet, Subquery

from dangvien.accounts.scope import Scope
from dangvien.compliance.models import Case, CaseKind
from dangvien.core.errors import NotFound
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.organizations.models import Organization

from . import rules
from .models import (
    OPEN_STAGES,
    RECOGNITION_OPEN_STAGES,
    AdmissionFile,
    AdmissionTarget,
    RecognitionFile,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a dev dependency: for the checker only


def _pk(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound from None
    if not 0 < pk < 2**63:
        raise NotFound
    return pk


def admission_get_for(scope: Scope, pk) -> AdmissionFile:
    """The file if the scope reaches its cell; NotFound otherwise (never 403)."""
    file = (
        AdmissionFile.objects.filter(scope.org_q("org_path"), pk=_pk(pk))
        .select_related("candidate", "organization", "member", "introducer_1", "introducer_2")
        .first()
    )
    if file is None:
        raise NotFound
    return file


def recognition_get_for(scope: Scope, pk) -> RecognitionFile:
    """The recognition file if the scope reaches its cell; NotFound otherwise."""
    file = (
        RecognitionFile.objects.filter(scope.org_q("org_path"), pk=_pk(pk))
        .select_related("member", "organization", "admission")
        .first()
    )
    if file is None:
        raise NotFound
    return file


def _under(qs, scope: Scope, org: Organization | None, field: str = "org_path"):
    qs = qs.filter(scope.org_q(field))
    if org is not None:
        qs = qs.filter(**{f"{field}__startswith": org.path})
    return qs


class OpenCase(TypedDict):
    """What the lists of open files add to each file: its open case, if any."""

    case_step: str | None
    case_detail: str | None
    case_body: str | None
    case_acting_name: str | None
    due_date: dt.date | None


def admission_files_open(
    scope: Scope, org: Organization | None
) -> QuerySet[WithAnnotations[AdmissionFile, OpenCase]]:
    """Open admission files of the subtree with their open case: `case_step` (a step
    code of workflow.ADMISSION), `case_detail`, `case_body` (a Body code),
    `case_acting_name` and `due_date`; soonest due first."""
    case = Case.objects.filter(
        content_type=ContentType.objects.get_for_model(AdmissionFile),
        object_id=OuterRef("pk"),
        kind=CaseKind.ADMISSION,
        closed_on__isnull=True,
    )
    return (
        _under(AdmissionFile.objects.filter(stage__in=OPEN_STAGES), scope, org)
        .select_related("candidate", "organization")
        .annotate(
            case_step=Subquery(case.values("step")[:1]),
            case_detail=Subquery(case.values("detail")[:1]),
            case_body=Subquery(case.values("acting_body")[:1]),
            case_acting_name=Subquery(case.values("acting_organization__name")[:1]),
            due_date=Subquery(case.values("due_date")[:1]),
        )
        .order_by("due_date", "id")
    )


def recognition_files_open(
    scope: Scope, org: Organization | None
) -> QuerySet[WithAnnotations[RecognitionFile, OpenCase]]:
    """Open recognition files of the subtree, annotated as `admission_files_open`."""
    case = Case.objects.filter(
        content_type=ContentType.objects.get_for_model(RecognitionFile),
        object_id=OuterRef("pk"),
        kind=CaseKind.RECOGNITION,
        closed_on__isnull=True,
    )
    return (
        _under(RecognitionFile.objects.filter(stage__in=RECOGNITION_OPEN_STAGES), scope, org)
        .select_related("member", "organization")
        .annotate(
            case_step=Subquery(case.values("step")[:1]),
            case_detail=Subquery(case.values("detail")[:1]),
            case_body=Subquery(case.values("acting_body")[:1]),
            case_acting_name=Subquery(case.values("acting_organization__name")[:1]),
            due_date=Subquery(case.values("due_date")[:1]),
        )
        .order_by("probation_end", "id")
    )


@dataclass(frozen=True)
class ProbationRow:
    member: Member
    probation_start: dt.date | None
    probation_end: dt.date | None
    recognition_due: dt.date | None
    recognition_file_id: int | None


def probationary_members(scope: Scope, org: Organization | None, limit: int = 500):
    """Probationary members of the subtree with the end of probation and the day by
    which the cell must consider recognition (R1.13), soonest first."""
    started = (
        MembershipEvent.objects.filter(
            member=OuterRef("pk"), kind__in=(EventKind.ADMITTED, EventKind.READMITTED)
        )
        .order_by("-date", "-seq", "-id")
        .values("date")[:1]
    )
    members = (
        _under(Member.objects.filter(status=Status.PROBATIONARY), scope, org)
        .select_related("organization")
        .annotate(start=Subquery(started))
        .order_by("start", "id")[:limit]
    )
    members = list(members)
    files = dict(
        RecognitionFile.objects.filter(member__in=[m.pk for m in members]).values_list(
            "member_id", "pk"
        )
    )
    rows = []
    for member in members:
        start = member.start or member.joining_date
        end = rules.probation_end(start) if start else None
        rows.append(
            ProbationRow(
                member=member,
                probation_start=start,
                probation_end=end,
                recognition_due=rules.recognition_consider_deadline(end) if end else None,
                recognition_file_id=files.get(member.pk),
            )
        )
    return rows


def admission_get_for_step(scope: Scope, pk, step: str) -> AdmissionFile:
    """The file (as `admission_get_for`) checked to exist in the admission table's
    step `step`: raises NotFound for an unknown step code (the API's URL)."""
    from .workflow import ADMISSION

    if step not in {s.code for s in ADMISSION.steps}:
        raise NotFound
    return admission_get_for(scope, pk)


def recognition_get_for_step(scope: Scope, pk, step: str) -> RecognitionFile:
    """As `admission_get_for_step`, for the recognition table."""
    from .workflow import RECOGNITION

    if step not in {s.code for s in RECOGNITION.steps}:
        raise NotFound
    return recognition_get_for(scope, pk)


def former_members_for_readmission(scope: Scope, org: Organization) -> QuerySet[Member]:
    """Former members whose record is in the subtree (candidates for readmission)."""
    return _under(
        Member.objects.filter(status__in=(Status.NAME_DELETED, Status.EXPELLED, Status.LEFT)),
        scope,
        org,
    ).order_by("sort_key", "id")


# --- Yearly admission targets ------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    """One organisation's admissions of `year` against its target: `admitted`
    (admitted and readmitted, from 1 January to the day asked, in its subtree
    of today), `target` (None: none set) and `expected` by that day
    (rules.target_expected_by; None without a target)."""

    organization: Organization
    year: int
    target: int | None
    admitted: int
    expected: int | None
    decision: str = ""  # the paper that gave the target

    @property
    def behind(self) -> bool:
        return self.expected is not None and self.admitted < self.expected

    @property
    def percent(self) -> float | None:
        """Admitted as a percent of the target (None without one or with 0)."""
        return self.admitted * 100 / self.target if self.target else None


def _admitted_by_path(org: Organization, year: int, on: dt.date) -> tuple[list[str], list[int]]:
    """The organisation paths under `org` where members were admitted in `year`
    up to `on`, sorted, and the running sum of their admissions (for prefix sums)."""
    last = min(on, dt.date(year, 12, 31))
    rows = (
        MembershipEvent.objects.filter(
            kind__in=(EventKind.ADMITTED, EventKind.READMITTED),
            date__gte=dt.date(year, 1, 1),
            date__lte=last,
            organization_after__path__startswith=org.path,
        )
        .values_list("organization_after__path")
        .annotate(n=Count("id"))
        .order_by()
    )
    paths, running, total = [], [], 0
    for path, n in sorted(rows):  # Python's order, whatever the database's collation
        total += n
        paths.append(path)
        running.append(total)
    return paths, running


def _admitted_under(paths: list[str], running: list[int], prefix: str) -> int:
    lo = bisect.bisect_left(paths, prefix)
    hi = bisect.bisect_left(paths, prefix + "\uffff")
    if hi <= lo:
        return 0
    return running[hi - 1] - (running[lo - 1] if lo else 0)


def admission_progress(
    org: Organization, year: int, on: dt.date, *, children: bool = True
) -> list[TargetProgress]:
    """`org`'s admissions of `year` against its target on `on`, then (when
    `children`) each organisation directly under it in force, in path order:
    three queries (two without children), whatever the subtree's size.
    Unscoped: the caller reached `org` through its scope."""
    orgs = [org]
    if children:
        orgs += list(
            Organization.objects.filter(parent=org, valid_to__isnull=True).order_by("path")
        )
    targets = {
        org_id: (count, decision)
        for org_id, count, decision in AdmissionTarget.objects.filter(
            year=year, organization__in=orgs
        ).values_list("organization_id", "count", "decision")
    }
    paths, running = _admitted_by_path(org, year, on)
    return [
        TargetProgress(
            o,
            year,
            targets[o.pk][0] if o.pk in targets else None,
            _admitted_under(paths, running, o.path),
            rules.target_expected_by(targets[o.pk][0], on) if o.pk in targets else None,
            targets[o.pk][1] if o.pk in targets else "",
        )
        for o in orgs
    ]


def admissions_behind(org: Organization, year: int, on: dt.date) -> list[TargetProgress]:
    """Every organisation of `org`'s subtree (itself included) with a target for
    `year` whose admissions by `on` are behind it (rules.target_expected_by),
    in path order: two queries."""
    targets = list(
        AdmissionTarget.objects.filter(
            year=year, organization__path__startswith=org.path, organization__valid_to__isnull=True
        )
        .select_related("organization")
        .order_by("organization__path")
    )
    if not targets:
        return []
    paths, running = _admitted_by_path(org, year, on)
    out = []
    for t in targets:
        progress = TargetProgress(
            t.organization,
            year,
            t.count,
            _admitted_under(paths, running, t.organization.path),
            rules.target_expected_by(t.count, on),
        )
        if progress.behind:
            out.append(progress)
    return out


def admission_targets_count(org: Organization, year: int) -> int:
    """How many organisations of `org`'s subtree (in force) have a target for `year`."""
    return AdmissionTarget.objects.filter(
        year=year, organization__path__startswith=org.path, organization__valid_to__isnull=True
    ).count()
