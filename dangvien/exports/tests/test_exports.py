"""Exports (issue 13, part 3): the list book and chosen-column lists as .xlsx,
the record card and CV summary as .docx/.pdf; scope (404), sensitive
sections, the export log, dates dd/mm/yyyy and identifiers as text."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from dangvien.accounts.models import AccessKind, AccessLog
from dangvien.exports import papers
from dangvien.exports.columns import BOOK_COLUMNS
from dangvien.exports.models import ExportJob, ExportKind, ExportLog
from dangvien.members.models import FamilyRelation, Member
from dangvien.members.tests.factories import MemberFactory, Role, citizen_id_for, user_with_role
from dangvien.organizations.tests.factories import build_tree

JSON = "application/json"
CITIZEN_ID = citizen_id_for(dt.date(1985, 3, 15), "M", 12345, province="001")  # leading zeros


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def members(tree):
    """Two members in cell A (one with a citizen ID, card number and family),
    one in cell B, one in the agency's cell (outside the commune)."""
    first = MemberFactory(
        organization=tree["cell_a"],
        family_name="Trần",
        given_name="An",
        citizen_id=CITIZEN_ID,
        party_card_number="00123456",
        cv_number="0042",
    )
    FamilyRelation.objects.create(member=first, relation="Vợ", full_name="Lê Thị Hoa")
    return {
        "first": first,
        "second": MemberFactory(organization=tree["cell_a"], family_name="Đỗ", given_name="Bình"),
        "cell_b": MemberFactory(organization=tree["cell_b"], family_name="Vũ", given_name="Cúc"),
        "agency": MemberFactory(organization=tree["cell_c"], family_name="Hồ", given_name="Dung"),
    }


@pytest.fixture
def people(tree, django_user_model):
    return {
        "office": user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"]),
        "board": user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["commune"]),
        "outsider": user_with_role(
            django_user_model, "vp_so", Role.GRASSROOTS_OFFICE, tree["agency"]
        ),
    }


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def _data_rows(sheet, first_row: int) -> list[list]:
    return [list(r) for r in sheet.iter_rows(min_row=first_row, values_only=True)]


def _download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_list_book_has_the_14_columns_of_7_hsdv_and_only_the_subtree(
    client, tree, members, people
):
    client.force_login(people["office"])
    url = reverse("exports_list_xlsx") + f"?org={tree['commune'].pk}&loai=so"
    response = client.get(url)
    assert response.status_code == 200
    sheet = _sheet(_download(response))
    assert [c.value for c in sheet[5]] == [c.label for c in BOOK_COLUMNS]
    assert [c.value for c in sheet[6]] == [f"({i})" for i in range(1, 15)]
    rows = _data_rows(sheet, 7)
    names = [r[1].split("\n")[0] for r in rows]
    # Vietnamese name order (given name first): An, Bình, Cúc; the agency's member is out.
    assert names == ["Trần Văn An", "Đỗ Văn Bình", "Vũ Văn Cúc"]
    assert [r[0] for r in rows] == [1, 2, 3]
    # Joining and official dates dd/mm/yyyy; card and CV numbers as written.
    assert rows[0][6] == "19/05/2010\n19/05/2011"
    assert rows[0][7] == "00123456\n0042"
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.rows, log.organization) == (
        people["office"],
        ExportKind.LIST_BOOK,
        3,
        tree["commune"],
    )


def test_a_list_writes_identifiers_as_text_and_dates_as_dates(client, tree, members, people):
    client.force_login(people["board"])
    query = "&".join(f"cot={c}" for c in ("ho_ten", "cccd", "so_the", "ngay_sinh"))
    response = client.get(
        reverse("exports_list_xlsx") + f"?org={tree['cell_a'].pk}&loai=danh-sach&{query}"
    )
    assert response.status_code == 200
    sheet = _sheet(_download(response))
    assert [c.value for c in sheet[5]] == ["Họ và tên", "Ngày sinh", "Số CCCD", "Số thẻ đảng viên"]
    first = sheet[6]
    assert first[0].value == "Trần Văn An"
    assert first[1].value == dt.datetime(1985, 3, 15)
    assert first[1].number_format == "dd/mm/yyyy"
    assert first[2].value == CITIZEN_ID and first[2].value.startswith("001")
    assert first[2].data_type == "s" and first[2].number_format == "@"
    assert first[3].value == "00123456"
    log = ExportLog.objects.get()
    assert (log.kind, log.rows, log.sensitive) == (ExportKind.MEMBER_LIST, 2, True)
    assert log.columns == ["ho_ten", "ngay_sinh", "cccd", "so_the"]


def test_a_date_known_only_by_year_prints_the_year(client, tree, members, people):
    Member.objects.filter(pk=members["first"].pk).update(
        birth_date=dt.date(1985, 1, 1), birth_date_precision="year"
    )
    client.force_login(people["office"])
    response = client.get(
        reverse("exports_list_xlsx")
        + f"?org={tree['cell_a'].pk}&loai=danh-sach&cot=ho_ten&cot=ngay_sinh"
    )
    row = _sheet(_download(response))[6]
    assert (row[0].value, row[1].value) == ("Trần Văn An", "1985")


