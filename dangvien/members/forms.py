"""Forms of the member record. They parse input; the rules live in services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

from dangvien.core.forms import DATE_INPUT_FORMATS, date_field
from dangvien.places.models import Commune

from .dates import PartialDate, PartialDateField
from .errors import MemberError
from .models import (
    CatalogItem,
    DatePrecision,
    FamilyRelation,
    Member,
    PostHeld,
    TripAbroad,
    WorkHistory,
)

if TYPE_CHECKING:
    from dangvien.organizations.models import Organization

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
)
# Dates as people type them: 05/03/1975, 05.03.1975, 05-03-1975 (and ISO):
# `core.forms.DATE_INPUT_FORMATS`, kept importable from here.
__all__ = ["DATE_INPUT_FORMATS", "DATE_WIDGET", "EventForm", "MemberForm", "row_formset"]
# Whole days (decisions): dd/mm/yyyy.
RECORD_DATE_FIELDS = ("birth_date_decision_date", "admission_decision_date")
# Dates an old dossier may give by month and year or by year only (issue 13):
# typed «15/03/1960», «03/1960» or «1960»; each keeps `<name>_precision`.
PARTIAL_DATE_FIELDS = ("birth_date", "joining_date", "official_date")


def split_partial(cleaned: dict, name: str) -> None:
    """Turn `cleaned[name]`, a PartialDate (or None), into the stored pair: the
    first day of the known period at `name` and `<name>_precision` beside it."""
    value = cleaned.get(name)
    if isinstance(value, PartialDate):
        cleaned[name], cleaned[f"{name}_precision"] = value.date, value.precision
    elif name in cleaned:
        cleaned[f"{name}_precision"] = DatePrecision.DAY


SECTIONS = [
    (
        "Sơ yếu",
        [
            "family_name",
            "middle_name",
            "given_name",
            "birth_name",
            "gender",
            "birth_date",
            "birth_date_decision_number",
            "birth_date_decision_date",
            "birth_province",
            "birth_place",
            "ethnicity",
            "religion",
            "citizen_id",
            "old_identity_number",
            "phone",
            "email",
            "photo",
        ],
    ),
    (
        "Quê quán và nơi ở",
        [
            "hometown_province",
            "hometown_commune",
            "hometown",
            "permanent_province",
            "permanent_commune",
            "permanent_street",
            "current_province",
            "current_commune",
            "current_street",
        ],
    ),
    (
        "Thông tin đảng viên",
        [
            "party_card_number",
            "cv_number",
            "admission_decision_date",
            "admission_decision_number",
            "joining_date",
            "official_date",
            "admitting_organization",
            "introducer_1",
            "introducer_2",
            "age_exception",
        ],
    ),
    (
        "Trình độ, nghề nghiệp",
        [
            "general_education",
            "professional_qualification",
            "degree",
            "academic_title",
            "political_theory",
            "state_management",
            "it_level",
            "languages",
            "occupation",
            "workplace",
        ],
    ),
]


RECORD_FIELDS = [name for _title, names in SECTIONS for name in names]


class MemberForm(forms.ModelForm):
    """The member record. Parses what was typed, then runs the domain's record
    check (`services.member_record_errors`) so that every error of every field
    shows at once, with the same messages as the API."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Typed with spaces or dots between groups ("001 085 012 345"): stored as 12 digits.
    citizen_id = forms.CharField(label="Số CCCD", max_length=24, required=False)
    old_identity_number = forms.CharField(label="Số CMND cũ (9 số)", max_length=24, required=False)
    birth_date = PartialDateField(label="Ngày sinh")
    joining_date = PartialDateField(label="Ngày vào Đảng (lễ kết nạp)", required=False)
    official_date = PartialDateField(label="Ngày chính thức", required=False)

    class Meta:
        model = Member
        fields = RECORD_FIELDS
        widgets = {
            **{name: DATE_WIDGET for name in RECORD_DATE_FIELDS},
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def __init__(self, *args, sensitive: bool = True, scope=None, **kwargs):
        """`sensitive`: the caller sees (and so may write) the citizen ID. `scope`
        words duplicate messages (without it, a duplicate is never attributed)."""
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.sensitive = sensitive
        from .display import SENSITIVE_FIELDS

        if not sensitive:  # the ID numbers are for the board, inspection and the member
            for name in SENSITIVE_FIELDS:
                del self.fields[name]
        for name in PARTIAL_DATE_FIELDS:
            stored = getattr(self.instance, name) if self.instance.pk else None
            if stored is not None:
                self.initial[name] = PartialDate(
                    stored, getattr(self.instance, f"{name}_precision")
                )
        for name in RECORD_DATE_FIELDS:
            date_input = self.fields[name]
            assert isinstance(date_input, forms.DateField)  # from the model's DateField
            date_input.input_formats = DATE_INPUT_FORMATS
            date_input.error_messages["invalid"] = MemberError.DATE_INVALID.text()
        # Django's own words for a file that is no image do not address a comrade.
        self.fields["photo"].error_messages["invalid_image"] = MemberError.PHOTO_NOT_IMAGE.text()
        self.fields["birth_date"].required = True
        self.fields["birth_date"].error_messages["required"] = (
            MemberError.BIRTH_DATE_REQUIRED.text()
        )
        for name in ("citizen_id", "old_identity_number"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"inputmode": "numeric", "maxlength": 24})
        # The commune lists hold only the communes of the chosen province (the page
        # refreshes them when the province changes), not all 3,321.
        for prefix in ("hometown", "permanent", "current"):
            province = self.data.get(f"{prefix}_province") if self.is_bound else None
            if province is None and self.instance.pk:
                province = getattr(self.instance, f"{prefix}_province_id")
            field = self.fields[f"{prefix}_commune"]
            assert isinstance(field, forms.ModelChoiceField)  # from the model's ForeignKey
            try:
                field.queryset = Commune.objects.filter(province_id=int(province or 0))
            except (TypeError, ValueError):
                field.queryset = Commune.objects.none()
            field.widget.attrs["data-commune-of"] = f"id_{prefix}_province"
        for name, field in self.fields.items():
            if (
                isinstance(field, forms.ModelChoiceField)
                and field.queryset is not None
                and field.queryset.model is CatalogItem
            ):
                field.queryset = field.queryset.order_by("rank")
            field.widget.attrs.setdefault("class", "input")
            if name == "version":
                continue

    def sections(self):
        """(title, bound fields) for each section of the form."""
        for title, names in SECTIONS:
            yield title, [self[name] for name in names if name in self.fields]

    def clean_citizen_id(self):
        """Separators between digit groups are dropped (the stored form)."""
        from .rules import normalize_citizen_id

        return normalize_citizen_id(self.cleaned_data.get("citizen_id"))

    def clean_old_identity_number(self):
        """Separators between digit groups are dropped; 9 digits are checked by
        the record check (`services.member_record_errors`)."""
        from .rules import normalize_old_identity_number

        return normalize_old_identity_number(self.cleaned_data.get("old_identity_number"))

    def clean(self):
        """Every domain error at once, beside its field, with the fields that
        could not even be read (a bad date) left out of the comparisons."""
        from dangvien.accounts.scope import NOTHING

        from . import services

        cleaned = super().clean()
        for name in PARTIAL_DATE_FIELDS:
            split_partial(cleaned, name)
        self._refuse_unseen_fields()
        if self.instance.pk:
            data = {f.name: getattr(self.instance, f.name) for f in Member._meta.concrete_fields}
        else:
            data = {}
        data.update(services._clean(self.record_data(partial=True)))
        for name in self.errors:
            data[name] = None
        problems = services.member_record_errors(
            data,
            member=self.instance if self.instance.pk else None,
            scope=self.scope if self.scope is not None else NOTHING,
        )
        for field, messages in problems.messages.items():
            if field in self.errors or field not in self.fields:
                continue
            for message, code in zip(messages, problems.codes[field], strict=True):
                self.add_error(field, forms.ValidationError(message, code=code))
        return cleaned

    def _refuse_unseen_fields(self) -> None:
        """A field the caller may not see is not on the form; one sent anyway (a
        forged request) is refused as the API refuses it, not silently dropped."""
        from .display import SENSITIVE_FIELDS
        from .services import FIELD_LABELS

        if self.sensitive or not self.is_bound:
            return
        for name in sorted(SENSITIVE_FIELDS):
            if name not in self.data:
                continue
            if self.instance.pk or (self.data.get(name) or "").strip():
                self.add_error(
                    None,
                    MemberError.FIELD_NOT_WRITABLE.text(label=FIELD_LABELS.get(name, name)),
                )

    def _get_validation_exclusions(self):
        # The domain check words these (normalised, scoped, coded), not the model's.
        exclusions = super()._get_validation_exclusions()
        exclusions.update({"citizen_id", "party_card_number", "old_identity_number"})
        return exclusions

    def validate_unique(self):
        """Uniqueness is the service's check: its message never says whose a number
        is outside the caller's scope (the model's would)."""

    def record_data(self, *, partial: bool = False) -> dict:
        """The record's values for the services; with `partial`, only those read.
        A partial date gives two values: the first day of its period at its name
        and its precision at `<name>_precision`."""
        data = {
            name: self.cleaned_data.get(name)
            for name in RECORD_FIELDS
            if name in self.fields and (not partial or name in self.cleaned_data)
        }
        for name in PARTIAL_DATE_FIELDS:
            if name in data:
                data[f"{name}_precision"] = self.cleaned_data.get(
                    f"{name}_precision", DatePrecision.DAY
                )
        photo = data.get("photo")
        if photo is False:  # "clear" ticked
            data["photo"] = ""
        elif "photo" not in self.changed_data:
            data.pop("photo", None)
        return data


