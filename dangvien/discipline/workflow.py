"""The inspection and discipline workflows as tables (compliance.workflow).

- INSPECTION: planned by a committee's inspection committee, concluded by it
  (due at the end of the planned period).
- DISCIPLINE (R7): proposed for a violation, voted by the deciding body (more
  than 1/2 or at least 2/3 of all entitled, R7.6), decided (the decision paper),
  announced within 10 or 15 days (R7.7); a complaint against it is answered by
  the higher body's inspection committee (slot "complaint"); a discipline found
  wrong is annulled and the member's rights restored (QĐ 117, R7.8).
- The discipline of a party organisation runs on the same table (steps
  "org_*", like the grading table over several records): proposed, voted by
  the deciding committee, decided, announced; a dissolution is then carried
  out by dissolving the organisation (step "org_dissolve").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, Step, Workflow
from dangvien.organizations.models import Level, Organization

from . import rules
from .models import (
    Complaint,
    ComplaintStatus,
    Discipline,
    DisciplineStatus,
    InspectionStatus,
    OrgDiscipline,
    OrgDisciplineStatus,
    OrgSanction,
)

INSPECTION = Workflow(
    kind=CaseKind.INSPECTION,
    state_of=lambda i: i.status,
    state_label=lambda i: i.get_status_display(),
    where=lambda i: i.organization,
    subject=lambda i: f"{i.get_kind_display()} {i.subject_name}",
    member=lambda i: i.member,
    steps=(
        Step(
            "conclude",
            "Ủy ban kiểm tra kết luận kiểm tra, giám sát",
            (InspectionStatus.PLANNED,),
            InspectionStatus.CONCLUDED,
            Body.INSPECTION,
            lambda i: i.organization,
            due=lambda i: i.period_end,
        ),
    ),
)


def _is(kind: type):
    return lambda obj: isinstance(obj, kind)


def body_of(discipline: Discipline | OrgDiscipline) -> Body:
    """The deciding body as recorded (cell, committee or inspection committee)."""
    return Body(discipline.authority_body)


def pending_complaint(discipline: Discipline) -> Complaint | None:
    if discipline.pk is None:
        return None
    return (
        Complaint.objects.filter(discipline=discipline, status=ComplaintStatus.LODGED)
        .select_related("answering_organization")
        .first()
    )


def _complaint_org(discipline: Discipline) -> Organization | None:
    complaint = pending_complaint(discipline)
    return complaint.answering_organization if complaint else None


def _complaint_due(discipline: Discipline) -> dt.date | None:
    complaint = pending_complaint(discipline)
    return rules.complaint_due(complaint.lodged_on) if complaint else None


def by_cell(discipline: Discipline) -> bool:
    return discipline.authority.level in (Level.CELL, Level.GRASSROOTS_CELL, Level.PARTY_GROUP)


def _subject(obj: Any) -> str:
    if isinstance(obj, OrgDiscipline):
        return f"{obj.get_form_display()} {obj.organization.name}"
    return f"{obj.get_form_display()} đồng chí {obj.member.full_name}"


def _member_pending(discipline: Any) -> bool:
    return isinstance(discipline, Discipline) and pending_complaint(discipline) is not None


def _dissolving(obj: Any) -> bool:
    return isinstance(obj, OrgDiscipline) and obj.form == OrgSanction.DISSOLUTION


DISCIPLINE = Workflow(
    kind=CaseKind.DISCIPLINE,
    state_of=lambda d: d.status,
    state_label=lambda d: d.get_status_display(),
    where=lambda d: d.authority,
    subject=_subject,
    member=lambda d: d.member,
    slots=("", "complaint"),
    steps=(
        Step(
            "vote",
            "Biểu quyết hình thức kỷ luật",
            (DisciplineStatus.PROPOSED,),
            None,
            body_of,
            lambda d: d.authority,
            when=_is(Discipline),
        ),
        Step(
            "decide",
            "Ký quyết định kỷ luật",
            (DisciplineStatus.VOTED,),
            DisciplineStatus.DECIDED,
            body_of,
            lambda d: d.authority,
            paper="QĐ",
            when=_is(Discipline),
        ),
        Step(
            "announce",
            "Công bố, giao quyết định kỷ luật cho đảng viên",
            (DisciplineStatus.DECIDED,),
            DisciplineStatus.IN_FORCE,
            body_of,
            lambda d: d.authority,
            due=lambda d: d.announce_due,
            when=_is(Discipline),
        ),
        Step(
            "answer",
            "Giải quyết khiếu nại kỷ luật",
            (DisciplineStatus.DECIDED, DisciplineStatus.IN_FORCE),
            None,
            Body.INSPECTION,
            _complaint_org,
            due=_complaint_due,
            slot="complaint",
            when=_member_pending,
            where=_complaint_org,
        ),
        Step(
            "restore",
            "Xin lỗi, phục hồi quyền lợi người bị kỷ luật oan (QĐ 117-QĐ/TW)",
            (DisciplineStatus.IN_FORCE, DisciplineStatus.ANNULLED),
            DisciplineStatus.RESTORED,
            Body.INSPECTION,
            lambda d: d.authority,
            awaited=False,
            when=_is(Discipline),
        ),
        Step(
            "org_vote",
            "Cấp ủy biểu quyết hình thức kỷ luật tổ chức đảng",
            (OrgDisciplineStatus.PROPOSED,),
            None,
            body_of,
            lambda d: d.authority,
            when=_is(OrgDiscipline),
        ),
        Step(
            "org_decide",
            "Ký quyết định kỷ luật tổ chức đảng",
            (OrgDisciplineStatus.VOTED,),
            OrgDisciplineStatus.DECIDED,
            body_of,
            lambda d: d.authority,
            paper="QĐ",
            when=_is(OrgDiscipline),
        ),
        Step(
            "org_announce",
            "Công bố quyết định kỷ luật tổ chức đảng",
            (OrgDisciplineStatus.DECIDED,),
            OrgDisciplineStatus.IN_FORCE,
            body_of,
            lambda d: d.authority,
            due=lambda d: d.announce_due,
            when=_is(OrgDiscipline),
        ),
        Step(
            "org_dissolve",
            "Giải tán tổ chức đảng theo quyết định kỷ luật",
            (OrgDisciplineStatus.IN_FORCE,),
            OrgDisciplineStatus.DISSOLVED,
            body_of,
            lambda d: d.authority,
            when=_dissolving,
        ),
    ),
)
