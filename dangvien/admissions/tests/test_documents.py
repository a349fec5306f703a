"""The papers of the workflow: a number left blank is given by the register,
which issues the cell resolution and the decisions; each renders as .docx."""

import datetime as dt

import pytest

from dangvien.admissions import services
from dangvien.admissions.models import RecognitionFile
from dangvien.admissions.tests.factories import cell_with_officials, file_with_dossier
from dangvien.core.actors import SYSTEM
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.selectors import documents_of
from dangvien.documents.services import document_render
from dangvien.members.models import EventKind

pytestmark = pytest.mark.django_db
D = dt.date


def test_resolution_and_decisions_are_issued_when_the_number_is_left_blank():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials)
    services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=2, signer_name="Lê Văn Bắc"
    )
    services.admission_grassroots_resolve(
        actor=SYSTEM, file=file, date=D(2024, 3, 14), resolution_number="12-NQ/ĐU"
    )
    services.admission_decide(
        actor=SYSTEM, file=file, decision_date=D(2024, 3, 28), decision_number="", decided_by=""
    )
    file.refresh_from_db()
    papers = list(documents_of(file))
    assert [p.kind for p in papers] == [DocumentKind.RESOLUTION, DocumentKind.DECISION]
    assert file.cell_resolution_number == papers[0].symbol
    assert file.decision_number == papers[1].symbol
    assert papers[0].organization == cell and papers[1].concerns_path == cell.path
    # The vote, with the cell's members and official members on the day (issue 9.3).
    assert papers[0].context["vote"] == {
        "total": 3,
        "agree": 2,
        "present_official": 3,
        "members": 3,
        "official": 3,
    }
    assert papers[0].context["signer_name"] == "Lê Văn Bắc"
    # The decision cites the cell's resolution it follows (number and date).
    assert papers[1].context["follows"]["symbol"] == papers[0].symbol
    for paper in papers:
        assert document_render(paper)[:2] == b"PK"  # a .docx (zip) file

    member = services.admission_ceremony(actor=SYSTEM, file=file, date=D(2024, 4, 12))
    assert member.admission_decision_number == papers[1].symbol
    rec = RecognitionFile.objects.get(member=member)
    services.recognition_cell_vote(actor=SYSTEM, file=rec, meeting_date=D(2025, 4, 15), votes_for=3)
    services.recognition_grassroots_resolve(
        actor=SYSTEM, file=rec, date=D(2025, 4, 20), resolution_number="40-NQ/ĐU"
    )
    services.recognition_decide(
        actor=SYSTEM, file=rec, decision_date=D(2025, 5, 5), decision_number="", decided_by=""
    )
    rec_papers = list(documents_of(rec))
    assert [p.kind for p in rec_papers] == [DocumentKind.RESOLUTION, DocumentKind.DECISION]
    event = member.events.get(kind=EventKind.RECOGNISED)
    assert event.decision_number == rec_papers[1].symbol and event.date == D(2025, 4, 12)
    assert "12/04/2025" in rec_papers[1].context["articles"][0]
    assert document_render(rec_papers[1])[:2] == b"PK"


def test_a_typed_number_issues_no_paper():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials)
    services.admission_cell_vote(
        actor=SYSTEM,
        file=file,
        meeting_date=D(2024, 3, 7),
        votes_for=3,
        resolution_number="05-NQ/CB",
    )
    assert IssuedDocument.objects.count() == 0


def test_a_failed_vote_issues_no_resolution():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials)
    services.admission_cell_vote(actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=1)
    assert IssuedDocument.objects.count() == 0
