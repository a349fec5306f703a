"""The presence list of a cell's vote on the pages (R1.8a): a checkbox per
official member of the cell, all ticked by default, and the base the rule
computes from it (members.rules.vote_base), shown before the vote is recorded.

Forms that record a vote mix in `PresenceFields` and call `offer_presence(form,
vote_base)`; their cleaned data carry `present` as a list of member ids, or
None when the page did not send the list (then every official member counts as
present, as the services assume)."""

from __future__ import annotations

from django import forms

from dangvien.members.rules import NotCounted, VoteBase


class PresenceFields(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label="Đảng viên chính thức có mặt (bỏ chọn người vắng)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Sent with the checkboxes: tells "nobody ticked" from "no list on the page".
    present_listed = forms.CharField(
        label="", required=False, initial="1", widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean()
        listed = data.pop("present_listed", "")
        if not listed:
            data["present"] = None
        return data


def vote_base_hint(vote: VoteBase) -> str:
    """The base the rule computes when everyone ticked is present, in words."""
    day = f"{vote.on:%d/%m/%Y}"
    left_out = [
        f"{vote.names.get(pk, pk)} ({NotCounted.LABELS[code].lower()})"
        for pk, code in vote.not_counted.items()
    ]
    text = (
        f"Ngày {day} chi bộ có {len(vote.officials)} đảng viên chính thức; "
        f"số được tính biểu quyết nếu những người được chọn có mặt: {vote.base}"
    )
    if left_out:
        text += " (không tính: " + "; ".join(left_out) + ")"
    text += (
        ". Không tính đảng viên được miễn sinh hoạt vắng mặt (có mặt thì được tính), "
        "đang sinh hoạt tạm thời ở tổ chức đảng khác, bị đình chỉ sinh hoạt, tạm giam "
        "(QĐ 24-QĐ/TW điểm 9.3.2)."
    )
    if vote.subject is not None:
        text += " Đảng viên được xem xét không biểu quyết việc của mình."
    return text


def offer_presence(form: forms.Form, vote: VoteBase) -> None:
    """Fill the presence checkboxes from the cell's official members on the day,
    all ticked, and put the computed base in the field's help text."""
    field = form.fields["present"]
    assert isinstance(field, forms.ChoiceField)  # PresenceFields.present
    choices = []
    for pk in vote.names:
        label = str(vote.names[pk])
        if pk in vote.exempted:
            label += " — được miễn sinh hoạt (chỉ tính khi có mặt)"
        code = vote.not_counted.get(pk)
        if code and code != NotCounted.EXEMPT_ABSENT:
            label += f" — không tính: {NotCounted.LABELS[code].lower()}"
        if pk == vote.subject:
            label += " — đảng viên được xem xét"
        choices.append((pk, label))
    field.choices = choices
    field.initial = [pk for pk, _label in choices]
    field.help_text = vote_base_hint(vote)
