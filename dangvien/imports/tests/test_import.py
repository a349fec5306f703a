"""The member import (issue 13, parts 1 and 2): reading what real sheets hold,
the dry run, the all-or-nothing and idempotent import, scope, the job and the CLI."""

import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.accounts.models import Role
from dangvien.core.errors import NotFound
from dangvien.imports import parsing, services
from dangvien.imports.jobs import start_job
from dangvien.imports.models import ImportJob, JobStatus
from dangvien.imports.reading import FileRefused, read_sheet
from dangvien.imports.sample import bulk_rows, sample_rows, write_sheet
from dangvien.members import services as member_services
from dangvien.members.models import DatePrecision, EventKind, Member, MembershipEvent, Status
from dangvien.members.tests.factories import MemberFactory, citizen_id_for, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db


def _sheet(tmp_path: Path, rows, name="ds.xlsx", **kwargs):
    path = write_sheet(tmp_path / name, rows, **kwargs)
    return read_sheet(path.read_bytes(), path.name)


def _check(sheet, org, **kwargs):
    return services.check_sheet(
        sheet,
        mapping=parsing.guess_mapping(sheet.headers),
        organization=org,
        keep_rows=True,
        **kwargs,
    )[0]


def _counts():
    return (
        Member.objects.count(),
        MembershipEvent.objects.count(),
        Member.history.count(),
    )


# --- reading -------------------------------------------------------------------------------


def test_headers_are_matched_without_accents_case_or_spacing():
    mapping = parsing.guess_mapping(
        [
            "STT",
            "HỌ VÀ TÊN",
            "ngay  sinh",
            "Giới tính",
            "Số  CCCD",
            "Ngay vao Dang",
            "CHI BỘ",
            "Số thẻ đảng viên",
        ]
    )
    assert mapping == {
        "1": "full_name",
        "2": "birth_date",
        "3": "gender",
        "4": "citizen_id",
        "5": "joining_date",
        "6": "cell",
        "7": "party_card_number",
    }
    assert parsing.mapping_problems(mapping) == []
    assert parsing.mapping_problems({"0": "full_name"}) == [
        "Chưa chọn cột cho: Ngày sinh, Giới tính, Ngày vào Đảng."
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5/3/1975", (dt.date(1975, 3, 5), "day")),
        ("05.03.1975", (dt.date(1975, 3, 5), "day")),
        ("05-03-1975", (dt.date(1975, 3, 5), "day")),
        (27458.0, (dt.date(1975, 3, 5), "day")),
        ("03/1975", (dt.date(1975, 3, 1), "month")),
        ("1975", (dt.date(1975, 1, 1), "year")),
        (1975.0, (dt.date(1975, 1, 1), "year")),
        (dt.datetime(1975, 3, 5), (dt.date(1975, 3, 5), "day")),
        ("", None),
    ],
)
def test_dates_in_every_form_people_type(value, expected):
    assert parsing.parse_date(value) == expected


def test_serial_dates_of_a_1904_workbook():
    assert parsing.parse_date(27458.0, date1904=True) == (dt.date(1979, 3, 6), "day")
    assert parsing.parse_date(27458.0 - 1462, date1904=True) == (dt.date(1975, 3, 5), "day")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31/02/1975", "date_not_exist"),
        ("hôm qua", "date_unreadable"),
        ("1/1/1850", "date_year_range"),
    ],
)
def test_unreadable_dates_are_coded(value, code):
    with pytest.raises(parsing.ValueIssue) as caught:
        parsing.parse_date(value)
    assert caught.value.error.code == code


def test_identity_numbers_as_spreadsheets_mangle_them():
    assert parsing.parse_identity("042 075 000 108")[:2] == ("042075000108", None)
    assert parsing.parse_identity("042.075.000.108")[:2] == ("042075000108", None)
    assert parsing.parse_identity(42075000108.0)[:2] == (
        "42075000108",
        None,
    )  # the rule names the lost zero
    citizen, old, note = parsing.parse_identity("183456789")
    assert (citizen, old, note.error.code) == (None, "183456789", "citizen_id_old_number")
    with pytest.raises(parsing.ValueIssue) as caught:
        parsing.parse_identity("4.20750E+10")
    assert caught.value.error.code == "citizen_id_scientific"
    assert "số mũ" in caught.value.message


