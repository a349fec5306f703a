"""Transfers and removals through their services: each step, the events they
write, the open cases they keep, and refusals that change nothing."""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case, CaseKind
from dangvien.compliance.workflow import Body
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.members.selectors import member_party_age
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
TODAY = D(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def tree():
    return build_tree()


def _snapshot():
    return (
        list(Transfer.objects.order_by("id").values_list("id", "status", "version")),
        list(Removal.objects.order_by("id").values_list("id", "status")),
        MembershipEvent.objects.count(),
        list(Case.objects.order_by("id").values_list("id", "step", "closed_on")),
        list(Member.objects.order_by("id").values_list("id", "status", "organization_id")),
    )


def _open(member, to, **over):
    args = {
        "actor": SYSTEM,
        "member": member,
        "kind": TransferKind.PERMANENT,
        "reason": TransferReason.NEW_UNIT,
        "trigger_date": D(2026, 10, 1),
        "to_organization": to,
    }
    args.update(over)
    return services.transfer_open(**args)


def test_a_permanent_transfer_from_opening_to_receipt(tree):
    member = MemberFactory(organization=tree["cell_c"])
    transfer = _open(member, tree["cell_a"])
    case = Case.objects.get(object_id=transfer.pk, kind=CaseKind.TRANSFER)
    # Leaving the agency committee, directly under the province: the province's
    # organisation board issues it (R2.2), and the case names that body.
    assert case.step == "send" and case.acting_body == Body.ORGANISATION_BOARD
    assert case.acting_organization == tree["province"]
    assert case.acting_path == tree["province"].path
    # 60 working days after 01/10/2026, the Cultural Day (24/11) skipped.
    assert case.due_date == transfer.start_due == D(2026, 12, 25)
    assert case.org_path == tree["cell_c"].path

    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 11, 2), dues_paid_through="10/2026"
    )
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.SENT
    assert transfer.present_due == D(2026, 12, 15)  # 30 working days, 24/11 a holiday
    assert member.status == Status.TRANSFERRED_OUT
    receiving = Case.objects.get(object_id=transfer.pk, slot="receiving")
    assert receiving.org_path == tree["cell_a"].path and receiving.closed_on is None
    assert Case.objects.get(object_id=transfer.pk, slot="").closed_on == TODAY

    services.transfer_receive(
        actor=SYSTEM, transfer=transfer, received_on=D(2026, 11, 12), dossier_checked=True
    )
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL
    assert member.organization == tree["cell_a"]
    assert not Case.objects.filter(object_id=transfer.pk, closed_on__isnull=True).exists()
    kinds = list(member.events.order_by("date", "seq").values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.TRANSFERRED_OUT, EventKind.TRANSFERRED_IN]


def test_the_gap_between_leaving_and_arriving_shortens_party_age(tree):
    member = MemberFactory(organization=tree["cell_c"])  # decision 10/05/2010
    before = member_party_age(member, TODAY)
    transfer = _open(member, tree["cell_a"])
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 11, 2), dues_paid_through="10/2026"
    )
    services.transfer_receive(
        actor=SYSTEM, transfer=transfer, received_on=D(2026, 11, 12), dossier_checked=True
    )
    after = member_party_age(Member.objects.get(pk=member.pk), TODAY)
    assert after.gap_days == before.gap_days + 10
    assert after.counted_from == before.counted_from + dt.timedelta(days=10)


def test_steps_out_of_order_are_refused_and_change_nothing(tree):
    member = MemberFactory(organization=tree["cell_c"])
    transfer = _open(member, tree["cell_a"])
    before = _snapshot()
    with pytest.raises(DomainError, match="Chưa có giấy giới thiệu"):
        services.transfer_receive(
            actor=SYSTEM, transfer=transfer, received_on=TODAY, dossier_checked=True
        )
    with pytest.raises(DomainError, match="chưa kết thúc"):
        _open(member, tree["cell_b"])  # a second transfer while one is open
    with pytest.raises(DomainError, match="tạm thời"):
        services.transfer_return(actor=SYSTEM, transfer=transfer, returned_on=TODAY)
    assert _snapshot() == before


