"""Dues services on a real database: profiles, computing a month across the
change of rules, payments, corrections, the close with shares, arrears and
their notices. Each refusal leaves the tables as they were."""

import datetime as dt

import pytest

from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.dues import rules, selectors, services
from dangvien.dues.arrears import notice_settle
from dangvien.dues.models import (
    ArrearsNotice,
    DuesLedger,
    DuesMonthClose,
    DuesPayment,
    DuesProfile,
    DuesRelief,
    LedgerStatus,
)
from dangvien.members.tests.factories import MemberFactory

from .conftest import FEB_26, JAN_26

TODAY = dt.date.today()
THIS_MONTH = rules.month_start(TODAY)


def counts():
    return (
        DuesLedger.objects.count(),
        DuesPayment.objects.count(),
        DuesProfile.objects.count(),
        DuesRelief.objects.count(),
        DuesMonthClose.objects.count(),
    )


def refused(code, fn, **kw):
    before = counts()
    with pytest.raises(DomainError) as caught:
        fn(**kw)
    assert caught.value.code == code, caught.value.message
    assert counts() == before
    return caught.value


def ledger(member, month):
    return DuesLedger.objects.get(member=member, month=month)


def test_one_month_each_side_of_the_change_of_rules(tree, cell_members, people):
    salaried, farmer, old, pensioner = cell_members
    old_member = MemberFactory(
        organization=tree["cell_a"],
        admission_decision_date=dt.date(1975, 3, 1),
        joining_date=dt.date(1975, 3, 10),
        official_date=dt.date(1976, 3, 10),
        birth_date=dt.date(1950, 1, 1),
    )
    secretary = people["secretary_a"]
    services.profile_set(
        actor=secretary,
        member=salaried,
        valid_from=dt.date(2025, 12, 1),
        category="social_insurance",
        base=8_000_000,
    )
    services.profile_set(
        actor=secretary,
        member=pensioner,
        valid_from=dt.date(2025, 12, 1),
        category="pensioner",
        base=6_000_000,
    )
    services.profile_set(
        actor=secretary,
        member=old_member,
        valid_from=dt.date(2025, 12, 1),
        category="pensioner",
        base=4_000_000,
    )
    for month in (JAN_26, FEB_26):
        result = services.month_compute(actor=secretary, organization=tree["cell_a"], month=month)
        assert result.created == 5
        assert result.without_profile == 2  # farmer and old: counted as "others"
    assert ledger(salaried, JAN_26).amount_due == 80_000
    assert ledger(salaried, FEB_26).amount_due == 80_000
    assert ledger(farmer, JAN_26).amount_due == 5_000  # 342's fixed default
    assert ledger(farmer, FEB_26).amount_due == 15_930  # 0.3% of region I's wage
    assert ledger(pensioner, FEB_26).amount_due == 30_000
    # 50 years of party age: owed in January, exempt from February.
    assert ledger(old_member, JAN_26).amount_due == 20_000
    feb = ledger(old_member, FEB_26)
    assert (feb.amount_due, feb.status, feb.reason) == (0, "exempt", "Đủ 50 năm tuổi đảng")
    assert (ledger(farmer, JAN_26).system, ledger(farmer, FEB_26).system) == ("342", "01")


def test_the_base_of_02_2026_is_the_salary_of_january(tree, cell_members, people):
    member = cell_members[0]
    secretary = people["secretary_a"]
    services.profile_set(
        actor=secretary,
        member=member,
        valid_from=dt.date(2025, 1, 1),
        category="social_insurance",
        base=5_000_000,
    )
    services.profile_set(
        actor=secretary,
        member=member,
        valid_from=dt.date(2026, 2, 1),
        category="social_insurance",
        base=9_000_000,
    )
    services.profile_set(
        actor=secretary,
        member=member,
        valid_from=dt.date(2026, 3, 1),
        category="social_insurance",
        base=7_000_000,
    )
    for month in (JAN_26, FEB_26, dt.date(2026, 3, 1), dt.date(2026, 4, 1)):
        services.month_compute(actor=secretary, organization=tree["cell_a"], month=month)
    assert ledger(member, JAN_26).amount_due == 50_000  # 342: the month's own salary
    assert ledger(member, FEB_26).amount_due == 50_000  # 01: January's salary
    assert ledger(member, dt.date(2026, 3, 1)).amount_due == 90_000  # February's
    assert ledger(member, dt.date(2026, 4, 1)).amount_due == 70_000


