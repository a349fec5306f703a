"""The page of an organisation's posts: read within the scope, recorded by the
office above a cell, kept with its history (issue 9.3)."""

import datetime as dt

import pytest

from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.models import CommitteePost, CommitteePostKind
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return build_tree()


def _url(org):
    return f"/to-chuc/{org.pk}/chuc-vu/"


def test_the_office_records_a_cells_secretary_and_the_page_shows_the_signer(
    client, django_user_model, tree
):
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    member = MemberFactory(organization=tree["cell_a"], given_name="Thước")
    client.force_login(office)
    response = client.post(
        _url(tree["cell_a"]),
        {
            "action": "assign",
            "giao-kind": CommitteePostKind.SECRETARY,
            "giao-member": str(member.pk),
            "giao-rank": "1",
            "giao-starts_on": "01.10.2025",
        },
    )
    assert response.status_code == 302
    post = CommitteePost.objects.get()
    assert (post.member, post.name, post.starts_on) == (
        member,
        "Nguyễn Văn Thước",
        dt.date(2025, 10, 1),
    )
    assert post.history.get().history_user == office
    page = client.get(_url(tree["cell_a"])).content.decode()
    assert "T/M CHI BỘ" in page and "Nguyễn Văn Thước" in page
    # Ending the post keeps the row and its history.
    response = client.post(
        _url(tree["cell_a"]),
        {"action": "end", "thoi-post": str(post.pk), "thoi-ends_on": "31/12/2026"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.ends_on == dt.date(2026, 12, 31) and post.history.count() == 2
    # A bad date names the format.
    page = client.post(
        _url(tree["cell_a"]),
        {
            "action": "assign",
            "giao-kind": "secretary",
            "giao-name": "A B",
            "giao-rank": "1",
            "giao-starts_on": "31/02/2026",
        },
    ).content.decode()
    assert "ngày/tháng/năm" in page


def test_outside_the_scope_is_404_and_a_cell_secretary_only_reads(client, django_user_model, tree):
    secretary = user_with_role(django_user_model, "cb", Role.CELL_SECRETARY, tree["cell_a"])
    client.force_login(secretary)
    assert client.get(_url(tree["cell_c"])).status_code == 404
    assert client.get(_url(tree["commune"])).status_code == 404
    page = client.get(_url(tree["cell_a"]))
    assert page.status_code == 200 and "Chưa ghi bí thư" in page.content.decode()
    response = client.post(
        _url(tree["cell_a"]),
        {
            "action": "assign",
            "giao-kind": "secretary",
            "giao-name": "Tự Ghi",
            "giao-rank": "1",
            "giao-starts_on": "01/01/2026",
        },
    )
    assert response.status_code == 404
    assert not CommitteePost.objects.exists()


def test_the_organisation_page_links_to_its_posts(client, django_user_model, tree):
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    client.force_login(office)
    page = client.get(f"/to-chuc/{tree['commune'].pk}/").content.decode()
    assert _url(tree["commune"]) in page