def test_legacy_encodings_and_keyboard_residue_are_detected():
    assert parsing.legacy_encoding("NguyÔn V¨n Th\xadíc") == ("TCVN3 (ABC)", "Nguyễn Văn Thước")
    assert parsing.legacy_encoding("Nguyeãn Vaên Thöôùc") == ("VNI", "Nguyễn Văn Thước")
    assert parsing.legacy_encoding("Nguyễn Văn Thước") is None
    assert parsing.legacy_encoding("Hoàng Thị Hòa") is None
    assert parsing.keyboard_residue("Nguyeenx Vawn Thuwowcs") == ("Telex", "Nguyễn Văn Thước")
    assert parsing.keyboard_residue("Ksor H'Mon") is None
    name, issue = parsing.parse_name("Ph¹m V¨n §øc", convert_legacy=False)
    assert issue.error.code == "name_legacy_encoding" and "Phạm Văn Đức" in issue.message
    assert parsing.parse_name("Ph¹m V¨n §øc", convert_legacy=True) == ("Phạm Văn Đức", None)
    nfd = unicodedata.normalize("NFD", "Trịnh Thị Thuỷ")
    assert parsing.parse_name(nfd, convert_legacy=False) == ("Trịnh Thị Thuỷ", None)


def _xlsx_bytes(tmp_path, rows):
    return write_sheet(tmp_path / "x.xlsx", rows).read_bytes()


def test_files_that_cannot_be_read_are_refused_with_a_clear_code(tmp_path, settings):
    cases = {
        "empty": (b"", "a.xlsx"),
        "type": (b"hello", "a.pdf"),
        "macro_name": (b"PK\x03\x04", "a.xlsm"),
        "encrypted": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "a.xlsx"),
        "damaged": (b"PK\x03\x04garbage", "a.xlsx"),
    }
    codes = {}
    for key, (data, name) in cases.items():
        with pytest.raises(FileRefused) as caught:
            read_sheet(data, name)
        codes[key] = caught.value.code
    assert codes == {
        "empty": "file_empty",
        "type": "file_type",
        "macro_name": "file_macro",
        "encrypted": "file_encrypted",
        "damaged": "file_unreadable",
    }
    good = _xlsx_bytes(tmp_path, bulk_rows(2))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.namelist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(FileRefused) as caught:
        read_sheet(buffer.getvalue(), "a.xlsx")
    assert caught.value.code == "file_macro"
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(FileRefused) as caught:
        read_sheet(good, "a.xlsx")
    assert caught.value.code == "file_too_large"


