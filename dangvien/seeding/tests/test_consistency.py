"""Issue 9 item 6: the demo data never contradict themselves.

Each invariant is checked over the whole demo province as `dangvien demo` loads
it (the generator, then the workflows opened through the real services); the
rules come from the rules modules, not re-implemented here.
"""

import datetime as dt
from collections import defaultdict

import pytest
from django.apps import apps
from django.db.models import F, Min

from dangvien.members.models import EventKind, Member, MembershipEvent, WorkHistory
from dangvien.members.rules import past_retirement_age
from dangvien.movements.models import Removal, Transfer
from dangvien.organizations.models import Organization
from dangvien.organizations.selectors import organization_state_on
from dangvien.seeding import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    services.seed(services.demo_plan())
    services.demo_workflows()
    services.demo_accounts()


def test_admission_decision_is_the_same_in_the_record_and_the_event(demo):
    admitted = {
        e.member_id: (e.decision_number, e.decision_date)
        for e in MembershipEvent.objects.filter(kind=EventKind.ADMITTED)
    }
    assert admitted
    wrong = [
        m.pk
        for m in Member.objects.filter(pk__in=admitted).only(
            "admission_decision_number", "admission_decision_date"
        )
        if (m.admission_decision_number, m.admission_decision_date) != admitted[m.pk]
    ]
    assert wrong == []


def test_every_organisation_exists_whenever_a_member_is_recorded_in_it(demo):
    first_day: dict[int, dt.date] = defaultdict(lambda: dt.date.max)
    for column in ("organization_id", "organization_after_id"):
        for org_id, day in (
            MembershipEvent.objects.exclude(**{column: None})
            .values_list(column)
            .annotate(first=Min("date"))
        ):
            first_day[org_id] = min(first_day[org_id], day)
    orgs = Organization.objects.in_bulk()
    missing = [
        (orgs[pk].name, day)
        for pk, day in first_day.items()
        if not organization_state_on(orgs[pk], day).exists
    ]
    assert missing == []
    # ...and so do the organisations above it: no cell older than its parent.
    orphans = Organization.objects.filter(valid_from__lt=F("parent__valid_from"))
    assert list(orphans.values_list("name", flat=True)) == []
    # The province of the demo existed before its oldest member joined.
    province = Organization.objects.get(level="provincial")
    oldest = MembershipEvent.objects.aggregate(m=Min("date"))["m"]
    assert organization_state_on(province, oldest).exists


def test_retired_members_are_past_the_retirement_age(demo):
    today = dt.date.today()
    retired = Member.objects.filter(occupation__name="Nghỉ hưu")
    assert retired.exists()
    too_young = [
        (m.pk, m.birth_date)
        for m in retired.only("birth_date", "gender")
        if not past_retirement_age(m.birth_date, m.gender, today)
    ]
    assert too_young == []
    # A recorded last job ends on a day past the retirement age.
    for work in WorkHistory.objects.filter(member__in=retired, end__isnull=False).select_related(
        "member"
    ):
        assert past_retirement_age(work.member.birth_date, work.member.gender, work.end), work


def test_a_member_never_votes_in_their_own_removal(demo):
    removals = Removal.objects.filter(votes_for__isnull=False).select_related("member")
    assert removals.exists()
    for removal in removals:
        # The member concerned stays in the base but is not among those in
        # favour: the votes never exceed who may vote (present, counted, not
        # the subject), as kept on the presence list.
        subject = [row for row in removal.roll if row["subject"]]
        assert [row["id"] for row in subject] == [removal.member_id], removal.roll
        voters = [r for r in removal.roll if r["present"] and r["counted"] and not r["subject"]]
        assert removal.votes_for <= len(voters), (removal.votes_for, len(voters))
        assert removal.votes_for < removal.official_members


def _history_models():
    for model in apps.get_models():
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            yield model


def test_no_history_row_is_repeated(demo):
    """No record's history has two consecutive rows that say the same thing."""
    repeated = []
    for model in _history_models():
        rows = model.history.model.objects.order_by("id", "history_date", "history_id")
        previous = None
        for row in rows.iterator():
            same_record = previous is not None and previous.id == row.id
            if same_record and not row.diff_against(previous).changes:
                repeated.append((model.__name__, row.id, row.history_date))
            previous = row
    assert repeated == []


def _status_repeats(model):
    """Records whose history, as their page lists it (one row per history row,
    showing the status), shows the same status twice in a row."""
    out = []
    for obj in model.objects.all():
        statuses = list(obj.history.order_by("history_date", "history_id").values_list("status"))
        if any(a == b for a, b in zip(statuses, statuses[1:], strict=False)):
            out.append((obj.pk, statuses))
    return out


def test_transfer_pages_show_each_history_row_once(demo):
    assert Transfer.objects.exists()
    assert _status_repeats(Transfer) == []


def test_removal_pages_show_each_history_row_once(demo):
    assert Removal.objects.exists()
    assert _status_repeats(Removal) == []
