"""The document pages: download and list, scoped like every other page (404 outside)."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.urls import reverse

from dangvien.core.actors import SYSTEM
from dangvien.documents.models import DocumentKind
from dangvien.documents.services import document_issue
from dangvien.members.tests.factories import Role, user_with_role

from .docx_reading import open_docx, texts

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def issue(org, *, kind=DocumentKind.DECISION, day=dt.date(2026, 3, 7), concerns=None, summary=""):
    return document_issue(
        actor=SYSTEM,
        organization=org,
        kind=kind,
        date=day,
        summary=summary or "về việc kết nạp đảng viên",
        context={"articles": ["Kết nạp đồng chí Nguyễn Thị Hường."]},
        concerns_path=concerns.path if concerns else "",
    )


def login(client, django_user_model, role, org, name="u"):
    user = user_with_role(django_user_model, name, role, org)
    client.force_login(user)
    return user


def test_download_inside_scope_is_the_docx_with_a_vietnamese_filename(
    client, django_user_model, tree
):
    document = issue(tree["commune"], concerns=tree["cell_a"])
    login(client, django_user_model, Role.GRASSROOTS_OFFICE, tree["commune"])
    response = client.get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Quyet_dinh_01-QD-DU_ngay_07-03-2026.docx"')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Quyết định 01-QĐ-ĐU ngày 07-03-2026.docx"
    assert disposition.isascii()
    assert "Số 01-QĐ/ĐU" in texts(open_docx(response.content))


def test_the_concerned_cell_reads_the_committee_decision(client, django_user_model, tree):
    document = issue(tree["commune"], concerns=tree["cell_a"])
    login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 200


@pytest.mark.parametrize(
    "role, org",
    [
        (Role.CELL_SECRETARY, "cell_b"),  # a sibling cell
        (Role.GRASSROOTS_OFFICE, "agency"),  # another branch
    ],
)
def test_download_outside_scope_is_404(client, django_user_model, tree, role, org):
    document = issue(tree["commune"], concerns=tree["cell_a"])
    login(client, django_user_model, role, tree[org])
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404


def test_a_cell_does_not_read_what_its_committee_issued_about_another_cell(
    client, django_user_model, tree
):
    document = issue(tree["commune"], concerns=tree["cell_b"])
    login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("pk", ["999999", "abc", "0", str(2**63), "-1"])
def test_download_of_a_bad_id_is_404(client, django_user_model, tree, pk):
    issue(tree["commune"])
    login(client, django_user_model, Role.ORGANISATION_BOARD, tree["province"])
    assert client.get(f"/van-ban/{pk}/tai-ve/").status_code == 404


def test_download_needs_login(client, tree):
    document = issue(tree["commune"])
    response = client.get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 302


def test_list_shows_documents_of_the_subtree_in_scope_newest_first(client, django_user_model, tree):
    older = issue(tree["commune"], day=dt.date(2026, 1, 5), concerns=tree["cell_a"])
    newer = issue(
        tree["cell_a"], kind=DocumentKind.RESOLUTION, day=dt.date(2026, 2, 9), summary="đề nghị"
    )
    other_cell = issue(tree["commune"], concerns=tree["cell_b"], summary="về cell b")
    elsewhere = issue(tree["agency"], summary="sở y tế")
    login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    response = client.get(reverse("document_list"), {"org": tree["cell_a"].pk})
    assert response.status_code == 200
    shown = [d.pk for d in response.context["documents"]]
    assert shown == [newer.pk, older.pk]
    html = response.content.decode()
    assert "09/02/2026" in html and "05/01/2026" in html
    assert "Nghị quyết" in html and "Số, ký hiệu" in html
    assert other_cell.pk not in shown
    assert elsewhere.pk not in shown
    # without ?org the same scope applies
    response = client.get(reverse("document_list"))
    assert [d.pk for d in response.context["documents"]] == [newer.pk, older.pk]


def test_list_of_an_organisation_outside_scope_is_404(client, django_user_model, tree):
    login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    assert client.get(reverse("document_list"), {"org": tree["agency"].pk}).status_code == 404


def test_list_for_the_board_filters_by_kind_and_pages(client, django_user_model, tree):
    for _ in range(3):
        issue(tree["commune"])
    letter = issue(tree["commune"], kind=DocumentKind.LETTER)
    login(client, django_user_model, Role.ORGANISATION_BOARD, tree["province"])
    response = client.get(reverse("document_list"), {"org": tree["commune"].pk, "loai": "CV"})
    assert [d.pk for d in response.context["documents"]] == [letter.pk]
    response = client.get(reverse("document_list"), {"loai": "nonsense", "tiep": "x.y"})
    assert len(response.context["documents"]) == 4


def test_list_pages_by_keyset(tree):
    from dangvien.documents import selectors

    documents = [issue(tree["commune"], day=dt.date(2026, 3, day)) for day in (1, 2, 2, 3)]
    qs = selectors.documents_visible_to(selectors.Scope(everything=True, paths=(), member_id=None))
    first, key = selectors.documents_page(qs, after=None, size=3)
    second, last_key = selectors.documents_page(qs, after=key, size=3)
    assert [d.pk for d in first + second] == [d.pk for d in reversed(documents)]
    assert last_key is None
