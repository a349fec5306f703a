"""Coded errors of the periodic reports: one Vietnamese message each."""

from dangvien.core.errors import ErrorCode


class ReportError(ErrorCode):
    PERIOD_KIND_INVALID = (
        "period_kind_invalid",
        "Loại kỳ báo cáo không hợp lệ: chọn quý, 6 tháng, năm hoặc tự chọn từ ngày đến ngày.",
    )
    YEAR_INVALID = ("year_invalid", "Năm báo cáo không hợp lệ: nhập năm từ 1930 đến %(year)s.")
    NUMBER_INVALID = (
        "number_invalid",
        "Kỳ báo cáo không hợp lệ: quý từ 1 đến 4, 6 tháng là 1 (đầu năm) hoặc 2 (cuối năm).",
    )
    PERIOD_REVERSED = (
        "period_reversed",
        "Ngày cuối kỳ (%(end)s) trước ngày đầu kỳ (%(start)s).",
    )
    PERIOD_NOT_STARTED = (
        "period_not_started",
        "Kỳ báo cáo chưa bắt đầu: ngày đầu kỳ (%(start)s) sau hôm nay (%(today)s).",
    )
    END_IN_FUTURE = (
        "end_in_future",
        "Ngày cuối kỳ không được sau hôm nay (%(today)s).",
    )
    BEFORE_ORGANIZATION = (
        "before_organization",
        "«%(organization)s» (kể cả các tổ chức hợp nhất vào) có từ ngày %(day)s; "
        "kỳ báo cáo phải kết thúc từ ngày đó trở đi.",
    )
    FORM_UNKNOWN = ("form_unknown", "Không có biểu số này.")
    FIGURE_UNKNOWN = ("figure_unknown", "Không có chỉ tiêu này trong báo cáo.")
