"""Party badges end to end through the services: the list of an award date
(net of gaps, at the window's edges), the proposal with its grounds, the
decision, the award with its number, the return; every refusal writes nothing."""

import pytest

from dangvien.badges import selectors, services
from dangvien.badges.models import AwardStatus, BadgeAward, BadgeRound, RoundStatus
from dangvien.badges.rules import Ground
from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.documents.models import IssuedDocument
from dangvien.members import services as member_services
from dangvien.members.models import EventKind

from .conftest import AWARD, D, veteran


def counts():
    return (
        BadgeAward.objects.count(),
        BadgeAward.history.count(),
        BadgeRound.objects.count(),
        Case.objects.count(),
        IssuedDocument.objects.count(),
    )


def _years(candidates, member):
    return [c.years for c in candidates if c.member_id == member.pk]


def test_list_window_edges_day_before_of_after(tree):
    start_edge = veteran(tree["cell_a"], D(1996, 2, 3))  # 30 years on 3/2: the previous list
    after_start = veteran(tree["cell_a"], D(1996, 2, 4))
    on_date = veteran(tree["cell_a"], D(1996, 5, 19))  # 30 years on the award date
    day_after = veteran(tree["cell_b"], D(1996, 5, 20))
    forty = veteran(tree["cell_b"], D(1986, 4, 1))
    young = veteran(tree["cell_b"], D(2000, 4, 1))
    found = selectors.candidates_for(tree["commune"], AWARD)
    assert _years(found, start_edge) == []
    assert _years(found, after_start) == [30]
    assert _years(found, on_date) == [30]
    assert _years(found, day_after) == []
    assert _years(found, forty) == [40]
    assert _years(found, young) == []
    assert [c.years for c in found] == [30, 30, 40]
    # The day after is in the next list.
    assert _years(selectors.candidates_for(tree["commune"], D(2026, 9, 2)), day_after) == [30]
    # Another subtree does not see them.
    assert selectors.candidates_for(tree["agency"], AWARD) == []


def test_a_transfer_gap_moves_the_milestone(tree):
    member = veteran(tree["cell_a"], D(1995, 4, 1))  # 31 years on 1/4/2026 without the gap
    member_services.member_add_event(
        actor=SYSTEM, member=member, kind=EventKind.TRANSFERRED_OUT, date=D(2000, 1, 10)
    )
    member_services.member_add_event(
        actor=SYSTEM,
        member=member,
        kind=EventKind.TRANSFERRED_IN,
        date=D(2001, 1, 10),
        organization=tree["cell_a"],
    )
    found = [
        c for c in selectors.candidates_for(tree["commune"], AWARD) if c.member_id == member.pk
    ]
    assert [(c.years, c.reached_on, c.gap_days) for c in found] == [(30, D(2026, 4, 1), 366)]


def test_an_exempted_member_keeps_the_right(tree):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    member_services.member_add_event(
        actor=SYSTEM, member=member, kind=EventKind.EXEMPTED, date=D(2025, 1, 5), reason="Tuổi cao"
    )
    assert _years(selectors.candidates_for(tree["commune"], AWARD), member) == [30]


