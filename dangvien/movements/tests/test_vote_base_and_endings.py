"""Issue 9, items 9, 11 and 12 through the services: who counts in the cell's
vote (R1.8a) and who was present; months the organisation excused never count
towards name deletion (R4.1.1); the end of a membership closes every side file."""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case, CaseKind
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.liaison import selectors as liaison_selectors
from dangvien.liaison import services as liaison
from dangvien.liaison.models import (
    Exemption,
    ExemptionStatus,
    ResidenceLiaison,
    ResidenceStatus,
    WorkingAway,
    WorkingAwayStatus,
)
from dangvien.members import services as member_services
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.members.rules import NotCounted
from dangvien.members.tests.factories import MemberFactory
from dangvien.movements import selectors, services
from dangvien.movements.models import (
    Removal,
    RemovalCause,
    RemovalKind,
    RemovalStatus,
    Transfer,
    TransferKind,
    TransferReason,
    TransferStatus,
)
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date
MEETING = D(2026, 11, 7)
MONTHS = [D(2026, 2, 7), D(2026, 4, 7), D(2026, 7, 7)]
EXEMPT_FROM, EXEMPT_TO = D(2026, 3, 1), D(2026, 12, 31)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def tree():
    return build_tree()


def _exempt(member, start=EXEMPT_FROM, end=EXEMPT_TO):
    """A temporary exemption decided by the cell and reported (in force)."""
    exemption = liaison.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        ground="working_away",
        applied_on=start,
        start=start,
        end=end,
    )
    liaison.exemption_decide(
        actor=SYSTEM, exemption=exemption, decided_on=start, resolution_number="05-NQ/CB"
    )
    return liaison.exemption_report(actor=SYSTEM, exemption=exemption, reported_on=start)


def _attach_elsewhere(member, to):
    transfer = services.transfer_open(
        actor=SYSTEM,
        member=member,
        kind=TransferKind.TEMPORARY,
        reason=TransferReason.WORK_AWAY,
        trigger_date=D(2026, 9, 1),
        to_organization=to,
        period_start=D(2026, 9, 1),
        period_end=D(2027, 3, 31),
    )
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 9, 5), dues_paid_through="08/2026"
    )
    return transfer


@pytest.fixture
def eleven(tree):
    """11 official members of cell_a: [9] exempted, [10] attached to cell_b."""
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(11)]
    _exempt(members[9])
    _attach_elsewhere(members[10], tree["cell_b"])
    return members


def _snapshot():
    return (
        list(Removal.objects.order_by("id").values_list("id", "status")),
        MembershipEvent.objects.count(),
        list(Case.objects.order_by("id").values_list("id", "step", "closed_on")),
        list(Member.objects.order_by("id").values_list("id", "status")),
    )


def _propose(target, votes_for, present=None, **over):
    args = dict(
        actor=SYSTEM,
        member=target,
        kind=RemovalKind.NAME_DELETION,
        # Typed months are the evidence of unpaid dues only; missed meetings
        # come from attendance (issue 10).
        cause=RemovalCause.UNPAID_DUES,
        evidence_months=MONTHS,
        meeting_on=MEETING,
        votes_for=votes_for,
        present=present,
    )
    args.update(over)
    return services.removal_propose(**args)


# --- item 9: who counts in the vote -------------------------------------------


def test_the_base_is_nine_and_six_in_favour_pass(eleven):
    target = eleven[0]
    present = [m.pk for m in eleven[:9]]  # the exempted member is absent
    removal = _propose(target, 6, present)
    assert removal.status == RemovalStatus.PROPOSED
    assert (removal.official_members, removal.vote_base, removal.present_count) == (11, 9, 9)
    roll = {row["id"]: row for row in removal.roll}
    assert roll[eleven[9].pk]["reason"] == NotCounted.EXEMPT_ABSENT
    assert roll[eleven[10].pk]["reason"] == NotCounted.ATTACHED_ELSEWHERE
    assert roll[target.pk]["subject"] and roll[target.pk]["counted"]
    assert [r["present"] for r in removal.roll].count(True) == 9
    assert removal.history.first().roll == removal.roll  # kept in the history


