import pytest

from dangvien.accounts.scope import scope_for
from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.discipline import selectors, services
from dangvien.discipline.models import (
    Complaint,
    Discipline,
    DisciplineStatus,
    Inspection,
    InspectionStatus,
    Violation,
)
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.members.models import PostHeld, Status, TripAbroad
from dangvien.movements.models import Removal

from .helpers import D, in_force, violation


def _counts():
    return (
        Inspection.objects.count(),
        Violation.objects.count(),
        Discipline.objects.count(),
        Complaint.objects.count(),
        IssuedDocument.objects.count(),
        Discipline.history.count(),
    )


def test_inspection_plan_and_conclude_by_the_inspection_committee(tree, member, people):
    inspection = services.inspection_plan(
        actor=people["inspection"],
        organization=tree["commune"],
        kind="inspection",
        content="Việc chấp hành quy định báo cáo khi đi nước ngoài",
        period_start=D(2026, 3, 1),
        period_end=D(2026, 4, 30),
        member=member,
    )
    case = Case.objects.get(object_id=inspection.pk, kind="inspection")
    assert (case.step, case.due_date, case.closed_on) == ("conclude", D(2026, 4, 30), None)
    services.inspection_conclude(
        actor=people["inspection"],
        inspection=inspection,
        concluded_on=D(2026, 5, 2),
        conclusion="Có vi phạm",
    )
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CONCLUDED
    assert inspection.history.first().history_user == people["inspection"]
    case.refresh_from_db()
    assert case.closed_on is not None


@pytest.mark.parametrize("who", ["secretary_a", "office", "board", "other_inspection"])
def test_only_the_inspection_committee_plans(tree, member, people, who):
    with pytest.raises(DomainError) as err:
        services.inspection_plan(
            actor=people[who],
            organization=tree["commune"],
            kind="inspection",
            content="Nội dung",
            period_start=D(2026, 3, 1),
            period_end=D(2026, 4, 30),
            member=member,
        )
    assert err.value.code == "not_acting_body"
    assert Inspection.objects.count() == 0


def test_plan_needs_exactly_one_target_inside(tree, member, people):
    with pytest.raises(RecordValidationError) as err:
        services.inspection_plan(
            actor=people["inspection"],
            organization=tree["commune"],
            kind="inspection",
            content="x",
            period_start=D(2026, 3, 1),
            period_end=D(2026, 2, 1),
            member=member,
            target=tree["cell_a"],
        )
    assert set(err.value.errors) == {"member", "period_end"}
    with pytest.raises(RecordValidationError) as err:
        services.inspection_plan(
            actor=SYSTEM,
            organization=tree["commune"],
            kind="inspection",
            content="x",
            period_start=D(2026, 3, 1),
            period_end=D(2026, 4, 1),
            target=tree["cell_c"],
        )
    assert "target" in err.value.errors
    assert Inspection.objects.count() == 0


def test_unreported_trip_seeds_the_violation(tree, member, people):
    trip = TripAbroad.objects.create(
        member=member, country="Hàn Quốc", purpose="Du lịch", start=D(2025, 8, 1)
    )
    reported = TripAbroad.objects.create(
        member=member, country="Lào", purpose="Thăm thân", start=D(2025, 9, 1)
    )
    services.trip_report_record(actor=SYSTEM, trip=reported, reported_on=D(2025, 8, 20))
    scope = scope_for(people["inspection"])
    assert list(selectors.trips_not_reported(scope, D(2026, 1, 1))) == [trip]
    # The member's cell keeps the record of trips and sees them too; another cell does not.
    assert list(selectors.trips_not_reported(scope_for(people["secretary_a"]), D(2026, 1, 1))) == [
        trip
    ]
    assert list(selectors.trips_not_reported(scope_for(people["secretary_b"]), D(2026, 1, 1))) == []
    v = violation(member, kind="abroad_unreported", trip=trip, actor=people["inspection"])
    assert v.trip == trip
    assert list(selectors.trips_not_reported(scope, D(2026, 1, 1))) == []
    with pytest.raises(RecordValidationError) as err:
        violation(member, kind="abroad_unreported", trip=reported)
    assert "trip" in err.value.errors
    with pytest.raises(RecordValidationError) as err:
        violation(member, kind="abroad_unreported")
    assert "trip" in err.value.errors
    assert Violation.objects.count() == 1


