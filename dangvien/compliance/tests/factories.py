"""Open cases made directly (the table every workflow writes), for the tests of
what reads them: the console, the notices, the dashboard."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from dangvien.compliance.models import Case
from dangvien.compliance.workflow import Body
from dangvien.members.models import Member


def open_case(member, kind, due, body=Body.CELL, acting=None, closed=None):
    """An open case of `member` due on `due`, to be taken by `body` at `acting`
    (the member's cell when not given); each in its own slot."""
    acting = acting or member.organization
    return Case.objects.create(
        slot=f"s{Case.objects.count()}",
        kind=kind,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=member.pk,
        subject=member.full_name,
        member=member,
        organization=member.organization,
        org_path=member.org_path,
        step="x",
        acting_body=body,
        acting_organization=acting,
        acting_path=acting.path,
        due_date=due,
        opened_on=dt.date(2026, 10, 1),
        closed_on=closed,
    )
