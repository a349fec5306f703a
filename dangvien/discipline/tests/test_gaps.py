"""Restoration papers and membership (QĐ 117), trip reports, and the
discipline of party organisations (R7.1, R7.2, R7.6) on the same table."""

import pytest

from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.discipline import rules, selectors, services
from dangvien.discipline.models import (
    Discipline,
    DisciplineStatus,
    OrgDiscipline,
    OrgDisciplineStatus,
    TripReport,
)
from dangvien.documents.models import IssuedDocument
from dangvien.members.models import MembershipEvent, Status, TripAbroad
from dangvien.members.selectors import member_party_age
from dangvien.organizations.models import OrganizationEvent

from .helpers import D, in_force

# --- restoration (QĐ 117) ------------------------------------------------------------------


def test_restoring_a_warning_issues_the_restoration_paper(tree, member, people):
    d = in_force(member, tree, form="warning", announced_on=D(2025, 3, 10))
    before = IssuedDocument.objects.count()
    events = MembershipEvent.objects.filter(member=member).count()
    services.discipline_restore(
        actor=people["inspection"],
        discipline=d,
        restored_on=D(2025, 5, 10),
        decision="Kết luận 05-KL/UBKT",
        apologised_on=None,
        rights="Xin lỗi tại chi bộ",
    )
    d.refresh_from_db()
    assert d.status == DisciplineStatus.RESTORED
    assert IssuedDocument.objects.count() == before + 1
    paper = d.restoration_document
    assert paper.date == D(2025, 5, 10) and paper.organization == tree["cell_a"]
    assert "kỷ luật oan" in paper.summary
    text = " ".join(paper.context["articles"])
    assert "Phục hồi đảng tịch" not in text
    assert MembershipEvent.objects.filter(member=member).count() == events  # no event written


def test_restoration_refused_writes_nothing(tree, member, people):
    d = in_force(member, tree, form="warning", announced_on=D(2025, 3, 10))
    before = (IssuedDocument.objects.count(), Discipline.history.count())
    with pytest.raises(DomainError) as err:
        services.discipline_restore(
            actor=people["inspection"],
            discipline=d,
            restored_on=D(2025, 3, 6),  # before the decision of 07/03/2025
            decision="Kết luận 05-KL/UBKT",
            apologised_on=None,
            rights="Xin lỗi",
        )
    assert err.value.code == "date_before" and "07/03/2025" in err.value.message
    assert (IssuedDocument.objects.count(), Discipline.history.count()) == before


def test_expulsion_restored_membership_and_continuous_party_age(tree, member, people):
    age_before = member_party_age(member, D(2025, 6, 1))
    d = in_force(member, tree, form="expulsion", announced_on=D(2025, 6, 10))
    member.refresh_from_db()
    assert member.status == Status.EXPELLED
    services.discipline_restore(
        actor=people["inspection"],
        discipline=d,
        restored_on=D(2025, 9, 1),
        decision="Kết luận 09-KL/UBKT",
        apologised_on=D(2025, 9, 5),
        rights="Phục hồi đảng tịch",
    )
    member.refresh_from_db()
    d.refresh_from_db()
    assert member.status == Status.OFFICIAL
    event = MembershipEvent.objects.get(member=member, kind="restored")
    assert event.date == d.decision_date and event.decision_date == D(2025, 9, 1)
    assert event.decision_number == d.restoration_document.symbol
    age = member_party_age(member, D(2025, 10, 1))
    assert age is not None and age.gap_days == age_before.gap_days
    assert "Phục hồi đảng tịch" in " ".join(d.restoration_document.context["articles"])


# --- trips abroad -------------------------------------------------------------------------


TRIP_START = D(2025, 8, 1)


def _trip(member, start=TRIP_START):
    return TripAbroad.objects.create(
        member=member, country="Nhật Bản", purpose="Du lịch", start=start, end=start
    )


def test_trip_report_takes_the_trip_off_the_unreported_list(tree, member, people):
    trip = _trip(member)
    from dangvien.accounts.scope import scope_for

    scope = scope_for(people["secretary_a"])
    assert list(selectors.trips_not_reported(scope, D(2025, 8, 1))) == [trip]
    assert list(selectors.trips_not_reported(scope, D(2025, 7, 31))) == []
    assert list(selectors.trips_not_reported(scope_for(people["secretary_b"]), D(2025, 9, 1))) == []
    report = services.trip_report_record(
        actor=people["secretary_a"],
        trip=trip,
        reported_on=D(2025, 7, 20),
        reported_to="Chi ủy",
    )
    assert report.history.first().history_user == people["secretary_a"]
    assert list(selectors.trips_not_reported(scope, D(2025, 9, 1))) == []


