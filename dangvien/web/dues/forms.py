"""Forms of the dues pages: the month typed mm/yyyy, a payment, a correction,
the month close with a reason per unpaid member, the member's profile, a
relief, an arrangement, settling an arrears notice. They only read input;
every rule is checked by dues.services."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

from dangvien.core.forms import date_field
from dangvien.dues.errors import DuesError
from dangvien.dues.models import ArrangementKind, Channel, ReliefGround, ReliefKind
from dangvien.dues.rules import Category
from dangvien.web.steps import StepForm


def parse_month(value: str | None) -> dt.date | None:
    """mm/yyyy (or m/yyyy, mm-yyyy, mm.yyyy) as the month's first day; None when unreadable."""
    text = (value or "").strip()
    for sep in ("/", "-", "."):
        if sep in text:
            parts = text.split(sep)
            break
    else:
        return None
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    month, year = int(parts[0]), int(parts[1])
    if not (1 <= month <= 12 and 1930 <= year <= 2100):
        return None
    return dt.date(year, month, 1)


class MonthField(forms.CharField):
    """A month typed mm/yyyy, cleaned to its first day."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"placeholder": "mm/yyyy", "inputmode": "numeric", "maxlength": 10}
        )

    def prepare_value(self, value):
        return f"{value:%m/%Y}" if isinstance(value, dt.date) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(DuesError.MONTH_INVALID.text(), code="month_invalid")
        return month


GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


class AmountField(forms.CharField):
    """Whole đồng, typed plain (150000) or grouped the Vietnamese way (150.000);
    anything else is refused with the domain's message. Sign and size are the
    services' business."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "maxlength": 20})

    def to_python(self, value):
        text = (super().to_python(value) or "").replace(" ", "").replace("\u00a0", "")
        text = text.removesuffix("đ").removesuffix("đồng")
        if not text:
            return None
        if GROUPED.match(text):
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d{1,13}", text):
            raise forms.ValidationError(DuesError.AMOUNT_NOT_WHOLE.text(), code="amount_not_whole")
        return int(text)


def _amount(label: str, required: bool = True) -> AmountField:
    return AmountField(label=label, required=required)


class ComputeForm(StepForm):
    title = "Lập sổ tháng"
    button = "Lập sổ tháng"


class PaymentForm(StepForm):
    """One member's payment of the month, inline on the sheet."""

    title = "Thu đảng phí"
    button = "Ghi đã đóng"
    amount = _amount("Số tiền (đồng)")
    channel = forms.ChoiceField(label="Hình thức", choices=Channel.choices)
    reference = forms.CharField(label="Mã giao dịch (Cổng DVCQG)", required=False, max_length=64)
    paid_on = date_field("Ngày đóng")
    receipt_number = forms.CharField(
        label="Số biên lai (để trống: tự cấp)", required=False, max_length=32
    )


class CorrectionForm(StepForm):
    title = "Bút toán điều chỉnh"
    button = "Ghi điều chỉnh"
    amount = _amount("Số tiền điều chỉnh (đồng, âm để giảm)")
    reason = forms.CharField(label="Lý do điều chỉnh", max_length=255)
    on = date_field("Ngày điều chỉnh")


class CloseForm(StepForm):
    """The month close: one optional reason per member not paid yet."""

    title = "Khóa sổ tháng"
    button = "Khóa sổ tháng"

    def __init__(self, *args, unpaid=(), **kwargs):
        super().__init__(*args, **kwargs)
        unpaid = list(unpaid)
        for member in unpaid:
            self.fields[f"reason_{member.pk}"] = forms.CharField(
                label=f"Lý do không đóng: {member.full_name}",
                required=False,
                max_length=160,
                widget=forms.TextInput(attrs={"class": "input"}),
            )
        # A close cannot be undone (corrections only) and an unpaid month
        # without reason counts towards name deletion (R5.8): confirm first.
        self.fields["confirm"] = forms.BooleanField(
            label=(
                f"Tôi đã kiểm tra sổ: {len(unpaid)} đảng viên chưa đóng sẽ được ghi «không "
                "đóng» (không có lý do nếu để trống ô lý do; tính vào căn cứ xóa tên khi đủ 3 "
                "tháng trong năm). Sau khi khóa, sổ chỉ sửa bằng bút toán điều chỉnh."
            ),
            required=True,
            error_messages={"required": "Đánh dấu xác nhận trước khi khóa sổ."},
        )

    def reasons(self) -> dict[int, str]:
        return {
            int(name.removeprefix("reason_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("reason_") and value
        }


class CloseAllForm(StepForm):
    title = "Khóa sổ tháng cho các chi bộ"
    button = "Khóa sổ các chi bộ chưa khóa"


class ProfileForm(StepForm):
    title = "Ghi đối tượng đóng đảng phí"
    button = "Ghi đối tượng"
    valid_from = date_field("Áp dụng từ ngày")
    category = forms.ChoiceField(label="Đối tượng", choices=Category.CHOICES)
    base = _amount("Căn cứ tính (đồng/tháng: lương đóng BHXH, trợ cấp, lương hưu)", False)
    voluntary = _amount("Tự nguyện đóng cao hơn (đồng/tháng)", False)
    note = forms.CharField(label="Ghi chú", required=False, max_length=255)


class VoluntaryForm(StepForm):
    title = "Đồng ý mức đóng tự nguyện"
    button = "Đồng ý mức tự nguyện"


class ReliefForm(StepForm):
    title = "Quyết định miễn, giảm đảng phí"
    button = "Ghi quyết định"
    kind = forms.ChoiceField(label="Loại", choices=ReliefKind.choices)
    percent = forms.TypedChoiceField(
        label="Mức giảm (%)",
        choices=[(30, "30%"), (50, "50%"), (70, "70%")],
        coerce=int,
        required=False,
        empty_value=None,
    )
    ground = forms.ChoiceField(label="Lý do", choices=ReliefGround.choices)
    first_month = MonthField(label="Từ tháng (mm/yyyy)")
    last_month = MonthField(label="Đến tháng (mm/yyyy)")
    decided_on = date_field("Ngày quyết định")
    decision = forms.CharField(label="Số nghị quyết, quyết định", required=False, max_length=64)


class ArrangementForm(StepForm):
    title = "Đồng ý đóng chậm, đóng trước"
    button = "Ghi đồng ý"
    kind = forms.ChoiceField(label="Hình thức", choices=ArrangementKind.choices)
    first_month = MonthField(label="Từ tháng (mm/yyyy)")
    last_month = MonthField(label="Đến tháng (mm/yyyy)")
    approved_on = date_field("Ngày đồng ý")


class SettleForm(StepForm):
    title = "Ghi kết quả xử lý"
    button = "Ghi kết quả"
    note = forms.CharField(label="Kết quả xử lý (đã đóng bù, lý do chính đáng)", max_length=255)
    on = date_field("Ngày xử lý")
