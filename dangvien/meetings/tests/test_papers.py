"""The papers of a held meeting: the minutes (biên bản, numbered, signed by the
chair and the recorder, with the counts of the roll call) and the resolution
(nghị quyết, numbered, signed for the cell by its secretary, with the tasks
given in it); links on the meeting page only for those who may read them."""

import datetime as dt

import pytest
import time_machine

from dangvien.core.actors import SYSTEM
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.services import document_render
from dangvien.documents.tests.docx_reading import body_text, open_docx
from dangvien.meetings import services
from dangvien.meetings.models import Meeting, Presence
from dangvien.meetings.services import GuestEntry
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.models import CommitteePostKind
from dangvien.organizations.posts import post_assign

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
    services.meeting_notify(
        actor=SYSTEM,
        meeting=meeting,
        notified_on=D(2026, 3, 3),
        documents_posted_on=D(2026, 3, 5),
        agenda="1. Kiểm điểm tháng 2\n2. Nhiệm vụ tháng 3",
        draft_resolution="1. Hoàn thành thu đảng phí quý I\n2. Vận động nhân dân làm đường",
    )
    return meeting


@pytest.fixture
def secretary(tree, cell_members):
    post_assign(
        actor=SYSTEM,
        organization=tree["cell_a"],
        kind=CommitteePostKind.SECRETARY,
        starts_on=D(2020, 1, 1),
        member=cell_members[0],
    )
    return cell_members[0]


def _hold(meeting, members, **extra):
    sick, truant = members[3], members[4]
    marks = {m.pk: (Presence.PRESENT, "") for m in members}
    marks[sick.pk] = (Presence.EXCUSED, "Ốm nằm viện")
    marks[truant.pk] = (Presence.UNEXCUSED, "")
    return services.meeting_hold(
        actor=SYSTEM,
        meeting=meeting,
        held_on=D(2026, 3, 7),
        duration_minutes=125,
        attendance=marks,
        place="Nhà văn hóa thôn",
        chair=members[0],
        recorder=members[1],
        content="Đánh giá kết quả tháng 2",
        opinions="Đồng chí B đề nghị làm sớm",
        conclusions="Thống nhất các nhiệm vụ tháng 3",
        votes_for=3,
        votes_against=0,
        guests=[GuestEntry(name="Lê Văn Khách", title="Phó Bí thư Đảng ủy xã", leader=True)],
        **extra,
    )


def test_holding_issues_numbered_minutes_and_resolution(march, cell_members, secretary):
    meeting = _hold(
        march,
        cell_members,
        resolution="1. Hoàn thành thu đảng phí quý I\n2) Vận động nhân dân làm đường",
    )
    minutes = IssuedDocument.objects.get(pk=meeting.minutes_document_id)
    resolution = IssuedDocument.objects.get(pk=meeting.resolution_document_id)
    assert (minutes.kind, minutes.symbol, minutes.date) == (
        DocumentKind.MINUTES,
        "01-BB/CB",
        D(2026, 3, 7),
    )
    assert (resolution.kind, resolution.symbol) == (DocumentKind.RESOLUTION, "01-NQ/CB")
    assert meeting.resolution_number == "01-NQ/CB"
    assert minutes.subject == meeting and minutes.concerns_path == meeting.cell.path

    text = body_text(open_docx(document_render(minutes)))
    sick, truant = cell_members[3], cell_members[4]
    assert "BIÊN BẢN" in text and "Số 01-BB/CB" in text
    assert "Tổng số đảng viên của chi bộ: 5 đồng chí; phải dự họp: 5 đồng chí." in text
    assert "Có mặt: 3/5 đồng chí phải dự họp (đạt 60%)." in text
    assert f"Vắng có lý do: 1 đồng chí: {sick.full_name} (Ốm nằm viện)." in text
    assert f"Vắng không lý do: 1 đồng chí: {truant.full_name}." in text
    assert "Khách mời: đồng chí Lê Văn Khách, Phó Bí thư Đảng ủy xã." in text
    assert "ngày 07/03/2026, thời lượng 125 phút" in text
    assert "Kiểm điểm tháng 2" in text and "Đồng chí B đề nghị làm sớm" in text
    assert "Biểu quyết thông qua Nghị quyết số 01-NQ/CB: 3/3 đồng chí có mặt tán thành" in text
    # Signed by those who ran the meeting, not for the collective.
    assert "CHỦ TRÌ" in text and "THƯ KÝ" in text and "T/M CHI BỘ" not in text
    assert cell_members[0].full_name in text and cell_members[1].full_name in text
    assert minutes.context["names_missing"] is False

    paper = body_text(open_docx(document_render(resolution)))
    assert "NGHỊ QUYẾT" in paper and "QUYẾT NGHỊ:" in paper
    assert "1. Hoàn thành thu đảng phí quý I" in paper
    assert "2. Vận động nhân dân làm đường" in paper
    assert "T/M CHI BỘ" in paper and "BÍ THƯ" in paper and secretary.full_name in paper
    assert "có mặt: 3 đồng chí, vắng mặt 2 đồng chí" in paper