def test_full_discipline_issues_the_decision_and_the_cases(tree, member, people):
    v = violation(member)
    d = services.discipline_propose(
        actor=people["secretary_a"],
        violation=v,
        form="warning",
        authority=tree["cell_a"],
        authority_body="cell",
        proposed_on=D(2025, 2, 1),
    )
    d = services.discipline_vote(
        actor=people["secretary_a"], discipline=d, voted_on=D(2025, 2, 7), entitled=10, votes_for=6
    )
    assert d.status == DisciplineStatus.VOTED
    d = services.discipline_decide(
        actor=people["secretary_a"], discipline=d, decision_date=D(2025, 2, 7)
    )
    assert d.status == DisciplineStatus.DECIDED
    assert d.announce_due == D(2025, 2, 17)
    paper = d.decision_document
    assert paper.kind == DocumentKind.DECISION and paper.organization == tree["cell_a"]
    assert paper.context["signer_capacity"] == "T/M CHI BỘ"
    assert "CẢNH CÁO" in paper.context["articles"][0]
    case = Case.objects.get(object_id=d.pk, kind="discipline", slot="")
    assert (case.step, case.due_date) == ("announce", D(2025, 2, 17))
    d = services.discipline_announce(
        actor=people["secretary_a"], discipline=d, announced_on=D(2025, 2, 15)
    )
    assert d.status == DisciplineStatus.IN_FORCE
    case.refresh_from_db()
    assert case.closed_on is not None
    assert selectors.lapses_on(d) == D(2026, 2, 15)
    assert [h.status for h in d.history.order_by("history_id")] == [
        "proposed",
        "voted",
        "decided",
        "in_force",
    ]


def test_vote_below_threshold_rejects(tree, member):
    v = violation(member)
    d = services.discipline_propose(
        actor=SYSTEM,
        violation=v,
        form="reprimand",
        authority=tree["cell_a"],
        authority_body="cell",
        proposed_on=D(2025, 2, 1),
    )
    before = _counts()
    with pytest.raises(DomainError) as err:  # 5 of 10 is not more than half
        services.discipline_vote(
            actor=SYSTEM, discipline=d, voted_on=D(2025, 2, 7), entitled=10, votes_for=5
        )
    assert err.value.code == "vote_below_threshold" and err.value.field == "votes_for"
    assert "5/10" in err.value.message and "hơn 1/2" in err.value.message
    assert _counts() == before
    d.refresh_from_db()
    assert d.status == DisciplineStatus.PROPOSED
    # The conference did vote and fell short: recorded only when said so.
    d = services.discipline_vote(
        actor=SYSTEM,
        discipline=d,
        voted_on=D(2025, 2, 7),
        entitled=10,
        votes_for=5,
        record_rejection=True,
    )
    assert d.status == DisciplineStatus.REJECTED
    with pytest.raises(DomainError) as err:
        services.discipline_decide(actor=SYSTEM, discipline=d, decision_date=D(2025, 2, 8))
    assert err.value.code == "out_of_order"


def test_bad_vote_figures_write_nothing(tree, member):
    v = violation(member)
    d = services.discipline_propose(
        actor=SYSTEM,
        violation=v,
        form="reprimand",
        authority=tree["cell_a"],
        authority_body="cell",
        proposed_on=D(2025, 2, 1),
    )
    before = _counts()
    with pytest.raises(DomainError) as err:
        services.discipline_vote(
            actor=SYSTEM, discipline=d, voted_on=D(2025, 2, 7), entitled=5, votes_for=6
        )
    assert err.value.code == "vote_figures"
    assert _counts() == before


def test_forms_refused_by_status_post_and_body(tree, member, probationary):
    before = _counts()
    v = violation(probationary)
    for form, code in (("dismissal", "form_probationary"), ("expulsion", "form_probationary")):
        with pytest.raises(DomainError) as err:
            services.discipline_propose(
                actor=SYSTEM,
                violation=v,
                form=form,
                authority=tree["commune"],
                authority_body="superior",
                proposed_on=D(2025, 2, 1),
            )
        assert err.value.code == code
    v2 = violation(member)
    with pytest.raises(DomainError) as err:
        services.discipline_propose(
            actor=SYSTEM,
            violation=v2,
            form="dismissal",
            authority=tree["commune"],
            authority_body="superior",
            proposed_on=D(2025, 2, 1),
        )
    assert err.value.code == "form_no_post"
    with pytest.raises(DomainError) as err:
        services.discipline_propose(
            actor=SYSTEM,
            violation=v2,
            form="expulsion",
            authority=tree["cell_a"],
            authority_body="cell",
            proposed_on=D(2025, 2, 1),
        )
    assert err.value.code == "cell_form"
    assert Discipline.objects.count() == before[2]


