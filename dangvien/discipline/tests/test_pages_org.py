"""Pages of trips abroad (report or violation), of the discipline of party
organisations (proposal and the "org_*" steps) and the restoration of a wrongly
expelled member, through the Django test client."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.discipline import services
from dangvien.discipline.models import (
    DisciplineStatus,
    OrgDiscipline,
    OrgDisciplineStatus,
    TripReport,
    Violation,
)
from dangvien.members.models import Status, TripAbroad
from dangvien.members.tests.factories import user_with_role
from dangvien.organizations.models import Level
from dangvien.organizations.tests.factories import OrganizationFactory

from .helpers import D, in_force

TRIP_START = D(2025, 7, 20)


@pytest.fixture
def stranger(tree, django_user_model):
    """The secretary of a cell of another commune of the province."""
    commune = OrganizationFactory(
        parent=tree["province"], name="Đảng bộ xã Kỳ Anh", level=Level.SUPERIOR
    )
    cell = OrganizationFactory(parent=commune, name="Chi bộ thôn Bắc")
    return user_with_role(django_user_model, "bt_ky_anh", Role.CELL_SECRETARY, cell)


@pytest.fixture
def trip(member):
    return TripAbroad.objects.create(
        member=member, country="Nhật Bản", purpose="Du lịch", start=TRIP_START, end=TRIP_START
    )


def _text(response) -> str:
    return response.content.decode()


# --- trips abroad ---------------------------------------------------------------------------


def test_inspections_page_links_the_unreported_trip(client, tree, trip, people):
    client.force_login(people["inspection"])
    r = client.get(reverse("inspections") + f"?org={tree['commune'].pk}")
    assert r.status_code == 200
    assert reverse("discipline_trip", args=[trip.pk]) in _text(r)


def test_cell_records_the_trip_report(client, tree, trip, people):
    client.force_login(people["secretary_a"])
    url = reverse("discipline_trip", args=[trip.pk])
    r = client.get(url)
    assert r.status_code == 200
    assert 'id="report-form"' in _text(r) and 'id="violation-form"' not in _text(r)
    # The cell secretary is no inspection committee: no violation from this page.
    r = client.post(
        url,
        {
            "form": "violation",
            "description": "x",
            "committed_on": "20/07/2025",
            "found_on": "01/09/2025",
        },
    )
    assert r.status_code == 404
    r = client.post(
        url, {"form": "report", "reported_on": "15/07/2025", "reported_to": "Chi bộ thôn Đông"}
    )
    assert r.status_code == 302
    report = TripReport.objects.get()
    assert (report.trip, report.reported_on, report.reported_to) == (
        trip,
        D(2025, 7, 15),
        "Chi bộ thôn Đông",
    )
    r = client.get(url)
    assert "Đã báo cáo ngày 15/07/2025 với Chi bộ thôn Đông" in _text(r)
    assert 'id="report-form"' not in _text(r)
    # Reported: off the inspection committee's list.
    client.force_login(people["inspection"])
    r = client.get(reverse("inspections") + f"?org={tree['commune'].pk}")
    assert url not in _text(r)
    assert not Violation.objects.exists()


def test_trip_report_in_the_future_is_refused(client, trip, people):
    client.force_login(people["secretary_a"])
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    r = client.post(
        reverse("discipline_trip", args=[trip.pk]),
        {"form": "report", "reported_on": f"{tomorrow:%d/%m/%Y}", "reported_to": ""},
    )
    assert r.status_code == 200
    assert "Ngày này chưa đến (sau hôm nay)." in _text(r)
    assert not TripReport.objects.exists()


def test_inspection_committee_records_the_trip_as_a_violation(client, member, trip, people):
    client.force_login(people["inspection"])
    url = reverse("discipline_trip", args=[trip.pk])
    assert 'id="violation-form"' in _text(client.get(url))
    r = client.post(
        url,
        {
            "form": "violation",
            "description": "",
            "committed_on": "20/07/2025",
            "found_on": "01/09/2025",
        },
    )
    assert r.status_code == 200 and "Trường này là bắt buộc." in _text(r)
    assert not Violation.objects.exists()
    r = client.post(
        url,
        {
            "form": "violation",
            "description": "Đi Nhật Bản không báo cáo",
            "committed_on": "20/07/2025",
            "found_on": "01/09/2025",
        },
    )
    assert r.status_code == 302
    v = Violation.objects.get()
    assert (v.member, v.trip, v.kind, v.found_on) == (
        member,
        trip,
        "abroad_unreported",
        D(2025, 9, 1),
    )
    r = client.get(url)
    assert "Không báo cáo: đã ghi vi phạm" in _text(r)
    assert 'id="report-form"' not in _text(r) and 'id="violation-form"' not in _text(r)
    # Recorded: a report is no longer offered.
    client.force_login(people["secretary_a"])
    assert client.post(url, {"form": "report", "reported_on": "01/09/2025"}).status_code == 404
    assert not TripReport.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "secretary_b", "other_inspection"])
def test_trip_page_outside_the_subtree_is_404(client, trip, people, stranger, who):
    client.force_login(stranger if who == "stranger" else people[who])
    url = reverse("discipline_trip", args=[trip.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"form": "report", "reported_on": "01/08/2025"}).status_code == 404
    assert not TripReport.objects.exists()


# --- discipline of party organisations ------------------------------------------------------


def _proposal(tree, sanction="warning", org="cell_a"):
    return {
        "form": "org_propose",
        "organization": tree[org].pk,
        "sanction": sanction,
        "violation_kind": "duties",
        "description": "Bỏ ba kỳ liên tiếp không sinh hoạt",
        "committed_on": "10/01/2025",
        "authority": tree["commune"].pk,
        "authority_body": "superior",
        "proposed_on": "01/03/2025",
    }


def test_office_proposes_and_the_inspections_page_lists_it(client, tree, people):
    client.force_login(people["office"])
    url = reverse("org_discipline_new") + f"?org={tree['commune'].pk}"
    r = client.get(url)
    assert r.status_code == 200 and "Tổ chức đảng bị kỷ luật" in _text(r)
    r = client.post(url, _proposal(tree))
    assert r.status_code == 302
    d = OrgDiscipline.objects.get()
    assert r["Location"] == reverse("org_discipline_detail", args=[d.pk])
    assert (d.organization, d.form, d.authority, d.status) == (
        tree["cell_a"],
        "warning",
        tree["commune"],
        OrgDisciplineStatus.PROPOSED,
    )
    client.force_login(people["inspection"])
    r = client.get(reverse("inspections") + f"?org={tree['commune'].pk}")
    assert reverse("org_discipline_detail", args=[d.pk]) in _text(r)


def test_dissolution_by_the_commune_is_refused(client, tree, people):
    client.force_login(people["office"])
    url = reverse("org_discipline_new") + f"?org={tree['commune'].pk}"
    r = client.post(url, _proposal(tree, "dissolution"))
    assert r.status_code == 200
    assert "không quyết định giải tán được (Điều lệ Đảng Điều 36)" in _text(r)
    assert 'id="error-org_propose-authority"' in _text(r)
    assert not OrgDiscipline.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "secretary_a", "other_inspection"])
def test_proposal_page_outside_the_subtree_is_404(client, tree, people, stranger, who):
    client.force_login(stranger if who == "stranger" else people[who])
    url = reverse("org_discipline_new") + f"?org={tree['commune'].pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, _proposal(tree)).status_code == 404
    assert not OrgDiscipline.objects.exists()


def _propose(tree, *, form="warning", target="cell_a", authority="commune"):
    return services.org_discipline_propose(
        actor=SYSTEM,
        organization=tree[target],
        form=form,
        violation_kind="duties",
        description="Bỏ ba kỳ liên tiếp không sinh hoạt",
        committed_on=D(2025, 1, 10),
        authority=tree[authority],
        authority_body="superior",
        proposed_on=D(2025, 3, 1),
    )


def test_org_steps_vote_decide_announce_with_the_paper(client, tree, people):
    d = _propose(tree)
    client.force_login(people["office"])
    url = reverse("org_discipline_detail", args=[d.pk])
    r = client.get(url)
    assert r.status_code == 200 and 'id="buoc-org_vote"' in _text(r)
    assert 'id="buoc-org_decide"' not in _text(r)
    r = client.post(
        url, {"step": "org_vote", "voted_on": "05/03/2025", "entitled": "9", "votes_for": "10"}
    )
    assert r.status_code == 200 and "Số tán thành (10)" in _text(r)
    d.refresh_from_db()
    assert (d.status, d.votes_for, d.voted_on) == (OrgDisciplineStatus.PROPOSED, None, None)
    # A step not open now answers 404 and writes nothing.
    assert (
        client.post(url, {"step": "org_decide", "decision_date": "06/03/2025"}).status_code == 404
    )
    r = client.post(
        url, {"step": "org_vote", "voted_on": "05/03/2025", "entitled": "9", "votes_for": "5"}
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.status, d.entitled, d.votes_for) == (OrgDisciplineStatus.VOTED, 9, 5)
    r = client.post(url, {"step": "org_decide", "decision_date": "06/03/2025"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == OrgDisciplineStatus.DECIDED and d.decision_document_id
    page = _text(client.get(url))
    assert "5/9 đồng chí có quyền biểu quyết tán thành" in page
    assert reverse("document_download", args=[d.decision_document_id]) in page
    r = client.post(url, {"step": "org_announce", "announced_on": "05/03/2025"})
    assert r.status_code == 200 and "06/03/2025" in _text(r)
    d.refresh_from_db()
    assert d.status == OrgDisciplineStatus.DECIDED and d.announced_on is None
    r = client.post(url, {"step": "org_announce", "announced_on": "09/03/2025"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.status, d.announced_on) == (OrgDisciplineStatus.IN_FORCE, D(2025, 3, 9))
    # A warning is not a dissolution: no dissolve step.
    assert 'id="buoc-org_dissolve"' not in _text(client.get(url))


def test_dissolution_carried_out_from_the_page(client, tree, people, django_user_model):
    d = _propose(tree, form="dissolution", target="cell_b", authority="province")
    d = services.org_discipline_vote(
        actor=SYSTEM, discipline=d, voted_on=D(2025, 3, 5), entitled=9, votes_for=6
    )
    d = services.org_discipline_decide(actor=SYSTEM, discipline=d, decision_date=D(2025, 3, 6))
    d = services.org_discipline_announce(actor=SYSTEM, discipline=d, announced_on=D(2025, 3, 9))
    board = user_with_role(django_user_model, "btc_tinh", Role.ORGANISATION_BOARD, tree["province"])
    client.force_login(board)
    url = reverse("org_discipline_detail", args=[d.pk])
    assert 'id="buoc-org_dissolve"' in _text(client.get(url))
    r = client.post(url, {"step": "org_dissolve", "dissolved_on": "08/03/2025"})
    assert r.status_code == 200 and "Ngày này không được trước ngày công bố (09/03/2025)." in _text(
        r
    )
    tree["cell_b"].refresh_from_db()
    assert tree["cell_b"].is_active
    r = client.post(url, {"step": "org_dissolve", "dissolved_on": "10/03/2025"})
    assert r.status_code == 302
    d.refresh_from_db()
    tree["cell_b"].refresh_from_db()
    assert d.status == OrgDisciplineStatus.DISSOLVED and d.dissolved_on == D(2025, 3, 10)
    assert tree["cell_b"].valid_to == D(2025, 3, 10)


@pytest.mark.parametrize("who", ["stranger", "secretary_b", "other_inspection"])
def test_org_discipline_page_outside_the_subtree_is_404(client, tree, people, stranger, who):
    d = _propose(tree)
    client.force_login(stranger if who == "stranger" else people[who])
    url = reverse("org_discipline_detail", args=[d.pk])
    assert client.get(url).status_code == 404
    r = client.post(
        url, {"step": "org_vote", "voted_on": "05/03/2025", "entitled": "9", "votes_for": "7"}
    )
    assert r.status_code == 404
    d.refresh_from_db()
    assert d.status == OrgDisciplineStatus.PROPOSED


def test_cell_secretary_sees_the_discipline_of_the_cell_without_steps(client, tree, people):
    d = _propose(tree)
    client.force_login(people["secretary_a"])
    url = reverse("org_discipline_detail", args=[d.pk])
    r = client.get(url)
    assert r.status_code == 200 and 'id="buoc-org_vote"' not in _text(r)
    r = client.post(
        url, {"step": "org_vote", "voted_on": "05/03/2025", "entitled": "9", "votes_for": "7"}
    )
    assert r.status_code == 404


# --- restoration of a wrongly expelled member -----------------------------------------------


def test_restore_an_expulsion_from_the_page_with_its_paper(client, tree, member, people):
    d = in_force(member, tree, form="expulsion", announced_on=D(2025, 6, 10))
    member.refresh_from_db()
    assert member.status == Status.EXPELLED
    client.force_login(people["inspection"])
    url = reverse("discipline_detail", args=[d.pk])
    assert 'id="buoc-restore"' in _text(client.get(url))
    data = {
        "step": "restore",
        "restored_on": "20/06/2025",
        "decision": "",
        "apologised_on": "25/06/2025",
        "rights": "Phục hồi đảng tịch",
    }
    r = client.post(url, data)
    assert r.status_code == 200
    d.refresh_from_db()
    member.refresh_from_db()
    assert d.status == DisciplineStatus.IN_FORCE and member.status == Status.EXPELLED
    r = client.post(url, {**data, "decision": "Kết luận số 12-KL/UBKT"})
    assert r.status_code == 302
    d.refresh_from_db()
    member.refresh_from_db()
    assert d.status == DisciplineStatus.RESTORED and d.restoration_document_id
    assert member.status != Status.EXPELLED
    page = _text(client.get(url))
    assert "Kết luận số 12-KL/UBKT ngày 20/06/2025" in page
    assert reverse("document_download", args=[d.restoration_document_id]) in page


def test_plain_member_and_outside_office_get_404(client, tree, trip, people, django_user_model):
    from dangvien.members.models import Member
    from dangvien.members.tests.factories import MemberFactory

    plain = MemberFactory(organization=tree["cell_a"], given_name="Thường")
    user = user_with_role(django_user_model, "dv_thuong", Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=plain.pk).update(user=user)
    outside = user_with_role(django_user_model, "vp_so", Role.GRASSROOTS_OFFICE, tree["agency"])
    d = _propose(tree)
    for who in (user, outside):
        client.force_login(who)
        assert client.get(reverse("discipline_trip", args=[trip.pk])).status_code == 404
        assert client.get(reverse("org_discipline_detail", args=[d.pk])).status_code == 404
        new = reverse("org_discipline_new") + f"?org={tree['commune'].pk}"
        assert client.get(new).status_code == 404
    client.force_login(user)
    assert client.get(reverse("org_discipline_new")).status_code == 404
