"""`dangvien dues_month` and `dangvien dues_region`."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangvien.dues.models import CommuneWageRegion, DuesLedger, DuesMonthClose
from dangvien.places.models import Commune

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dues_month_computes_and_closes_a_past_month(tree, cell_members):
    out = _run("dues_month", "--org", tree["commune"].code, "--month", "10/2026")
    month = dt.date(2026, 10, 1)
    assert DuesLedger.objects.filter(month=month).count() == len(cell_members)
    assert "Đã lập sổ đảng phí tháng 10/2026" in out
    assert "Đã khóa sổ đảng phí tháng 10/2026" in out
    assert DuesMonthClose.objects.filter(organization=tree["cell_a"], month=month).exists()
    assert not DuesLedger.objects.filter(month=month, closed=False).exists()


def test_dues_month_compute_only_and_refusals(tree, cell_members, people):
    out = _run("dues_month", "--org", tree["cell_a"].code, "--month", "09/2026", "--compute")
    assert "4 dòng mới" in out and "khóa sổ" not in out.split("(")[0]
    assert not DuesMonthClose.objects.exists()
    with pytest.raises(CommandError, match="mm/yyyy"):
        _run("dues_month", "--org", tree["cell_a"].code, "--month", "2026-09")
    with pytest.raises(CommandError, match="Không có tổ chức"):
        _run("dues_month", "--org", "khong-co", "--month", "09/2026")
    # A secretary of another cell may not close this one: nothing written.
    with pytest.raises(CommandError):
        _run(
            "dues_month",
            "--org",
            tree["cell_a"].code,
            "--month",
            "09/2026",
            "--close",
            "--user",
            "bt_b",
        )
    assert not DuesMonthClose.objects.exists()
    # As the cell's own secretary it closes.
    out = _run(
        "dues_month",
        "--org",
        tree["cell_a"].code,
        "--month",
        "09/2026",
        "--close",
        "--user",
        "bt_a",
    )
    assert "1 chi bộ" in out


def test_dues_month_refuses_a_month_not_over(tree, cell_members):
    this_month = dt.date.today().strftime("%m/%Y")
    with pytest.raises(CommandError):
        _run("dues_month", "--org", tree["cell_a"].code, "--month", this_month, "--close")


def test_dues_region_corrects_the_default_then_keeps_the_confirmed_value(db):
    commune = Commune.objects.order_by("code").first()
    day = dt.date(2026, 1, 1)
    default = CommuneWageRegion.objects.get(commune=commune, effective_from=day)
    assert not default.confirmed
    new_region = 1 if default.region != 1 else 2
    out = _run(
        "dues_region",
        "--commune",
        str(commune.code),
        "--region",
        str(new_region),
        "--from",
        "01/01/2026",
        "--source",
        "Phụ lục NĐ 293/2025/NĐ-CP",
    )
    assert "Đã sửa" in out
    row = CommuneWageRegion.objects.get(commune=commune, effective_from=day)
    assert (row.region, row.confirmed) == (new_region, True)
    assert row.history.count() >= 2  # the old value stays in the history
    with pytest.raises(CommandError, match="đã đối chiếu"):
        _run(
            "dues_region",
            "--commune",
            str(commune.code),
            "--region",
            "3",
            "--from",
            "01/01/2026",
            "--source",
            "x",
        )
    out = _run(
        "dues_region",
        "--commune",
        str(commune.code),
        "--region",
        "3",
        "--from",
        "01/01/2028",
        "--source",
        "Nghị định mới",
    )
    assert "Đã ghi" in out
    assert CommuneWageRegion.objects.filter(commune=commune).count() == 2
    with pytest.raises(CommandError, match="Vùng"):
        _run(
            "dues_region",
            "--commune",
            str(commune.code),
            "--region",
            "5",
            "--from",
            "01/01/2029",
            "--source",
            "x",
        )