def test_trip_report_refusals_write_nothing(tree, member, people):
    trip = _trip(member)
    with pytest.raises(DomainError) as err:
        services.trip_report_record(
            actor=people["secretary_b"], trip=trip, reported_on=D(2025, 7, 20)
        )
    assert err.value.code == "not_acting_body"
    services.violation_record(
        actor=SYSTEM,
        member=member,
        kind="abroad_unreported",
        description="Đi Nhật Bản không báo cáo",
        committed_on=D(2025, 8, 1),
        found_on=D(2025, 9, 1),
        trip=trip,
    )
    with pytest.raises(DomainError) as err:
        services.trip_report_record(
            actor=people["secretary_a"], trip=trip, reported_on=D(2025, 9, 2)
        )
    assert err.value.code == "trip_report_violation" and "01/09/2025" in err.value.message
    assert TripReport.objects.count() == 0


def test_second_report_refused(tree, member, people):
    trip = _trip(member)
    services.trip_report_record(actor=SYSTEM, trip=trip, reported_on=D(2025, 7, 20))
    with pytest.raises(DomainError) as err:
        services.trip_report_record(actor=SYSTEM, trip=trip, reported_on=D(2025, 7, 21))
    assert err.value.code == "trip_report_exists" and "20/07/2025" in err.value.message
    assert TripReport.objects.count() == 1


# --- discipline of party organisations --------------------------------------------------


def _propose(tree, *, form="warning", target="cell_a", authority="commune", **extra):
    return services.org_discipline_propose(
        actor=extra.pop("actor", SYSTEM),
        organization=tree[target],
        form=form,
        violation_kind=extra.pop("violation_kind", "duties"),
        description="Bỏ ba kỳ liên tiếp không sinh hoạt",
        committed_on=extra.pop("committed_on", D(2025, 1, 10)),
        authority=tree[authority],
        authority_body=extra.pop("authority_body", "superior"),
        proposed_on=extra.pop("proposed_on", D(2025, 3, 1)),
    )


@pytest.mark.parametrize(
    ("form", "votes", "entitled", "passed"),
    [
        ("warning", 5, 10, False),  # exactly 1/2 is not more than 1/2
        ("warning", 6, 10, True),
        ("reprimand", 3, 5, True),
        ("dissolution", 5, 9, False),
        ("dissolution", 6, 9, True),  # exactly 2/3
        ("dissolution", 7, 9, True),
    ],
)
def test_org_vote_thresholds(form, votes, entitled, passed):
    assert rules.org_vote_passes(form, votes, entitled, D(2025, 3, 1)) is passed


def test_org_warning_through_the_table_with_its_paper(tree, member, people):
    d = _propose(tree, actor=people["office"])
    case = Case.objects.get(object_id=d.pk, kind="discipline", closed_on=None)
    assert (case.step, case.member, case.acting_organization) == ("org_vote", None, tree["commune"])
    with pytest.raises(DomainError) as err:
        services.org_discipline_vote(
            actor=people["secretary_a"],
            discipline=d,
            voted_on=D(2025, 3, 5),
            entitled=9,
            votes_for=7,
        )
    assert err.value.code == "not_acting_body"
    d = services.org_discipline_vote(
        actor=people["office"], discipline=d, voted_on=D(2025, 3, 5), entitled=9, votes_for=7
    )
    assert d.status == OrgDisciplineStatus.VOTED
    d = services.org_discipline_decide(
        actor=people["office"], discipline=d, decision_date=D(2025, 3, 6)
    )
    assert d.decision_document.summary.endswith(tree["cell_a"].name)
    assert "CẢNH CÁO" in d.decision_document.context["articles"][0]
    case.refresh_from_db()
    assert (case.step, case.due_date) == ("org_announce", D(2025, 3, 21))
    d = services.org_discipline_announce(
        actor=people["office"], discipline=d, announced_on=D(2025, 3, 10)
    )
    case.refresh_from_db()
    assert d.status == OrgDisciplineStatus.IN_FORCE and case.closed_on is not None
    with pytest.raises(DomainError) as err:
        services.org_discipline_dissolve(actor=SYSTEM, discipline=d, dissolved_on=D(2025, 4, 1))
    assert err.value.code == "not_applicable"


def test_org_vote_below_half_rejects(tree):
    d = _propose(tree)
    with pytest.raises(DomainError) as err:  # 5 of 10 is not more than half: refused
        services.org_discipline_vote(
            actor=SYSTEM, discipline=d, voted_on=D(2025, 3, 5), entitled=10, votes_for=5
        )
    assert err.value.code == "vote_below_threshold" and "hơn 1/2" in err.value.message
    d.refresh_from_db()
    assert d.status == OrgDisciplineStatus.PROPOSED
    d = services.org_discipline_vote(
        actor=SYSTEM,
        discipline=d,
        voted_on=D(2025, 3, 5),
        entitled=10,
        votes_for=5,
        record_rejection=True,
    )
    assert d.status == OrgDisciplineStatus.REJECTED
    assert not Case.objects.filter(object_id=d.pk, kind="discipline", closed_on=None).exists()


