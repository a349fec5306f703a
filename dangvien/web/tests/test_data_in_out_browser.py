"""Data in and out on a phone (390 x 844, Debian's chromium through playwright),
as the commune's office: the sample sheet uploaded into the commune chosen from
the list, its columns confirmed, the dry run read (dates as read, errors by
row, column and code), the failed rows downloaded; a clean list made here
imported and its members found on the member list; the list book downloaded
and read back; the data-quality console and one check. Every page fits the
phone's width; screenshots go to test-artifacts/. The job queue runs at once
in the tests (JOBS_BACKEND "immediate"). Skipped only where chromium is not
installed."""

import datetime as dt
import io
import re
from pathlib import Path

from openpyxl import Workbook, load_workbook

from dangvien.accounts.models import Role
from dangvien.imports.models import ImportJob, JobStatus
from dangvien.imports.sample import sample_rows
from dangvien.members.models import EventKind, Gender, Member, MembershipEvent
from dangvien.members.tests.factories import MemberFactory, citizen_id_for, user_with_role
from dangvien.organizations.tests.factories import build_tree
from dangvien.web.imports import chooser as chooser_module
from dangvien.web.tests.browser import ARTIFACTS, BROWSER, login, no_sideways_scroll

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "mau-nhap-dang-vien.xlsx"
# A clean list as a commune office keeps it: no citizen IDs (the office may not
# write them), the party card number as the identity, dates as date cells.
CLEAN = [
    ("Nguyễn Thị Hồng Nhung", dt.date(1985, 4, 12), "Nữ", dt.date(2010, 5, 19), "Chi bộ thôn Đông"),
    ("Lê Văn Khánh", dt.date(1979, 11, 3), "Nam", dt.date(2004, 9, 2), "Chi bộ thôn Tây"),
    ("Trần Quốc Việt", dt.date(1991, 1, 27), "Nam", dt.date(2016, 3, 3), "Chi bộ thôn Đông"),
]

pytestmark = BROWSER


def _clean_sheet(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ", "Số thẻ"])
    for i, (name, birth, gender, joining, cell) in enumerate(CLEAN):
        sheet.append([name, birth, gender, joining, cell, f"{42100000 + i:08d}"])
    book.save(path)
    return path


def _workbook(download):
    """The downloaded .xlsx, opened (playwright keeps it without its extension)."""
    return load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)


def _shot(page, name: str, *, fits: bool = True) -> None:
    page.screenshot(path=str(ARTIFACTS / f"data-{name}.png"), full_page=True)
    if fits:
        assert no_sideways_scroll(page), f"{name}: the page scrolls sideways on the phone"


