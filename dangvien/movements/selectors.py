"""Reads of transfers and removals, always through the caller's scope.

Outside the scope (or no such row) a getter raises the domain's NotFound,
which pages and the API answer with 404. The `*_get_for_step` getters also
check that the scope may take the step (its acting body's organisation or
above), raising `not_acting_body`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet

from dangvien.accounts.scope import Scope
from dangvien.compliance.workflow import Workflow, WorkflowError, may_act_at
from dangvien.core.errors import DomainError, NotFound
from dangvien.liaison.selectors import excused_activity_periods
from dangvien.members import rules as member_rules
from dangvien.members.models import ACTIVE_STATUSES, CatalogItem, CatalogKind, Member
from dangvien.members.selectors import officials_on
from dangvien.organizations.models import Organization, UnitType

from . import rules as movement_rules
from .models import Removal, Transfer, TransferKind, TransferStatus

# Cells at a workplace: a retired member there should have moved to their residence.
WORKPLACE_UNIT_TYPES = (
    UnitType.AGENCY,
    UnitType.ENTERPRISE,
    UnitType.SCHOOL,
    UnitType.ARMED_FORCES,
)
RETIRED_OCCUPATION = "Nghỉ hưu"


def _path_q(scope: Scope, *fields: str) -> Q:
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    for path in scope.paths:
        for field in fields:
            q |= Q(**{f"{field}__startswith": path})
    return q


def transfers_visible_to(scope: Scope) -> QuerySet[Transfer]:
    """Transfers whose sending or receiving cell the scope reaches."""
    return Transfer.objects.filter(_path_q(scope, "from_path", "to_path"))


def _pk(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    return pk


def _require_step(workflow: Workflow, scope: Scope, obj, step: str) -> None:
    """NotFound for a step the table does not have; `not_acting_body` when the
    scope holds no writing role at the step's acting organisation or above.
    (The state is the service's to check, with its own message.)"""
    try:
        found = workflow.step(step)
    except DomainError:
        raise NotFound() from None
    if not may_act_at(scope, found.acting(obj)):
        org = found.acting(obj)
        raise WorkflowError.NOT_ACTING_BODY.error(
            field="step",
            step=found.label,
            body=str(found.body_of(obj).label).lower(),
            organization=org.name if org else "",
        )


def transfer_get_for(scope: Scope, pk) -> Transfer:
    """The transfer `pk` if its sending or receiving cell lies in the scope;
    NotFound otherwise."""
    transfer = (
        transfers_visible_to(scope)
        .select_related("member", "from_organization", "to_organization")
        .filter(pk=_pk(pk))
        .first()
    )
    if transfer is None:
        raise NotFound()
    return transfer


def transfer_get_for_step(scope: Scope, pk, step: str) -> Transfer:
    """The transfer `pk` for taking step `step` (a code of workflow.TRANSFER):
    NotFound outside the scope or for an unknown step; DomainError
    `not_acting_body` when the scope may not act for the step's body."""
    from .workflow import TRANSFER

    transfer = transfer_get_for(scope, pk)
    _require_step(TRANSFER, scope, transfer, step)
    return transfer


def transfers_of(scope: Scope, org: Organization, *, open_only: bool = True) -> QuerySet[Transfer]:
    """Transfers leaving or arriving in `org`'s subtree that the scope sees, newest
    first; `open_only`: not yet ended (opened, sent, or a temporary one received)."""
    qs = transfers_visible_to(scope).filter(
        Q(from_path__startswith=org.path) | Q(to_path__startswith=org.path)
    )
    if open_only:
        qs = qs.filter(
            Q(status__in=(TransferStatus.OPENED, TransferStatus.SENT))
            | Q(kind=TransferKind.TEMPORARY, status=TransferStatus.RECEIVED)
        )
    return qs.select_related("member", "from_organization", "to_organization").order_by(
        "-created_at", "-id"
    )


@dataclass(frozen=True)
class Overdue:
    transfer: Transfer
    days: int  # calendar days past the due date (0: not yet due)


def transfers_sent_not_received(scope: Scope, org: Organization, today: dt.date) -> list[Overdue]:
    """Members introduced out but not (yet) received at a cell managed here,
    most overdue first (R2.3: the letter is presented within
    TRANSFER_PRESENT_WORKING_DAYS working days). `days` are calendar days."""
    qs = (
        transfers_visible_to(scope)
        .filter(Q(from_path__startswith=org.path) | Q(to_path__startswith=org.path))
        .filter(status=TransferStatus.SENT, to_organization__isnull=False)
        .select_related("member", "from_organization", "to_organization")
        .order_by("present_due", "id")
    )
    # A transfer is SENT by transfers.transfer_send, which sets its `present_due`.
    return [
        Overdue(t, max(0, (today - t.present_due).days)) for t in qs if t.present_due is not None
    ]


@dataclass(frozen=True)
class RetireeRow:
    member: Member
    retired_on: dt.date | None
    transfer: Transfer | None
    due: dt.date | None
    days_overdue: int | None


def retirees_not_moved(scope: Scope, org: Organization, today: dt.date) -> list[RetireeRow]:
    """Retired members still in a workplace cell, with no permanent transfer sent
    (R2.1, R2.7: within TRANSFER_START_WORKING_DAYS working days of retirement). The retirement date is the
    end of the last work-history row when the record has one."""
    from . import rules

    retired = CatalogItem.objects.filter(
        kind=CatalogKind.OCCUPATION, name=RETIRED_OCCUPATION
    ).first()
    if retired is None:
        return []
    moved = Transfer.objects.filter(
        kind=TransferKind.PERMANENT, status__in=(TransferStatus.SENT, TransferStatus.RECEIVED)
    ).values("member")
    members = (
        Member.objects.filter(scope.member_q())
        .filter(
            org_path__startswith=org.path,
            status__in=ACTIVE_STATUSES,
            occupation=retired,
            organization__unit_type__in=WORKPLACE_UNIT_TYPES,
        )
        .exclude(pk__in=moved)
        .select_related("organization")
        .annotate(retired_on=Max("work_history__end"))
        .order_by("retired_on", "id")
    )
    open_transfers = {
        t.member_id: t
        for t in Transfer.objects.filter(
            member__in=[m.pk for m in members], status=TransferStatus.OPENED
        )
    }
    rows = []
    for member in members:
        transfer = open_transfers.get(member.pk)
        due = (
            transfer.start_due
            if transfer
            else (rules.transfer_start_due(member.retired_on) if member.retired_on else None)
        )
        days = max(0, (today - due).days) if due else None
        rows.append(RetireeRow(member, member.retired_on, transfer, due, days))
    rows.sort(key=lambda r: (-(r.days_overdue or 0), r.member.pk))
    return rows


def temporary_transfers_on(day: dt.date) -> QuerySet[Transfer]:
    """Temporary transfers in force on `day` (R2.4: the member attends and pays
    dues where attached, from the receipt until the return)."""
    return Transfer.objects.filter(
        kind=TransferKind.TEMPORARY,
        status__in=(TransferStatus.RECEIVED, TransferStatus.RETURNED),
        received_on__lte=day,
    ).filter(Q(returned_on__isnull=True) | Q(returned_on__gt=day))


def temporary_organization_on(member: Member, day: dt.date) -> Organization | None:
    """R2.4: during a temporary transfer the member is counted at their own cell
    but pays dues at the temporary one; this is that cell, if any, on `day`."""
    transfer = (
        temporary_transfers_on(day)
        .filter(member=member, to_organization__isnull=False)
        .select_related("to_organization")
        .order_by("-received_on")
        .first()
    )
    return transfer.to_organization if transfer else None


def removals_visible_to(scope: Scope) -> QuerySet[Removal]:
    """Removals of the cells the scope reaches."""
    return Removal.objects.filter(scope.org_q("org_path"))


def removal_get_for(scope: Scope, pk) -> Removal:
    """The removal `pk` if its cell lies in the scope; NotFound otherwise."""
    removal = (
        removals_visible_to(scope)
        .select_related("member", "organization")
        .filter(pk=_pk(pk))
        .first()
    )
    if removal is None:
        raise NotFound()
    return removal


def removal_get_for_step(scope: Scope, pk, step: str) -> Removal:
    """The removal `pk` for taking step `step` (a code of workflow.REMOVAL):
    NotFound outside the scope or for an unknown step; DomainError
    `not_acting_body` when the scope may not act for the step's body (the
    cell's own roles may not decide)."""
    from .workflow import REMOVAL

    removal = removal_get_for(scope, pk)
    _require_step(REMOVAL, scope, removal, step)
    return removal


def removals_of(scope: Scope, org: Organization) -> QuerySet[Removal]:
    """Removals in `org`'s subtree that the scope sees, newest first."""
    return (
        removals_visible_to(scope)
        .filter(org_path__startswith=org.path)
        .select_related("member", "organization")
        .order_by("-created_at", "-id")
    )


# --- The base of a cell's vote (R1.8a) --------------------------------------------


def attached_elsewhere_on(member_ids, day: dt.date) -> set[int]:
    """Members among `member_ids` temporarily attached to another party
    organisation on `day` (R2.4: a temporary transfer whose letter was issued
    on or before `day` and who had not returned by then)."""
    return set(
        Transfer.objects.filter(
            member_id__in=list(member_ids),
            kind=TransferKind.TEMPORARY,
            status__in=(TransferStatus.SENT, TransferStatus.RECEIVED, TransferStatus.RETURNED),
            sent_on__lte=day,
        )
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gt=day))
        .values_list("member_id", flat=True)
    )


