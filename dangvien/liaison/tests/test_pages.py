"""The pages by role: inside and outside the scope (404), read-only roles see
but cannot act, a refused step shows its error beside the field and saves
nothing, a valid step moves the file on."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.liaison import services
from dangvien.liaison.models import (
    Exemption,
    ExemptionStatus,
    ResidenceLiaison,
    ResidenceStatus,
    WorkingAway,
)
from dangvien.members.tests.factories import MemberFactory, user_with_role

from .conftest import worker

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def users(django_user_model, tree):
    return {
        "secretary": user_with_role(
            django_user_model, "bithu_a", Role.CELL_SECRETARY, tree["cell_a"]
        ),
        "other": user_with_role(django_user_model, "bithu_b", Role.CELL_SECRETARY, tree["cell_b"]),
        "inspection": user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["province"]),
    }


def _as(client, user):
    client.force_login(user)
    return client


def _exemption(member):
    return services.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        ground="working_away",
        applied_on=D(2024, 1, 10),
        start=D(2024, 1, 10),
        end=D(2024, 6, 30),
    )


def test_exemption_pages_by_role(client, tree, users, member):
    exemption = _exemption(member)
    detail = reverse("exemption_detail", args=[exemption.pk])
    listing = reverse("exemption_list") + f"?org={tree['cell_a'].pk}"
    _as(client, users["secretary"])
    page = client.get(detail).content.decode()
    assert member.full_name in page and 'name="step" value="decide"' in page
    assert "10/01/2024" in page
    assert client.get(listing).status_code == 200
    _as(client, users["other"])
    assert client.get(detail).status_code == 404
    assert client.get(listing).status_code == 404
    assert client.get(reverse("exemption_create") + f"?member={member.pk}").status_code == 404
    _as(client, users["inspection"])
    page = client.get(detail).content.decode()
    assert member.full_name in page and 'name="step"' not in page
    response = client.post(
        detail, {"step": "decide", "decided_on": "15/01/2024", "resolution_number": "1"}
    )
    assert response.status_code == 404
    assert Exemption.objects.get().status == ExemptionStatus.APPLIED
    assert client.get(reverse("exemption_create") + f"?member={member.pk}").status_code == 404
    assert client.get(reverse("exemption_detail", args=["abc"])).status_code == 404


def test_refused_step_shows_the_error_beside_the_field_and_saves_nothing(client, users, member):
    exemption = _exemption(member)
    _as(client, users["secretary"])
    response = client.post(
        reverse("exemption_detail", args=[exemption.pk]),
        {"step": "decide", "decided_on": "09/01/2024", "resolution_number": "05-NQ/CB"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error-decide-decided_on"' in page and "10/01/2024" in page
    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.APPLIED and not exemption.resolution_number
    response = client.post(
        reverse("exemption_detail", args=[exemption.pk]),
        {"step": "decide", "decided_on": "15/01/2024", "resolution_number": "05-NQ/CB"},
    )
    assert response.status_code == 302
    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.DECIDED
    member.refresh_from_db()
    assert member.is_exempt


def test_exemption_create_from_the_member(client, users, member):
    _as(client, users["secretary"])
    url = reverse("exemption_create") + f"?member={member.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "exemption",
            "ground": "poor_health",
            "treatment_months": "2",
            "applied_on": "01/03/2024",
            "start": "01/03/2024",
        },
    )
    assert response.status_code == 200
    assert 'id="error-treatment_months"' in response.content.decode()
    assert Exemption.objects.count() == 0
    response = client.post(
        url,
        {
            "kind": "exemption",
            "ground": "poor_health",
            "treatment_months": "3",
            "applied_on": "01/03/2024",
            "start": "01/03/2024",
        },
    )
    assert response.status_code == 302
    assert Exemption.objects.get().member_id == member.pk


def test_working_away_list_shows_counts_and_lists(client, tree, users, places):
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(3)]
    files = []
    for m in members:
        wa = services.working_away_report(actor=SYSTEM, member=m, reported_on=D(2024, 1, 5))
        files.append(
            services.working_away_review(
                actor=SYSTEM,
                working_away=wa,
                reviewed_on=D(2024, 1, 6),
                committee_reported_on=D(2024, 1, 7),
            )
        )
    services.working_away_register_destination(
        actor=SYSTEM,
        working_away=files[0],
        registered_on=D(2024, 1, 8),
        province=places["province"],
        commune=places["home"],
        employer="Công ty May 10",
    )
    _as(client, users["secretary"])
    page = client.get(reverse("working_away_list") + f"?org={tree['cell_a'].pk}").content.decode()
    assert 'id="not-declared-count">2/3<' in page
    assert 'id="not-declared-percent">66,7%' in page
    assert 'id="silent-count">3<' in page  # nothing heard since January 2024
    detail = client.get(reverse("working_away_detail", args=[files[0].pk])).content.decode()
    assert "Công ty May 10" in detail and 'value="contact"' in detail
    response = client.post(
        reverse("working_away_detail", args=[files[0].pk]),
        {"step": "contact", "date": "01/02/2024", "kind": "dues", "amount": ""},
    )
    assert response.status_code == 200 and 'id="error-contact-amount"' in response.content.decode()
    assert not files[0].contacts.exists()
    _as(client, users["other"])
    assert client.get(reverse("working_away_detail", args=[files[0].pk])).status_code == 404
    assert client.get(reverse("working_away_list") + f"?org={tree['cell_a'].pk}").status_code == 404


def test_working_away_create(client, users, member):
    _as(client, users["secretary"])
    url = reverse("working_away_create") + f"?member={member.pk}"
    response = client.post(url, {"reported_on": "05/01/2024", "report_text": "Đi làm xa"})
    assert response.status_code == 302
    assert WorkingAway.objects.get().member_id == member.pk


def test_residence_pages_from_both_sides(client, django_user_model, residence_tree, places):
    tree = residence_tree
    member = worker(tree, places)
    work = user_with_role(django_user_model, "bithu_c", Role.CELL_SECRETARY, tree["cell_c"])
    home = user_with_role(django_user_model, "dangu_xa", Role.GRASSROOTS_OFFICE, tree["commune"])
    stranger = user_with_role(django_user_model, "bithu_b", Role.CELL_SECRETARY, tree["cell_b"])
    _as(client, work)
    listing = client.get(reverse("residence_list") + f"?org={tree['cell_c'].pk}").content.decode()
    assert 'id="never-count">1<' in listing
    create = reverse("residence_create") + f"?member={member.pk}"
    assert tree["commune"].name in client.get(create).content.decode()
    response = client.post(
        create, {"step": "introduce", "introduced_on": "10/01/2024", "letter_number": "12"}
    )
    assert response.status_code == 302
    liaison = ResidenceLiaison.objects.get()
    detail = reverse("residence_detail", args=[liaison.pk])
    page = client.get(detail).content.decode()
    assert 'value="receive"' not in page and 'value="end"' in page  # the workplace cannot receive
    assert client.post(detail, {"step": "receive", "received_on": "15/01/2024"}).status_code == 404
    _as(client, stranger)
    assert client.get(detail).status_code == 404
    _as(client, home)
    assert 'value="receive"' in client.get(detail).content.decode()
    assert client.post(detail, {"step": "receive", "received_on": "15/01/2024"}).status_code == 302
    response = client.post(
        detail, {"step": "assign", "assigned_on": "20/01/2024", "cell": tree["cell_c"].pk}
    )
    assert response.status_code == 200 and ResidenceLiaison.objects.get().status == (
        ResidenceStatus.RECEIVED
    )
    response = client.post(
        detail, {"step": "assign", "assigned_on": "20/01/2024", "cell": tree["cell_a"].pk}
    )
    assert response.status_code == 302
    year = dt.date.today().year
    response = client.post(
        detail,
        {
            "step": "comment",
            "year": str(year),
            "purpose": "yearly",
            "commented_on": dt.date.today().strftime("%d/%m/%Y"),
            "text": "Gương mẫu",
        },
    )
    assert response.status_code == 302
    response = client.post(
        detail,
        {
            "step": "comment",
            "year": str(year),
            "purpose": "yearly",
            "commented_on": dt.date.today().strftime("%d/%m/%Y"),
            "text": "Lần hai",
        },
    )
    assert response.status_code == 200 and 'id="error-comment-year"' in response.content.decode()
    cell_page = client.get(reverse("residence_cell", args=[tree["cell_a"].pk])).content.decode()
    assert member.full_name in cell_page and 'value="meeting"' in cell_page
    _as(client, work)  # the workplace reads the comment at grading time
    assert "Gương mẫu" in client.get(detail).content.decode()
    assert client.get(reverse("residence_cell", args=[tree["cell_a"].pk])).status_code == 404


def test_issued_resolution_is_linked_for_download(client, users, member):
    exemption = _exemption(member)
    _as(client, users["secretary"])
    detail = reverse("exemption_detail", args=[exemption.pk])
    response = client.post(
        detail, {"step": "decide", "decided_on": "15/01/2024", "resolution_number": ""}
    )
    assert response.status_code == 302
    exemption.refresh_from_db()
    page = client.get(detail).content.decode()
    link = reverse("document_download", args=[exemption.resolution_document_id])
    assert 'id="resolution-download"' in page and link in page
    assert client.get(link).status_code == 200
    _as(client, users["other"])
    assert client.get(link).status_code == 404


def test_exemption_list_shows_overdue_returns_and_opens_new_files(client, tree, users, member):
    exemption = _exemption(member)  # temporary, until 30/06/2024: overdue today
    services.exemption_decide(
        actor=SYSTEM, exemption=exemption, decided_on=D(2024, 1, 15), resolution_number="5"
    )
    _as(client, users["secretary"])
    page = client.get(reverse("exemption_list") + f"?org={tree['cell_a'].pk}").content.decode()
    assert 'id="overdue-count">1<' in page and "30/06/2024" in page
    assert 'id="pick-member"' in page and f'value="{member.pk}"' in page
    _as(client, users["inspection"])  # reads the list, cannot open files
    page = client.get(reverse("exemption_list") + f"?org={tree['cell_a'].pk}").content.decode()
    assert 'id="overdue-count">1<' in page and 'id="pick-member"' not in page


def test_read_only_role_sees_working_away_and_residence_files_without_forms(
    client, residence_tree, users, places, member
):
    wa = services.working_away_report(actor=SYSTEM, member=member, reported_on=D(2024, 1, 5))
    liaison = services.residence_introduce(
        actor=SYSTEM, member=worker(residence_tree, places), introduced_on=D(2024, 1, 10)
    )
    _as(client, users["inspection"])
    for url in (
        reverse("working_away_detail", args=[wa.pk]),
        reverse("residence_detail", args=[liaison.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and 'name="step"' not in page.content.decode()
    response = client.post(
        reverse("working_away_detail", args=[wa.pk]),
        {"step": "review", "reviewed_on": "06/01/2024", "committee_reported_on": "07/01/2024"},
    )
    assert response.status_code == 404
    assert WorkingAway.objects.get().status == "reported"
    response = client.post(
        reverse("residence_detail", args=[liaison.pk]),
        {"step": "receive", "received_on": "15/01/2024"},
    )
    assert response.status_code == 404
    assert ResidenceLiaison.objects.get().status == ResidenceStatus.INTRODUCED
    assert client.get(reverse("residence_create") + f"?member={member.pk}").status_code == 404
    listing = client.get(reverse("residence_list") + f"?org={residence_tree['province'].pk}")
    assert listing.status_code == 200 and 'id="not-received-count">1<' in listing.content.decode()


def test_residence_list_with_a_residence_outside_the_installation_for_every_role(
    client, django_user_model, residence_tree, places
):
    """Issue 9 item 19: a member introduced to a committee outside the
    installation (no organisation here) made the list answer 500 above the cell."""
    tree = residence_tree
    waiting = worker(tree, places, commune="elsewhere", street="Số 7")
    services.residence_introduce(actor=SYSTEM, member=waiting, introduced_on=D(2024, 1, 10))
    placed = worker(tree, places, commune="elsewhere", street="Số 8")
    liaison = services.residence_introduce(
        actor=SYSTEM, member=placed, introduced_on=D(2024, 1, 10)
    )
    services.residence_receive(actor=SYSTEM, liaison=liaison, received_on=D(2024, 1, 15))
    services.residence_assign(
        actor=SYSTEM, liaison=liaison, assigned_on=D(2024, 1, 20), outside_cell="Chi bộ tổ 5"
    )
    roles = [
        (Role.CELL_SECRETARY, "cell_c"),
        (Role.GRASSROOTS_OFFICE, "agency"),
        (Role.GRASSROOTS_OFFICE, "commune"),
        (Role.ORGANISATION_BOARD, "province"),
        (Role.INSPECTION, "province"),
        (Role.SYSTEM_ADMIN, "province"),
    ]
    for n, (role, key) in enumerate(roles):
        _as(client, user_with_role(django_user_model, f"u{n}", role, tree[key]))
        for org_key in ("province", "agency", "cell_c", "commune"):
            if not tree[org_key].path.startswith(tree[key].path):
                continue
            response = client.get(reverse("residence_list") + f"?org={tree[org_key].pk}")
            assert response.status_code == 200, (role, org_key)
            page = response.content.decode()
            if org_key != "commune":
                assert places["elsewhere"].name in page and "Chi bộ tổ 5" in page
        detail = client.get(reverse("residence_detail", args=[liaison.pk]))
        if key == "commune":  # the residence side here: the file lies elsewhere
            assert detail.status_code == 404
        else:
            assert detail.status_code == 200 and "Chi bộ tổ 5" in detail.content.decode()


def test_residence_list_year_is_chosen_and_the_list_is_paged(
    client, residence_tree, users, places, monkeypatch
):
    from dangvien.liaison import rules as liaison_rules
    from dangvien.liaison import selectors as liaison_selectors

    tree = residence_tree
    for n in range(3):
        services.residence_introduce(
            actor=SYSTEM,
            member=worker(tree, places, street=f"Số {n}"),
            introduced_on=D(2024, 1, 10),
        )
    monkeypatch.setattr(liaison_selectors, "RESIDENCE_PAGE_SIZE", 2)
    _as(client, users["inspection"])
    url = reverse("residence_list") + f"?org={tree['agency'].pk}"
    page = client.get(url).content.decode()
    graded = liaison_rules.year_being_graded(dt.date.today())
    assert f"Chưa có nhận xét của nơi cư trú năm {graded}" in page
    assert 'id="open-count">3<' in page and "Hồ sơ 1–2 trên tổng số 3" in page
    assert 'id="next-page"' in page
    next_url = page.split('id="next-page"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(next_url.replace("&amp;", "&")).content.decode()
    assert "Hồ sơ 3–3 trên tổng số 3" in second and 'id="next-page"' not in second
    assert 'id="first-page"' in second
    page = client.get(url + "&nam=2024").content.decode()
    assert "Chưa có nhận xét của nơi cư trú năm 2024" in page
    assert '<option value="2024" selected>' in page
    response = client.get(url + "&nam=abc")
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()
