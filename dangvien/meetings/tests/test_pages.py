"""The meeting pages as their users see them: the secretary's calendar and
roll call, the committee's overview, the member's own page; 404 outside."""

import datetime as dt

import pytest
import time_machine

from dangvien.core.actors import SYSTEM
from dangvien.meetings import services
from dangvien.meetings.models import Attendance, Meeting, MeetingStatus, Presence
from dangvien.members.tests.factories import Role, user_with_role

D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0), tick=False):
        yield


@pytest.fixture
def march(tree, schedule):
    services.meetings_generate(actor=SYSTEM, month=D(2026, 3, 1))
    meeting = Meeting.objects.get(cell=tree["cell_a"])
    services.meeting_register(
        actor=SYSTEM, meeting=meeting, planned_on=D(2026, 3, 7), registered_on=D(2026, 3, 1)
    )
    return meeting


def test_the_secretary_takes_the_roll_on_one_screen(client, tree, people, cell_members, march):
    client.force_login(people["secretary_a"])
    page = client.get(f"/sinh-hoat/?org={tree['cell_a'].pk}")
    assert page.status_code == 200
    assert f"/sinh-hoat/{march.pk}/" in page.content.decode()
    hold = client.get(f"/sinh-hoat/{march.pk}/ghi-ket-qua/")
    assert hold.status_code == 200
    body = hold.content.decode()
    assert all(m.full_name in body for m in cell_members)

    absent = cell_members[0]
    form = {
        "held_on": "07/03/2026",
        "duration_minutes": "60",
        "content": "Kiểm điểm tháng 2",
        **{f"presence_{m.pk}": Presence.PRESENT for m in cell_members[1:]},
        f"presence_{absent.pk}": Presence.EXCUSED,
        f"reason_{absent.pk}": "",
    }
    refused = client.post(f"/sinh-hoat/{march.pk}/ghi-ket-qua/", form)
    assert refused.status_code == 200
    assert "vắng có lý do: ghi lý do" in refused.content.decode()
    assert Attendance.objects.count() == 0

    form[f"reason_{absent.pk}"] = "Đi công tác"
    done = client.post(f"/sinh-hoat/{march.pk}/ghi-ket-qua/", form)
    assert done.status_code == 302
    march.refresh_from_db()
    assert march.status == MeetingStatus.HELD
    assert march.flags == "short,low_attendance,documents_late"  # 60 min, 4/5, no documents
    assert Attendance.objects.filter(presence=Presence.PRESENT).count() == 4
    detail = client.get(f"/sinh-hoat/{march.pk}/").content.decode()
    assert "Thời lượng dưới mức tối thiểu" in detail
    # Held: the roll-call page is no longer offered.
    assert client.get(f"/sinh-hoat/{march.pk}/ghi-ket-qua/").status_code == 404


def test_outside_the_subtree_every_meeting_page_is_404(client, tree, people, march):
    client.force_login(people["secretary_b"])
    for url in (
        f"/sinh-hoat/{march.pk}/",
        f"/sinh-hoat/{march.pk}/ghi-ket-qua/",
        f"/sinh-hoat/?org={tree['cell_a'].pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/sinh-hoat/{march.pk}/nhiem-vu/", {}).status_code == 404
    march.refresh_from_db()
    assert march.status == MeetingStatus.REGISTERED


def test_the_committee_sees_its_cells_for_the_month(client, tree, people, march):
    client.force_login(people["office"])
    page = client.get(f"/sinh-hoat/?org={tree['commune'].pk}&thang=03/2026")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Chi bộ thôn Đông" in body and "Chi bộ thôn Tây" in body
    assert "Chưa có buổi sinh hoạt trong tháng" in body
    assert "0/2 chi bộ" in body


def test_the_member_sees_their_meetings_and_the_agenda(
    client, tree, people, cell_members, march, django_user_model
):
    member = cell_members[0]
    user = user_with_role(django_user_model, "dv", Role.MEMBER, tree["cell_a"])
    type(member).objects.filter(pk=member.pk).update(user=user)
    services.meeting_notify(
        actor=SYSTEM,
        meeting=march,
        notified_on=D(2026, 3, 5),
        documents_posted_on=D(2026, 3, 5),
        agenda="Học tập Chỉ thị 50",
    )
    client.force_login(user)
    page = client.get("/sinh-hoat/cua-toi/?nam=2026")
    assert page.status_code == 200
    assert "Học tập Chỉ thị 50" in page.content.decode()
    assert client.get(f"/sinh-hoat/{march.pk}/ghi-ket-qua/").status_code == 404


def test_bad_input_on_the_pages_is_never_a_server_error(
    client, tree, people, march, django_user_model
):
    inspector = user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["commune"])
    client.force_login(inspector)
    # A read-only role posting a form it is not offered: 404, nothing written.
    for form in ("create", "schedule", "other"):
        response = client.post(
            f"/sinh-hoat/?org={tree['cell_a'].pk}",
            {"form": form, "kind": "thematic", "planned_on": "20/03/2026", "topic": "X"},
        )
        assert response.status_code == 404, form
    assert Meeting.objects.count() == 1
    client.force_login(people["office"])
    for month in ("12/9999", "01/1", "abc", "13/2026"):
        page = client.get(f"/sinh-hoat/?org={tree['commune'].pk}&thang={month}")
        assert page.status_code == 200, month
    assert client.get(f"/sinh-hoat/?org={tree['cell_a'].pk}&nam=abc").status_code == 200


def test_a_past_month_without_its_result_is_overdue_not_upcoming(client, tree, people, march):
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, 0), tick=False):
        services.meetings_generate(actor=SYSTEM, month=D(2026, 4, 1))
        april = Meeting.objects.get(cell=tree["cell_a"], month=D(2026, 4, 1))
        client.force_login(people["secretary_a"])
        body = client.get(f"/sinh-hoat/?org={tree['cell_a'].pk}").content.decode()
    overdue = body.split('id="overdue-meetings"')[1].split("</section>")[0]
    upcoming = body.split('id="next-meeting"')[1].split("</section>")[0]
    assert f"/sinh-hoat/{march.pk}/" in overdue and "03/2026" in overdue
    assert f"/sinh-hoat/{april.pk}/" in upcoming and f"/sinh-hoat/{march.pk}/" not in upcoming
    # In March itself the same meeting is the upcoming one and nothing is overdue.
    client.force_login(people["secretary_a"])
    body = client.get(f"/sinh-hoat/?org={tree['cell_a'].pk}").content.decode()
    assert 'id="overdue-meetings"' not in body
    assert f"/sinh-hoat/{march.pk}/" in body.split('id="next-meeting"')[1].split("</section>")[0]
