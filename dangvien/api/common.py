"""What every area's API shares: the small schemas (a reference, an error, a
step), the error responses, and one POST endpoint per step of a workflow table
(a step added to the table without an endpoint fails at import).

(No `from __future__ import annotations` here: step endpoints are made in a
loop and django-ninja reads their payload annotations as objects.)
"""

from collections.abc import Callable
from typing import Any

from ninja import Router, Schema
from pydantic import Field, field_validator

from dangvien.accounts.scope import Scope, scope_for
from dangvien.compliance.workflow import Workflow
from dangvien.organizations.models import Organization

ID = Field(ge=1, le=2**63 - 1)


class Input(Schema):
    """Request bodies: text may not hold NUL characters (the database refuses them)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL")
        return value


class Ref(Schema):
    id: int
    name: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


class StepRef(Schema):
    code: str
    label: str


READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def ref(org: Organization | None) -> dict | None:
    return {"id": org.pk, "name": org.name} if org else None


def open_steps(wf: Workflow, obj, user) -> list[dict]:
    """The steps of `obj` the caller may take now: code and label."""
    return [{"code": s.code, "label": s.label} for s in wf.open_steps(obj, user)]


StepCall = Callable[[Any, Any, Any], Any]


def register_steps(
    router: Router,
    area: str,
    prefix: str,
    wf: Workflow,
    get_for_step: Callable[[Scope, int, str], Any],
    out: Callable[[Any, Any], dict],
    out_schema: type[Schema],
    table: dict[str, tuple[type[Schema], StepCall]],
) -> None:
    """One POST /<prefix>/{pk}/<code> per step of `wf`, each calling
    `table[code] = (payload schema, call(user, obj, payload))`.

    The endpoint finds the object in the caller's scope for the step
    (`get_for_step`: NotFound outside, `not_acting_body` for a role that may
    not act), asks the table (`out_of_order`, `not_applicable`), then calls
    the service, which checks again on the locked row. Raises RuntimeError at
    import when a step of the table has no entry."""
    missing = {s.code for s in wf.steps} - set(table)
    if missing:
        raise RuntimeError(f"{prefix}: no API endpoint for steps {sorted(missing)}")
    for code, (payload_schema, call) in table.items():
        endpoint = _step_endpoint(wf, get_for_step, out, code, payload_schema, call)
        endpoint.__name__ = f"{prefix.replace('-', '_')}_{code}"
        router.post(
            f"/{prefix}/{{pk}}/{code}",
            response={200: out_schema, **WRITE_ERRORS},
            summary=wf.step(code).label,
            operation_id=f"{area}_{prefix.replace('-', '_')}_{code}",
        )(endpoint)


def _step_endpoint(wf, get_for_step, out, code, payload_schema, call):
    def endpoint(request, pk: int, payload):
        scope = scope_for(request.auth)
        obj = get_for_step(scope, pk, code)
        wf.require(obj, code, request.auth)
        call(request.auth, obj, payload)
        obj.refresh_from_db()
        return out(obj, request)

    endpoint.__annotations__ = {"pk": int, "payload": payload_schema}
    return endpoint
