"""Forms of the transfer and removal steps: they parse input; the rules live in
the movements services."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms

from dangvien.core.forms import DATE_INPUT_FORMATS, date_field, set_queryset
from dangvien.members.forms import DATE_WIDGET
from dangvien.movements.models import ReissueReason, RemovalCause, TransferKind, TransferReason
from dangvien.web.votes import PresenceFields, offer_presence

if TYPE_CHECKING:
    from dangvien.organizations.models import Organization

DATE_FORMATS = DATE_INPUT_FORMATS  # dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy (and ISO)


def _date(label: str, required: bool = True) -> forms.DateField:
    return date_field(label, required=required, widget=DATE_WIDGET)


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "input")


class TransferOpenForm(_Styled):
    kind = forms.ChoiceField(label="Hình thức", choices=TransferKind.choices)
    reason = forms.ChoiceField(label="Lý do", choices=TransferReason.choices)
    trigger_date = _date("Ngày quyết định có hiệu lực / thay đổi nơi ở")
    to_organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Chi bộ nơi đến (trong hệ thống)", queryset=None, required=False
    )
    to_code = forms.CharField(
        label="Hoặc: mã chi bộ nơi đến (chi bộ khác trong hệ thống)", required=False, max_length=40
    )
    to_outside = forms.CharField(
        label="Hoặc: tổ chức đảng nơi đến (ngoài hệ thống)", required=False, max_length=255
    )
    period_start = _date("Tạm thời từ ngày", required=False)
    period_end = _date("Tạm thời đến ngày", required=False)
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self, "to_organization", organizations)

    def clean(self):
        data = super().clean()
        code = (data.get("to_code") or "").strip()
        if code:
            from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization

            # A destination may lie outside the caller's scope: it is named by its
            # code, and nothing of it but its name is shown back.
            found = Organization.objects.filter(
                code=code, level__in=MEMBER_HOLDING_LEVELS, valid_to__isnull=True
            ).first()
            if found is None:
                self.add_error("to_code", "Không có chi bộ đang hoạt động mang mã này.")
            elif data.get("to_organization") and data["to_organization"] != found:
                self.add_error("to_code", "Chỉ chọn một chi bộ nơi đến.")
            else:
                data["to_organization"] = found
        return data


class TransferSendForm(_Styled):
    sent_on = _date("Ngày giới thiệu đi")
    letter_number = forms.CharField(label="Số giấy giới thiệu", required=False, max_length=64)
    dues_paid_through = forms.CharField(
        label="Đã đóng đảng phí hết tháng (tháng/năm)", max_length=7, initial=""
    )


class TransferReceiveForm(_Styled):
    received_on = _date("Ngày tiếp nhận")
    dossier_checked = forms.BooleanField(
        label="Đã đối chiếu hồ sơ đảng viên với danh mục có xác nhận của cấp ủy nơi đi",
        required=False,
    )
    dossier_note = forms.CharField(label="Ghi chú hồ sơ", required=False, max_length=255)
    late_reason = forms.CharField(
        label="Lý do xuất trình chậm (nếu quá hạn)", required=False, max_length=255
    )


class TransferReturnForm(_Styled):
    returned_on = _date("Ngày trở về sinh hoạt")


class TransferCancelForm(_Styled):
    cancelled_reason = forms.CharField(label="Lý do hủy", max_length=255)


class TransferReissueForm(_Styled):
    reissued_on = _date("Ngày cấp lại")
    reason = forms.ChoiceField(label="Lý do cấp lại", choices=ReissueReason.choices)
    note = forms.CharField(
        label="Ghi chú (ai báo, ngày báo mất, hư hỏng)", required=False, max_length=255
    )


class IncomingForm(_Styled):
    family_name = forms.CharField(label="Họ", max_length=40)
    middle_name = forms.CharField(label="Tên đệm", max_length=60, required=False)
    given_name = forms.CharField(label="Tên", max_length=40)
    gender = forms.ChoiceField(label="Giới tính", choices=[("M", "Nam"), ("F", "Nữ")])
    birth_date = _date("Ngày sinh")
    party_card_number = forms.CharField(label="Số thẻ đảng viên", required=False, max_length=20)
    admission_decision_date = _date("Ngày quyết định kết nạp", required=False)
    joining_date = _date("Ngày vào Đảng")
    official_date = _date("Ngày chính thức (nếu đã chính thức)", required=False)
    from_outside = forms.CharField(label="Tổ chức đảng nơi đi", max_length=255)
    letter_number = forms.CharField(label="Số giấy giới thiệu", max_length=64)
    sent_on = _date("Ngày giới thiệu")
    received_on = _date("Ngày tiếp nhận")
    dues_paid_through = forms.CharField(
        label="Đã đóng đảng phí hết tháng (tháng/năm)", required=False, max_length=7
    )
    dossier_checked = forms.BooleanField(
        label="Đã đối chiếu hồ sơ đảng viên với danh mục", required=False
    )
    late_reason = forms.CharField(
        label="Lý do xuất trình chậm (nếu quá hạn)", required=False, max_length=255
    )

    RECORD_FIELDS = (
        "family_name",
        "middle_name",
        "given_name",
        "gender",
        "birth_date",
        "party_card_number",
        "admission_decision_date",
        "joining_date",
        "official_date",
    )

    def record_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.RECORD_FIELDS}


class _MonthList(forms.CharField):
    """Months as "mm/yyyy" separated by commas or spaces."""

    def to_python(self, value):
        value = super().to_python(value)
        months = []
        for token in value.replace(",", " ").split():
            try:
                months.append(dt.datetime.strptime(token, "%m/%Y").date())
            except ValueError:
                raise forms.ValidationError(
                    f"«{token}» không phải tháng/năm (ví dụ 03/2026)."
                ) from None
        return months


class _YearList(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        years = []
        for token in value.replace(",", " ").split():
            if not (token.isdigit() and len(token) == 4):
                raise forms.ValidationError(f"«{token}» không phải năm (ví dụ 2025).")
            years.append(int(token))
        return years


class RemovalProposeForm(PresenceFields, _Styled):
    kind = forms.ChoiceField(
        label="Hình thức",
        choices=[("name_deletion", "Xóa tên"), ("voluntary_exit", "Xin ra khỏi Đảng")],
    )
    cause = forms.ChoiceField(
        label="Căn cứ xóa tên", choices=[("", "—"), *RemovalCause.choices], required=False
    )
    evidence_months = _MonthList(
        label="Các tháng không đóng đảng phí (tháng/năm, cách nhau dấu phẩy)",
        required=False,
        help_text="Bỏ sinh hoạt: để trống; căn cứ lấy từ các buổi sinh hoạt đã điểm danh vắng "
        "không lý do, không ghi tay.",
    )
    educated_on = _date("Ngày chi bộ giáo dục (nếu căn cứ là không tiến bộ)", required=False)
    breach_years = _YearList(label="Các năm vi phạm tư cách (ví dụ 2024, 2025)", required=False)
    details = forms.CharField(
        label="Nội dung, lý do", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    meeting_on = _date("Ngày chi bộ họp xét")
    votes_for = forms.IntegerField(label="Số đảng viên chính thức tán thành", min_value=0)
    resolution_number = forms.CharField(label="Số nghị quyết chi bộ", required=False, max_length=64)

    field_order = [
        "kind",
        "cause",
        "evidence_months",
        "educated_on",
        "breach_years",
        "details",
        "meeting_on",
        "present",
        "present_listed",
        "votes_for",
        "resolution_number",
    ]

    def __init__(self, *args, vote=None, **kwargs):
        super().__init__(*args, **kwargs)
        if vote is not None:
            offer_presence(self, vote)


class RemovalDecideForm(_Styled):
    approved = forms.TypedChoiceField(
        label="Quyết định",
        choices=[("1", "Chuẩn y đề nghị"), ("0", "Không chuẩn y")],
        coerce=lambda v: v == "1",
    )
    decided_by = forms.CharField(label="Cấp ủy quyết định", max_length=255)
    decision_number = forms.CharField(label="Số quyết định", max_length=64)
    decision_date = _date("Ngày quyết định")
    effective_date = _date("Ngày có hiệu lực (để trống: ngày quyết định)", required=False)


class RemovalRecordForm(_Styled):
    kind = forms.ChoiceField(
        label="Hình thức", choices=[("expulsion", "Khai trừ"), ("death", "Từ trần")]
    )
    date = _date("Ngày (có hiệu lực / từ trần)")
    decided_by = forms.CharField(label="Cơ quan quyết định", required=False, max_length=255)
    decision_number = forms.CharField(label="Số quyết định", required=False, max_length=64)
    decision_date = _date("Ngày quyết định", required=False)
    details = forms.CharField(label="Ghi chú", required=False, max_length=255)