def test_receipt_needs_the_dossier_checked_and_a_reason_when_late(tree):
    member = MemberFactory(organization=tree["cell_c"])
    transfer = _open(member, tree["cell_a"])
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 10, 1), dues_paid_through="09/2026"
    )
    transfer.refresh_from_db()
    assert transfer.present_due == D(2026, 11, 12)
    before = _snapshot()
    with pytest.raises(DomainError) as exc:
        services.transfer_receive(
            actor=SYSTEM, transfer=transfer, received_on=D(2026, 11, 12), dossier_checked=False
        )
    assert exc.value.field == "dossier_checked"
    with pytest.raises(DomainError) as exc:  # the day after the due date
        services.transfer_receive(
            actor=SYSTEM, transfer=transfer, received_on=D(2026, 11, 13), dossier_checked=True
        )
    assert exc.value.field == "late_reason" and "quá hạn 1 ngày" in exc.value.message
    assert _snapshot() == before
    # On the due date itself no reason is needed.
    services.transfer_receive(
        actor=SYSTEM, transfer=transfer, received_on=D(2026, 11, 12), dossier_checked=True
    )


def test_bad_input_is_explained_at_the_field(tree):
    member = MemberFactory(organization=tree["cell_c"])
    before = _snapshot()
    with pytest.raises(DomainError) as exc:
        _open(member, None)
    assert "to_organization" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        _open(member, tree["cell_c"])
    assert "trùng" in exc.value.errors["to_organization"][0]
    with pytest.raises(DomainError) as exc:
        _open(member, tree["commune"])
    assert "chi bộ" in exc.value.errors["to_organization"][0]
    with pytest.raises(DomainError) as exc:
        _open(
            member,
            tree["cell_a"],
            kind=TransferKind.TEMPORARY,
            period_start=D(2026, 11, 1),
            period_end=D(2027, 11, 1),
        )
    assert "chính thức" in exc.value.errors["period_end"][0]
    transfer = _open(member, tree["cell_a"])
    with pytest.raises(DomainError) as exc:
        services.transfer_send(
            actor=SYSTEM, transfer=transfer, sent_on=TODAY, dues_paid_through="13/2026"
        )
    assert exc.value.field == "dues_paid_through"
    Transfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.CANCELLED)
    Case.objects.all().delete()
    assert _snapshot()[2:] == before[2:]


def test_a_transfer_outside_the_installation_ends_at_sent(tree):
    member = MemberFactory(organization=tree["cell_a"])
    transfer = _open(member, None, to_outside="Chi bộ Khu phố 3, Đảng bộ phường Bến Nghé")
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=TODAY, dues_paid_through="10/2026"
    )
    member.refresh_from_db()
    assert member.status == Status.TRANSFERRED_OUT
    assert not Case.objects.filter(closed_on__isnull=True).exists()
    with pytest.raises(DomainError, match="ngoài hệ thống"):
        services.transfer_receive(
            actor=SYSTEM, transfer=transfer, received_on=TODAY, dossier_checked=True
        )


def test_a_temporary_transfer_keeps_the_member_counted_at_home(tree):
    member = MemberFactory(organization=tree["cell_c"])
    transfer = _open(
        member,
        tree["cell_a"],
        kind=TransferKind.TEMPORARY,
        reason=TransferReason.WORK_AWAY,
        period_start=D(2026, 10, 1),
        period_end=D(2027, 3, 31),
    )
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 10, 5), dues_paid_through="09/2026"
    )
    services.transfer_receive(
        actor=SYSTEM, transfer=transfer, received_on=D(2026, 10, 9), dossier_checked=False
    )
    member.refresh_from_db()
    assert member.organization == tree["cell_c"] and member.status == Status.OFFICIAL
    assert selectors.temporary_organization_on(member, D(2026, 11, 1)) == tree["cell_a"]
    assert selectors.temporary_organization_on(member, D(2026, 10, 8)) is None
    back = Case.objects.get(object_id=transfer.pk, slot="", closed_on__isnull=True)
    assert back.step == "return" and back.due_date == D(2027, 3, 31)
    services.transfer_return(actor=SYSTEM, transfer=transfer, returned_on=TODAY)
    assert selectors.temporary_organization_on(member, TODAY) is None
    assert not Case.objects.filter(closed_on__isnull=True).exists()


