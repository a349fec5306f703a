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
    step_label: str,
    actor: str,
    due_date: dt.date | None,
    url: str,
    member=None,
    slot: str = "",
    closed_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Case:
    """Open or update the case of `obj` (and `slot`), or close it with `closed_on`.

    Call it from the workflow's service, inside its transaction, after each step.
    """
    values = {
        "kind": kind,
        "organization": organization,
        "org_path": organization.path,
        "subject": subject[:160],
        "member": member,
        "step": step,
        "step_label": step_label[:255],
        "actor": actor[:120],
        "due_date": due_date,
        "url": url,
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
