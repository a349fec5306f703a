"""The report pages (/bao-cao/): the figures link to their members, the forms
download as .xlsx in the form's layout with their totals checked, a bad period
is refused at its field, and nothing outside the caller's subtree answers."""

import html as html_lib
import io
import re
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from dangvien.members.models import EventKind
from dangvien.members.tests.factories import Role, user_with_role
from dangvien.reports.models import ReportResult

from .factories import D, event, member, party, probationary, transfer

pytestmark = pytest.mark.django_db
YEAR_2025 = {"ky": "year", "nam": "2025", "so_sanh": "on"}


@pytest.fixture
def tree():
    t = party()
    t["admitted"] = probationary(t["x1"], D(2025, 2, 10))
    t["stays"] = member(t["x1"])
    t["dies"] = member(t["x2"])
    event(t["dies"], EventKind.DECEASED, D(2025, 3, 1))
    t["moves"] = member(t["y1"])
    transfer(t["moves"], D(2025, 4, 1), t["x2"], D(2025, 4, 10))
    return t


def _client(client, django_user_model, org, role=Role.ORGANISATION_BOARD, name="ban"):
    client.force_login(user_with_role(django_user_model, name, role, org))
    return client


def test_the_report_of_a_district_with_its_figures_and_their_members(
    client, django_user_model, tree
):
    c = _client(client, django_user_model, tree["p"])
    page = c.get(reverse("reports"), {"org": tree["x"].pk, **YEAR_2025})
    html = page.content.decode()
    assert page.status_code == 200 and "Năm 2025" in html
    assert 'id="row-B1"' in html and "Đúng: D = A + B − C" in html
    result = ReportResult.objects.get(organization=tree["x"], start=D(2025, 1, 1))
    assert result.counts["movement"]["B1"] == 1 and result.counts["movement"]["B2b"] == 1
    assert result.counts["movement"]["C1"] == 1 and result.counts["movement"]["D"] == 3
    # Last year's report is there to compare with (the same period of 2024).
    assert ReportResult.objects.filter(organization=tree["x"], start=D(2024, 1, 1)).exists()
    # Every link of the page that names the period opens (a year has no number).
    links = {
        html_lib.unescape(href)
        for href in re.findall(r'href="(/bao-cao/[^"]+)"', html)
        if "ky=" in href
    }
    assert links and all(c.get(href).status_code == 200 for href in links)

    listed = c.get(reverse("reports_figure"), {"org": tree["x"].pk, **YEAR_2025, "hang": "B"})
    assert listed.status_code == 200
    rows = listed.context["page"].members
    assert {m.pk for m in rows} == {tree["admitted"].pk, tree["moves"].pk}
    ages = c.get(
        reverse("reports_figure"),
        {"org": tree["x"].pk, **YEAR_2025, "hang": "dim:status:probationary"},
    )
    assert [m.pk for m in ages.context["page"].members] == [tree["admitted"].pk]


def test_form_1_downloads_in_its_layout_with_its_totals_checked(client, django_user_model, tree):
    c = _client(client, django_user_model, tree["p"])
    response = c.get(reverse("reports_form_xlsx", args=["1"]), {"org": tree["x"].pk, **YEAR_2025})
    assert response.status_code == 200
    code = tree["x"].code
    assert response["Content-Disposition"].endswith(
        quote(f"Biểu 1-BTCTW {code} từ 01-01-2025 đến 31-12-2025.xlsx")
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1]}
    assert sheet["C1"].value == "Biểu số 1-BTCTW"
    assert "THỐNG KÊ" in [r[0] for r in sheet.iter_rows(values_only=True)]
    assert cells["Tổng số đảng viên cuối kỳ trước chuyển sang"][2:4] == (2, 2)
    assert cells["Kết nạp"][2] == 1 and cells["Huyện khác trong tỉnh chuyển đến"][2] == 1
    assert cells["Đảng viên trong danh sách cuối kỳ báo cáo"][2] == 3
    checks = [
        r[0] for r in sheet.iter_rows(values_only=True) if r[0] and r[0].startswith(("Đúng", "SAI"))
    ]
    assert checks and all(text.startswith("Đúng") for text in checks)


