"""The dues pages as their users see them: the cell's month sheet (payments,
computing, closing with reasons, corrections), the committee's overview, the
member's profile and reliefs on their record, the member's own dues, arrears
with their notices, the reconciliation, the Excel book; 404 outside the scope
and for forms a role is not offered. Every refusal leaves the tables as they were."""

import datetime as dt

import pytest
import time_machine

from dangvien.core.actors import SYSTEM
from dangvien.dues import services
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
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role

from .conftest import FEB_26, JAN_26

D = dt.date
MAR_26 = D(2026, 3, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0), tick=False):
        yield


def counts():
    return (
        DuesLedger.objects.count(),
        DuesPayment.objects.count(),
        DuesProfile.objects.count(),
        DuesRelief.objects.count(),
        DuesMonthClose.objects.count(),
        ArrearsNotice.objects.filter(status=NoticeStatus.OPEN).count(),
    )


def sheet_url(tree, month="02/2026", cell="cell_a"):
    return f"/dang-phi/?org={tree[cell].pk}&thang={month}"


def ledger(member, month=FEB_26):
    return DuesLedger.objects.get(member=member, month=month)


def pay(client, url, member, **extra):
    data = {
        "form": "pay",
        "member": member.pk,
        "amount": "",
        "channel": "cash",
        "paid_on": "15/02/2026",
        "reference": "",
        "receipt_number": "",
    }
    data.update(extra)
    return client.post(url, data)


def test_the_secretary_keeps_the_month_on_one_screen(client, tree, people, cell_members):
    client.force_login(people["secretary_a"])
    url = sheet_url(tree)
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert all(m.full_name in body for m in cell_members)
    assert "Chưa lập sổ" in body and "Lập sổ tháng" in body
    assert "Quy định 01-QĐ/TW" in body

    assert client.post(url, {"form": "compute"}).status_code == 302
    assert DuesLedger.objects.filter(month=FEB_26, organization=tree["cell_a"]).count() == 4
    first, second, third, fourth = cell_members
    due = ledger(first).amount_due
    assert due > 0
    body = client.get(url).content.decode()
    assert ledger(first).basis in body

    # Cash, the amount typed the Vietnamese way.
    done = pay(client, url, first, amount=f"{due:,}".replace(",", "."))
    assert done.status_code == 302
    row = ledger(first)
    assert (row.status, row.amount_paid, row.paid_on) == (LedgerStatus.PAID, due, D(2026, 2, 15))
    payment = DuesPayment.objects.get(member=first)
    assert payment.channel == "cash" and payment.receipt_number
    assert DuesPayment.objects.count() == 1

    # Through the portal, with its reference.
    assert (
        pay(client, url, second, amount=str(due), channel="portal", reference="DVC-1").status_code
        == 302
    )
    assert DuesPayment.objects.get(member=second).reference == "DVC-1"
    page = client.get(url).content.decode()
    assert "DVC-1" in page and payment.receipt_number in page


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"amount": "1,5"}, "Số tiền phải là số nguyên đồng"),
        ({"amount": "-5000"}, "Số tiền phải lớn hơn 0 đồng"),
        ({"amount": "10"}, "thấp hơn mức phải đóng"),
        ({"channel": "portal"}, "phải ghi mã giao dịch"),
        ({"paid_on": "31/12/2026"}, "Ngày không được sau hôm nay"),
        ({"paid_on": "2026-13-40x"}, "Ngày không hợp lệ"),
    ],
)
def test_a_bad_payment_gets_its_message_and_writes_nothing(
    client, tree, people, cell_members, extra, message
):
    services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=FEB_26)
    member = cell_members[0]
    client.force_login(people["secretary_a"])
    before = counts()
    data = {"amount": str(ledger(member).amount_due), **extra}
    page = pay(client, sheet_url(tree), member, **data)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert counts() == before
    assert ledger(member).status == LedgerStatus.DUE


