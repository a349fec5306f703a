"""The dues API on a real database: outside the scope 404 and nothing
written; a role that may not act 403 `not_acting_body`; bad input answers the
DuesError code with its Vietnamese message and writes nothing; a year's
months through the API (profile, compute, payments, close with reasons,
correction of a closed month, overview, history, arrears, reliefs)."""

import datetime as dt

import pytest
import time_machine

from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.dues import services
from dangvien.dues.models import (
    ArrearsNotice,
    DuesLedger,
    DuesMonthClose,
    DuesPayment,
    DuesProfile,
    DuesRelief,
)
from dangvien.members.tests.factories import Role, user_with_role

JSON = "application/json"
D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


def _bearer(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-Test-1234"},
        content_type=JSON,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _tables():
    """Every table the dues API writes, row by row."""
    return (
        list(
            DuesLedger.objects.order_by("id").values_list(
                "id", "status", "amount_due", "amount_paid", "closed", "reason"
            )
        ),
        list(DuesPayment.objects.order_by("id").values_list("id", "amount", "kind")),
        list(
            DuesProfile.objects.order_by("id").values_list(
                "id", "category", "voluntary_approved_by"
            )
        ),
        list(DuesRelief.objects.order_by("id").values_list("id", "percent")),
        list(DuesMonthClose.objects.order_by("id").values_list("id", "organization_id", "month")),
        list(ArrearsNotice.objects.order_by("id").values_list("id", "status")),
        list(Case.objects.order_by("id").values_list("id", "step", "closed_on")),
    )


def _post(client, auth, path, body):
    return client.post(path, body, content_type=JSON, **auth)


def _computed(tree, *months):
    for month in months:
        services.month_compute(actor=SYSTEM, organization=tree["cell_a"], month=month)


def _profile(member, category="social_insurance", base=8_000_000):
    return services.profile_set(
        actor=SYSTEM, member=member, valid_from=D(2025, 12, 1), category=category, base=base
    )


def test_outside_the_scope_everything_is_not_found(client, tree, cell_members, people):
    member = cell_members[0]
    profile = _profile(member)
    _computed(tree, D(2026, 2, 1))
    row = DuesLedger.objects.get(member=member, month=D(2026, 2, 1))
    cell_a = tree["cell_a"].pk
    for outsider in (people["secretary_b"], people["other_office"]):
        auth = _bearer(client, outsider)
        before = _tables()
        for path in (
            f"/api/v1/dues/ledger?cell={cell_a}&month=2026-02",
            f"/api/v1/dues/members/{member.pk}/ledger",
            f"/api/v1/dues/members/{member.pk}/profiles",
            f"/api/v1/dues/members/{member.pk}/reliefs",
            f"/api/v1/dues/overview?org={cell_a}&month=2026-02",
            f"/api/v1/dues/arrears?org={tree['commune'].pk}&year=2026",
            "/api/v1/dues/members/999999/ledger",
        ):
            response = client.get(path, **auth)
            assert response.status_code == 404, path
            assert response.json()["code"] in ("not_found", "member_not_found")
        for path, body in (
            (
                "/api/v1/dues/payments",
                {
                    "member": member.pk,
                    "month": "2026-02",
                    "amount": 80_000,
                    "channel": "cash",
                    "paid_on": "2026-02-10",
                },
            ),
            (
                f"/api/v1/dues/ledger/{row.pk}/corrections",
                {"amount": 1, "reason": "x", "on": "2026-11-01"},
            ),
            ("/api/v1/dues/months/compute", {"org": cell_a, "month": "2026-03"}),
            ("/api/v1/dues/months/close", {"org": cell_a, "month": "2026-02"}),
            (
                "/api/v1/dues/profiles",
                {"member": member.pk, "valid_from": "2026-01-01", "category": "student"},
            ),
            (f"/api/v1/dues/profiles/{profile.pk}/approve-voluntary", {}),
            (
                "/api/v1/dues/reliefs",
                {
                    "member": member.pk,
                    "kind": "exemption",
                    "ground": "poor",
                    "first_month": "2026-11",
                    "last_month": "2026-12",
                    "decided_on": "2026-11-10",
                },
            ),
        ):
            response = _post(client, auth, path, body)
            assert response.status_code == 404, (path, response.json())
        assert _tables() == before


def test_a_role_that_may_not_act_is_refused_and_nothing_is_written(
    client, django_user_model, tree, cell_members, people
):
    member = cell_members[0]
    _computed(tree, D(2026, 2, 1))
    auditor = user_with_role(django_user_model, "kt_xa", Role.AUDITOR, tree["commune"])
    auth = _bearer(client, auditor)
    before = _tables()
    # The auditor reads the commune's ledger...
    listed = client.get(f"/api/v1/dues/ledger?cell={tree['cell_a'].pk}&month=2026-02", **auth)
    assert listed.status_code == 200 and len(listed.json()) == 4
    # ...but writes nothing.
    for path, body in (
        (
            "/api/v1/dues/payments",
            {
                "member": member.pk,
                "month": "2026-02",
                "amount": 80_000,
                "channel": "cash",
                "paid_on": "2026-02-10",
            },
        ),
        ("/api/v1/dues/months/compute", {"org": tree["cell_a"].pk, "month": "2026-03"}),
        ("/api/v1/dues/months/close", {"org": tree["commune"].pk, "month": "2026-02"}),
        (
            "/api/v1/dues/profiles",
            {"member": member.pk, "valid_from": "2026-01-01", "category": "student"},
        ),
    ):
        response = _post(client, auth, path, body)
        assert response.status_code == 403, (path, response.json())
        assert response.json()["code"] == "not_acting_body"
    # A relief for a cell under a committee is the committee's to decide (R5.7).
    response = _post(
        client,
        _bearer(client, people["secretary_a"]),
        "/api/v1/dues/reliefs",
        {
            "member": member.pk,
            "kind": "reduction",
            "percent": 50,
            "ground": "poor",
            "first_month": "2026-11",
            "last_month": "2026-12",
            "decided_on": "2026-11-10",
        },
    )
    assert response.status_code == 403 and response.json()["code"] == "not_acting_body"
    assert _tables() == before


PAY = {"month": "2026-02", "amount": 80_000, "channel": "cash", "paid_on": "2026-02-10"}


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": 80_000.5}, 400, "amount_not_whole"),
        ({"amount": -80_000}, 400, "amount_not_positive"),
        ({"amount": 0}, 400, "amount_not_positive"),
        ({"amount": 79_999}, 400, "amount_below_due"),
        ({"amount": 10**20}, 422, "invalid"),
        ({"amount": "tám mươi nghìn"}, 422, "invalid"),
        ({"month": "2026-12"}, 400, "month_not_due"),
        ({"month": "02/2026"}, 422, "invalid"),
        ({"month": "2010-12"}, 400, "month_before_342"),
        ({"channel": "portal"}, 400, "reference_required"),
        ({"channel": "bank"}, 400, "channel_invalid"),
        ({"paid_on": "2026-12-01"}, 400, "date_in_future"),
        ({"member": 2**63}, 422, "invalid"),
    ],
)
def test_a_bad_payment_answers_its_code_and_writes_nothing(
    client, tree, cell_members, people, change, status, code
):
    member = cell_members[0]
    _profile(member)
    _computed(tree, D(2026, 2, 1))
    auth = _bearer(client, people["secretary_a"])
    before = _tables()
    response = _post(client, auth, "/api/v1/dues/payments", {"member": member.pk, **PAY, **change})
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert _tables() == before


