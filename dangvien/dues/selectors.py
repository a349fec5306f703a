"""Reading party dues: who owes in a month and where, the inputs of each
member's amount in bulk, the cell's month sheet, the member's history, the
committee's overview, arrears and the reconciliation of shares by level.

Scope is the caller's business (pages and API pass organisations already
checked with accounts.scope); every function reads one organisation's subtree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from dangvien.members import rules as member_rules
from dangvien.members.models import ACTIVE_STATUSES, Member, MembershipEvent
from dangvien.members.selectors import members_of_organization_on
from dangvien.movements.selectors import temporary_transfers_on
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization

from . import rules
from .models import (
    ARREARS_STATUSES,
    ArrangementKind,
    CommuneWageRegion,
    DuesArrangement,
    DuesLedger,
    DuesMonthClose,
    DuesPayment,
    DuesProfile,
    DuesRelief,
    LedgerStatus,
    MinimumWage,
)


def subtree(org: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__startswith=org.path)


def cells_of(org: Organization) -> QuerySet[Organization]:
    """The organisations of `org`'s subtree that hold members (where dues are paid)."""
    return subtree(org).filter(level__in=MEMBER_HOLDING_LEVELS)


def payers_of_month(org: Organization, month: dt.date) -> dict[int, int]:
    """member id → id of the organisation (in `org`'s subtree) where the member
    pays `month`'s dues: the members in activity there on the month's last day,
    a member on a temporary transfer where attached (R2.4). Members attached
    to an organisation outside the subtree pay there and are left out."""
    last = rules.month_end(month)
    tree = set(cells_of(org).values_list("pk", flat=True))
    payers = {
        pk: org_id
        for pk, org_id in members_of_organization_on(org, last).values_list("pk", "organization_on")
        if org_id in tree
    }
    for member_id, to_org, status in temporary_transfers_on(last).values_list(
        "member_id", "to_organization_id", "member__status"
    ):
        if to_org not in tree:
            payers.pop(member_id, None)
        elif status in ACTIVE_STATUSES:
            payers[member_id] = to_org
    return payers


def _id_chunks(member_ids: Iterable[int]) -> list[object]:
    """The values for `member_id__in` filters over `member_ids`: on PostgreSQL
    one array parameter (a province's 200,000 ids as one `IN (SELECT unnest)`;
    20,000 placeholders per statement cost seconds to send and parse, measured
    in the bench), elsewhere chunks of at most 20,000 ids."""
    ids = list(member_ids)
    if connection.vendor == "postgresql" and len(ids) > 1_000:
        return [RawSQL("SELECT unnest(%s::bigint[])", (ids,))]
    return [ids[start : start + 20_000] for start in range(0, len(ids), 20_000)]


def profiles_on(member_ids: Iterable[int], day: dt.date) -> dict[int, DuesProfile]:
    """member id → the dues profile in force on `day` (the latest from a day on or before it)."""
    found: dict[int, DuesProfile] = {}
    for chunk in _id_chunks(member_ids):
        for profile in DuesProfile.objects.filter(
            member_id__in=chunk, valid_from__lte=day
        ).order_by("member_id", "valid_from", "id"):
            found[profile.member_id] = profile
    return found


ProfileFacts = tuple[str, int | None, int | None, bool]  # category, base, voluntary, approved


def profile_facts_on(member_ids: Iterable[int], day: dt.date) -> dict[int, ProfileFacts]:
    """member id → (category, base, voluntary, voluntary approved) of the profile
    in force on `day`: what `profiles_on` gives, as plain tuples (a province's
    200,000 model instances cost seconds in the month's compute)."""
    found: dict[int, ProfileFacts] = {}
    for chunk in _id_chunks(member_ids):
        for member_id, category, base, voluntary, approver in (
            DuesProfile.objects.filter(member_id__in=chunk, valid_from__lte=day)
            .order_by("member_id", "valid_from", "id")
            .values_list("member_id", "category", "base", "voluntary", "voluntary_approved_by_id")
        ):
            found[member_id] = (category, base, voluntary, approver is not None)
    return found


