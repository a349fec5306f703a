"""R1.8a (QĐ 24-QĐ/TW điểm 9.3.2, addendum 8.7): who counts in a cell's vote,
and the 2/3 and majority shares, at their edges (members.rules.vote_base)."""

import datetime as dt

import pytest

from dangvien.members import rules
from dangvien.members.errors import MemberError
from dangvien.members.rules import NotCounted

DAY = dt.date(2026, 11, 7)
ELEVEN = list(range(1, 12))


def test_the_issue_case_counts_nine_and_six_pass():
    # 11 official members; 10 exempted and absent; 11 temporarily attached elsewhere.
    vote = rules.vote_base(
        on=DAY, officials=ELEVEN, present=range(1, 10), exempted=[10], attached_elsewhere=[11]
    )
    assert vote.base == 9
    assert vote.not_counted == {
        10: NotCounted.EXEMPT_ABSENT,
        11: NotCounted.ATTACHED_ELSEWHERE,
    }
    assert rules.vote_passes(6, vote.base, DAY)  # exactly 2/3 passes
    assert not rules.vote_passes(5, vote.base, DAY)  # one below does not
    assert not rules.vote_passes(6, len(ELEVEN), DAY)  # what the product used to count


def test_an_exempted_member_who_attends_is_counted():
    present = rules.vote_base(on=DAY, officials=ELEVEN, exempted=[10], attached_elsewhere=[11])
    assert present.base == 10 and 10 in present.voters
    assert not rules.vote_passes(6, present.base, DAY)
    assert rules.votes_needed(present.base, DAY) == 7
    absent = rules.vote_base(on=DAY, officials=ELEVEN, present=ELEVEN[:-2], exempted=[10])
    assert absent.base == 10 and 10 not in absent.counted  # 11 absent but not exempt: counted


def test_attached_elsewhere_is_not_counted_even_when_present():
    vote = rules.vote_base(on=DAY, officials=ELEVEN, attached_elsewhere=[11])
    assert vote.base == 10 and 11 not in vote.voters


def test_suspended_and_detained_are_not_counted():
    vote = rules.vote_base(on=DAY, officials=ELEVEN, suspended=[1], detained=[2, 99])
    assert vote.base == 9
    assert vote.not_counted == {1: NotCounted.SUSPENDED, 2: NotCounted.DETAINED}


def test_the_member_concerned_is_counted_but_does_not_vote():
    vote = rules.vote_base(on=DAY, officials=ELEVEN, subject=3)
    assert vote.base == 11 and 3 not in vote.voters and len(vote.voters) == 10
    problem = rules.vote_problem(vote, 11)
    assert problem and problem[0] is MemberError.VOTES_OVER_VOTERS
    assert "không biểu quyết việc của mình" in problem[0].text(**problem[1])
    assert rules.vote_problem(vote, 10) is None


@pytest.mark.parametrize(
    ("votes", "base", "passes"), [(5, 9, True), (4, 9, False), (5, 10, False), (6, 10, True)]
)
def test_majority_is_more_than_half(votes, base, passes):
    assert rules.vote_passes(votes, base, DAY, majority=True) is passes
    assert (votes >= rules.votes_needed(base, DAY, majority=True)) is passes


def test_figures_that_cannot_be_are_named():
    nobody = rules.vote_base(on=DAY, officials=[1], attached_elsewhere=[1])
    assert rules.vote_problem(nobody, 0)[0] is MemberError.VOTE_NO_BASE
    vote = rules.vote_base(on=DAY, officials=ELEVEN, present=[1, 2, 42])
    assert vote.present == {1, 2}
    problem = rules.vote_problem(vote, 1, [1, 2, 42])
    assert problem[0] is MemberError.VOTE_PRESENT_UNKNOWN and problem[1]["ids"] == "42"
    assert rules.vote_problem(vote, 3)[0] is MemberError.VOTES_OVER_VOTERS


def test_the_roll_keeps_who_was_present_and_why_not_counted():
    vote = rules.vote_base(
        on=DAY,
        officials=[1, 2, 3],
        present=[1, 3],
        exempted=[2],
        subject=3,
        names={3: "Ba", 1: "Một", 2: "Hai"},
    )
    assert vote.roll() == [
        {
            "id": 3,
            "name": "Ba",
            "present": True,
            "exempt": False,
            "counted": True,
            "reason": "",
            "subject": True,
        },
        {
            "id": 1,
            "name": "Một",
            "present": True,
            "exempt": False,
            "counted": True,
            "reason": "",
            "subject": False,
        },
        {
            "id": 2,
            "name": "Hai",
            "present": False,
            "exempt": True,
            "counted": False,
            "reason": NotCounted.EXEMPT_ABSENT,
            "subject": False,
        },
    ]
