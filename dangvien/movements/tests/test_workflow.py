"""The transfer and removal tables: who may take each step (in the domain, not
the pages), coded refusals that write nothing, and numbers only from rules.py."""

import datetime as dt
import pathlib
import re

import pytest
import time_machine

from dangvien.accounts.scope import scope_for
from dangvien.compliance.models import Case
from dangvien.compliance.workflow import Body
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError, NotFound
from dangvien.documents.models import IssuedDocument
from dangvien.members.models import Member, MembershipEvent
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.movements import rules, selectors, services
from dangvien.movements.errors import MovementError
from dangvien.movements.models import (
    Removal,
    RemovalCause,
    RemovalKind,
    Transfer,
    TransferKind,
    TransferReason,
    TransferStatus,
)
from dangvien.movements.workflow import REMOVAL, TRANSFER
from dangvien.organizations.models import UnitType
from dangvien.organizations.tests.factories import OrganizationFactory, build_tree

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def tree():
    tree = build_tree()
    # A second cell of the agency's grassroots organisation: a transfer between
    # its two cells is issued by the agency's committee itself (R2.2).
    tree["cell_d"] = OrganizationFactory(
        parent=tree["agency"], name="Chi bộ Phòng Nghiệp vụ", unit_type=UnitType.AGENCY
    )
    return tree


def _tables():
    return (
        list(Transfer.objects.order_by("id").values_list("id", "status", "version")),
        list(Transfer.history.order_by("history_id").values_list("history_id", "status")),
        list(Removal.objects.order_by("id").values_list("id", "status")),
        list(Removal.history.order_by("history_id").values_list("history_id", "status")),
        list(Case.objects.order_by("id").values_list("id", "step", "closed_on", "acting_body")),
        list(MembershipEvent.objects.order_by("id").values_list("id", "kind")),
        list(Member.objects.order_by("id").values_list("id", "status", "organization_id")),
        list(IssuedDocument.objects.order_by("id").values_list("id", "kind")),
    )


def _open(member, to, actor=SYSTEM, **over):
    args = {
        "actor": actor,
        "member": member,
        "kind": TransferKind.PERMANENT,
        "reason": TransferReason.NEW_UNIT,
        "trigger_date": D(2026, 10, 1),
        "to_organization": to,
    }
    args.update(over)
    return services.transfer_open(**args)


def test_the_cell_secretary_cannot_send_a_letter_the_grassroots_committee_issues(
    django_user_model, tree
):
    member = MemberFactory(organization=tree["cell_c"])
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_c"])
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["agency"])
    transfer = _open(member, tree["cell_d"], actor=secretary)  # the cell opens it
    case = Case.objects.get(object_id=transfer.pk, slot="")
    assert case.step == "send" and case.acting_organization == tree["agency"]
    assert [s.code for s in TRANSFER.open_steps(transfer, secretary)] == ["cancel"]
    assert [s.code for s in TRANSFER.open_steps(transfer, office)] == ["send", "cancel"]
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.transfer_send(
            actor=secretary, transfer=transfer, sent_on=TODAY, dues_paid_through="10/2026"
        )
    assert exc.value.code == "not_acting_body" and tree["agency"].name in exc.value.message
    assert _tables() == before
    services.transfer_send(
        actor=office, transfer=transfer, sent_on=TODAY, dues_paid_through="10/2026"
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT and transfer.issued_by == tree["agency"].name
    # Only the receiving cell (or above) receives; the sending secretary may not.
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.transfer_receive(
            actor=secretary, transfer=transfer, received_on=TODAY, dossier_checked=True
        )
    assert exc.value.code == "not_acting_body"
    assert _tables() == before
    receiver = user_with_role(django_user_model, "chibo_d", Role.CELL_SECRETARY, tree["cell_d"])
    assert [s.code for s in TRANSFER.open_steps(transfer, receiver)] == ["receive"]
    services.transfer_receive(
        actor=receiver, transfer=transfer, received_on=TODAY, dossier_checked=True
    )


def test_only_writers_at_the_cell_or_above_open_a_transfer_or_a_removal(django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    stranger = user_with_role(django_user_model, "chibo_b", Role.CELL_SECRETARY, tree["cell_b"])
    inspector = user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["commune"])
    before = _tables()
    for actor in (stranger, inspector):
        with pytest.raises(DomainError) as exc:
            _open(member, tree["cell_b"], actor=actor)
        assert exc.value.code == "not_acting_body"
        with pytest.raises(DomainError) as exc:
            services.removal_propose(
                actor=actor,
                member=member,
                kind=RemovalKind.VOLUNTARY_EXIT,
                meeting_on=TODAY,
                votes_for=1,
            )
        assert exc.value.code == "not_acting_body"
        with pytest.raises(DomainError) as exc:
            services.removal_record(actor=actor, member=member, kind=RemovalKind.DEATH, date=TODAY)
        assert exc.value.code == "not_acting_body"
    assert _tables() == before


def test_the_cell_secretary_cannot_decide_a_removal(django_user_model, tree):
    members = [MemberFactory(organization=tree["cell_a"]) for _ in range(3)]
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    removal = services.removal_propose(
        actor=secretary,
        member=members[0],
        kind=RemovalKind.NAME_DELETION,
        cause=RemovalCause.RETURNED_CARD,
        meeting_on=D(2026, 11, 7),
        votes_for=2,
    )
    case = Case.objects.get(object_id=removal.pk, kind="removal", closed_on=None)
    assert case.step == "decide" and case.acting_body == Body.SUPERIOR
    assert case.acting_organization == tree["commune"]
    assert REMOVAL.open_steps(removal, secretary) == []
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.removal_decide(
            actor=secretary,
            removal=removal,
            approved=True,
            decided_by="Chi bộ thôn Đông",
            decision_number="1-QĐ",
            decision_date=D(2026, 11, 18),
        )
    assert exc.value.code == "not_acting_body"
    assert _tables() == before
    # The selectors answer the same for the web and the API.
    with pytest.raises(DomainError) as exc:
        selectors.removal_get_for_step(scope_for(secretary), removal.pk, "decide")
    assert exc.value.code == "not_acting_body"
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    assert selectors.removal_get_for_step(scope_for(office), removal.pk, "decide") == removal
    services.removal_decide(
        actor=office,
        removal=removal,
        approved=False,
        decided_by="Ban Thường vụ Đảng ủy xã Cẩm Xuyên",
        decision_number="2-QĐ",
        decision_date=D(2026, 11, 18),
    )
    assert not Case.objects.filter(object_id=removal.pk, closed_on=None).exists()


def test_the_generic_checks_carry_codes_and_the_steps_own_words(tree):
    member = MemberFactory(organization=tree["cell_c"])
    transfer = _open(member, tree["cell_a"])
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.transfer_receive(
            actor=SYSTEM, transfer=transfer, received_on=TODAY, dossier_checked=True
        )
    assert exc.value.code == "out_of_order"
    assert exc.value.message == MovementError.RECEIVE_OUT_OF_ORDER.text()
    services.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 11, 2), dues_paid_through="10/2026"
    )
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.transfer_return(actor=SYSTEM, transfer=transfer, returned_on=TODAY)
    assert exc.value.code == "not_applicable"
    assert exc.value.message == MovementError.RETURN_NOT_TEMPORARY.text()
    with pytest.raises(DomainError) as exc:
        services.transfer_cancel(actor=SYSTEM, transfer=transfer, reason="x")
    assert exc.value.code == "out_of_order"
    with pytest.raises(DomainError) as exc:
        services.transfer_send(
            actor=SYSTEM, transfer=transfer, sent_on=TODAY, dues_paid_through="10/2026"
        )
    assert exc.value.code == "out_of_order"
    assert _tables() == before