def profile_on(member: Member, day: dt.date) -> DuesProfile | None:
    return profiles_on([member.pk], day).get(member.pk)


def reliefs_in(member_ids: Iterable[int], month: dt.date) -> dict[int, DuesRelief]:
    """member id → the exemption or reduction covering `month` (not cancelled)."""
    found: dict[int, DuesRelief] = {}
    for chunk in _id_chunks(member_ids):
        for relief in DuesRelief.objects.filter(
            member_id__in=chunk,
            first_month__lte=month,
            last_month__gte=month,
            cancelled_on__isnull=True,
        ).order_by("decided_on", "id"):
            found[relief.member_id] = relief
    return found


def arrangements_in(member_ids: Iterable[int], month: dt.date) -> dict[int, DuesArrangement]:
    found: dict[int, DuesArrangement] = {}
    for chunk in _id_chunks(member_ids):
        for row in DuesArrangement.objects.filter(
            member_id__in=chunk,
            first_month__lte=month,
            last_month__gte=month,
        ):
            found[row.member_id] = row
    return found


def advance_allowed(member: Member, month: dt.date) -> bool:
    return DuesArrangement.objects.filter(
        member=member, kind=ArrangementKind.ADVANCE, first_month__lte=month, last_month__gte=month
    ).exists()


@dataclass(frozen=True)
class Wages:
    """The regional minimum wage where each organisation holds activity."""

    region_of_org: dict[int, int | None]
    table: list[tuple[int, dt.date, int]]  # (region, from, amount)

    def on(self, org_id: int, day: dt.date) -> tuple[int | None, int | None]:
        """(region, đồng/month) for `org_id` on `day`; region IV's wage when the
        organisation's commune is unknown (the lowest: never overcharges)."""
        region = self.region_of_org.get(org_id)
        wanted = region or 4
        amounts = [(f, a) for r, f, a in self.table if r == wanted and f <= day]
        return region, (max(amounts)[1] if amounts else None)


def wages_for(orgs: Iterable[Organization], day: dt.date) -> Wages:
    """The wage region of each organisation (its own commune, else the nearest
    ancestor's) on `day`, and the wage table (MinimumWage)."""
    orgs = list(orgs)
    prefixes = {o.path[:i] for o in orgs for i in range(4, len(o.path) + 1, 4)}
    by_path = {
        path: commune
        for path, commune in Organization.objects.filter(path__in=prefixes).values_list(
            "path", "commune_id"
        )
    }
    regions: dict[int, int] = {}
    for commune_id, region in (
        CommuneWageRegion.objects.filter(effective_from__lte=day)
        .order_by("commune_id", "effective_from")
        .values_list("commune_id", "region")
    ):
        regions[commune_id] = region
    region_of_org: dict[int, int | None] = {}
    for o in orgs:
        commune = None
        for i in range(len(o.path), 0, -4):
            commune = by_path.get(o.path[:i])
            if commune:
                break
        region_of_org[o.pk] = regions.get(commune) if commune else None
    table = list(MinimumWage.objects.values_list("region", "effective_from", "amount"))
    return Wages(region_of_org, table)