def cell_vote_base(
    cell: Organization,
    day: dt.date,
    *,
    present=None,
    subject: Member | None = None,
) -> member_rules.VoteBase:
    """Who counts in the cell's vote on `day` (members.rules.vote_base, R1.8a):
    its official members that day (from the events), less those exempted and
    absent and those temporarily attached elsewhere. `present` is an iterable
    of member ids (or members); None means every official member was present.
    Suspension and detention are not recorded in this product yet, so no one
    is left out for them. Unscoped: the caller has the cell."""
    rows = officials_on(cell, day)
    ids = [pk for pk, _name, _exempt in rows]
    if present is not None:
        present = {getattr(p, "pk", p) for p in present}
    return member_rules.vote_base(
        on=day,
        officials=ids,
        present=present,
        exempted=[pk for pk, _name, exempt in rows if exempt],
        attached_elsewhere=attached_elsewhere_on(ids, day),
        subject=subject.pk if subject is not None else None,
        names={pk: name for pk, name, _exempt in rows},
    )


# --- Months the organisation excused (R4.1.1) -------------------------------------


def excused_months(
    member: Member, first: dt.date, last: dt.date, *, dues: bool = False
) -> dict[tuple[int, int], str]:
    """The months from `first` to `last` the party organisation itself excused
    `member` from the cell's activity, (year, month) → reason: an exemption or
    temporary exemption decided by the cell (liaison), a temporary transfer to
    another organisation (R2.4, the member meets and pays dues there). With
    `dues`, only what excuses the cell's dues ledger (the temporary transfer:
    an exemption from activity is not one from dues, R3.5). Every rule that
    counts missed months asks this one function (movements.rules.missed_months_error)."""
    periods: list[tuple[dt.date, dt.date | None, str]] = []
    if not dues:
        periods += excused_activity_periods(member)
    for transfer in Transfer.objects.filter(
        member=member,
        kind=TransferKind.TEMPORARY,
        status__in=(TransferStatus.SENT, TransferStatus.RECEIVED, TransferStatus.RETURNED),
        sent_on__isnull=False,
    ).order_by("sent_on", "id"):
        assert transfer.sent_on is not None  # sent_on__isnull=False
        end = transfer.returned_on - dt.timedelta(days=1) if transfer.returned_on else None
        where = transfer.destination or "tổ chức đảng khác"
        periods.append(
            (
                transfer.sent_on,
                end,
                f"đảng viên sinh hoạt tạm thời tại {where} từ {transfer.sent_on:%d/%m/%Y}",
            )
        )
    return movement_rules.months_covered(periods, first, last)
