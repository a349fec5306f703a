"""Factories for admission tests: a cell with N official members (through the
members' MemberFactory, so events and caches are real) and files brought to a
given step through the services."""

from __future__ import annotations

import datetime as dt

from dangvien.admissions import services
from dangvien.admissions.models import AdmissionFile, IntroductionKind
from dangvien.core.actors import SYSTEM
from dangvien.members.models import Gender
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.models import Level
from dangvien.organizations.tests.factories import OrganizationFactory

D = dt.date
JOINED = D(2010, 5, 19)
OPENED = D(2024, 1, 8)
DOSSIER = D(2024, 2, 1)
MEETING = D(2024, 3, 7)


def cell_with_officials(n: int, *, cell=None, parent=None, joined: dt.date = JOINED):
    """A cell (under a grassroots committee unless `parent` is given) with `n`
    official members admitted on `joined` and official a year later."""
    if cell is None:
        if parent is None:
            parent = OrganizationFactory(
                name="Đảng bộ xã Thạch Lạc", level=Level.GRASSROOTS_COMMITTEE
            )
        cell = OrganizationFactory(parent=parent, name="Chi bộ thôn Bắc")
    official = services.rules.probation_end(joined)
    members = [
        MemberFactory(
            organization=cell,
            admission_decision_date=joined - dt.timedelta(days=9),
            joining_date=joined,
            official_date=official,
        )
        for _ in range(n)
    ]
    return cell, members


def candidate_data(**over) -> dict:
    data = dict(
        family_name="Trần",
        middle_name="Thị",
        given_name="Hoa",
        gender=Gender.FEMALE,
        birth_date=D(1995, 4, 12),
        education_level="12/12",
        meets_education=True,
        education_exception="",
        application_date=D(2024, 1, 5),
        certificate_number="123-GCN/TTCT",
        certificate_date=D(2023, 10, 2),
    )
    data.update(over)
    return data


def open_file(cell, *, opened_on: dt.date = OPENED, actor=SYSTEM, **over) -> AdmissionFile:
    return services.admission_open(
        actor=actor, organization=cell, data=candidate_data(**over), opened_on=opened_on
    )


def dossier_kwargs(introducers, date: dt.date, **over) -> dict:
    kwargs = dict(
        date=date,
        cv_verified_on=date - dt.timedelta(days=5),
        cv_verified_by="Chi ủy thôn Bắc; UBND xã Thạch Lạc",
        introduction_kind=IntroductionKind.TWO_MEMBERS,
        introducer_1=introducers[0],
        introducer_1_since=D(2020, 1, 1),
        introducer_2=introducers[1],
        introducer_2_since=D(2020, 1, 1),
        residence_comment="Chi ủy thôn Bắc nhận xét tốt",
        mass_org_comment="Hội Phụ nữ xã nhận xét tốt",
    )
    kwargs.update(over)
    return kwargs


def file_with_dossier(
    cell, introducers, *, opened_on=OPENED, dossier_on=DOSSIER, actor=SYSTEM, **over
):
    file = open_file(cell, opened_on=opened_on, actor=actor, **over)
    return services.admission_complete_dossier(
        actor=actor, file=file, **dossier_kwargs(introducers, dossier_on)
    )


def file_agreed(cell, members, *, meeting=MEETING, actor=SYSTEM, **over):
    """A file the cell has agreed on (all official members for)."""
    file = file_with_dossier(cell, members, actor=actor, **over)
    services.admission_cell_vote(
        actor=actor,
        file=file,
        meeting_date=meeting,
        votes_for=len(members),
        resolution_number="05-NQ/CB",
    )
    file.refresh_from_db()
    return file


def file_decided(
    cell, members, *, meeting=MEETING, grassroots=None, decision=None, actor=SYSTEM, **over
):
    file = file_agreed(cell, members, meeting=meeting, actor=actor, **over)
    services.admission_grassroots_resolve(
        actor=actor,
        file=file,
        date=grassroots or meeting + dt.timedelta(days=7),
        resolution_number="12-NQ/ĐU",
    )
    services.admission_decide(
        actor=actor,
        file=file,
        decision_date=decision or meeting + dt.timedelta(days=21),
        decision_number="345-QĐ/ĐU",
        decided_by="Ban Thường vụ Đảng ủy xã Thạch Lạc",
    )
    file.refresh_from_db()
    return file
