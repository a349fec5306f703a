"""Issue 9 items 13 and 14.

13: a letter lost after it was sent is re-issued by the issuing body: the old
letter is kept, marked void, a new one is numbered, the presentation deadline
restarts from it; cancel stays refused once the letter is out.

14: one rule for a letter presented at the receiving side, whichever way the
member arrives (a cell of this installation, or an organisation outside it):
the reason is required past the deadline, and the time from the letter to
the receipt is not counted in party age.
"""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case
from dangvien.compliance.workflow import Body
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.members import rules as member_rules
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.members.selectors import member_first_decision_date, member_party_age
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.movements import rules, services
from dangvien.movements.errors import MovementError
from dangvien.movements.models import (
    ReissueReason,
    Transfer,
    TransferKind,
    TransferReason,
    TransferStatus,
)
from dangvien.movements.workflow import TRANSFER
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
    tree["cell_d"] = OrganizationFactory(
        parent=tree["agency"], name="Chi bộ Phòng Nghiệp vụ", unit_type=UnitType.AGENCY
    )
    return tree


def _tables():
    return (
        list(
            Transfer.objects.order_by("id").values_list(
                "id", "status", "version", "letter_number", "present_due", "reissued_on"
            )
        ),
        list(Transfer.history.order_by("history_id").values_list("history_id", "status")),
        list(Case.objects.order_by("id").values_list("id", "step", "closed_on", "due_date")),
        list(MembershipEvent.objects.order_by("id").values_list("id", "kind", "date")),
        list(Member.objects.order_by("id").values_list("id", "status", "organization_id")),
        list(
            IssuedDocument.objects.order_by("id").values_list(
                "id", "symbol", "voided_on", "replaced_by"
            )
        ),
    )


def _sent(member, to, sent_on, trigger=None, actor=SYSTEM):
    transfer = services.transfer_open(
        actor=SYSTEM,
        member=member,
        kind=TransferKind.PERMANENT,
        reason=TransferReason.NEW_UNIT,
        trigger_date=trigger or sent_on,
        to_organization=to,
    )
    return services.transfer_send(
        actor=actor, transfer=transfer, sent_on=sent_on, dues_paid_through="06/2026"
    )


def _letters(transfer):
    return list(
        IssuedDocument.objects.filter(
            kind=DocumentKind.TRANSFER_LETTER, object_id=transfer.pk
        ).order_by("id")
    )


# --- item 13: the lost letter ------------------------------------------------------


def test_a_lost_letter_is_reissued_with_a_new_number_and_a_new_deadline(tree):
    member = MemberFactory(organization=tree["cell_a"])
    transfer = _sent(member, tree["cell_b"], D(2026, 7, 1))
    first = _letters(transfer)[0]
    assert transfer.present_due == D(2026, 8, 12)  # 30 working days, long past
    # The case as the issue found it: no cancel, no new transfer.
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.transfer_cancel(actor=SYSTEM, transfer=transfer, reason="Giấy bị mất")
    assert exc.value.code == "out_of_order" and "cấp lại" in exc.value.message
    with pytest.raises(RecordValidationError) as refused:
        services.transfer_open(
            actor=SYSTEM,
            member=member,
            kind=TransferKind.PERMANENT,
            reason=TransferReason.NEW_UNIT,
            trigger_date=D(2026, 11, 1),
            to_organization=tree["cell_b"],
        )
    assert MovementError.TRANSFER_ALREADY_OPEN.text() in refused.value.errors["member"]
    assert _tables() == before

    services.transfer_reissue(
        actor=SYSTEM,
        transfer=transfer,
        reissued_on=D(2026, 11, 16),
        reason=ReissueReason.LOST,
        note="Đảng viên báo mất ngày 10/11/2026",
    )
    transfer.refresh_from_db()
    old, new = _letters(transfer)
    assert old.pk == first.pk and old.symbol == first.symbol  # kept, same number
    assert old.voided_on == D(2026, 11, 16) and old.replaced_by == new
    assert "mất" in old.void_reason and new.symbol in old.void_reason
    assert new.voided_on is None and new.date == D(2026, 11, 16)
    assert new.number == old.number + 1 and new.organization == old.organization
    assert first.symbol in new.summary
    assert transfer.status == TransferStatus.SENT
    assert transfer.sent_on == D(2026, 7, 1)  # the member left on that day
    assert transfer.letter_number == new.symbol != old.symbol
    assert transfer.reissued_on == D(2026, 11, 16) and transfer.letter_date == D(2026, 11, 16)
    assert transfer.present_due == rules.transfer_present_due(D(2026, 11, 16)) == D(2026, 12, 29)
    receiving = Case.objects.get(object_id=transfer.pk, slot="receiving", closed_on=None)
    assert receiving.step == "receive" and receiving.due_date == transfer.present_due
    member.refresh_from_db()
    assert member.status == Status.TRANSFERRED_OUT
    # Both letters stay in the record; the history keeps the old number.
    numbers = set(transfer.history.values_list("letter_number", flat=True))
    assert {old.symbol, new.symbol} <= numbers

    # Presented within the new deadline: no reason asked.
    services.transfer_receive(
        actor=SYSTEM, transfer=transfer, received_on=D(2026, 11, 20), dossier_checked=True
    )
    arrival = member.events.get(kind=EventKind.TRANSFERRED_IN)
    assert arrival.decision_number == new.symbol and arrival.decision_date == D(2026, 11, 16)
    # Party age: the whole time between leaving and arriving is left out.
    age = member_party_age(Member.objects.get(pk=member.pk), TODAY)
    assert age.gap_days == (D(2026, 11, 20) - D(2026, 7, 1)).days