def test_the_commune_office_checks_the_sample_then_imports_a_clean_list(
    live_server, phone, django_user_model, tmp_path
):
    from playwright.sync_api import expect

    assert SAMPLE.exists(), "python -m dangvien.imports.sample docs/mau-nhap-dang-vien.xlsx"
    tree = build_tree()
    commune = tree["commune"]
    office = user_with_role(django_user_model, "vanphong", Role.GRASSROOTS_OFFICE, commune)
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)

    login(page, live_server.url, "vanphong")
    page.goto(f"{live_server.url}/nhap-du-lieu/")
    chooser = page.locator("select[name=organization]")
    # The office's own committee first and chosen, its cells under it; nothing else.
    expect(chooser).to_have_value(commune.code)
    options = chooser.locator("option").all_inner_texts()
    assert options[1] == f"{commune.name} ({commune.code})"
    assert sorted(o.strip() for o in options[2:]) == sorted(
        f"↳ {c.name} ({c.code})" for c in (tree["cell_a"], tree["cell_b"])
    )
    _shot(page, "import-home")

    page.set_input_files("input[name=file]", str(SAMPLE))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xác nhận cột")
    expect(page.locator("select[name=col_2]")).to_have_value("birth_date")
    _shot(page, "import-mapping")
    page.get_by_role("button", name="Chạy thử").click()

    # The office may not write citizen IDs: every row with one is refused, and
    # the page says how to leave those columns out.
    job = ImportJob.objects.get()
    assert (job.organization, job.created_by, job.status) == (commune, office, JobStatus.REFUSED)
    expect(page.locator("#status")).to_contain_text("Có dòng lỗi")
    expect(page.locator("#unwritable")).to_contain_text("«Số CCCD», «Số CMND»")
    first = page.locator("#errors tr", has_text="field_not_writable").first
    expect(first.locator("td").first).to_have_text("4")  # the sheet's own row number
    _shot(page, "import-dry-run-unwritable")
    page.locator("#unwritable a").click()
    page.select_option("select[name=col_4]", "")
    page.select_option("select[name=col_5]", "")
    page.get_by_role("button", name="Chạy thử").click()

    expect(page.locator("#status")).to_contain_text("Có dòng lỗi")
    expect(page.locator("#unwritable")).to_have_count(0)
    # The dates as read: an Excel date cell, "d/m/yyyy" typed, a year alone.
    births = page.locator("#rows td[data-label='Ngày sinh']")
    for name, shown in (
        ("Nguyễn Văn Thước", "05/03/1975"),
        ("Trần Thị Hoa", "05/03/1980"),
        ("Hoàng Văn Nam", "05/03/1975"),  # the serial number 27458
        ("Võ Thị Mai", "1950"),
        ("Đặng Văn Quang", "03/1962"),
    ):
        row = page.locator("#rows tr", has_text=name)
        expect(row.locator("td[data-label='Ngày sinh']")).to_have_text(shown)
    expect(births).to_have_count(len(sample_rows()))  # every row, as read
    # Each error names its row, its column and its code.
    errors = page.locator("#errors")
    for row, column, code in (
        ("17", "HỌ VÀ TÊN", "name_legacy_encoding"),
        ("19", "HỌ VÀ TÊN", "name_keyboard_residue"),
        ("22", "Chi bộ", "cell_not_found"),
        ("23", "Ngay chinh thuc", "official_date_wrong"),
    ):
        line = errors.locator("tr", has_text=code)
        expect(line.locator("td").nth(0)).to_have_text(row)
        expect(line.locator("td").nth(1)).to_have_text(column)
    _shot(page, "import-dry-run")

    with page.expect_download() as download:
        page.locator("#failed-rows").click()
    assert download.value.suggested_filename == f"dong-loi-{job.pk}.xlsx"
    failed = _workbook(download.value)
    names = {v for r in failed.active.iter_rows(values_only=True) for v in r if v}
    assert {"Mai Văn Tiến", "Tô Văn Hải", "Nguyeenx Vawn Tuaans"} <= names
    assert "Nguyễn Văn Thước" not in names  # only the refused rows
    assert Member.objects.count() == 0

    # A clean list, made here, checked and imported.
    page.goto(f"{live_server.url}/nhap-du-lieu/")
    page.set_input_files("input[name=file]", str(_clean_sheet(tmp_path / "ds-sach.xlsx")))
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_role("button", name="Chạy thử").click()
    expect(page.locator("#status")).to_contain_text("Đã kiểm tra, chưa nhập")
    expect(page.locator("#counts")).to_contain_text("Sẽ thêm mới")
    assert Member.objects.count() == 0
    page.get_by_role("button", name="Nhập 3 dòng").click()
    expect(page.locator("#status")).to_contain_text("Đã nhập")
    expect(page.locator("#people")).to_contain_text("Bấm nhập: vanphong")
    _shot(page, "import-done")
    clean = ImportJob.objects.exclude(pk=job.pk).get()
    assert (clean.status, clean.rows_created, clean.imported_by) == (JobStatus.DONE, 3, office)
    members = {m.full_name: m for m in Member.objects.select_related("organization")}
    assert sorted(members) == sorted(r[0] for r in CLEAN)
    assert {members[r[0]].organization.name for r in CLEAN} == {
        "Chi bộ thôn Đông",
        "Chi bộ thôn Tây",
    }
    assert all(m.birth_date == r[1] for r in CLEAN for m in [members[r[0]]])
    assert MembershipEvent.objects.filter(kind=EventKind.ADMITTED).count() == 3

    page.locator("#members").click()
    expect(page).to_have_url(re.compile(rf"/dang-vien/\?org={commune.pk}$"))
    for name, *_ in CLEAN:
        expect(page.locator("main")).to_contain_text(name)
    # Not checked for width: the member list's filters and table (another
    # area's page) are wider than a phone as yet.
    _shot(page, "member-list", fits=False)


