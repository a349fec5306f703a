"""Forms of the Party badge pages: each field's errors come from the services."""

from __future__ import annotations

from django import forms

from dangvien.badges.rules import Ground
from dangvien.core.forms import date_field
from dangvien.web.steps import StepForm


class ProposeForm(StepForm):
    title = "Đề nghị tặng Huy hiệu Đảng"
    button = "Đề nghị"
    member = forms.IntegerField(label="mã đảng viên", min_value=1, widget=forms.HiddenInput)
    milestone = forms.IntegerField(label="huy hiệu (năm tuổi đảng)", min_value=1, max_value=200)
    ground = forms.ChoiceField(label="căn cứ", choices=Ground.CHOICES, initial=Ground.REGULAR)
    ground_note = forms.CharField(label="ghi chú căn cứ", max_length=255, required=False)


class EarlyForm(ProposeForm):
    title = "Đề nghị xét tặng sớm, truy tặng"
    member = forms.IntegerField(label="mã đảng viên", min_value=1)


class SubmitForm(StepForm):
    title = "Gửi tờ trình, danh sách đề nghị"
    button = "Gửi tờ trình"
    submitted_on = date_field("ngày gửi")


class DecideForm(StepForm):
    title = "Quyết định tặng"
    button = "Quyết định"
    decided_on = date_field("ngày quyết định")
    decision_number = forms.CharField(label="số quyết định", max_length=64)


class RefuseForm(StepForm):
    title = "Không tặng"
    button = "Không tặng"
    decided_on = date_field("ngày")
    reason = forms.CharField(label="lý do", max_length=255)


class AwardForm(StepForm):
    title = "Ghi trao tặng"
    button = "Ghi trao tặng"
    awarded_on = date_field("ngày trao tặng")
    badge_number = forms.CharField(label="số huy hiệu", max_length=32)


class ReturnForm(StepForm):
    title = "Thu hồi huy hiệu"
    button = "Thu hồi"
    returned_on = date_field("ngày thu hồi")
    reason = forms.CharField(label="lý do", max_length=255)


class CancelForm(StepForm):
    title = "Hủy đề nghị"
    button = "Hủy đề nghị"
    reason = forms.CharField(label="lý do", max_length=255)
