"""The admission pages by role, inside and outside the caller's scope: 404 outside,
read-only roles see but cannot act, refused forms show the error beside the
field and save nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.admissions.models import AdmissionFile, CellVote, RecognitionFile, Stage, StepLog
from dangvien.admissions.tests.factories import cell_with_officials, file_with_dossier, open_file
from dangvien.core.actors import SYSTEM
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world(django_user_model):
    tree = build_tree()
    cell, officials = cell_with_officials(3, cell=tree["cell_a"])
    other, other_officials = cell_with_officials(3, cell=tree["cell_c"])
    users = {
        "secretary": user_with_role(django_user_model, "bithu", Role.CELL_SECRETARY, cell),
        "inspection": user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["commune"]),
        "board": user_with_role(
            django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"]
        ),
        "outsider": user_with_role(django_user_model, "khac", Role.CELL_SECRETARY, other),
    }
    return {"tree": tree, "cell": cell, "officials": officials, "other": other, **users}


def _counts():
    return (
        AdmissionFile.objects.count(),
        CellVote.objects.count(),
        StepLog.objects.count(),
        Member.objects.count(),
        list(AdmissionFile.objects.values_list("stage", flat=True)),
    )


@pytest.mark.parametrize(
    "who,status,acts",
    [
        ("secretary", 200, True),
        ("inspection", 200, False),
        ("board", 200, True),
        ("outsider", 404, False),
    ],
)
def test_file_page_by_role(client, world, who, status, acts):
    file = file_with_dossier(world["cell"], world["officials"])
    client.force_login(world[who])
    page = client.get(reverse("admission_detail", args=[file.pk]))
    assert page.status_code == status
    if status == 200:
        html = page.content.decode()
        assert "Trần Thị Hoa" in html and "01/02/2024" in html
        assert ('id="buoc-bieu-quyet"' in html) is acts


@pytest.mark.parametrize("who,status", [("inspection", 404), ("outsider", 404)])
def test_roles_that_cannot_act_post_nothing(client, world, who, status):
    file = file_with_dossier(world["cell"], world["officials"])
    client.force_login(world[who])
    before = _counts()
    response = client.post(
        reverse("admission_step", args=[file.pk, "bieu-quyet"]),
        {"meeting_date": "07/03/2024", "votes_for": "3"},
    )
    assert response.status_code == status
    assert _counts() == before


def test_list_shows_open_files_and_probationary_members_in_the_subtree(client, world):
    file = open_file(world["cell"])
    outside = open_file(world["other"], given_name="Lan")
    probationary = MemberFactory(
        organization=world["cell"],
        joining_date=D(2026, 1, 9),
        admission_decision_date=D(2026, 1, 2),
        official_date=None,
        given_name="Minh",
    )
    client.force_login(world["inspection"])
    page = client.get(reverse("admission_list") + f"?org={world['tree']['commune'].pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("admission_detail", args=[file.pk]) in html
    assert reverse("admission_detail", args=[outside.pk]) not in html
    assert probationary.full_name in html and "09/01/2027" in html  # probation end
    assert "Hoàn thiện hồ sơ" in html and "09/01/2025" in html  # next step, due date
    assert "Mở hồ sơ kết nạp" not in html  # read-only role
    # Another subtree answers 404.
    other = client.get(reverse("admission_list") + f"?org={world['other'].pk}")
    assert other.status_code == 404


def test_create_page_opens_a_file_and_refusals_show_beside_the_field(client, world):
    client.force_login(world["secretary"])
    url = reverse("admission_create") + f"?org={world['cell'].pk}"
    assert client.get(url).status_code == 200
    data = {
        "family_name": "Phạm",
        "middle_name": "Văn",
        "given_name": "Tú",
        "gender": "M",
        "birth_date": "12/04/1998",
        "education_level": "12/12",
        "meets_education": "on",
        "application_date": "05/01/2024",
        "certificate_number": "55-GCN",
        "certificate_date": "02/01/2019",  # 60 months ended on 02/01/2024
        "opened_on": "08/01/2024",
    }
    before = _counts()
    page = client.post(url, data)
    html = page.content.decode()
    assert page.status_code == 200 and "hết giá trị" in html and "has-error" in html
    assert _counts() == before
    data["certificate_date"] = "02/10/2023"
    response = client.post(url, data)
    file = AdmissionFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "admission_detail", args=[file.pk]
    )


@pytest.mark.parametrize("who", ["inspection", "outsider"])
def test_create_page_is_404_for_readers_and_outsiders(client, world, who):
    client.force_login(world[who])
    assert client.get(reverse("admission_create") + f"?org={world['cell'].pk}").status_code == 404


def test_step_form_error_is_shown_and_nothing_saved(client, world):
    file = file_with_dossier(world["cell"], world["officials"])
    client.force_login(world["secretary"])
    before = _counts()
    page = client.post(
        reverse("admission_step", args=[file.pk, "bieu-quyet"]),
        {"meeting_date": "07/03/2024", "votes_for": "4"},
    )
    html = page.content.decode()
    assert page.status_code == 200 and "lớn hơn số đảng viên chính thức" in html
    assert _counts() == before
    # A step that is not next is refused too.
    page = client.post(
        reverse("admission_step", args=[file.pk, "le-ket-nap"]), {"date": "07/03/2024"}
    )
    assert "Không thể thực hiện bước" in page.content.decode()
    assert _counts() == before


def test_the_path_through_the_pages(client, world):
    cell, officials = world["cell"], world["officials"]
    file = open_file(cell)
    client.force_login(world["secretary"])

    def step(slug, data):
        response = client.post(reverse("admission_step", args=[file.pk, slug]), data)
        assert response.status_code == 302, response.content.decode()[:3000]

    step(
        "ho-so",
        {
            "date": "01/02/2024",
            "cv_verified_on": "25/01/2024",
            "cv_verified_by": "Chi ủy",
            "introduction_kind": "two_members",
            "introducer_1": officials[0].pk,
            "introducer_1_since": "01/01/2020",
            "introducer_2": officials[1].pk,
            "introducer_2_since": "01/01/2020",
            "residence_comment": "Tốt",
            "mass_org_comment": "Tốt",
        },
    )
    step(
        "bieu-quyet", {"meeting_date": "07/03/2024", "votes_for": "2", "signer_name": "Lê Văn Bắc"}
    )
    # The grassroots resolution and the decision belong to the committees above the
    # cell: the organisation board (above them) records them.
    client.force_login(world["board"])
    step("dang-uy", {"date": "14/03/2024", "resolution_number": "12-NQ/ĐU", "agreed": "1"})
    step("quyet-dinh", {"decision_date": "28/03/2024"})
    page = client.get(reverse("admission_detail", args=[file.pk])).content.decode()
    assert "Tải về (.docx)" in page and "Nghị quyết" in page and "Quyết định" in page
    client.force_login(world["secretary"])
    step("le-ket-nap", {"date": "12/04/2024"})
    file.refresh_from_db()
    assert file.stage == Stage.ADMITTED and file.member.joining_date == D(2024, 4, 12)
    rec = RecognitionFile.objects.get(member=file.member)
    page = client.get(reverse("recognition_detail", args=[rec.pk]))
    assert page.status_code == 200 and "12/04/2025" in page.content.decode()
    response = client.post(
        reverse("recognition_step", args=[rec.pk, "bieu-quyet"]),
        {"meeting_date": "15/04/2025", "votes_for": "3", "proposal": "recognise"},
    )
    assert response.status_code == 302
    download = client.get(reverse("document_download", args=[file_documents(file)[0]]))
    assert download.status_code == 200
    client.force_login(world["outsider"])
    assert client.get(reverse("recognition_detail", args=[rec.pk])).status_code == 404
    assert (
        client.get(reverse("document_download", args=[file_documents(file)[0]])).status_code == 404
    )


def file_documents(file):
    from dangvien.documents.selectors import documents_of

    return [d.pk for d in documents_of(file)]


def test_stale_file_page_says_so_and_offers_the_renewal(client, world):
    file = file_with_dossier(world["cell"], world["officials"])  # opened 08/01/2024
    client.force_login(world["secretary"])
    html = client.get(reverse("admission_detail", args=[file.pk])).content.decode()
    assert 'id="stale"' in html and 'id="buoc-ho-so"' in html


def test_recognition_open_due_button(client, world):
    MemberFactory(
        organization=world["cell"],
        joining_date=dt.date.today().replace(day=1) - dt.timedelta(days=340),
        admission_decision_date=D(2025, 1, 2),
        official_date=None,
        given_name="Minh",
    )
    client.force_login(world["secretary"])
    response = client.post(reverse("recognition_open_due"), {"org": world["cell"].pk})
    assert response.status_code == 302 and RecognitionFile.objects.count() == 1
    client.force_login(world["inspection"])
    response = client.post(reverse("recognition_open_due"), {"org": world["cell"].pk})
    assert response.status_code == 404


def test_readmission_page_opens_a_file_for_a_former_member(client, world):
    from dangvien.members import services as member_services
    from dangvien.members.models import EventKind

    former = MemberFactory(organization=world["cell"], given_name="Sơn")
    member_services.member_add_event(
        actor=SYSTEM, member=former, kind=EventKind.NAME_DELETED, date=D(2020, 1, 10), reason="x"
    )
    client.force_login(world["secretary"])
    url = reverse("readmission_create") + f"?org={world['cell'].pk}&dv={former.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "Nguyễn Văn Sơn" in page.content.decode()
    data = {
        "member": former.pk,
        "leaving_category": "abandoned",
        "education_level": "12/12",
        "meets_education": "on",
        "application_date": "05/01/2024",
        "certificate_number": "55-GCN",
        "certificate_date": "02/10/2023",
        "opened_on": "08/01/2024",
    }
    before = _counts()
    page = client.post(url, data)
    assert page.status_code == 200 and "Bỏ sinh hoạt đảng".lower() in page.content.decode()
    assert _counts() == before
    data["leaving_category"] = "other"
    response = client.post(url, data)
    file = AdmissionFile.objects.get()
    assert response.status_code == 302 and file.candidate.former_member == former


def test_a_failed_vote_is_recorded_but_not_announced_as_good_news(client, world):
    file = file_with_dossier(world["cell"], world["officials"][:2])
    client.force_login(world["secretary"])
    response = client.post(
        reverse("admission_step", args=[file.pk, "bieu-quyet"]),
        {"meeting_date": "07/03/2024", "votes_for": "1"},
        follow=True,
    )
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert messages == [("warning", "Đã ghi biểu quyết lần 1: không đạt (1/3 tán thành).")]
    assert CellVote.objects.get(admission=file).passed is False