def test_dismissal_of_a_post_holder(tree, member):
    post = PostHeld.objects.create(
        member=member, kind="party", title="Phó Bí thư chi bộ", start=D(2020, 1, 1)
    )
    v = violation(member)
    with pytest.raises(DomainError) as err:
        services.discipline_propose(
            actor=SYSTEM,
            violation=v,
            form="dismissal",
            authority=tree["commune"],
            authority_body="superior",
            proposed_on=D(2025, 2, 1),
        )
    assert err.value.code == "post_required"
    d = services.discipline_propose(
        actor=SYSTEM,
        violation=v,
        form="dismissal",
        authority=tree["commune"],
        authority_body="superior",
        proposed_on=D(2025, 2, 1),
        post=post,
    )
    # 6 of 9 is exactly 2/3: passes.
    d = services.discipline_vote(
        actor=SYSTEM, discipline=d, voted_on=D(2025, 2, 3), entitled=9, votes_for=6
    )
    assert d.status == DisciplineStatus.VOTED
    d = services.discipline_decide(actor=SYSTEM, discipline=d, decision_date=D(2025, 2, 4))
    assert d.announce_due == D(2025, 2, 19)
    d = services.discipline_announce(actor=SYSTEM, discipline=d, announced_on=D(2025, 2, 5))
    assert selectors.post_barred_until(member, D(2026, 2, 4)) == D(2026, 2, 5)
    assert selectors.post_barred_until(member, D(2026, 2, 5)) is None


def test_time_barred_violation_is_refused(tree, member):
    v = violation(member, committed_on=D(2020, 3, 10))
    with pytest.raises(DomainError) as err:
        services.discipline_propose(
            actor=SYSTEM,
            violation=v,
            form="reprimand",
            authority=tree["cell_a"],
            authority_body="cell",
            proposed_on=D(2025, 3, 11),
        )
    assert err.value.code == "time_barred"
    assert Discipline.objects.count() == 0
    # On the last day it is still in time.
    services.discipline_propose(
        actor=SYSTEM,
        violation=v,
        form="reprimand",
        authority=tree["cell_a"],
        authority_body="cell",
        proposed_on=D(2025, 3, 10),
    )


def test_new_violation_restarts_the_limitation(tree, member):
    v = violation(member, committed_on=D(2020, 3, 10))
    violation(member, committed_on=D(2024, 1, 5))
    d = services.discipline_propose(
        actor=SYSTEM,
        violation=v,
        form="reprimand",
        authority=tree["cell_a"],
        authority_body="cell",
        proposed_on=D(2025, 6, 1),
    )
    assert d.status == DisciplineStatus.PROPOSED


def test_expulsion_ends_in_the_removal(tree, member):
    d = in_force(member, tree, form="expulsion", announced_on=D(2025, 6, 10))
    member.refresh_from_db()
    assert member.status == Status.EXPELLED
    removal = Removal.objects.get(member=member)
    assert removal.kind == "expulsion" and removal.decision_number == d.decision_number
    assert d.removal == removal
    assert selectors.lapses_on(d) is None


def test_transfer_refused_while_in_force(tree, member):
    from dangvien.movements import services as movement_services

    d = in_force(member, tree, announced_on=D(2025, 3, 10))
    assert selectors.blocks_transfer(member, D(2025, 3, 9)) is None
    assert selectors.blocks_transfer(member, D(2025, 3, 10)) == d
    assert selectors.blocks_transfer(member, D(2026, 3, 9)) == d
    assert selectors.blocks_transfer(member, D(2026, 3, 10)) is None
    with pytest.raises(RecordValidationError) as err:
        movement_services.transfer_open(
            actor=SYSTEM,
            member=member,
            kind="permanent",
            reason="residence",
            trigger_date=D(2026, 3, 9),
            to_organization=tree["cell_b"],
        )
    assert "chấp hành kỷ luật khiển trách" in err.value.errors["member"][0]
    from dangvien.movements.models import Transfer

    assert Transfer.objects.count() == 0
    movement_services.transfer_open(
        actor=SYSTEM,
        member=member,
        kind="permanent",
        reason="residence",
        trigger_date=D(2026, 3, 10),
        to_organization=tree["cell_b"],
    )
    assert Transfer.objects.count() == 1


