"""Flows used by several tests: a violation and a discipline through the services."""

import datetime as dt

from dangvien.core.actors import SYSTEM
from dangvien.discipline import services

D = dt.date
COMMITTED = D(2025, 1, 10)
ANNOUNCED = D(2025, 3, 10)


def violation(member, *, kind="duties", committed_on=COMMITTED, actor=SYSTEM, **extra):
    return services.violation_record(
        actor=actor,
        member=member,
        kind=kind,
        description="Không thực hiện nhiệm vụ được giao",
        committed_on=committed_on,
        found_on=extra.pop("found_on", committed_on),
        **extra,
    )


def in_force(
    member,
    tree,
    *,
    form="reprimand",
    announced_on=ANNOUNCED,
    committed_on=COMMITTED,
    actor=SYSTEM,
):
    """A discipline of the member's cell (reprimand/warning) or the commune
    committee (others), voted, decided and announced on `announced_on`."""
    v = violation(member, committed_on=committed_on)
    by_cell = form in ("reprimand", "warning")
    d = services.discipline_propose(
        actor=actor,
        violation=v,
        form=form,
        authority=tree["cell_a"] if by_cell else tree["commune"],
        authority_body="cell" if by_cell else "superior",
        proposed_on=announced_on - dt.timedelta(days=10),
    )
    d = services.discipline_vote(
        actor=actor,
        discipline=d,
        voted_on=announced_on - dt.timedelta(days=5),
        entitled=9,
        votes_for=7,
    )
    d = services.discipline_decide(
        actor=actor, discipline=d, decision_date=announced_on - dt.timedelta(days=3)
    )
    return services.discipline_announce(actor=actor, discipline=d, announced_on=announced_on)