def test_a_sheet_without_the_member_columns_is_the_wrong_sheet(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Mã hàng", "Số lượng"])
    book.active.append(["A", 1])
    path = tmp_path / "kho.xlsx"
    book.save(path)
    with pytest.raises(FileRefused) as caught:
        read_sheet(path.read_bytes(), path.name)
    assert caught.value.code == "no_header"


def test_csv_is_read_too():
    data = (
        "Họ và tên;Ngày sinh;Giới tính;Ngày vào Đảng;Số CCCD\n"
        "Nguyễn Văn An;05/03/1975;Nam;19/05/2000;042 075 000 001\n"
    ).encode("utf-8-sig")
    sheet = read_sheet(data, "ds.csv")
    assert sheet.headers[0] == "Họ và tên"
    assert sheet.rows == [
        (2, ["Nguyễn Văn An", "05/03/1975", "Nam", "19/05/2000", "042 075 000 001"])
    ]


# --- the dry run of the sample --------------------------------------------------------------------


def test_the_sample_sheet_dry_run_reads_each_trouble_right(tmp_path):
    tree = build_tree()
    before = _counts()
    sheet = _sheet(tmp_path, sample_rows())
    check = _check(sheet, tree["commune"])
    by_name = {r.number: r for r in check.rows}
    first = sheet.header_row + 1
    shown = [by_name[first + i].shown for i in range(len(sample_rows()))]
    codes = {
        first + i: sorted({e.code for e in by_name[first + i].errors})
        for i in range(len(sample_rows()))
    }
    assert [s["birth_date"] for s in shown[:7]] == [
        "05/03/1975",
        "05/03/1980",
        "07/11/1968",
        "21/01/1972",
        "05/03/1975",
        "1950",
        "03/1962",
    ]
    assert by_name[first + 5].data["birth_date_precision"] == DatePrecision.YEAR
    assert by_name[first + 6].data["birth_date_precision"] == DatePrecision.MONTH
    assert shown[7]["citizen_id"] == "042075000108"
    assert shown[8]["citizen_id"] == "042075000109"
    assert codes[first + 9] == ["citizen_id_leading_zeros"]
    assert codes[first + 10] == ["citizen_id_scientific"]
    assert shown[11]["old_identity_number"] == "183456789" and codes[first + 11] == []
    assert shown[12]["old_identity_number"] == "183456790"
    assert codes[first + 13] == ["name_legacy_encoding"]
    assert codes[first + 14] == ["name_legacy_encoding"]
    assert codes[first + 15] == ["name_keyboard_residue"]
    assert shown[16]["full_name"] == "Trịnh Thị Thuỷ" and codes[first + 16] == []
    assert shown[17]["hometown"] == "Xã Sơn Đông, Huyện Sơn Tây, Tỉnh Hà Tây"
    # Hà Tây (merged into Hà Nội in 2008): kept as written, today's Hà Nội, a note.
    assert by_name[first + 17].data["hometown_province"].name == "Thành phố Hà Nội"
    assert [n.code for n in by_name[first + 17].notes] == ["place_old_name"]
    assert by_name[first].data["hometown_province"].name.endswith("Hà Tĩnh")
    assert codes[first + 18] == ["cell_not_found"]
    assert codes[first + 19] == ["official_date_wrong"]
    assert all(not codes[first + i] for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 16, 17))
    error = next(e for e in check.errors if e.code == "cell_not_found")
    assert (error.row, error.column) == (first + 18, "Chi bộ")
    assert codes[first + 20] == []
    old_place = by_name[first + 20]
    assert shown[20]["hometown"] == "Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định"  # as written
    assert (
        old_place.data["hometown_province"].name,
        old_place.data["hometown_commune"].name,
    ) == ("Ninh Bình", "Xã Ý Yên")
    assert [(n.code, n.column) for n in old_place.notes] == [("place_old_name", "Quê quán")]
    assert "nay thuộc xã Ý Yên, tỉnh Ninh Bình" in old_place.notes[0].message
    assert (check.rows_read, check.refused, check.created) == (21, 7, 14)
    assert _counts() == before  # a dry run writes nothing


def test_legacy_names_are_imported_only_when_the_conversion_is_confirmed(tmp_path):
    tree = build_tree()
    rows = [r for r in sample_rows() if r["note"].startswith("Họ tên gõ bằng bảng mã")]
    sheet = _sheet(tmp_path, rows)
    assert _check(sheet, tree["commune"]).refused == 2
    check = services.import_sheet(
        sheet,
        mapping=parsing.guess_mapping(sheet.headers),
        organization=tree["commune"],
        convert_legacy=True,
    )
    assert check.written
    assert sorted(m.full_name for m in Member.objects.all()) == [
        "Nguyễn Thị Thu Hà",
        "Phạm Văn Đức",
    ]


# --- import: all or nothing, idempotent, history and events ----------------------------------------------


