"""The dues books as Excel, read back with openpyxl and python-calamine: each
member's months, the month totals and the shares against the ledger and the
month closes; the committee's blocks, year totals and own share against
selectors.reconciliation. Producing a book writes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.dues import books, selectors, services
from dangvien.dues.models import DuesLedger, DuesMonthClose, DuesPayment, DuesProfile
from dangvien.members.tests.factories import MemberFactory

D = dt.date
JAN, FEB, MAR = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, 0), tick=False):
        yield


def _counts():
    return tuple(m.objects.count() for m in (DuesLedger, DuesPayment, DuesProfile, DuesMonthClose))


@pytest.fixture
def year(tree, cell_members):
    """January (QĐ 342) and February (01-QĐ/TW) closed by the commune, March
    computed and open; one member of cell B; the third member of cell A never
    pays."""
    salaried, farmer, debtor, pensioner = cell_members
    services.profile_set(
        actor=SYSTEM, member=salaried, valid_from=D(2025, 12, 1),
        category="social_insurance", base=8_000_000,
    )  # fmt: skip
    services.profile_set(
        actor=SYSTEM, member=pensioner, valid_from=D(2025, 12, 1),
        category="pensioner", base=6_000_000,
    )  # fmt: skip
    other = MemberFactory(organization=tree["cell_b"])
    for month in (JAN, FEB, MAR):
        services.month_compute(actor=SYSTEM, organization=tree["commune"], month=month)
        for member in (salaried, farmer, pensioner, other):
            row = DuesLedger.objects.get(member=member, month=month)
            services.payment_record(
                actor=SYSTEM, member=member, month=month, amount=row.amount_due,
                channel="cash", paid_on=month + dt.timedelta(days=9),
            )  # fmt: skip
    for month in (JAN, FEB):
        services.month_close(actor=SYSTEM, organization=tree["commune"], month=month)
    return {"members": cell_members, "other": other}


def _rows(data: bytes, sheet: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True))


def _row_starting(rows: list[tuple], first) -> tuple:
    return next(r for r in rows if r[0] == first)


def test_the_cell_book_reads_as_the_ledger(tree, year):
    cell = tree["cell_a"]
    before = _counts()
    data = books.cell_book(cell, 2026)
    assert _counts() == before
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Năm 2026"]
    ws = wb["Năm 2026"]
    # The party header.
    assert ws["A1"].value == tree["commune"].name.upper()
    assert ws["A2"].value == cell.name.upper()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in [c.value for c in ws[1]]
    assert ws["A5"].value == "SỔ THU, NỘP ĐẢNG PHÍ"
    assert ws["A6"].value == "Năm 2026 (từ tháng 01/2026 đến tháng 12/2026)"
    assert (ws["A8"].value, ws["B8"].value, ws["C8"].value, ws["C9"].value, ws["D9"].value) == (
        "STT",
        "Họ và tên đảng viên",
        "Tháng 01",
        "Phải đóng",
        "Đã đóng",
    )
    assert ws.freeze_panes == "C10"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$8:$9"

    rows = {r.member_id: r for r in DuesLedger.objects.filter(organization=cell)}
    by_member: dict[int, dict] = {}
    for row in rows.values():
        by_member.setdefault(row.member_id, {})[row.month] = row
    names = {m.full_name: m.pk for m in year["members"]}
    member_rows = list(ws.iter_rows(min_row=10, max_row=13))
    assert [r[0].value for r in member_rows] == [1, 2, 3, 4]
    for r in member_rows:
        pk = names[r[1].value]
        for i, month in enumerate((JAN, FEB, MAR)):
            ledger = DuesLedger.objects.get(member_id=pk, month=month)
            owed, paid = r[2 + 2 * i], r[3 + 2 * i]
            assert (owed.value, paid.value) == (ledger.amount_due, ledger.amount_paid)
            assert owed.number_format == books.DONG
        assert r[8].value is None  # April: not computed
        assert r[26].value == sum(
            x.amount_due for x in DuesLedger.objects.filter(member_id=pk, month__year=2026)
        )
        assert r[0].number_format == books.WHOLE
    debtor = year["members"][2]
    debtor_row = next(r for r in member_rows if r[1].value == debtor.full_name)
    assert debtor_row[28].value == "Không đóng, không lý do: tháng 01, 02"

    sheet = [tuple(c.value for c in r) for r in ws.iter_rows()]
    total = _row_starting(sheet, "Cộng")
    for i, month in enumerate((JAN, FEB, MAR)):
        month_rows = DuesLedger.objects.filter(organization=cell, month=month)
        assert total[2 + 2 * i] == sum(x.amount_due for x in month_rows)
        assert total[3 + 2 * i] == sum(x.amount_paid for x in month_rows)
    assert total[3 + 2 * 3] == 0  # April
    assert total[27] == sum(x.amount_paid for x in DuesLedger.objects.filter(organization=cell))
    kept = _row_starting(sheet, "Trích giữ lại ở chi bộ")
    sent = _row_starting(sheet, "Nộp lên cấp trên")
    closes = {c.month: c for c in DuesMonthClose.objects.filter(organization=cell)}
    for i, month in enumerate((JAN, FEB)):
        assert kept[2 + 2 * i] == closes[month].kept
        assert sent[2 + 2 * i] == closes[month].sent_up
        assert kept[2 + 2 * i] + sent[2 + 2 * i] == total[3 + 2 * i]
    assert kept[6] is None and sent[6] is None  # March is not closed
    assert kept[26] == closes[JAN].kept + closes[FEB].kept
    assert _row_starting(sheet, "Số đảng viên đã đóng / phải đóng")[2:5:2] == ("3/4", "3/4")
    assert _row_starting(sheet, "Ngày khóa sổ")[6] == "Chưa khóa"


def test_the_cell_book_reads_the_same_with_calamine(tree, year):
    calamine = pytest.importorskip("python_calamine")
    data = books.cell_book(tree["cell_a"], 2026)
    rows = (
        calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_name("Năm 2026")
        .to_python()
    )
    total = next(r for r in rows if r[0] == "Cộng")
    jan = DuesLedger.objects.filter(organization=tree["cell_a"], month=JAN)
    assert total[2] == sum(x.amount_due for x in jan)
    assert total[3] == sum(x.amount_paid for x in jan)
    assert isinstance(total[3], int | float)  # a number, not text


def test_the_committee_book_adds_up_to_the_closes_and_the_reconciliation(tree, year):
    commune = tree["commune"]
    before = _counts()
    data = books.committee_book(commune, 2026)
    assert _counts() == before
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Năm 2026", "Đối chiếu"]
    ws = wb["Năm 2026"]
    assert ws["A2"].value == commune.name.upper()
    assert ws["A5"].value == "SỔ TỔNG HỢP THU, NỘP ĐẢNG PHÍ"
    assert ws.page_setup.orientation == "landscape"
    sheet = [tuple(c.value for c in r) for r in ws.iter_rows()]
    labels = [r[0] for r in sheet]
    assert "Tháng 01/2026" in labels and "Tháng 03/2026" in labels
    assert "Tháng 04/2026" not in labels  # nothing on the ledger

    for month in (JAN, FEB, MAR):
        total = next(r for r in sheet if r[1] == f"Cộng tháng {month:%m/%Y}")
        rows = DuesLedger.objects.filter(organization__path__startswith=commune.path, month=month)
        closes = DuesMonthClose.objects.filter(month=month)
        assert total[2] == rows.count() == 5
        assert total[3] == rows.filter(status="paid").count() == 4
        assert total[4] == sum(r.amount_due for r in rows)
        assert total[5] == sum(r.amount_paid for r in rows)
        assert total[6] == sum(c.kept for c in closes)
        assert total[7] == sum(c.sent_up for c in closes)
    block = labels.index("Tháng 02/2026")
    cell_a_row = sheet[block + 1]
    close_a = DuesMonthClose.objects.get(organization=tree["cell_a"], month=FEB)
    assert cell_a_row[1] == tree["cell_a"].name
    assert cell_a_row[2:8] == (
        close_a.members,
        close_a.paid_count,
        close_a.amount_due,
        close_a.amount_paid,
        close_a.kept,
        close_a.sent_up,
    )
    assert cell_a_row[8] == f"{close_a.closed_on:%d/%m/%Y}"
    march = sheet[labels.index("Tháng 03/2026") + 1]
    assert (march[6], march[7], march[8]) == (0, 0, "Chưa khóa")

    year_total = _row_starting(sheet, "Tổng cộng năm 2026")
    all_rows = DuesLedger.objects.filter(organization__path__startswith=commune.path)
    assert year_total[4] == sum(r.amount_due for r in all_rows)
    assert year_total[5] == sum(r.amount_paid for r in all_rows)
    assert year_total[6] == sum(c.kept for c in DuesMonthClose.objects.all())
    levels = selectors.reconciliation(commune, JAN, D(2026, 12, 1))
    own = next(item for item in levels if item.organization.pk == commune.pk)
    assert own.received == sum(c.sent_up for c in DuesMonthClose.objects.all()) > 0
    shares = {r[0]: r[6] for r in sheet if r[0] and str(r[0]).startswith(commune.name)}
    assert shares == {
        f"{commune.name}: nhận từ cấp dưới": own.received,
        f"{commune.name}: trích giữ lại": own.kept,
        f"{commune.name}: nộp lên cấp trên": own.sent_up,
    }
    recon = [tuple(c.value for c in r) for r in wb["Đối chiếu"].iter_rows(min_row=9)]
    by_name = {r[1]: r for r in recon if r[1]}
    assert by_name[commune.name][3:6] == (own.received, own.kept, own.sent_up)
    assert by_name[tree["cell_a"].name][2] == sum(
        c.amount_paid for c in DuesMonthClose.objects.filter(organization=tree["cell_a"])
    )


def test_a_committee_has_no_cell_book_and_an_empty_year_has_only_its_frame(tree, year):
    with pytest.raises(DomainError) as caught:
        books.cell_book(tree["commune"], 2026)
    assert caught.value.code == "not_a_cell"
    rows = _rows(books.cell_book(tree["cell_a"], 2020), "Năm 2020")
    assert _row_starting(rows, "Cộng")[2:27] == (0,) * 25
    assert rows[9][0] == "Cộng"  # no member row
    empty = _rows(books.committee_book(tree["agency"], 2026), "Năm 2026")
    assert _row_starting(empty, "Tổng cộng năm 2026")[4:8] == (0, 0, 0, 0)
