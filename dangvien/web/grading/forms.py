"""Forms of the grading pages. They only read input; every rule is checked by
the services (`grading.services`)."""

from __future__ import annotations

from django import forms

from dangvien.core.forms import date_field
from dangvien.grading.models import FormChoice, GradeChoice, NotGraded
from dangvien.web.steps import StepForm

GRADE_CHOICES = [("", "—"), *GradeChoice.choices]


def _text(label: str, required: bool = False, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _score(label: str = "Điểm (thang 100)") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=100, decimal_places=2, localize=True
    )


class CampaignOpenForm(StepForm):
    title = "Mở đợt kiểm điểm, đánh giá, xếp loại"
    button = "Mở đợt"
    year = forms.IntegerField(label="Năm đánh giá", min_value=2018, max_value=2100)
    opened_on = date_field("Ngày mở đợt")
    review_on = date_field("Ngày kiểm điểm ở chi bộ", required=False)


class CampaignCloseForm(StepForm):
    title = "Kết thúc đợt, tổng hợp kết quả"
    button = "Kết thúc đợt"
    on = date_field("Ngày kết thúc")


class SelfReviewForm(StepForm):
    title = "Bản tự kiểm điểm"
    button = "Ghi bản tự kiểm điểm"
    form = forms.ChoiceField(label="Mẫu bản kiểm điểm", choices=FormChoice.choices)
    strengths = _text("Ưu điểm, kết quả đạt được", required=True)
    shortcomings = _text("Hạn chế, khuyết điểm và nguyên nhân", required=True)
    remedies = _text("Phương hướng, biện pháp khắc phục")
    self_score = _score("Tự chấm điểm (thang 100, từ năm 2025)")
    self_grade = forms.ChoiceField(label="Tự nhận mức xếp loại", choices=GRADE_CHOICES)
    on = date_field("Ngày tự kiểm điểm")


class ProposalForm(StepForm):
    """One line per member: `grade_<id>`, `score_<id>`, `exceeded_<id>`,
    `excluded_<id>`, built from the reviews of the cell."""

    title = "Chi bộ đề nghị xếp loại đảng viên"
    button = "Gửi đề nghị lên cấp ủy"
    proposed_on = date_field("Ngày chi bộ họp xét, đề nghị")
    note = _text("Ý kiến của chi bộ", rows=2)

    def __init__(self, *args, reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []
        for review in reviews:
            pk = review.pk
            self.fields[f"grade_{pk}"] = forms.ChoiceField(
                label=f"Xếp loại — {review.member.full_name}",
                choices=GRADE_CHOICES,
                required=False,
                initial=review.proposed_grade or review.self_grade,
            )
            self.fields[f"score_{pk}"] = _score()
            self.fields[f"score_{pk}"].initial = review.proposed_score or review.self_score
            self.fields[f"exceeded_{pk}"] = forms.DecimalField(
                label="Nhiệm vụ vượt yêu cầu (%) khi chưa ghi nhiệm vụ",
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=1,
                localize=True,
            )
            self.fields[f"excluded_{pk}"] = forms.ChoiceField(
                label="Không xếp loại vì",
                choices=[("", "—"), (NotGraded.SUSPENDED, NotGraded.SUSPENDED.label)],
                required=False,
            )
            for name in ("grade", "score", "exceeded", "excluded"):
                self.fields[f"{name}_{pk}"].widget.attrs.setdefault("class", "input")
            self.lines.append(
                (
                    review,
                    self[f"grade_{pk}"],
                    self[f"score_{pk}"],
                    self[f"exceeded_{pk}"],
                    self[f"excluded_{pk}"],
                )
            )


class DecideForm(StepForm):
    title = "Quyết định xếp loại đảng viên"
    button = "Quyết định"
    decided_on = date_field("Ngày quyết định")
    override_reason = forms.CharField(
        label="Lý do quyết định vượt tỷ lệ xuất sắc (nếu có)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnnounceForm(StepForm):
    title = "Thông báo kết quả xếp loại"
    button = "Ghi đã thông báo"
    announced_on = date_field("Ngày thông báo")


def _count(label: str) -> forms.IntegerField:
    """A count on form 01 (QĐ 366 Điều 11: required from 2025, checked by the service)."""
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=1_000_000)


class OrgSelfForm(StepForm):
    title = "Tập thể tự kiểm điểm, tự xếp loại (Mẫu 01)"
    button = "Ghi"
    report = _text("Báo cáo kiểm điểm của tập thể", required=True, rows=8)
    self_score = _score("Tự chấm điểm (thang 100, từ năm 2025)")
    self_grade = forms.ChoiceField(label="Tự xếp loại", choices=GRADE_CHOICES)
    tasks = _count("Số nhiệm vụ được giao trong năm")
    tasks_done = _count("Số nhiệm vụ đã hoàn thành")
    tasks_on_time = _count("Số nhiệm vụ hoàn thành đúng tiến độ")
    tasks_exceeded = _count("Số nhiệm vụ vượt yêu cầu")
    shortcomings = _count("Số hạn chế, khuyết điểm đã chỉ ra trước đây")
    shortcomings_fixed = _count("Số hạn chế, khuyết điểm đã khắc phục")
    subordinate_disciplined = forms.BooleanField(
        label="Có tổ chức đảng trực thuộc bị kỷ luật trong năm", required=False
    )
    on = date_field("Ngày")


class OrgDecideForm(StepForm):
    title = "Cấp ủy cấp trên xếp loại tổ chức đảng"
    button = "Xếp loại"
    score = _score()
    grade = forms.ChoiceField(label="Xếp loại", choices=GRADE_CHOICES)
    note = forms.CharField(label="Ý kiến", required=False, max_length=500)
    on = date_field("Ngày")
