"""Forms of the liaison pages: one per step. They parse input; the rules live
in dangvien.liaison.services. Field names match the services' error fields, so
a refusal shows beside the field it is about."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms

from dangvien.core.forms import DATE_INPUT_FORMATS, date_field, set_queryset
from dangvien.liaison.models import (
    CommentPurpose,
    ContactKind,
    ExemptionGround,
    ExemptionKind,
    HostKind,
    ResidenceCategory,
)
from dangvien.places.models import Commune, Province
from dangvien.web.steps import StepForm as BaseStepForm

if TYPE_CHECKING:
    from dangvien.liaison.models import ResidenceGroup
    from dangvien.members.models import Member
    from dangvien.organizations.models import Organization

DATE_FORMATS = DATE_INPUT_FORMATS  # dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy (and ISO)
DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
)


def _date(label: str, required: bool = True) -> forms.DateField:
    return date_field(label, required=required, widget=DATE_WIDGET)


def _text(label: str, required: bool = False, max_length: int = 255) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length)


def _area(label: str, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StepForm(BaseStepForm):
    """A step form of the liaison pages: the shared one (web/steps.py), plus the
    commune fields that app.js refills from their province field."""

    commune_of: dict[str, str] = {}  # commune field -> its province field

    def set_ids(self, step: str) -> None:
        super().set_ids(step)
        for commune, province in self.commune_of.items():
            if commune in self.fields:
                self.fields[commune].widget.attrs["data-commune-of"] = f"id_{step}_{province}"


# --- Exemption ----------------------------------------------------------------


class ExemptionApplyForm(StepForm):
    title = "Đơn xin miễn, giảm, tạm miễn công tác và sinh hoạt đảng"
    kind = forms.ChoiceField(label="Hình thức", choices=ExemptionKind.choices)
    ground = forms.ChoiceField(label="Lý do (diện)", choices=ExemptionGround.choices)
    applied_on = _date("Ngày làm đơn")
    start = _date("Từ ngày")
    end = _date("Đến ngày (tạm miễn phải có)", required=False)
    treatment_months = forms.IntegerField(
        label="Thời gian điều trị (tháng, nếu vì sức khỏe)",
        required=False,
        min_value=0,
        max_value=600,
    )
    reason = _area("Nội dung đơn")
    inability = _area(
        "Tình trạng không thể tham gia công tác, sinh hoạt đảng (bắt buộc khi vì tuổi cao)"
    )


class ExemptionDecideForm(StepForm):
    title = "Chi bộ ra nghị quyết đồng ý"
    decided_on = _date("Ngày chi bộ họp, quyết định")
    resolution_number = _text(
        "Số nghị quyết đã có (để trống: lập nghị quyết và cấp số tự động)", max_length=64
    )


class ExemptionRefuseForm(StepForm):
    title = "Chi bộ không đồng ý"
    button = "Ghi không đồng ý"
    decided_on = _date("Ngày chi bộ họp")
    refusal_reason = _text("Lý do", required=True)


class ExemptionReportForm(StepForm):
    title = "Báo cáo cấp ủy cấp trên trực tiếp"
    reported_on = _date("Ngày báo cáo")
    reported_to = _text("Cấp ủy được báo cáo (để trống: cấp trên trực tiếp)")


class ExemptionApplyReturnForm(StepForm):
    title = "Đơn xin trở lại sinh hoạt"
    return_applied_on = _date("Ngày làm đơn")


class ExemptionReturnForm(StepForm):
    title = "Chi bộ quyết định cho trở lại sinh hoạt"
    returned_on = _date("Ngày trở lại sinh hoạt")
    return_resolution_number = _text("Số nghị quyết", required=True, max_length=64)


# --- Working away -------------------------------------------------------------


class WorkingAwayReportForm(StepForm):
    title = "Đơn báo cáo đi làm ăn xa"
    reported_on = _date("Ngày đơn báo cáo")
    left_on = _date("Ngày đi", required=False)
    expected_return = _date("Dự kiến trở về", required=False)
    report_text = _area("Nội dung đơn")


class WorkingAwayReviewForm(StepForm):
    title = "Chi bộ xem xét, báo cáo đảng ủy cơ sở"
    reviewed_on = _date("Ngày chi bộ xem xét")
    committee_reported_on = _date("Ngày báo cáo đảng ủy cơ sở")
    review_note = _area("Ý kiến chi bộ")


class WorkingAwayDestinationForm(StepForm):
    title = "Đăng ký nơi đến"
    commune_of = {"dest_commune": "dest_province"}
    registered_on = _date("Ngày đăng ký")
    dest_province = forms.ModelChoiceField(
        label="Tỉnh, thành phố", queryset=Province.objects.order_by("name"), required=False
    )
    dest_commune = forms.ModelChoiceField(
        label="Xã, phường", queryset=Commune.objects.none(), required=False
    )
    dest_address = _text("Địa chỉ tạm trú")
    employer = _text("Nơi làm việc (cơ quan, doanh nghiệp)")
    host_kind = forms.ChoiceField(
        label="Nơi nhận xét", choices=[("", "—"), *HostKind.choices], required=False
    )
    host_name = _text("Tên tổ chức đảng / chính quyền nơi đến")
    host_contact_name = _text("Người liên hệ", max_length=120)
    host_contact_phone = _text("Điện thoại liên hệ", max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        province = self.data.get("dest_province") or (
            self.initial.get("dest_province") if self.initial else None
        )
        province = getattr(province, "pk", province)
        try:
            code = int(province) if province else None
        except (TypeError, ValueError):
            code = None
        if code:
            self.fields["dest_commune"].queryset = Commune.objects.filter(
                province_id=code
            ).order_by("name")


class WorkingAwayContactForm(StepForm):
    title = "Ghi liên hệ hai chiều"
    date = _date("Ngày")
    kind = forms.ChoiceField(label="Nội dung", choices=ContactKind.choices)
    amount = forms.IntegerField(
        label="Số tiền (đồng)", required=False, min_value=0, max_value=10**12
    )
    note = _text("Ghi chú")


class WorkingAwayYearReviewForm(StepForm):
    title = "Bản tự kiểm điểm cuối năm và nhận xét của nơi đến"
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    received_on = _date("Ngày chi bộ nhận")
    self_review = _area("Tóm tắt bản tự kiểm điểm", required=True)
    host_comment = _area("Nhận xét của nơi đến")
    host_commenter = _text("Người, cơ quan nhận xét")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": dt.date.today().year})
        super().__init__(*args, **kwargs)


AWAY_GROUND_CHOICES = [
    (ExemptionGround.WORKING_AWAY.value, ExemptionGround.WORKING_AWAY.label),
    (ExemptionGround.ON_THE_MOVE.value, ExemptionGround.ON_THE_MOVE.label),
    (ExemptionGround.NO_PARTY_ORG.value, ExemptionGround.NO_PARTY_ORG.label),
]


class WorkingAwayExemptionForm(StepForm):
    title = "Đơn xin tạm miễn sinh hoạt (chuyển sang hồ sơ miễn, giảm)"
    button = "Ghi đơn tạm miễn"
    ground = forms.ChoiceField(label="Diện", choices=AWAY_GROUND_CHOICES)
    applied_on = _date("Ngày làm đơn")
    start = _date("Từ ngày")
    end = _date("Đến ngày")
    reason = _area("Nội dung đơn")


class WorkingAwayEndForm(StepForm):
    title = "Đảng viên trở về, kết thúc theo dõi"
    button = "Kết thúc"
    ended_on = _date("Ngày trở về")
    end_note = _text("Ghi chú")


# --- Residence liaison --------------------------------------------------------


class ResidenceIntroduceForm(StepForm):
    title = "Giới thiệu đảng viên về nơi cư trú (QĐ 213-QĐ/TW)"
    button = "Giới thiệu"
    introduced_on = _date("Ngày giới thiệu")
    letter_number = _text(
        "Số giấy giới thiệu đã có (để trống: lập giấy giới thiệu và cấp số tự động)",
        max_length=64,
    )
    category = forms.ChoiceField(
        label="Diện",
        choices=[c for c in ResidenceCategory.choices if c[0] != ResidenceCategory.SPECIAL_DUTY],
        required=False,
    )
    note = _text("Ghi chú")


class ResidenceNotIntroducedForm(StepForm):
    title = "Không giới thiệu: lực lượng làm nhiệm vụ đặc biệt (HD 33 mục 1.2)"
    button = "Ghi không giới thiệu"
    decided_on = _date("Ngày xác định")
    note = _text("Ghi chú")


class ResidenceReceiveForm(StepForm):
    title = "Đảng ủy xã, phường nơi cư trú tiếp nhận"
    button = "Tiếp nhận"
    received_on = _date("Ngày tiếp nhận")


class ResidenceAssignForm(StepForm):
    title = "Giới thiệu về chi bộ nơi cư trú"
    button = "Giới thiệu về chi bộ"
    assigned_on = _date("Ngày chi bộ nhận vào danh sách")
    cell: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Chi bộ nơi cư trú", queryset=None, required=False
    )
    group: forms.ModelChoiceField[ResidenceGroup] = forms.ModelChoiceField(
        label="Tổ, nhóm", queryset=None, required=False
    )
    outside_cell = _text("Chi bộ nơi cư trú (ngoài hệ thống)")

    def __init__(self, *args, cells, groups, outside: bool, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self, "cell", cells)
        set_queryset(self, "group", groups)
        if outside:
            del self.fields["cell"], self.fields["group"]
        else:
            del self.fields["outside_cell"]


class ResidenceGroupForm(StepForm):
    title = "Xếp vào tổ, nhóm"
    button = "Lưu"
    group: forms.ModelChoiceField[ResidenceGroup] = forms.ModelChoiceField(
        label="Tổ, nhóm", queryset=None, required=False
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self, "group", groups)


class ResidenceCommentForm(StepForm):
    title = "Nhận xét của chi bộ nơi cư trú"
    button = "Ghi nhận xét"
    year = forms.IntegerField(label="Năm", min_value=2020, max_value=2100)
    purpose = forms.ChoiceField(label="Loại", choices=CommentPurpose.choices)
    commented_on = _date("Ngày nhận xét")
    text = _area("Nội dung nhận xét", required=True)
    commenter = _text("Chi ủy, bí thư nhận xét")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": dt.date.today().year})
        super().__init__(*args, **kwargs)


class ResidenceEndForm(StepForm):
    title = "Kết thúc giữ mối liên hệ"
    button = "Kết thúc"
    ended_on = _date("Ngày kết thúc")
    end_reason = _text("Lý do", required=True)


class GroupCreateForm(StepForm):
    title = "Lập tổ, nhóm"
    button = "Lập tổ, nhóm"
    name = _text("Tên tổ, nhóm", required=True, max_length=120)


class GroupLeaderForm(StepForm):
    title = "Tổ trưởng, nhóm trưởng"
    button = "Lưu"
    group: forms.ModelChoiceField[ResidenceGroup] = forms.ModelChoiceField(
        label="Tổ, nhóm", queryset=None
    )
    leader: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label="Tổ trưởng, nhóm trưởng", queryset=None
    )

    def __init__(self, *args, groups, members, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self, "group", groups)
        set_queryset(self, "leader", members)


class MeetingForm(StepForm):
    title = "Ghi buổi gặp mặt đảng viên nơi cư trú"
    button = "Ghi buổi gặp mặt"
    date = _date("Ngày gặp mặt")
    content = _area("Nội dung")
    present = forms.MultipleChoiceField(
        label="Có mặt", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, liaisons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(liaison.pk), f"{liaison.member.full_name} — {liaison.member.current_street}")
            for liaison in liaisons
        ]
