"""A discipline decision is a sensitive paper: the documents pages show it only
to whoever sees the discipline itself, never to every reader of the cell."""

import datetime as dt

from django.urls import reverse

from dangvien.accounts.scope import scope_for
from dangvien.core.actors import SYSTEM
from dangvien.discipline import services
from dangvien.documents import selectors as documents
from dangvien.documents.models import IssuedDocument

from .helpers import violation


def _decided_by_the_commune(member, tree):
    d = services.discipline_propose(
        actor=SYSTEM,
        violation=violation(member),
        form="warning",
        authority=tree["commune"],
        authority_body="superior",
        proposed_on=dt.date(2025, 3, 1),
    )
    d = services.discipline_vote(
        actor=SYSTEM, discipline=d, voted_on=dt.date(2025, 3, 5), entitled=9, votes_for=7
    )
    return services.discipline_decide(actor=SYSTEM, discipline=d, decision_date=dt.date(2025, 3, 7))


def test_the_cells_readers_do_not_see_the_decision_paper(member, tree, people, client):
    discipline = _decided_by_the_commune(member, tree)
    paper = IssuedDocument.objects.get(object_id=discipline.pk, kind="QĐ")
    secretary, board = scope_for(people["secretary_a"]), scope_for(people["board"])
    assert paper not in documents.documents_visible_to(secretary)
    assert paper in documents.documents_visible_to(board)
    assert documents.document_get_for(board, paper.pk) == paper
    client.force_login(people["secretary_a"])
    url = reverse("document_download", kwargs={"pk": paper.pk})
    assert client.get(url).status_code == 404
    assert paper.symbol not in client.get(reverse("document_list")).content.decode()
    client.force_login(people["board"])
    assert client.get(url).status_code == 200