def test_a_letter_reissued_twice_keeps_all_three(tree):
    member = MemberFactory(organization=tree["cell_a"])
    transfer = _sent(member, tree["cell_b"], D(2026, 9, 1))
    services.transfer_reissue(
        actor=SYSTEM, transfer=transfer, reissued_on=D(2026, 10, 1), reason=ReissueReason.LOST
    )
    services.transfer_reissue(
        actor=SYSTEM, transfer=transfer, reissued_on=D(2026, 10, 1), reason=ReissueReason.DAMAGED
    )
    a, b, c = _letters(transfer)
    assert (a.replaced_by, b.replaced_by, c.replaced_by) == (b, c, None)
    assert a.voided_on and b.voided_on and c.voided_on is None
    transfer.refresh_from_db()
    assert transfer.letter_number == c.symbol
    assert transfer.reissue_reason == ReissueReason.DAMAGED


def test_refused_reissues_change_nothing(django_user_model, tree):
    member = MemberFactory(organization=tree["cell_c"])
    opened = services.transfer_open(
        actor=SYSTEM,
        member=member,
        kind=TransferKind.PERMANENT,
        reason=TransferReason.NEW_UNIT,
        trigger_date=D(2026, 10, 1),
        to_organization=tree["cell_d"],
    )
    before = _tables()
    with pytest.raises(DomainError) as exc:  # no letter yet
        services.transfer_reissue(
            actor=SYSTEM, transfer=opened, reissued_on=TODAY, reason=ReissueReason.LOST
        )
    assert exc.value.code == "out_of_order"
    assert exc.value.message == MovementError.REISSUE_OUT_OF_ORDER.text()
    assert _tables() == before

    sent = services.transfer_send(
        actor=SYSTEM, transfer=opened, sent_on=D(2026, 10, 5), dues_paid_through="09/2026"
    )
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_c"])
    receiver = user_with_role(django_user_model, "chibo_d", Role.CELL_SECRETARY, tree["cell_d"])
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["agency"])
    assert "reissue" not in [s.code for s in TRANSFER.open_steps(sent, secretary)]
    assert "reissue" not in [s.code for s in TRANSFER.open_steps(sent, receiver)]
    assert "reissue" in [s.code for s in TRANSFER.open_steps(sent, office)]
    before = _tables()
    refusals = [
        (dict(actor=secretary), "not_acting_body"),  # the cell does not issue letters
        (dict(actor=receiver), "not_acting_body"),
        (dict(reason="stolen"), MovementError.REISSUE_REASON_INVALID.code),
        (dict(reissued_on=D(2026, 10, 4)), MovementError.REISSUED_BEFORE_LETTER.code),
        (dict(reissued_on=TODAY + dt.timedelta(days=1)), MovementError.DATE_IN_FUTURE.code),
    ]
    for over, code in refusals:
        args = {
            "actor": office,
            "transfer": sent,
            "reissued_on": TODAY,
            "reason": ReissueReason.LOST,
            **over,
        }
        with pytest.raises(DomainError) as exc:
            services.transfer_reissue(**args)
        assert exc.value.code == code, over
        assert _tables() == before, over

    services.transfer_receive(
        actor=receiver, transfer=sent, received_on=D(2026, 10, 20), dossier_checked=True
    )
    before = _tables()
    with pytest.raises(DomainError) as exc:  # received: the letter has done its work
        services.transfer_reissue(
            actor=office, transfer=sent, reissued_on=TODAY, reason=ReissueReason.LOST
        )
    assert exc.value.code == "out_of_order"
    assert _tables() == before


