"""Forms of the admission pages. They parse input; the rules live in the services."""

from __future__ import annotations

import datetime as dt

from django import forms

from dangvien.admissions.models import IntroductionKind, Proposal
from dangvien.admissions.rules import LeavingCategory
from dangvien.core.forms import DATE_INPUT_FORMATS, date_field, set_queryset
from dangvien.members.models import Gender, Member
from dangvien.web.votes import PresenceFields, offer_presence

DATE_FORMATS = DATE_INPUT_FORMATS  # dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy (and ISO)


def _date(label: str, required: bool = True, **kwargs) -> forms.DateField:
    return date_field(label, required=required, **kwargs)


def _text(label: str, required: bool = True, max_length: int = 255) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length)


class StepForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")

    def clean(self):
        data = super().clean()
        for key, value in list(data.items()):
            if isinstance(value, str):
                if "\x00" in value or "<" in value or ">" in value:
                    self.add_error(key, "Không được chứa ký tự < hoặc >.")
                data[key] = value.strip()
        return data


class OpeningFields(StepForm):
    education_level = _text("Trình độ giáo dục phổ thông (VD: 12/12)", max_length=40)
    meets_education = forms.BooleanField(
        label="Đã tốt nghiệp THCS trở lên", required=False, initial=True
    )
    education_exception = _text(
        "Trường hợp đặc biệt về trình độ (vùng, đối tượng, văn bản)", required=False
    )
    application_date = _date("Ngày làm đơn xin vào Đảng")
    certificate_number = _text("Số giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng", max_length=64)
    certificate_date = _date("Ngày cấp giấy chứng nhận")
    opened_on = _date("Ngày mở hồ sơ", initial=dt.date.today)


class CandidateForm(OpeningFields):
    family_name = _text("Họ", max_length=40)
    middle_name = _text("Tên đệm", required=False, max_length=60)
    given_name = _text("Tên", max_length=40)
    gender = forms.ChoiceField(label="Giới tính", choices=[("", "—"), *Gender.choices])
    birth_date = _date("Ngày sinh")

    field_order = [
        "family_name",
        "middle_name",
        "given_name",
        "gender",
        "birth_date",
        "education_level",
        "meets_education",
        "education_exception",
        "application_date",
        "certificate_number",
        "certificate_date",
        "opened_on",
    ]


class ReadmissionForm(OpeningFields):
    member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label="Đảng viên cũ", queryset=None
    )
    leaving_category = forms.ChoiceField(
        label="Lý do đã ra khỏi Đảng", choices=[("", "—"), *LeavingCategory.CHOICES]
    )

    field_order = ["member", "leaving_category"]

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self, "member", members)


class DossierForm(StepForm):
    date = _date("Ngày hồ sơ đầy đủ")
    cv_verified_on = _date("Ngày thẩm tra, xác minh lý lịch", required=False)
    cv_verified_by = _text("Người, nơi thẩm tra lý lịch", required=False)
    introduction_kind = forms.ChoiceField(
        label="Hình thức giới thiệu", choices=IntroductionKind.choices
    )
    introducer_1: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label="Người giới thiệu thứ nhất", queryset=None, required=False
    )
    introducer_1_since = _date("Công tác cùng người vào Đảng từ ngày", required=False)
    introducer_2: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label="Người giới thiệu thứ hai", queryset=None, required=False
    )
    introducer_2_since = _date("Công tác cùng người vào Đảng từ ngày", required=False)
    union_resolution = _text("Nghị quyết giới thiệu của Đoàn / Công đoàn (số, ngày)", False)
    residence_comment = _text("Nhận xét của chi ủy nơi cư trú", required=False)
    mass_org_comment = _text("Nhận xét của đoàn thể chính trị - xã hội", required=False)
    age_exception = _text("Văn bản đồng ý kết nạp quá tuổi quy định (nếu có)", required=False)

    def __init__(self, *args, introducers, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self, "introducer_1", introducers)
        set_queryset(self, "introducer_2", introducers)