@pytest.mark.parametrize("number", ["3", "4"])
def test_forms_3_and_4_download_with_their_totals_checked(client, django_user_model, tree, number):
    member(tree["y1"], gender="F")
    c = _client(client, django_user_model, tree["p"])
    response = c.get(
        reverse("reports_form_xlsx", args=[number]), {"org": tree["p"].pk, **YEAR_2025}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][2] == f"Biểu số {number}-BTCTW"
    checks = [r[0] for r in rows if r[0] and str(r[0]).startswith(("Đúng", "SAI"))]
    assert checks and all(text.startswith("Đúng") for text in checks)
    total = next(r for r in rows if r[0] == "I")
    assert total[2] == 4  # the province's list at the end of 2025
    if number == "3":
        women = next(r for r in rows if r[1] == "Trong đó: Nữ")
        assert women[2:4] == (1, 1)  # this year, last year
    else:
        # The factories record no ethnicity: every member on the "not recorded" row.
        unknown = next(r for r in rows if r[1] == "Chưa ghi dân tộc")
        assert unknown[2:5] == (4, 1, 100)
        assert next(r for r in rows if r[1] == "Kinh")[2:5] == (0, 0, 0)


@pytest.mark.parametrize(
    ("query", "field", "code_text"),
    [
        ({"ky": "custom", "tu": "01/03/2025", "den": "28/02/2025"}, "den", "trước ngày đầu kỳ"),
        ({"ky": "custom", "tu": "01/12/2019", "den": "31/12/2019"}, "tu", "có từ ngày 01/01/2020"),
        ({"ky": "custom", "tu": "32/01/2025", "den": "28/02/2025"}, "tu", "dd/mm/yyyy"),
        ({"ky": "quarter", "nam": "2025", "so": "5"}, "so", "quý từ 1 đến 4"),
        ({"ky": "year", "nam": "abc"}, "nam", "Nhập năm bằng số"),
    ],
)
def test_a_bad_period_is_refused_at_its_field_and_computes_nothing(
    client, django_user_model, tree, query, field, code_text
):
    c = _client(client, django_user_model, tree["p"])
    page = c.get(reverse("reports"), {"org": tree["x"].pk, **query})
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert field in errors and code_text in " ".join(errors[field])
    assert ReportResult.objects.count() == 0
    assert (
        c.get(reverse("reports_form_xlsx", args=["1"]), {"org": tree["x"].pk, **query}).status_code
        == 404
    )


def test_outside_the_subtree_or_without_a_staff_role_nothing_answers(
    client, django_user_model, tree
):
    c = _client(client, django_user_model, tree["y"], Role.GRASSROOTS_OFFICE, "vp")
    for name, args in (("reports", []), ("reports_figure", []), ("reports_form_xlsx", ["1"])):
        response = c.get(reverse(name, args=args), {"org": tree["x"].pk, **YEAR_2025, "hang": "D"})
        assert response.status_code == 404, name
    assert c.get(reverse("reports"), {"org": tree["y"].pk, **YEAR_2025}).status_code == 200
    assert (
        c.get(
            reverse("reports_figure"), {"org": tree["y"].pk, **YEAR_2025, "hang": "Z9"}
        ).status_code
        == 404
    )
    plain = user_with_role(django_user_model, "dv", Role.MEMBER, tree["x1"])
    client.force_login(plain)
    assert client.get(reverse("reports"), {"org": tree["x"].pk}).status_code == 404


def test_the_refresh_computes_again(client, django_user_model, tree):
    c = _client(client, django_user_model, tree["p"])
    c.get(reverse("reports"), {"org": tree["x"].pk, **YEAR_2025})
    first = ReportResult.objects.get(organization=tree["x"], start=D(2025, 1, 1)).computed_at
    response = c.post(
        reverse("reports_refresh")
        + "?"
        + "&".join(f"{k}={v}" for k, v in {"org": tree["x"].pk, **YEAR_2025}.items())
    )
    assert response.status_code == 302
    assert ReportResult.objects.get(organization=tree["x"], start=D(2025, 1, 1)).computed_at > first