def test_profile_bad_input_is_refused_and_writes_nothing(cell_members, people):
    member, actor = cell_members[0], people["secretary_a"]
    base = {"actor": actor, "member": member, "valid_from": dt.date(2026, 1, 1)}
    refused(
        "profile_in_future",
        services.profile_set,
        **{**base, "valid_from": TODAY + dt.timedelta(days=1), "category": "other"},
    )
    refused("base_required", services.profile_set, **base, category="pensioner")
    refused("base_not_allowed", services.profile_set, **base, category="student", base=100)
    refused("amount_not_whole", services.profile_set, **base, category="pensioner", base=1.5)
    refused("amount_not_positive", services.profile_set, **base, category="pensioner", base=-3)
    refused("category_invalid", services.profile_set, **base, category="farmer")
    refused(
        "not_acting_body",
        services.profile_set,
        **{**base, "actor": people["secretary_b"], "category": "other"},
    )


def test_payment_cash_and_portal_and_every_kind_of_bad_input(tree, cell_members, people):
    member, other = cell_members[0], cell_members[1]
    actor = people["secretary_a"]
    services.month_compute(actor=actor, organization=tree["cell_a"], month=FEB_26)
    due = ledger(member, FEB_26).amount_due
    pay = {
        "actor": actor,
        "member": member,
        "month": FEB_26,
        "channel": "cash",
        "paid_on": dt.date(2026, 2, 10),
    }
    refused("amount_not_whole", services.payment_record, **pay, amount=15_930.5)
    refused("amount_not_positive", services.payment_record, **pay, amount=-1)
    refused("amount_below_due", services.payment_record, **pay, amount=due - 1)
    refused(
        "month_not_due",
        services.payment_record,
        **{**pay, "month": rules.next_month(THIS_MONTH)},
        amount=due,
    )
    refused(
        "date_in_future",
        services.payment_record,
        **{**pay, "paid_on": TODAY + dt.timedelta(days=1)},
        amount=due,
    )
    refused(
        "reference_required", services.payment_record, **{**pay, "channel": "portal"}, amount=due
    )
    refused(
        "not_acting_body",
        services.payment_record,
        **{**pay, "actor": people["secretary_b"]},
        amount=due,
    )
    payment = services.payment_record(**pay, amount=due)
    assert payment.receipt_number == "022026-0001"
    row = ledger(member, FEB_26)
    assert (row.status, row.amount_paid, row.paid_on) == ("paid", due, dt.date(2026, 2, 10))
    refused("already_paid", services.payment_record, **pay, amount=due)
    services.payment_record(
        actor=actor,
        member=other,
        month=FEB_26,
        channel="portal",
        reference="DVC-001",
        paid_on=dt.date(2026, 2, 11),
        amount=due + 5_000,  # a voluntary top-up
    )
    third = cell_members[2]
    refused(
        "reference_taken",
        services.payment_record,
        actor=actor,
        member=third,
        month=FEB_26,
        channel="portal",
        reference="DVC-001",
        paid_on=dt.date(2026, 2, 11),
        amount=due,
    )