def test_one_below_two_thirds_is_a_failed_vote(eleven):
    removal = _propose(eleven[0], 5, [m.pk for m in eleven[:9]])
    assert removal.status == RemovalStatus.FAILED_VOTE and removal.vote_base == 9
    assert not Case.objects.filter(kind=CaseKind.REMOVAL, closed_on=None).exists()


def test_an_exempted_member_present_is_counted(eleven):
    # Everyone present (the default): the exempted member counts, the base is 10.
    removal = _propose(eleven[0], 6)
    assert removal.vote_base == 10 and removal.status == RemovalStatus.FAILED_VOTE
    again = _propose(eleven[0], 7, meeting_on=D(2026, 11, 14))
    assert again.status == RemovalStatus.PROPOSED


def test_the_member_removed_does_not_vote_and_a_refusal_changes_nothing(eleven):
    before = _snapshot()
    # 10 counted present (the attached member is not), less the member concerned: 9 voters.
    with pytest.raises(RecordValidationError) as exc:
        _propose(eleven[0], 10)
    assert "votes_for" in exc.value.errors
    assert "không biểu quyết việc của mình" in exc.value.errors["votes_for"][0]
    with pytest.raises(RecordValidationError) as exc:
        _propose(eleven[0], 1, present=[eleven[0].pk, 10**9])
    assert "present" in exc.value.errors
    assert _snapshot() == before


def test_leaving_on_application_needs_more_than_half(tree):
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(4)]
    failed = _propose(members[0], 2, kind=RemovalKind.VOLUNTARY_EXIT, cause="")
    assert failed.status == RemovalStatus.FAILED_VOTE  # 2 of 4 is not more than half
    passed = _propose(members[0], 3, kind=RemovalKind.VOLUNTARY_EXIT, cause="")
    assert passed.status == RemovalStatus.PROPOSED


def test_the_selector_reads_exemption_and_temporary_transfer_on_the_day(eleven):
    vote = selectors.cell_vote_base(eleven[0].organization, MEETING, present=eleven[:9])
    assert vote.base == 9
    # Before the exemption started and the letter was sent, all 11 count.
    assert selectors.cell_vote_base(eleven[0].organization, D(2026, 2, 1)).base == 11


def test_an_admission_vote_counts_the_same_base(tree):
    from dangvien.admissions import services as admissions
    from dangvien.admissions.tests.factories import file_with_dossier

    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(4)]
    _exempt(members[3], start=D(2026, 10, 1))
    file = file_with_dossier(
        tree["cell_a"],
        members,
        opened_on=D(2026, 10, 5),
        dossier_on=D(2026, 10, 20),
        application_date=D(2026, 10, 1),
        certificate_date=D(2026, 9, 1),
    )
    vote = admissions.admission_cell_vote(
        actor=SYSTEM,
        file=file,
        meeting_date=MEETING,
        votes_for=2,
        present=[m.pk for m in members[:3]],
        resolution_number="07-NQ/CB",
    )
    # 4 official members, the exempted one absent: base 3, 2 in favour is 2/3.
    assert vote.passed and (vote.official_members, vote.vote_base, vote.present_count) == (4, 3, 3)
    assert vote.history.count() == 1


# --- item 11: months the organisation excused ------------------------------------


def test_months_of_a_temporary_exemption_never_count(tree):
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(3)]
    target = members[0]
    _exempt(target)  # 01/03-31/12/2026, decided by the cell
    excused = selectors.excused_months(target, D(2026, 1, 1), D(2026, 12, 31))
    assert sorted(excused) == [(2026, m) for m in range(3, 13)]
    # Missed meetings come from attendance only: months typed for that cause
    # that no attendance shows are refused at the field, nothing written.
    before = _snapshot()
    with pytest.raises(RecordValidationError) as exc:
        _propose(
            target,
            2,
            cause=RemovalCause.MISSED_ACTIVITY,
            evidence_months=[D(2025, 9, 1), D(2025, 10, 1), D(2025, 11, 1)],
        )
    assert exc.value.code == "months_not_in_attendance"
    assert "09/2025, 10/2025, 11/2025" in exc.value.errors["evidence_months"][0]
    assert _snapshot() == before