def test_import_writes_records_events_and_history_and_a_second_run_changes_nothing(
    tmp_path, django_user_model
):
    tree = build_tree()
    board = user_with_role(
        django_user_model, "ban-to-chuc", Role.ORGANISATION_BOARD, tree["province"]
    )
    rows = bulk_rows(4)
    rows[0]["birth"] = "1950"  # partial
    rows[0]["joining"] = dt.date(1975, 1, 1)
    rows[0]["official"] = dt.date(1976, 1, 1)
    rows[1]["official"] = ""
    sheet = _sheet(tmp_path, rows, notes=False)
    mapping = parsing.guess_mapping(sheet.headers)
    check = services.import_sheet(
        sheet, mapping=mapping, organization=tree["commune"], actor=board, source="ds.xlsx"
    )
    assert (check.written, check.created, check.refused) == (True, 4, 0)
    partial = Member.objects.get(citizen_id=rows[0]["cccd"])
    assert (partial.birth_date, partial.birth_date_precision) == (
        dt.date(1950, 1, 1),
        DatePrecision.YEAR,
    )
    assert (
        partial.status == Status.OFFICIAL
        and partial.organization == tree["cell_b"]
        or partial.organization == tree["cell_a"]
    )
    # The stored start of party age (the badge lists read it) is kept as the
    # forms keep it: the first decision for an official member, none in probation.
    assert partial.party_age_start == (partial.admission_decision_date or partial.joining_date)
    probationary = Member.objects.get(citizen_id=rows[1]["cccd"])
    assert probationary.status == Status.PROBATIONARY and probationary.party_age_start is None
    assert list(probationary.events.values_list("kind", flat=True)) == [EventKind.ADMITTED]
    assert list(partial.events.values_list("kind", "created_by")) == [
        (EventKind.ADMITTED, board.pk),
        (EventKind.RECOGNISED, board.pk),
    ]
    baseline = partial.history.get()
    assert (baseline.history_type, baseline.history_user_id, baseline.history_change_reason) == (
        "+",
        board.pk,
        "Nhập từ tệp «ds.xlsx»",
    )
    before = _counts()
    again = services.import_sheet(sheet, mapping=mapping, organization=tree["commune"], actor=board)
    assert (again.created, again.updated, again.unchanged, again.refused) == (0, 0, 4, 0)
    assert _counts() == before

    rows[2]["hometown"] = "Xã Cẩm Thăng, Tỉnh Hà Tĩnh"
    changed = _sheet(tmp_path, rows, name="ds2.xlsx", notes=False)
    third = services.import_sheet(
        changed, mapping=mapping, organization=tree["commune"], actor=board
    )
    assert (third.updated, third.unchanged) == (1, 3)
    member = Member.objects.get(citizen_id=rows[2]["cccd"])
    assert member.hometown == "Xã Cẩm Thăng, Tỉnh Hà Tĩnh" and member.version == 2
    assert member.history.first().history_type == "~"
    assert _counts()[:2] == before[:2]


def test_one_bad_row_writes_nothing_and_names_the_row(tmp_path):
    tree = build_tree()
    rows = bulk_rows(50)
    rows[37]["birth"] = "31/02/1980"
    sheet = _sheet(tmp_path, rows, notes=False)
    before = _counts()
    check = services.import_sheet(
        sheet, mapping=parsing.guess_mapping(sheet.headers), organization=tree["commune"]
    )
    assert not check.written and check.refused == 1
    assert [(e.row, e.column, e.code) for e in check.errors] == [
        (sheet.header_row + 38, "Ngày  sinh", "date_not_exist")
    ]
    assert _counts() == before


def test_duplicates_inside_the_file_and_taken_numbers_are_refused(tmp_path):
    tree = build_tree()
    existing = MemberFactory(
        organization=tree["cell_c"], citizen_id=citizen_id_for(dt.date(1985, 3, 15), "M", 9)
    )
    rows = bulk_rows(3)
    rows[2]["cccd"] = rows[0]["cccd"]
    rows[1]["cccd"] = existing.citizen_id
    rows[1]["birth"] = dt.date(1985, 3, 15)
    rows[1]["gender"] = "Nam"
    rows[1]["joining"], rows[1]["official"] = existing.joining_date, existing.official_date
    sheet = _sheet(tmp_path, rows, notes=False)
    check = _check(sheet, tree["commune"])
    assert sorted((e.row - sheet.header_row, e.code) for e in check.errors) == [
        (2, "cell_differs"),
        (3, "duplicate_in_file"),
    ]


# --- scope ----------------------------------------------------------------------------------------------


def test_an_importer_reaches_only_their_subtree(tmp_path, django_user_model):
    tree = build_tree()
    secretary = user_with_role(django_user_model, "bt", Role.CELL_SECRETARY, tree["commune"])
    sheet = _sheet(tmp_path, bulk_rows(2), notes=False)
    mapping = parsing.guess_mapping(sheet.headers)
    with pytest.raises(NotFound):
        services.check_sheet(sheet, mapping=mapping, organization=tree["agency"], actor=secretary)
    rows = bulk_rows(2)
    rows[0]["cell"] = "Chi bộ Văn phòng"  # a cell of the agency: outside the chosen subtree
    sheet = _sheet(tmp_path, rows, name="b.xlsx", notes=False)
    check, _ = services.check_sheet(
        sheet, mapping=mapping, organization=tree["commune"], actor=secretary
    )
    codes = sorted({e.code for e in check.errors})
    # The secretary does not see citizen IDs: they may not write them either.
    assert codes == ["cell_not_found", "field_not_writable"]