def test_close_marks_unpaid_with_and_without_reason_and_records_the_shares(
    tree, cell_members, people
):
    actor = people["secretary_a"]
    a, b, c, d = cell_members
    services.month_compute(actor=actor, organization=tree["cell_a"], month=FEB_26)
    due = ledger(a, FEB_26).amount_due
    for m in (a, b):
        services.payment_record(
            actor=actor,
            member=m,
            month=FEB_26,
            amount=due,
            channel="cash",
            paid_on=dt.date(2026, 2, 9),
        )
    refused(
        "month_not_over",
        services.month_close,
        actor=actor,
        organization=tree["cell_a"],
        month=THIS_MONTH,
    )
    result = services.month_close(
        actor=actor, organization=tree["cell_a"], month=FEB_26, reasons={c.pk: "Ốm nằm viện"}
    )
    assert (result.cells, result.rows, result.unpaid, result.excused) == (1, 4, 1, 1)
    assert ledger(c, FEB_26).status == LedgerStatus.UNPAID_EXCUSED
    assert ledger(d, FEB_26).status == LedgerStatus.UNPAID
    close = DuesMonthClose.objects.get(organization=tree["cell_a"], month=FEB_26)
    assert (close.amount_paid, close.kept_percent) == (2 * due, 30)
    assert close.kept + close.sent_up == 2 * due and close.kept == 2 * due * 30 // 100
    # A closed month: no payment, no second close; a correction entry only.
    refused(
        "month_closed",
        services.payment_record,
        actor=actor,
        member=d,
        month=FEB_26,
        amount=due,
        channel="cash",
        paid_on=dt.date(2026, 3, 2),
    )
    refused(
        "month_already_closed",
        services.month_close,
        actor=actor,
        organization=tree["cell_a"],
        month=FEB_26,
    )
    row = ledger(d, FEB_26)
    correction = services.payment_correct(
        actor=actor, ledger=row, amount=due, reason="Thu bù, biên lai 15", on=dt.date(2026, 3, 2)
    )
    assert correction.kind == "correction"
    row.refresh_from_db()
    assert (row.status, row.amount_paid, row.closed) == ("paid", due, True)
    refused(
        "correction_negative_total",
        services.payment_correct,
        actor=actor,
        ledger=row,
        amount=-due - 1,
        reason="nhầm",
        on=dt.date(2026, 3, 2),
    )
    refused(
        "reason_required",
        services.payment_correct,
        actor=actor,
        ledger=row,
        amount=-1,
        reason=" ",
        on=dt.date(2026, 3, 2),
    )


def test_committee_closes_its_cells_and_reconciliation_by_level(tree, people):
    office = people["office"]
    a = MemberFactory(organization=tree["cell_a"])
    b = MemberFactory(organization=tree["cell_b"])
    services.month_compute(actor=office, organization=tree["commune"], month=FEB_26)
    for m in (a, b):
        row = ledger(m, FEB_26)
        services.payment_record(
            actor=office,
            member=m,
            month=FEB_26,
            amount=row.amount_due,
            channel="cash",
            paid_on=dt.date(2026, 2, 9),
        )
    from dangvien.organizations.tests.factories import OrganizationFactory

    empty = OrganizationFactory(parent=tree["commune"], name="Chi bộ thôn Bắc")
    result = services.month_close(actor=office, organization=tree["commune"], month=FEB_26)
    assert result.cells == 3  # the cell with nobody owing closes empty, not "late" for ever
    assert DuesMonthClose.objects.get(organization=empty, month=FEB_26).members == 0
    levels = {
        r.organization.pk: r for r in selectors.reconciliation(tree["province"], FEB_26, FEB_26)
    }
    paid = 2 * 15_930
    cells_sent = sum(levels[tree[c].pk].sent_up for c in ("cell_a", "cell_b"))
    commune = levels[tree["commune"].pk]
    assert commune.received == cells_sent
    assert commune.kept == cells_sent * 50 // 100  # a level above grassroots keeps 50%
    province = levels[tree["province"].pk]
    assert province.received == commune.sent_up
    assert sum(r.kept for r in levels.values()) + province.sent_up == paid


def test_reduction_over_twelve_months_or_of_another_percent_is_refused(tree, cell_members, people):
    member = cell_members[0]
    decide = {
        "actor": people["office"],
        "member": member,
        "kind": "reduction",
        "ground": "hardship",
        "first_month": FEB_26,
        "decided_on": dt.date(2026, 1, 20),
    }
    refused(
        "relief_too_long",
        services.relief_decide,
        **decide,
        percent=50,
        last_month=dt.date(2027, 2, 1),
    )
    refused(
        "reduction_percent",
        services.relief_decide,
        **decide,
        percent=40,
        last_month=dt.date(2026, 6, 1),
    )
    # The cell under a grassroots committee does not decide (R5.7): the committee does.
    refused(
        "not_acting_body",
        services.relief_decide,
        **{**decide, "actor": people["secretary_a"]},
        percent=50,
        last_month=dt.date(2026, 6, 1),
    )
    services.relief_decide(**decide, percent=50, last_month=dt.date(2027, 1, 1))  # 12 months
    services.month_compute(actor=people["office"], organization=tree["cell_a"], month=FEB_26)
    row = ledger(member, FEB_26)
    assert (row.amount_due, row.relief_percent) == (7_965, 50)
    refused(
        "relief_overlap",
        services.relief_decide,
        **decide,
        percent=30,
        last_month=dt.date(2026, 3, 1),
    )


