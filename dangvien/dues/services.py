"""Party dues: the member's profile, reliefs and arrangements, computing a
month's ledger, payments and corrections, and the month close. Each function
is keyword-only with the acting user first, one transaction; a refusal raises
DomainError (a DuesError code, or compliance's `not_acting_body`) and writes
nothing.

Who acts (R5.3, R5.5-R5.7, addendum 2.10-2.13): the cell (its writers or a
writer above it) keeps the profile, the ledger, payments and the close; an
exemption or reduction is decided by the committee directly above a cell
under a grassroots committee, by a grassroots cell itself (R5.7); a voluntary
higher amount is approved by the superior committee (addendum 2.10); deferred
or advance payment by the body that granted the temporary exemption (2.13).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When

from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor, with_history_user
from dangvien.core.errors import DomainError
from dangvien.members import rules as member_rules
from dangvien.members.models import Member
from dangvien.movements.selectors import temporary_organization_on
from dangvien.organizations.models import Level, Organization

from . import rules, selectors
from .errors import DuesError
from .models import (
    ArrangementKind,
    Channel,
    DuesArrangement,
    DuesLedger,
    DuesMonthClose,
    DuesPayment,
    DuesProfile,
    DuesRelief,
    LedgerStatus,
    PaymentKind,
    ReliefGround,
    ReliefKind,
)
from .rules import Category


def _today() -> dt.date:
    return dt.date.today()


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if getattr(actor, "pk", None) else None


def _text(value: str | None, field: str, limit: int) -> str:
    value = (value or "").replace("\x00", "").strip()
    if "<" in value or ">" in value:
        raise DuesError.ANGLE_BRACKETS.error(field=field)
    return value[:limit]


def _month_label(month: dt.date) -> str:
    return f"{month:%m/%Y}"


def _month(value: dt.date, field: str = "month") -> dt.date:
    if not isinstance(value, dt.date):
        raise DuesError.MONTH_INVALID.error(field=field)
    month = rules.month_start(value)
    if month < rules.QD_342:
        raise DuesError.MONTH_BEFORE_342.error(field=field)
    return month


def _amount(value: object, field: str) -> int:
    problem = rules.amount_error(value)
    if problem:
        raise DuesError[problem].error(field=field)
    assert isinstance(value, int)
    return value


def _not_future(day: dt.date, field: str) -> None:
    if day > _today():
        raise DuesError.DATE_IN_FUTURE.error(field=field)


def paying_cell(member: Member, month: dt.date) -> Organization:
    """Where `member` pays `month`'s dues: the ledger row's organisation, else
    the member's organisation (or where a temporary transfer attaches them)."""
    row = DuesLedger.objects.filter(member=member, month=rules.month_start(month)).first()
    if row is not None:
        return row.organization
    return temporary_organization_on(member, rules.month_end(month)) or member.organization


# --- profile, relief, arrangement --------------------------------------------------


