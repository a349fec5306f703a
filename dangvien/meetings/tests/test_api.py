"""The meetings API, from the same table and services as the pages: 404
outside the scope, 403 `not_acting_body` for a role that may not act, 400 out
of order, the roll call refused at the field with nothing written."""

import datetime as dt

import pytest
import time_machine

from dangvien.core.actors import SYSTEM
from dangvien.meetings import services
from dangvien.meetings.models import Attendance, Meeting, MeetingStatus

D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0), tick=False):
        yield


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _state():
    return (
        list(Meeting.objects.order_by("id").values()),
        list(Attendance.objects.order_by("id").values()),
    )


def test_register_and_hold_through_the_api(client, tree, people, schedule, cell_members):
    services.meetings_generate(actor=SYSTEM, month=D(2026, 3, 1))
    meeting = Meeting.objects.get()
    secretary = _bearer(client, people["secretary_a"])
    detail = client.get(f"/api/v1/meetings/{meeting.pk}", **secretary).json()
    assert [s["code"] for s in detail["open_steps"]] == ["register", "hold", "not_held"]

    outsider = _bearer(client, people["secretary_b"])
    before = _state()
    assert client.get(f"/api/v1/meetings/{meeting.pk}", **outsider).status_code == 404
    assert (
        client.post(
            f"/api/v1/meetings/{meeting.pk}/register",
            {"planned_on": "2026-03-07"},
            content_type="application/json",
            **outsider,
        ).status_code
        == 404
    )
    late = client.post(
        f"/api/v1/meetings/{meeting.pk}/register",
        {"planned_on": "2026-03-10", "delay_reason": "Bão"},
        content_type="application/json",
        **secretary,
    )
    assert (late.status_code, late.json()["code"]) == (400, "too_late")
    review = client.post(
        f"/api/v1/meetings/{meeting.pk}/review",
        {"reviewed_on": "2026-03-08", "note": "x"},
        content_type="application/json",
        **_bearer(client, people["office"]),
    )
    assert (review.status_code, review.json()["code"]) == (400, "out_of_order")
    assert _state() == before

    ok = client.post(
        f"/api/v1/meetings/{meeting.pk}/register",
        {"planned_on": "2026-03-07", "registered_on": "2026-03-01"},
        content_type="application/json",
        **secretary,
    )
    assert ok.status_code == 200, ok.content
    marks = [{"member": m.pk, "presence": "present"} for m in cell_members[1:]]
    incomplete = client.post(
        f"/api/v1/meetings/{meeting.pk}/hold",
        {"held_on": "2026-03-07", "duration_minutes": 100, "attendance": marks},
        content_type="application/json",
        **secretary,
    )
    assert incomplete.status_code == 422
    assert cell_members[0].full_name in " ".join(incomplete.json()["errors"]["attendance"])
    assert Attendance.objects.count() == 0
    marks.append({"member": cell_members[0].pk, "presence": "unexcused"})
    held = client.post(
        f"/api/v1/meetings/{meeting.pk}/hold",
        {"held_on": "2026-03-07", "duration_minutes": 100, "attendance": marks},
        content_type="application/json",
        **secretary,
    )
    assert held.status_code == 200, held.content
    body = held.json()
    assert (body["status"], body["expected"], body["present"]) == (MeetingStatus.HELD, 5, 4)
    assert body["flags"] == ["low_attendance", "documents_late"]
    roll = client.get(f"/api/v1/meetings/{meeting.pk}/attendance", **secretary).json()
    assert len(roll) == 5

    overview = client.get(
        f"/api/v1/meetings-overview?org={tree['commune'].pk}&month=2026-03",
        **_bearer(client, people["office"]),
    ).json()
    assert {r["cell"]["name"]: r["status"] for r in overview} == {
        "Chi bộ thôn Đông": "held",
        "Chi bộ thôn Tây": "",
    }


def test_a_month_outside_the_calendar_is_a_422_not_a_500(client, tree, people):
    office = _bearer(client, people["office"])
    for month in ("0000-01", "2026-13", "9999-12"):
        response = client.get(
            f"/api/v1/meetings-overview?org={tree['commune'].pk}&month={month}", **office
        )
        assert response.status_code == 422, month