def test_the_report_paper_is_issued_numbered_in_the_party_format(client, django_user_model, tree):
    import docx

    from dangvien.documents.models import IssuedDocument
    from dangvien.organizations.models import CommitteePost, CommitteePostKind

    CommitteePost.objects.create(
        organization=tree["x"],
        kind=CommitteePostKind.SECRETARY,
        name="Trần Văn Bí",
        starts_on=D(2020, 1, 1),
    )
    c = _client(client, django_user_model, tree["x"], Role.GRASSROOTS_OFFICE, "vp")
    query = "&".join(f"{k}={v}" for k, v in {"org": tree["x"].pk, **YEAR_2025}.items())
    response = c.post(reverse("reports_paper") + "?" + query)
    assert response.status_code == 302
    paper = IssuedDocument.objects.get()
    assert paper.kind == "BC" and paper.symbol == "01-BC/ĐU"
    assert paper.summary == "Tình hình đội ngũ đảng viên năm 2025"
    page = c.get(reverse("reports"), {"org": tree["x"].pk, **YEAR_2025}).content.decode()
    assert f"Báo cáo số <b>{paper.symbol}</b>" in page
    # A second paper of the period: said first, a new number only when asked.
    again = c.post(reverse("reports_paper") + "?" + query, follow=True)
    assert "Kỳ này đã có báo cáo số 01-BC/ĐU" in again.content.decode()
    assert IssuedDocument.objects.count() == 1
    c.post(reverse("reports_paper") + "?" + query, {"lap_them": "1"})
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == [1, 2]

    word = docx.Document(io.BytesIO(c.get(reverse("document_download", args=[paper.pk])).content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "BÁO CÁO" in text and "Đầu kỳ có 2 đảng viên. Trong kỳ tăng 2 đảng viên" in text
    assert "Đến ngày 31/12/2025 có 3 đảng viên, trong đó 1 đảng viên dự bị" in text
    cells = [[c.text for c in row.cells] for t in word.tables for row in t.rows]
    assert ["B", "Đảng viên tăng trong kỳ", "2", "0", ""] in cells  # none in 2024: no percent
    assert ["D", "Đảng viên trong danh sách cuối kỳ báo cáo", "3", "2", "150,00"] in cells
    assert any("Trần Văn Bí" in cell for row in cells for cell in row)  # the secretary signs

    pdf = c.get(reverse("reports_paper_pdf", args=[paper.pk]))
    if pdf.status_code == 302:  # no Pango on this machine: the message, not a file
        pytest.skip("WeasyPrint cannot load here")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    symbol = paper.symbol.replace("/", "-")
    assert pdf["Content-Disposition"].endswith(
        quote(f"Báo cáo {symbol} ngày {paper.date:%d-%m-%Y}.pdf")
    )


def test_only_a_writer_of_the_organisation_issues_the_paper(client, django_user_model, tree):
    from dangvien.documents.models import IssuedDocument

    c = _client(client, django_user_model, tree["p"], Role.INSPECTION, "uyk")
    query = "&".join(f"{k}={v}" for k, v in {"org": tree["x"].pk, **YEAR_2025}.items())
    assert c.post(reverse("reports_paper") + "?" + query).status_code == 404
    assert IssuedDocument.objects.count() == 0


def test_form_2_counts_the_admitted_on_two_pages_with_its_totals_checked(
    client, django_user_model, tree
):
    readmitted = member(tree["x2"], gender="F")
    event(readmitted, EventKind.NAME_DELETED, D(2021, 5, 1))
    event(readmitted, EventKind.READMITTED, D(2025, 6, 1), tree["x2"])
    c = _client(client, django_user_model, tree["p"])
    response = c.get(reverse("reports_form_xlsx", args=["2"]), {"org": tree["x"].pk, **YEAR_2025})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Trang 1", "Trang 2"]
    first = list(book["Trang 1"].iter_rows(values_only=True))
    assert first[0][2] == "Biểu số 2-BTCTW"
    lines = {r[1]: r for r in first if r[1]}
    assert lines["Tổng số đảng viên mới kết nạp"][2:4] == (
        2,
        0,
    )  # admitted and readmitted; none in 2024
    assert lines["Kết nạp lại"][2] == 1
    checks = [r[0] for r in first if r[0] and str(r[0]).startswith(("Đúng", "SAI"))]
    assert checks and all(text.startswith("Đúng") for text in checks)
    second = list(book["Trang 2"].iter_rows(values_only=True))
    assert second[0][2] == "Biểu số 2-BTCTW (trang 2)"
    unknown = next(r for r in second if r[1] == "Chưa ghi dân tộc")
    assert unknown[2:5] == (2, 1, 100)  # both admitted, one a woman
    # The figure behind a category of the admitted opens its members.
    listed = c.get(
        reverse("reports_figure"), {"org": tree["x"].pk, **YEAR_2025, "hang": "adm:gender:F"}
    )
    assert [m.pk for m in listed.context["page"].members] == [readmitted.pk]


def test_form_5_counts_organisations_and_members_by_kind_of_unit(client, django_user_model, tree):
    from dangvien.organizations.models import Level, UnitType
    from dangvien.organizations.tests.factories import OrganizationFactory

    agency = OrganizationFactory(
        parent=tree["p"],
        name="Đảng bộ Sở Tài chính",
        level=Level.GRASSROOTS_COMMITTEE,
        unit_type=UnitType.AGENCY,
    )
    office = OrganizationFactory(
        parent=agency, name="Chi bộ Văn phòng Sở", unit_type=UnitType.AGENCY
    )
    member(office)
    c = _client(client, django_user_model, tree["p"])
    response = c.get(reverse("reports_form_xlsx", args=["5"]), {"org": tree["p"].pk, **YEAR_2025})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    lines = {r[1]: r for r in rows if r[1]}
    assert lines["Cơ quan Đảng, MTTQ, đoàn thể CT-XH; cơ quan Nhà nước"][2:8] == (1, 1, 0, 0, 1, 1)
    total = lines["Cộng (1+…+11)"]
    assert total[2] == 1 and total[7] == 1
    # The district's cells sit under no grassroots organisation in this tree.
    assert lines["Đảng viên không thuộc tổ chức cơ sở đảng nào"][7] == 3
    checks = [r[0] for r in rows if r[0] and str(r[0]).startswith(("Đúng", "SAI"))]
    assert checks and all(text.startswith("Đúng") for text in checks)


@pytest.mark.parametrize("number", ["7", "XL"])
def test_forms_7_and_grading_download_with_their_checks(client, django_user_model, tree, number):
    c = _client(client, django_user_model, tree["p"])
    response = c.get(
        reverse("reports_form_xlsx", args=[number]), {"org": tree["x"].pk, **YEAR_2025}
    )
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    checks = [r[0] for r in rows if r[0] and str(r[0]).startswith(("Đúng", "SAI"))]
    assert checks and all(text.startswith("Đúng") for text in checks)
    lines = {r[1]: r for r in rows if r[1]}
    if number == "7":
        assert lines["Tặng huy hiệu Đảng"][2] == 0
    else:
        assert lines["Đảng viên được đánh giá, xếp loại năm 2025"][2:4] == (0, 0)


def test_a_large_organisation_is_computed_by_the_queue_not_in_the_request(
    client, django_user_model, tree, settings, monkeypatch
):
    from dangvien.reports import jobs

    member(tree["y1"])
    settings.REPORT_INLINE_MAX_MEMBERS = 3  # the province has 4 members in activity, X 3
    # The queue's enqueue is recorded instead of run: the worker has not taken
    # the job yet (in tests the queue otherwise runs a task at once); the task
    # itself is run below, as the worker runs it.
    queued = []
    monkeypatch.setattr(
        "dangvien.web.reports.views.compute_report", lambda *args: queued.append(args)
    )
    c = _client(client, django_user_model, tree["p"])
    page = c.get(reverse("reports"), {"org": tree["p"].pk, **YEAR_2025})
    assert page.status_code == 200 and 'id="pending"' in page.content.decode()
    assert queued == [(tree["p"].pk, D(2025, 1, 1), D(2025, 12, 31))]
    assert ReportResult.objects.count() == 0
    jobs.compute_report(tree["p"].pk, D(2025, 1, 1), D(2025, 12, 31))  # the worker's turn
    page = c.get(reverse("reports"), {"org": tree["p"].pk, **YEAR_2025})
    assert 'id="row-B1"' in page.content.decode()
    # A district below the limit is computed in the request as before.
    assert (
        'id="row-B1"'
        in c.get(reverse("reports"), {"org": tree["x"].pk, **YEAR_2025}).content.decode()
    )
