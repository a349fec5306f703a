"""The REST API: token auth, scoped reads (404 outside), writes through the
services, JSON errors with a Vietnamese message, nothing written on refusal."""

import datetime as dt
import json

import pytest
from django.test import Client

from dangvien.accounts.models import ApiToken, Role
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def tree():
    return build_tree()


def _token(client, username, password="pw-Test-1234"):
    response = client.post(
        f"{API}/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def secretary(client, django_user_model, tree):
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    return _auth(_token(client, "chibo"))


def test_openapi_document_is_published(client):
    doc = client.get(f"{API}/openapi.json").json()
    assert {
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/auth/token",
        "/api/v1/organizations/{org_id}",
    } <= set(doc["paths"])


def test_token_is_stored_only_as_a_digest(client, django_user_model, tree):
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    token = _token(client, "chibo")
    stored = ApiToken.objects.get()
    assert token not in stored.digest and len(stored.digest) == 64


def test_wrong_password_forged_and_expired_tokens(client, django_user_model, tree):
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    wrong = client.post(
        f"{API}/auth/token", {"username": "chibo", "password": "x"}, content_type="application/json"
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    assert "mật khẩu" in wrong.json()["message"]
    assert client.get(f"{API}/members").status_code == 401
    forged = client.get(f"{API}/members", **_auth("forged-token"))
    assert forged.status_code == 401 and forged.json()["code"] == "unauthenticated"
    token = _token(client, "chibo")
    ApiToken.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client.get(f"{API}/members", **_auth(token)).status_code == 401


def test_list_and_detail_stay_in_the_callers_subtree(client, tree, secretary):
    mine = MemberFactory(organization=tree["cell_a"], given_name="Thước")
    other = MemberFactory(organization=tree["cell_b"], given_name="Thước")
    body = client.get(f"{API}/members", {"q": "thuoc"}, **secretary).json()
    assert [i["id"] for i in body["items"]] == [mine.pk]
    item = body["items"][0]
    assert item["full_name"] == "Nguyễn Văn Thước" and item["status"] == "official"
    assert item["organization"] == {"id": tree["cell_a"].pk, "name": "Chi bộ thôn Đông"}
    assert body["next_cursor"] is None
    assert client.get(f"{API}/members/{mine.pk}", **secretary).json()["party_age"]
    for url in (
        f"{API}/members/{other.pk}",
        f"{API}/organizations/{tree['cell_b'].pk}",
        f"{API}/members?org={tree['cell_b'].pk}",
    ):
        response = client.get(url, **secretary)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url


def test_the_member_list_sent_unvalidated_is_what_its_schema_would_send(client, tree, secretary):
    """The list is rendered without ninja's second validation (issue 14): its
    JSON and headers are exactly those the response schema would give."""
    from dangvien.api.api import MemberPage

    MemberFactory(organization=tree["cell_a"], given_name="An", birth_date=dt.date(1980, 2, 29))
    MemberFactory(organization=tree["cell_a"], given_name="Bình", is_exempt=True)
    response = client.get(f"{API}/members", **secretary)
    body = response.json()
    assert len(body["items"]) == 2
    assert MemberPage.model_validate(body).model_dump(mode="json") == body
    assert body["items"][0]["birth_date"] == "1980-02-29"
    detail = client.get(f"{API}/members/{body['items'][0]['id']}", **secretary)
    assert response["Content-Type"] == detail["Content-Type"] == "application/json; charset=utf-8"


def test_keyset_pages(client, tree, secretary):
    for name in ["An", "Bình", "Cường"]:
        MemberFactory(organization=tree["cell_a"], given_name=name)
    first = client.get(f"{API}/members", **secretary).json()
    assert [i["full_name"] for i in first["items"]][:3] == [
        "Nguyễn Văn An",
        "Nguyễn Văn Bình",
        "Nguyễn Văn Cường",
    ]


def test_malformed_id_is_explained(client, secretary):
    response = client.get(f"{API}/members/abc", **secretary)
    assert response.status_code == 422
    assert response.json()["errors"]["member_id"] == ["Phải là số nguyên."]


def test_create_and_patch_with_version(client, tree, secretary):
    payload = {
        "organization": tree["cell_a"].pk,
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Hoa",
        "gender": "F",
        "birth_date": "1990-04-02",
        "admission_decision_date": "2015-03-01",
        "joining_date": "2015-03-10",
    }
    created = client.post(f"{API}/members", payload, content_type="application/json", **secretary)
    assert created.status_code == 201, created.content
    member_id, version = created.json()["id"], created.json()["version"]
    patched = client.patch(
        f"{API}/members/{member_id}",
        {"version": version, "phone": "0912000111"},
        content_type="application/json",
        **secretary,
    )
    assert patched.status_code == 200 and patched.json()["version"] == version + 1
    stale = client.patch(
        f"{API}/members/{member_id}",
        {"version": version, "phone": "0"},
        content_type="application/json",
        **secretary,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Member.objects.get(pk=member_id).phone == "0912000111"


def test_bad_bodies_are_refused_by_field_and_write_nothing(client, tree, secretary):
    url = f"{API}/members"
    cases = [
        ({"organization": tree["cell_a"].pk, "family_name": "Lê"}, 422, "given_name"),
        (
            {
                "organization": tree["cell_a"].pk,
                "family_name": "Lê",
                "given_name": "A",
                "gender": "M",
                "birth_date": "31/02/1990",
            },
            422,
            "birth_date",
        ),
        (
            {
                "organization": tree["cell_a"].pk,
                "family_name": "Lê",
                "given_name": "A",
                "gender": "M",
                "birth_date": "1990-01-01",
                "joining_date": "2010-01-01",
                "citizen_id": "123",
            },
            422,
            "citizen_id",
        ),
        ([1, 2, 3], 422, "organization"),
    ]
    for body, status, field in cases:
        response = client.post(url, body, content_type="application/json", **secretary)
        assert response.status_code == status, (body, response.content)
        assert field in response.json()["errors"], response.json()
    not_json = client.post(url, "{nope", content_type="application/json", **secretary)
    assert not_json.status_code == 400 and not_json.json()["code"] == "bad_request"
    other_cell = {
        "organization": tree["cell_b"].pk,
        "family_name": "Lê",
        "given_name": "A",
        "gender": "M",
        "birth_date": "1990-01-01",
        "joining_date": "2010-01-01",
    }
    assert (
        client.post(url, other_cell, content_type="application/json", **secretary).status_code
        == 404
    )
    assert Member.objects.count() == 0


def test_a_10_mb_body_is_refused(client, tree, secretary):
    huge = json.dumps({"family_name": "x" * (10 * 1024 * 1024)})
    response = client.post(f"{API}/members", huge, content_type="application/json", **secretary)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert Member.objects.count() == 0


def test_organization_with_children(client, tree, django_user_model):
    user_with_role(django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"])
    auth = _auth(_token(Client(), "danguy"))
    body = client.get(f"{API}/organizations/{tree['commune'].pk}", **auth).json()
    assert [c["name"] for c in body["children"]] == ["Chi bộ thôn Đông", "Chi bộ thôn Tây"]
    assert body["parent"] is None  # the province is outside this caller's scope
    assert client.get(f"{API}/organizations/{tree['province'].pk}", **auth).status_code == 404


def test_nul_characters_are_refused_by_field(client, tree, secretary):
    response = client.post(
        f"{API}/auth/token",
        {"username": "a\x00b", "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "username" in response.json()["errors"]
    member = MemberFactory(organization=tree["cell_a"])
    patched = client.patch(
        f"{API}/members/{member.pk}",
        {"version": 1, "phone": "09\x00"},
        content_type="application/json",
        **secretary,
    )
    assert patched.status_code == 422 and "phone" in patched.json()["errors"]
    assert client.get(f"{API}/members", {"q": "a\x00"}, **secretary).status_code in (200, 422)


# --- issue 9 items 5, 10, 18, 19 through the API ----------------------------------


def _new_member(tree, **over):
    payload = {
        "organization": tree["cell_a"].pk,
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Hoa",
        "gender": "F",
        "birth_date": "1990-04-02",
        "admission_decision_date": "2015-03-01",
        "joining_date": "2015-03-10",
    }
    payload.update(over)
    return payload


@pytest.fixture
def board(client, django_user_model, tree):
    user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["cell_a"])
    return _auth(_token(client, "bantc"))


def _rows():
    return list(Member.objects.order_by("pk").values()), Member.history.count()


def test_api_errors_carry_the_domain_code(client, tree, secretary):
    response = client.post(
        f"{API}/members",
        _new_member(tree, given_name="Lan2", phone="abc"),
        content_type="application/json",
        **secretary,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "name_not_letters"
    assert set(body["errors"]) == {"given_name", "phone"}
    assert Member.objects.count() == 0


@pytest.mark.parametrize("field", ["gender", "birth_date"])
def test_patch_with_a_required_field_null_is_a_422_not_a_500(client, tree, secretary, field):
    member = MemberFactory(organization=tree["cell_a"])
    before = _rows()
    response = client.patch(
        f"{API}/members/{member.pk}",
        {"version": member.version, field: None},
        content_type="application/json",
        **secretary,
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == f"{field}_required"
    assert response.json()["errors"][field]
    assert _rows() == before


def test_a_cell_secretary_can_neither_write_nor_probe_the_citizen_id(client, tree, secretary):
    mine = MemberFactory(organization=tree["cell_a"])
    MemberFactory(organization=tree["cell_c"], gender="M", citizen_id="042085000009")
    before = _rows()
    for value in ("042085000009", "042085000001", None):
        response = client.patch(
            f"{API}/members/{mine.pk}",
            {"version": mine.version, "citizen_id": value},
            content_type="application/json",
            **secretary,
        )
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["code"] == "field_not_writable" and "citizen_id" in body["errors"]
        assert "đảng viên khác" not in response.content.decode()
    created = client.post(
        f"{API}/members",
        _new_member(tree, citizen_id="042085000001"),
        content_type="application/json",
        **secretary,
    )
    assert created.status_code == 422 and created.json()["code"] == "field_not_writable"
    assert _rows() == before
    # Nor read it: the record answers without the citizen ID.
    shown = client.get(f"{API}/members/{mine.pk}", **secretary).json()
    assert shown["citizen_id"] is None


def test_a_duplicate_outside_the_callers_scope_is_not_attributed(client, tree, board):
    MemberFactory(
        organization=tree["cell_c"],
        gender="F",
        citizen_id="042190000001",
        party_card_number="42000777",
    )
    before = _rows()
    response = client.post(
        f"{API}/members",
        _new_member(tree, citizen_id="042190000001", party_card_number="42000009"),
        content_type="application/json",
        **board,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "citizen_id_unusable"
    assert "ban tổ chức" in body["errors"]["citizen_id"][0]
    assert "đảng viên khác" not in response.content.decode()
    assert _rows() == before


def test_a_grouped_citizen_id_is_stored_as_digits_found_and_flagged(client, tree, board):
    created = client.post(
        f"{API}/members",
        _new_member(
            tree,
            birth_date="1960-05-01",
            admission_decision_date="1990-03-01",
            joining_date="1990-03-10",
            citizen_id="001 162 012 345",  # digits 4-6: a woman born 1962
        ),
        content_type="application/json",
        **board,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["citizen_id"] == "001162012345"
    assert "1962" in body["citizen_id_mismatch"]
    for q in ("001 162 012 345", "001.162.012.345", "001162"):
        found = client.get(f"{API}/members", {"q": q}, **board).json()
        assert [i["id"] for i in found["items"]] == [body["id"]], q
    # The CV's birth date changes only with the committee's decision.
    refused = client.patch(
        f"{API}/members/{body['id']}",
        {"version": body["version"], "birth_date": "1962-05-01"},
        content_type="application/json",
        **board,
    )
    assert refused.status_code == 422 and refused.json()["code"] == "birth_date_needs_decision"
    accepted = client.patch(
        f"{API}/members/{body['id']}",
        {
            "version": body["version"],
            "birth_date": "1962-05-01",
            "birth_date_decision_number": "12-QĐ/ĐU",
            "birth_date_decision_date": "2026-03-02",
        },
        content_type="application/json",
        **board,
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["birth_date"] == "1962-05-01"
    assert accepted.json()["citizen_id_mismatch"] is None


@pytest.mark.parametrize(
    "field,value", [("citizen_id", "001190000001"), ("party_card_number", "42000001")]
)
def test_repeated_creates_with_one_number_answer_one_201_then_4xx(
    client, tree, board, monkeypatch, field, value
):
    """Ten POSTs with one number: one 201, nine 4xx. The later ones are refused by
    the check, or (as a concurrent one would be, after the check passed) by the
    database's unique constraint: the coded field error either way, never a 500."""
    from dangvien.members import services

    answers = [
        client.post(
            f"{API}/members",
            _new_member(tree, **{field: value}),
            content_type="application/json",
            **board,
        ).status_code
        for _ in range(5)
    ]
    monkeypatch.setattr(services, "member_record_errors", lambda *a, **k: services.Problems())
    for _ in range(5):
        response = client.post(
            f"{API}/members",
            _new_member(tree, **{field: value}),
            content_type="application/json",
            **board,
        )
        answers.append(response.status_code)
        assert response.json()["code"].endswith("_unusable")
        assert field in response.json()["errors"]
    assert answers == [201] + [422] * 9
    assert Member.objects.filter(**{field: value}).count() == 1
