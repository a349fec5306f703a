"""The admission and recognition API, built from the workflow tables: scoped
like the pages (404 outside), the acting body checked in the domain (403
`not_acting_body`), steps out of order refused (400 `out_of_order`), and
nothing written on refusal."""

import datetime as dt

import pytest

from dangvien.accounts.models import Role
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
)
from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.documents.models import IssuedDocument
from dangvien.members.models import Member, MembershipEvent
from dangvien.members.tests.factories import user_with_role
from dangvien.organizations.models import Level
from dangvien.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    province = OrganizationFactory(name="Đảng bộ tỉnh Hà Tĩnh", level=Level.PROVINCIAL)
    grassroots = OrganizationFactory(
        parent=province, name="Đảng bộ xã Thạch Lạc", level=Level.GRASSROOTS_COMMITTEE
    )
    cell, officials = cell_with_officials(3, parent=grassroots)
    elsewhere = OrganizationFactory(
        parent=province, name="Đảng bộ xã Khác", level=Level.GRASSROOTS_COMMITTEE
    )
    other, _ = cell_with_officials(1, parent=elsewhere)
    return {
        "province": province,
        "grassroots": grassroots,
        "cell": cell,
        "officials": officials,
        "other": other,
        "secretary": user_with_role(django_user_model, "bithu", Role.CELL_SECRETARY, cell),
        "office": user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, grassroots),
        "board": user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, province),
        "outsider": user_with_role(django_user_model, "khac", Role.CELL_SECRETARY, other),
    }


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _everything():
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


def _post(client, url, data, auth):
    return client.post(url, data, content_type="application/json", **auth)


