"""Numbering (HD 36-HD/VPTW điểm 1.3.1) and storing issued documents."""

import datetime as dt
import threading

import pytest
from django.db import connection

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.render import context_decode
from dangvien.documents.services import document_issue, document_term_start
from dangvien.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 7)


def issue(org, kind=DocumentKind.DECISION, day=DAY, **extra):
    return document_issue(
        actor=SYSTEM, organization=org, kind=kind, date=day, summary="về việc", context={}, **extra
    )


def test_numbers_run_from_01_per_kind_and_per_issuer(tree):
    commune, cell = tree["commune"], tree["cell_a"]
    decisions = [issue(commune).symbol for _ in range(3)]
    letters = [issue(commune, DocumentKind.LETTER).symbol for _ in range(2)]
    cell_resolutions = [issue(cell, DocumentKind.RESOLUTION).symbol for _ in range(2)]
    other_cell = issue(tree["cell_b"], DocumentKind.RESOLUTION).symbol
    assert decisions == ["01-QĐ/ĐU", "02-QĐ/ĐU", "03-QĐ/ĐU"]
    assert letters == ["01-CV/ĐU", "02-CV/ĐU"]
    assert cell_resolutions == ["01-NQ/CB", "02-NQ/CB"]
    assert other_cell == "01-NQ/CB"
    assert issue(tree["province"]).symbol == "01-QĐ/TU"


def test_two_issues_in_a_row_never_share_a_number(tree):
    numbers = [issue(tree["commune"]).number for _ in range(25)]
    assert numbers == list(range(1, 26))


def test_numbering_restarts_at_a_new_term_and_back_dated_papers_keep_their_term(tree):
    commune = tree["commune"]
    assert [issue(commune, day=dt.date(2025, 5, 1)).number for _ in range(3)] == [1, 2, 3]
    document_term_start(
        actor=SYSTEM, organization=commune, starts_on=dt.date(2025, 10, 1), label="2025-2030"
    )
    new_term = [issue(commune, day=dt.date(2025, 10, day)) for day in (1, 2)]
    assert [d.symbol for d in new_term] == ["01-QĐ/ĐU", "02-QĐ/ĐU"]
    assert new_term[0].term_start == dt.date(2025, 10, 1)
    # a paper dated in the old term continues the old sequence
    assert issue(commune, day=dt.date(2025, 9, 30)).number == 4
    # other issuers are not affected by the commune's term
    assert issue(tree["cell_a"], day=dt.date(2025, 9, 1)).number == 1
    assert issue(tree["cell_a"], day=dt.date(2025, 11, 1)).number == 2


def test_transfer_letters_keep_one_register_across_terms(tree):
    commune = tree["commune"]
    issue(commune, DocumentKind.TRANSFER_LETTER, day=dt.date(2025, 5, 1))
    document_term_start(actor=SYSTEM, organization=commune, starts_on=dt.date(2025, 10, 1))
    letter = issue(commune, DocumentKind.TRANSFER_LETTER, day=dt.date(2025, 11, 1))
    assert letter.number == 2
    assert issue(commune, day=dt.date(2025, 11, 1)).number == 1


def test_a_term_is_recorded_once(tree):
    document_term_start(actor=SYSTEM, organization=tree["commune"], starts_on=dt.date(2025, 10, 1))
    with pytest.raises(DomainError):
        document_term_start(
            actor=SYSTEM, organization=tree["commune"], starts_on=dt.date(2025, 10, 1)
        )


def test_issue_keeps_header_context_subject_and_actor(tree, django_user_model):
    user = django_user_model.objects.create_user(username="vanphong", password="pw-Test-1234")
    member = MemberFactory(organization=tree["cell_a"])
    document = document_issue(
        actor=user,
        organization=tree["commune"],
        kind=DocumentKind.DECISION,
        date=DAY,
        summary="  về việc kết nạp đảng viên  ",
        context={"birth_date": dt.date(1998, 3, 15), "articles": ["Một", "Hai"], "n": 3},
        concerns_path=tree["cell_a"].path,
        subject=member,
    )
    document.refresh_from_db()
    assert document.summary == "về việc kết nạp đảng viên"
    assert document.issuer_name == "ĐẢNG ỦY XÃ CẨM XUYÊN"
    assert document.superior_name == "ĐẢNG BỘ TỈNH HÀ TĨNH"
    assert document.place == "Cẩm Xuyên"
    assert document.org_path == tree["commune"].path
    assert document.concerns_path == tree["cell_a"].path
    assert document.subject == member
    assert document.created_by == user
    assert context_decode(document.context) == {
        "birth_date": dt.date(1998, 3, 15),
        "articles": ["Một", "Hai"],
        "n": 3,
        # The signature block, from the posts held that day (nobody here: a blank).
        "signer_capacity": "T/M ĐẢNG ỦY",
        "signer_title": "BÍ THƯ",
        "signer_name": "",
        "signer_missing": True,
    }


def test_a_renamed_issuer_keeps_the_old_name_on_old_papers(tree):
    from dangvien.organizations.services import organization_rename

    old = issue(tree["commune"])
    organization_rename(
        actor=SYSTEM,
        organization=tree["commune"],
        name="Đảng bộ xã Cẩm Xuyên mới",
        document_name="ĐẢNG ỦY XÃ CẨM XUYÊN MỚI",
        date=dt.date(2026, 4, 1),
    )
    tree["commune"].refresh_from_db()
    new = issue(tree["commune"], day=dt.date(2026, 4, 2))
    old.refresh_from_db()
    assert old.issuer_name == "ĐẢNG ỦY XÃ CẨM XUYÊN"
    assert new.issuer_name == "ĐẢNG ỦY XÃ CẨM XUYÊN MỚI"


def test_unknown_kind_is_refused_and_uses_no_number(tree):
    with pytest.raises(DomainError) as error:
        issue(tree["commune"], kind="XX")
    assert error.value.field == "kind"
    assert IssuedDocument.objects.count() == 0
    assert issue(tree["commune"]).number == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issues_get_distinct_numbers(tree):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers")
    commune = tree["commune"]
    errors: list[Exception] = []

    def worker():
        from django.db import connection as thread_connection

        try:
            for _ in range(5):
                issue(commune)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(
        IssuedDocument.objects.filter(organization=commune).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 21))