@transaction.atomic
def profile_set(
    *,
    actor: Actor,
    member: Member,
    valid_from: dt.date,
    category: str,
    base: int | None = None,
    voluntary: int | None = None,
    note: str = "",
) -> DuesProfile:
    """Record the member's dues category and base (đồng/month) from
    `valid_from` (R5.1, R5.4). `base` is required for salary, allowance,
    pension and abroad, refused for the others; a voluntary higher amount is
    recorded as proposed and counts once `voluntary_approve` is taken.
    Raises DuesError (profile_in_future, profile_exists, category_invalid,
    base_required, base_not_allowed, amount_*) or not_acting_body."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    require_act_at(actor, member.organization, "Ghi đối tượng đóng đảng phí", Body.CELL)
    if category not in dict(Category.CHOICES):
        raise DuesError.CATEGORY_INVALID.error(field="category")
    label = dict(Category.CHOICES)[category]
    if category in Category.WITH_BASE:
        if base is None:
            raise DuesError.BASE_REQUIRED.error(field="base", category=label)
        base = _amount(base, "base")
    elif base is not None:
        raise DuesError.BASE_NOT_ALLOWED.error(field="base", category=label)
    if voluntary is not None:
        voluntary = _amount(voluntary, "voluntary")
    if valid_from > _today():
        raise DuesError.PROFILE_IN_FUTURE.error(field="valid_from", today=f"{_today():%d/%m/%Y}")
    joined = member.joining_date or member.admission_decision_date
    if joined and valid_from < joined:
        raise DuesError.PROFILE_BEFORE_MEMBERSHIP.error(
            field="valid_from", day=f"{joined:%d/%m/%Y}"
        )
    if DuesProfile.objects.filter(member=member, valid_from=valid_from).exists():
        raise DuesError.PROFILE_EXISTS.error(field="valid_from", day=f"{valid_from:%d/%m/%Y}")
    profile = DuesProfile(
        member=member,
        valid_from=valid_from,
        category=category,
        base=base,
        voluntary=voluntary,
        note=_text(note, "note", 255),
        created_by_id=_actor_id(actor),
    )
    with_history_user(profile, actor).save()
    return profile


@transaction.atomic
def voluntary_approve(*, actor: Actor, profile: DuesProfile) -> DuesProfile:
    """The superior committee approves the member's voluntary higher amount
    (addendum 2.10): from then on the ledger counts it. Raises not_acting_body."""
    profile = DuesProfile.objects.select_for_update(of=("self",)).get(pk=profile.pk)
    cell = profile.member.organization
    superior = cell.parent or cell
    require_act_at(actor, superior, "Đồng ý mức đóng tự nguyện", Body.SUPERIOR)
    if not profile.voluntary:
        raise DuesError.VOLUNTARY_NEEDS_APPROVAL.error(field="voluntary")
    profile.voluntary_approved_by = superior
    with_history_user(profile, actor).save()
    return profile


def relief_decider(cell: Organization) -> tuple[Organization, Body]:
    """R5.7 [secondary]: a cell under a grassroots committee reports, the
    committee above decides; a grassroots cell (chi bộ cơ sở) decides itself."""
    if cell.level == Level.GRASSROOTS_CELL or cell.parent is None:
        return cell, Body.CELL
    return cell.parent, Body.GRASSROOTS


@transaction.atomic
def relief_decide(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    percent: int,
    ground: str,
    first_month: dt.date,
    last_month: dt.date,
    decided_on: dt.date,
    decision: str = "",
) -> DuesRelief:
    """An exemption (percent 100) or reduction (30/50/70%) of dues on
    application, for at most RELIEF_MAX_MONTHS months (R5.6-R5.7), decided by
    `relief_decider`. Refused for a month already closed or already relieved.
    Raises DuesError or not_acting_body; writes nothing then."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    cell = paying_cell(member, _today())
    decider, body = relief_decider(cell)
    require_act_at(actor, decider, "Quyết định miễn, giảm đảng phí", body)
    if kind not in ReliefKind.values:
        raise DuesError.CATEGORY_INVALID.error(field="kind")
    if ground not in ReliefGround.values:
        raise DuesError.REASON_REQUIRED.error(field="ground")
    if kind == ReliefKind.EXEMPTION:
        percent = 100
    first, last = _month(first_month, "first_month"), _month(last_month, "last_month")
    problem = rules.relief_error(kind, percent, first, last)
    if problem:
        name, params = problem
        raise DuesError[name].error(
            field="percent" if name == "REDUCTION_PERCENT" else "last_month", **params
        )
    _not_future(decided_on, "decided_on")
    overlap = (
        DuesRelief.objects.filter(
            member=member, first_month__lte=last, last_month__gte=first, cancelled_on__isnull=True
        )
        .order_by("first_month")
        .first()
    )
    if overlap:
        raise DuesError.RELIEF_OVERLAP.error(
            field="first_month", month=_month_label(max(overlap.first_month, first))
        )
    closed = (
        DuesLedger.objects.filter(member=member, month__gte=first, month__lte=last, closed=True)
        .order_by("month")
        .first()
    )
    if closed:
        raise DuesError.RELIEF_MONTH_CLOSED.error(
            field="first_month", month=_month_label(closed.month)
        )
    relief = DuesRelief(
        member=member,
        kind=kind,
        percent=percent,
        ground=ground,
        first_month=first,
        last_month=last,
        decided_by=decider,
        decision=_text(decision, "decision", 64),
        decided_on=decided_on,
        created_by_id=_actor_id(actor),
    )
    with_history_user(relief, actor).save()
    _refresh_member(member, first, last)
    return relief