def test_a_sensitive_column_is_refused_to_a_role_that_may_not_see_it(client, tree, members, people):
    client.force_login(people["office"])
    response = client.get(
        reverse("exports_list_xlsx") + f"?org={tree['cell_a'].pk}&loai=danh-sach&cot=cccd"
    )
    assert response.status_code == 400
    assert "Số CCCD" in response.content.decode()
    assert "thuộc phần nhạy cảm" in response.content.decode()
    assert not ExportLog.objects.exists()
    page = client.get(reverse("exports") + f"?org={tree['cell_a'].pk}")
    assert 'value="cccd"' not in page.content.decode()
    assert 'value="ho_ten"' in page.content.decode()


def test_outside_the_scope_every_export_is_not_found(
    client, tree, members, people, django_user_model
):
    client.force_login(people["outsider"])
    urls = [
        reverse("exports") + f"?org={tree['commune'].pk}",
        reverse("exports_list_xlsx") + f"?org={tree['commune'].pk}&loai=so",
        reverse("exports_member_paper", args=[members["first"].pk, "phieu", "docx"]),
        reverse("exports_member_paper", args=[members["first"].pk, "so-yeu-ly-lich", "pdf"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # A member with only their own record has no list.
    own = user_with_role(django_user_model, "dv", Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=members["second"].pk).update(user=own)
    client.force_login(own)
    assert client.get(reverse("exports")).status_code == 404
    assert client.get(reverse("exports_list_xlsx") + f"?org={tree['cell_a'].pk}").status_code == 404
    assert not ExportLog.objects.exists()
    assert not AccessLog.objects.exists()


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def test_the_record_card_shows_the_sensitive_sections_only_to_those_who_see_them(
    client, tree, members, people
):
    member = members["first"]
    url = reverse("exports_member_paper", args=[member.pk, "phieu", "docx"])
    client.force_login(people["board"])
    text = _docx_text(client.get(url).content)
    assert "PHIẾU ĐẢNG VIÊN" in text and "Trần Văn An" in text
    assert CITIZEN_ID in text and "Lê Thị Hoa" in text
    assert "15/03/1985" in text and "{{" not in text
    client.force_login(people["office"])
    response = client.get(url)
    assert response.status_code == 200
    text = _docx_text(response.content)
    assert "Trần Văn An" in text
    assert CITIZEN_ID not in text and "Lê Thị Hoa" not in text and "Kỷ luật" not in text
    logs = list(ExportLog.objects.order_by("id").values_list("user__username", "sensitive"))
    assert logs == [("btc", True), ("vp", False)]
    kinds = sorted(AccessLog.objects.values_list("user__username", "kind"))
    assert kinds == [("btc", AccessKind.RECORD), ("btc", AccessKind.SENSITIVE), ("vp", "record")]


def test_the_cv_summary_prints_as_pdf(client, tree, members, people):
    if not papers.pdf_available():
        pytest.skip("WeasyPrint or Pango is not installed")
    client.force_login(people["office"])
    url = reverse("exports_member_paper", args=[members["first"].pk, "so-yeu-ly-lich", "pdf"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    log = ExportLog.objects.get()
    assert (log.kind, log.file_format, log.member) == (
        ExportKind.CV_SUMMARY,
        "pdf",
        members["first"],
    )


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": user.username, "password": "pw-Test-1234"}),
        content_type=JSON,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_the_api_exports_the_same_with_the_same_rules(client, tree, members, people):
    auth = _bearer(client, people["office"])
    columns = client.get(f"/api/v1/exports/columns?org={tree['cell_a'].pk}", **auth).json()
    allowed = {c["key"]: c["allowed"] for c in columns}
    assert allowed["ho_ten"] and not allowed["cccd"]
    response = client.get(
        f"/api/v1/exports/members.xlsx?org={tree['commune'].pk}&kind=list&columns=ho_ten", **auth
    )
    assert response.status_code == 200
    rows = _data_rows(_sheet(_download(response)), 6)
    assert [r[0] for r in rows] == ["Trần Văn An", "Đỗ Văn Bình", "Vũ Văn Cúc"]
    refused = client.get(
        f"/api/v1/exports/members.xlsx?org={tree['commune'].pk}&kind=list&columns=cccd", **auth
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "sensitive_column"
    outside = client.get(f"/api/v1/exports/members.xlsx?org={tree['agency'].pk}", **auth)
    assert outside.status_code == 404
    card = client.get(f"/api/v1/exports/members/{members['first'].pk}/card", **auth)
    assert card.status_code == 200 and "Trần Văn An" in _docx_text(card.content)
    other = client.get(f"/api/v1/exports/members/{members['agency'].pk}/cv", **auth)
    assert other.status_code == 404
    assert list(ExportLog.objects.order_by("id").values_list("kind", "rows")) == [
        (ExportKind.MEMBER_LIST, 3),
        (ExportKind.RECORD_CARD, 1),
    ]


def test_the_command_exports_a_subtree_and_logs_it(tree, members, tmp_path, capsys):
    out = tmp_path / "so.xlsx"
    call_command("export_members", organization=tree["commune"].code, output=str(out))
    assert "3 đảng viên" in capsys.readouterr().out
    sheet = load_workbook(out).active
    assert len(_data_rows(sheet, 7)) == 3
    listed = tmp_path / "ds.xlsx"
    call_command(
        "export_members",
        organization=tree["province"].code,
        output=str(listed),
        columns="ho_ten,cccd",
    )
    rows = _data_rows(load_workbook(listed).active, 6)
    assert ["Trần Văn An", CITIZEN_ID] in rows and len(rows) == 4
    log = ExportLog.objects.order_by("id").last()
    assert (log.user, log.rows, log.sensitive) == (None, 4, True)
    with pytest.raises(CommandError, match="Không có tổ chức đảng mã"):
        call_command("export_members", organization="KHONG-CO", output=str(out))
    assert ExportLog.objects.count() == 2


def test_a_list_larger_than_the_inline_limit_is_made_by_the_job_queue(
    client, tree, members, people, settings, django_capture_on_commit_callbacks
):
    """Over EXPORT_INLINE_MAX members the page queues the file (the queue runs
    at once in tests), lists it under «Tệp đang tạo», and serves it to the one
    who asked only; the export is logged once, when made."""
    settings.EXPORT_INLINE_MAX = 2
    client.force_login(people["office"])
    url = reverse("exports_list_xlsx") + f"?org={tree['commune'].pk}&loai=so"
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.get(url)
    assert response.status_code == 302 and len(queued) == 1
    job = ExportJob.objects.get()
    assert (job.status, job.rows, job.created_by) == ("done", 3, people["office"])
    page = client.get(response["Location"]).content.decode()
    assert "Tệp đang tạo" in page and reverse("exports_job_file", args=[job.pk]) in page
    download = client.get(reverse("exports_job_file", args=[job.pk]))
    names = [r[1].split("\n")[0] for r in _data_rows(_sheet(_download(download)), 7)]
    assert names == ["Trần Văn An", "Đỗ Văn Bình", "Vũ Văn Cúc"]
    assert list(ExportLog.objects.values_list("user", "rows")) == [(people["office"].pk, 3)]
    # Another user of the same subtree does not get someone else's file.
    client.force_login(people["board"])
    assert client.get(reverse("exports_job_file", args=[job.pk])).status_code == 404
    # Under the limit the file comes at once, with no job.
    settings.EXPORT_INLINE_MAX = 3
    assert client.get(url).status_code == 200 and ExportJob.objects.count() == 1


def test_a_file_made_in_the_background_follows_the_rights_of_the_day_it_is_fetched(
    client, tree, members, people, settings, django_capture_on_commit_callbacks
):
    """A list with the citizen IDs made for the board is no longer served once
    the requester's role no longer sees them; asking again while it is being
    made reuses the same job."""
    from dangvien.accounts.models import RoleGrant
    from dangvien.exports import services as export_services

    settings.EXPORT_INLINE_MAX = 1
    board = people["board"]
    client.force_login(board)
    url = (
        reverse("exports_list_xlsx")
        + f"?org={tree['commune'].pk}&loai=danh-sach&cot=ho_ten&cot=cccd"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 302
    job = ExportJob.objects.get()
    assert client.get(reverse("exports_job_file", args=[job.pk])).status_code == 200
    RoleGrant.objects.filter(user=board).update(role=Role.GRASSROOTS_OFFICE)
    assert client.get(reverse("exports_job_file", args=[job.pk])).status_code == 404
    # A second request for the same list while the first is still running: no new job.
    ExportJob.objects.filter(pk=job.pk).update(status="running")
    again = export_services.export_job_start(
        actor=people["office"], org=tree["commune"], kind="book"
    )
    same = export_services.export_job_start(
        actor=people["office"], org=tree["commune"], kind="book"
    )
    assert again.pk == same.pk and ExportJob.objects.count() == 2


def test_a_move_inside_the_system_names_where_to_and_where_from(client, tree, members, people):
    """Columns 10 and 11 of the book: the day the member left and where to (the
    cell the next arrival placed them in), the day they arrived and where from."""
    from dangvien.members.models import EventKind, MembershipEvent, Status

    moved = members["cell_b"]
    for kind, day, after in (
        (EventKind.TRANSFERRED_OUT, dt.date(2026, 1, 5), tree["cell_a"]),
        (EventKind.TRANSFERRED_IN, dt.date(2026, 1, 9), tree["cell_b"]),
    ):
        MembershipEvent.objects.create(
            member=moved,
            kind=kind,
            date=day,
            organization=after,
            status_after=Status.OFFICIAL,
            organization_after=after,
        )
    client.force_login(people["office"])
    url = reverse("exports_list_xlsx") + f"?org={tree['commune'].pk}&loai=so"
    rows = _data_rows(_sheet(_download(client.get(url))), 7)
    row = next(r for r in rows if r[1].startswith("Vũ Văn Cúc"))
    assert (row[9], row[10]) == (
        "05/01/2026\nChi bộ thôn Tây",
        "09/01/2026\nChi bộ thôn Đông",
    )
