"""The one mechanism every workflow runs on.

A workflow is declared once, in its area, as a `Workflow` holding a table of
`Step`s: the states a step starts from and the state it leads to, the acting
body and how to find its organisation for an object, the due rule (a function
of the object's dates, from the area's `rules.py`), and the paper it issues.
This module answers, for every workflow alike:

- which steps are open on an object (`steps_on`) and which of them a given
  actor may take (`open_steps`);
- whether an actor may take a step now (`require`), raising the same coded
  error for pages, API, CLI and imports;
- what the open case of the object is (`sync_case`): the first *awaited* step
  of each slot, its acting body and organisation and its due date, written to
  `compliance.Case` in the caller's transaction.

Who may act (architecture.md, "Workflows and permissions"): a writing role
held at the acting body's organisation, or at an organisation above it
entering on its behalf (a grassroots office records its cell's vote); never a
role below it. The member's own steps are also open to the member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from dangvien.accounts.scope import Scope, scope_for
from dangvien.core.actors import Actor, SystemActor
from dangvien.core.errors import DomainError, ErrorCode
from dangvien.organizations.models import Organization

from .models import Case, CaseKind


class Body(models.TextChoices):
    """The acting body of a step."""

    CELL = "cell", gettext_lazy("Chi bộ, chi ủy")
    GRASSROOTS = "grassroots", gettext_lazy("Đảng ủy cơ sở")
    GRASSROOTS_STANDING = "grassroots_standing", gettext_lazy("Ban Thường vụ đảng ủy cơ sở")
    SUPERIOR = "superior", gettext_lazy("Cấp ủy cấp trên")
    ORGANISATION_BOARD = "organisation_board", gettext_lazy("Ban Tổ chức")
    INSPECTION = "inspection", gettext_lazy("Ủy ban Kiểm tra")
    MEMBER = "member", gettext_lazy("Đảng viên")


class WorkflowError(ErrorCode):
    OUT_OF_ORDER = (
        "out_of_order",
        "Không thể thực hiện bước «%(step)s» khi hồ sơ đang ở bước «%(state)s».",
    )
    NOT_ACTING_BODY = (
        "not_acting_body",
        "Bước «%(step)s» do %(body)s (%(organization)s) thực hiện; tài khoản của đồng chí "
        "không có quyền ghi ở tổ chức đó hoặc cấp trên của nó.",
    )
    NOT_APPLICABLE = ("not_applicable", "Bước «%(step)s» không áp dụng cho hồ sơ này.")
    UNKNOWN_STEP = ("unknown_step", "Không có bước «%(step)s» trong quy trình này.")


OrgOf = Callable[[Any], Organization | None]
DueOf = Callable[[Any], dt.date | None]


@dataclass(frozen=True)
class Step:
    """One step of a workflow.

    code: stable identifier (stored in open cases, used by the API's URLs).
    label: what is done, in Vietnamese.
    sources: the states it may start from.
    target: the state it leads to (None: it leaves the state as it is, or the
        service decides between several, e.g. a vote that passes or fails).
    body: the acting body, or a function of the object giving it when it
        varies by case (the letter issuer: grassroots committee, superior
        committee or provincial organisation board); `acting(obj)` is that
        body's organisation for obj (None when it lies outside the
        installation: only the system acts). Read it with `body_of(obj)`.
    due: the due rule, a function of the object's dates (days from the
        area's rules.py); None when the step has no deadline.
    paper: the DocumentKind the step issues, if any.
    awaited: whether the step is what the case waits for (shown as the open
        case); auxiliary steps (extend, cancel, close) are not.
    slot: which open case of the object it belongs to (a transfer waits for
        the sending side, then the receiving side).
    when: an extra condition on the object (a return applies only to a
        temporary transfer).
    where: the organisation whose subtree shows the case (default: the
        workflow's).
    """

    code: str
    label: str
    sources: tuple[str, ...]
    target: str | None
    body: Body | Callable[[Any], Body]
    acting: OrgOf
    due: DueOf | None = None
    paper: str = ""
    awaited: bool = True
    slot: str = ""
    when: Callable[[Any], bool] | None = None
    where: OrgOf | None = None

    def applies_to(self, obj: Any, state: str) -> bool:
        return state in self.sources and (self.when is None or bool(self.when(obj)))

    def body_of(self, obj: Any) -> Body:
        """The acting body for `obj` (the declared one, or its function's answer)."""
        return self.body if isinstance(self.body, Body) else self.body(obj)

    @property
    def body_label(self) -> str:
        """The body in words, for tables without an object."""
        return str(self.body.label) if isinstance(self.body, Body) else "Theo từng hồ sơ"


@dataclass(frozen=True)
class Workflow:
    """A workflow: its case kind, how to read an object's state, and its steps.

    state_of(obj) -> the state code; where(obj) -> the organisation whose
    subtree sees the case; subject(obj) -> the person's name; member(obj) ->
    the Member (or None for a candidate not yet admitted).
    """

    kind: CaseKind
    state_of: Callable[[Any], str]
    state_label: Callable[[Any], str]
    where: OrgOf
    subject: Callable[[Any], str]
    member: Callable[[Any], Any]
    steps: tuple[Step, ...]
    slots: tuple[str, ...] = ("",)
    _index: dict[str, Step] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        codes = [s.code for s in self.steps]
        duplicates = {c for c in codes if codes.count(c) > 1}
        if duplicates:
            raise ValueError(f"{self.kind}: steps declared twice: {sorted(duplicates)}")
        self._index.update({s.code: s for s in self.steps})
        REGISTRY[str(self.kind)] = self

    # --- the table ------------------------------------------------------------

    def step(self, code: str) -> Step:
        try:
            return self._index[code]
        except KeyError:
            raise WorkflowError.UNKNOWN_STEP.error(field="step", step=code) from None

    def steps_on(self, obj: Any) -> list[Step]:
        """Steps the object's state allows now, in table order."""
        state = self.state_of(obj)
        return [s for s in self.steps if s.applies_to(obj, state)]

    def open_steps(self, obj: Any, actor: Actor) -> list[Step]:
        """Steps the state allows and `actor` may take: what pages offer and the
        API accepts."""
        scope = _scope_of(actor)
        return [s for s in self.steps_on(obj) if _may_act(scope, s, obj, self)]

    def may_take(self, obj: Any, code: str, actor: Actor) -> bool:
        step = self.step(code)
        return step.applies_to(obj, self.state_of(obj)) and _may_act(
            _scope_of(actor), step, obj, self
        )

    def scope_may_act(self, scope: Scope | None, obj: Any, code: str) -> bool:
        """Whether `scope` (None: the system) may act for the body of step
        `code` on `obj` (a writing role at its organisation or above; the
        member for their own steps; the inspection role for inspection steps),
        whatever the state. For selectors that hold a scope, not an actor."""
        return _may_act(scope, self.step(code), obj, self)

    def require_acting(self, scope: Scope | None, obj: Any, code: str) -> Step:
        """The step `code` if `scope` may act for its body on `obj` (the state is
        the service's to check). Raises `unknown_step` or `not_acting_body`."""
        step = self.step(code)
        if not _may_act(scope, step, obj, self):
            org = step.acting(obj)
            raise WorkflowError.NOT_ACTING_BODY.error(
                field="step",
                step=step.label,
                body=str(step.body_of(obj).label).lower(),
                organization=org.name if org else "",
            )
        return step

    def require(self, obj: Any, code: str, actor: Actor) -> Step:
        """The step `code` if `actor` may take it on `obj` now.

        Raises DomainError `out_of_order` (the state does not allow it),
        `not_applicable` (its condition fails) or `not_acting_body` (the actor
        holds no writing role at the acting body's organisation or above).
        Call it in the service, before writing, on the locked row."""
        step = self.step(code)
        state = self.state_of(obj)
        if state not in step.sources:
            raise WorkflowError.OUT_OF_ORDER.error(
                field="step", step=step.label, state=self.state_label(obj)
            )
        if step.when is not None and not step.when(obj):
            raise WorkflowError.NOT_APPLICABLE.error(field="step", step=step.label)
        if not _may_act(_scope_of(actor), step, obj, self):
            org = step.acting(obj)
            raise WorkflowError.NOT_ACTING_BODY.error(
                field="step",
                step=step.label,
                body=str(step.body_of(obj).label).lower(),
                organization=org.name if org else "",
            )
        return step

    def acting_organization(self, obj: Any, code: str) -> Organization | None:
        return self.step(code).acting(obj)

    # --- the open case ----------------------------------------------------------

    def awaited(self, obj: Any) -> dict[str, Step]:
        """The step each slot waits for now (first awaited step in table order)."""
        found: dict[str, Step] = {}
        for step in self.steps_on(obj):
            if step.awaited and step.slot not in found:
                found[step.slot] = step
        return found

    def sync_case(self, obj: Any, *, on: dt.date, detail: str = "") -> None:
        """Open, update or close the case of each slot of `obj` after a step.

        Call it inside the step's transaction. A slot with no awaited step is
        closed on `on`."""
        awaited = self.awaited(obj)
        for slot in self.slots:
            step = awaited.get(slot)
            if step is None:
                Case.objects.filter(
                    content_type=_content_type(obj), object_id=obj.pk, slot=slot, closed_on=None
                ).update(closed_on=on)
                continue
            Case.objects.update_or_create(
                content_type=_content_type(obj),
                object_id=obj.pk,
                slot=slot,
                defaults=self.case_values(obj, step, detail=detail),
                create_defaults={**self.case_values(obj, step, detail=detail), "opened_on": on},
            )

    def case_values(self, obj: Any, step: Step, *, detail: str = "") -> dict[str, Any]:
        """The columns of the open case for `step` on `obj` (also for bulk writes)."""
        where = (step.where or self.where)(obj)
        if where is None:
            raise ValueError(f"{self.kind}: no organisation shows the case of {obj!r}")
        acting = step.acting(obj)
        member = self.member(obj)
        return {
            "kind": str(self.kind),
            "organization": where,
            "org_path": where.path,
            "subject": self.subject(obj)[:160],
            "member": member,
            "step": step.code,
            "detail": detail[:120],
            "acting_body": str(step.body_of(obj)),
            "acting_organization": acting,
            "acting_path": acting.path if acting else "",
            "due_date": step.due(obj) if step.due else None,
            "closed_on": None,
        }

    def close_cases(self, obj: Any, *, on: dt.date) -> int:
        """Close every open case of `obj` (the object ended outside its table:
        the member died, was removed)."""
        return Case.objects.filter(
            content_type=_content_type(obj), object_id=obj.pk, closed_on=None
        ).update(closed_on=on)


# Every declared workflow by case kind: the web layer's labels and the API
# read the tables through it.
REGISTRY: dict[str, Workflow] = {}


def workflow_for(kind: str) -> Workflow:
    return REGISTRY[kind]


def step_label(kind: str, code: str) -> str:
    """The label of a step of a registered workflow ("" when unknown)."""
    wf = REGISTRY.get(kind)
    if wf is None:
        return ""
    step = wf._index.get(code)
    return step.label if step else ""


# --- who may act ----------------------------------------------------------------


def _scope_of(actor: Actor) -> Scope | None:
    """None for the system (every right), the role scope for a user."""
    if isinstance(actor, SystemActor):
        return None
    if actor is None:
        raise TypeError("actor is required: a user, or core.actors.SYSTEM")
    return scope_for(actor)


def may_act_at(scope: Scope | None, organization: Organization | None) -> bool:
    """A writing role at `organization` or above it (the system always)."""
    if scope is None:
        return True
    if organization is None:
        return scope.everything
    return scope.writes_path(organization.path)


def _may_act(scope: Scope | None, step: Step, obj: Any, wf: Workflow) -> bool:
    if scope is None or scope.everything:
        return True
    body = step.body_of(obj)
    if body == Body.MEMBER:
        member = wf.member(obj)
        if member is not None and scope.member_id == member.pk:
            return True
    if body == Body.INSPECTION:
        org = step.acting(obj)
        return org is not None and any(org.path.startswith(p) for p in scope.inspection_paths)
    return may_act_at(scope, step.acting(obj))


def actor_may_act_at(actor: Actor, organization: Organization | None) -> bool:
    """For actions that open a workflow (no object yet): a writing role at the
    organisation or above."""
    return may_act_at(_scope_of(actor), organization)


def require_act_at(actor: Actor, organization: Organization | None, label: str, body: Body) -> None:
    """Raise `not_acting_body` unless the actor writes at `organization` or above."""
    if not actor_may_act_at(actor, organization):
        raise WorkflowError.NOT_ACTING_BODY.error(
            field="step",
            step=label,
            body=str(body.label).lower(),
            organization=organization.name if organization else "",
        )


def _content_type(obj: Any):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj)


def steps_table(wf: Workflow) -> Iterable[tuple[str, str, str, str, str]]:
    """(code, label, from, to, body) rows, for docs and the admin."""
    for s in wf.steps:
        yield s.code, s.label, ", ".join(s.sources), s.target or "", s.body_label


__all__ = [
    "Body",
    "DomainError",
    "REGISTRY",
    "Step",
    "Workflow",
    "WorkflowError",
    "actor_may_act_at",
    "may_act_at",
    "require_act_at",
    "step_label",
    "workflow_for",
]