def test_the_issuing_body_is_named_per_case(tree):
    """R2.2: the grassroots committee within its organisation, the committee
    above it otherwise, the province's organisation board for a grassroots
    organisation directly under the province; send and reissue alike."""
    cases = [
        (tree["cell_c"], tree["cell_d"], Body.GRASSROOTS, tree["agency"]),
        (tree["cell_a"], tree["cell_b"], Body.SUPERIOR, tree["commune"]),
        (tree["cell_c"], tree["cell_a"], Body.ORGANISATION_BOARD, tree["province"]),
    ]
    for origin, destination, body, issuer in cases:
        member = MemberFactory(organization=origin)
        transfer = services.transfer_open(
            actor=SYSTEM,
            member=member,
            kind=TransferKind.PERMANENT,
            reason=TransferReason.NEW_UNIT,
            trigger_date=D(2026, 10, 1),
            to_organization=destination,
        )
        case = Case.objects.get(object_id=transfer.pk, slot="", closed_on=None)
        assert (case.acting_body, case.acting_organization) == (body, issuer)
        assert TRANSFER.step("send").body_of(transfer) == body
        assert TRANSFER.step("reissue").body_of(transfer) == body
        assert TRANSFER.step("reissue").acting(transfer) == issuer


# --- item 14: one rule for every arrival ---------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "late_days"),
    [(D(2026, 11, 11), 0), (D(2026, 11, 12), 0), (D(2026, 11, 13), 1)],
)
def test_the_presentation_rule_at_its_deadline(received_on, late_days):
    # Letter 01/10/2026: 30 working days end on 12/11/2026.
    presented = rules.letter_presentation(D(2026, 10, 1), received_on)
    assert presented.due == D(2026, 11, 12)
    assert presented.days_late == late_days and presented.late == bool(late_days)
    assert presented.gap_days == (received_on - D(2026, 10, 1)).days
    # Counted from the day the member left when a letter was re-issued.
    assert (
        rules.letter_presentation(D(2026, 10, 1), received_on, left_on=D(2026, 7, 1)).gap_days
        == (received_on - D(2026, 7, 1)).days
    )


def test_the_gap_rule_is_dated_and_sourced():
    version = member_rules.TRANSFER_GAP_EXCLUDED.version_on(TODAY)
    assert version.value is True and "Điều 5" in version.source and "4.5" in version.source
    assert member_rules.transfer_gap_days(D(2026, 1, 1), D(2026, 1, 1)) == 0
    assert member_rules.transfer_gap_days(D(2025, 11, 10), D(2026, 11, 10)) == 365


def _incoming(tree, sent_on, received_on, decision, **over):
    args = {
        "actor": SYSTEM,
        "organization": tree["cell_b"],
        "data": {
            "family_name": "Lê",
            "middle_name": "Thị",
            "given_name": "Hoa",
            "gender": "F",
            "birth_date": D(1985, 3, 15),
            "admission_decision_date": decision,
            "joining_date": decision + dt.timedelta(days=9),
            "official_date": decision + dt.timedelta(days=9 + 365),
        },
        "from_outside": "Chi bộ Trường THPT Lê Lợi, Đảng bộ tỉnh Quảng Trị",
        "letter_number": "125-GGT/TU",
        "sent_on": sent_on,
        "received_on": received_on,
        "dossier_checked": True,
        "dues_paid_through": "10/2025",
    }
    args.update(over)
    return services.transfer_register_incoming(**args)


def _internal(tree, sent_on, received_on):
    member = MemberFactory(organization=tree["cell_a"])
    transfer = _sent(member, tree["cell_b"], sent_on)
    return member, transfer


