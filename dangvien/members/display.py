"""How record values read on the page: choices by label, relations by name,
dates as dd/mm/yyyy."""

from __future__ import annotations

from typing import Any

from django.db.models import Field, Model
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


def field_label(model: type[Model], name: str) -> str:
    """The verbose name of one of `model`'s own fields (never a reverse relation)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field), name  # the sections name the model's own fields only
    return str(field.verbose_name)


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
            value = getattr(member, name)
            rows.append((capfirst(field_label(Member, name)), display_value(Member, name, value)))
        out.append((title, rows))
    return out
