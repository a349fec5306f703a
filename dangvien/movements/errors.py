"""Every refusal of the transfer and removal services: a stable code (what the
API returns and imports report) and the Vietnamese message with named
placeholders. Numbers of the regulations are never written here: they come
from movements/rules.py, in force on the case's date, as placeholders."""

from __future__ import annotations

from dangvien.core.errors import ErrorCode


class MovementError(ErrorCode):
    # --- common -------------------------------------------------------------------
    DATE_IN_FUTURE = ("date_in_future", "Ngày này không được ở tương lai.")
    MONTH_FORMAT = (
        "month_format",
        "Ghi tháng đã đóng đảng phí theo dạng tháng/năm, ví dụ 10/2026.",
    )
    MEMBER_NOT_ACTIVE = ("member_not_active", "Đảng viên không còn sinh hoạt đảng.")

    # --- transfer: opening ----------------------------------------------------------
    TRANSFER_MEMBER_NOT_ACTIVE = (
        "transfer_member_not_active",
        "Chỉ chuyển sinh hoạt cho đảng viên đang sinh hoạt.",
    )
    TRANSFER_ALREADY_OPEN = (
        "transfer_already_open",
        "Đảng viên đang có một lần chuyển sinh hoạt chưa kết thúc.",
    )
    TRANSFER_KIND_INVALID = ("transfer_kind_invalid", "Hình thức chuyển sinh hoạt không hợp lệ.")
    TRANSFER_REASON_INVALID = ("transfer_reason_invalid", "Lý do chuyển sinh hoạt không hợp lệ.")
    DESTINATION_REQUIRED = (
        "destination_required",
        "Chọn chi bộ nơi đến, hoặc ghi tên tổ chức đảng nơi đến.",
    )
    DESTINATION_TWICE = (
        "destination_twice",
        "Chỉ chọn một nơi đến: chi bộ trong hệ thống hoặc nơi ngoài hệ thống.",
    )
    DESTINATION_NOT_CELL = ("destination_not_cell", "Nơi đến phải là chi bộ đang hoạt động.")
    DESTINATION_SAME = ("destination_same", "Nơi đến trùng với chi bộ đang sinh hoạt.")
    DESTINATION_UNKNOWN_CODE = (
        "destination_unknown_code",
        "Không có chi bộ đang hoạt động mang mã này.",
    )
    ANGLE_BRACKETS = ("angle_brackets", "Không được chứa ký tự < hoặc >.")
    PERIOD_REQUIRED = (
        "period_required",
        "Chuyển sinh hoạt tạm thời cần thời gian từ ngày, đến ngày.",
    )
    PERIOD_ORDER = ("period_order", "«Đến ngày» phải sau «Từ ngày».")
    PERIOD_TOO_SHORT = (
        "period_too_short",
        "Chuyển sinh hoạt tạm thời chỉ áp dụng cho thời gian từ %(months)s tháng trở lên.",
    )
    PERIOD_TOO_LONG_STUDY = (
        "period_too_long_study",
        "Đi học tập trung tạm thời tối đa %(months)s tháng; quá thời hạn phải chuyển chính thức.",
    )
    PERIOD_TOO_LONG_WORK = (
        "period_too_long_work",
        "Thay đổi nơi ở, nơi làm việc từ %(months)s tháng trở lên phải chuyển sinh hoạt "
        "chính thức.",
    )
    BEFORE_BIRTH = ("before_birth", "Ngày này trước ngày sinh của đảng viên.")

    # --- transfer: steps ------------------------------------------------------------
    SENT_TOO_EARLY = (
        "sent_too_early",
        "Ngày giới thiệu đi quá sớm so với ngày phát sinh (sớm nhất %(day)s).",
    )
    RECEIVE_OUTSIDE = (
        "receive_outside",
        "Nơi đến ở ngoài hệ thống: việc tiếp nhận do tổ chức đảng nơi đến thực hiện.",
    )
    RECEIVED_BEFORE_SENT = (
        "received_before_sent",
        "Ngày tiếp nhận không được trước ngày giới thiệu đi.",
    )
    DOSSIER_NOT_CHECKED = (
        "dossier_not_checked",
        "Phải đối chiếu hồ sơ đảng viên với danh mục có xác nhận của cấp ủy nơi đi "
        "trước khi tiếp nhận (HD 01-HD/TW điểm 8.2).",
    )
    PRESENTED_LATE = (
        "presented_late",
        "Xuất trình quá hạn %(days)s ngày (hạn %(due)s): ghi rõ lý do để báo cáo cấp ủy có "
        "thẩm quyền (QĐ 294-QĐ/TW điểm 6.3.1).",
    )
    RETURN_NOT_TEMPORARY = (
        "return_not_temporary",
        "Chỉ chuyển sinh hoạt tạm thời mới có bước trở về.",
    )
    RETURNED_BEFORE_SENT = (
        "returned_before_sent",
        "Ngày trở về không được trước ngày giới thiệu đi.",
    )
    CANCEL_REASON_REQUIRED = ("cancel_reason_required", "Ghi lý do hủy.")
    REISSUE_REASON_INVALID = (
        "reissue_reason_invalid",
        "Chọn lý do cấp lại: giấy giới thiệu bị mất hoặc bị hư hỏng.",
    )
    REISSUED_BEFORE_LETTER = (
        "reissued_before_letter",
        "Ngày cấp lại không được trước ngày của giấy giới thiệu đang có hiệu lực (%(day)s).",
    )
    REISSUE_OUTSIDE = (
        "reissue_outside",
        "Giấy giới thiệu do tổ chức đảng ngoài hệ thống cấp: việc cấp lại do tổ chức đó thực hiện.",
    )

    # --- transfer: arriving from outside ----------------------------------------------
    ORIGIN_REQUIRED = ("origin_required", "Ghi tổ chức đảng nơi đi (trên giấy giới thiệu).")
    LETTER_NUMBER_REQUIRED = ("letter_number_required", "Ghi số giấy giới thiệu sinh hoạt đảng.")
    RECEIVED_BEFORE_LETTER = (
        "received_before_letter",
        "Ngày tiếp nhận không được trước ngày giới thiệu.",
    )
    INCOMING_DOSSIER_NOT_CHECKED = (
        "incoming_dossier_not_checked",
        "Phải đối chiếu hồ sơ đảng viên với danh mục trước khi tiếp nhận.",
    )
    INCOMING_MONTH_FORMAT = ("incoming_month_format", "Ghi theo dạng tháng/năm, ví dụ 10/2026.")

    # --- removal ------------------------------------------------------------------------
    REMOVAL_KIND_NOT_PROPOSED = (
        "removal_kind_not_proposed",
        "Chi bộ chỉ đề nghị xóa tên hoặc cho ra khỏi Đảng; khai trừ, từ trần ghi trực tiếp.",
    )
    REMOVAL_ALREADY_PROPOSED = (
        "removal_already_proposed",
        "Đảng viên đã có một đề nghị đang chờ quyết định.",
    )
    CAUSE_REQUIRED = ("cause_required", "Chọn căn cứ xóa tên (Điều lệ Đảng, Điều 8).")
    MONTHS_AFTER_MEETING = (
        "months_after_meeting",
        "Các tháng vi phạm phải trước ngày chi bộ họp xét.",
    )
    MISSED_MONTHS = (
        "missed_months",
        "Cần ít nhất %(months)s tháng trong cùng một năm bỏ sinh hoạt hoặc không đóng "
        "đảng phí không có lý do chính đáng (Điều lệ Đảng, Điều 8).",
    )
    MONTHS_NOT_IN_LEDGER = (
        "months_not_in_ledger",
        "Tháng %(months)s không phải tháng đồng chí không đóng đảng phí, không lý do, theo sổ "
        "đảng phí đã khóa của chi bộ. Căn cứ lấy từ sổ đảng phí: để trống ô này.",
    )
    MONTHS_NOT_IN_ATTENDANCE = (
        "months_not_in_attendance",
        "Tháng %(months)s không có buổi sinh hoạt thường kỳ nào đồng chí vắng không lý do "
        "theo điểm danh của chi bộ. Căn cứ bỏ sinh hoạt lấy từ điểm danh, không ghi tay: "
        "để trống ô này.",
    )
    MONTHS_EXCUSED = (
        "months_excused",
        "Không tính tháng %(months)s: %(reason)s. Những tháng tổ chức đảng đã cho miễn, "
        "tạm miễn sinh hoạt hoặc đảng viên sinh hoạt tạm thời nơi khác không phải là bỏ "
        "sinh hoạt, không đóng đảng phí không có lý do (Điều lệ Đảng, Điều 8).",
    )
    EDUCATED_ON_REQUIRED = ("educated_on_required", "Ghi ngày chi bộ giáo dục đảng viên.")
    EDUCATION_TOO_RECENT = (
        "education_too_recent",
        "Chưa đủ %(months)s tháng kể từ khi chi bộ giáo dục: sớm nhất ngày %(earliest)s "
        "(Điều lệ Đảng, Điều 8).",
    )
    BREACH_YEARS = (
        "breach_years",
        "Cần %(years)s năm liền vi phạm tư cách đảng viên (Điều lệ Đảng, Điều 8).",
    )
    NOT_PROBATIONARY = (
        "not_probationary",
        "Căn cứ này chỉ áp dụng cho đảng viên dự bị (Điều lệ Đảng, Điều 5).",
    )
    VOTES_OUT_OF_RANGE = (
        "votes_out_of_range",
        "Số tán thành phải từ 0 đến %(official)s (số đảng viên chính thức của chi bộ).",
    )
    DECIDED_BY_REQUIRED = ("decided_by_required", "Ghi cấp ủy ra quyết định.")
    DECISION_NUMBER_REQUIRED = ("decision_number_required", "Ghi số quyết định.")
    DECISION_BEFORE_MEETING = (
        "decision_before_meeting",
        "Ngày quyết định không được trước ngày chi bộ họp xét.",
    )
    RECORD_KIND_PROPOSED = (
        "record_kind_proposed",
        "Xóa tên, ra khỏi Đảng phải qua đề nghị của chi bộ.",
    )
    EXPULSION_NUMBER_REQUIRED = ("expulsion_number_required", "Ghi số quyết định khai trừ.")

    # --- a step out of order: the step's own explanation of the workflow's generic
    # `out_of_order` / `not_applicable` refusal (the code stays the generic one) ----------
    SEND_OUT_OF_ORDER = (
        "out_of_order",
        "Chỉ cấp giấy giới thiệu cho hồ sơ chuyển sinh hoạt đang làm thủ tục.",
    )
    RECEIVE_OUT_OF_ORDER = (
        "out_of_order",
        "Chưa có giấy giới thiệu sinh hoạt đảng: chưa thể xác nhận tiếp nhận.",
    )
    RETURN_OUT_OF_ORDER = (
        "out_of_order",
        "Chỉ ghi trở về cho lần chuyển sinh hoạt tạm thời đã giới thiệu đi.",
    )
    REISSUE_OUT_OF_ORDER = (
        "out_of_order",
        "Chỉ cấp lại giấy giới thiệu đã cấp mà nơi đến chưa tiếp nhận.",
    )
    CANCEL_OUT_OF_ORDER = (
        "out_of_order",
        "Giấy giới thiệu đã cấp: không hủy được; ghi tiếp nhận, trở về, hoặc cấp lại nếu giấy "
        "bị mất, hư hỏng.",
    )
    DECIDE_OUT_OF_ORDER = ("out_of_order", "Đề nghị này không còn chờ quyết định.")
