"""The import pages (/nhap-du-lieu/) and API (/api/v1/imports/members...): the
same file, the same checks, scope by 404."""

import pytest
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.imports.models import ImportJob, JobStatus
from dangvien.imports.sample import bulk_rows, sample_rows, write_sheet
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_upload_map_dry_run_import_on_the_pages(client, tmp_path, django_user_model):
    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    client.force_login(board)
    path = write_sheet(tmp_path / "ds.xlsx", bulk_rows(3), notes=False)
    with path.open("rb") as handle:
        response = client.post(
            reverse("imports"), {"organization": tree["commune"].code, "file": handle}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("import_mapping", args=[job.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and "Ngày vào Đảng" in page.content.decode()
    form = {f"col_{c}": k for c, k in job.mapping.items()}
    response = client.post(reverse("import_mapping", args=[job.pk]), form)
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED and job.rows_created == 3
    detail = client.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "Sẽ thêm mới" in detail and bulk_rows(3)[0]["birth"].strftime("%d/%m/%Y") in detail
    assert Member.objects.count() == 0
    client.post(reverse("import_run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Member.objects.count() == 3


def test_mapping_without_the_required_columns_is_refused(client, tmp_path, django_user_model):
    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    client.force_login(board)
    path = write_sheet(tmp_path / "ds.xlsx", bulk_rows(1), notes=False)
    with path.open("rb") as handle:
        client.post(reverse("imports"), {"organization": tree["commune"].code, "file": handle})
    job = ImportJob.objects.get()
    response = client.post(reverse("import_mapping", args=[job.pk]), {"col_1": "full_name"})
    assert "Chưa chọn cột cho: Ngày sinh, Giới tính, Ngày vào Đảng." in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.UPLOADED


def test_pages_outside_the_scope_are_404(client, tmp_path, django_user_model):
    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    other = user_with_role(django_user_model, "khac", Role.CELL_SECRETARY, tree["cell_c"])
    reader = user_with_role(django_user_model, "doc", Role.MEMBER, tree["cell_a"])
    client.force_login(board)
    path = write_sheet(tmp_path / "ds.xlsx", bulk_rows(1), notes=False)
    with path.open("rb") as handle:
        client.post(reverse("imports"), {"organization": tree["commune"].code, "file": handle})
    job = ImportJob.objects.get()
    client.force_login(other)
    for name in ("import_detail", "import_mapping"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("import_run", args=[job.pk])).status_code == 404
    with path.open("rb") as handle:
        response = client.post(
            reverse("imports"), {"organization": tree["commune"].code, "file": handle}
        )
    assert "Không có tổ chức đảng mã này" in response.content.decode()
    client.force_login(reader)
    assert client.get(reverse("imports")).status_code == 404
    assert ImportJob.objects.count() == 1


def test_api_dry_run_and_import_take_the_same_file(client, tmp_path, django_user_model):
    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    headers = _bearer(client, board)
    sample = write_sheet(tmp_path / "mau.xlsx", sample_rows())
    with sample.open("rb") as handle:
        response = client.post(
            "/api/v1/imports/members/dry-run",
            {"file": handle, "organization": tree["commune"].code},
            **headers,
        )
    body = response.json()
    assert response.status_code == 200
    assert (body["rows_read"], body["refused"]) == (21, 7)
    assert body["rows"][5]["values"]["birth_date"] == "1950"
    assert {e["code"] for e in body["errors"]} >= {"citizen_id_scientific", "cell_not_found"}
    with sample.open("rb") as handle:
        response = client.post(
            "/api/v1/imports/members",
            {"file": handle, "organization": tree["commune"].code},
            **headers,
        )
    assert response.status_code == 400 and response.json()["written"] is False
    assert Member.objects.count() == 0
    clean = write_sheet(tmp_path / "ds.xlsx", bulk_rows(2), notes=False)
    with clean.open("rb") as handle:
        response = client.post(
            "/api/v1/imports/members",
            {"file": handle, "organization": tree["commune"].code},
            **headers,
        )
    assert response.status_code == 200 and response.json()["created"] == 2
    with clean.open("rb") as handle:
        response = client.post(
            "/api/v1/imports/members",
            {"file": handle, "organization": tree["agency"].pk},
            **{
                **_bearer(
                    client,
                    user_with_role(django_user_model, "bt", Role.CELL_SECRETARY, tree["commune"]),
                )
            },
        )
    assert response.status_code == 404
    empty = tmp_path / "rong.xlsx"
    empty.write_bytes(b"")
    with empty.open("rb") as handle:
        response = client.post(
            "/api/v1/imports/members/dry-run",
            {"file": handle, "organization": tree["commune"].code},
            **headers,
        )
    assert response.status_code == 400 and response.json()["code"] == "file_empty"


def test_a_file_over_the_bound_is_refused_before_anything_is_kept(
    client, tmp_path, settings, django_user_model
):
    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    client.force_login(board)
    settings.IMPORT_MAX_BYTES = 1024
    path = write_sheet(tmp_path / "ds.xlsx", bulk_rows(50), notes=False)
    with path.open("rb") as handle:
        response = client.post(
            reverse("imports"), {"organization": tree["commune"].code, "file": handle}
        )
    assert response.status_code == 200 and "file_too_large" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_job_shows_citizen_ids_only_to_its_uploader_and_to_those_who_see_them(
    client, tmp_path, django_user_model
):
    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    client.force_login(board)
    path = write_sheet(tmp_path / "ds.xlsx", bulk_rows(2), notes=False)
    with path.open("rb") as handle:
        client.post(reverse("imports"), {"organization": tree["commune"].code, "file": handle})
    job = ImportJob.objects.get()
    assert client.get(reverse("import_detail", args=[job.pk])).status_code == 200
    # The commune's office writes there but may not see citizen IDs: the board's
    # job (the file's rows, its citizen IDs) is not shown to it.
    client.force_login(office)
    for name in ("import_detail", "import_mapping"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_a_dry_run_tells_nothing_about_who_holds_a_citizen_id(client, tmp_path, django_user_model):
    tree = build_tree()
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    row = bulk_rows(1)[0]
    held = MemberFactory(
        organization=tree["cell_b"],
        citizen_id=row["cccd"],
        gender="F" if row["gender"] == "Nữ" else "M",
        birth_date=row["birth"],
        admission_decision_date=row["joining"],
        joining_date=row["joining"],
        official_date=row["official"],
    )
    path = write_sheet(tmp_path / "ds.xlsx", [row], notes=False)
    headers = _bearer(client, office)
    with path.open("rb") as handle:
        response = client.post(
            "/api/v1/imports/members/dry-run",
            {"organization": tree["commune"].code, "file": handle},
            **headers,
        )
    body = response.json()
    codes = {e["code"] for e in body["errors"]}
    assert "field_not_writable" in codes
    # Refused before the lookup: no action, no cell named, nothing about the holder.
    assert held.organization.name not in response.content.decode()
    assert {"cell_differs", "member_outside_scope"}.isdisjoint(codes)
    assert all(not r.get("action") for r in body["rows"])