def test_a_member_arriving_from_outside_is_registered_from_the_letter(tree):
    transfer = services.transfer_register_incoming(
        actor=SYSTEM,
        organization=tree["cell_a"],
        data={
            "family_name": "Lê",
            "middle_name": "Thị",
            "given_name": "Hoa",
            "gender": "F",
            "birth_date": D(1990, 2, 1),
            "admission_decision_date": D(2015, 3, 1),
            "joining_date": D(2015, 3, 10),
            "official_date": D(2016, 3, 10),
        },
        from_outside="Chi bộ Trường THPT Lê Lợi, Đảng bộ tỉnh Quảng Trị",
        letter_number="125",
        sent_on=D(2026, 10, 20),
        received_on=D(2026, 11, 2),
        dossier_checked=True,
        dues_paid_through="10/2026",
    )
    member = transfer.member
    assert member.status == Status.OFFICIAL and member.organization == tree["cell_a"]
    assert member.events.get().kind == EventKind.TRANSFERRED_IN
    assert transfer.status == TransferStatus.RECEIVED


def test_sent_but_never_received_is_listed_with_its_overdue_days(tree):
    from dangvien.accounts.scope import Scope

    everything = Scope(everything=True, paths=(), member_id=None)
    member = MemberFactory(organization=tree["cell_c"])
    transfer = _open(member, tree["cell_a"])
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 9, 1), dues_paid_through="08/2026"
    )
    rows = selectors.transfers_sent_not_received(everything, tree["province"], TODAY)
    assert [(r.transfer.pk, r.days) for r in rows] == [(transfer.pk, 37)]  # due 14/10/2026
    assert selectors.transfers_sent_not_received(everything, tree["cell_b"], TODAY) == []


def _official_cell(tree, n):
    return [MemberFactory(organization=tree["cell_a"]) for _ in range(n)]


def test_name_deletion_needs_two_thirds_of_official_members(tree):
    members = _official_cell(tree, 9)
    target = members[0]
    months = [D(2026, 2, 7), D(2026, 4, 7), D(2026, 7, 7)]
    failed = services.removal_propose(
        actor=SYSTEM,
        member=target,
        kind=RemovalKind.NAME_DELETION,
        cause=RemovalCause.UNPAID_DUES,
        evidence_months=months,
        meeting_on=D(2026, 10, 7),
        votes_for=5,
    )
    assert failed.status == RemovalStatus.FAILED_VOTE and failed.official_members == 9
    assert not Case.objects.filter(kind=CaseKind.REMOVAL).exists()
    removal = services.removal_propose(
        actor=SYSTEM,
        member=target,
        kind=RemovalKind.NAME_DELETION,
        cause=RemovalCause.UNPAID_DUES,
        evidence_months=months,
        meeting_on=D(2026, 11, 7),
        votes_for=6,
    )
    assert removal.status == RemovalStatus.PROPOSED
    assert Case.objects.get(kind=CaseKind.REMOVAL).closed_on is None
    services.removal_decide(
        actor=SYSTEM,
        removal=removal,
        approved=True,
        decided_by="Ban Thường vụ Đảng ủy xã Cẩm Xuyên",
        decision_number="45-QĐ/ĐU",
        decision_date=D(2026, 11, 18),
    )
    target.refresh_from_db()
    assert target.status == Status.NAME_DELETED
    assert member_party_age(target, TODAY) is None
    assert not Case.objects.filter(member=target, closed_on__isnull=True).exists()
    assert Member.objects.filter(pk=target.pk).exists()  # the dossier stays