def test_propose_submit_decide_award_return(tree, people):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    award = services.badge_propose(
        actor=people["office"], member=member, milestone=30, award_date=AWARD
    )
    assert award.status == AwardStatus.PROPOSED
    assert award.organization == tree["commune"] and award.milestone_on == D(2026, 3, 1)
    badge_round = award.round
    case = Case.objects.get(object_id=badge_round.pk, closed_on=None)
    assert case.step == "submit" and case.due_date == D(2026, 4, 4)

    services.badge_round_submit(
        actor=people["office"], badge_round=badge_round, submitted_on=D(2026, 3, 20)
    )
    badge_round.refresh_from_db()
    assert badge_round.status == RoundStatus.SUBMITTED and badge_round.submission_number
    paper = IssuedDocument.objects.get(pk=badge_round.submission_document_id)
    assert paper.kind == "TTr"
    award.refresh_from_db()
    assert Case.objects.get(object_id=award.pk, closed_on=None).step == "decide"

    with pytest.raises(DomainError) as err:  # the grassroots office does not decide
        services.badge_decide(
            actor=people["office"], award=award, decided_on=D(2026, 3, 20), decision_number="1"
        )
    assert err.value.code == "not_acting_body"
    services.badge_decide(
        actor=people["board"], award=award, decided_on=D(2026, 3, 20), decision_number="125-QĐ/TU"
    )
    award.refresh_from_db()
    assert award.status == AwardStatus.DECIDED and award.decided_by == tree["province"]
    services.badge_record_award(
        actor=people["office"], award=award, awarded_on=D(2026, 3, 20), badge_number="HH-000123"
    )
    award.refresh_from_db()
    assert award.status == AwardStatus.AWARDED and award.badge_number == "HH-000123"
    assert not Case.objects.filter(object_id=award.pk, closed_on=None, kind="badge").exists()
    users = list(
        award.history.order_by("history_id").values_list("history_user__username", flat=True)
    )
    assert users == ["vp_xa", "btc_tinh", "vp_xa"]

    # Expelled: the badge is returned, recorded by the membership event.
    member_services.member_add_event(
        actor=SYSTEM, member=member, kind=EventKind.EXPELLED, date=D(2026, 3, 20), reason="Vi phạm"
    )
    award.refresh_from_db()
    assert award.status == AwardStatus.RETURNED and award.returned_on == D(2026, 3, 20)
    assert "khai trừ" in award.return_reason


def test_death_keeps_the_badge(tree, people):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    award = services.badge_propose(actor=SYSTEM, member=member, milestone=30, award_date=AWARD)
    member_services.member_add_event(
        actor=SYSTEM, member=member, kind=EventKind.DECEASED, date=D(2026, 3, 10)
    )
    award.refresh_from_db()
    assert award.status == AwardStatus.PROPOSED


@pytest.mark.parametrize(
    ("decided", "milestone", "ground", "note", "code"),
    [
        (D(1996, 5, 20), 30, Ground.REGULAR, "", "too_early"),  # a day after the award date
        (D(1996, 3, 1), 35, Ground.REGULAR, "", "not_a_milestone"),
        (D(1996, 3, 1), 30, "other", "", "ground_invalid"),
        (D(1997, 3, 1), 30, Ground.ILL, "", "ground_note_required"),
        (
            D(1997, 5, 20),
            30,
            Ground.ILL,
            "Ung thư giai đoạn cuối",
            "too_early",
        ),  # 12 months + 1 day
        (D(1958, 5, 20), 70, Ground.ILL, "Bệnh nặng", "too_early"),  # 24 months + 1 day
        (D(1996, 3, 1), 30, Ground.POSTHUMOUS, "", "not_deceased"),
    ],
)
def test_bad_proposals_write_nothing(tree, decided, milestone, ground, note, code):
    member = veteran(tree["cell_a"], decided)
    before = counts()
    with pytest.raises(DomainError) as err:
        services.badge_propose(
            actor=SYSTEM,
            member=member,
            milestone=milestone,
            award_date=AWARD,
            ground=ground,
            ground_note=note,
        )
    assert err.value.code == code
    assert err.value.field in ("milestone", "ground", "ground_note")
    assert "<" not in err.value.message and err.value.message
    assert counts() == before


@pytest.mark.parametrize(
    ("decided", "milestone"), [(D(1997, 5, 19), 30), (D(1958, 5, 19), 70), (D(1953, 5, 19), 75)]
)
def test_ill_members_early_at_the_edge(tree, decided, milestone):
    member = veteran(tree["cell_a"], decided)
    award = services.badge_propose(
        actor=SYSTEM,
        member=member,
        milestone=milestone,
        award_date=AWARD,
        ground=Ground.ILL,
        ground_note="Bệnh nặng",
    )
    assert award.ground == Ground.ILL


