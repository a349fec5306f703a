"""Discipline for the demo (issue 12, "the demo shows it"): on the existing
demo members, one discipline in force and one lapsed, both through the
services (violation, proposal, the cell's vote, the decision with its paper,
the announcement)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangvien.core.actors import SYSTEM
from dangvien.members.models import Member, Status
from dangvien.movements.models import Transfer, TransferStatus

from . import services
from .models import Discipline


@dataclass
class DemoDiscipline:
    in_force: Discipline
    lapsed: Discipline


def _candidates() -> list[Member]:
    """Official members of one cell with at least two, without a transfer under
    way, last recorded first (the first members are the other demos')."""
    busy = Transfer.objects.filter(status__in=(TransferStatus.OPENED, TransferStatus.SENT)).values(
        "member_id"
    )
    members = (
        Member.objects.filter(status=Status.OFFICIAL, official_date__isnull=False)
        .exclude(pk__in=busy)
        .select_related("organization")
        .order_by("org_path", "-pk")
    )
    by_cell: dict[int, list[Member]] = {}
    for member in members:
        by_cell.setdefault(member.organization_id, []).append(member)
        if len(by_cell[member.organization_id]) == 2:
            return by_cell[member.organization_id]
    raise LookupError("no cell with two official members for the discipline demo")


def _discipline(
    member: Member, *, form: str, kind: str, announced_on: dt.date, description: str
) -> Discipline:
    entitled = max(
        Member.objects.filter(organization=member.organization, status=Status.OFFICIAL).count(), 1
    )
    violation = services.violation_record(
        actor=SYSTEM,
        member=member,
        kind=kind,
        description=description,
        committed_on=announced_on - dt.timedelta(days=45),
        found_on=announced_on - dt.timedelta(days=30),
    )
    discipline = services.discipline_propose(
        actor=SYSTEM,
        violation=violation,
        form=form,
        authority=member.organization,
        authority_body="cell",
        proposed_on=announced_on - dt.timedelta(days=20),
    )
    discipline = services.discipline_vote(
        actor=SYSTEM,
        discipline=discipline,
        voted_on=announced_on - dt.timedelta(days=7),
        entitled=entitled,
        votes_for=entitled,
    )
    discipline = services.discipline_decide(
        actor=SYSTEM, discipline=discipline, decision_date=announced_on - dt.timedelta(days=7)
    )
    return services.discipline_announce(
        actor=SYSTEM, discipline=discipline, announced_on=announced_on
    )


def demo_discipline(today: dt.date | None = None) -> DemoDiscipline:
    """A warning in force (announced 60 days before `today`) and a reprimand
    lapsed (announced 400 days before: 12 months without complaint or new
    violation, R7.3), for two official members of one demo cell."""
    today = today or dt.date.today()
    first, second = _candidates()
    lapsed = _discipline(
        second,
        form="reprimand",
        kind="duties",
        announced_on=today - dt.timedelta(days=400),
        description="Không hoàn thành nhiệm vụ chi bộ giao, không báo cáo lý do",
    )
    in_force = _discipline(
        first,
        form="warning",
        kind="standards",
        announced_on=today - dt.timedelta(days=60),
        description="Vi phạm quy định về những điều đảng viên không được làm",
    )
    return DemoDiscipline(in_force=in_force, lapsed=lapsed)
