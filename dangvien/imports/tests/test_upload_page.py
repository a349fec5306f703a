"""The organisation chooser of the upload page (/nhap-du-lieu/): a list of the
active organisations the caller writes into, their own first and chosen; for a
scope too large for a list, a typed name or code with the committees suggested;
the server's check (the import's rule) whatever is sent; organisations only,
in a bounded number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.accounts.scope import scope_for
from dangvien.core.actors import SYSTEM
from dangvien.imports.models import ImportJob
from dangvien.imports.sample import bulk_rows, write_sheet
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.models import Level
from dangvien.organizations.services import organization_dissolve
from dangvien.organizations.tests.factories import OrganizationFactory, build_tree
from dangvien.web.imports import chooser as chooser_module

pytestmark = pytest.mark.django_db


def _upload(client, tmp_path, organization: str, query: str = ""):
    path = write_sheet(tmp_path / "ds.xlsx", bulk_rows(1), notes=False)
    with path.open("rb") as handle:
        return client.post(
            reverse("imports") + query, {"organization": organization, "file": handle}
        )


def _field(response):
    return response.context["form"]["organization"]


def test_an_office_chooses_its_committee_or_one_of_its_cells(client, tmp_path, django_user_model):
    tree = build_tree()
    gone = OrganizationFactory(parent=tree["commune"], name="Chi bộ đã giải thể")
    organization_dissolve(actor=SYSTEM, organization=gone, date=dt.date(2024, 1, 1))
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    client.force_login(office)

    response = client.get(reverse("imports"))
    field = _field(response)
    commune, cell_a, cell_b = tree["commune"], tree["cell_a"], tree["cell_b"]
    assert field.value() == commune.code  # their own, chosen
    assert list(field.field.widget.choices) == [
        ("", "— Chọn tổ chức đảng —"),
        (commune.code, f"{commune.name} ({commune.code})"),
        (cell_a.code, f"\u00a0\u00a0\u00a0↳ {cell_a.name} ({cell_a.code})"),
        (cell_b.code, f"\u00a0\u00a0\u00a0↳ {cell_b.name} ({cell_b.code})"),
    ]  # active ones of the subtree only, in tree order
    assert f'<option value="{commune.code}" selected>' in response.content.decode()
    # ?org= (an id or a code) chooses another of the list.
    assert _field(client.get(reverse("imports") + f"?org={cell_b.pk}")).value() == cell_b.code
    assert _field(client.get(reverse("imports") + f"?org={cell_a.code}")).value() == cell_a.code

    response = _upload(client, tmp_path, cell_a.code)
    assert ImportJob.objects.get().organization == cell_a
    assert response.status_code == 302
    # Outside the scope (sent by hand): refused at the field, nothing kept.
    response = _upload(client, tmp_path, tree["agency"].code)
    assert response.status_code == 200
    assert _field(response).errors == [
        "Không có tổ chức đảng mã này hay tên này đang hoạt động trong phạm vi đồng chí "
        "được nhập dữ liệu."
    ]
    response = _upload(client, tmp_path, "")
    assert _field(response).errors == ["Chọn tổ chức đảng nhận dữ liệu."]
    assert ImportJob.objects.count() == 1


def test_a_scope_too_large_for_a_list_types_a_name_or_a_code(
    client, tmp_path, django_user_model, monkeypatch
):
    monkeypatch.setattr(chooser_module, "LIST_LIMIT", 4)
    tree = build_tree()
    province, commune, agency = tree["province"], tree["commune"], tree["agency"]
    OrganizationFactory(parent=agency, name="Chi bộ thôn Đông")  # a second cell of that name
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, province)
    client.force_login(board)

    response = client.get(reverse("imports"))
    field = _field(response)
    assert field.field.widget.attrs["list"] == "org-suggestions" and field.value() == ""
    # The committees above the cells, top levels first.
    assert [o.code for o in response.context["chooser"].suggestions] == [
        province.code,
        commune.code,
        agency.code,
    ]
    page = response.content.decode()
    assert f'<option value="{commune.name} ({commune.code})">' in page
    assert tree["cell_a"].code not in page

    _upload(client, tmp_path, f"{commune.name} ({commune.code})")  # as suggested
    _upload(client, tmp_path, agency.name)  # the whole name
    _upload(client, tmp_path, tree["cell_c"].code)  # a cell by its code
    jobs = ImportJob.objects.order_by("pk")
    assert [j.organization for j in jobs] == [commune, agency, tree["cell_c"]]
    response = _upload(client, tmp_path, "Chi bộ thôn Đông")
    assert _field(response).errors == [
        "Có 2 tổ chức đảng cùng tên «Chi bộ thôn Đông» trong phạm vi của đồng chí: chọn "
        "trong danh sách gợi ý hoặc gõ mã tổ chức."
    ]
    assert ImportJob.objects.count() == 3

    # ?org= of a committee small enough: its subtree as a list, it chosen.
    response = client.get(reverse("imports") + f"?org={commune.pk}")
    chooser = response.context["chooser"]
    assert chooser.narrowed == commune and _field(response).value() == commune.code
    assert [o.code for o in chooser.listed] == [
        commune.code,
        tree["cell_a"].code,
        tree["cell_b"].code,
    ]
    assert "Chọn tổ chức khác" in response.content.decode()


def test_the_chooser_reads_organisations_only_in_a_bounded_number_of_queries(
    django_user_model, monkeypatch
):
    monkeypatch.setattr(chooser_module, "LIST_LIMIT", 4)
    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    for _ in range(3):
        MemberFactory(organization=tree["cell_a"])
    scope = scope_for(board)

    def queries(**kwargs) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            chooser_module.chooser_for(scope, **kwargs)
        return [q["sql"] for q in captured.captured_queries]

    few = queries()
    for i in range(6):
        OrganizationFactory(parent=tree["commune"], name=f"Chi bộ xóm {i}", level=Level.CELL)
    many = queries()
    assert len(few) == len(many) == 2  # the list's probe, then the suggestions
    narrowed = queries(wanted=str(tree["agency"].pk))
    assert len(narrowed) == 4  # the code, then the id; the probe; the subtree
    assert all("organizations_organization" in q and "members_" not in q for q in many + narrowed)