def test_selectors_raise_the_domains_not_found(django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    transfer = _open(member, tree["cell_b"])
    outsider = scope_for(
        user_with_role(django_user_model, "x", Role.CELL_SECRETARY, tree["cell_c"])
    )
    for call in (
        lambda: selectors.transfer_get_for(outsider, transfer.pk),
        lambda: selectors.transfer_get_for_step(outsider, transfer.pk, "send"),
        lambda: selectors.transfer_get_for(outsider, "abc"),
        lambda: selectors.removal_get_for(outsider, 2**70),
    ):
        with pytest.raises(NotFound):
            call()
    inside = scope_for(
        user_with_role(django_user_model, "y", Role.GRASSROOTS_OFFICE, tree["commune"])
    )
    with pytest.raises(NotFound):  # no such step in the table
        selectors.transfer_get_for_step(inside, transfer.pk, "nonsense")


def test_the_table_names_every_step_and_its_acting_body(tree):
    member = MemberFactory(organization=tree["cell_c"])
    temporary = _open(
        member,
        tree["cell_a"],
        kind=TransferKind.TEMPORARY,
        reason=TransferReason.WORK_AWAY,
        period_start=D(2026, 10, 1),
        period_end=D(2027, 3, 31),
    )
    assert [s.code for s in TRANSFER.steps_on(temporary)] == ["send", "cancel"]
    assert TRANSFER.acting_organization(temporary, "send") == tree["province"]
    assert TRANSFER.acting_organization(temporary, "cancel") == tree["cell_c"]
    assert TRANSFER.step("send").due(temporary) == rules.transfer_start_due(D(2026, 10, 1))
    services.transfer_send(
        actor=SYSTEM, transfer=temporary, sent_on=D(2026, 10, 5), dues_paid_through="09/2026"
    )
    temporary.refresh_from_db()
    assert [s.code for s in TRANSFER.steps_on(temporary)] == ["receive", "return", "reissue"]
    assert TRANSFER.acting_organization(temporary, "receive") == tree["cell_a"]
    assert {c.slot: c.step for c in Case.objects.filter(closed_on=None)} == {
        "receiving": "receive",
        "": "return",
    }


def test_messages_take_their_numbers_from_the_rules(settings, tree):
    settings.DANGVIEN_RULE_OVERRIDES = {
        "name_deletion_months_in_year": 4,
        "name_deletion_breach_years": 3,
        "temporary_transfer_min_months": 2,
    }
    assert "ít nhất 4 tháng" in rules.missed_months_error([D(2026, 1, 7)], D(2026, 11, 7))
    assert "Cần 3 năm liền" in rules.breach_years_error([2024, 2025], D(2026, 11, 7))
    assert "từ 2 tháng" in rules.temporary_period_error(D(2026, 1, 1), D(2026, 2, 1), study=False)


def test_no_regulation_number_is_written_in_the_templates_or_messages():
    root = pathlib.Path(__file__).resolve().parents[2]
    counts = re.compile(r"\b\d+\s+(ngày|tháng|năm)\b|\b2/3\b")
    texts = [p.read_text() for p in (root / "templates" / "movements").glob("*.html")]
    texts += [e.text() for e in MovementError]
    texts += [(root / "movements" / f).read_text() for f in ("transfers.py", "removals.py")]
    found = [m.group(0) for text in texts for m in counts.finditer(text)]
    assert found == []