def test_a_second_payment_for_the_month_is_refused(client, tree, people, cell_members):
    services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=FEB_26)
    member = cell_members[0]
    due = ledger(member).amount_due
    client.force_login(people["secretary_a"])
    assert pay(client, sheet_url(tree), member, amount=str(due)).status_code == 302
    before = counts()
    page = pay(client, sheet_url(tree), member, amount=str(due))
    assert page.status_code == 200
    assert "mỗi tháng đóng một lần" in page.content.decode()
    assert counts() == before


def test_a_month_not_due_yet_is_refused_without_an_advance(client, tree, people, cell_members):
    client.force_login(people["secretary_a"])
    before = counts()
    page = pay(client, sheet_url(tree, "05/2026"), cell_members[0], amount="50000")
    assert page.status_code == 200
    assert "chưa đến kỳ đóng" in page.content.decode()
    assert counts() == before


def test_closing_with_a_reason_then_correcting_the_closed_month(client, tree, people, cell_members):
    client.force_login(people["secretary_a"])
    url = sheet_url(tree)
    services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=FEB_26)
    paid, sick, truant, late = cell_members
    assert pay(client, url, paid, amount=str(ledger(paid).amount_due)).status_code == 302
    page = client.get(url).content.decode()
    assert f'name="reason_{sick.pk}"' in page and f'name="reason_{paid.pk}"' not in page

    # Angle brackets in a reason: the message at the field, nothing closed.
    before = counts()
    refused = client.post(url, {"form": "close", "confirm": "on", f"reason_{sick.pk}": "<b>x</b>"})
    assert refused.status_code == 200
    assert "Không dùng ký tự" in refused.content.decode()
    assert counts() == before and not DuesLedger.objects.filter(closed=True).exists()

    # Not confirmed: the message at the box, nothing closed.
    unconfirmed = client.post(url, {"form": "close", f"reason_{sick.pk}": "Ốm nằm viện"})
    assert "Đánh dấu xác nhận trước khi khóa sổ." in unconfirmed.content.decode()
    assert counts() == before

    done = client.post(url, {"form": "close", "confirm": "on", f"reason_{sick.pk}": "Ốm nằm viện"})
    assert done.status_code == 302
    assert ledger(sick).status == LedgerStatus.UNPAID_EXCUSED
    assert ledger(sick).reason == "Ốm nằm viện"
    assert ledger(truant).status == LedgerStatus.UNPAID
    assert ledger(paid).status == LedgerStatus.PAID
    assert DuesLedger.objects.filter(month=FEB_26, closed=True).count() == 4
    close = DuesMonthClose.objects.get(organization=tree["cell_a"], month=FEB_26)
    assert (close.paid_count, close.unpaid_count) == (1, 3)
    page = client.get(url).content.decode()
    assert 'id="closed"' in page and "Lập sổ tháng</button>" not in page

    # A closed month: no payment form (404), only a correction entry.
    before = counts()
    assert pay(client, url, late, amount=str(ledger(late).amount_due)).status_code == 404
    assert client.post(url, {"form": "compute"}).status_code == 404
    assert client.post(url, {"form": "close"}).status_code == 404
    assert counts() == before
    due = ledger(late).amount_due
    refused = client.post(
        url,
        {
            "form": "correct",
            "ledger": ledger(late).pk,
            "amount": "0",
            "reason": "x",
            "on": "10/03/2026",
        },
    )
    assert "Bút toán điều chỉnh phải khác 0 đồng" in refused.content.decode()
    assert counts() == before
    done = client.post(
        url,
        {
            "form": "correct",
            "ledger": ledger(late).pk,
            "amount": str(due),
            "reason": "Nộp muộn, đã thu ngày 05/03",
            "on": "05/03/2026",
        },
    )
    assert done.status_code == 302
    row = ledger(late)
    assert (row.status, row.amount_paid, row.closed) == (LedgerStatus.PAID, due, True)
    assert DuesPayment.objects.filter(kind="correction").count() == 1
    # Another cell's ledger row on this page: 404.
    services.month_compute(actor=SYSTEM, organization=tree["cell_b"], month=FEB_26)
    other = DuesLedger.objects.filter(organization=tree["cell_b"]).first()
    if other is not None:
        assert (
            client.post(
                url,
                {
                    "form": "correct",
                    "ledger": other.pk,
                    "amount": "1",
                    "reason": "x",
                    "on": "05/03/2026",
                },
            ).status_code
            == 404
        )