def party_ages_on(member_ids: Iterable[int], day: dt.date, years: int) -> dict[int, int]:
    """member id → whole years of party age on `day`, for the members whose
    first admission lies at least `years` years before it (the others cannot
    reach `years`; left out). Counted net of gaps (members.rules.party_age)."""
    cutoff = (
        day.replace(year=day.year - years)
        if (day.month, day.day) != (2, 29)
        else day.replace(year=day.year - years, day=28)
    )
    candidates = [
        row
        for chunk in _id_chunks(member_ids)
        for row in Member.objects.filter(pk__in=chunk)
        .filter(Q(admission_decision_date__lte=cutoff) | Q(joining_date__lte=cutoff))
        .values_list("pk", "admission_decision_date", "joining_date")
    ]
    if not candidates:
        return {}
    events: dict[int, list[tuple]] = defaultdict(list)
    first_decision: dict[int, dt.date] = {}
    found = [c[0] for c in candidates]
    rows = (
        row
        for chunk in _id_chunks(found)
        for row in MembershipEvent.objects.filter(member_id__in=chunk, date__lte=day)
        .order_by("member_id", "date", "seq", "id")
        .values_list("member_id", "kind", "date", "status_after", "decision_date")
    )
    for member_id, kind, date, status, decision in rows:
        events[member_id].append((date, status, decision if kind == "transferred_in" else None))
        if kind == "admitted" and decision and member_id not in first_decision:
            first_decision[member_id] = decision
    ages = {}
    for pk, decided, joined in candidates:
        first = first_decision.get(pk) or decided or joined
        age = member_rules.party_age(first, events[pk], day)
        if age is not None:
            ages[pk] = age.years
    return ages


# --- sheets and lists --------------------------------------------------------------


@dataclass
class SheetRow:
    member: Member
    ledger: DuesLedger | None
    profile: DuesProfile | None


def month_sheet(cell: Organization, month: dt.date) -> list[SheetRow]:
    """The cell's sheet for `month`: every member paying here that month, with
    their ledger row (None before the month is computed) and profile, in
    Vietnamese name order. Members on the ledger who are no longer on the roll
    stay (the ledger is what was owed)."""
    month = rules.month_start(month)
    ledger = {
        row.member_id: row
        for row in DuesLedger.objects.filter(organization=cell, month=month).order_by("id")
    }
    on_roll = [pk for pk, org_id in payers_of_month(cell, month).items() if org_id == cell.pk]
    ids = set(on_roll) | set(ledger)
    members = list(Member.objects.filter(pk__in=ids))
    members.sort(key=lambda m: (bytes(m.sort_key or b""), m.pk))
    profiles = profiles_on(ids, rules.base_day(month))
    return [SheetRow(m, ledger.get(m.pk), profiles.get(m.pk)) for m in members]


def close_of(cell: Organization, month: dt.date) -> DuesMonthClose | None:
    return DuesMonthClose.objects.filter(organization=cell, month=rules.month_start(month)).first()


def member_history(member: Member, year: int | None = None) -> QuerySet[DuesLedger]:
    """The member's ledger, newest month first (payments prefetched)."""
    rows = DuesLedger.objects.filter(member=member).select_related("organization")
    if year:
        rows = rows.filter(month__year=year)
    return rows.order_by("-month").prefetch_related("payments")


@dataclass
class CellMonth:
    organization: Organization
    members: int = 0
    due: int = 0
    paid: int = 0
    paid_count: int = 0
    unpaid_count: int = 0
    exempt_count: int = 0
    closed: DuesMonthClose | None = None
    late: bool = False


def committee_overview(org: Organization, month: dt.date, *, today: dt.date) -> list[CellMonth]:
    """Per cell of `org`'s subtree for `month`: members on the ledger, amounts
    due and paid, counts, the close, and `late` when not closed by
    rules.close_due. One grouped query over the ledger."""
    month = rules.month_start(month)
    cells = {c.pk: CellMonth(c) for c in cells_of(org).select_related("parent").order_by("path")}
    for row in (
        DuesLedger.objects.filter(organization__in=list(cells), month=month)
        .values("organization_id")
        .annotate(
            n=Count("id"),
            due=Sum("amount_due"),
            paid=Sum("amount_paid"),
            paid_n=Count("id", filter=Q(status=LedgerStatus.PAID)),
            exempt_n=Count("id", filter=Q(status=LedgerStatus.EXEMPT)),
            unpaid_n=Count(
                "id",
                filter=Q(
                    status__in=(
                        LedgerStatus.DUE,
                        LedgerStatus.UNPAID,
                        LedgerStatus.UNPAID_EXCUSED,
                    )
                ),
            ),
        )
    ):
        cell = cells[row["organization_id"]]
        cell.members, cell.due, cell.paid = row["n"], row["due"] or 0, row["paid"] or 0
        cell.paid_count, cell.exempt_count = row["paid_n"], row["exempt_n"]
        cell.unpaid_count = row["unpaid_n"]
    for close in DuesMonthClose.objects.filter(organization__in=list(cells), month=month):
        cells[close.organization_id].closed = close
    due_by = rules.close_due(month)
    for cell in cells.values():
        cell.late = cell.closed is None and today > due_by
    return list(cells.values())