# --- the job and the CLI ----------------------------------------------------------------------------------


def test_the_job_runs_the_dry_run_then_the_import_and_keeps_the_failed_rows(
    tmp_path, django_user_model
):
    from django.core.files.base import ContentFile

    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    rows = bulk_rows(5)
    rows[3]["gender"] = "?"
    path = write_sheet(tmp_path / "ds.xlsx", rows, notes=False)
    sheet = read_sheet(path.read_bytes(), path.name)
    job = ImportJob(
        created_by=board,
        organization=tree["commune"],
        original_name="ds.xlsx",
        headers=sheet.headers,
        mapping=parsing.guess_mapping(sheet.headers),
    )
    job.file.save("ds.xlsx", ContentFile(path.read_bytes()), save=True)
    start_job(job, dry_run=True)
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_refused, job.rows_created) == (
        JobStatus.REFUSED,
        5,
        1,
        4,
    )
    assert job.result["errors"][0]["code"] == "gender_unreadable"
    failed = read_sheet(job.failed_file.read(), "loi.xlsx")
    # The error, then the row's number in the uploaded file.
    assert [r[-2:] for _n, r in failed.rows] == [
        [
            "Giới tính: Không đọc được giới tính «?»: ghi «Nam» hoặc «Nữ». (gender_unreadable)",
            float(sheet.header_row + 4),
        ]
    ]
    assert failed.rows[0][1][4] == rows[3]["cccd"]  # the citizen ID stays text
    start_job(job, dry_run=False)
    job.refresh_from_db()
    assert job.status == JobStatus.REFUSED and Member.objects.count() == 0


def test_cli_prints_counts_writes_errors_and_exits_non_zero(tmp_path, capsys):
    tree = build_tree()
    rows = bulk_rows(3)
    rows[1]["joining"] = "sometime"
    path = write_sheet(tmp_path / "ds.xlsx", rows, notes=False)
    errors = tmp_path / "loi.csv"
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_members", str(path), organization=tree["commune"].code, errors=str(errors)
        )
    assert caught.value.returncode == 1
    out = capsys.readouterr().out
    assert "Đọc: 3 dòng" in out and "Bị từ chối: 1 dòng" in out
    assert "date_unreadable" in errors.read_text(encoding="utf-8-sig")
    assert Member.objects.count() == 0
    rows[1]["joining"] = dt.date(2000, 1, 1)
    rows[1]["official"] = dt.date(2001, 1, 1)
    write_sheet(path, rows, notes=False)
    call_command("import_members", str(path), organization=tree["commune"].code, dry_run=True)
    assert Member.objects.count() == 0
    call_command("import_members", str(path), organization=tree["commune"].code)
    assert "Đã nhập: 3" in capsys.readouterr().out
    assert Member.objects.count() == 3


def test_a_1904_workbook_is_recognised_and_its_serial_numbers_read_by_it(tmp_path):
    rows = bulk_rows(1)
    rows[0]["birth"] = 27458.0 - 1462  # 05/03/1975 counted from 1904
    sheet = _sheet(tmp_path, rows, date1904=True, notes=False)
    assert sheet.date1904 is True
    tree = build_tree()
    check = _check(sheet, tree["commune"])
    assert check.rows[0].shown["birth_date"] == "05/03/1975"
    assert _sheet(tmp_path, rows, name="b.xlsx", notes=False).date1904 is False


def test_an_empty_date_cell_keeps_how_precisely_the_date_is_known(tmp_path, django_user_model):
    tree = build_tree()
    board = user_with_role(
        django_user_model, "ban-to-chuc", Role.ORGANISATION_BOARD, tree["province"]
    )
    rows = bulk_rows(1)
    rows[0]["birth"] = "1950"
    sheet = _sheet(tmp_path, rows, notes=False)
    mapping = parsing.guess_mapping(sheet.headers)
    services.import_sheet(sheet, mapping=mapping, organization=tree["commune"], actor=board)
    rows[0]["birth"] = ""
    again = _sheet(tmp_path, rows, name="ds2.xlsx", notes=False)
    before = _counts()
    check = services.import_sheet(again, mapping=mapping, organization=tree["commune"], actor=board)
    assert (check.updated, check.unchanged, check.refused) == (0, 1, 0)
    member = Member.objects.get(citizen_id=rows[0]["cccd"])
    assert (member.birth_date, member.birth_date_precision) == (
        dt.date(1950, 1, 1),
        DatePrecision.YEAR,
    )
    assert _counts() == before