def test_name_deletion_causes_are_checked(tree):
    target = _official_cell(tree, 3)[0]
    before = _snapshot()
    for cause, extra, field in [
        (
            RemovalCause.MISSED_ACTIVITY,
            {"evidence_months": [D(2026, 1, 7), D(2026, 2, 7)]},
            "evidence_months",
        ),
        (RemovalCause.NO_PROGRESS, {"educated_on": D(2025, 11, 8)}, "educated_on"),
        (RemovalCause.BREACH_TWO_YEARS, {"breach_years": [2023, 2025]}, "breach_years"),
        (RemovalCause.PROBATION_NOT_PASSED, {}, "cause"),  # an official member
        ("", {}, "cause"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.removal_propose(
                actor=SYSTEM,
                member=target,
                kind=RemovalKind.NAME_DELETION,
                cause=cause,
                meeting_on=D(2026, 11, 7),
                votes_for=3,
                **extra,
            )
        assert field in exc.value.errors, cause
    with pytest.raises(DomainError) as exc:
        services.removal_propose(
            actor=SYSTEM,
            member=target,
            kind=RemovalKind.NAME_DELETION,
            cause=RemovalCause.RETURNED_CARD,
            meeting_on=D(2026, 11, 7),
            votes_for=4,  # more than the cell's 3 official members
        )
    assert "votes_for" in exc.value.errors
    assert _snapshot() == before


def test_voluntary_exit_expulsion_and_death(tree):
    a, b, c = _official_cell(tree, 3)
    exit_ = services.removal_propose(
        actor=SYSTEM,
        member=a,
        kind=RemovalKind.VOLUNTARY_EXIT,
        meeting_on=D(2026, 11, 7),
        votes_for=2,  # more than half of 3 (Điều lệ Điều 9 khoản 5); `a` does not vote
    )
    services.removal_decide(
        actor=SYSTEM,
        removal=exit_,
        approved=True,
        decided_by="Ban Thường vụ",
        decision_number="46-QĐ/ĐU",
        decision_date=D(2026, 11, 16),
    )
    services.removal_record(
        actor=SYSTEM,
        member=b,
        kind=RemovalKind.EXPULSION,
        date=D(2026, 11, 10),
        decided_by="Ủy ban Kiểm tra",
        decision_number="12-QĐ/UBKT",
        decision_date=D(2026, 11, 10),
    )
    services.removal_record(actor=SYSTEM, member=c, kind=RemovalKind.DEATH, date=D(2026, 11, 1))
    statuses = dict(Member.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "status"))
    assert statuses == {a.pk: Status.LEFT, b.pk: Status.EXPELLED, c.pk: Status.DECEASED}
    with pytest.raises(DomainError):
        services.removal_propose(
            actor=SYSTEM, member=a, kind=RemovalKind.VOLUNTARY_EXIT, meeting_on=TODAY, votes_for=0
        )


def test_a_probationary_member_cannot_be_expelled(tree):
    member = MemberFactory(
        organization=tree["cell_a"],
        admission_decision_date=D(2026, 3, 1),
        joining_date=D(2026, 3, 10),
        official_date=None,
    )
    before = _snapshot()
    with pytest.raises(DomainError):
        services.removal_record(
            actor=SYSTEM,
            member=member,
            kind=RemovalKind.EXPULSION,
            date=D(2026, 11, 10),
            decision_number="1-QĐ",
        )
    assert _snapshot() == before


def test_the_letter_and_the_removal_papers_are_issued_as_documents(tree):
    import io

    import docx

    from dangvien.documents.selectors import documents_of
    from dangvien.documents.services import document_render

    member = MemberFactory(organization=tree["cell_c"], given_name="Thước")
    transfer = _open(member, tree["cell_a"])
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 11, 2), dues_paid_through="10/2026"
    )
    transfer.refresh_from_db()
    (letter,) = documents_of(transfer)
    assert transfer.letter_number == letter.symbol
    assert letter.organization == tree["province"]  # R2.2: the province's board issues it
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(document_render(letter))).paragraphs)
    assert "Nguyễn Văn Thước" in text and "10/2026" in text

    others = [MemberFactory(organization=tree["cell_b"]) for _ in range(3)]
    removal = services.removal_propose(
        actor=SYSTEM,
        member=others[0],
        kind=RemovalKind.NAME_DELETION,
        cause=RemovalCause.RETURNED_CARD,
        meeting_on=D(2026, 11, 7),
        votes_for=2,
    )
    services.removal_decide(
        actor=SYSTEM,
        removal=removal,
        approved=True,
        decided_by="Ban Thường vụ Đảng ủy xã Cẩm Xuyên",
        decision_number="45-QĐ/ĐU",
        decision_date=D(2026, 11, 18),
    )
    kinds = [d.kind for d in documents_of(removal)]
    assert kinds == ["NQ", "QĐ"]
    removal.refresh_from_db()
    assert removal.resolution_number == documents_of(removal)[0].symbol