def test_a_temporary_transfer_excuses_activity_and_dues_at_home(tree):
    member = MemberFactory(organization=tree["cell_a"])
    _attach_elsewhere(member, tree["cell_b"])
    for dues in (False, True):
        excused = selectors.excused_months(member, D(2026, 1, 1), D(2026, 11, 30), dues=dues)
        assert sorted(excused) == [(2026, m) for m in (9, 10, 11)]
    # An exemption from activity does not excuse unpaid dues (R3.5).
    other = MemberFactory(organization=tree["cell_a"])
    _exempt(other)
    assert selectors.excused_months(other, D(2026, 1, 1), D(2026, 12, 31), dues=True) == {}


# --- item 12: the end of a membership closes every side file ------------------------


def _side_files(member, tree):
    exemption = _exempt(member, start=D(2026, 1, 5), end=D(2026, 6, 30))  # overdue for return
    away = liaison.working_away_report(
        actor=SYSTEM, member=member, reported_on=D(2026, 7, 1), left_on=D(2026, 7, 5)
    )
    residence = liaison.residence_mark_not_introduced(
        actor=SYSTEM, member=member, decided_on=D(2026, 7, 2), note="Chưa giới thiệu"
    )
    transfer = services.transfer_open(
        actor=SYSTEM,
        member=member,
        kind=TransferKind.PERMANENT,
        reason=TransferReason.RESIDENCE,
        trigger_date=D(2026, 10, 1),
        to_organization=tree["cell_b"],
    )
    return exemption, away, residence, transfer


def test_a_death_closes_every_side_file_and_leaves_every_count(tree):
    member = MemberFactory(organization=tree["cell_a"])
    other = MemberFactory(organization=tree["cell_a"])
    exemption, away, residence, transfer = _side_files(member, tree)
    lists = liaison_selectors.exemption_lists(tree["cell_a"])
    assert [e.pk for e in lists.overdue_for_return] == [exemption.pk] and lists.exempt_count == 1
    assert Case.objects.filter(member=member, closed_on=None).exists()
    untouched = _snapshot()[2]

    services.removal_record(
        actor=SYSTEM, member=member, kind=RemovalKind.DEATH, date=D(2026, 11, 15)
    )

    reason = "Đảng viên từ trần ngày 15/11/2026"
    exemption.refresh_from_db()
    assert (exemption.status, exemption.ended_on, exemption.end_reason) == (
        ExemptionStatus.ENDED,
        D(2026, 11, 15),
        reason,
    )
    assert exemption.history.first().history_change_reason == reason
    away.refresh_from_db()
    assert (away.status, away.ended_on, away.end_note) == (
        WorkingAwayStatus.ENDED,
        D(2026, 11, 15),
        reason,
    )
    residence.refresh_from_db()
    assert residence.status == ResidenceStatus.ENDED and residence.end_reason == reason
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED and transfer.cancelled_reason == reason
    assert not Case.objects.filter(member=member, closed_on=None).exists()
    lists = liaison_selectors.exemption_lists(tree["cell_a"])
    assert lists.open == [] and lists.overdue_for_return == [] and lists.exempt_count == 0
    assert liaison_selectors.working_away_summary(tree["cell_a"]).total == 0
    assert liaison_selectors.residence_lists(tree["cell_a"]).open == []
    # Another member's cases are left as they were.
    assert [c for c in untouched if Case.objects.get(pk=c[0]).member_id == other.pk] == [
        c for c in _snapshot()[2] if Case.objects.get(pk=c[0]).member_id == other.pk
    ]