def test_posthumous_reads_the_day_before_death(tree):
    # 30 years on 10/3/2027: death on 11/3/2026 leaves the day before + 12 months = 10/3/2027.
    member = veteran(tree["cell_a"], D(1997, 3, 10))
    member_services.member_add_event(
        actor=SYSTEM, member=member, kind=EventKind.DECEASED, date=D(2026, 3, 11)
    )
    with pytest.raises(DomainError) as err:
        services.badge_propose(actor=SYSTEM, member=member, milestone=30, award_date=AWARD)
    assert err.value.code == "deceased_use_posthumous"
    award = services.badge_propose(
        actor=SYSTEM, member=member, milestone=30, award_date=AWARD, ground=Ground.POSTHUMOUS
    )
    assert award.milestone_on == D(2027, 3, 10)
    other = veteran(tree["cell_a"], D(1997, 3, 11))  # one day short
    member_services.member_add_event(
        actor=SYSTEM, member=other, kind=EventKind.DECEASED, date=D(2026, 3, 11)
    )
    before = counts()
    with pytest.raises(DomainError) as err:
        services.badge_propose(
            actor=SYSTEM, member=other, milestone=30, award_date=AWARD, ground=Ground.POSTHUMOUS
        )
    assert err.value.code == "too_early" and counts() == before


def test_twice_the_same_milestone_and_a_used_number(tree, people):
    first = veteran(tree["cell_a"], D(1996, 3, 1))
    second = veteran(tree["cell_b"], D(1996, 3, 2))
    a = services.badge_propose(actor=SYSTEM, member=first, milestone=30, award_date=AWARD)
    b = services.badge_propose(actor=SYSTEM, member=second, milestone=30, award_date=AWARD)
    before = counts()
    with pytest.raises(DomainError) as err:
        services.badge_propose(actor=SYSTEM, member=first, milestone=30, award_date=AWARD)
    assert (err.value.code, err.value.field) == ("already", "milestone")
    assert counts() == before
    services.badge_round_submit(actor=SYSTEM, badge_round=a.round, submitted_on=D(2026, 3, 20))
    for x in (a, b):
        services.badge_decide(
            actor=SYSTEM, award=x, decided_on=D(2026, 3, 20), decision_number="9-QĐ/TU"
        )
    services.badge_record_award(
        actor=SYSTEM, award=a, awarded_on=D(2026, 3, 20), badge_number="0001"
    )
    before = counts()
    with pytest.raises(DomainError) as err:
        services.badge_record_award(
            actor=SYSTEM, award=b, awarded_on=D(2026, 3, 20), badge_number="0001"
        )
    assert (err.value.code, err.value.field) == ("number_taken", "badge_number")
    assert counts() == before
    b.refresh_from_db()
    assert b.status == AwardStatus.DECIDED and b.badge_number == ""


def test_refused_milestone_may_be_proposed_again(tree):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    a = services.badge_propose(actor=SYSTEM, member=member, milestone=30, award_date=AWARD)
    services.badge_round_submit(actor=SYSTEM, badge_round=a.round, submitted_on=D(2026, 3, 20))
    services.badge_refuse(actor=SYSTEM, award=a, decided_on=D(2026, 3, 20), reason="Hồ sơ thiếu")
    again = services.badge_propose(
        actor=SYSTEM, member=member, milestone=30, award_date=D(2026, 9, 2)
    )
    assert again.status == AwardStatus.PROPOSED


def test_roles_below_or_beside_the_grassroots_may_not_propose(tree, people):
    member = veteran(tree["cell_a"], D(1996, 3, 1))
    before = counts()
    for who in ("secretary_a", "other_office"):
        with pytest.raises(DomainError) as err:
            services.badge_propose(actor=people[who], member=member, milestone=30, award_date=AWARD)
        assert err.value.code == "not_acting_body"
    with pytest.raises(DomainError) as err:
        services.badge_propose(actor=SYSTEM, member=member, milestone=30, award_date=D(2026, 5, 20))
    assert err.value.code == "not_an_award_date"
    assert counts() == before


def test_submitting_an_empty_round_is_refused(tree, people):
    badge_round = services.badge_round_open(
        actor=people["office"], organization=tree["commune"], award_date=AWARD
    )
    before = counts()
    with pytest.raises(DomainError) as err:
        services.badge_round_submit(
            actor=people["office"], badge_round=badge_round, submitted_on=D(2026, 3, 20)
        )
    assert err.value.code == "round_empty" and counts() == before
    with pytest.raises(DomainError) as err:
        services.badge_round_open(
            actor=people["office"], organization=tree["cell_a"], award_date=AWARD
        )
    assert err.value.code == "not_grassroots"
