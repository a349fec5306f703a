"""The one workflow mechanism: the table decides which steps are open, who may
take them (a writing role at the acting body's organisation or above, never
below) and what the open case says."""

import datetime as dt
from types import SimpleNamespace

import pytest

from dangvien.accounts.models import Role
from dangvien.compliance.models import Case, CaseKind
from dangvien.compliance.workflow import REGISTRY, Body, Step, Workflow, WorkflowError
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.members.tests.factories import user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db


def _toy(tree) -> Workflow:
    """A two-step workflow on a paper object: the cell votes, the committee above
    decides; "cancel" is auxiliary (not awaited)."""
    wf = Workflow(
        kind=CaseKind.ADMISSION,
        state_of=lambda o: o.state,
        state_label=lambda o: {"open": "Mở", "voted": "Đã biểu quyết", "done": "Xong"}[o.state],
        where=lambda o: o.cell,
        subject=lambda o: "Nguyễn Văn Thước",
        member=lambda o: None,
        steps=(
            Step(
                "vote",
                "Chi bộ biểu quyết",
                ("open",),
                "voted",
                Body.CELL,
                acting=lambda o: o.cell,
                due=lambda o: o.opened + dt.timedelta(days=30),
            ),
            Step(
                "decide",
                "Cấp trên quyết định",
                ("voted",),
                "done",
                Body.SUPERIOR,
                acting=lambda o: o.cell.parent,
            ),
            Step(
                "cancel",
                "Hủy",
                ("open", "voted"),
                "done",
                Body.CELL,
                lambda o: o.cell,
                awaited=False,
            ),
        ),
    )
    return wf


@pytest.fixture
def toy_registry():
    saved = dict(REGISTRY)
    yield
    REGISTRY.clear()
    REGISTRY.update(saved)


@pytest.fixture
def world(django_user_model, toy_registry):
    tree = build_tree()
    return SimpleNamespace(
        tree=tree,
        wf=_toy(tree),
        secretary=user_with_role(django_user_model, "bt", Role.CELL_SECRETARY, tree["cell_c"]),
        office=user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["agency"]),
        other_office=user_with_role(
            django_user_model, "vp2", Role.GRASSROOTS_OFFICE, tree["commune"]
        ),
        inspector=user_with_role(django_user_model, "kt", Role.INSPECTION, tree["agency"]),
    )


def _paper(world, state="open"):
    return SimpleNamespace(
        pk=world.tree["cell_c"].pk,
        state=state,
        cell=world.tree["cell_c"],
        opened=dt.date(2026, 3, 2),
    )


def test_steps_on_follow_the_state(world):
    assert [s.code for s in world.wf.steps_on(_paper(world))] == ["vote", "cancel"]
    assert [s.code for s in world.wf.steps_on(_paper(world, "voted"))] == ["decide", "cancel"]
    assert world.wf.steps_on(_paper(world, "done")) == []


def test_acting_body_or_above_may_act_never_below(world):
    voted = _paper(world, "voted")
    # The cell's secretary votes, but may not take the decision of the committee above.
    assert [s.code for s in world.wf.open_steps(_paper(world), world.secretary)] == [
        "vote",
        "cancel",
    ]
    assert [s.code for s in world.wf.open_steps(voted, world.secretary)] == ["cancel"]
    # The grassroots office above enters the cell's vote on its behalf, and decides.
    assert [s.code for s in world.wf.open_steps(_paper(world), world.office)] == ["vote", "cancel"]
    assert [s.code for s in world.wf.open_steps(voted, world.office)] == ["decide", "cancel"]
    # Another subtree's office, and a read-only role, take nothing.
    assert world.wf.open_steps(voted, world.other_office) == []
    assert world.wf.open_steps(voted, world.inspector) == []
    assert [s.code for s in world.wf.open_steps(voted, SYSTEM)] == ["decide", "cancel"]


def test_require_refuses_with_codes(world):
    with pytest.raises(DomainError) as wrong_body:
        world.wf.require(_paper(world, "voted"), "decide", world.secretary)
    assert wrong_body.value.code == WorkflowError.NOT_ACTING_BODY.code == "not_acting_body"
    assert "Cấp trên quyết định" in wrong_body.value.message
    assert "Đảng bộ Sở Y tế" in wrong_body.value.message

    with pytest.raises(DomainError) as out_of_order:
        world.wf.require(_paper(world), "decide", world.office)
    assert out_of_order.value.code == "out_of_order"
    assert "«Mở»" in out_of_order.value.message

    with pytest.raises(DomainError) as unknown:
        world.wf.require(_paper(world), "nope", world.office)
    assert unknown.value.code == "unknown_step"
    assert world.wf.require(_paper(world, "voted"), "decide", world.office).code == "decide"


def test_a_user_must_be_named(world):
    with pytest.raises(TypeError):
        world.wf.require(_paper(world), "vote", None)


def test_the_open_case_follows_the_table(world):
    # A case points at a model row: the cell itself stands for the paper here.
    paper = world.tree["cell_c"]
    paper.state, paper.cell, paper.opened = "open", paper, dt.date(2026, 3, 2)
    world.wf.sync_case(paper, on=dt.date(2026, 3, 2))
    case = Case.objects.get()
    assert (case.step, case.acting_body, case.acting_organization, case.due_date) == (
        "vote",
        "cell",
        world.tree["cell_c"],
        dt.date(2026, 4, 1),
    )
    assert case.opened_on == dt.date(2026, 3, 2) and case.closed_on is None

    paper.state = "voted"
    world.wf.sync_case(paper, on=dt.date(2026, 3, 5), detail="lần 1")
    case.refresh_from_db()
    assert (case.step, case.acting_body, case.acting_path, case.detail) == (
        "decide",
        "superior",
        world.tree["agency"].path,
        "lần 1",
    )
    assert case.opened_on == dt.date(2026, 3, 2)  # the same case, not a new one

    paper.state = "done"  # only "cancel" is not awaited: nothing left to wait for
    world.wf.sync_case(paper, on=dt.date(2026, 3, 9))
    case.refresh_from_db()
    assert case.closed_on == dt.date(2026, 3, 9)
    assert Case.objects.count() == 1


def test_a_step_declared_twice_is_refused(toy_registry, db):
    step = Step("a", "A", ("x",), None, Body.CELL, acting=lambda o: None)
    with pytest.raises(ValueError):
        Workflow(
            kind=CaseKind.ADMISSION,
            state_of=lambda o: "x",
            state_label=lambda o: "x",
            where=lambda o: None,
            subject=lambda o: "",
            member=lambda o: None,
            steps=(step, step),
        )