@pytest.mark.parametrize(
    ("received_on", "reason_needed"),
    [(D(2026, 11, 11), False), (D(2026, 11, 12), False), (D(2026, 11, 13), True)],
)
def test_both_arrivals_ask_the_reason_past_the_deadline_alike(tree, received_on, reason_needed):
    letter = D(2026, 10, 1)  # due 12/11/2026
    member, transfer = _internal(tree, letter, received_on)
    decision = member_first_decision_date(member)

    # From a cell of this installation.
    before = _tables()
    if reason_needed:
        with pytest.raises(DomainError) as exc:
            services.transfer_receive(
                actor=SYSTEM, transfer=transfer, received_on=received_on, dossier_checked=True
            )
        assert exc.value.code == MovementError.PRESENTED_LATE.code
        assert "1 ngày" in exc.value.message and "12/11/2026" in exc.value.message
        assert _tables() == before
    # From outside: the same answer, and nothing written when refused.
    if reason_needed:
        with pytest.raises(RecordValidationError) as exc:
            _incoming(tree, letter, received_on, decision)
        assert exc.value.errors["late_reason"] == [
            MovementError.PRESENTED_LATE.text(days=1, due="12/11/2026")
        ]
        assert _tables() == before

    reason = "Đảng viên ốm, nằm viện" if reason_needed else ""
    services.transfer_receive(
        actor=SYSTEM,
        transfer=transfer,
        received_on=received_on,
        dossier_checked=True,
        late_reason=reason,
    )
    arrived = _incoming(tree, letter, received_on, decision, late_reason=reason)
    transfer.refresh_from_db()
    assert transfer.late_reason == arrived.late_reason == reason
    assert transfer.present_due == arrived.present_due == D(2026, 11, 12)


def test_a_letter_a_year_old_gives_the_same_party_age_whichever_way_the_member_arrives(tree):
    """The issue's case: the letter dated a year before the receipt."""
    letter, received = D(2025, 11, 10), D(2026, 11, 10)
    member, transfer = _internal(tree, letter, received)
    decision = member_first_decision_date(member)
    services.transfer_receive(
        actor=SYSTEM,
        transfer=transfer,
        received_on=received,
        dossier_checked=True,
        late_reason="Không rõ lý do, đã báo cáo cấp ủy",
    )
    arrived = _incoming(
        tree, letter, received, decision, late_reason="Không rõ lý do, đã báo cáo cấp ủy"
    )
    internal_age = member_party_age(Member.objects.get(pk=member.pk), TODAY)
    outside_age = member_party_age(arrived.member, TODAY)
    assert internal_age.gap_days == outside_age.gap_days == 365
    assert (
        internal_age.counted_from == outside_age.counted_from == decision + dt.timedelta(days=365)
    )
    assert str(internal_age) == str(outside_age)
    event = arrived.member.events.get()
    assert event.kind == EventKind.TRANSFERRED_IN and event.decision_date == letter
    # Decision 10/05/2010: 16 years on 20/11/2026 without the gap, 15 with it.
    assert decision == D(2010, 5, 10)
    assert (outside_age.years, outside_age.months) == (internal_age.years, internal_age.months)
    assert (outside_age.years, outside_age.months) == (15, 6)


def test_an_arrival_on_the_letters_day_loses_no_party_age(tree):
    decision = D(2010, 5, 10)
    arrived = _incoming(tree, D(2026, 11, 2), D(2026, 11, 2), decision)
    age = member_party_age(arrived.member, TODAY)
    assert age.gap_days == 0 and age.counted_from == decision


# --- the page and the API, from the same table ---------------------------------------


