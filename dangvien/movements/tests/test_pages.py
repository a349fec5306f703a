"""The transfer, removal and open-cases pages, by role, inside and outside the scope."""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.members.models import Member, Status
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.movements.models import Removal, Transfer, TransferStatus
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def tree():
    return build_tree()


def _counts():
    return (Transfer.objects.count(), Removal.objects.count(), Case.objects.count())


def test_a_transfer_through_the_pages_from_request_to_receipt(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"], given_name="Thước")
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    office = user_with_role(django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"])
    client.force_login(secretary)
    response = client.post(
        f"/chuyen-sinh-hoat/moi/?member={member.pk}",
        {
            "kind": "permanent",
            "reason": "residence",
            "trigger_date": "02/11/2026",
            "to_code": tree["cell_b"].code,  # outside the secretary's scope: named by code
        },
    )
    transfer = Transfer.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/chuyen-sinh-hoat/{transfer.pk}/"
    )
    # Within the commune's organisation... cell_a and cell_b hang under a commune
    # committee (level superior), so their own cells are grassroots: the commune issues it.
    page = client.get(f"/viec-can-lam/?org={tree['cell_a'].pk}")
    assert "Thước" in page.content.decode() and "Làm thủ tục" in page.content.decode()
    # The secretary cannot issue the letter: the step is not theirs.
    before = _counts()
    refused = client.post(
        f"/chuyen-sinh-hoat/{transfer.pk}/gioi-thieu/",
        {"sent_on": "10/11/2026", "dues_paid_through": "10/2026"},
    )
    assert refused.status_code == 404 and _counts() == before
    client.force_login(office)
    bad = client.post(
        f"/chuyen-sinh-hoat/{transfer.pk}/gioi-thieu/",
        {"sent_on": "10/11/2026", "dues_paid_through": "2026-10"},
    )
    assert "tháng/năm" in bad.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.OPENED
    ok = client.post(
        f"/chuyen-sinh-hoat/{transfer.pk}/gioi-thieu/",
        {"sent_on": "10/11/2026", "dues_paid_through": "10/2026", "letter_number": "12"},
    )
    assert ok.status_code == 302
    # The receiving cell's secretary confirms, with the dossier checked.
    receiver = user_with_role(django_user_model, "chibo_b", Role.CELL_SECRETARY, tree["cell_b"])
    client.force_login(receiver)
    missing = client.post(
        f"/chuyen-sinh-hoat/{transfer.pk}/tiep-nhan/", {"received_on": "16/11/2026"}
    )
    assert "đối chiếu hồ sơ" in missing.content.decode()
    done = client.post(
        f"/chuyen-sinh-hoat/{transfer.pk}/tiep-nhan/",
        {"received_on": "16/11/2026", "dossier_checked": "on"},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.organization == tree["cell_b"] and member.status == Status.OFFICIAL


@pytest.mark.parametrize(
    "role,org_key,sees",
    [
        (Role.CELL_SECRETARY, "cell_a", True),
        (Role.CELL_SECRETARY, "cell_c", False),
        (Role.INSPECTION, "commune", True),
        (Role.ORGANISATION_BOARD, "agency", False),
    ],
)
def test_transfer_and_removal_pages_answer_404_outside_the_scope(
    client, django_user_model, tree, role, org_key, sees
):
    member = MemberFactory(organization=tree["cell_a"])
    admin = django_user_model.objects.create_superuser("root", password="x-Test-12345")
    client.force_login(admin)
    client.post(
        f"/chuyen-sinh-hoat/moi/?member={member.pk}",
        {
            "kind": "permanent",
            "reason": "residence",
            "trigger_date": "02/11/2026",
            "to_code": tree["cell_c"].code,
        },
    )
    transfer = Transfer.objects.get()
    assert transfer.to_organization == tree["cell_c"]
    client.post(
        f"/ra-khoi-dang/moi/?member={member.pk}&loai=ghi", {"kind": "death", "date": "18/11/2026"}
    )
    removal = Removal.objects.get()
    user = user_with_role(django_user_model, "u", role, tree[org_key])
    client.force_login(user)
    expected = 200 if sees else 404
    assert client.get(f"/ra-khoi-dang/{removal.pk}/").status_code == expected
    assert client.get(f"/ra-khoi-dang/?org={tree['cell_a'].pk}").status_code == expected
    # The transfer is also visible to the receiving side (cell_c's subtree).
    reaches_c = org_key in ("cell_c", "agency")
    assert client.get(f"/chuyen-sinh-hoat/{transfer.pk}/").status_code == (
        200 if sees or reaches_c else 404
    )
    before = _counts()
    write = client.post(
        f"/ra-khoi-dang/moi/?member={member.pk}",
        {"kind": "voluntary_exit", "meeting_on": "18/11/2026", "votes_for": "0"},
    )
    # A writer inside the scope is told why (the member has died); others get 404.
    writes = role == Role.CELL_SECRETARY and sees
    assert write.status_code == (200 if writes else 404) and _counts() == before
    if writes:
        assert "không còn sinh hoạt" in write.content.decode()


def test_the_removal_is_decided_above_the_cell(client, django_user_model, tree):
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(3)]
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    client.force_login(secretary)
    response = client.post(
        f"/ra-khoi-dang/moi/?member={members[0].pk}",
        {
            "kind": "name_deletion",
            "cause": "unpaid_dues",
            "evidence_months": "02/2026, 05/2026, 08/2026",
            "meeting_on": "07/11/2026",
            "votes_for": "2",
        },
    )
    removal = Removal.objects.get()
    assert response.status_code == 302 and removal.status == "proposed"
    page = client.get(f"/ra-khoi-dang/{removal.pk}/")
    assert "Ghi quyết định" not in page.content.decode()  # not the secretary's step
    before = _counts()
    assert client.post(f"/ra-khoi-dang/{removal.pk}/", {"approved": "1"}).status_code == 404
    assert _counts() == before
    office = user_with_role(django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"])
    client.force_login(office)
    decided = client.post(
        f"/ra-khoi-dang/{removal.pk}/",
        {
            "approved": "1",
            "decided_by": "Ban Thường vụ Đảng ủy xã",
            "decision_number": "45-QĐ/ĐU",
            "decision_date": "18/11/2026",
        },
    )
    assert decided.status_code == 302
    assert Member.objects.get(pk=members[0].pk).status == Status.NAME_DELETED


def test_a_month_typed_wrong_is_explained_at_the_field(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    client.force_login(secretary)
    before = _counts()
    response = client.post(
        f"/ra-khoi-dang/moi/?member={member.pk}",
        {
            "kind": "name_deletion",
            "cause": "unpaid_dues",
            "evidence_months": "2/26 <b>",
            "meeting_on": "07/11/2026",
            "votes_for": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "không phải tháng/năm" in body
    assert "<b>" not in body.split("không phải tháng/năm")[0][-40:]  # the input is shown escaped
    assert _counts() == before


def test_open_cases_are_paged_by_due_date(client, django_user_model, tree, settings):
    import dangvien.compliance.selectors as case_selectors

    settings.DEBUG = False
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(5)]
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    from dangvien.movements import services

    for i, member in enumerate(members):
        services.transfer_open(
            actor=SYSTEM,
            member=member,
            kind="permanent",
            reason="residence",
            trigger_date=D(2026, 10, 1 + i),
            to_organization=tree["cell_b"],
        )
    client.force_login(secretary)
    original = case_selectors.PAGE_SIZE
    try:
        page = case_selectors.open_cases_page
        from dangvien.accounts.scope import scope_for

        scope = scope_for(secretary)
        flt = case_selectors.CaseFilter(organization=tree["cell_a"])
        first = page(scope, flt, size=2)
        second = page(scope, flt, first.next_cursor, size=2)
        third = page(scope, flt, second.next_cursor, size=2)
        dues = [c.due_date for c in first.items + second.items + third.items]
        assert dues == sorted(dues) and len(dues) == 5 and third.next_cursor is None
    finally:
        case_selectors.PAGE_SIZE = original
    other = user_with_role(django_user_model, "chibo_c", Role.CELL_SECRETARY, tree["cell_c"])
    client.force_login(other)
    assert client.get(f"/viec-can-lam/?org={tree['cell_a'].pk}").status_code == 404
    assert "Không có việc nào" in client.get("/viec-can-lam/").content.decode()


def test_the_workflow_menu_is_for_staff_and_the_access_log_link_for_the_board(
    client, django_user_model, tree
):
    own = MemberFactory(organization=tree["cell_a"])
    member = user_with_role(django_user_model, "dv", Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=own.pk).update(user=member)
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    for user, menu, log in [(member, False, False), (secretary, True, False), (board, True, True)]:
        client.force_login(user)
        page = client.get(f"/dang-vien/{own.pk}/").content.decode()
        assert ('aria-label="Nghiệp vụ"' in page) is menu, user.username
        assert ('href="/nhat-ky-truy-cap/"' in page) is log, user.username


def test_the_transfer_page_offers_the_steps_the_table_opens_to_the_caller(
    client, django_user_model, tree
):
    member = MemberFactory(organization=tree["cell_a"])
    from dangvien.movements import services

    transfer = services.transfer_open(
        actor=SYSTEM,
        member=member,
        kind="permanent",
        reason="residence",
        trigger_date=D(2026, 11, 2),
        to_organization=tree["cell_b"],
    )
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    office = user_with_role(django_user_model, "danguy", Role.GRASSROOTS_OFFICE, tree["commune"])
    client.force_login(secretary)
    page = client.get(f"/chuyen-sinh-hoat/{transfer.pk}/").content.decode()
    assert f"/chuyen-sinh-hoat/{transfer.pk}/huy/" in page
    assert f"/chuyen-sinh-hoat/{transfer.pk}/gioi-thieu/" not in page
    client.force_login(office)
    page = client.get(f"/chuyen-sinh-hoat/{transfer.pk}/").content.decode()
    assert f"/chuyen-sinh-hoat/{transfer.pk}/gioi-thieu/" in page
    assert "Làm thủ tục, cấp giấy giới thiệu sinh hoạt đảng" in page
    # The hints show the rule in force, not a number written in the template.
    form = client.get(f"/chuyen-sinh-hoat/moi/?member={member.pk}").content.decode()
    assert "trong 60 ngày làm việc" in form