def test_a_csv_the_csv_reader_cannot_read_is_refused_with_a_code():
    content = ("Họ và tên;Ngày sinh\n" + '"' + "a" * 200_000 + '";01/01/1960\n').encode()
    with pytest.raises(FileRefused) as refused:
        read_sheet(content, "ds.csv")
    assert refused.value.code == "file_unreadable"


def test_a_record_edited_after_the_check_refuses_its_row_and_nothing_is_written(
    tmp_path, django_user_model
):
    tree = build_tree()
    board = user_with_role(
        django_user_model, "ban-to-chuc", Role.ORGANISATION_BOARD, tree["province"]
    )
    rows = bulk_rows(3)
    sheet = _sheet(tmp_path, rows, notes=False)
    mapping = parsing.guess_mapping(sheet.headers)
    services.import_sheet(sheet, mapping=mapping, organization=tree["commune"], actor=board)
    rows[1]["hometown"] = "Xã Cẩm Thăng, Tỉnh Hà Tĩnh"
    rows.extend(bulk_rows(1, start=3))  # and one new record
    changed = _sheet(tmp_path, rows, name="ds2.xlsx", notes=False)
    check, parsed = services.check_sheet(
        changed, mapping=mapping, organization=tree["commune"], actor=board
    )
    assert (check.created, check.updated, check.unchanged) == (1, 1, 2)
    # A form edit lands between the check and the write.
    edited = Member.objects.get(citizen_id=rows[1]["cccd"])
    member_services.member_update(
        actor=board,
        member_id=edited.pk,
        expected_version=edited.version,
        data={"phone": "0912345678"},
    )
    before = _counts()
    done = services.write_checked(
        check, parsed, headers=services._headers(changed, mapping), actor=board
    )
    assert not done.written and done.refused == 1
    assert [(e.row, e.code) for e in done.errors] == [(changed.header_row + 2, "record_changed")]
    assert _counts() == before
    edited.refresh_from_db()
    assert (edited.hometown, edited.phone) == (
        "Tỉnh Hà Tĩnh",
        "0912345678",
    )  # the sheet's change not written
    assert not Member.objects.filter(citizen_id=rows[3]["cccd"]).exists()


def test_catalogue_columns_are_read_against_the_catalogues(tmp_path):
    """Dân tộc, tôn giáo, trình độ, nghề nghiệp as sheets write them (name, code,
    the part in brackets, «Không tôn giáo»); an entry not in the catalogue is
    refused at its cell, naming the entries; a second run changes nothing."""
    from openpyxl import Workbook

    from dangvien.members.models import CatalogItem

    tree = build_tree()
    clean = bulk_rows(3)
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ", "Số CCCD"]
        + ["Dân tộc", "Tôn giáo", "Trình độ văn hóa", "LLCT", "Nghề nghiệp"]
    )
    typed = [
        ("kinh", "Không tôn giáo", "12/12", "Trung cấp", "Nông dân"),
        ("Tày", "03", "Trung học cơ sở (9/12)", "", "04"),
        ("Kinh", "Phật giáo", "12/12", "Cao cấp", "Thợ săn rồng"),
    ]
    for row, extra in zip(clean, typed, strict=True):
        sheet.append(
            [row["name"], row["birth"], row["gender"], row["joining"], row["cell"], row["cccd"]]
            + list(extra)
        )
    path = tmp_path / "danh-muc.xlsx"
    book.save(path)
    read = read_sheet(path.read_bytes(), path.name)
    mapping = parsing.guess_mapping(read.headers)
    assert set(mapping.values()) >= set(parsing.CATALOG_KINDS) - {"professional_qualification"}
    before = _counts()
    check = services.import_sheet(read, mapping=mapping, organization=tree["commune"])
    assert not check.written and _counts() == before
    assert [(e.row, e.column, e.code) for e in check.errors] == [
        (4, "Nghề nghiệp", "catalog_unknown")
    ]
    assert "Nông dân" in check.errors[0].message

    sheet.cell(row=4, column=11, value="Công nhân")
    book.save(path)
    read = read_sheet(path.read_bytes(), path.name)
    done = services.import_sheet(read, mapping=mapping, organization=tree["commune"])
    assert done.written and done.created == 3
    first = Member.objects.get(citizen_id=clean[0]["cccd"])
    item = {(i.kind, i.code): i for i in CatalogItem.objects.all()}
    assert (
        first.ethnicity.name,
        first.religion.name,
        first.general_education.name,
        first.political_theory.name,
        first.occupation.name,
    ) == ("Kinh", "Không", "Trung học phổ thông (12/12)", "Trung cấp", "Nông dân")
    second = Member.objects.get(citizen_id=clean[1]["cccd"])
    assert (second.religion, second.political_theory) == (item[("religion", "03")], None)
    again = services.import_sheet(read, mapping=mapping, organization=tree["commune"])
    assert (again.unchanged, again.updated) == (3, 0)


