"""The dashboard (/tong-quan/, issue 15 part 2): the landing page of every staff
role, its figures from the maintained summary, its members over the past months
from the events (kept once computed), its open cases by kind."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from dangvien.members.models import EventKind
from dangvien.members.tests.factories import Role, user_with_role
from dangvien.reports.models import MonthlyFigure
from dangvien.reports.monthly import members_at, month_ends, monthly_figures_ensure

from .factories import D, event, member, party, probationary

pytestmark = pytest.mark.django_db


def test_month_ends_are_the_months_before_this_one():
    assert month_ends(D(2026, 3, 15), 3) == [D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 28)]
    assert month_ends(D(2024, 3, 1), 1) == [D(2024, 2, 29)]


def test_members_at_month_ends_from_the_events():
    t = party()
    a = member(t["x1"])
    b = probationary(t["x1"], D(2025, 2, 10))
    event(a, EventKind.DECEASED, D(2025, 3, 1))
    del b
    days = [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31)]
    assert members_at(t["x"], days) == {
        D(2025, 1, 31): (1, 0, 0),
        D(2025, 2, 28): (2, 1, 0),  # the admitted one is dự bị
        D(2025, 3, 31): (1, 1, 0),
    }
    assert members_at(t["y"], days) == dict.fromkeys(days, (0, 0, 0))


def test_kept_months_are_not_computed_again_unless_asked(django_assert_max_num_queries):
    t = party()
    member(t["x1"])
    today = dt.date.today()
    first = monthly_figures_ensure(t["x"], today)
    assert [f.members for f in first] == [1] * 12
    MonthlyFigure.objects.filter(organization=t["x"]).update(members=7)  # as if changed since
    assert {f.members for f in monthly_figures_ensure(t["x"], today)} == {7}
    assert {f.members for f in monthly_figures_ensure(t["x"], today, refresh=True)} == {1}


def test_each_staff_role_lands_on_its_dashboard(client, django_user_model):
    t = party()
    member(t["x1"])
    member(t["x2"], gender="F")
    probationary(t["y1"], D(2025, 2, 10))
    board = user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, t["p"])
    client.force_login(board)
    home = client.get(reverse("home"))
    assert home["Location"] == f"{reverse('dashboard')}?org={t['p'].pk}"
    page = client.get(home["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="fig-members">3<' in html and 'id="fig-probationary">1<' in html
    assert 'id="fig-female">1<' in html
    charts = page.context["charts"]
    assert [c["label"] for c in charts["children"]] == ["Đảng bộ huyện X", "Đảng bộ huyện Y"]
    assert [c["count"] for c in charts["children"]] == [2, 1]
    # The past twelve months (computed on the first view: the queue runs at once
    # in tests) and today.
    assert len(charts["over_time"]) == 13 and charts["over_time"][-1]["members"] == 3
    assert MonthlyFigure.objects.filter(organization=t["p"]).count() == 12
    data = json.loads(
        html.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data == json.loads(json.dumps(charts))
    assert "chart-4.4.7.umd.js" in html


def test_the_dashboard_counts_open_and_overdue_cases_by_kind(client, django_user_model):
    from django.contrib.contenttypes.models import ContentType

    from dangvien.compliance.models import Case, CaseKind
    from dangvien.members.models import Member

    t = party()
    m = member(t["x1"])
    user = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, t["x"])
    client.force_login(user)
    before = client.get(reverse("dashboard"), {"org": t["x"].pk}).context["case_rows"]
    Case.objects.create(
        kind=CaseKind.TRANSFER,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=m.pk,
        subject=m.full_name,
        member=m,
        organization=t["x1"],
        org_path=t["x1"].path,
        step="send",
        due_date=D(2025, 1, 1),
        opened_on=D(2024, 12, 1),
    )
    rows = client.get(reverse("dashboard"), {"org": t["x"].pk}).context["case_rows"]
    assert before == []
    assert rows == [{"kind": "transfer", "label": "Chuyển sinh hoạt đảng", "open": 1, "overdue": 1}]


def test_outside_the_subtree_or_without_a_staff_role_the_dashboard_answers_404(
    client, django_user_model
):
    t = party()
    m = member(t["x1"])
    client.force_login(user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, t["y"]))
    assert client.get(reverse("dashboard"), {"org": t["x"].pk}).status_code == 404
    assert client.get(reverse("dashboard"), {"org": t["y"].pk}).status_code == 200
    plain = user_with_role(django_user_model, "dv", Role.MEMBER, t["x1"])
    m.user = plain
    m.save(update_fields=["user"])
    client.force_login(plain)
    assert client.get(reverse("dashboard")).status_code == 404
    assert client.get(reverse("home"))["Location"] == reverse("member_detail", args=[m.pk])


def test_the_widgets_are_read_kept_and_refreshed_when_older_than_a_minute(
    client, django_user_model
):
    from django.utils import timezone

    from dangvien.reports.models import DashboardFigure

    t = party()
    member(t["x1"])
    client.force_login(user_with_role(django_user_model, "ban", Role.ORGANISATION_BOARD, t["p"]))
    page = client.get(reverse("dashboard"), {"org": t["p"].pk})
    today = dt.date.today()
    assert page.context["meetings"].value == {"month": f"{today:%m/%Y}", "cells": 3, "held": 0}
    assert page.context["dues"].value["members"] == 0
    assert page.context["grading"].value["year"] == today.year - 1
    # A kept figure younger than a minute is read as it is (not counted again)...
    DashboardFigure.objects.filter(organization=t["p"], name="meetings").update(
        value={"month": "01/2000", "cells": 9, "held": 9}
    )
    again = client.get(reverse("dashboard"), {"org": t["p"].pk})
    assert again.context["meetings"].value["cells"] == 9
    # ...one older is computed again (the queue runs at once in tests).
    DashboardFigure.objects.filter(organization=t["p"]).update(
        computed_at=timezone.now() - dt.timedelta(seconds=61)
    )
    later = client.get(reverse("dashboard"), {"org": t["p"].pk})
    assert later.context["meetings"].value["cells"] == 3