class EventForm(forms.Form):
    """One past event typed from the paper dossier. Dates read as typed; with
    `member`, the history rules that need no writing (`history.event_problems`)
    run here too, so that every error of every field shows at once."""

    kind = forms.ChoiceField(label="Sự kiện")
    # A death or a past transfer may be known only by month and year, or by year.
    date = PartialDateField(label="Ngày")
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Chi bộ (chuyển đến)", queryset=None, required=False
    )
    other_party = forms.CharField(
        label="Nơi đi / nơi đến ngoài hệ thống", required=False, max_length=255
    )
    decision_number = forms.CharField(label="Số quyết định", required=False, max_length=64)
    decision_date = date_field("Ngày quyết định", required=False)
    decided_by = forms.CharField(label="Cơ quan quyết định", required=False, max_length=255)
    reason = forms.CharField(label="Lý do", required=False, max_length=255)

    def __init__(self, *args, kinds, organizations, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["kind"].choices = kinds
        self.fields["organization"].queryset = organizations
        self.fields["date"].error_messages["required"] = MemberError.EVENT_DATE_REQUIRED.text()
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")

    def clean(self):
        """The rules that need no writing, on the fields that could be read. The
        date is split into `date` (first day of the known period) and
        `date_precision`."""
        cleaned = super().clean()
        split_partial(cleaned, "date")
        if self.member is None:
            return cleaned
        from .history import event_problems

        problems = event_problems(
            self.member,
            kind=cleaned.get("kind") if "kind" not in self.errors else None,
            date=cleaned.get("date"),
            organization=cleaned.get("organization"),
            decision_date=cleaned.get("decision_date"),
        )
        for field, messages in problems.messages.items():
            if field in self.errors:
                continue
            for message, code in zip(messages, problems.codes[field], strict=True):
                self.add_error(
                    field if field in self.fields else None,
                    forms.ValidationError(message, code=code),
                )
        return cleaned


# The models of the dated rows of a record, their fields and their section title.
RowModel = type[PostHeld] | type[WorkHistory] | type[FamilyRelation] | type[TripAbroad]
ROW_MODELS: dict[str, tuple[RowModel, list[str], str]] = {
    "chuc-vu": (PostHeld, ["kind", "title", "body", "start", "end"], "Chức vụ đã và đang giữ"),
    "cong-tac": (WorkHistory, ["start", "end", "position", "workplace"], "Quá trình công tác"),
    "gia-dinh": (
        FamilyRelation,
        ["relation", "full_name", "birth_year", "occupation", "address", "political_notes"],
        "Quan hệ gia đình",
    ),
    "nuoc-ngoai": (TripAbroad, ["country", "purpose", "start", "end"], "Đi nước ngoài"),
}


class RowForm(forms.ModelForm):
    """One dated row of a record. «Từ ngày» and «đến ngày» may be known only by
    month and year («03/1990») or by year («1990»), as CVs write them; cleaned,
    each gives the first day of its period and `<name>_precision` beside it."""

    DATES = ("start", "end")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DATES:
            if name not in self.fields:
                continue
            stored = getattr(self.instance, name) if self.instance.pk else None
            if stored is not None:
                self.initial[name] = PartialDate(
                    stored, getattr(self.instance, f"{name}_precision")
                )

    def clean(self):
        cleaned = super().clean()
        for name in self.DATES:
            if name in self.fields:
                split_partial(cleaned, name)
        return cleaned


def row_formset(slug: str):
    """The formset of one section of dated rows (`ROW_MODELS[slug]`)."""
    model, fields, _title = ROW_MODELS[slug]
    dates = [f for f in ("start", "end") if f in fields]
    widgets: dict[str, type[forms.Widget] | forms.Widget] = {}
    if "political_notes" in fields:
        widgets["political_notes"] = forms.Textarea(attrs={"rows": 2})
    return forms.modelformset_factory(
        model,
        form=RowForm,
        fields=fields,
        widgets=widgets,
        field_classes={f: PartialDateField for f in dates},
        extra=2,
        can_delete=False,
    )
