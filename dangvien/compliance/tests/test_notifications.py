"""Deadline notices (issue 15 part 4): each user who must act gets one daily
digest in the app and by e-mail (unless they opted out); a second run adds
nothing; the page lists the caller's own notices only."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from dangvien.compliance.models import CaseKind, Notification, NotificationPreference
from dangvien.compliance.notifications import deadline_digests, notify_deadlines
from dangvien.compliance.tests.factories import open_case
from dangvien.compliance.workflow import Body
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def world(django_user_model):
    tree = build_tree()
    a = MemberFactory(organization=tree["cell_a"])
    users = {
        "secretary": user_with_role(
            django_user_model,
            "bt",
            Role.CELL_SECRETARY,
            tree["cell_a"],
        ),
        "office": user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"]),
        "board": user_with_role(django_user_model, "tc", Role.ORGANISATION_BOARD, tree["province"]),
        "inspection": user_with_role(django_user_model, "kt", Role.INSPECTION, tree["commune"]),
    }
    users["secretary"].email = "bt@example.vn"
    users["secretary"].save()
    users["office"].email = "vp@example.vn"
    users["office"].save()
    return tree, a, users


def test_each_user_hears_of_the_steps_they_must_take(world):
    tree, a, users = world
    open_case(
        a, CaseKind.TRANSFER, TODAY - dt.timedelta(days=1), Body.CELL, tree["cell_a"]
    )  # overdue
    open_case(
        a, CaseKind.MEETING, TODAY + dt.timedelta(days=3), Body.CELL, tree["cell_a"]
    )  # due soon
    open_case(a, CaseKind.BADGE, TODAY + dt.timedelta(days=4), Body.CELL, tree["cell_a"])  # not yet
    open_case(a, CaseKind.REMOVAL, TODAY, Body.GRASSROOTS, tree["commune"])  # due today
    open_case(
        a, CaseKind.INSPECTION, TODAY - dt.timedelta(days=9), Body.INSPECTION, tree["commune"]
    )
    # Nobody is granted at cell B: its step reaches the nearest writer above.
    b = MemberFactory(organization=tree["cell_b"])
    open_case(b, CaseKind.ADMISSION, TODAY - dt.timedelta(days=2), Body.CELL, tree["cell_b"])
    digests = deadline_digests(TODAY)
    secretary, office = digests[users["secretary"].pk], digests[users["office"].pk]
    assert dict(secretary.overdue) == {"transfer": 1} and dict(secretary.due_soon) == {"meeting": 1}
    assert dict(office.overdue) == {"admission": 1} and dict(office.due_soon) == {"removal": 1}
    assert dict(digests[users["inspection"].pk].overdue) == {"inspection": 1}
    assert users["board"].pk not in digests  # a writer at the commune exists: not the province


def test_one_digest_a_day_by_app_and_mail_unless_opted_out(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tree, a, users = world
    open_case(a, CaseKind.TRANSFER, TODAY - dt.timedelta(days=1), Body.CELL, tree["cell_a"])
    open_case(a, CaseKind.REMOVAL, TODAY, Body.GRASSROOTS, tree["commune"])
    NotificationPreference.objects.create(user=users["office"], email_deadlines=False)
    assert notify_deadlines(TODAY) == 2
    notice = Notification.objects.get(user=users["secretary"])
    assert notice.title == (
        "Ngày 30/11/2026: 1 việc quá hạn, 0 việc sắp đến hạn; 3 lượt chi bộ chưa khóa sổ đảng phí"
    )
    assert "Chuyển sinh hoạt đảng: 1 việc quá hạn" in notice.body
    assert [m.to for m in mail.outbox] == [["bt@example.vn"]]  # the office opted out
    assert notice.emailed_at is not None
    assert Notification.objects.get(user=users["office"]).emailed_at is None
    assert notify_deadlines(TODAY) == 0 and len(mail.outbox) == 1  # the same day again


def test_the_page_lists_the_callers_own_notices_and_marks_them_read(world, client):
    tree, a, users = world
    open_case(a, CaseKind.TRANSFER, TODAY - dt.timedelta(days=1), Body.CELL, tree["cell_a"])
    open_case(a, CaseKind.REMOVAL, TODAY, Body.GRASSROOTS, tree["commune"])
    notify_deadlines(TODAY)
    client.force_login(users["secretary"])
    page = client.get(reverse("notifications"))
    assert [n.user_id for n in page.context["notices"]] == [users["secretary"].pk]
    assert "- Chuyển sinh hoạt đảng: 1 việc quá hạn" in page.content.decode()
    assert 'class="badge">1<' in client.get(reverse("case_list")).content.decode()
    client.post(reverse("notifications_read"))
    assert Notification.objects.get(user=users["secretary"]).read_at is not None
    assert Notification.objects.get(user=users["office"]).read_at is None
    client.post(reverse("notifications"), {})  # the box unticked: no e-mail
    assert NotificationPreference.objects.get(user=users["secretary"]).email_deadlines is False


def test_month_close_reminders_from_three_days_before_the_closing_day(world):
    """October's book closes by 10/11/2026 (dues.rules.close_due): the cell's
    writers hear of it from 07/11, and of September's too while it is open
    (three months back); a cell without members in activity owes no book."""
    from dangvien.core.actors import SYSTEM
    from dangvien.dues import services as dues_services
    from dangvien.dues.rules import close_due

    tree, _a, users = world
    cell = tree["cell_a"].pk
    assert close_due(dt.date(2026, 10, 1)) == dt.date(2026, 11, 10)
    early = deadline_digests(dt.date(2026, 11, 6))[users["secretary"].pk]
    assert list(early.unclosed) == [dt.date(2026, 9, 1), dt.date(2026, 8, 1)]  # not October yet
    digest = deadline_digests(dt.date(2026, 11, 7))[users["secretary"].pk]
    assert digest.unclosed[dt.date(2026, 10, 1)] == (dt.date(2026, 11, 10), {cell})
    assert digest.lines()[-1] == (
        "- Khóa sổ đảng phí tháng 10/2026: 1 chi bộ chưa khóa sổ (hạn 10/11/2026)"
    )
    # Cells B and C have no members: nobody hears of them.
    assert users["office"].pk not in deadline_digests(dt.date(2026, 11, 7))
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 12, 9, 0), tick=False):
        for month in (8, 9, 10):
            dues_services.month_close(
                actor=SYSTEM, organization=tree["cell_a"], month=dt.date(2026, month, 1)
            )
    assert users["secretary"].pk not in deadline_digests(dt.date(2026, 11, 12))


def test_a_cell_without_a_writer_reaches_the_writer_above_and_a_dues_only_notice_links_dues(
    world, django_user_model
):
    from dangvien.compliance.models import Notification

    tree, _a, users = world
    b = MemberFactory(organization=tree["cell_b"])
    assert b.organization_id == tree["cell_b"].pk
    digest = deadline_digests(dt.date(2026, 11, 7))[users["office"].pk]
    assert digest.unclosed[dt.date(2026, 10, 1)][1] == {tree["cell_b"].pk}
    notify_deadlines(dt.date(2026, 11, 7))
    notice = Notification.objects.get(user=users["office"])
    assert notice.link == reverse("dues")