def test_refusals_of_the_ledger_answer_their_code_and_write_nothing(
    client, tree, cell_members, people
):
    member, other = cell_members[0], cell_members[1]
    _profile(member)
    _computed(tree, D(2026, 2, 1), D(2026, 3, 1))
    services.payment_record(
        actor=SYSTEM, member=member, month=D(2026, 2, 1), amount=80_000, channel="cash",
        paid_on=D(2026, 2, 10), reference="",
    )  # fmt: skip
    services.month_close(actor=SYSTEM, organization=tree["cell_a"], month=D(2026, 2, 1))
    row = DuesLedger.objects.get(member=member, month=D(2026, 2, 1))
    secretary = _bearer(client, people["secretary_a"])
    office = _bearer(client, people["office"])
    cell_a = tree["cell_a"].pk
    cases = [
        (secretary, "/api/v1/dues/payments", {"member": member.pk, **PAY}, "month_closed"),
        (
            secretary,
            "/api/v1/dues/payments",
            {**PAY, "member": other.pk, "month": "2026-03", "amount": 5_000},
            "amount_below_due",
        ),
        (
            secretary,
            f"/api/v1/dues/ledger/{row.pk}/corrections",
            {"amount": 0, "reason": "Ghi nhầm", "on": "2026-11-01"},
            "correction_zero",
        ),
        (
            secretary,
            f"/api/v1/dues/ledger/{row.pk}/corrections",
            {"amount": -80_001, "reason": "Ghi nhầm", "on": "2026-11-01"},
            "correction_negative_total",
        ),
        (
            secretary,
            f"/api/v1/dues/ledger/{row.pk}/corrections",
            {"amount": -1_000, "reason": " ", "on": "2026-11-01"},
            "reason_required",
        ),
        (
            secretary,
            "/api/v1/dues/months/close",
            {"org": cell_a, "month": "2026-02"},
            "month_already_closed",
        ),
        (
            secretary,
            "/api/v1/dues/months/close",
            {"org": cell_a, "month": "2026-11"},
            "month_not_over",
        ),
        (
            secretary,
            "/api/v1/dues/months/close",
            {"org": cell_a, "month": "2026-03", "reasons": [{"member": 999999, "reason": "Ốm"}]},
            "unknown_member",
        ),
        (
            secretary,
            "/api/v1/dues/months/compute",
            {"org": cell_a, "month": "2026-12"},
            "month_not_due",
        ),
        (
            secretary,
            "/api/v1/dues/profiles",
            {"member": other.pk, "valid_from": "2026-12-01", "category": "student"},
            "profile_in_future",
        ),
        (
            secretary,
            "/api/v1/dues/profiles",
            {"member": other.pk, "valid_from": "2026-01-01", "category": "pensioner"},
            "base_required",
        ),
        (
            secretary,
            "/api/v1/dues/profiles",
            {"member": other.pk, "valid_from": "2026-01-01", "category": "farmer"},
            "category_invalid",
        ),
        (
            secretary,
            "/api/v1/dues/profiles",
            {
                "member": other.pk,
                "valid_from": "2025-12-01",
                "category": "social_insurance",
                "base": 1.5,
            },
            "amount_not_whole",
        ),
        (
            office,
            "/api/v1/dues/reliefs",
            {
                "member": other.pk,
                "kind": "reduction",
                "percent": 40,
                "ground": "poor",
                "first_month": "2026-11",
                "last_month": "2027-01",
                "decided_on": "2026-11-10",
            },
            "reduction_percent",
        ),
        (
            office,
            "/api/v1/dues/reliefs",
            {
                "member": other.pk,
                "kind": "reduction",
                "percent": 50,
                "ground": "poor",
                "first_month": "2026-11",
                "last_month": "2027-11",
                "decided_on": "2026-11-10",
            },
            "relief_too_long",
        ),
        (
            office,
            "/api/v1/dues/reliefs",
            {
                "member": member.pk,
                "kind": "exemption",
                "ground": "serious_illness",
                "first_month": "2026-02",
                "last_month": "2026-04",
                "decided_on": "2026-11-10",
            },
            "relief_month_closed",
        ),
    ]
    for auth, path, body, code in cases:
        before = _tables()
        response = _post(client, auth, path, body)
        assert response.status_code == 400, (path, body, response.json())
        assert response.json()["code"] == code, (path, body, response.json())
        assert response.json()["message"]
        assert _tables() == before
    # Reading a committee's "ledger": it keeps none (the cells do).
    response = client.get(f"/api/v1/dues/ledger?cell={tree['commune'].pk}&month=2026-02", **office)
    assert response.status_code == 400 and response.json()["code"] == "not_a_cell"
    assert "chi bộ" in response.json()["message"]
    response = client.get(f"/api/v1/dues/ledger?cell={cell_a}&month=2026-13", **office)
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_a_month_through_the_api(client, tree, cell_members, people):
    salaried, farmer, pensioner, absent = cell_members
    secretary = _bearer(client, people["secretary_a"])
    office = _bearer(client, people["office"])
    cell_a = tree["cell_a"].pk

    created = _post(
        client,
        secretary,
        "/api/v1/dues/profiles",
        {
            "member": salaried.pk,
            "valid_from": "2025-12-01",
            "category": "social_insurance",
            "base": 8_000_000,
        },
    )
    assert created.status_code == 201, created.json()
    assert created.json()["category"] == "social_insurance"
    assert created.json()["base"] == 8_000_000
    _profile(pensioner, "pensioner", 6_000_000)
    listed = client.get(f"/api/v1/dues/members/{salaried.pk}/profiles", **secretary).json()
    assert [(p["valid_from"], p["base"]) for p in listed] == [("2025-12-01", 8_000_000)]

    # Before the month is computed every member is listed without a ledger row.
    before = client.get(f"/api/v1/dues/ledger?cell={cell_a}&month=2026-02", **secretary).json()
    assert len(before) == 4 and {r["ledger"] is None for r in before} == {True}
    assert DuesLedger.objects.count() == 0

    response = _post(
        client, secretary, "/api/v1/dues/months/compute", {"org": cell_a, "month": "2026-02"}
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 4, "updated": 0, "kept": 0, "without_profile": 2}
    sheet = client.get(f"/api/v1/dues/ledger?cell={cell_a}&month=2026-02", **secretary).json()
    due = {r["member"]["id"]: r["ledger"]["amount_due"] for r in sheet}
    assert due == {salaried.pk: 80_000, farmer.pk: 15_930, pensioner.pk: 30_000, absent.pk: 15_930}
    assert {r["ledger"]["system"] for r in sheet} == {"01"}
    assert {r["ledger"]["status"] for r in sheet} == {"due"}

    cash = _post(client, secretary, "/api/v1/dues/payments", {"member": salaried.pk, **PAY})
    assert cash.status_code == 201, cash.json()
    assert cash.json()["amount"] == 80_000 and cash.json()["channel"] == "cash"
    assert cash.json()["receipt_number"] == "022026-0001"
    portal = _post(
        client,
        secretary,
        "/api/v1/dues/payments",
        {
            **PAY,
            "member": pensioner.pk,
            "amount": 50_000,  # more than due: a voluntary top-up
            "channel": "portal",
            "reference": "DVC-2026-000123",
        },
    )
    assert portal.status_code == 201, portal.json()
    assert portal.json()["reference"] == "DVC-2026-000123"
    twice = _post(client, secretary, "/api/v1/dues/payments", {"member": salaried.pk, **PAY})
    assert twice.status_code == 400 and twice.json()["code"] == "already_paid"
    same_reference = _post(
        client,
        secretary,
        "/api/v1/dues/payments",
        {
            **PAY,
            "member": farmer.pk,
            "amount": 15_930,
            "channel": "portal",
            "reference": "DVC-2026-000123",
        },
    )
    assert same_reference.json()["code"] == "reference_taken"
    assert DuesPayment.objects.count() == 2

    # The committee closes its subtree's month; the absent member has a reason.
    closed = _post(
        client,
        office,
        "/api/v1/dues/months/close",
        {
            "org": tree["commune"].pk,
            "month": "2026-02",
            "reasons": [{"member": absent.pk, "reason": "Ốm nằm viện"}],
        },
    )
    assert closed.status_code == 200, closed.json()
    # cell B has no member: it closes empty (else it would show late for ever)
    assert closed.json() == {"cells": 2, "rows": 4, "unpaid": 1, "excused": 1, "already_closed": 0}
    statuses = dict(
        DuesLedger.objects.filter(month=D(2026, 2, 1)).values_list("member_id", "status")
    )
    assert statuses == {
        salaried.pk: "paid",
        pensioner.pk: "paid",
        farmer.pk: "unpaid",
        absent.pk: "unpaid_excused",
    }
    overview = client.get(
        f"/api/v1/dues/overview?org={tree['commune'].pk}&month=2026-02", **office
    ).json()
    by_cell = {c["cell"]["id"]: c for c in overview}
    close = DuesMonthClose.objects.get(organization=tree["cell_a"], month=D(2026, 2, 1))
    assert by_cell[cell_a]["paid"] == 130_000 == close.amount_paid
    assert by_cell[cell_a]["due"] == 80_000 + 30_000 + 2 * 15_930
    assert (by_cell[cell_a]["kept"], by_cell[cell_a]["sent_up"]) == (close.kept, close.sent_up)
    assert close.kept + close.sent_up == 130_000
    assert by_cell[cell_a]["closed"] and not by_cell[cell_a]["late"]
    assert by_cell[tree["cell_b"].pk]["members"] == 0

    # A closed month changes only by a correction entry.
    row = DuesLedger.objects.get(member=farmer, month=D(2026, 2, 1))
    fixed = _post(
        client,
        secretary,
        f"/api/v1/dues/ledger/{row.pk}/corrections",
        {"amount": 15_930, "reason": "Đóng tại buổi sinh hoạt, ghi sót", "on": "2026-11-15"},
    )
    assert fixed.status_code == 201, fixed.json()
    assert fixed.json()["kind"] == "correction"
    row.refresh_from_db()
    assert (row.status, row.amount_paid, row.closed) == ("paid", 15_930, True)

    history = client.get(f"/api/v1/dues/members/{farmer.pk}/ledger?year=2026", **secretary).json()
    assert [(h["month"], h["status"], h["amount_paid"]) for h in history] == [
        ("2026-02-01", "paid", 15_930)
    ]
    assert [p["kind"] for p in history[0]["payments"]] == ["correction"]
    assert history[0]["organization"]["id"] == cell_a