def test_dissolution_needs_the_committee_two_levels_above(tree):
    with pytest.raises(DomainError) as err:
        _propose(tree, form="dissolution", authority="commune")
    assert err.value.code == "org_authority"
    with pytest.raises(DomainError) as err:
        _propose(tree, form="dissolution", authority="province", authority_body="inspection")
    assert err.value.code == "org_body_invalid"
    with pytest.raises(DomainError) as err:
        _propose(tree, form="warning", target="cell_a", authority="cell_b")
    assert err.value.code == "org_authority"
    assert OrgDiscipline.objects.count() == 0


def test_org_limitation_day_of_and_after(tree):
    # reprimand: 5 years; the last day in time is the 5th anniversary.
    d = _propose(tree, form="reprimand", committed_on=D(2020, 3, 1), proposed_on=D(2025, 3, 1))
    assert d.status == OrgDisciplineStatus.PROPOSED
    with pytest.raises(DomainError) as err:
        _propose(
            tree,
            form="reprimand",
            target="cell_b",
            committed_on=D(2020, 3, 1),
            proposed_on=D(2025, 3, 2),
        )
    assert err.value.code == "org_time_barred" and "01/03/2025" in err.value.message
    assert OrgDiscipline.objects.count() == 1


def test_second_open_discipline_of_the_same_organisation_refused(tree):
    _propose(tree)
    with pytest.raises(DomainError) as err:
        _propose(tree, form="reprimand")
    assert err.value.code == "org_already_open"
    assert OrgDiscipline.objects.count() == 1


def test_dissolution_ends_in_the_organisation_dissolved(tree, member):
    from dangvien.members.models import Member
    from dangvien.movements import services as movement_services  # noqa: F401

    d = _propose(tree, form="dissolution", target="cell_b", authority="province")
    d = services.org_discipline_vote(
        actor=SYSTEM, discipline=d, voted_on=D(2025, 3, 5), entitled=9, votes_for=6
    )
    assert d.status == OrgDisciplineStatus.VOTED
    d = services.org_discipline_decide(actor=SYSTEM, discipline=d, decision_date=D(2025, 3, 6))
    d = services.org_discipline_announce(actor=SYSTEM, discipline=d, announced_on=D(2025, 3, 9))
    case = Case.objects.get(object_id=d.pk, kind="discipline", closed_on=None)
    assert case.step == "org_dissolve"
    with pytest.raises(DomainError) as err:
        services.org_discipline_dissolve(actor=SYSTEM, discipline=d, dissolved_on=D(2025, 3, 8))
    assert err.value.code == "date_before"
    services.org_discipline_dissolve(actor=SYSTEM, discipline=d, dissolved_on=D(2025, 3, 9))
    d.refresh_from_db()
    tree["cell_b"].refresh_from_db()
    assert d.status == OrgDisciplineStatus.DISSOLVED
    assert tree["cell_b"].valid_to == D(2025, 3, 9) and not tree["cell_b"].is_active
    event = OrganizationEvent.objects.get(organization=tree["cell_b"], kind="dissolved")
    assert (event.kind, event.date, event.decision_number) == (
        "dissolved",
        D(2025, 3, 9),
        d.decision_number,
    )
    case.refresh_from_db()
    assert case.closed_on is not None
    assert Member.objects.get(pk=member.pk).organization == tree["cell_a"]


def test_dissolution_refused_while_members_remain(tree, member):
    d = _propose(tree, form="dissolution", target="cell_a", authority="province")
    d = services.org_discipline_vote(
        actor=SYSTEM, discipline=d, voted_on=D(2025, 3, 5), entitled=9, votes_for=6
    )
    d = services.org_discipline_decide(actor=SYSTEM, discipline=d, decision_date=D(2025, 3, 6))
    d = services.org_discipline_announce(actor=SYSTEM, discipline=d, announced_on=D(2025, 3, 9))
    with pytest.raises(DomainError) as err:
        services.org_discipline_dissolve(actor=SYSTEM, discipline=d, dissolved_on=D(2025, 3, 10))
    assert err.value.code == "dissolve_members_left" and "còn 1 đảng viên" in err.value.message
    tree["cell_a"].refresh_from_db()
    assert tree["cell_a"].is_active
    assert not OrganizationEvent.objects.filter(
        organization=tree["cell_a"], kind="dissolved"
    ).exists()
    d.refresh_from_db()
    assert d.status == OrgDisciplineStatus.IN_FORCE


def test_org_discipline_visibility(tree, people):
    from dangvien.accounts.scope import scope_for

    d = _propose(tree)
    assert selectors.org_discipline_get_for(scope_for(people["secretary_a"]), d.pk) == d
    assert selectors.org_discipline_get_for(scope_for(people["inspection"]), d.pk) == d
    with pytest.raises(DomainError):
        selectors.org_discipline_get_for(scope_for(people["secretary_b"]), d.pk)
    with pytest.raises(DomainError):
        selectors.org_discipline_get_for(scope_for(people["other_inspection"]), d.pk)
