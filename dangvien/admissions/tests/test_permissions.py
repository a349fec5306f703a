"""Who may take a step of admission and recognition: the table in the domain
(workflow.ADMISSION / RECOGNITION), checked by the services themselves and shown
by the pages. A refused step writes nothing (every table compared)."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.admissions import services
from dangvien.admissions.models import (
    AdmissionFile,
    Candidate,
    CellVote,
    RecognitionFile,
    Stage,
    StepLog,
)
from dangvien.admissions.tests.factories import (
    MEETING,
    cell_with_officials,
    file_agreed,
    file_with_dossier,
    open_file,
)
from dangvien.admissions.workflow import ADMISSION
from dangvien.compliance.models import Case
from dangvien.compliance.workflow import Body
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.documents.models import IssuedDocument
from dangvien.members.models import Member, MembershipEvent
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.models import Level
from dangvien.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world(django_user_model):
    """province -> grassroots committee -> cell (3 officials); a cell elsewhere."""
    province = OrganizationFactory(name="Đảng bộ tỉnh Hà Tĩnh", level=Level.PROVINCIAL)
    grassroots = OrganizationFactory(
        parent=province, name="Đảng bộ xã Thạch Lạc", level=Level.GRASSROOTS_COMMITTEE
    )
    cell, officials = cell_with_officials(3, parent=grassroots)
    other, _ = cell_with_officials(1, parent=grassroots)
    return {
        "province": province,
        "grassroots": grassroots,
        "cell": cell,
        "other": other,
        "officials": officials,
        "secretary": user_with_role(django_user_model, "bithu", Role.CELL_SECRETARY, cell),
        "office": user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, grassroots),
        "board": user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, province),
        "outsider": user_with_role(django_user_model, "khac", Role.CELL_SECRETARY, other),
    }


def _everything():
    """Every table a step writes, as comparable values."""
    return (
        list(AdmissionFile.objects.order_by("id").values()),
        list(Candidate.objects.order_by("id").values()),
        list(CellVote.objects.order_by("id").values()),
        list(StepLog.objects.order_by("id").values("id", "step", "date", "actor")),
        list(RecognitionFile.objects.order_by("id").values()),
        list(Member.objects.order_by("id").values("id", "status", "version")),
        list(MembershipEvent.objects.order_by("id").values("id", "kind", "date")),
        list(Case.objects.order_by("id").values()),
        list(IssuedDocument.objects.order_by("id").values("id", "symbol")),
    )


def _resolved(world):
    """A file the grassroots committee has resolved on: the decision is next."""
    file = file_agreed(world["cell"], world["officials"])
    services.admission_grassroots_resolve(
        actor=SYSTEM, file=file, date=MEETING + dt.timedelta(days=7), resolution_number="12"
    )
    file.refresh_from_db()
    return file


def _decide(actor, file):
    return services.admission_decide(
        actor=actor,
        file=file,
        decision_date=MEETING + dt.timedelta(days=21),
        decision_number="",
        decided_by="",
        signer_name="Tên do bí thư chi bộ gõ",
    )


def test_the_table_names_the_acting_bodies(world):
    file = _resolved(world)
    assert ADMISSION.acting_organization(file, "cell_vote") == world["cell"]
    assert ADMISSION.acting_organization(file, "escalation") == world["grassroots"]
    assert ADMISSION.acting_organization(file, "grassroots") == world["grassroots"]
    assert ADMISSION.acting_organization(file, "decision") == world["province"]  # R1.10
    assert ADMISSION.step("decision").body == Body.SUPERIOR
    case = Case.objects.get(object_id=file.pk, kind="admission")
    assert (case.step, case.acting_body, case.acting_organization) == (
        "decision",
        Body.SUPERIOR,
        world["province"],
    )


@pytest.mark.parametrize("who", ["secretary", "office"])
def test_a_role_below_the_competent_committee_cannot_decide(world, who):
    file = _resolved(world)
    before = _everything()
    with pytest.raises(DomainError) as err:
        _decide(world[who], file)
    assert err.value.code == "not_acting_body"
    assert (
        "Cấp ủy có thẩm quyền" in err.value.message and "Đảng bộ tỉnh Hà Tĩnh" in err.value.message
    )
    assert _everything() == before
    assert [s.code for s in ADMISSION.open_steps(file, world[who])] == ["close"]


def test_the_competent_committee_decides(world):
    file = _resolved(world)
    assert "decision" in [s.code for s in ADMISSION.open_steps(file, world["board"])]
    _decide(world["board"], file)
    file.refresh_from_db()
    assert file.stage == Stage.DECIDED
    assert file.log.get(step="decision").actor == world["board"]


def test_the_cell_secretary_cannot_resolve_for_the_grassroots_committee(world):
    file = file_agreed(world["cell"], world["officials"])
    before = _everything()
    with pytest.raises(DomainError) as err:
        services.admission_grassroots_resolve(
            actor=world["secretary"], file=file, date=D(2024, 3, 14), resolution_number="1"
        )
    assert err.value.code == "not_acting_body"
    assert _everything() == before
    services.admission_grassroots_resolve(
        actor=world["office"], file=file, date=D(2024, 3, 14), resolution_number="1"
    )


def test_the_grassroots_office_records_the_cells_vote(world):
    file = file_with_dossier(world["cell"], world["officials"])
    assert "cell_vote" in [s.code for s in ADMISSION.open_steps(file, world["office"])]
    vote = services.admission_cell_vote(
        actor=world["office"], file=file, meeting_date=MEETING, votes_for=3
    )
    assert vote.passed
    file.refresh_from_db()
    assert (
        file.stage == Stage.CELL_AGREED and file.log.get(step="cell_vote").actor == world["office"]
    )


def test_another_cells_secretary_cannot_vote_or_open(world):
    file = file_with_dossier(world["cell"], world["officials"])
    before = _everything()
    with pytest.raises(DomainError) as err:
        services.admission_cell_vote(
            actor=world["outsider"], file=file, meeting_date=MEETING, votes_for=3
        )
    assert err.value.code == "not_acting_body"
    with pytest.raises(DomainError) as err:
        open_file(world["cell"], actor=world["outsider"])
    assert err.value.code == "not_acting_body"
    assert _everything() == before


def test_a_step_out_of_order_is_refused_with_its_code(world):
    file = file_with_dossier(world["cell"], world["officials"])
    before = _everything()
    with pytest.raises(DomainError) as err:
        services.admission_ceremony(actor=world["secretary"], file=file, date=MEETING)
    assert err.value.code == "out_of_order"
    assert "Tổ chức lễ kết nạp" in err.value.message
    assert _everything() == before


def test_recognition_decision_is_the_competent_committees(world):
    member = MemberFactory(
        organization=world["cell"],
        joining_date=D(2025, 9, 2),
        admission_decision_date=D(2025, 8, 20),
        official_date=None,
    )
    rec = services.recognition_open(actor=world["secretary"], member=member, on=D(2026, 8, 10))
    services.recognition_cell_vote(
        actor=world["secretary"], file=rec, meeting_date=D(2026, 10, 7), votes_for=3
    )
    services.recognition_grassroots_resolve(
        actor=world["office"], file=rec, date=D(2026, 10, 12), resolution_number="7"
    )
    before = _everything()
    kwargs = dict(
        file=rec, decision_date=D(2026, 11, 2), decision_number="", decided_by="", signer_name="X"
    )
    for who in ("secretary", "office"):
        with pytest.raises(DomainError) as err:
            services.recognition_decide(actor=world[who], **kwargs)
        assert err.value.code == "not_acting_body"
    assert _everything() == before
    services.recognition_decide(actor=world["board"], **kwargs)
    rec.refresh_from_db()
    assert rec.stage == "recognised"


# --- pages ----------------------------------------------------------------------------------


def test_the_page_offers_the_secretary_no_decision_and_refuses_the_post(client, world):
    file = _resolved(world)
    client.force_login(world["secretary"])
    html = client.get(reverse("admission_detail", args=[file.pk])).content.decode()
    assert 'id="buoc-quyet-dinh"' not in html and 'id="buoc-gia-han"' not in html
    before = _everything()
    page = client.post(
        reverse("admission_step", args=[file.pk, "quyet-dinh"]),
        {"decision_date": "28/03/2024", "signer_name": "Tên do bí thư gõ"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="buoc-quyet-dinh"' in html  # the refused form, with the reason
    assert "tài khoản của đồng chí không có quyền ghi" in html
    assert _everything() == before
    client.force_login(world["board"])
    html = client.get(reverse("admission_detail", args=[file.pk])).content.decode()
    assert 'id="buoc-quyet-dinh"' in html


def test_the_page_lets_the_grassroots_office_record_the_vote(client, world):
    file = file_with_dossier(world["cell"], world["officials"])
    client.force_login(world["office"])
    html = client.get(reverse("admission_detail", args=[file.pk])).content.decode()
    assert 'id="buoc-bieu-quyet"' in html
    response = client.post(
        reverse("admission_step", args=[file.pk, "bieu-quyet"]),
        {"meeting_date": "07/03/2024", "votes_for": "3"},
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.stage == Stage.CELL_AGREED


def test_an_unknown_step_slug_is_404(client, world):
    file = open_file(world["cell"])
    client.force_login(world["secretary"])
    response = client.post(reverse("admission_step", args=[file.pk, "khong-co"]), {})
    assert response.status_code == 404
