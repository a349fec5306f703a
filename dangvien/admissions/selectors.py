"""Reads of admission and recognition files, always within the caller's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from dangvien.accounts.scope import Scope
from dangvien.compliance.models import Case, CaseKind
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.organizations.models import Organization

from . import rules
from .models import OPEN_STAGES, RECOGNITION_OPEN_STAGES, AdmissionFile, RecognitionFile


def _pk(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def admission_get_for(scope: Scope, pk) -> AdmissionFile:
    """The file if the scope reaches its cell; 404 otherwise (never 403)."""
    file = (
        AdmissionFile.objects.filter(scope.org_q("org_path"), pk=_pk(pk))
        .select_related("candidate", "organization", "member", "introducer_1", "introducer_2")
        .first()
    )
    if file is None:
        raise Http404
    return file


def recognition_get_for(scope: Scope, pk) -> RecognitionFile:
    file = (
        RecognitionFile.objects.filter(scope.org_q("org_path"), pk=_pk(pk))
        .select_related("member", "organization", "admission")
        .first()
    )
    if file is None:
        raise Http404
    return file


def _under(qs, scope: Scope, org: Organization | None, field: str = "org_path"):
    qs = qs.filter(scope.org_q(field))
    if org is not None:
        qs = qs.filter(**{f"{field}__startswith": org.path})
    return qs


def admission_files_open(scope: Scope, org: Organization | None) -> QuerySet[AdmissionFile]:
    """Open admission files of the subtree with their case (next step, who, due date)."""
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
            next_label=Subquery(case.values("step_label")[:1]),
            next_actor=Subquery(case.values("actor")[:1]),
            due_date=Subquery(case.values("due_date")[:1]),
        )
        .order_by("due_date", "id")
    )


def recognition_files_open(scope: Scope, org: Organization | None) -> QuerySet[RecognitionFile]:
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
            next_label=Subquery(case.values("step_label")[:1]),
            next_actor=Subquery(case.values("actor")[:1]),
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


def former_members_for_readmission(scope: Scope, org: Organization) -> QuerySet[Member]:
    """Former members whose record is in the subtree (candidates for readmission)."""
    return _under(
        Member.objects.filter(status__in=(Status.NAME_DELETED, Status.EXPELLED, Status.LEFT)),
        scope,
        org,
    ).order_by("sort_key", "id")