@transaction.atomic
def arrangement_approve(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    first_month: dt.date,
    last_month: dt.date,
    approved_on: dt.date,
) -> DuesArrangement:
    """Deferred or advance payment for a member temporarily exempted from
    activity, approved by the body that granted the temporary exemption, for
    at most its length (addendum 2.13). Raises not_temporarily_exempt,
    arrangement_too_long or not_acting_body."""
    from dangvien.liaison.models import Exemption, ExemptionKind, ExemptionStatus

    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    first, last = _month(first_month, "first_month"), _month(last_month, "last_month")
    if last < first:
        raise DuesError.RELIEF_PERIOD_ORDER.error(field="last_month")
    if kind not in ArrangementKind.values:
        raise DuesError.CATEGORY_INVALID.error(field="kind")
    _not_future(approved_on, "approved_on")
    exemption = (
        Exemption.objects.filter(
            member=member,
            kind=ExemptionKind.TEMPORARY,
            status__in=(ExemptionStatus.DECIDED, ExemptionStatus.IN_FORCE),
            start__lte=rules.month_end(first),
        )
        .order_by("-start", "-id")
        .first()
    )
    if exemption is None:
        raise DuesError.NOT_TEMPORARILY_EXEMPT.error(field="member")
    granted_by = exemption.organization  # the cell that decided it (R3.3)
    require_act_at(actor, granted_by, "Đồng ý đóng chậm, đóng trước đảng phí", Body.CELL)
    ends = exemption.end or rules.month_end(last)
    if rules.month_start(exemption.start) > first or rules.month_start(ends) < last:
        raise DuesError.ARRANGEMENT_TOO_LONG.error(
            field="last_month",
            first=f"{exemption.start:%d/%m/%Y}",
            last=f"{ends:%d/%m/%Y}" if exemption.end else "nay",
        )
    row = DuesArrangement(
        member=member,
        kind=kind,
        first_month=first,
        last_month=last,
        exemption=exemption,
        approved_by=granted_by,
        approved_on=approved_on,
        created_by_id=_actor_id(actor),
    )
    with_history_user(row, actor).save()
    _refresh_member(member, first, last)
    return row