def test_the_reissue_through_the_page_and_the_api(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_c"])
    transfer = _sent(member, tree["cell_d"], D(2026, 10, 1))
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["agency"])
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_c"])

    # The sending cell sees the transfer but is not offered the step, and may not post it.
    client.force_login(secretary)
    page = client.get(f"/chuyen-sinh-hoat/{transfer.pk}/")
    assert page.status_code == 200 and "Cấp lại giấy giới thiệu" not in page.content.decode()
    before = _tables()
    refused = client.post(
        f"/chuyen-sinh-hoat/{transfer.pk}/cap-lai/", {"reissued_on": "16/11/2026", "reason": "lost"}
    )
    assert refused.status_code == 404 and _tables() == before

    client.force_login(office)
    page = client.get(f"/chuyen-sinh-hoat/{transfer.pk}/")
    assert "Cấp lại giấy giới thiệu" in page.content.decode()
    bad = client.post(
        f"/chuyen-sinh-hoat/{transfer.pk}/cap-lai/", {"reissued_on": "30/09/2026", "reason": "lost"}
    )
    assert bad.status_code == 200 and "01/10/2026" in bad.content.decode()
    assert _tables() == before
    done = client.post(
        f"/chuyen-sinh-hoat/{transfer.pk}/cap-lai/",
        {"reissued_on": "16/11/2026", "reason": "damaged", "note": "Rách, ướt"},
    )
    assert done.status_code == 302
    html = client.get(f"/chuyen-sinh-hoat/{transfer.pk}/").content.decode()
    assert "đã hủy giá trị" in html and "16/11/2026" in html

    # The API: the step is listed for the issuer, and posted once more.
    token = client.post(
        "/api/v1/auth/token",
        {"username": office.username, "password": "pw-Test-1234"},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    detail = client.get(f"/api/v1/transfers/{transfer.pk}", **auth).json()
    step = next(s for s in detail["open_steps"] if s["code"] == "reissue")
    assert step["acting_body"] == Body.GRASSROOTS
    assert step["acting_organization"]["id"] == tree["agency"].pk
    assert detail["reissue_reason"] == "damaged" and detail["reissued_on"] == "2026-11-16"
    bad = client.post(
        f"/api/v1/transfers/{transfer.pk}/reissue",
        {"reissued_on": "2026-11-19", "reason": "stolen"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/api/v1/transfers/{transfer.pk}/reissue",
        {"reissued_on": "2026-11-19", "reason": "lost"},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["present_due"] == str(rules.transfer_present_due(D(2026, 11, 19)))
    assert len(_letters(transfer)) == 3
    sec_token = client.post(
        "/api/v1/auth/token",
        {"username": secretary.username, "password": "pw-Test-1234"},
        content_type="application/json",
    ).json()["token"]
    before = _tables()
    forbidden = client.post(
        f"/api/v1/transfers/{transfer.pk}/reissue",
        {"reissued_on": "2026-11-20", "reason": "lost"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {sec_token}",
    )
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "not_acting_body"
    assert _tables() == before


def test_the_arrival_from_outside_asks_the_reason_on_the_page_and_the_api(
    client, django_user_model, tree
):
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_b"])
    client.force_login(secretary)
    form = {
        "family_name": "Lê",
        "middle_name": "Thị",
        "given_name": "Hoa",
        "gender": "F",
        "birth_date": "15/03/1985",
        "joining_date": "19/05/2010",
        "admission_decision_date": "10/05/2010",
        "official_date": "19/05/2011",
        "from_outside": "Chi bộ Trường THPT Lê Lợi",
        "letter_number": "125",
        "sent_on": "10/11/2025",
        "received_on": "10/11/2026",
        "dossier_checked": "on",
    }
    before = _tables()
    refused = client.post(f"/chuyen-sinh-hoat/den-tu-ngoai/?org={tree['cell_b'].pk}", form)
    assert refused.status_code == 200 and "Xuất trình quá hạn" in refused.content.decode()
    assert _tables() == before
    done = client.post(
        f"/chuyen-sinh-hoat/den-tu-ngoai/?org={tree['cell_b'].pk}",
        {**form, "late_reason": "Đi lao động nước ngoài"},
    )
    assert done.status_code == 302
    arrived = Transfer.objects.get(from_outside="Chi bộ Trường THPT Lê Lợi")
    assert arrived.late_reason == "Đi lao động nước ngoài"
    assert member_party_age(arrived.member, TODAY).gap_days == 365

    token = client.post(
        "/api/v1/auth/token",
        {"username": secretary.username, "password": "pw-Test-1234"},
        content_type="application/json",
    ).json()["token"]
    payload = {
        "organization": tree["cell_b"].pk,
        "member": {
            "family_name": "Trần",
            "given_name": "Nam",
            "gender": "M",
            "birth_date": "1980-01-01",
            "admission_decision_date": "2010-05-10",
            "joining_date": "2010-05-19",
            "official_date": "2011-05-19",
        },
        "from_outside": "Chi bộ Công an phường",
        "letter_number": "9",
        "sent_on": "2025-11-10",
        "received_on": "2026-11-10",
        "dossier_checked": True,
    }
    before = _tables()
    late = client.post(
        "/api/v1/transfers/incoming",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert late.status_code in (400, 422) and "late_reason" in late.json()["errors"]
    assert _tables() == before
    ok = client.post(
        "/api/v1/transfers/incoming",
        {**payload, "late_reason": "Chờ quyết định phục viên"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["late_reason"] == "Chờ quyết định phục viên"
