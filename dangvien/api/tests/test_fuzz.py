"""Fuzz the API with schemathesis against its own OpenAPI document: whatever
the request, no answer is a server error (5xx), and every answer is JSON.
(Schemathesis' pytest plugin does not run under pytest 9 yet, so each
operation's strategy is driven by hypothesis directly.)"""

import datetime as dt
import json
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NOT_SET

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.movements.services import transfer_open
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db


def test_no_server_errors(django_user_model, client):

    tree = build_tree()
    member = MemberFactory(organization=tree["cell_a"])
    MemberFactory(organization=tree["cell_b"])
    transfer_open(
        actor=SYSTEM,
        member=member,
        kind="permanent",
        reason="residence",
        trigger_date=dt.date(2026, 1, 5),
        to_organization=tree["cell_c"],
    )
    user_with_role(django_user_model, "fuzz", Role.ORGANISATION_BOARD, tree["province"])
    token = client.post(
        "/api/v1/auth/token",
        {"username": "fuzz", "password": "pw-Test-1234"},
        content_type="application/json",
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").json())
    operations = [result.ok() for result in schema.get_all_operations()]
    # Members, organisations, open cases and transfers (each step).
    assert len(operations) >= 11

    for operation in operations:
        _fuzz(client, operation, headers)


def _fuzz(client, operation, headers):
    """Send each generated case through Django's test client (which keeps the test's
    database connection open, unlike a bare WSGI call) and refuse any 5xx."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case):
        query = urlencode(case.query or {}, doseq=True)
        path = case.formatted_path + (f"?{query}" if query else "")
        body = b"" if case.body is None or case.body is NOT_SET else json.dumps(case.body)
        response = client.generic(
            case.method,
            path,
            body,
            content_type="application/json",
            headers={**{k: str(v) for k, v in (case.headers or {}).items()}, **headers},
        )
        assert response.status_code < 500, (case.method, path, body, response.content[:500])
        assert response["Content-Type"].startswith("application/json"), path

    check()
