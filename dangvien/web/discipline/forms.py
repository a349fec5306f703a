"""Forms of the inspection and discipline pages: one per step of
`discipline.workflow.INSPECTION` / `DISCIPLINE`, and the forms that open a
record (plan, violation, proposal, complaint). They only read input; every
rule is checked by the services."""

from __future__ import annotations

from django import forms

from dangvien.compliance.workflow import Body
from dangvien.core.forms import date_field
from dangvien.discipline.models import (
    ComplaintOutcome,
    Inspection,
    InspectionKind,
    OrgSanction,
    Sanction,
    Violation,
    ViolationKind,
)
from dangvien.discipline.services import DECIDING_BODIES, ORG_BODIES
from dangvien.members.models import Member, PostHeld, TripAbroad
from dangvien.organizations.models import Organization
from dangvien.web.steps import StepForm


def _text(label: str, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=8000, widget=forms.Textarea(attrs={"rows": rows})
    )


class PlanForm(StepForm):
    title = "Lập kế hoạch kiểm tra, giám sát"
    button = "Ghi kế hoạch"
    kind = forms.ChoiceField(label="Hình thức", choices=InspectionKind.choices)
    member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label="Đảng viên được kiểm tra", queryset=None, required=False
    )
    target: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Tổ chức đảng được kiểm tra", queryset=None, required=False
    )
    content = _text("Nội dung")
    period_start = date_field("Từ ngày")
    period_end = date_field("Đến ngày")

    def __init__(self, *args, members=None, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: m.full_name
        self.fields["target"].queryset = organizations
        self.fields["target"].label_from_instance = lambda o: o.name


class ConcludeForm(StepForm):
    title = "Kết luận kiểm tra, giám sát"
    button = "Ghi kết luận"
    concluded_on = date_field("Ngày kết luận")
    conclusion = _text("Kết luận", rows=5)


class ViolationForm(StepForm):
    title = "Ghi vi phạm"
    button = "Ghi vi phạm"
    kind = forms.ChoiceField(label="Loại vi phạm", choices=ViolationKind.choices)
    trip: forms.ModelChoiceField[TripAbroad] = forms.ModelChoiceField(
        label="Chuyến đi nước ngoài", queryset=None, required=False
    )
    description = _text("Nội dung vi phạm")
    committed_on = date_field("Ngày vi phạm")
    found_on = date_field("Ngày phát hiện")

    def __init__(self, *args, trips=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trip"].queryset = trips
        self.fields["trip"].label_from_instance = lambda t: f"{t.country} từ {t.start:%d/%m/%Y}"


BODY_CHOICES = [(str(b.value), str(b.label)) for b in Body if b in DECIDING_BODIES]


class ProposeForm(StepForm):
    title = "Đề nghị kỷ luật"
    button = "Ghi đề nghị"
    violation: forms.ModelChoiceField[Violation] = forms.ModelChoiceField(
        label="Vi phạm", queryset=None
    )
    sanction = forms.ChoiceField(label="Hình thức kỷ luật", choices=Sanction.choices)
    post: forms.ModelChoiceField[PostHeld] = forms.ModelChoiceField(
        label="Chức vụ bị cách (cách chức)", queryset=None, required=False
    )
    authority: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Cấp quyết định", queryset=None
    )
    authority_body = forms.ChoiceField(label="Cơ quan quyết định", choices=BODY_CHOICES)
    proposed_on = date_field("Ngày đề nghị")

    def __init__(self, *args, violations=None, posts=None, authorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation"].queryset = violations
        self.fields["post"].queryset = posts
        self.fields["authority"].queryset = authorities
        self.fields["authority"].label_from_instance = lambda o: o.name


class VoteForm(StepForm):
    title = "Biểu quyết hình thức kỷ luật"
    button = "Ghi kết quả biểu quyết"
    voted_on = date_field("Ngày biểu quyết")
    entitled = forms.IntegerField(
        label="Tổng số có quyền biểu quyết", min_value=0, max_value=100000
    )
    votes_for = forms.IntegerField(label="Số tán thành", min_value=0, max_value=100000)
    record_rejection = forms.BooleanField(
        label="Ghi nhận biểu quyết không đủ, không kỷ luật",
        required=False,
        help_text="Chỉ đánh dấu khi hội nghị đã biểu quyết và số tán thành không đủ: "
        "việc kỷ luật kết thúc.",
    )


class DecideForm(StepForm):
    title = "Ký quyết định kỷ luật"
    button = "Ghi quyết định"
    decision_date = date_field("Ngày quyết định")
    decision_number = forms.CharField(
        label="Số quyết định (để trống: hệ thống cấp số và in quyết định)",
        required=False,
        max_length=64,
    )


class AnnounceForm(StepForm):
    title = "Công bố quyết định kỷ luật"
    button = "Ghi ngày công bố"
    announced_on = date_field("Ngày công bố, giao quyết định")


class ComplaintForm(StepForm):
    title = "Ghi khiếu nại kỷ luật"
    button = "Ghi khiếu nại"
    lodged_on = date_field("Ngày khiếu nại")
    content = _text("Nội dung khiếu nại")
    answering_organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Cấp giải quyết", queryset=None
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answering_organization"].queryset = organizations
        self.fields["answering_organization"].label_from_instance = lambda o: o.name


class AnswerForm(StepForm):
    title = "Giải quyết khiếu nại kỷ luật"
    button = "Ghi quyết định giải quyết"
    answered_on = date_field("Ngày công bố quyết định giải quyết")
    outcome = forms.ChoiceField(label="Kết quả", choices=ComplaintOutcome.choices)
    new_form = forms.ChoiceField(
        label="Hình thức mới (khi thay đổi)", choices=[("", "—"), *Sanction.choices], required=False
    )
    answer = _text("Nội dung quyết định giải quyết")
    answer_number = forms.CharField(label="Số quyết định giải quyết", required=False, max_length=64)


class RestoreForm(StepForm):
    title = "Xin lỗi, phục hồi quyền lợi (QĐ 117-QĐ/TW)"
    button = "Ghi phục hồi"
    restored_on = date_field("Ngày kết luận kỷ luật oan")
    decision = forms.CharField(label="Văn bản kết luận", max_length=128)
    apologised_on = date_field("Ngày xin lỗi", required=False)
    rights = _text("Quyền lợi được phục hồi")


# --- trips abroad ---------------------------------------------------------------------------


class TripReportForm(StepForm):
    title = "Ghi báo cáo đi nước ngoài"
    button = "Ghi báo cáo"
    reported_on = date_field("Ngày báo cáo")
    reported_to = forms.CharField(
        label="Báo cáo với (cấp ủy, đồng chí)", required=False, max_length=255
    )


class TripViolationForm(StepForm):
    title = "Ghi vi phạm: đi nước ngoài không báo cáo cấp ủy có thẩm quyền"
    button = "Ghi vi phạm"
    description = _text("Nội dung vi phạm")
    committed_on = date_field("Ngày vi phạm")
    found_on = date_field("Ngày phát hiện")


# --- discipline of party organisations ------------------------------------------------------

ORG_BODY_CHOICES = [(str(b.value), str(b.label)) for b in Body if b in ORG_BODIES]


class OrgProposeForm(StepForm):
    title = "Đề nghị kỷ luật tổ chức đảng"
    button = "Ghi đề nghị"
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Tổ chức đảng bị kỷ luật", queryset=None
    )
    sanction = forms.ChoiceField(label="Hình thức kỷ luật", choices=OrgSanction.choices)
    violation_kind = forms.ChoiceField(label="Loại vi phạm", choices=ViolationKind.choices)
    description = _text("Nội dung vi phạm")
    committed_on = date_field("Ngày vi phạm")
    authority: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Cấp quyết định", queryset=None
    )
    authority_body = forms.ChoiceField(
        label="Cơ quan quyết định (cơ quan đề nghị, xem xét)", choices=ORG_BODY_CHOICES
    )
    inspection: forms.ModelChoiceField[Inspection] = forms.ModelChoiceField(
        label="Phát hiện qua kiểm tra, giám sát", queryset=None, required=False
    )
    proposed_on = date_field("Ngày đề nghị")

    def __init__(self, *args, organizations=None, authorities=None, inspections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = lambda o: o.name
        self.fields["authority"].queryset = authorities
        self.fields["authority"].label_from_instance = lambda o: o.name
        self.fields["inspection"].queryset = inspections
        self.fields["inspection"].label_from_instance = lambda i: (
            f"{i.get_kind_display()} {i.subject_name} ({i.period_start:%d/%m/%Y})"
        )


class OrgVoteForm(VoteForm):
    title = "Cấp ủy biểu quyết hình thức kỷ luật tổ chức đảng"
    entitled = forms.IntegerField(
        label="Tổng số cấp ủy viên có quyền biểu quyết (kể cả vắng mặt)",
        min_value=0,
        max_value=100000,
    )


class OrgDecideForm(DecideForm):
    title = "Ký quyết định kỷ luật tổ chức đảng"


class OrgAnnounceForm(AnnounceForm):
    title = "Công bố quyết định kỷ luật tổ chức đảng"
    announced_on = date_field("Ngày công bố quyết định")


class OrgDissolveForm(StepForm):
    title = "Giải tán tổ chức đảng theo quyết định kỷ luật"
    button = "Ghi giải tán"
    dissolved_on = date_field("Ngày giải tán")