def test_a_month_not_over_cannot_be_closed(client, tree, people, cell_members):
    client.force_login(people["secretary_a"])
    url = sheet_url(tree, "03/2026")
    assert 'id="close-form"' not in client.get(url).content.decode()
    before = counts()
    page = client.post(url, {"form": "close", "confirm": "on"})
    assert page.status_code == 200
    assert "chưa kết thúc" in page.content.decode()
    assert counts() == before


def test_a_bad_month_in_the_chooser_gets_a_message(client, tree, people, cell_members):
    client.force_login(people["secretary_a"])
    page = client.get(sheet_url(tree, "13/2026"))
    assert page.status_code == 200
    assert "Tháng không hợp lệ" in page.content.decode()


def test_outside_the_subtree_every_dues_page_is_404(client, tree, people, cell_members):
    services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=FEB_26)
    member = cell_members[0]
    client.force_login(people["secretary_b"])
    before = counts()
    for url in (
        sheet_url(tree),
        f"/dang-phi/?org={tree['commune'].pk}",
        f"/dang-phi/no-dong/?org={tree['cell_a'].pk}",
        f"/dang-phi/doi-chieu/?org={tree['cell_a'].pk}",
        f"/dang-phi/so-chi-bo/{tree['cell_a'].pk}/2026.xlsx",
        f"/dang-phi/so-dang-bo/{tree['commune'].pk}/2026.xlsx",
        f"/dang-vien/{member.pk}/dang-phi/",
        "/dang-phi/cua-toi/",
        "/dang-phi/?org=abc",
    ):
        assert client.get(url).status_code == 404, url
    assert pay(client, sheet_url(tree), member, amount="100000").status_code == 404
    assert client.post(sheet_url(tree), {"form": "compute"}).status_code == 404
    assert (
        client.post(
            f"/dang-vien/{member.pk}/dang-phi/",
            {"form": "profile", "valid_from": "01/01/2026", "category": "student"},
        ).status_code
        == 404
    )
    # Their own cell's sheet: a member of cell A posted there is not on it.
    assert pay(client, sheet_url(tree, cell="cell_b"), member, amount="100000").status_code == 404
    assert counts() == before


def test_a_reading_role_sees_the_sheet_but_is_offered_no_form(
    client, tree, people, cell_members, django_user_model
):
    inspector = user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["commune"])
    client.force_login(inspector)
    page = client.get(sheet_url(tree))
    assert page.status_code == 200
    body = page.content.decode()
    assert cell_members[0].full_name in body and 'name="form" value="pay"' not in body
    before = counts()
    for form in ("compute", "pay", "close", "correct", "other"):
        assert (
            client.post(sheet_url(tree), {"form": form, "member": cell_members[0].pk}).status_code
            == 404
        )
    assert (
        client.post(f"/dang-phi/?org={tree['commune'].pk}", {"form": "close_all"}).status_code
        == 404
    )
    assert counts() == before