def test_arrears_and_name_deletion_through_the_api(client, tree, cell_members, people):
    payer, debtor = cell_members[0], cell_members[1]
    office = _bearer(client, people["office"])
    months = [D(2026, m, 1) for m in (3, 4, 5)]
    for month in months:
        _computed(tree, month)
        for member in cell_members:
            if member != debtor:
                services.payment_record(
                    actor=SYSTEM, member=member, month=month, amount=15_930, channel="cash",
                    paid_on=month + dt.timedelta(days=9),
                )  # fmt: skip
        services.month_close(actor=SYSTEM, organization=tree["cell_a"], month=month)
    _computed(tree, D(2026, 6, 1))  # June: open, not closed
    response = client.get(f"/api/v1/dues/arrears?org={tree['commune'].pk}&year=2026", **office)
    assert response.status_code == 200, response.json()
    items = response.json()
    assert items[0]["member"]["id"] == debtor.pk
    assert items[0]["months"] == ["2026-03-01", "2026-04-01", "2026-05-01"]
    assert items[0]["name_deletion"] is True
    assert items[0]["amount"] == 3 * 15_930 + 15_930  # with June, open
    assert items[0]["organization"] == {"id": tree["cell_a"].pk, "name": tree["cell_a"].name}
    others = [i for i in items if i["member"]["id"] != debtor.pk]
    assert {i["member"]["id"] for i in others} == {m.pk for m in cell_members if m != debtor}
    assert all(i["months"] == [] and i["open_months"] == ["2026-06-01"] for i in others)
    assert ArrearsNotice.objects.get(member=debtor).months == [m.isoformat() for m in months]
    assert payer.pk not in {n.member_id for n in ArrearsNotice.objects.all()}
    paged = client.get(
        f"/api/v1/dues/arrears?org={tree['commune'].pk}&year=2026&limit=1&offset=1", **office
    ).json()
    assert [i["member"]["id"] for i in paged] == [items[1]["member"]["id"]]