def test_tasks_given_later_are_printed_in_the_same_resolution(march, cell_members, secretary):
    meeting = _hold(march, cell_members, resolution="Hoàn thành thu đảng phí quý I")
    services.task_add(
        actor=SYSTEM,
        meeting=meeting,
        assignee=cell_members[2],
        content="Thu đảng phí tổ 3",
        due_on=D(2026, 3, 31),
    )
    assert IssuedDocument.objects.filter(kind=DocumentKind.RESOLUTION).count() == 1
    paper = body_text(open_docx(document_render(meeting_resolution(meeting))))
    assert "2. Phân công thực hiện:" in paper
    assert f"- Đồng chí {cell_members[2].full_name}: Thu đảng phí tổ 3" in paper
    assert "(hạn hoàn thành: 31/03/2026)" in paper


def meeting_resolution(meeting):
    meeting.refresh_from_db()
    return IssuedDocument.objects.get(pk=meeting.resolution_document_id)


def test_a_typed_number_or_no_resolution_issues_only_the_minutes(tree, march, cell_members):
    meeting = _hold(march, cell_members, resolution="Làm đường", resolution_number="05-NQ/CB")
    assert meeting.resolution_document_id is None and meeting.minutes_document_id
    text = body_text(open_docx(document_render(IssuedDocument.objects.get(kind="BB"))))
    assert "Nghị quyết số 05-NQ/CB" in text
    # Nobody recorded as chair: a dotted blank to sign by hand, marked missing.
    april = services.meeting_create(
        actor=SYSTEM,
        cell=tree["cell_a"],
        kind="thematic",
        planned_on=D(2026, 3, 9),
        topic="Đạo đức",
    )
    april = services.meeting_hold(
        actor=SYSTEM,
        meeting=april,
        held_on=D(2026, 3, 9),
        duration_minutes=90,
        attendance={m.pk: (Presence.PRESENT, "") for m in cell_members},
    )
    assert april.resolution_document_id is None
    second = IssuedDocument.objects.get(pk=april.minutes_document_id)
    assert second.symbol == "02-BB/CB" and second.context["names_missing"] is True
    assert "......" in body_text(open_docx(document_render(second)))


def test_the_meeting_page_links_the_papers_within_the_scope(
    client, tree, people, march, cell_members, secretary
):
    meeting = _hold(march, cell_members, resolution="Làm đường")
    client.force_login(people["secretary_a"])
    page = client.get(f"/sinh-hoat/{meeting.pk}/").content.decode()
    for document_id in (meeting.minutes_document_id, meeting.resolution_document_id):
        assert _download_url(document_id) in page
    assert client.get(_download_url(meeting.minutes_document_id)).status_code == 200
    client.force_login(people["secretary_b"])
    assert client.get(_download_url(meeting.minutes_document_id)).status_code == 404


def _download_url(document_id):
    from django.urls import reverse

    return reverse("document_download", args=[document_id])


def test_the_roll_call_page_records_chair_recorder_and_resolution(
    client, tree, people, march, cell_members, secretary
):
    client.force_login(people["secretary_a"])
    page = client.get(f"/sinh-hoat/{march.pk}/ghi-ket-qua/").content.decode()
    # The secretary chairs by default; the draft resolution is offered to amend.
    assert f'<option value="{secretary.pk}" selected>' in page
    assert "Vận động nhân dân làm đường" in page
    form = {
        "held_on": "07/03/2026",
        "duration_minutes": "120",
        "chair": str(secretary.pk),
        "recorder": str(cell_members[1].pk),
        "resolution": "Hoàn thành thu đảng phí quý I",
        "votes_for": "5",
        **{f"presence_{m.pk}": Presence.PRESENT for m in cell_members},
    }
    assert client.post(f"/sinh-hoat/{march.pk}/ghi-ket-qua/", form).status_code == 302
    march.refresh_from_db()
    assert (march.chair, march.recorder) == (secretary, cell_members[1])
    assert march.resolution_number == "01-NQ/CB"
    stranger = MemberFactory(organization=tree["cell_b"])
    assert stranger.pk not in {a.member_id for a in march.attendances.all()}
