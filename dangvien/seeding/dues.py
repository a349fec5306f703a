"""Party dues for the seeded data (issue 11, "the demo shows it").

Every member in activity gets a dues profile from their occupation
(`OCCUPATION_CATEGORY`: salaried → 1% of a social-insurance salary, retired →
0.5% of a pension, pupils and students, the others by age band), written in
bulk. Then a year of dues across the change of rules on 01/02/2026:

- the demo (`demo_dues`): the months from 12/2025 to the last finished month
  through the real services (`month_compute`, `payment_record`,
  `month_close`, `relief_decide`, `profile_set`) for the province, the two
  demo cells' payments one by one with receipts, the other cells' payments
  in bulk; the notable members are named in `DemoDues`;
- the benchmark and `dangvien seed` (`seed_dues_history`): the 12 months up to
  the last finished month, amounts from the same rules
  (`dues.services._owed_rows` → `rules.amount_owed`), rows written with COPY
  on PostgreSQL, payments and the month closes as set-based SQL.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from dangvien.core.actors import SYSTEM
from dangvien.dues import rules, selectors
from dangvien.dues import services as dues
from dangvien.dues.arrears import notice_proposed, notices_after_close
from dangvien.dues.models import (
    Channel,
    DuesLedger,
    DuesMonthClose,
    DuesPayment,
    DuesProfile,
    LedgerStatus,
    ReliefGround,
    ReliefKind,
)
from dangvien.dues.rules import Category
from dangvien.members.models import ACTIVE_STATUSES, Member
from dangvien.members.rules import past_retirement_age
from dangvien.organizations.models import Level, Organization

from .baseline import history_baseline
from .writer import write_rows

# The occupation (members' catalogue) → the dues category it suggests.
SALARIED = (
    "Cán bộ, công chức",
    "Viên chức",
    "Công nhân",
    "Quân đội",
    "Công an",
    "Giáo viên",
    "Y tế",
    "Người lao động doanh nghiệp",
)
OCCUPATION_CATEGORY = {
    **dict.fromkeys(SALARIED, Category.SOCIAL_INSURANCE),
    "Nghỉ hưu": Category.PENSIONER,
    "Học sinh, sinh viên": Category.STUDENT,
}
PROFILES_FROM = dt.date(2025, 11, 1)  # before the first month seeded
DEMO_FIRST_MONTH = dt.date(2025, 12, 1)
PROFILE_NOTE = "Dữ liệu mẫu: theo nghề nghiệp"


def salary_of(member_id: int) -> int:
    """A deterministic social-insurance salary, 5.0 to 17.0 million đồng."""
    return 5_000_000 + (member_id * 7919 % 121) * 100_000


def pension_of(member_id: int) -> int:
    """A deterministic pension, 3.5 to 10.5 million đồng."""
    return 3_500_000 + (member_id * 7919 % 71) * 100_000


def _sql_salary(column: str) -> str:
    return f"(5000000 + ({column} * 7919 %% 121) * 100000)"


def _sql_pension(column: str) -> str:
    return f"(3500000 + ({column} * 7919 %% 71) * 100000)"


def last_finished_month(today: dt.date) -> dt.date:
    return rules.previous_month(rules.month_start(today))


def history_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """The `count` months up to the last finished month (12 from 11/2025 to
    10/2026 on a day of 11/2026: across the change of rules on 01/02/2026)."""
    months = [last_finished_month(today)]
    while len(months) < count:
        months.insert(0, rules.previous_month(months[0]))
    return months


def profiles_bulk(*, org_path: str = "", exclude: list[int] | tuple = (), on: dt.date) -> int:
    """One INSERT ... SELECT: a profile from PROFILES_FROM (or the member's
    joining day) for every member in activity under `org_path` without one,
    category and base from the occupation; then their history baseline."""
    first_new = (DuesProfile.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    salaried = ", ".join(["%s"] * len(SALARIED))
    not_in = f"AND m.id NOT IN ({', '.join(['%s'] * len(exclude))})" if exclude else ""
    sql = (
        "INSERT INTO dues_duesprofile (member_id, valid_from, category, base, voluntary, "  # noqa: S608
        "voluntary_approved_by_id, note, created_by_id, created_at) "
        "SELECT m.id, CASE WHEN COALESCE(m.joining_date, m.admission_decision_date, %s) > %s "
        "THEN COALESCE(m.joining_date, m.admission_decision_date) ELSE %s END, "
        f"CASE WHEN c.name IN ({salaried}) THEN %s WHEN c.name = %s THEN %s "
        "WHEN c.name = %s THEN %s ELSE %s END, "
        f"CASE WHEN c.name IN ({salaried}) THEN {_sql_salary('m.id')} "
        f"WHEN c.name = %s THEN {_sql_pension('m.id')} ELSE NULL END, "
        "NULL, NULL, %s, NULL, %s "
        "FROM members_member m LEFT JOIN members_catalogitem c ON c.id = m.occupation_id "
        "WHERE m.status IN (%s, %s) AND m.org_path LIKE %s "
        "AND COALESCE(m.joining_date, m.admission_decision_date, %s) <= %s "
        f"{not_in} AND NOT EXISTS (SELECT 1 FROM dues_duesprofile p WHERE p.member_id = m.id)"
    )
    params = [
        PROFILES_FROM,
        PROFILES_FROM,
        PROFILES_FROM,
        *SALARIED,
        Category.SOCIAL_INSURANCE,
        "Nghỉ hưu",
        Category.PENSIONER,
        "Học sinh, sinh viên",
        Category.STUDENT,
        Category.OTHER,
        *SALARIED,
        "Nghỉ hưu",
        PROFILE_NOTE,
        timezone.now(),
        *ACTIVE_STATUSES,
        org_path + "%",
        PROFILES_FROM,
        on,
        *exclude,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.rowcount
    history_baseline(DuesProfile.objects.filter(pk__gte=first_new), only_missing=False)
    return written


def payments_bulk(
    org: Organization,
    month: dt.date,
    *,
    today: dt.date,
    skip_cells: list[int] | tuple = (),
) -> int:
    """Cash payments, in full, of `month`'s open rows under `org`: one UPDATE
    of the ledger per paying day (RETURNING the rows paid), then their
    payments written with COPY, so no join is left to the planner's guess on a
    month it has just seen. Every member pays but about 3 in a thousand that
    month (a hash of member and month) and 1 in a thousand who never pays.
    Receipts numbered by month and member. Returns the payments written."""
    months_index = month.year * 12 + month.month
    excluded = (
        f"AND organization_id NOT IN ({', '.join(['%s'] * len(skip_cells))})" if skip_cells else ""
    )
    columns = ["ledger_id", "member_id", "month", "kind", "amount", "channel", "reference"]
    columns += ["receipt_number", "paid_on", "advance", "corrects_id", "reason"]
    columns += ["created_by_id", "created_at"]
    now = timezone.now()
    written = 0
    with connection.cursor() as cursor:
        for group, day in enumerate((4, 11, 19)):
            cursor.execute(
                "UPDATE dues_duesledger SET status = %s, amount_paid = amount_due, paid_on = %s "  # noqa: S608
                "WHERE month = %s AND status = %s AND closed = %s AND amount_due > 0 "
                "AND amount_paid = 0 AND member_id %% 3 = %s AND member_id %% 1000 <> 7 "
                "AND (member_id * 7 + %s * 13) %% 1000 >= 3 "
                "AND organization_id IN (SELECT id FROM organizations_organization "
                f"WHERE path LIKE %s) {excluded} "
                "RETURNING id, member_id, amount_paid, paid_on",
                [
                    LedgerStatus.PAID,
                    min(month + dt.timedelta(days=day), today),
                    month,
                    LedgerStatus.DUE,
                    False,
                    group,
                    months_index,
                    org.path + "%",
                    *skip_cells,
                ],
            )
            paid = cursor.fetchall()
            written += write_rows(
                DuesPayment._meta.db_table,
                columns,
                (
                    (ledger_id, member_id, month, "payment", amount, str(Channel.CASH), None)
                    + (f"{month:%m%Y}-{member_id}", paid_on, False, None, "", None, now)
                    for ledger_id, member_id, amount, paid_on in paid
                ),
            )
    return written


def ledger_copy(payers: dict[int, int], month: dt.date, owed: dict | None = None) -> int:
    """`month`'s ledger rows for `payers` (member → paying cell), amounts by the
    rules in force that month (the services' own computation, or `owed` from
    it), written with COPY on PostgreSQL. For an empty month of a fresh data set."""
    if owed is None:
        owed, _missing = dues._owed_rows(payers, month)
    columns = [
        "member_id",
        "month",
        "organization_id",
        "system",
        "category",
        "basis",
        "relief_percent",
        "amount_due",
        "amount_paid",
        "paid_on",
        "status",
        "reason",
        "closed",
    ]
    rows = (
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
            None,
            LedgerStatus.EXEMPT if item.amount == 0 else LedgerStatus.DUE,
            item.exempt_reason[:160],
            False,
        )
        for pk, org_id in payers.items()
        for item, category in (owed[pk],)
    )
    written = write_rows(DuesLedger._meta.db_table, columns, rows)
    if connection.vendor == "postgresql":  # the planner must know the new month
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dues_duesledger")
    return written


def close_bulk(org: Organization, month: dt.date, *, today: dt.date) -> int:
    """The month close of every cell under `org` as set-based SQL (what
    `month_close` writes, without recomputing the ledger): open rows become
    unpaid, rows are closed, one DuesMonthClose per cell with rules.kept_percent."""
    rows = DuesLedger.objects.filter(
        organization__path__startswith=org.path, month=month, closed=False
    )
    rows.filter(status=LedgerStatus.DUE).update(status=LedgerStatus.UNPAID)
    totals = list(
        rows.values("organization_id").annotate(
            n=Count("id"),
            due=Sum("amount_due"),
            paid=Sum("amount_paid"),
            paid_n=Count("id", filter=Q(status=LedgerStatus.PAID)),
            exempt_n=Count("id", filter=Q(status=LedgerStatus.EXEMPT)),
            unpaid_n=Count(
                "id", filter=Q(status__in=(LedgerStatus.UNPAID, LedgerStatus.UNPAID_EXCUSED))
            ),
        )
    )
    rows.update(closed=True)
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(
            pk__in=[t["organization_id"] for t in totals]
        ).select_related("parent")
    }
    now = timezone.now()
    out = []
    for t in totals:
        o = orgs[t["organization_id"]]
        percent = rules.kept_percent(
            month, o.level, o.unit_type, o.parent.level if o.parent else None
        )
        paid = t["paid"] or 0
        kept = paid * percent // 100
        out.append(
            (o.pk, month, t["n"], t["paid_n"], t["unpaid_n"], t["exempt_n"], t["due"] or 0)
            + (paid, percent, kept, paid - kept, today, None, now)
        )
    columns = [
        "organization_id",
        "month",
        "members",
        "paid_count",
        "unpaid_count",
        "exempt_count",
        "amount_due",
        "amount_paid",
        "kept_percent",
        "kept",
        "sent_up",
        "closed_on",
        "closed_by_id",
        "created_at",
    ]
    return write_rows(DuesMonthClose._meta.db_table, columns, out)


@dataclass
class DuesSeedResult:
    profiles: int = 0
    months: list[dt.date] = field(default_factory=list)
    ledger_rows: int = 0
    payments: int = 0
    closes: int = 0
    notices: int = 0
    seconds: float = 0.0


def seed_dues_history(*, today: dt.date | None = None, months: int = 12) -> DuesSeedResult:
    """The fast path of `dangvien seed` and the benchmark: profiles from the
    occupations, then for each of the `months` months up to the last finished
    one, per province: the ledger (rules.amount_owed, COPY), payments and the
    close (set-based SQL), and at the end the arrears notices (R5.8)."""
    started = time.perf_counter()
    today = today or dt.date.today()
    result = DuesSeedResult(months=history_months(today, months))
    result.profiles = profiles_bulk(on=today)
    provinces = list(Organization.objects.filter(level=Level.PROVINCIAL).order_by("path"))
    for province in provinces:
        for month in result.months:
            payers = selectors.payers_of_month(province, month)
            result.ledger_rows += ledger_copy(payers, month)
            result.payments += payments_bulk(province, month, today=today)
            result.closes += close_bulk(province, month, today=today)
        for month in {m.replace(month=12) for m in result.months}:
            last = min(month, result.months[-1])
            result.notices += notices_after_close(province, last, on=today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE dues_duesprofile, dues_duesledger, dues_duespayment, dues_duesmonthclose"
            )
    result.seconds = time.perf_counter() - started
    return result


# --- the demo ---------------------------------------------------------------------


@dataclass
class DemoDues:
    """What the demo's dues show, and who (for the tests and the README)."""

    months: list[dt.date]
    cells: list[Organization]
    exempt_party_age: Member | None = None  # 50 years of party age (01-QĐ/TW)
    social_pension: Member | None = None
    retired_other: Member | None = None  # no pension, past retirement age: the lower rate
    reduced: Member | None = None  # 50% reduction (relief_decide)
    raised: Member | None = None  # a new salary from 07/2026
    arrears: Member | None = None  # three months unpaid without reason: a notice opens
    excused: Member | None = None  # a month unpaid with a reason
    removal: Member | None = None  # the demo's proposal of name deletion for unpaid dues
    payments: int = 0
    bulk_payments: int = 0
    closes: int = 0


