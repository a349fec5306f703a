import pytest
from django.urls import reverse

from dangvien.discipline.models import Discipline, DisciplineStatus, Violation

from .helpers import in_force, violation


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("board", 200),
        ("inspection", 200),
        ("office", 404),
        ("secretary_a", 404),
        ("secretary_b", 404),
        ("other_inspection", 404),
        ("auditor", 404),
    ],
)
def test_member_record_is_sensitive(client, tree, member, people, who, status):
    d = in_force(member, tree)
    client.force_login(people[who])
    r = client.get(reverse("discipline_member", args=[member.pk]))
    assert r.status_code == status
    if status == 200:
        assert d.decision_number in r.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("board", 200), ("secretary_a", 200), ("secretary_b", 404), ("other_inspection", 404)],
)
def test_discipline_page_scope(client, tree, member, people, who, status):
    d = in_force(member, tree)
    client.force_login(people[who])
    assert client.get(reverse("discipline_detail", args=[d.pk])).status_code == status


def test_inspections_page_lists_and_plans(client, tree, member, people):
    client.force_login(people["inspection"])
    url = reverse("inspections") + f"?org={tree['commune'].pk}"
    r = client.get(url)
    assert r.status_code == 200 and "Lập kế hoạch" in r.content.decode()
    r = client.post(
        url,
        {
            "form": "plan",
            "kind": "inspection",
            "member": member.pk,
            "content": "Kiểm tra việc chấp hành Điều lệ",
            "period_start": "01/03/2026",
            "period_end": "01/02/2026",
        },
    )
    assert r.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu." in r.content.decode()
    r = client.post(
        url,
        {
            "form": "plan",
            "kind": "inspection",
            "member": member.pk,
            "content": "Kiểm tra việc chấp hành Điều lệ",
            "period_start": "01/03/2026",
            "period_end": "30/04/2026",
        },
    )
    assert r.status_code == 302
    detail = client.get(r["Location"])
    assert "Kết luận kiểm tra, giám sát" in detail.content.decode()
    client.force_login(people["secretary_a"])
    assert client.get(url).status_code == 404
    assert client.get(r["Location"]).status_code == 404


def test_vote_form_refuses_below_the_base_and_records(client, tree, member, people):
    from dangvien.core.actors import SYSTEM
    from dangvien.discipline import services

    from .helpers import D

    v = violation(member)
    d = services.discipline_propose(
        actor=SYSTEM,
        violation=v,
        form="warning",
        authority=tree["cell_a"],
        authority_body="cell",
        proposed_on=D(2025, 2, 1),
    )
    client.force_login(people["secretary_a"])
    url = reverse("discipline_detail", args=[d.pk])
    r = client.post(
        url, {"step": "vote", "voted_on": "03/02/2025", "entitled": "3", "votes_for": "5"}
    )
    assert r.status_code == 200 and "Số tán thành (5)" in r.content.decode()
    d.refresh_from_db()
    assert d.status == DisciplineStatus.PROPOSED
    r = client.post(
        url, {"step": "vote", "voted_on": "03/02/2025", "entitled": "3", "votes_for": "2"}
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == DisciplineStatus.VOTED
    # Another cell's secretary cannot post a step.
    client.force_login(people["secretary_b"])
    assert client.post(url, {"step": "decide", "decision_date": "04/02/2025"}).status_code == 404


def test_member_page_records_violation_and_proposal(client, tree, member, people):
    client.force_login(people["inspection"])
    url = reverse("discipline_member", args=[member.pk])
    r = client.post(
        url,
        {
            "form": "violation",
            "kind": "duties",
            "description": "Bỏ sinh hoạt",
            "committed_on": "10/01/2025",
            "found_on": "15/01/2025",
        },
    )
    assert r.status_code == 302
    v = Violation.objects.get()
    base = {
        "form": "propose",
        "violation": v.pk,
        "authority": tree["commune"].pk,
        "authority_body": "superior",
        "proposed_on": "20/01/2025",
    }
    r = client.post(url, {**base, "sanction": "dismissal"})
    assert r.status_code == 200
    assert "không giữ chức vụ nào" in r.content.decode()
    assert Discipline.objects.count() == 0
    r = client.post(url, {**base, "sanction": "warning"})
    assert r.status_code == 302
    assert Discipline.objects.get().form == "warning"


def test_open_cases_link_to_the_discipline(client, tree, member, people):
    from dangvien.core.actors import SYSTEM
    from dangvien.discipline import services

    from .helpers import D

    d = services.discipline_propose(
        actor=SYSTEM,
        violation=violation(member),
        form="warning",
        authority=tree["cell_a"],
        authority_body="cell",
        proposed_on=D(2025, 2, 1),
    )
    client.force_login(people["secretary_a"])
    r = client.get(reverse("case_list"))
    assert r.status_code == 200
    assert reverse("discipline_detail", args=[d.pk]) in r.content.decode()