class VoteForm(PresenceFields, StepForm):
    meeting_date = _date("Ngày chi bộ họp xét")
    votes_for = forms.IntegerField(label="Số đảng viên chính thức tán thành", min_value=0)
    resolution_number = _text(
        "Số nghị quyết chi bộ (để trống: hệ thống cấp số và lập văn bản)", False, 64
    )
    age_exception = _text("Văn bản đồng ý kết nạp quá tuổi quy định (nếu có)", required=False)
    signer_name = _text("Người ký (bí thư chi bộ)", required=False, max_length=120)

    field_order = ["meeting_date", "present", "present_listed", "votes_for"]

    def __init__(self, *args, vote=None, **kwargs):
        super().__init__(*args, **kwargs)
        if vote is not None:
            offer_presence(self, vote)


class RecognitionVoteForm(VoteForm):
    proposal = forms.ChoiceField(label="Nội dung biểu quyết", choices=Proposal.choices)
    # Django drops an inherited declared field set to None; the stubs cannot say so.
    age_exception = None  # type: ignore[assignment]

    field_order = ["meeting_date", "proposal", "present", "present_listed", "votes_for"]


class EscalationForm(StepForm):
    date = _date("Ngày cấp ủy cấp trên kết luận")
    agreed = forms.TypedChoiceField(
        label="Kết luận",
        choices=[("1", "Đồng ý tiếp tục xét kết nạp"), ("0", "Không kết nạp")],
        coerce=lambda v: v == "1",
    )
    note = _text("Nội dung kết luận")


class RecognitionEscalationForm(StepForm):
    date = _date("Ngày cấp ủy cấp trên kết luận")
    proposal = forms.ChoiceField(label="Kết luận", choices=Proposal.choices)
    note = _text("Nội dung kết luận")


class GrassrootsForm(StepForm):
    date = _date("Ngày nghị quyết đảng ủy cơ sở")
    resolution_number = _text("Số nghị quyết", max_length=64)
    agreed = forms.TypedChoiceField(
        label="Nghị quyết",
        choices=[("1", "Đề nghị kết nạp"), ("0", "Không đề nghị kết nạp")],
        coerce=lambda v: v == "1",
    )


class RecognitionGrassrootsForm(StepForm):
    date = _date("Ngày nghị quyết đảng ủy cơ sở")
    resolution_number = _text("Số nghị quyết", max_length=64)


class ExtensionForm(StepForm):
    date = _date("Ngày gia hạn")
    days = forms.IntegerField(label="Gia hạn (ngày làm việc)", min_value=0)
    reason = _text("Lý do gia hạn")


class DecisionForm(StepForm):
    decision_date = _date("Ngày quyết định")
    decision_number = _text("Số quyết định (để trống: hệ thống cấp số và lập văn bản)", False, 64)
    decided_by = _text("Cấp ủy quyết định", required=False)
    received_on = _date("Ngày chi bộ nhận quyết định", required=False)
    readmission_approval = _text(
        "Văn bản đồng ý của ban thường vụ tỉnh ủy (kết nạp lại)", required=False
    )
    signer_name = _text("Người ký", required=False, max_length=120)


class RecognitionDecisionForm(StepForm):
    decision_date = _date("Ngày quyết định")
    decision_number = _text("Số quyết định (để trống: hệ thống cấp số và lập văn bản)", False, 64)
    decided_by = _text("Cấp ủy quyết định", required=False)
    deletion_reason = _text("Lý do xóa tên (nếu đề nghị xóa tên)", required=False)
    signer_name = _text("Người ký", required=False, max_length=120)


class CeremonyForm(StepForm):
    date = _date("Ngày tổ chức lễ kết nạp")
    late_consent = _text(
        "Văn bản đồng ý của cấp ủy cấp trên (nếu quá hạn tổ chức lễ)", required=False
    )


class CloseForm(StepForm):
    date = _date("Ngày đóng hồ sơ")
    reason = _text("Lý do (rút đơn, không còn đủ điều kiện...)")


class TargetForm(StepForm):
    """The admission target of one organisation (the page's, or one directly under it)."""

    organization = forms.TypedChoiceField(label="Tổ chức", coerce=int)
    year = forms.IntegerField(
        label="Năm", error_messages={"invalid": "Nhập năm bằng số, ví dụ 2026."}
    )
    count = forms.IntegerField(
        label="Số đảng viên kết nạp theo chỉ tiêu",
        error_messages={"invalid": "Nhập chỉ tiêu bằng số nguyên, ví dụ 12."},
    )
    decision = _text("Văn bản giao chỉ tiêu (số, ngày)", required=False)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(o.pk, o.name) for o in organizations]
        field.error_messages["invalid_choice"] = "Chọn tổ chức trong danh sách."