def _commune_cell() -> Organization:
    commune = (
        Organization.objects.filter(level=Level.SUPERIOR, unit_type="commune")
        .order_by("path")[:1]
        .get()
    )
    return (
        Organization.objects.filter(path__startswith=commune.path, level=Level.CELL)
        .order_by("path")[:1]
        .get()
    )


def _in_activity(cell: Organization) -> list[Member]:
    return list(
        Member.objects.filter(organization=cell, status__in=ACTIVE_STATUSES)
        .select_related("occupation")
        .order_by("id")
    )


@transaction.atomic
def demo_dues(today: dt.date | None = None) -> DemoDues:
    """The demo's dues (after the demo workflows and meetings): profiles of
    every category, a year from 12/2025 to the last finished month computed,
    paid and closed through the services, the notable members of `DemoDues`."""
    from dangvien.movements.models import Removal

    from .services import _demo_cell

    today = today or dt.date.today()
    last = last_finished_month(today)
    months = rules.months_between(DEMO_FIRST_MONTH, last)
    office, village = _demo_cell(), _commune_cell()
    province = Organization.objects.filter(level=Level.PROVINCIAL).order_by("path")[:1].get()
    demo = DemoDues(months=months, cells=[office, village])
    people = {cell.pk: _in_activity(cell) for cell in demo.cells}
    everyone = [m for ms in people.values() for m in ms]

    # The notable members. The office cell's first nine officials are the demo
    # workflows' and meetings' (transfers, the removal, the absentee...).
    ages = selectors.party_ages_on([m.pk for m in everyone], rules.QD_01, 50)
    if not ages:  # elsewhere in the province
        ages = selectors.party_ages_on(
            Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True),
            rules.QD_01,
            50,
        )
    if ages:
        demo.exempt_party_age = Member.objects.get(pk=max(ages, key=lambda pk: (ages[pk], -pk)))
    retired = sorted(
        (
            m
            for m in people[village.pk]
            if m.occupation
            and m.occupation.name == "Nghỉ hưu"
            and m != demo.exempt_party_age
            and past_retirement_age(m.birth_date, m.gender, rules.QD_01)
        ),
        key=lambda m: (m.birth_date, m.pk),
    )
    demo.social_pension = retired[0] if retired else None
    demo.retired_other = retired[1] if len(retired) > 1 else None
    officials = [m for m in people[office.pk] if m.status == "official"]
    free = [
        m
        for m in officials[9:]
        if OCCUPATION_CATEGORY.get(m.occupation.name if m.occupation else "")
        == Category.SOCIAL_INSURANCE
        and m != demo.exempt_party_age
    ]
    demo.arrears, demo.excused, demo.reduced, demo.raised = (free + [None] * 4)[:4]
    # The demo workflows' proposal of name deletion for unpaid dues: its
    # evidence months become the member's unpaid months.
    removal = (
        Removal.objects.filter(cause="unpaid_dues", member__organization__in=demo.cells)
        .select_related("member")
        .order_by("id")
        .first()
    )
    removal_months = (
        [dt.date.fromisoformat(str(m)[:10]) for m in removal.evidence_months] if removal else []
    )
    if removal is not None and removal_months and set(removal_months) <= set(months):
        demo.removal = removal.member

    # Profiles: the two demo cells through the service, the others in bulk.
    special = {
        getattr(demo.social_pension, "pk", None): (Category.SOCIAL_PENSION, None),
        getattr(demo.retired_other, "pk", None): (Category.OTHER, None),
    }
    for member in everyone:
        joined = member.joining_date or member.admission_decision_date or PROFILES_FROM
        if joined > today:
            continue
        category = OCCUPATION_CATEGORY.get(
            member.occupation.name if member.occupation else "", Category.OTHER
        )
        base = {Category.SOCIAL_INSURANCE: salary_of, Category.PENSIONER: pension_of}.get(
            category, lambda _pk: None
        )(member.pk)
        category, base = special.get(member.pk, (category, base))
        note = (
            "Không có lương hưu, hưởng trợ cấp hưu trí xã hội"
            if category == Category.SOCIAL_PENSION
            else "Nghỉ hưu, không hưởng lương hưu"
            if member == demo.retired_other
            else ""
        )
        dues.profile_set(
            actor=SYSTEM,
            member=member,
            valid_from=max(joined, PROFILES_FROM),
            category=category,
            base=base,
            note=note,
        )
    raise_from = dt.date(2026, 7, 1)
    if demo.raised is not None and raise_from <= today:
        dues.profile_set(
            actor=SYSTEM,
            member=demo.raised,
            valid_from=raise_from,
            category=Category.SOCIAL_INSURANCE,
            base=salary_of(demo.raised.pk) + 1_200_000,
            note="Nâng bậc lương từ 01/7/2026",
        )
    profiles_bulk(exclude=[m.pk for m in everyone], on=today)

    if demo.reduced is not None and months:
        first = max(dt.date(2026, 3, 1), months[0])
        dues.relief_decide(
            actor=SYSTEM,
            member=demo.reduced,
            kind=ReliefKind.REDUCTION,
            percent=50,
            ground=ReliefGround.SERIOUS_ILLNESS,
            first_month=first,
            last_month=rules.previous_month(first.replace(year=first.year + 1)),
            decided_on=min(first - dt.timedelta(days=5), today),
            decision="27-QĐ/ĐU",
        )

    # Who leaves which months unpaid.
    arrears_months = set(months[-3:])
    excused_month = months[-2] if len(months) > 1 else None
    unpaid: dict[int, set[dt.date]] = {}
    if demo.arrears is not None:
        unpaid[demo.arrears.pk] = arrears_months
    if demo.excused is not None and excused_month:
        unpaid[demo.excused.pk] = {excused_month}
    if demo.removal is not None:
        unpaid[demo.removal.pk] = set(removal_months)

    for index, month in enumerate(months):
        dues.month_compute(actor=SYSTEM, organization=province, month=month)
        rows = DuesLedger.objects.filter(
            organization__in=demo.cells, month=month, status=LedgerStatus.DUE, amount_due__gt=0
        ).select_related("member")
        for n, row in enumerate(rows.order_by("member_id")):
            if month in unpaid.get(row.member_id, ()):
                continue
            portal = (row.member_id + index) % 4 == 0
            dues.payment_record(
                actor=SYSTEM,
                member=row.member,
                month=month,
                amount=row.amount_due,
                channel=Channel.PORTAL if portal else Channel.CASH,
                paid_on=min(month + dt.timedelta(days=4 + n % 15), today),
                reference=f"DVC{month:%Y%m}{row.member_id:07d}" if portal else "",
            )
            demo.payments += 1
        demo.bulk_payments += payments_bulk(
            province, month, today=today, skip_cells=[c.pk for c in demo.cells]
        )
        reasons = (
            {demo.excused.pk: "Ốm nặng, điều trị dài ngày tại bệnh viện tỉnh"}
            if demo.excused is not None and month == excused_month
            else None
        )
        demo.closes += dues.month_close(
            actor=SYSTEM, organization=province, month=month, reasons=reasons
        ).cells
    if demo.removal is not None:  # the cell proposed it already (demo_workflows)
        notice_proposed(demo.removal, today)
    # This month: the ledger computed, the first payments in.
    current = rules.month_start(today)
    dues.month_compute(actor=SYSTEM, organization=province, month=current)
    for row in DuesLedger.objects.filter(
        organization=office, month=current, status=LedgerStatus.DUE, amount_due__gt=0
    ).select_related("member")[:10]:
        dues.payment_record(
            actor=SYSTEM,
            member=row.member,
            month=current,
            amount=row.amount_due,
            channel=Channel.CASH,
            paid_on=today,
        )
        demo.payments += 1
    return demo


__all__ = ["DemoDues", "DuesSeedResult", "demo_dues", "seed_dues_history"]