def test_three_unpaid_months_open_a_notice_and_are_the_evidence(tree, cell_members, people):
    actor = people["secretary_a"]
    member = cell_members[0]
    months = [dt.date(2026, m, 1) for m in (3, 4, 5)]
    for month in months:
        services.month_close(actor=actor, organization=tree["cell_a"], month=month)
    assert selectors.unpaid_dues_months(member, dt.date(2026, 6, 15)) == months
    candidates = selectors.name_deletion_candidates(tree["commune"], 2026, today=TODAY)
    assert {c.member.pk for c in candidates} == {m.pk for m in cell_members}
    notice = ArrearsNotice.objects.get(member=member, year=2026)
    assert notice.months == [m.isoformat() for m in months]
    case = Case.objects.get(object_id=notice.pk, kind="dues_arrears", closed_on=None)
    assert case.step == "propose" and case.organization_id == tree["cell_a"].pk
    notice_settle(actor=actor, notice=notice, note="Đã đóng bù cả 3 tháng", on=TODAY)
    case.refresh_from_db()
    assert case.closed_on == TODAY


def test_temporarily_transferred_member_pays_where_attached(tree, people):
    from dangvien.movements.models import Transfer, TransferKind, TransferStatus

    member = MemberFactory(organization=tree["cell_a"])
    Transfer.objects.create(
        member=member,
        kind=TransferKind.TEMPORARY,
        reason="work",
        trigger_date=JAN_26,
        start_due=JAN_26,
        status=TransferStatus.RECEIVED,
        from_organization=tree["cell_a"],
        to_organization=tree["cell_b"],
        received_on=dt.date(2026, 1, 15),
    )
    assert selectors.payers_of_month(tree["commune"], FEB_26)[member.pk] == tree["cell_b"].pk
    assert member.pk not in selectors.payers_of_month(tree["cell_a"], FEB_26)
    services.month_compute(actor=people["office"], organization=tree["commune"], month=FEB_26)
    assert ledger(member, FEB_26).organization_id == tree["cell_b"].pk


def test_recompute_follows_a_new_profile_but_never_a_paid_or_closed_row(tree, cell_members, people):
    actor = people["secretary_a"]
    paid, open_ = cell_members[0], cell_members[1]
    services.month_compute(actor=actor, organization=tree["cell_a"], month=FEB_26)
    services.payment_record(
        actor=actor,
        member=paid,
        month=FEB_26,
        amount=15_930,
        channel="cash",
        paid_on=dt.date(2026, 2, 5),
    )
    for m in (paid, open_):
        services.profile_set(
            actor=actor,
            member=m,
            valid_from=dt.date(2026, 1, 1),
            category="pensioner",
            base=4_000_000,
        )
    again = services.month_compute(actor=actor, organization=tree["cell_a"], month=FEB_26)
    assert (again.created, again.updated, again.kept) == (0, 1, 3)
    assert ledger(paid, FEB_26).amount_due == 15_930  # what was paid stays as it was
    assert ledger(open_, FEB_26).amount_due == 20_000  # 0.5% of the pension


def test_advance_payment_only_with_an_approved_arrangement(tree, people):
    from dangvien.liaison import services as liaison

    actor = people["secretary_a"]
    member = MemberFactory(organization=tree["cell_a"])
    next_month = rules.next_month(THIS_MONTH)
    pay = {
        "actor": actor,
        "member": member,
        "month": next_month,
        "amount": 20_000,
        "channel": "cash",
        "paid_on": TODAY,
    }
    refused("month_not_due", services.payment_record, **pay)
    refused(
        "not_temporarily_exempt",
        services.arrangement_approve,
        actor=actor,
        member=member,
        kind="advance",
        first_month=THIS_MONTH,
        last_month=next_month,
        approved_on=TODAY,
    )
    exemption = liaison.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        ground="working_away",
        applied_on=THIS_MONTH,
        start=THIS_MONTH,
        end=rules.month_end(rules.next_month(next_month)),
    )
    liaison.exemption_decide(
        actor=SYSTEM, exemption=exemption, decided_on=THIS_MONTH, resolution_number="05-NQ/CB"
    )
    refused(
        "arrangement_too_long",
        services.arrangement_approve,
        actor=actor,
        member=member,
        kind="advance",
        first_month=THIS_MONTH,
        last_month=rules.next_month(rules.next_month(next_month)),
        approved_on=TODAY,
    )
    services.arrangement_approve(
        actor=actor,
        member=member,
        kind="advance",
        first_month=THIS_MONTH,
        last_month=next_month,
        approved_on=TODAY,
    )
    payment = services.payment_record(**pay)
    assert payment.advance is True
    assert ledger(member, next_month).status == "paid"


