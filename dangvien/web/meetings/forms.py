"""Forms of the meeting pages: one per step of `meetings.workflow.MEETING`, the
schedule the superior committee sets, the roll call, tasks and feedback.
They only read input; every rule is checked by the services."""

from __future__ import annotations

from django import forms

from dangvien.core.forms import date_field
from dangvien.meetings.models import MeetingKind, Presence, ScheduleKind, TaskResult
from dangvien.web.steps import StepForm

WEEKDAYS = [
    (0, "Thứ Hai"),
    (1, "Thứ Ba"),
    (2, "Thứ Tư"),
    (3, "Thứ Năm"),
    (4, "Thứ Sáu"),
    (5, "Thứ Bảy"),
    (6, "Chủ nhật"),
]


def _text(label: str, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ScheduleForm(StepForm):
    title = "Ấn định ngày sinh hoạt chi bộ"
    button = "Ghi lịch sinh hoạt"
    kind = forms.ChoiceField(label="Cách ấn định", choices=ScheduleKind.choices)
    day = forms.IntegerField(label="Ngày trong tháng", required=False, min_value=1, max_value=31)
    weekday = forms.TypedChoiceField(
        label="Thứ", choices=[("", "—"), *WEEKDAYS], coerce=int, required=False, empty_value=None
    )
    week = forms.IntegerField(label="Tuần thứ", required=False, min_value=1, max_value=5)
    effective_from = date_field("Áp dụng từ ngày")
    max_delay_days = forms.IntegerField(
        label="Được lùi tối đa (ngày, có lý do)", required=False, min_value=0, max_value=10
    )
    min_minutes = forms.IntegerField(
        label="Thời lượng tối thiểu riêng (phút, chi bộ ít đảng viên)",
        required=False,
        min_value=1,
        max_value=720,
    )
    decision = forms.CharField(label="Văn bản ấn định", required=False, max_length=255)


class MeetingCreateForm(StepForm):
    title = "Đăng ký buổi sinh hoạt ngoài lịch"
    button = "Đăng ký"
    kind = forms.ChoiceField(
        label="Loại",
        choices=[
            (MeetingKind.THEMATIC, MeetingKind.THEMATIC.label),
            (MeetingKind.COMBINED, MeetingKind.COMBINED.label),
            (MeetingKind.EXTRAORDINARY, MeetingKind.EXTRAORDINARY.label),
            (MeetingKind.REGULAR, MeetingKind.REGULAR.label),
        ],
    )
    planned_on = date_field("Ngày sinh hoạt")
    topic = forms.CharField(label="Chuyên đề", required=False, max_length=255)
    delay_reason = forms.CharField(label="Lý do đổi ngày (nếu có)", required=False, max_length=255)


class RegisterForm(StepForm):
    title = "Đăng ký ngày sinh hoạt với cấp ủy cấp trên"
    button = "Đăng ký"
    planned_on = date_field("Ngày sinh hoạt")
    delay_reason = forms.CharField(
        label="Lý do lùi ngày (nếu khác ngày ấn định)", required=False, max_length=255
    )
    registered_on = date_field("Ngày báo cáo cấp trên")


class NotifyForm(StepForm):
    title = "Thông báo đảng viên, gửi tài liệu"
    button = "Ghi thông báo"
    agenda = _text("Chương trình sinh hoạt", required=True)
    draft_resolution = _text("Dự thảo nghị quyết", rows=5)
    notified_on = date_field("Ngày thông báo")
    documents_posted_on = date_field("Ngày đăng tài liệu cho đảng viên", required=False)


class NotHeldForm(StepForm):
    title = "Báo cáo không sinh hoạt"
    button = "Ghi báo cáo"
    reason = forms.CharField(label="Lý do", max_length=255)


class ReviewForm(StepForm):
    title = "Ý kiến của cấp ủy cấp trên"
    button = "Ghi ý kiến"
    note = forms.CharField(label="Ý kiến", max_length=500)
    reviewed_on = date_field("Ngày xem xét")


class HoldForm(forms.Form):
    """The record of a held meeting; the roll call comes as one radio group per
    member (`presence_<id>`, `reason_<id>`), read by the view."""

    held_on = date_field("Ngày sinh hoạt")
    duration_minutes = forms.IntegerField(label="Thời lượng (phút)", min_value=1, max_value=720)
    delay_reason = forms.CharField(label="Lý do lùi ngày (nếu có)", required=False, max_length=255)
    place = forms.CharField(label="Địa điểm", required=False, max_length=255)
    chair = forms.TypedChoiceField(
        label="Chủ trì", coerce=int, choices=(), required=False, empty_value=None
    )
    recorder = forms.TypedChoiceField(
        label="Thư ký", coerce=int, choices=(), required=False, empty_value=None
    )
    content = _text("Nội dung sinh hoạt")
    opinions = _text("Ý kiến thảo luận")
    conclusions = _text("Kết luận")
    resolution = _text("Nghị quyết đã thông qua (mỗi dòng một điểm)", rows=5)
    votes_for = forms.IntegerField(label="Số tán thành nghị quyết", required=False, min_value=0)
    votes_against = forms.IntegerField(label="Số không tán thành", required=False, min_value=0)
    resolution_number = forms.CharField(
        label="Số nghị quyết (để trống: phần mềm lập nghị quyết và cấp số)",
        required=False,
        max_length=64,
    )
    guests = _text(
        "Khách mời (mỗi dòng: họ tên; chức vụ; «lãnh đạo» nếu là lãnh đạo cấp trên)", rows=2
    )

    def __init__(self, *args, roll=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = [("", "—"), *((m.pk, m.full_name) for m in roll)]
        self.fields["chair"].choices = people
        self.fields["recorder"].choices = people
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")
            if isinstance(field, forms.DateField):
                field.widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
        self.fields["duration_minutes"].widget.attrs["inputmode"] = "numeric"


class TaskForm(forms.Form):
    assignee = forms.TypedChoiceField(label="Người thực hiện", coerce=int, choices=())
    content = forms.CharField(label="Nhiệm vụ", max_length=500)
    due_on = date_field("Hạn hoàn thành")

    def __init__(self, *args, roll=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(m.pk, m.full_name) for m in roll]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


class TaskResultForm(forms.Form):
    result = forms.ChoiceField(
        label="Kết quả", choices=[c for c in TaskResult.choices if c[0] != TaskResult.PENDING]
    )
    result_on = date_field("Ngày đánh giá")
    note = forms.CharField(label="Ghi chú", required=False, max_length=500)


class FeedbackForm(forms.Form):
    content = _text("Nội dung phản ánh, góp ý với cấp trên", required=True)
    sent_on = date_field("Ngày gửi")


class AnswerForm(StepForm):
    title = "Trả lời phản ánh, góp ý của chi bộ"
    button = "Gửi trả lời"
    answer = _text("Nội dung trả lời", required=True)
    answered_on = date_field("Ngày trả lời")


PRESENCE_CHOICES = Presence.choices


class ConferenceForm(StepForm):
    title = "Ghi hội nghị vào lịch của cấp ủy"
    button = "Ghi hội nghị"
    date = date_field("Ngày hội nghị")
    name = forms.CharField(label="Tên hội nghị", max_length=255)


class CommitteeMeetingForm(StepForm):
    title = "Đăng ký hội nghị đảng bộ cơ sở"
    button = "Đăng ký"
    kind = forms.ChoiceField(
        label="Loại",
        choices=[
            (MeetingKind.GRASSROOTS, MeetingKind.GRASSROOTS.label),
            (MeetingKind.EXTRAORDINARY, MeetingKind.EXTRAORDINARY.label),
        ],
    )
    planned_on = date_field("Ngày hội nghị")
    topic = forms.CharField(label="Nội dung hội nghị", required=False, max_length=255)