@dataclass
class Arrears:
    member: Member
    months: list[dt.date] = field(default_factory=list)  # unpaid, no reason, closed
    open_months: list[dt.date] = field(default_factory=list)  # past months not yet closed
    excused_months: list[dt.date] = field(default_factory=list)
    amount: int = 0

    @property
    def reaches_limit(self) -> bool:
        return len(self.months) >= rules.UNPAID_MONTHS_LIMIT.on(
            self.months[-1] if self.months else dt.date.today()
        )


ARREARS_MEMBER_FIELDS = (
    "id",
    "family_name",
    "middle_name",
    "given_name",
    "sort_key",
    "organization_id",
    "org_path",
    "status",
)


def arrears(
    org: Organization, year: int, *, today: dt.date, member_ids: QuerySet | None = None
) -> list[Arrears]:
    """Members of `org`'s subtree with unpaid months in `year`: closed months
    without reason (R5.8's count), past months not closed yet, and months
    unpaid with a reason; the amount outstanding in đồng. Most months first.
    `member_ids`: only these members (a subquery). Each member carries the
    fields of ARREARS_MEMBER_FIELDS (others load on access)."""
    current = rules.month_start(today)
    ledger = DuesLedger.objects.filter(
        organization__path__startswith=org.path,
        month__year=year,
        month__lt=current,
        # One IN rather than an OR of two, so that the (month, status) index
        # can serve the whole condition.
        status__in=(LedgerStatus.UNPAID, LedgerStatus.UNPAID_EXCUSED, LedgerStatus.DUE),
    )
    if member_ids is not None:
        ledger = ledger.filter(member_id__in=member_ids)
    rows = ledger.values_list("member_id", "month", "status", "amount_due", "amount_paid").order_by(
        "member_id", "month"
    )
    by_member: dict[int, list[tuple]] = defaultdict(list)
    for member_id, month, status, due, paid in rows:
        by_member[member_id].append((month, status, due, paid))
    # The fields the lists show and sort by (a province has thousands of
    # members in arrears; whole records cost ~80 µs each to build).
    members = Member.objects.only(*ARREARS_MEMBER_FIELDS).in_bulk(list(by_member))
    found: dict[int, Arrears] = {}
    for member_id, member_rows in by_member.items():
        item = found[member_id] = Arrears(member=members[member_id])
        for month, status, due, paid in member_rows:
            if status in ARREARS_STATUSES:
                item.months.append(month)
            elif status == LedgerStatus.DUE:
                item.open_months.append(month)
            else:
                item.excused_months.append(month)
            item.amount += max(due - paid, 0)
    return sorted(
        found.values(),
        key=lambda a: (-len(a.months), -len(a.open_months), bytes(a.member.sort_key or b"")),
    )


def name_deletion_candidates(org: Organization, year: int, *, today: dt.date) -> list[Arrears]:
    """Members with at least UNPAID_MONTHS_LIMIT closed months unpaid without
    reason in `year` (R5.8): the cell proposes their name deletion. The
    members are picked first by one grouped query (`arrears_counts`), so a
    province's few candidates do not wait for its whole arrears list."""
    limit = min(
        rules.UNPAID_MONTHS_LIMIT.on(m)
        for m in rules.months_between(dt.date(year, 1, 1), dt.date(year, 12, 1))
    )
    reached = arrears_counts(org, year).filter(months__gte=limit).values("member_id")
    return [a for a in arrears(org, year, today=today, member_ids=reached) if a.reaches_limit]


