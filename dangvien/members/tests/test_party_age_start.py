"""Member.party_age_start (R1.17-R1.18): kept by the member services through
random histories, equal to the party age the events give (rules.party_age via
selectors.member_party_age) after the latest event; audited and repaired by
`party_age_check`."""

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.core.actors import SYSTEM
from dangvien.members import rules, selectors, services
from dangvien.members.models import EventKind, Member, Status
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

D = dt.date
DAY = dt.timedelta(days=1)


def expected_start(member: Member) -> dt.date | None:
    last = member.events.order_by("-date").values_list("date", flat=True).first()
    assert last is not None
    age = selectors.member_party_age(member, last + DAY)
    return age.counted_from if age else None


def add(member, kind, date, organization=None):
    services.member_add_event(
        actor=SYSTEM, member=member, kind=kind, date=date, organization=organization
    )


def replay(rng: random.Random, cells) -> Member:
    """A member admitted, recognised, then a random walk: transfers with gaps
    (some left open), name deletion and readmission, expulsion and
    restoration (or readmission), ending on or before today."""
    joined = D(1975, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
    member: Member = MemberFactory(  # type: ignore[assignment]
        organization=cells[0],
        admission_decision_date=joined - dt.timedelta(days=rng.randrange(5, 40)),
        joining_date=joined,
        official_date=rules.probation_end(joined),
        birth_date=joined - dt.timedelta(days=25 * 365),
    )
    day = rules.probation_end(joined)
    readmitted = False
    limit = dt.date.today() - dt.timedelta(days=30)
    for _ in range(rng.randrange(1, 7)):
        day += dt.timedelta(days=rng.randrange(30, 1500))
        if day >= limit:
            break
        member.refresh_from_db()
        roll = rng.random()
        if member.status == Status.PROBATIONARY:
            end = rules.probation_end(
                member.events.filter(kind=EventKind.READMITTED).latest("date").date
            )
            if end < limit:
                add(member, EventKind.RECOGNISED, end)
                day = end
            continue
        if roll < 0.4:
            add(member, EventKind.TRANSFERRED_OUT, day)
            back = day + dt.timedelta(days=rng.choice([0, 0, 5, 45, 400]))
            if back >= limit or rng.random() < 0.1:
                break  # left open: between two organisations
            add(member, EventKind.TRANSFERRED_IN, back, rng.choice(cells))
            day = back
        elif roll < 0.6 and not readmitted:
            add(member, EventKind.NAME_DELETED, day)
            again = rules.add_months(day, 36) + dt.timedelta(days=rng.randrange(0, 900))
            if again >= limit or rng.random() < 0.15:
                break  # out of the Party
            add(member, EventKind.READMITTED, again, rng.choice(cells))
            readmitted = True
            day = again
        elif roll < 0.8 and member.status == Status.OFFICIAL:
            add(member, EventKind.EXPELLED, day)
            back = day + dt.timedelta(days=rng.choice([0, 0, 30, 200]))
            if back >= limit:
                break
            add(member, EventKind.RESTORED, back)
            day = back
    member.refresh_from_db()
    return member


def test_random_histories_agree_with_party_age():
    cells = [OrganizationFactory(), OrganizationFactory(), OrganizationFactory()]
    rng = random.Random(20261130)
    kinds_seen: set[str] = set()
    with_start = without = 0
    for _ in range(40):
        member = replay(rng, cells)
        kinds_seen |= set(member.events.values_list("kind", flat=True))
        assert member.party_age_start == expected_start(member), member.pk
        if member.party_age_start is None:
            without += 1
        else:
            with_start += 1
            # Any later day: party age is that day minus party_age_start.
            later = dt.date.today() + dt.timedelta(days=rng.randrange(0, 4000))
            age = selectors.member_party_age(member, later)
            assert age.counted_from == member.party_age_start
    assert {
        EventKind.TRANSFERRED_IN,
        EventKind.READMITTED,
        EventKind.RESTORED,
        EventKind.RECOGNISED,
    } <= kinds_seen
    assert with_start and without


def test_transfer_gap_moves_it_later_and_an_open_gap_empties_it():
    a, b = OrganizationFactory(), OrganizationFactory()
    member = MemberFactory(organization=a)  # decision 10/05/2010, official 19/05/2011
    assert member.party_age_start == D(2010, 5, 10)
    add(member, EventKind.TRANSFERRED_OUT, D(2015, 1, 1))
    member.refresh_from_db()
    assert member.party_age_start is None  # between two organisations
    add(member, EventKind.TRANSFERRED_IN, D(2015, 3, 2), b)
    member.refresh_from_db()
    assert member.party_age_start == D(2010, 5, 10) + dt.timedelta(days=60)


def test_probationary_has_none_until_recognised():
    member = MemberFactory(organization=OrganizationFactory(), official_date=None)
    assert (member.status, member.party_age_start) == (Status.PROBATIONARY, None)
    add(member, EventKind.RECOGNISED, D(2011, 5, 19))
    member.refresh_from_db()
    assert member.party_age_start == D(2010, 5, 10)


def test_record_date_edit_refreshes_it_when_no_event_holds_the_decision():
    member = MemberFactory(organization=OrganizationFactory(), admission_decision_date=None)
    assert member.party_age_start == D(2010, 5, 19)  # the joining date
    updated = services.member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=member.version,
        data={"admission_decision_date": D(2010, 5, 2)},
    )
    updated.refresh_from_db()
    assert updated.party_age_start == D(2010, 5, 2) == expected_start(updated)


def test_check_finds_and_repairs_a_corrupted_value():
    cell = OrganizationFactory()
    good = MemberFactory(organization=cell)
    bad = MemberFactory(organization=cell)
    Member.objects.filter(pk=bad.pk).update(party_age_start=D(2001, 1, 1))
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("party_age_check", stdout=out)
    assert failed.value.returncode == 1
    assert out.getvalue().splitlines() == [f"{bad.pk}\tđang ghi 01/01/2001\ttính lại 10/05/2010"]
    assert Member.objects.get(pk=bad.pk).party_age_start == D(2001, 1, 1)  # only reported

    out = io.StringIO()
    call_command("party_age_check", "--repair", stdout=out)
    assert "đã sửa 1" in out.getvalue()
    assert dict(Member.objects.values_list("pk", "party_age_start")) == {
        good.pk: D(2010, 5, 10),
        bad.pk: D(2010, 5, 10),
    }
    out = io.StringIO()
    call_command("party_age_check", stdout=out)
    assert "không có sai lệch" in out.getvalue()


def test_bulk_refresh_for_bulk_writers():
    cell = OrganizationFactory()
    kept = MemberFactory(organization=cell)
    stale = MemberFactory(organization=cell, official_date=None)
    # A bulk writer appended the recognition without member_add_event.
    Member.objects.filter(pk=stale.pk).update(status=Status.OFFICIAL)
    stale.events.create(
        kind=EventKind.RECOGNISED,
        date=D(2011, 5, 19),
        seq=0,
        status_after=Status.OFFICIAL,
        organization_after=cell,
    )
    assert Member.objects.get(pk=stale.pk).party_age_start is None
    assert services.refresh_party_age_starts([kept.pk, stale.pk]) == 1
    assert dict(Member.objects.values_list("pk", "party_age_start")) == {
        kept.pk: D(2010, 5, 10),
        stale.pk: D(2010, 5, 10),
    }