def test_name_deletion_and_any_ending_event_close_them_too(tree):
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(4)]
    target, leaver = members[0], members[1]
    exemption = _exempt(target, start=D(2026, 1, 5), end=D(2026, 1, 31))
    removal = _propose(target, 3, cause=RemovalCause.RETURNED_CARD, evidence_months=[])
    services.removal_decide(
        actor=SYSTEM,
        removal=removal,
        approved=True,
        decided_by="Ban Thường vụ Đảng ủy xã Cẩm Xuyên",
        decision_number="45-QĐ/ĐU",
        decision_date=D(2026, 11, 18),
    )
    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.ENDED
    assert exemption.end_reason == "Đảng viên bị xóa tên ngày 18/11/2026"
    # An ending event written by any path (here the members' service itself).
    away = liaison.working_away_report(actor=SYSTEM, member=leaver, reported_on=D(2026, 7, 1))
    member_services.member_add_event(
        actor=SYSTEM, member=leaver, kind=EventKind.LEFT, date=D(2026, 11, 19)
    )
    away.refresh_from_db()
    assert away.status == WorkingAwayStatus.ENDED
    assert Member.objects.get(pk=leaver.pk).status == Status.LEFT


def test_a_refused_ending_leaves_the_side_files_open(tree):
    member = MemberFactory(organization=tree["cell_a"])
    exemption, away, residence, transfer = _side_files(member, tree)
    before = (
        list(Exemption.objects.values_list("id", "status")),
        list(WorkingAway.objects.values_list("id", "status")),
        list(ResidenceLiaison.objects.values_list("id", "status")),
        list(Transfer.objects.values_list("id", "status")),
        _snapshot(),
    )
    with pytest.raises(DomainError):  # an expulsion needs its decision number
        services.removal_record(
            actor=SYSTEM, member=member, kind=RemovalKind.EXPULSION, date=D(2026, 11, 15)
        )
    with pytest.raises(DomainError):  # a death in the future
        services.removal_record(
            actor=SYSTEM, member=member, kind=RemovalKind.DEATH, date=D(2026, 12, 15)
        )
    assert before == (
        list(Exemption.objects.values_list("id", "status")),
        list(WorkingAway.objects.values_list("id", "status")),
        list(ResidenceLiaison.objects.values_list("id", "status")),
        list(Transfer.objects.values_list("id", "status")),
        _snapshot(),
    )


# --- the pages: who was present, and the base shown ------------------------------


def test_the_removal_page_marks_who_was_present_and_shows_the_base(
    client, django_user_model, eleven
):
    from dangvien.members.tests.factories import Role, user_with_role

    cell = eleven[0].organization
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, cell)
    client.force_login(secretary)
    page = client.get(f"/ra-khoi-dang/moi/?member={eleven[0].pk}").content.decode()
    assert "Đảng viên chính thức có mặt" in page
    assert "chi bộ có 11 đảng viên chính thức" in page
    assert "số được tính biểu quyết nếu những người được chọn có mặt: 10" in page
    assert page.count('name="present"') == 11 and page.count("checked") >= 11
    response = client.post(
        f"/ra-khoi-dang/moi/?member={eleven[0].pk}",
        {
            "kind": "name_deletion",
            "cause": "unpaid_dues",
            "evidence_months": "02/2026, 04/2026, 07/2026",
            "meeting_on": "07/11/2026",
            "present": [str(m.pk) for m in eleven[:9]],
            "present_listed": "1",
            "votes_for": "6",
        },
    )
    removal = Removal.objects.get()
    assert response.status_code == 302 and removal.status == RemovalStatus.PROPOSED
    assert (removal.vote_base, removal.present_count) == (9, 9)
    detail = client.get(f"/ra-khoi-dang/{removal.pk}/").content.decode()
    assert "6 / 9 đảng viên chính thức được tính biểu quyết" in detail
    assert "miễn sinh hoạt, vắng mặt" in detail