def arrears_counts(org: Organization, year: int) -> QuerySet:
    """member id, months: the grouped count of R5.8 months in `year` (SQL only)."""
    return (
        DuesLedger.objects.filter(
            organization__path__startswith=org.path, month__year=year, status__in=ARREARS_STATUSES
        )
        .values("member_id")
        .annotate(months=Count("id"))
    )


def unpaid_dues_months(member: Member, on: dt.date) -> list[dt.date]:
    """The closed months of `on`'s year (or the year before when this year does
    not reach the limit: a cell meeting in January about last year) the member
    left unpaid without reason: the evidence of a name deletion for dues (R5.8)."""
    needed = rules.UNPAID_MONTHS_LIMIT.on(on)

    def unpaid_in(year: int) -> list[dt.date]:
        return list(
            DuesLedger.objects.filter(
                member=member, month__year=year, month__lte=on, status__in=ARREARS_STATUSES
            )
            .order_by("month")
            .values_list("month", flat=True)
        )

    this_year = unpaid_in(on.year)
    if len(this_year) >= needed:
        return this_year
    last_year = unpaid_in(on.year - 1)
    return last_year if len(last_year) >= needed else this_year


# --- remittance ------------------------------------------------------------------


@dataclass
class LevelRemittance:
    """What an organisation received (from its own cell ledger or from the level
    below), kept and sent up over a period, in đồng."""

    organization: Organization
    collected: int = 0  # paid by its own members (cells)
    received: int = 0  # sent up by the organisations below
    kept: int = 0
    sent_up: int = 0
    corrections: int = 0  # correction entries after the close, in the same months


def reconciliation(org: Organization, first: dt.date, last: dt.date) -> list[LevelRemittance]:
    """The shares of each organisation of `org`'s subtree over the months from
    `first` to `last`: cells from their month closes (R5.2 / R5.9 shares as
    dated data in rules.SHARES_KEPT), each level above from what its children
    sent up, month by month with the share of that month. `org` itself keeps
    its share too; what it sends up leaves the subtree. Tree order."""
    first, last = rules.month_start(first), rules.month_start(last)
    nodes = {o.pk: o for o in subtree(org).order_by("path")}
    levels = {pk: LevelRemittance(o) for pk, o in nodes.items()}
    by_month: dict[dt.date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for close in DuesMonthClose.objects.filter(
        organization__in=list(nodes), month__gte=first, month__lte=last
    ):
        item = levels[close.organization_id]
        item.collected += close.amount_paid
        item.kept += close.kept
        item.sent_up += close.sent_up
        by_month[close.month][close.organization_id] += close.sent_up
    for payment in (
        DuesPayment.objects.filter(
            kind="correction",
            ledger__organization__in=list(nodes),
            month__gte=first,
            month__lte=last,
        )
        .values("ledger__organization_id")
        .annotate(total=Sum("amount"))
    ):
        levels[payment["ledger__organization_id"]].corrections += payment["total"]
    # Up the tree, deepest first, month by month (a month keeps its own share):
    # each organisation keeps its share of what all its children sent it.
    order = sorted(nodes.values(), key=lambda o: -o.depth)
    for month, sent in by_month.items():
        received: dict[int, int] = defaultdict(int)
        for node in order:
            amount = received.pop(node.pk, 0)
            outgoing = sent.get(node.pk, 0)
            if amount:
                parent = nodes.get(node.parent_id) if node.parent_id else None
                percent = rules.kept_percent(
                    month, node.level, node.unit_type, parent.level if parent else None
                )
                kept = amount * percent // 100
                item = levels[node.pk]
                item.received += amount
                item.kept += kept
                item.sent_up += amount - kept
                outgoing += amount - kept
            if outgoing and node.pk != org.pk and node.parent_id in nodes:
                received[node.parent_id] += outgoing
    return list(levels.values())


def years_on_ledger(org: Organization) -> list[int]:
    return sorted(
        {
            y
            for y in DuesLedger.objects.filter(organization__path__startswith=org.path)
            .annotate(y=ExtractYear("month"))
            .values_list("y", flat=True)
            .distinct()
        },
        reverse=True,
    )
