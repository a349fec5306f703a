"""Administration in Vietnamese (issue 15 part 5): the organisation board sets
up its subtree (create, rename, move, merge, dissolve as dated events), creates
accounts and grants and revokes roles; everyone else gets 404; bad input is
shown at its field and changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dangvien.accounts.models import RoleGrant, SecurityEvent
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.models import Organization, OrganizationEvent
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _post(client, org, action, **data):
    payload = {"action": action, **{f"{action}-{k}": v for k, v in data.items()}}
    return client.post(reverse("organization_admin", args=[org.pk]), payload)


@pytest.fixture
def board(client, django_user_model):
    tree = build_tree()
    client.force_login(
        user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    )
    return tree, client


def test_the_board_creates_renames_and_moves_organisations_as_dated_events(board):
    tree, client = board
    response = _post(
        client,
        tree["commune"],
        "create",
        code="CB-MOI",
        name="Chi bộ thôn Bắc",
        level="cell",
        unit_type="commune",
        valid_from="01/12/2026",
        decision_number="12-QĐ/ĐU",
    )
    assert response.status_code == 302
    new = Organization.objects.get(code="CB-MOI")
    assert new.parent == tree["commune"] and new.valid_from == dt.date(2026, 12, 1)
    _post(
        client,
        new,
        "rename",
        name="Chi bộ thôn Bắc Sơn",
        document_name="CHI BỘ THÔN BẮC SƠN",
        date="02/12/2026",
    )
    _post(client, new, "move", parent_code=tree["agency"].code, date="03/12/2026")
    new.refresh_from_db()
    assert new.name == "Chi bộ thôn Bắc Sơn" and new.parent == tree["agency"]
    assert new.path.startswith(tree["agency"].path)
    kinds = list(
        OrganizationEvent.objects.filter(organization=new)
        .order_by("date")
        .values_list("kind", flat=True)
    )
    assert kinds == ["created", "renamed", "moved"]


def test_bad_input_is_shown_at_its_field_and_changes_nothing(board):
    tree, client = board
    before = Organization.objects.count()
    page = _post(
        client,
        tree["commune"],
        "create",
        code=tree["cell_a"].code,
        name="X",
        level="cell",
        unit_type="commune",
        valid_from="01/12/2026",
    )
    assert (
        page.status_code == 200 and "đã được dùng" in page.context["forms"][0][1].errors["code"][0]
    )
    page = _post(
        client,
        tree["commune"],
        "create",
        code="Z1",
        name="X",
        level="cell",
        unit_type="commune",
        valid_from="32/12/2026",
    )
    assert "dd/mm/yyyy" in " ".join(page.context["forms"][0][1].errors["valid_from"])
    page = _post(client, tree["cell_a"], "move", parent_code="KHONG-CO", date="01/12/2026")
    form = dict(page.context["forms"])["move"]
    assert "Không có tổ chức mã «KHONG-CO»" in form.errors["parent_code"][0]
    assert (
        Organization.objects.count() == before
        and OrganizationEvent.objects.filter(kind="moved").count() == 0
    )


def test_the_board_creates_an_account_with_a_role_and_revokes_it(board):
    tree, client = board
    response = _post(
        client,
        tree["cell_a"],
        "account",
        username="bithu.dong",
        full_name="Nguyễn Văn Đông",
        email="dong@example.vn",
        role="cell_secretary",
        valid_from="01/12/2026",
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="bithu.dong")
    assert (user.last_name, user.first_name, user.email) == (
        "Nguyễn Văn",
        "Đông",
        "dong@example.vn",
    )
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role, grant.organization, grant.valid_from) == (
        "cell_secretary",
        tree["cell_a"],
        dt.date(2026, 12, 1),
    )
    assert SecurityEvent.objects.filter(kind="account_created", user=user).exists()
    _post(client, tree["cell_a"], "revoke", grant=grant.pk, valid_to="31/12/2026")
    grant.refresh_from_db()
    assert grant.valid_to == dt.date(2026, 12, 31)
    # A taken username: at its field, nothing created.
    page = _post(
        client,
        tree["cell_a"],
        "account",
        username="bithu.dong",
        full_name="A B",
        role="member",
        valid_from="01/12/2026",
    )
    assert "đã có người dùng" in dict(page.context["forms"])["account"].errors["username"][0]
    assert get_user_model().objects.filter(username="bithu.dong").count() == 1


def test_only_the_board_of_the_organisation_or_above_administers_it(client, django_user_model):
    tree = build_tree()
    MemberFactory(organization=tree["cell_a"])
    for role, org in (
        (Role.GRASSROOTS_OFFICE, tree["commune"]),
        (Role.CELL_SECRETARY, tree["cell_a"]),
        (Role.INSPECTION, tree["province"]),
    ):
        client.force_login(user_with_role(django_user_model, f"u-{role}", role, org))
        assert (
            client.get(reverse("organization_admin", args=[tree["cell_a"].pk])).status_code == 404
        )
        assert _post(client, tree["cell_a"], "dissolve", date="01/12/2026").status_code == 404
    client.force_login(
        user_with_role(django_user_model, "bt-commune", Role.ORGANISATION_BOARD, tree["commune"])
    )
    assert client.get(reverse("organization_admin", args=[tree["cell_a"].pk])).status_code == 200
    assert client.get(reverse("organization_admin", args=[tree["agency"].pk])).status_code == 404
    assert Organization.objects.filter(valid_to__isnull=False).count() == 0


def test_dissolving_asks_for_a_confirmation_then_dates_the_event(board):
    tree, client = board
    page = _post(client, tree["cell_b"], "dissolve", date="01/12/2026")
    assert "Đánh dấu ô xác nhận" in dict(page.context["forms"])["dissolve"].errors["confirm"][0]
    tree["cell_b"].refresh_from_db()
    assert tree["cell_b"].valid_to is None
    response = _post(client, tree["cell_b"], "dissolve", date="01/12/2026", confirm="on")
    assert response.status_code == 302
    tree["cell_b"].refresh_from_db()
    assert tree["cell_b"].valid_to == dt.date(2026, 12, 1)
    assert OrganizationEvent.objects.filter(organization=tree["cell_b"], kind="dissolved").exists()
