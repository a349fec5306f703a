"""Keeping the open-cases table in step with the workflows."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models

from dangvien.organizations.models import Organization

from .models import Case


def case_sync(
    obj: models.Model,
    *,
    kind: str,
    organization: Organization,
    subject: str,
    step: str,
    due_date: dt.date | None,
    member=None,
    slot: str = "",
    closed_on: dt.date | None = None,
    today: dt.date | None = None,
    acting_body: str = "",
    acting_organization: Organization | None = None,
    detail: str = "",
    **_legacy,
) -> Case:
    """Open or update the case of `obj` (and `slot`), or close it with `closed_on`.

    Transitional: workflows declared on `compliance.workflow.Workflow` call
    `Workflow.sync_case`, which derives every column from the step table.
    """
    values = {
        "kind": kind,
        "organization": organization,
        "org_path": organization.path,
        "subject": subject[:160],
        "member": member,
        "step": step,
        "detail": detail[:120],
        "acting_body": acting_body,
        "acting_organization": acting_organization,
        "acting_path": acting_organization.path if acting_organization else "",
        "due_date": due_date,
        "closed_on": closed_on,
    }
    case, _created = Case.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        slot=slot,
        defaults=values,
        create_defaults={**values, "opened_on": today or dt.date.today()},
    )
    return case


def case_close(obj: models.Model, *, on: dt.date, slot: str | None = None) -> int:
    """Close the open case(s) of `obj` (every slot when `slot` is None)."""
    content_type = ContentType.objects.get_for_model(obj)
    cases = Case.objects.filter(content_type=content_type, object_id=obj.pk, closed_on__isnull=True)
    if slot is not None:
        cases = cases.filter(slot=slot)
    return cases.update(closed_on=on)
