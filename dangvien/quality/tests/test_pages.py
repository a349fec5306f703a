"""The console and check pages, the API, the daily snapshot command and the demo:
a role sees its subtree only (404 outside, and for a member without a staff
role); checks that show citizen IDs only for the board and the inspection
committee; reading writes nothing."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from dangvien.members.models import Member
from dangvien.members.tests.factories import Role, user_with_role
from dangvien.quality.demo import demo_quality
from dangvien.quality.models import QualitySnapshot

from .conftest import TODAY, make_member

JSON = "application/json"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def findings(tree, complete):
    a = make_member(tree["cell_a"], 10, citizen_id=None)
    b = make_member(tree["cell_c"], 11, citizen_id=None)
    return a, b


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type=JSON,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_the_office_sees_its_subtree_counts_and_the_rows(client, tree, findings, django_user_model):
    office = user_with_role(django_user_model, "office", Role.GRASSROOTS_OFFICE, tree["commune"])
    client.force_login(office)
    page = client.get(f"/chat-luong-du-lieu/?org={tree['commune'].pk}")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Chưa có số CCCD" in body and "Chi bộ thôn Đông" in body
    assert "Năm sinh trong CCCD khác lý lịch" not in body  # sensitive: the board only
    rows = client.get(f"/chat-luong-du-lieu/citizen_id_missing/?org={tree['commune'].pk}")
    text = rows.content.decode()
    assert rows.status_code == 200
    assert findings[0].full_name in text and 'id="total">1<' in text
    assert client.get(f"/chat-luong-du-lieu/?org={tree['agency'].pk}").status_code == 404
    sensitive = f"/chat-luong-du-lieu/citizen_id_year_mismatch/?org={tree['commune'].pk}"
    assert client.get(sensitive).status_code == 404
    assert client.get(f"/chat-luong-du-lieu/nothing/?org={tree['commune'].pk}").status_code == 404


def test_the_board_sees_the_sensitive_checks(client, tree, findings, django_user_model):
    board = user_with_role(django_user_model, "board", Role.ORGANISATION_BOARD, tree["province"])
    client.force_login(board)
    page = client.get("/chat-luong-du-lieu/")
    assert page.status_code == 200
    assert "Năm sinh trong CCCD khác lý lịch" in page.content.decode()
    url = f"/chat-luong-du-lieu/citizen_id_year_mismatch/?org={tree['province'].pk}"
    assert client.get(url).status_code == 200


def test_a_member_without_a_staff_role_does_not_reach_the_console(
    client, tree, findings, django_user_model
):
    user = user_with_role(django_user_model, "member", Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=findings[0].pk).update(user=user)
    client.force_login(user)
    assert client.get("/chat-luong-du-lieu/").status_code == 404
    assert client.get(f"/chat-luong-du-lieu/?org={tree['cell_a'].pk}").status_code == 404


def test_the_api_gives_counts_and_rows_in_scope_only(client, tree, findings, django_user_model):
    office = user_with_role(django_user_model, "office", Role.GRASSROOTS_OFFICE, tree["commune"])
    auth = _bearer(client, office)
    counts = client.get(f"/api/v1/quality/{tree['commune'].pk}", **auth)
    assert counts.status_code == 200
    data = counts.json()
    by_code = {x["code"]: x for x in data["checks"]}
    assert by_code["citizen_id_missing"]["total"] == 1
    assert by_code["citizen_id_missing"]["by_child"] == {str(tree["cell_a"].pk): 1}
    assert "citizen_id_year_mismatch" not in by_code
    assert data["members"] == 3 and data["citizen_id_coverage"] == pytest.approx(2 / 3)
    rows = client.get(f"/api/v1/quality/{tree['commune'].pk}/citizen_id_missing", **auth)
    assert rows.status_code == 200
    assert [r["member"]["id"] for r in rows.json()["rows"]] == [findings[0].pk]
    assert rows.json()["rows"][0]["fixer_organization"]["id"] == tree["cell_a"].pk
    assert client.get(f"/api/v1/quality/{tree['agency'].pk}", **auth).status_code == 404
    far = f"/api/v1/quality/{tree['commune'].pk}/citizen_id_missing?page=5"
    assert client.get(far, **auth).status_code == 400


def test_the_snapshot_command_keeps_the_counts_and_reruns_in_place(tree, findings):
    call_command("quality_snapshot", organization=tree["province"].code, date="19/03/2026")
    call_command("quality_snapshot", organization=tree["province"].code, date="19/03/2026")
    rows = QualitySnapshot.objects.filter(date=dt.date(2026, 3, 19))
    assert rows.count() == 3 * 10  # province + two children, each check once
    mine = rows.get(organization=tree["province"], check_code="citizen_id_missing")
    assert (mine.count, mine.members) == (2, 5)
    assert rows.get(organization=tree["agency"], check_code="citizen_id_missing").count == 1


def test_the_console_shows_the_trend(client, tree, findings, django_user_model):
    call_command("quality_snapshot", organization=tree["province"].code, date="19/03/2026")
    board = user_with_role(django_user_model, "board", Role.ORGANISATION_BOARD, tree["province"])
    client.force_login(board)
    body = client.get(f"/chat-luong-du-lieu/?org={tree['province'].pk}").content.decode()
    assert "19/03/2026" in body


def test_the_demo_has_real_findings_and_a_snapshot(tree, complete):
    make_member(tree["cell_b"], 20)
    make_member(tree["cell_b"], 21)
    make_member(tree["cell_b"], 22)
    first = demo_quality(TODAY)
    assert first.without_citizen_id == 3
    assert first.duplicates == 2
    assert first.year_mismatches == 1
    assert first.snapshot_rows == 30
    members = Member.objects.count()
    again = demo_quality(TODAY)
    assert Member.objects.count() == members
    assert (again.without_citizen_id, again.duplicates, again.year_mismatches) == (3, 2, 1)