# --- computing a month ----------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    """What `month_compute` did: rows written, rows updated, rows left as they
    were (paid or closed), and the members without a profile (counted as
    "others outside social insurance")."""

    created: int
    updated: int
    kept: int
    without_profile: int


def _owed_rows(
    payers: Mapping[int, int], month: dt.date
) -> tuple[dict[int, tuple[rules.Owed, str]], int]:
    """member id → (what they owe for `month`, category), and the count of
    members without a profile."""
    ids = list(payers)
    profiles = selectors.profile_facts_on(ids, rules.base_day(month))
    reliefs = selectors.reliefs_in(ids, month)
    members = (
        {
            pk: (birth, gender)
            for pk, birth, gender in Member.objects.filter(pk__in=ids).values_list(
                "pk", "birth_date", "gender"
            )
        }
        if len(ids) <= 20_000
        else {
            pk: (birth, gender)
            for pk, birth, gender in Member.objects.values_list(
                "pk", "birth_date", "gender"
            ).iterator(chunk_size=20_000)
            if pk in payers
        }
    )
    exempt_years = rules.EXEMPT_PARTY_AGE_YEARS.on(month)
    ages = selectors.party_ages_on(ids, month, exempt_years) if exempt_years else {}
    orgs = Organization.objects.filter(pk__in=set(payers.values()))
    wages = selectors.wages_for(orgs, month)
    result: dict[int, tuple[rules.Owed, str]] = {}
    missing = 0
    # members.rules.past_retirement_age walks the Labour Code's dated table for
    # every call (measured: most of a 200,000-member province's compute). The
    # age in months it finds depends only on the birth year and month and the
    # gender, so it is looked up once per (year, month, gender) and the day
    # compared here, exactly as past_retirement_age compares it.
    age_months: dict[tuple, int] = {}
    # Members of one cell mostly share their inputs (category, wage, age band):
    # each distinct set of inputs is computed by the rules once.
    computed: dict[tuple, rules.Owed] = {}
    for pk, org_id in payers.items():
        profile = profiles.get(pk)
        if profile is None:
            missing += 1
        category = profile[0] if profile else Category.OTHER
        base = profile[1] if profile else None
        if category in Category.WITH_BASE and base is None:
            category = Category.OTHER
        birth, gender = members[pk]
        key = (birth.year, birth.month, gender)
        months = age_months.get(key)
        if months is None:
            months = age_months[key] = member_rules.retirement_reached_on(birth, gender)[1]
        past = month >= member_rules.add_months(birth, months)
        region, wage = wages.on(org_id, month)
        relief = reliefs.get(pk)
        inputs = (
            category,
            base,
            past,
            wage,
            region,
            ages.get(pk),
            relief.percent if relief else 0,
            relief.get_ground_display() if relief else "",
            profile[2] if profile and profile[3] else None,
        )
        owed = computed.get(inputs)
        if owed is None:
            owed = computed[inputs] = rules.amount_owed(
                month,
                category,
                base,
                past_retirement_age=past,
                regional_wage=wage,
                region=region,
                party_age_years=inputs[5],
                relief_percent=inputs[6],
                relief_reason=inputs[7],
                voluntary=inputs[8],
            )
        result[pk] = (owed, category)
    return result, missing


def _status_for(owed: rules.Owed, deferred: bool) -> str:
    if owed.amount == 0:
        return LedgerStatus.EXEMPT
    return LedgerStatus.DEFERRED if deferred else LedgerStatus.DUE


_LEDGER_COLUMNS = (
    ("member_id", "bigint"),
    ("month", "date"),
    ("organization_id", "bigint"),
    ("system", "text"),
    ("category", "text"),
    ("basis", "text"),
    ("relief_percent", "integer"),
    ("amount_due", "bigint"),
    ("amount_paid", "bigint"),
    ("status", "text"),
    ("reason", "text"),
    ("closed", "boolean"),
)


def _insert_ledger(rows: list[tuple]) -> None:
    """Insert new ledger rows, tuples in _LEDGER_COLUMNS order. On PostgreSQL
    one INSERT ... SELECT FROM unnest(one array per column) per 50,000 rows:
    Django's bulk_create spends ~150 µs a row preparing values (measured: 30 s
    of a 200,000-member province's compute), the arrays a small fraction of it.
    Elsewhere (and for a few rows) bulk_create."""
    names_only = [name for name, _kind in _LEDGER_COLUMNS]
    if connection.vendor != "postgresql" or len(rows) < 1_000:
        DuesLedger.objects.bulk_create(
            [DuesLedger(**dict(zip(names_only, r, strict=True))) for r in rows], batch_size=5_000
        )
        return
    names = ", ".join(name for name, _type in _LEDGER_COLUMNS)
    arrays = ", ".join(f"%s::{kind}[]" for _name, kind in _LEDGER_COLUMNS)
    # Column names are this module's constants, never input.
    sql = f"INSERT INTO dues_duesledger ({names}) SELECT * FROM unnest({arrays})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            part = rows[start : start + 50_000]
            cursor.execute(
                sql,
                [[r[i] for r in part] for i in range(len(_LEDGER_COLUMNS))],
            )
        if len(rows) >= 1_000:
            # Fresh statistics for the rest of the transaction: with the month's
            # new rows unknown to the planner, the close's UPDATE ... IN (cells)
            # ran as a nested loop over every row and cell (measured: minutes
            # for a 200,000-member province; ANALYZE samples it in about a second).
            cursor.execute("ANALYZE dues_duesledger")


def _write_ledger(payers: Mapping[int, int], month: dt.date) -> Computed:
    owed, missing = _owed_rows(payers, month)
    deferred = {
        pk
        for pk, a in selectors.arrangements_in(list(payers), month).items()
        if a.kind == ArrangementKind.DEFERRED
    }
    # The month's rows as plain tuples (a province's 200,000 model instances
    # cost seconds); instances only for the rows that change.
    fields = (
        "member_id",
        "id",
        "closed",
        "amount_paid",
        "status",
        "amount_due",
        "basis",
        "organization_id",
    )
    rows_of_month = DuesLedger.objects.filter(month=month)
    existing = (
        {
            r[0]: r
            for r in rows_of_month.filter(member_id__in=list(payers))
            .values_list(*fields)
            .iterator(chunk_size=10_000)
        }
        if len(payers) <= 20_000
        else {
            r[0]: r
            for r in rows_of_month.values_list(*fields).iterator(chunk_size=10_000)
            if r[0] in payers
        }
    )
    new: list[tuple] = []
    changed: list[DuesLedger] = []
    kept = 0
    for pk, org_id in payers.items():
        item, category = owed[pk]
        status = _status_for(item, pk in deferred)
        found = existing.get(pk)
        if found is None:
            # In _LEDGER_COLUMNS order (plain values: no model instance per row).
            new.append(
                (
                    pk,
                    month,
                    org_id,
                    item.system,
                    category,
                    item.basis[:160],
                    item.relief_percent,
                    item.amount,
                    0,
                    str(status),
                    item.exempt_reason[:160],
                    False,
                )
            )
            continue
        _member, row_id, closed, paid, old_status, old_amount, old_basis, old_org = found
        if closed or paid or old_status == LedgerStatus.PAID:
            kept += 1
        elif (old_amount, old_status, old_basis, old_org) != (
            item.amount,
            status,
            item.basis[:160],
            org_id,
        ):
            row = DuesLedger(id=row_id, member_id=pk, month=month)
            row.amount_due, row.status, row.basis = item.amount, status, item.basis[:160]
            row.system, row.category, row.relief_percent = (
                item.system,
                category,
                item.relief_percent,
            )
            row.reason, row.organization_id = item.exempt_reason[:160], org_id
            changed.append(row)
        else:
            kept += 1
    _insert_ledger(new)
    DuesLedger.objects.bulk_update(
        changed,
        [
            "amount_due",
            "status",
            "basis",
            "system",
            "category",
            "relief_percent",
            "reason",
            "organization",
        ],
        batch_size=5_000,
    )
    return Computed(len(new), len(changed), kept, missing)


def _refresh_member(member: Member, first: dt.date, last: dt.date) -> None:
    """Recompute the member's open (unpaid, unclosed) ledger rows from `first`
    to `last` after a change of their relief or arrangement."""
    for month in rules.months_between(first, min(last, rules.month_start(_today()))):
        row = DuesLedger.objects.filter(member=member, month=month).first()
        if row is not None and not row.closed and not row.amount_paid:
            _write_ledger({member.pk: row.organization_id}, month)


@transaction.atomic
def month_compute(*, actor: Actor, organization: Organization, month: dt.date) -> Computed:
    """Write or refresh `month`'s ledger rows for every member paying in
    `organization`'s subtree (selectors.payers_of_month), by the rules in
    force that month (rules.amount_owed). Rows paid or closed are left as they
    are; the others follow the current profile, relief and arrangement.
    Refused for a month not begun yet. Raises DuesError or not_acting_body."""
    month = _month(month)
    require_act_at(actor, organization, "Lập sổ đảng phí tháng", Body.CELL)
    if month > rules.month_start(_today()):
        raise DuesError.MONTH_NOT_DUE.error(field="month", month=_month_label(month))
    return _write_ledger(selectors.payers_of_month(organization, month), month)


# --- payments ----------------------------------------------------------------------


def _receipt_number(cell: Organization, month: dt.date) -> str:
    count = DuesPayment.objects.filter(
        ledger__organization=cell, month=month, kind=PaymentKind.PAYMENT
    ).count()
    return f"{month:%m%Y}-{count + 1:04d}"


@transaction.atomic
def payment_record(
    *,
    actor: Actor,
    member: Member,
    month: dt.date,
    amount: int,
    channel: str,
    paid_on: dt.date,
    reference: str = "",
    receipt_number: str = "",
) -> DuesPayment:
    """A member's payment of a month's dues, in cash at the cell or through the
    National Public Service Portal (its transaction reference, unique), R5.5.
    `amount` in whole đồng, at least the amount due (more is a voluntary
    top-up, at most PAYMENT_MAX_TIMES_DUE times it); paid on or after the
    month's first day (before it only as an advance); a receipt number once
    per cell. A month not begun yet only with an approved advance arrangement
    (addendum 2.13). One payment per month; a closed month only by correction
    (`payment_correct`). Raises DuesError or not_acting_body."""
    amount = _amount(amount, "amount")
    if channel not in Channel.values:
        raise DuesError.CHANNEL_INVALID.error(field="channel")
    reference = _text(reference, "reference", 64)
    if channel == Channel.PORTAL and not reference:
        raise DuesError.REFERENCE_REQUIRED.error(field="reference")
    _not_future(paid_on, "paid_on")
    month = _month(month)
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    cell = paying_cell(member, month)
    require_act_at(actor, cell, "Thu đảng phí", Body.CELL)
    advance = month > rules.month_start(_today())
    if advance and not selectors.advance_allowed(member, month):
        raise DuesError.MONTH_NOT_DUE.error(field="month", month=_month_label(month))
    row = (
        DuesLedger.objects.select_for_update(of=("self",))
        .filter(member=member, month=month)
        .first()
    )
    if row is None:
        _write_ledger({member.pk: cell.pk}, month)
        row = DuesLedger.objects.select_for_update(of=("self",)).get(member=member, month=month)
    if row.closed:
        raise DuesError.MONTH_CLOSED.error(field="month", month=_month_label(month))
    if row.status == LedgerStatus.PAID or row.amount_paid >= row.amount_due > 0:
        raise DuesError.ALREADY_PAID.error(field="month", month=_month_label(month))
    if row.amount_due == 0:
        raise DuesError.NOTHING_OWED.error(field="month", month=_month_label(month))
    if amount < row.amount_due:
        raise DuesError.AMOUNT_BELOW_DUE.error(
            field="amount",
            amount=f"{amount:,}".replace(",", "."),
            month=_month_label(month),
            due=f"{row.amount_due:,}".replace(",", "."),
        )
    times = int(rules.PAYMENT_MAX_TIMES_DUE.on(month))
    if amount > row.amount_due * times:
        raise DuesError.AMOUNT_TOO_HIGH.error(
            field="amount",
            amount=f"{amount:,}".replace(",", "."),
            times=times,
            month=_month_label(month),
            due=f"{row.amount_due:,}".replace(",", "."),
        )
    if not advance and paid_on < month:
        raise DuesError.PAID_BEFORE_MONTH.error(field="paid_on", month=_month_label(month))
    receipt_number = _text(receipt_number, "receipt_number", 32)
    if (
        receipt_number
        and DuesPayment.objects.filter(
            ledger__organization=row.organization, receipt_number=receipt_number
        ).exists()
    ):
        raise DuesError.RECEIPT_TAKEN.error(field="receipt_number", receipt=receipt_number)
    if reference and DuesPayment.objects.filter(reference=reference).exists():
        raise DuesError.REFERENCE_TAKEN.error(field="reference", reference=reference)
    payment = DuesPayment.objects.create(
        ledger=row,
        member=member,
        month=month,
        amount=amount,
        channel=channel,
        reference=reference or None,
        receipt_number=receipt_number or _receipt_number(row.organization, month),
        paid_on=paid_on,
        advance=advance,
        created_by_id=_actor_id(actor),
    )
    row.amount_paid += amount
    row.paid_on = paid_on
    row.status = LedgerStatus.PAID
    row.save(update_fields=["amount_paid", "paid_on", "status"])
    return payment


@transaction.atomic
def payment_correct(
    *, actor: Actor, ledger: DuesLedger, amount: int, reason: str, on: dt.date
) -> DuesPayment:
    """A correction entry to a month's ledger row, open or closed (a closed
    month changes only this way): `amount` đồng, positive (a payment found
    late) or negative (one recorded by mistake), never leaving the month's
    total below 0. The row's status follows (paid when it reaches the amount
    due; else unpaid, or due while open). Raises DuesError or not_acting_body."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise DuesError.AMOUNT_NOT_WHOLE.error(field="amount")
    if amount == 0:
        raise DuesError.CORRECTION_ZERO.error(field="amount")
    reason = _text(reason, "reason", 255)
    if not reason:
        raise DuesError.REASON_REQUIRED.error(field="reason")
    _not_future(on, "on")
    row = DuesLedger.objects.select_for_update(of=("self",)).get(pk=ledger.pk)
    require_act_at(actor, row.organization, "Điều chỉnh sổ đảng phí", Body.CELL)
    total = row.amount_paid + amount
    if total < 0:
        raise DuesError.CORRECTION_NEGATIVE_TOTAL.error(
            field="amount", month=_month_label(row.month)
        )
    payment = DuesPayment.objects.create(
        ledger=row,
        member_id=row.member_id,
        month=row.month,
        kind=PaymentKind.CORRECTION,
        amount=amount,
        channel=Channel.CASH,
        paid_on=on,
        reason=reason,
        corrects=row.payments.filter(kind=PaymentKind.PAYMENT).order_by("-id").first(),
        created_by_id=_actor_id(actor),
    )
    row.amount_paid = total
    if row.amount_due and total >= row.amount_due:
        row.status, row.paid_on = LedgerStatus.PAID, row.paid_on or on
        row.reason = ""
    elif row.status == LedgerStatus.PAID:
        row.status = LedgerStatus.UNPAID if row.closed else LedgerStatus.DUE
    row.save(update_fields=["amount_paid", "status", "paid_on", "reason"])
    return payment