def test_a_number_taken_by_another_writer_during_the_import_writes_nothing(tmp_path):
    tree = build_tree()
    rows = bulk_rows(3)
    sheet = _sheet(tmp_path, rows, notes=False)
    mapping = parsing.guess_mapping(sheet.headers)
    check, parsed = services.check_sheet(sheet, mapping=mapping, organization=tree["commune"])
    assert check.created == 3
    # Another writer records the second row's citizen ID between check and write.
    MemberFactory(organization=tree["cell_a"], citizen_id=rows[1]["cccd"])
    before = _counts()
    done = services.write_checked(check, parsed, headers=services._headers(sheet, mapping))
    assert not done.written and done.created == 0
    assert [(e.row, e.code) for e in done.errors] == [(0, "number_taken_meanwhile")]
    assert _counts() == before


def test_a_place_typed_again_replaces_its_province_and_commune_together(tmp_path):
    tree = build_tree()
    rows = bulk_rows(1)
    rows[0]["hometown"] = "Xã Cẩm Xuyên, Tỉnh Hà Tĩnh"
    sheet = _sheet(tmp_path, rows, notes=False)
    mapping = parsing.guess_mapping(sheet.headers)
    services.import_sheet(sheet, mapping=mapping, organization=tree["commune"])
    member = Member.objects.get(citizen_id=rows[0]["cccd"])
    assert (member.hometown_province.name, member.hometown_commune.name) == (
        "Hà Tĩnh",
        "Xã Cẩm Xuyên",
    )
    rows[0]["hometown"] = "Tỉnh Nghệ An"  # known only to the province
    again = services.import_sheet(
        _sheet(tmp_path, rows, name="b.xlsx", notes=False),
        mapping=mapping,
        organization=tree["commune"],
    )
    assert again.updated == 1
    member.refresh_from_db()
    assert (member.hometown, member.hometown_province.name, member.hometown_commune) == (
        "Tỉnh Nghệ An",
        "Nghệ An",
        None,
    )


def test_a_record_transferred_after_the_check_refuses_its_row(tmp_path):
    tree = build_tree()
    rows = bulk_rows(2)
    sheet = _sheet(tmp_path, rows, notes=False)
    mapping = parsing.guess_mapping(sheet.headers)
    services.import_sheet(sheet, mapping=mapping, organization=tree["commune"])
    rows[0]["hometown"] = "Tỉnh Nghệ An"
    changed = _sheet(tmp_path, rows, name="b.xlsx", notes=False)
    check, parsed = services.check_sheet(changed, mapping=mapping, organization=tree["commune"])
    assert check.updated == 1
    # Moved (as a transfer does: organisation and path, the version unchanged).
    Member.objects.filter(citizen_id=rows[0]["cccd"]).update(
        organization=tree["cell_c"], org_path=tree["cell_c"].path
    )
    before = _counts()
    done = services.write_checked(check, parsed, headers=services._headers(changed, mapping))
    assert not done.written and [e.code for e in done.errors] == ["record_changed"]
    assert _counts() == before