def test_voluntary_amount_counts_once_the_superior_committee_approves(tree, cell_members, people):
    member = cell_members[0]
    profile = services.profile_set(
        actor=people["secretary_a"],
        member=member,
        valid_from=dt.date(2026, 1, 1),
        category="other",
        voluntary=50_000,
    )
    services.month_compute(actor=people["office"], organization=tree["cell_a"], month=FEB_26)
    assert ledger(member, FEB_26).amount_due == 15_930
    refused(
        "not_acting_body", services.voluntary_approve, actor=people["secretary_a"], profile=profile
    )
    services.voluntary_approve(actor=people["office"], profile=profile)
    services.month_compute(actor=people["office"], organization=tree["cell_a"], month=FEB_26)
    assert ledger(member, FEB_26).amount_due == 50_000


def test_arrears_lists_closed_and_open_months_with_the_amount(tree, cell_members, people):
    actor = people["secretary_a"]
    member = cell_members[0]
    services.month_close(
        actor=actor,
        organization=tree["cell_a"],
        month=dt.date(2026, 3, 1),
        reasons={cell_members[1].pk: "Đi viện"},
    )
    services.month_compute(actor=actor, organization=tree["cell_a"], month=dt.date(2026, 4, 1))
    found = {a.member.pk: a for a in selectors.arrears(tree["commune"], 2026, today=TODAY)}
    item = found[member.pk]
    assert item.months == [dt.date(2026, 3, 1)]
    assert item.open_months == [dt.date(2026, 4, 1)]
    assert item.amount == 2 * 15_930
    assert found[cell_members[1].pk].excused_months == [dt.date(2026, 3, 1)]
    assert selectors.arrears(tree["agency"], 2026, today=TODAY) == []


def test_name_deletion_for_dues_takes_its_months_from_the_ledger(tree, cell_members, people):
    from dangvien.movements import removals
    from dangvien.movements.models import Removal

    actor = people["secretary_a"]
    member = cell_members[0]
    months = [dt.date(2026, m, 1) for m in (3, 4, 5)]
    for month in months:
        services.month_close(
            actor=actor,
            organization=tree["cell_a"],
            month=month,
            reasons={m.pk: "Đã báo" for m in cell_members[1:]},
        )
    propose = {
        "actor": actor,
        "member": member,
        "kind": "name_deletion",
        "cause": "unpaid_dues",
        "meeting_on": dt.date(2026, 6, 7),
        "votes_for": 3,
    }
    with pytest.raises(DomainError) as caught:
        removals.removal_propose(**propose, evidence_months=[dt.date(2026, 2, 1)])
    assert caught.value.code == "months_not_in_ledger"
    assert not Removal.objects.exists()
    removal = removals.removal_propose(**propose)
    assert removal.evidence_months == [m.isoformat() for m in months]
    notice = ArrearsNotice.objects.get(member=member)
    assert (notice.status, notice.settled_on) == ("proposed", dt.date(2026, 6, 7))
    assert not Case.objects.filter(kind="dues_arrears", object_id=notice.pk, closed_on=None)


def test_typing_errors_in_a_payment_are_refused(tree, cell_members, people):
    actor = people["secretary_a"]
    a, b = cell_members[0], cell_members[1]
    services.month_compute(actor=actor, organization=tree["cell_a"], month=FEB_26)
    due = ledger(a, FEB_26).amount_due
    pay = {"actor": actor, "month": FEB_26, "channel": "cash", "paid_on": dt.date(2026, 2, 10)}
    refused("amount_too_high", services.payment_record, **pay, member=a, amount=due * 10 + 1)
    refused(
        "paid_before_month",
        services.payment_record,
        **{**pay, "paid_on": dt.date(2026, 1, 31)},
        member=a,
        amount=due,
    )
    services.payment_record(**pay, member=a, amount=due * 10, receipt_number="BL-15")
    refused(
        "receipt_taken",
        services.payment_record,
        **pay,
        member=b,
        amount=due,
        receipt_number="BL-15",
    )
