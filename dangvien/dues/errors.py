"""Coded errors of party dues: one Vietnamese message each."""

from dangvien.core.errors import ErrorCode


class DuesError(ErrorCode):
    NOT_A_CELL = (
        "not_a_cell",
        "«%(organization)s» không trực tiếp quản lý đảng viên; sổ đảng phí lập ở chi bộ.",
    )
    MONTH_INVALID = (
        "month_invalid",
        "Tháng không hợp lệ: nhập theo dạng tháng/năm, ví dụ 02/2026.",
    )
    MONTH_BEFORE_342 = (
        "month_before_342",
        "Hệ thống chỉ tính đảng phí từ tháng 04/2011 (QĐ 342-QĐ/TW có hiệu lực).",
    )
    MONTH_NOT_DUE = (
        "month_not_due",
        "Tháng %(month)s chưa đến kỳ đóng; chỉ đóng trước khi được đồng ý cho đóng trước.",
    )
    PROFILE_IN_FUTURE = (
        "profile_in_future",
        "Ngày áp dụng không được sau hôm nay (%(today)s).",
    )
    PROFILE_BEFORE_MEMBERSHIP = (
        "profile_before_membership",
        "Ngày áp dụng không được trước ngày vào Đảng (%(day)s).",
    )
    PROFILE_EXISTS = (
        "profile_exists",
        "Đảng viên đã có đối tượng đóng đảng phí áp dụng từ ngày %(day)s; ghi một ngày khác.",
    )
    CATEGORY_INVALID = ("category_invalid", "Đối tượng đóng đảng phí không hợp lệ.")
    BASE_REQUIRED = (
        "base_required",
        "Đối tượng «%(category)s» cần ghi căn cứ tính (đồng/tháng).",
    )
    BASE_NOT_ALLOWED = (
        "base_not_allowed",
        "Đối tượng «%(category)s» không tính theo lương, trợ cấp; để trống căn cứ tính.",
    )
    AMOUNT_NOT_WHOLE = ("amount_not_whole", "Số tiền phải là số nguyên đồng, không có phần lẻ.")
    AMOUNT_NOT_POSITIVE = ("amount_not_positive", "Số tiền phải lớn hơn 0 đồng.")
    AMOUNT_BELOW_DUE = (
        "amount_below_due",
        "Số tiền %(amount)s đ thấp hơn mức phải đóng tháng %(month)s (%(due)s đ).",
    )
    AMOUNT_TOO_HIGH = (
        "amount_too_high",
        "Số tiền %(amount)s đ gấp hơn %(times)s lần mức phải đóng tháng %(month)s (%(due)s đ): "
        "kiểm tra lại; mức tự nguyện cao hơn thường xuyên thì ghi ở đối tượng đóng đảng phí "
        "để cấp ủy cấp trên đồng ý.",
    )
    RECEIPT_TAKEN = (
        "receipt_taken",
        "Số biên lai %(receipt)s đã dùng cho một khoản khác của chi bộ.",
    )
    PAID_BEFORE_MONTH = (
        "paid_before_month",
        "Ngày đóng không được trước tháng %(month)s (đóng trước phải được đồng ý cho đóng trước).",
    )
    VOLUNTARY_BELOW_DUE = (
        "voluntary_below_due",
        "Mức tự nguyện phải cao hơn mức phải đóng theo quy định.",
    )
    VOLUNTARY_NEEDS_APPROVAL = (
        "voluntary_needs_approval",
        "Mức đóng tự nguyện cao hơn quy định do cấp ủy cấp trên trực tiếp quyết định "
        "(Quy định 01-QĐ/TW Điều 2); chi bộ báo cáo cấp trên.",
    )
    REDUCTION_PERCENT = (
        "reduction_percent",
        "Chỉ được giảm một trong các mức %(allowed)s.",
    )
    RELIEF_PERIOD_ORDER = (
        "relief_period_order",
        "Tháng kết thúc phải sau hoặc bằng tháng bắt đầu.",
    )
    RELIEF_TOO_LONG = (
        "relief_too_long",
        "Mỗi lần miễn, giảm đảng phí tối đa %(limit)s tháng (đang ghi %(months)s tháng).",
    )
    RELIEF_OVERLAP = (
        "relief_overlap",
        "Đảng viên đã được miễn, giảm đảng phí trong tháng %(month)s.",
    )
    RELIEF_MONTH_CLOSED = (
        "relief_month_closed",
        "Tháng %(month)s đã khóa sổ; không ghi miễn, giảm cho tháng đã khóa.",
    )
    ALREADY_PAID = (
        "already_paid",
        "Đảng viên đã đóng đảng phí tháng %(month)s; mỗi tháng đóng một lần.",
    )
    NOTHING_OWED = ("nothing_owed", "Tháng %(month)s đảng viên được miễn, không phải đóng.")
    NOT_OWED_HERE = (
        "not_owed_here",
        "Tháng %(month)s đảng viên không đóng đảng phí tại chi bộ này.",
    )
    NOT_ON_LEDGER = (
        "not_on_ledger",
        "Tháng %(month)s chưa lập sổ đảng phí cho đảng viên này.",
    )
    MONTH_CLOSED = (
        "month_closed",
        "Sổ đảng phí tháng %(month)s đã khóa; chỉ sửa bằng bút toán điều chỉnh.",
    )
    MONTH_ALREADY_CLOSED = ("month_already_closed", "Sổ đảng phí tháng %(month)s đã khóa.")
    MONTH_NOT_OVER = (
        "month_not_over",
        "Tháng %(month)s chưa kết thúc; khóa sổ từ ngày đầu tháng sau.",
    )
    MONTH_NOT_COMPUTED = (
        "month_not_computed",
        "Chưa lập sổ đảng phí tháng %(month)s; lập sổ trước khi khóa.",
    )
    REFERENCE_REQUIRED = (
        "reference_required",
        "Đóng qua Cổng Dịch vụ công Quốc gia phải ghi mã giao dịch.",
    )
    REFERENCE_TAKEN = (
        "reference_taken",
        "Mã giao dịch %(reference)s đã được ghi cho một khoản khác.",
    )
    CHANNEL_INVALID = ("channel_invalid", "Hình thức đóng không hợp lệ.")
    DATE_IN_FUTURE = ("date_in_future", "Ngày không được sau hôm nay.")
    REASON_REQUIRED = ("reason_required", "Vui lòng ghi lý do.")
    CORRECTION_ZERO = ("correction_zero", "Bút toán điều chỉnh phải khác 0 đồng.")
    CORRECTION_NEGATIVE_TOTAL = (
        "correction_negative_total",
        "Sau điều chỉnh số đã đóng tháng %(month)s không được âm.",
    )
    NOT_TEMPORARILY_EXEMPT = (
        "not_temporarily_exempt",
        "Chỉ đảng viên được tạm miễn sinh hoạt (đi làm ăn xa, lưu động, nơi làm việc chưa có "
        "tổ chức đảng) mới được đóng chậm, đóng trước (Quy định 01-QĐ/TW Điều 5 khoản 2).",
    )
    ARRANGEMENT_TOO_LONG = (
        "arrangement_too_long",
        "Đóng chậm, đóng trước không quá thời gian được tạm miễn sinh hoạt (%(first)s - %(last)s).",
    )
    UNKNOWN_MEMBER = ("unknown_member", "Đảng viên %(member)s không có trong sổ tháng này.")
    ANGLE_BRACKETS = ("angle_brackets", "Không dùng ký tự < hoặc > trong nội dung này.")
