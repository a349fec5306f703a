"""A small two-province party with dated histories, built through the services."""

import datetime as dt

from dangvien.core.actors import SYSTEM
from dangvien.members import services as member_services
from dangvien.members.models import EventKind, Gender
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.models import Level
from dangvien.organizations.tests.factories import OrganizationFactory

D = dt.date
ADMITTED_ON = D(2010, 5, 19)


def party():
    """centre -> province P (district X: cells x1, x2; district Y: cell y1),
    province Q (cell q1). Returns the organisations by short name."""
    centre = OrganizationFactory(name="Trung ương", level=Level.CENTRAL)
    p = OrganizationFactory(parent=centre, name="Đảng bộ tỉnh P", level=Level.PROVINCIAL)
    x = OrganizationFactory(parent=p, name="Đảng bộ huyện X", level=Level.SUPERIOR)
    y = OrganizationFactory(parent=p, name="Đảng bộ huyện Y", level=Level.SUPERIOR)
    q = OrganizationFactory(parent=centre, name="Đảng bộ tỉnh Q", level=Level.PROVINCIAL)
    return {
        "centre": centre,
        "p": p,
        "x": x,
        "y": y,
        "q": q,
        "x1": OrganizationFactory(parent=x, name="Chi bộ x1"),
        "x2": OrganizationFactory(parent=x, name="Chi bộ x2"),
        "y1": OrganizationFactory(parent=y, name="Chi bộ y1"),
        "q1": OrganizationFactory(parent=q, name="Chi bộ q1"),
    }


def member(cell, *, joined=ADMITTED_ON, **data):
    """An official member admitted to `cell` on `joined` (recognised a year later)."""
    m = MemberFactory(
        organization=cell,
        joining_date=joined,
        admission_decision_date=joined,
        official_date=None,
        **data,
    )
    if joined.replace(year=joined.year + 1) <= D.today():
        event(m, EventKind.RECOGNISED, joined.replace(year=joined.year + 1))
    return m


def probationary(cell, joined, **data):
    return MemberFactory(
        organization=cell,
        joining_date=joined,
        admission_decision_date=joined,
        official_date=None,
        **data,
    )


def event(m, kind, date, cell=None, **extra):
    return member_services.member_add_event(
        actor=SYSTEM, member=m, kind=kind, date=date, organization=cell, **extra
    )


def transfer(m, date_out, cell_in, date_in):
    """A permanent transfer inside the system: sent on date_out, received on date_in."""
    event(m, EventKind.TRANSFERRED_OUT, date_out)
    if date_in is not None:
        event(m, EventKind.TRANSFERRED_IN, date_in, cell_in)


__all__ = ["D", "Gender", "event", "member", "party", "probationary", "transfer"]
