"""The import job's actor: the dry run checks as the uploader, the import writes
as whoever pressed «Nhập» (kept on the job as `imported_by`), their rights
checked again and their name in the imported members' history."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.imports import parsing
from dangvien.imports.jobs import start_job
from dangvien.imports.models import ImportJob, JobStatus
from dangvien.imports.reading import read_sheet
from dangvien.imports.sample import bulk_rows, write_sheet
from dangvien.members.models import Member, MembershipEvent
from dangvien.members.tests.factories import user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db

IDENTITY = ("citizen_id", "old_identity_number")


def test_the_import_runs_as_whoever_pressed_import(client, tmp_path, django_user_model):
    tree = build_tree()
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    path = write_sheet(tmp_path / "ds.xlsx", bulk_rows(3), notes=False)
    client.force_login(office)
    with path.open("rb") as handle:
        client.post(reverse("imports"), {"organization": tree["commune"].code, "file": handle})
    job = ImportJob.objects.get()
    # The office may not write citizen IDs: it leaves those columns out.
    form = {f"col_{c}": k for c, k in job.mapping.items() if k not in IDENTITY}
    client.post(reverse("import_mapping", args=[job.pk]), form)
    job.refresh_from_db()
    # The dry run ran as the office, who pressed «Chạy thử».
    assert (job.status, job.rows_created, job.imported_by) == (JobStatus.CHECKED, 3, office)
    assert Member.objects.count() == 0

    client.force_login(board)
    response = client.post(reverse("import_run", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_by, job.imported_by) == (JobStatus.DONE, office, board)
    members = list(Member.objects.all())
    assert len(members) == 3
    for member in members:
        assert [(h.history_type, h.history_user_id) for h in member.history.all()] == [
            ("+", board.pk)
        ]
    assert set(MembershipEvent.objects.values_list("created_by", flat=True)) == {board.pk}
    page = client.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "Tải lên: vp," in page and "Bấm nhập: ban," in page


def _checked_job(tmp_path, uploader, organization) -> ImportJob:
    path = write_sheet(tmp_path / "ds.xlsx", bulk_rows(2), notes=False)
    sheet = read_sheet(path.read_bytes(), path.name)
    job = ImportJob(
        created_by=uploader,
        organization=organization,
        original_name="ds.xlsx",
        headers=sheet.headers,
        mapping=parsing.guess_mapping(sheet.headers),
    )
    job.file.save("ds.xlsx", ContentFile(path.read_bytes()), save=True)
    start_job(job, dry_run=True, by=uploader)
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED
    return job


def test_the_import_checks_the_rights_of_whoever_pressed_import(tmp_path, django_user_model):
    tree = build_tree()
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, tree["province"])
    secretary = user_with_role(django_user_model, "bt", Role.CELL_SECRETARY, tree["commune"])
    job = _checked_job(tmp_path, board, tree["commune"])

    # The board's dry run passed; the secretary, who may not write citizen IDs,
    # is refused on every row and nothing is written.
    start_job(job, dry_run=False, by=secretary)
    job.refresh_from_db()
    assert (job.status, job.imported_by, job.rows_refused) == (JobStatus.REFUSED, secretary, 2)
    assert {e["code"] for e in job.result["errors"]} == {"field_not_writable"}
    assert Member.objects.count() == 0

    # A new dry run runs as the one who starts it (the board); an import
    # without a presser (the former callers) writes as the uploader.
    start_job(job, dry_run=True, by=board)
    job.refresh_from_db()
    assert (job.status, job.imported_by) == (JobStatus.CHECKED, board)
    start_job(job, dry_run=False)
    job.refresh_from_db()
    assert (job.status, job.imported_by) == (JobStatus.DONE, None)
    assert {m.history.get().history_user_id for m in Member.objects.all()} == {board.pk}
    assert Member.objects.count() == 2
