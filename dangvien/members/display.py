"""How record values read on the page: choices by label, relations by name,
dates as dd/mm/yyyy."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst

from .forms import SECTIONS
from .models import Member


def display_value(model, field_name: str, value) -> Any:
    field = model._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        if hasattr(value, "_meta"):
            return str(value)
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else value
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return value


# Shown only to the organisation board, the inspection committee and the member.
SENSITIVE_FIELDS = frozenset({"citizen_id"})
SENSITIVE_ROWS = frozenset({"family"})


def record_sections(
    member: Member, *, sensitive: bool = False
) -> list[tuple[str, list[tuple[str, Any]]]]:
    out = []
    for title, names in SECTIONS:
        rows = []
        for name in names:
            if name == "photo" or (name in SENSITIVE_FIELDS and not sensitive):
                continue
            field = Member._meta.get_field(name)
            value = getattr(member, name)
            rows.append((capfirst(str(field.verbose_name)), display_value(Member, name, value)))
        out.append((title, rows))
    return out
