"""Backup and restore (issue 13, part 5), on the test database's own vendor
(SQLite or PostgreSQL): a restore gives back exactly what was saved (counts
and checksums per table), refuses a database in use without --force, and
fails on any difference."""

import json

import pytest
from django.core.management import CommandError, call_command

from dangvien.exports import backup
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.models import Organization
from dangvien.organizations.tests.factories import build_tree

# serialized_rollback: the restore replaces every table; the next tests that
# reload the serialized data (the browser tests) must find them as they were.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def saved(tmp_path, capsys):
    """A tree with two members, saved; the path of the backup."""
    tree = build_tree()
    MemberFactory(organization=tree["cell_a"], given_name="An")
    MemberFactory(organization=tree["cell_b"], given_name="Bình")
    path = tmp_path / "sao-luu.bak"
    call_command("backup", output=str(path))
    out = capsys.readouterr().out
    assert "members_member" in out and "Đã sao lưu" in out
    return {"path": path, "tree": tree, "out": out}


def test_the_manifest_counts_every_table_as_saved(saved):
    vendor, sums = backup.read_manifest(saved["path"])
    assert vendor in ("sqlite", "postgresql")
    assert sums["members_member"].rows == 2
    assert sums["organizations_organization"].rows == Organization.objects.count() == 6
    # The checksum does not depend on the order rows are read in.
    assert sums == {t: s for t, s in reversed(list(backup.database_sums().items()))}


def test_restore_refuses_a_database_in_use_and_then_gives_back_what_was_saved(saved, capsys):
    MemberFactory(organization=saved["tree"]["cell_a"], given_name="Cường")  # after the backup
    with pytest.raises(CommandError, match="đang có dữ liệu"):
        call_command("restore", str(saved["path"]))
    assert Member.objects.count() == 3  # refused: nothing written
    call_command("restore", str(saved["path"]), force=True)
    out = capsys.readouterr().out
    assert "KHÔNG" not in out and "khớp bản sao lưu" in out
    assert sorted(Member.objects.values_list("given_name", flat=True)) == ["An", "Bình"]
    _, sums = backup.read_manifest(saved["path"])
    assert backup.database_sums() == sums


def test_a_difference_fails_the_restore_and_is_shown(saved, capsys):
    manifest = backup.manifest_path(saved["path"])
    data = json.loads(manifest.read_text())
    data["tables"]["members_member"]["checksum"] = "0" * 16
    manifest.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="không khớp.*members_member"):
        call_command("restore", str(saved["path"]), force=True)
    line = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("members_member")
    )
    assert line.endswith("KHÔNG")


def test_a_file_that_is_no_backup_is_refused_and_nothing_changes(saved, tmp_path):
    wrong = tmp_path / "khong-phai.bak"
    wrong.write_bytes(b"PK\x03\x04 not a database")
    before = backup.database_sums()
    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        call_command("restore", str(wrong), force=True)
    with pytest.raises(CommandError, match="Không có tệp sao lưu"):
        call_command("restore", str(tmp_path / "khong-co.bak"), force=True)
    assert backup.database_sums() == before
