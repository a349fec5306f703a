"""How record values read on the page: choices by label, relations by name,
dates as dd/mm/yyyy, a date known in part by its precision («03/1960», «năm 1960»)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils.text import capfirst

from .dates import format_partial_date
from .forms import SECTIONS
from .models import DatePrecision, Member


def precision_field(model, field_name: str) -> str | None:
    """The name of the field that says how much of date `field_name` is known
    (`birth_date` -> `birth_date_precision`), or None when it has none."""
    name = f"{field_name}_precision"
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return name


def display_value(model, field_name: str, value, precision: str | None = None) -> Any:
    """How `value` of `model.field_name` reads on a page ("—" for nothing); a date
    by `precision` when it is known only in part."""
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
        return format_partial_date(value, precision or DatePrecision.DAY)
    return value


def field_label(model: type[Model], name: str) -> str:
    """The verbose name of one of `model`'s own fields (never a reverse relation)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field), name  # the sections name the model's own fields only
    return str(field.verbose_name)


# Shown only to the organisation board, the inspection committee and the member.
SENSITIVE_FIELDS = frozenset({"citizen_id", "old_identity_number"})
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
            precision = precision_field(Member, name)
            shown = display_value(
                Member, name, value, getattr(member, precision) if precision else None
            )
            rows.append((capfirst(field_label(Member, name)), shown))
        out.append((title, rows))
    return out