def test_complaint_stops_the_lapse_and_restarts_it(tree, member, people):
    d = in_force(member, tree, form="warning", announced_on=D(2025, 3, 10))
    with pytest.raises(DomainError) as err:
        services.complaint_lodge(
            actor=SYSTEM,
            discipline=d,
            lodged_on=D(2025, 3, 20),
            content="Đề nghị xem xét lại",
            answering_organization=tree["cell_a"],
        )
    assert err.value.code == "complaint_body"
    c = services.complaint_lodge(
        actor=SYSTEM,
        discipline=d,
        lodged_on=D(2025, 3, 20),
        content="Đề nghị xem xét lại",
        answering_organization=tree["commune"],
    )
    assert selectors.lapses_on(d) is None
    case = Case.objects.get(object_id=d.pk, kind="discipline", slot="complaint")
    assert (case.step, case.due_date, case.acting_organization) == (
        "answer",
        D(2025, 6, 18),
        tree["commune"],
    )
    with pytest.raises(DomainError) as err:
        services.complaint_answer(
            actor=people["secretary_a"],
            discipline=d,
            answered_on=D(2025, 5, 1),
            outcome="changed",
            new_form="reprimand",
            answer="Giảm hình thức",
        )
    assert err.value.code == "not_acting_body"
    services.complaint_answer(
        actor=people["inspection"],
        discipline=d,
        answered_on=D(2025, 5, 1),
        outcome="changed",
        new_form="reprimand",
        answer="Giảm hình thức",
    )
    d.refresh_from_db()
    c.refresh_from_db()
    assert (d.form, c.status) == ("reprimand", "answered")
    assert selectors.lapses_on(d) == D(2026, 5, 1)
    case.refresh_from_db()
    assert case.closed_on is not None


def test_annulled_and_restored(tree, member, people):
    d = in_force(member, tree, form="warning", announced_on=D(2025, 3, 10))
    assert selectors.disciplined_in_year(member, 2025)
    services.complaint_lodge(
        actor=SYSTEM,
        discipline=d,
        lodged_on=D(2025, 3, 20),
        content="Kỷ luật oan",
        answering_organization=tree["commune"],
    )
    services.complaint_answer(
        actor=people["inspection"],
        discipline=d,
        answered_on=D(2025, 5, 1),
        outcome="annulled",
        answer="Xóa bỏ quyết định",
    )
    d.refresh_from_db()
    assert d.status == DisciplineStatus.ANNULLED
    assert selectors.blocks_transfer(member, D(2025, 6, 1)) is None
    with pytest.raises(DomainError) as err:
        services.discipline_restore(
            actor=people["secretary_a"],
            discipline=d,
            restored_on=D(2025, 5, 10),
            decision="Kết luận 05-KL/UBKT",
            apologised_on=D(2025, 5, 20),
            rights="Xin lỗi tại chi bộ",
        )
    assert err.value.code == "not_acting_body"
    services.discipline_restore(
        actor=people["inspection"],
        discipline=d,
        restored_on=D(2025, 5, 10),
        decision="Kết luận 05-KL/UBKT",
        apologised_on=D(2025, 5, 20),
        rights="Xin lỗi tại chi bộ",
    )
    d.refresh_from_db()
    assert d.status == DisciplineStatus.RESTORED
    assert not selectors.disciplined_in_year(member, 2025)


def test_disciplined_in_year_counts_one_violation_once(tree, member):
    d = in_force(member, tree, announced_on=D(2025, 12, 30))
    assert d.decision_date == D(2025, 12, 27)
    assert selectors.disciplined_in_year(member, 2025)
    assert not selectors.disciplined_in_year(member, 2026)
    assert not selectors.disciplined_in_year(member, 2024)


def test_lapsed_list_and_standing(tree, member, people):
    d = in_force(member, tree, announced_on=D(2025, 3, 10))
    scope = scope_for(people["board"])
    assert selectors.lapsed_disciplines(scope, D(2026, 3, 9)) == []
    assert selectors.lapsed_disciplines(scope, D(2026, 3, 10)) == [(d, D(2026, 3, 10))]
    assert selectors.standing_on(d, D(2026, 3, 10)).code == "lapsed"
    assert selectors.standing_on(d, D(2026, 3, 9)).code == "in_force"
    assert selectors.lapsed_disciplines(scope_for(people["secretary_b"]), D(2027, 1, 1)) == []


def test_sensitive_visibility(tree, member, people, django_user_model):
    d = in_force(member, tree)
    from dangvien.accounts.scope import scope_for

    for who in ("inspection", "board", "office", "secretary_a"):
        assert selectors.discipline_get_for(scope_for(people[who]), d.pk) == d
    for who in ("secretary_b", "other_inspection", "auditor"):
        with pytest.raises(DomainError):
            selectors.discipline_get_for(scope_for(people[who]), d.pk)
    user = django_user_model.objects.create_user(username="dv", password="x-Test-1234")
    member.user = user
    member.save()
    from dangvien.accounts.models import Role, RoleGrant

    RoleGrant.objects.create(
        user=user, role=Role.MEMBER, organization=tree["cell_a"], valid_from=D(2020, 1, 1)
    )
    assert selectors.discipline_get_for(scope_for(user), d.pk) == d
    assert list(selectors.member_disciplines(scope_for(user), member)) == [d]