def test_the_list_book_the_quality_console_and_a_board_typing_a_name(
    live_server, phone, django_user_model, monkeypatch
):
    from playwright.sync_api import expect

    tree = build_tree()
    commune = tree["commune"]
    user_with_role(django_user_model, "vanphong", Role.GRASSROOTS_OFFICE, commune)
    user_with_role(django_user_model, "bantochuc", Role.ORGANISATION_BOARD, tree["province"])
    birth = dt.date(1985, 3, 15)
    member = MemberFactory(
        organization=tree["cell_a"],
        family_name="Phạm",
        middle_name="Thị",
        given_name="Thu",
        gender=Gender.FEMALE,
        birth_date=birth,
        citizen_id=citizen_id_for(birth, Gender.FEMALE, 77),
    )
    missing = MemberFactory(organization=tree["cell_b"], citizen_id="")
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)

    login(page, live_server.url, "vanphong")
    page.goto(f"{live_server.url}/xuat-du-lieu/?org={commune.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(commune.name)
    _shot(page, "export")
    with page.expect_download() as download:
        page.locator("#download-book").click()
    assert download.value.suggested_filename == f"so-danh-sach-dang-vien-{commune.code}.xlsx"
    book = _workbook(download.value)
    rows = [r for r in book.active.iter_rows(values_only=True) if any(r)]
    row = next(r for r in rows if member.full_name in r)
    # The 14 columns of 7-HSĐV: number, name, sex (then ethnicity, religion),
    # ..., the joining and official dates as dd/mm/yyyy.
    assert isinstance(row[0], int) and str(row[2]).startswith("Nữ")
    assert member.joining_date.strftime("%d/%m/%Y") in str(row[6])
    assert sum(1 for r in rows if isinstance(r[0], int)) == 2  # both members, one row each
    page.goto(f"{live_server.url}/xuat-du-lieu/?org={commune.pk}")
    expect(page.locator("#export-log")).to_contain_text("vanphong")

    page.goto(f"{live_server.url}/chat-luong-du-lieu/?org={commune.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(commune.name)
    check = page.locator("#check-citizen_id_missing")
    expect(check.locator(".count")).to_have_text("1")
    _shot(page, "quality")
    check.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chưa có số CCCD")
    expect(page.locator("#rows tbody tr")).to_have_count(1)
    expect(page.locator("#rows")).to_contain_text(missing.full_name)
    _shot(page, "quality-check")

    # A scope too large for a list (made small here): the board types a name
    # and picks a committee among the suggestions.
    monkeypatch.setattr(chooser_module, "LIST_LIMIT", 3)
    page.context.clear_cookies()
    login(page, live_server.url, "bantochuc")
    page.goto(f"{live_server.url}/nhap-du-lieu/")
    field = page.locator("input[name=organization]")
    expect(field).to_have_attribute("list", "org-suggestions")
    expect(page.locator("#org-suggestions option")).to_have_count(3)  # the committees
    field.fill(f"{commune.name} ({commune.code})")
    _shot(page, "import-home-typed")
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#error-file")).to_have_text("Chọn tệp danh sách để tải lên.")
    expect(page.locator("#error-organization")).to_have_count(0)
    expect(field).to_have_value(f"{commune.name} ({commune.code})")
    field.fill("Đảng bộ không có")
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#error-organization")).to_contain_text("Không có tổ chức đảng")
    _shot(page, "import-home-typed-error")
    assert ImportJob.objects.count() == 0