def test_the_committee_overview_and_closing_all_its_cells(
    client, tree, people, cell_members, monkeypatch
):
    MemberFactory(organization=tree["cell_b"])
    services.month_compute(actor=SYSTEM, organization=tree["commune"], month=FEB_26)
    client.force_login(people["office"])
    url = f"/dang-phi/?org={tree['commune'].pk}&thang=02/2026"
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Chi bộ thôn Đông" in body and "Chi bộ thôn Tây" in body
    assert "2 chậm khóa sổ" in body  # due by 10/03/2026
    assert 'id="close-all-button"' in body
    # The commune's own cells: no parent line. Seen from the province, each
    # cell says which committee it belongs to (cells of different communes
    # often share a name).
    assert "<small>Đảng bộ xã Cẩm Xuyên</small>" not in body
    from django.contrib.auth import get_user_model

    from dangvien.members.tests.factories import Role, user_with_role

    board = user_with_role(get_user_model(), "btc_tinh", Role.ORGANISATION_BOARD, tree["province"])
    client.force_login(board)
    province_view = client.get(f"/dang-phi/?org={tree['province'].pk}&thang=02/2026")
    assert province_view.content.decode().count("<small>Đảng bộ xã Cẩm Xuyên</small>") == 2
    client.force_login(people["office"])

    monkeypatch.setattr("dangvien.web.dues.views.OVERVIEW_PAGE", 1)
    first = client.get(url).content.decode()
    assert "Chi bộ thôn Đông" in first and "Chi bộ thôn Tây" not in first
    assert f"sau={tree['cell_a'].pk}" in first
    second = client.get(f"{url}&sau={tree['cell_a'].pk}").content.decode()
    assert "Chi bộ thôn Tây" in second and "Chi bộ thôn Đông" not in second

    before = DuesPayment.objects.count()
    assert client.post(url, {"form": "close_all"}).status_code == 302
    assert set(DuesMonthClose.objects.values_list("organization", flat=True)) == {
        tree["cell_a"].pk,
        tree["cell_b"].pk,
    }
    assert DuesLedger.objects.filter(month=FEB_26, status=LedgerStatus.UNPAID).count() == 5
    assert DuesPayment.objects.count() == before
    body = client.get(url).content.decode()
    assert "chậm khóa sổ" not in body and 'id="close-all-button"' not in body
    # The sheet of a cell from there: reachable, closed.
    assert 'id="closed"' in client.get(sheet_url(tree)).content.decode()


def test_the_member_record_keeps_the_dues_profile(client, tree, people, cell_members):
    member = cell_members[0]
    url = f"/dang-vien/{member.pk}/dang-phi/"
    client.force_login(people["secretary_a"])
    page = client.get(url).content.decode()
    assert 'value="profile"' in page and 'value="relief"' not in page  # the commune decides

    before = counts()
    refused = client.post(
        url,
        {
            "form": "profile",
            "valid_from": "01/04/2026",
            "category": "social_insurance",
            "base": "8.000.000",
        },
    )
    assert "Ngày áp dụng không được sau hôm nay (20/03/2026)" in refused.content.decode()
    refused = client.post(
        url, {"form": "profile", "valid_from": "01/01/2026", "category": "social_insurance"}
    )
    assert "cần ghi căn cứ tính" in refused.content.decode()
    assert counts() == before

    done = client.post(
        url,
        {
            "form": "profile",
            "valid_from": "01/01/2026",
            "category": "social_insurance",
            "base": "8.000.000",
            "voluntary": "100000",
        },
    )
    assert done.status_code == 302
    profile = DuesProfile.objects.get(member=member)
    assert (profile.category, profile.base, profile.voluntary) == (
        "social_insurance",
        8_000_000,
        100_000,
    )
    assert profile.voluntary_approved_by is None
    # The voluntary amount and reliefs are not the cell's: 404.
    before = counts()
    assert client.post(url, {"form": "voluntary", "profile": profile.pk}).status_code == 404
    relief = {
        "form": "relief",
        "kind": "reduction",
        "percent": "50",
        "ground": "poor",
        "first_month": "03/2026",
        "last_month": "05/2026",
        "decided_on": "15/03/2026",
    }
    assert client.post(url, relief).status_code == 404
    assert client.post(url, {"form": "arrangement"}).status_code == 404  # not temporarily exempt
    assert counts() == before

    client.force_login(people["office"])
    page = client.get(url).content.decode()
    assert 'value="voluntary"' in page and 'value="relief"' in page
    assert client.post(url, {"form": "voluntary", "profile": profile.pk}).status_code == 302
    profile.refresh_from_db()
    assert profile.voluntary_approved_by == tree["commune"]

    before = counts()
    too_long = client.post(url, {**relief, "last_month": "03/2027"})
    assert "tối đa 12 tháng (đang ghi 13 tháng)" in too_long.content.decode()
    bad_month = client.post(url, {**relief, "first_month": "3-2026x"})
    assert "Tháng không hợp lệ" in bad_month.content.decode()
    assert counts() == before
    assert client.post(url, relief).status_code == 302
    saved = DuesRelief.objects.get(member=member)
    assert (saved.kind, saved.percent, saved.first_month, saved.last_month) == (
        "reduction",
        50,
        MAR_26,
        D(2026, 5, 1),
    )
    assert saved.decided_by == tree["commune"]
    record = client.get(f"/dang-vien/{member.pk}/").content.decode()
    assert 'id="dues"' in record and "Giảm đảng phí 50%" in record
    assert "8.000.000" in record