def test_open_list_detail_and_steps_through_the_api(client, world):
    auth = _bearer(client, world["secretary"])
    created = _post(
        client,
        "/api/v1/admissions",
        {
            "organization": world["cell"].pk,
            "family_name": "Trần",
            "middle_name": "Thị",
            "given_name": "Hoa",
            "gender": "F",
            "birth_date": "1995-04-12",
            "education_level": "12/12",
            "application_date": "2024-01-05",
            "certificate_number": "123-GCN",
            "certificate_date": "2023-10-02",
            "opened_on": "2024-01-08",
        },
        auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["stage"] == Stage.OPENED
    assert body["next"]["step"] == "dossier" and body["next"]["acting_body"] == "cell"
    assert [s["code"] for s in body["open_steps"]] == ["dossier", "close"]
    pk = body["id"]
    listed = client.get(f"/api/v1/admissions?org={world['cell'].pk}", **auth).json()
    assert [x["id"] for x in listed] == [pk]
    officials = world["officials"]
    dossier = _post(
        client,
        f"/api/v1/admissions/{pk}/dossier",
        {
            "date": "2024-02-01",
            "cv_verified_on": "2024-01-25",
            "cv_verified_by": "Chi ủy",
            "introduction_kind": "two_members",
            "introducer_1": officials[0].pk,
            "introducer_1_since": "2020-01-01",
            "introducer_2": officials[1].pk,
            "introducer_2_since": "2020-01-01",
            "residence_comment": "Tốt",
            "mass_org_comment": "Tốt",
        },
        auth,
    )
    assert dossier.status_code == 200, dossier.content
    assert dossier.json()["next"]["detail"] == "lần 1"
    vote = _post(
        client,
        f"/api/v1/admissions/{pk}/cell_vote",
        {"meeting_date": "2024-03-07", "votes_for": 3},
        auth,
    )
    assert vote.status_code == 200, vote.content
    assert vote.json()["stage"] == Stage.CELL_AGREED
    # The secretary's detail offers no step of the committees above.
    detail = client.get(f"/api/v1/admissions/{pk}", **auth).json()
    assert [s["code"] for s in detail["open_steps"]] == ["close"]
    office = _bearer(client, world["office"])
    detail = client.get(f"/api/v1/admissions/{pk}", **office).json()
    assert [s["code"] for s in detail["open_steps"]] == ["grassroots", "close"]


def test_outside_the_scope_is_404_and_writes_nothing(client, world):
    file = file_with_dossier(world["cell"], world["officials"])
    auth = _bearer(client, world["outsider"])
    assert client.get(f"/api/v1/admissions/{file.pk}", **auth).status_code == 404
    before = _everything()
    response = _post(
        client,
        f"/api/v1/admissions/{file.pk}/cell_vote",
        {"meeting_date": "2024-03-07", "votes_for": 3},
        auth,
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert _everything() == before
    listed = client.get("/api/v1/admissions", **auth).json()
    assert listed == []
    assert client.get(f"/api/v1/admissions?org={world['cell'].pk}", **auth).status_code == 404


def test_the_wrong_body_is_403_not_acting_body_and_writes_nothing(client, world):
    file = file_agreed(world["cell"], world["officials"])
    from dangvien.admissions import services

    services.admission_grassroots_resolve(
        actor=SYSTEM, file=file, date=MEETING + dt.timedelta(days=7), resolution_number="12"
    )
    before = _everything()
    for who in ("secretary", "office"):
        response = _post(
            client,
            f"/api/v1/admissions/{file.pk}/decision",
            {"decision_date": "2024-03-28", "signer_name": "Tên do bí thư gõ"},
            _bearer(client, world[who]),
        )
        assert response.status_code == 403, response.content
        body = response.json()
        assert body["code"] == "not_acting_body" and "Đảng bộ tỉnh Hà Tĩnh" in body["message"]
    assert _everything() == before
    response = _post(
        client,
        f"/api/v1/admissions/{file.pk}/decision",
        {"decision_date": "2024-03-28"},
        _bearer(client, world["board"]),
    )
    assert response.status_code == 200 and response.json()["stage"] == Stage.DECIDED


def test_out_of_order_is_400_and_an_unknown_step_404(client, world):
    file = file_with_dossier(world["cell"], world["officials"])
    auth = _bearer(client, world["secretary"])
    before = _everything()
    response = _post(client, f"/api/v1/admissions/{file.pk}/ceremony", {"date": "2024-03-07"}, auth)
    assert response.status_code == 400 and response.json()["code"] == "out_of_order"
    response = _post(client, f"/api/v1/admissions/{file.pk}/khong-co", {}, auth)
    assert response.status_code == 404
    assert _everything() == before


def test_the_grassroots_office_records_the_cells_vote(client, world):
    file = file_with_dossier(world["cell"], world["officials"])
    response = _post(
        client,
        f"/api/v1/admissions/{file.pk}/cell_vote",
        {"meeting_date": "2024-03-07", "votes_for": 3},
        _bearer(client, world["office"]),
    )
    assert response.status_code == 200 and response.json()["stage"] == Stage.CELL_AGREED


def test_recognition_through_the_api(client, world):
    from dangvien.admissions import services
    from dangvien.members.tests.factories import MemberFactory

    member = MemberFactory(
        organization=world["cell"],
        joining_date=dt.date(2025, 9, 2),
        admission_decision_date=dt.date(2025, 8, 20),
        official_date=None,
    )
    rec = services.recognition_open(actor=SYSTEM, member=member, on=dt.date(2026, 8, 10))
    auth = _bearer(client, world["secretary"])
    detail = client.get(f"/api/v1/recognitions/{rec.pk}", **auth).json()
    assert detail["next"]["step"] == "cell_vote"
    assert [s["code"] for s in detail["open_steps"]] == ["cell_vote"]
    listed = client.get(f"/api/v1/recognitions?org={world['cell'].pk}", **auth).json()
    assert [x["id"] for x in listed] == [rec.pk]
    vote = _post(
        client,
        f"/api/v1/recognitions/{rec.pk}/cell_vote",
        {"meeting_date": "2026-10-07", "votes_for": 3, "proposal": "recognise"},
        auth,
    )
    assert vote.status_code == 200, vote.content
    before = _everything()
    refused = _post(
        client,
        f"/api/v1/recognitions/{rec.pk}/grassroots",
        {"date": "2026-10-12", "resolution_number": "7"},
        auth,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_acting_body"
    assert _everything() == before
    done = _post(
        client,
        f"/api/v1/recognitions/{rec.pk}/grassroots",
        {"date": "2026-10-12", "resolution_number": "7"},
        _bearer(client, world["office"]),
    )
    assert done.status_code == 200 and done.json()["stage"] == "grassroots_agreed"
    outsider = _bearer(client, world["outsider"])
    assert client.get(f"/api/v1/recognitions/{rec.pk}", **outsider).status_code == 404
