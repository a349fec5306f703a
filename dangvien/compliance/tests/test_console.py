"""The compliance console (/kiem-soat/, issue 15 part 3): every check over a
subtree with who acts and by when, overdue steps per child, the lists behind."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.compliance.console import compliance_console
from dangvien.compliance.models import CaseKind
from dangvien.compliance.tests.factories import open_case
from dangvien.compliance.workflow import Body
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


def test_overdue_steps_by_kind_with_who_acts_and_the_count_of_each_child():
    tree = build_tree()
    a = MemberFactory(organization=tree["cell_a"])
    c = MemberFactory(organization=tree["cell_c"])
    open_case(a, CaseKind.TRANSFER, dt.date(2026, 11, 29))  # the day before: overdue
    open_case(a, CaseKind.TRANSFER, TODAY)  # due today: not yet
    open_case(c, CaseKind.TRANSFER, dt.date(2026, 10, 1), Body.GRASSROOTS)
    open_case(c, CaseKind.TRANSFER, dt.date(2026, 9, 1), closed=dt.date(2026, 9, 2))  # closed
    console = compliance_console(_board_scope(tree), tree["province"], TODAY)
    row = next(r for r in console.rows if r.code == "case:transfer")
    assert (row.count, row.base) == (2, 3)
    assert row.who == "Chi bộ, chi ủy, Đảng ủy cơ sở"
    assert row.due == "quá hạn từ 01/10/2026"
    assert row.by_child == {tree["commune"].pk: 1, tree["agency"].pk: 1}
    assert "loai=transfer&qua_han=1" in row.link
    assert not any(r.code == "case:admission" for r in console.rows)  # no open case of it
    codes = {r.code for r in console.rows}
    assert {"meeting_not_held", "meeting_name_deletion", "dues_name_deletion"} <= codes
    assert {"working_away_not_declared", "data_quality", "leader_visits"} <= codes


def test_a_cell_has_no_leader_visits_row():
    tree = build_tree()
    console = compliance_console(_board_scope(tree), tree["cell_a"], TODAY)
    assert "leader_visits" not in {r.code for r in console.rows}
    assert console.children == []


def _board_scope(tree):
    from dangvien.accounts.scope import Scope

    return Scope(everything=False, paths=(tree["province"].path,), member_id=None)


def test_the_console_page_answers_the_subtree_only(client, django_user_model):
    tree = build_tree()
    a = MemberFactory(organization=tree["cell_a"])
    open_case(a, CaseKind.REMOVAL, dt.date(2025, 1, 1))
    client.force_login(
        user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    )
    page = client.get(reverse("compliance"), {"org": tree["commune"].pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="check-case:removal"' in html and "quá hạn từ 01/01/2025" in html
    assert client.get(reverse("compliance"), {"org": tree["agency"].pk}).status_code == 404
    assert client.get(reverse("compliance"), {"org": tree["province"].pk}).status_code == 404