def test_the_member_sees_their_own_dues(client, tree, people, cell_members, django_user_model):
    member, other = cell_members[0], cell_members[1]
    user = user_with_role(django_user_model, "dv", Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=member.pk).update(user=user)
    services.profile_set(
        actor=SYSTEM, member=member, valid_from=D(2025, 12, 1), category="pensioner", base=6_000_000
    )
    for month in (JAN_26, FEB_26):
        services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=month)
    services.payment_record(
        actor=SYSTEM,
        member=member,
        month=JAN_26,
        amount=30_000,
        channel="cash",
        paid_on=D(2026, 1, 20),
    )
    client.force_login(user)
    assert client.get("/dang-phi/").url == "/dang-phi/cua-toi/"
    page = client.get("/dang-phi/cua-toi/?nam=2026")
    body = page.content.decode()
    assert page.status_code == 200
    assert "01/2026" in body and "02/2026" in body
    assert "QĐ 342-QĐ/TW: 0,5% lương hưu (6.000.000 đ)" in body
    assert "Quy định 01-QĐ/TW: 0,5% lương hưu (6.000.000 đ)" in body
    assert "30.000\u00a0đ" in body and "Chưa đóng" in body
    assert "Đảng phí của tôi" in body  # the header link
    assert "năm 2.026" not in body and "2.026" not in body
    # Someone else's dues, and the staff pages: 404.
    for url in (f"/dang-vien/{other.pk}/dang-phi/", sheet_url(tree), "/dang-phi/no-dong/"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/dang-vien/{member.pk}/dang-phi/").status_code == 200


def _three_unpaid_months(tree):
    for month in (JAN_26, FEB_26):
        services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=month)
        services.month_close(actor=SYSTEM, organization=tree["cell_a"], month=month)
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, 0), tick=False):
        services.month_close(actor=SYSTEM, organization=tree["cell_a"], month=MAR_26)