def test_reliefs_and_voluntary_amounts_through_the_api(client, tree, cell_members, people):
    member = cell_members[2]
    office = _bearer(client, people["office"])
    secretary = _bearer(client, people["secretary_a"])
    decided = _post(
        client,
        office,
        "/api/v1/dues/reliefs",
        {
            "member": member.pk,
            "kind": "reduction",
            "percent": 50,
            "ground": "near_poor",
            "first_month": "2026-10",
            "last_month": "2027-09",
            "decided_on": "2026-11-10",
            "decision": "12-QĐ/ĐU",
        },
    )
    assert decided.status_code == 201, decided.json()
    assert decided.json()["decided_by"] == {"id": tree["commune"].pk, "name": tree["commune"].name}
    listed = client.get(f"/api/v1/dues/members/{member.pk}/reliefs", **secretary).json()
    assert [(r["percent"], r["first_month"], r["last_month"]) for r in listed] == [
        (50, "2026-10-01", "2027-09-01")
    ]
    assert DuesRelief.objects.count() == 1
    _computed(tree, D(2026, 10, 1))
    row = DuesLedger.objects.get(member=member, month=D(2026, 10, 1))
    assert (row.relief_percent, row.amount_due) == (50, 7_965)

    profile = services.profile_set(
        actor=SYSTEM,
        member=cell_members[0],
        valid_from=D(2025, 12, 1),
        category="student",
        voluntary=50_000,
    )
    refused = _post(client, secretary, f"/api/v1/dues/profiles/{profile.pk}/approve-voluntary", {})
    assert refused.status_code == 403 and refused.json()["code"] == "not_acting_body"
    approved = _post(client, office, f"/api/v1/dues/profiles/{profile.pk}/approve-voluntary", {})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["voluntary_approved_by"]["id"] == tree["commune"].pk
    missing = _post(client, office, "/api/v1/dues/profiles/999999/approve-voluntary", {})
    assert missing.status_code == 404
