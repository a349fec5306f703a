"""Issue 11: the demo's year of dues across the change of rules, through the
services: every category, the 50-year exemption, a reduction, an arrears
notice, a month unpaid with a reason, and the history as the rules compute it."""

import datetime as dt

import pytest

from dangvien.dues import rules, selectors
from dangvien.dues.models import (
    ArrearsNotice,
    DuesLedger,
    DuesMonthClose,
    DuesPayment,
    DuesProfile,
    DuesRelief,
    LedgerStatus,
    NoticeStatus,
)
from dangvien.dues.rules import Category
from dangvien.organizations.models import Level, Organization
from dangvien.seeding import services
from dangvien.seeding.dues import demo_dues
from dangvien.seeding.posts import demo_posts

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def demo(monkeypatch):
    from dangvien.dues import services as dues_services

    monkeypatch.setattr(dues_services, "_today", lambda: TODAY)
    services.seed(services.demo_plan())
    demo_posts()
    services.demo_workflows(today=TODAY)
    return demo_dues(today=TODAY)


def _each_category_and_the_notable_members(demo):
    months = rules.months_between(dt.date(2025, 12, 1), dt.date(2026, 10, 1))
    assert demo.months == months
    categories = set(DuesProfile.objects.values_list("category", flat=True))
    assert {
        Category.SOCIAL_INSURANCE,
        Category.PENSIONER,
        Category.STUDENT,
        Category.OTHER,
        Category.SOCIAL_PENSION,
    } <= categories
    for name in ("exempt_party_age", "social_pension", "retired_other", "reduced"):
        assert getattr(demo, name) is not None, name
    assert demo.arrears is not None and demo.excused is not None

    def row(member, month):
        return DuesLedger.objects.get(member=member, month=month)

    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    # 50 years of party age: paying under 342, exempt under 01-QĐ/TW (R5.6).
    assert row(demo.exempt_party_age, jan).amount_due > 0
    assert row(demo.exempt_party_age, feb).status == LedgerStatus.EXEMPT
    assert "50 năm" in row(demo.exempt_party_age, feb).reason
    # Social pension: 342's fixed amount, then exempt.
    assert row(demo.social_pension, jan).system == "342"
    assert row(demo.social_pension, feb).amount_due == 0
    # The 50% reduction, decided through relief_decide.
    relief = DuesRelief.objects.get(member=demo.reduced)
    assert relief.percent == 50
    reduced = row(demo.reduced, relief.first_month)
    assert reduced.relief_percent == 50 and "giảm 50%" in reduced.basis
    # Others past retirement age under 01: 0.2% of the regional minimum wage.
    assert "0,2%" in row(demo.retired_other, dt.date(2026, 3, 1)).basis


def _the_months_closed_and_mostly_paid(demo):
    for month in demo.months:
        assert DuesMonthClose.objects.filter(month=month).exists()
        assert not DuesLedger.objects.filter(month=month, closed=False).exists()
        rows = DuesLedger.objects.filter(month=month).exclude(status=LedgerStatus.EXEMPT)
        paid = rows.filter(status=LedgerStatus.PAID).count()
        assert paid >= rows.count() * 0.95
    # Paid rows carry their payment, and the demo cells' payments have receipts.
    assert demo.payments > 100 and demo.bulk_payments > 1000
    assert not DuesPayment.objects.filter(receipt_number="").exists()
    # This month is computed and open.
    assert DuesLedger.objects.filter(month=dt.date(2026, 11, 1), closed=False).exists()


def _arrears_open_a_notice_and_the_excused_month_does_not_count(demo):
    notice = ArrearsNotice.objects.get(member=demo.arrears, year=2026)
    assert notice.status == NoticeStatus.OPEN
    assert notice.months == [m.isoformat() for m in demo.months[-3:]]
    province = Organization.objects.get(level=Level.PROVINCIAL)
    candidates = {
        a.member.pk for a in selectors.name_deletion_candidates(province, 2026, today=TODAY)
    }
    assert demo.arrears.pk in candidates
    assert demo.excused.pk not in candidates
    excused = DuesLedger.objects.get(member=demo.excused, month=demo.months[-2])
    assert excused.status == LedgerStatus.UNPAID_EXCUSED and excused.reason
    if demo.removal is not None:  # the demo's proposal of name deletion for dues
        assert ArrearsNotice.objects.get(member=demo.removal).status == NoticeStatus.PROPOSED


def test_the_demo_dues(demo):
    """One load of the demo (about a minute), three sets of checks."""
    _each_category_and_the_notable_members(demo)
    _the_months_closed_and_mostly_paid(demo)
    _arrears_open_a_notice_and_the_excused_month_does_not_count(demo)