# --- month close -------------------------------------------------------------------


@dataclass(frozen=True)
class Closed:
    """What `month_close` did: cells closed, ledger rows closed, unpaid rows
    (without and with reason), and cells already closed (left as they were)."""

    cells: int
    rows: int
    unpaid: int
    excused: int
    already_closed: int


@transaction.atomic
def month_close(
    *,
    actor: Actor,
    organization: Organization,
    month: dt.date,
    reasons: Mapping[int, str] | None = None,
) -> Closed:
    """Close `month` for the cell `organization`, or for every cell of a
    committee's subtree not closed yet (R5.3, R5.5): members missing from the
    ledger are added first (rows already there keep their computed amounts),
    unpaid rows become "unpaid
    with reason" (`reasons`: member id → reason) or "unpaid", rows are closed,
    and each cell's `DuesMonthClose` records the totals and the share kept
    and sent up (rules.kept_percent). Set-based (a few statements for a
    province). Refused before the month is over, for a cell already closed,
    or a reason for a member not on the cell's ledger. Raises DuesError or
    not_acting_body."""
    month = _month(month)
    require_act_at(actor, organization, "Khóa sổ đảng phí tháng", Body.CELL)
    today = _today()
    if today <= rules.month_end(month):
        raise DuesError.MONTH_NOT_OVER.error(field="month", month=_month_label(month))
    single = organization.holds_members
    cells = selectors.cells_of(organization)
    done = set(
        DuesMonthClose.objects.filter(organization__in=cells, month=month).values_list(
            "organization_id", flat=True
        )
    )
    if single and organization.pk in done:
        raise DuesError.MONTH_ALREADY_CLOSED.error(field="month", month=_month_label(month))
    payers = {
        pk: org_id
        for pk, org_id in selectors.payers_of_month(organization, month).items()
        if org_id not in done
    }
    # Members missing from the ledger (admitted or arrived since it was
    # computed) are added; rows already there keep the amounts computed
    # ("Lập sổ tháng" recomputes open rows after a late change of profile).
    on_ledger: set[int] = set()
    for chunk in selectors._id_chunks(payers):
        on_ledger.update(
            DuesLedger.objects.filter(month=month, member_id__in=chunk).values_list(
                "member_id", flat=True
            )
        )
    missing = {pk: org_id for pk, org_id in payers.items() if pk not in on_ledger}
    if missing:
        _write_ledger(missing, month)
    open_rows = DuesLedger.objects.filter(
        organization__in=cells, month=month, closed=False
    ).exclude(organization__in=done)
    excused = 0
    for member_id, reason in (reasons or {}).items():
        reason = _text(reason, f"reason_{member_id}", 160)
        if not reason:
            continue
        n = open_rows.filter(
            member_id=member_id, status__in=(LedgerStatus.DUE, LedgerStatus.DEFERRED)
        ).update(status=LedgerStatus.UNPAID_EXCUSED, reason=reason)
        if not n and not open_rows.filter(member_id=member_id).exists():
            raise DuesError.UNKNOWN_MEMBER.error(field="reasons", member=member_id)
        excused += n
    # The totals first (a row still "due" is unpaid), then one UPDATE that
    # closes every row and turns "due" into "unpaid" (one pass over the month).
    totals = list(
        open_rows.values("organization_id").annotate(
            n=Count("id"),
            due=Sum("amount_due"),
            paid=Sum("amount_paid"),
            paid_n=Count("id", filter=Q(status=LedgerStatus.PAID)),
            exempt_n=Count("id", filter=Q(status=LedgerStatus.EXEMPT)),
            due_n=Count("id", filter=Q(status=LedgerStatus.DUE)),
            unpaid_n=Count(
                "id",
                filter=Q(
                    status__in=(
                        LedgerStatus.DUE,
                        LedgerStatus.UNPAID,
                        LedgerStatus.UNPAID_EXCUSED,
                        LedgerStatus.DEFERRED,
                    )
                ),
            ),
        )
    )
    unpaid = sum(t["due_n"] for t in totals)
    rows = open_rows.update(
        closed=True,
        status=Case(
            When(status=LedgerStatus.DUE, then=Value(LedgerStatus.UNPAID)), default=F("status")
        ),
    )
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(
            pk__in=[t["organization_id"] for t in totals]
        ).select_related("parent")
    }
    closes = []
    # A cell with nobody owing that month closes too (an empty close), or the
    # overview would show it late for ever.
    closed_cells = {t["organization_id"] for t in totals}
    empty = (
        [organization]
        if single
        else list(cells.filter(valid_to__isnull=True).exclude(pk__in=done).select_related("parent"))
    )
    for cell in empty:
        if cell.pk in closed_cells:
            continue
        totals.append(
            {
                "organization_id": cell.pk,
                "n": 0,
                "due": 0,
                "paid": 0,
                "paid_n": 0,
                "exempt_n": 0,
                "unpaid_n": 0,
            }
        )
        orgs[cell.pk] = cell
    for t in totals:
        org = orgs[t["organization_id"]]
        percent = rules.kept_percent(
            month, org.level, org.unit_type, org.parent.level if org.parent else None
        )
        paid = t["paid"] or 0
        kept = paid * percent // 100
        closes.append(
            DuesMonthClose(
                organization=org,
                month=month,
                members=t["n"],
                paid_count=t["paid_n"],
                unpaid_count=t["unpaid_n"],
                exempt_count=t["exempt_n"],
                amount_due=t["due"] or 0,
                amount_paid=paid,
                kept_percent=percent,
                kept=kept,
                sent_up=paid - kept,
                closed_on=today,
                closed_by_id=_actor_id(actor),
            )
        )
    DuesMonthClose.objects.bulk_create(closes, batch_size=5_000)
    from .arrears import notices_after_close

    notices_after_close(organization, month, on=today)
    return Closed(len(closes), rows, unpaid, excused, len(done))


__all__ = [
    "Closed",
    "Computed",
    "DomainError",
    "arrangement_approve",
    "month_close",
    "month_compute",
    "payment_correct",
    "payment_record",
    "profile_set",
    "relief_decide",
    "voluntary_approve",
]