def test_arrears_highlight_the_candidates_and_the_cell_settles_a_notice(
    client, tree, people, cell_members
):
    with time_machine.travel(dt.datetime(2026, 4, 5, 9, 0), tick=False):
        _three_unpaid_months(tree)
        payer = cell_members[3]
        services.payment_correct(
            actor=SYSTEM,
            ledger=ledger(payer, JAN_26),
            amount=ledger(payer, JAN_26).amount_due,
            reason="Đóng bù",
            on=D(2026, 4, 3),
        )
        notices = ArrearsNotice.objects.filter(status=NoticeStatus.OPEN)
        assert notices.count() == 4
        client.force_login(people["office"])
        page = client.get(f"/dang-phi/no-dong/?org={tree['commune'].pk}&nam=2026")
        body = page.content.decode()
        assert page.status_code == 200
        assert body.count("Thuộc diện xem xét xóa tên") == 3
        assert all(m.full_name in body for m in cell_members)
        assert "01/2026, 02/2026, 03/2026" in body

        notice = notices.get(member=payer)
        url = f"/dang-phi/no-dong/?org={tree['cell_a'].pk}&nam=2026"
        client.force_login(people["secretary_b"])
        assert client.post(url, {"form": "settle", "notice": notice.pk}).status_code == 404
        assert (
            client.post(
                f"/dang-phi/no-dong/?org={tree['cell_b'].pk}",
                {"form": "settle", "notice": notice.pk, "note": "x", "on": "05/04/2026"},
            ).status_code
            == 404
        )
        client.force_login(people["secretary_a"])
        before = counts()
        refused = client.post(
            url, {"form": "settle", "notice": notice.pk, "note": "<i>", "on": "05/04/2026"}
        )
        assert "Không dùng ký tự" in refused.content.decode()
        assert counts() == before
        done = client.post(
            url,
            {
                "form": "settle",
                "notice": notice.pk,
                "note": "Đã đóng bù tháng 01",
                "on": "05/04/2026",
            },
        )
        assert done.status_code == 302
        notice.refresh_from_db()
        assert notice.status == NoticeStatus.SETTLED and notice.note == "Đã đóng bù tháng 01"
        assert ArrearsNotice.objects.filter(status=NoticeStatus.OPEN).count() == 3
        assert f'value="{notice.pk}"' not in client.get(url).content.decode()


def test_the_reconciliation_by_level(client, tree, people, cell_members):
    with time_machine.travel(dt.datetime(2026, 4, 5, 9, 0), tick=False):
        services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=JAN_26)
        for member in cell_members:
            services.payment_record(
                actor=SYSTEM,
                member=member,
                month=JAN_26,
                amount=10_000,
                channel="cash",
                paid_on=D(2026, 1, 20),
            )
        services.month_close(actor=SYSTEM, organization=tree["commune"], month=JAN_26)
        client.force_login(people["office"])
        page = client.get(f"/dang-phi/doi-chieu/?org={tree['commune'].pk}&tu=01/2026&den=03/2026")
        body = page.content.decode()
        assert page.status_code == 200
        assert "Chi bộ thôn Đông" in body and "40.000\u00a0đ" in body
        assert "12.000\u00a0đ" in body  # the cell keeps 30%
        bad = client.get(f"/dang-phi/doi-chieu/?org={tree['commune'].pk}&tu=05/2026&den=01/2026")
        assert "Tháng kết thúc phải sau" in bad.content.decode()


def test_the_dues_book_downloads_as_excel(client, tree, people, cell_members):
    pytest.importorskip("dangvien.dues.books")
    client.force_login(people["office"])
    cell = client.get(f"/dang-phi/so-chi-bo/{tree['cell_a'].pk}/2026.xlsx")
    assert cell.status_code == 200
    assert cell["Content-Type"].startswith("application/vnd.openxmlformats")
    assert cell.content[:2] == b"PK"
    committee = client.get(f"/dang-phi/so-dang-bo/{tree['commune'].pk}/2026.xlsx")
    assert committee.status_code == 200 and committee.content[:2] == b"PK"
    # A cell's book asked as a committee's, and a year not begun: 404.
    assert client.get(f"/dang-phi/so-dang-bo/{tree['cell_a'].pk}/2026.xlsx").status_code == 404
    assert client.get(f"/dang-phi/so-chi-bo/{tree['cell_a'].pk}/2099.xlsx").status_code == 404


def test_the_navigation_offers_dues(client, tree, people):
    client.force_login(people["secretary_a"])
    body = client.get(sheet_url(tree)).content.decode()
    assert '<a href="/dang-phi/">Đảng phí</a>' in body
