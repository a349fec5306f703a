"""Form fields every area's pages share: dates typed the Vietnamese way.

A date is read as people type it — 05/03/1975, 05.03.1975, 05-03-1975 (and ISO
1975-03-05) — and one that cannot be read is refused with a message that names
the expected format (`CommonError.DATE_INVALID`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from .errors import CommonError

# The order matters only for ISO, which no other format reads.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"]


def date_widget() -> forms.DateInput:
    """The text box of a date: shown as dd/mm/yyyy, numeric keyboard on phones."""
    return forms.DateInput(
        format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
    )


class VietnameseDateField(forms.DateField):
    """A date typed dd/mm/yyyy, dd.mm.yyyy or dd-mm-yyyy; refused naming the format."""

    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": CommonError.DATE_INVALID.text()}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", date_widget())
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


def set_queryset(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer `queryset` in `form`'s model choice field `name` (declared with queryset=None)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    field.queryset = queryset


def date_field(label: str, required: bool = True, **kwargs) -> VietnameseDateField:
    """A date field of a page form."""
    return VietnameseDateField(label=label, required=required, **kwargs)
