"""Coded errors of inspection and discipline: one Vietnamese message each."""

from dangvien.core.errors import ErrorCode


class DisciplineError(ErrorCode):
    NOT_FOUND = ("not_found", "Không tìm thấy hồ sơ kiểm tra, kỷ luật.")
    TEXT_REQUIRED = ("text_required", "Ghi %(what)s.")
    ANGLE_BRACKETS = ("angle_brackets", "Không dùng ký tự < hoặc >.")
    DATE_IN_FUTURE = ("date_in_future", "Ngày này chưa đến (sau hôm nay).")
    DATE_BEFORE = ("date_before", "Ngày này không được trước %(what)s (%(day)s).")
    INSPECTION_TARGET = (
        "inspection_target",
        "Chọn một đảng viên hoặc một tổ chức đảng được kiểm tra, giám sát (chỉ một).",
    )
    INSPECTION_OUTSIDE = (
        "inspection_outside",
        "Đối tượng kiểm tra không thuộc %(organization)s.",
    )
    KIND_INVALID = ("kind_invalid", "Loại «%(value)s» không có. Chọn: %(choices)s.")
    PERIOD_ORDER = ("period_order", "Ngày kết thúc phải sau ngày bắt đầu.")
    NOT_A_MEMBER = (
        "not_a_member",
        "Đồng chí %(name)s không còn là đảng viên (tình trạng: %(status)s).",
    )
    TRIP_OTHER_MEMBER = ("trip_other_member", "Chuyến đi này không phải của đồng chí %(name)s.")
    TRIP_REPORTED = (
        "trip_reported",
        "Chuyến đi %(country)s từ %(day)s đã được báo cáo ngày %(reported)s: không phải vi phạm "
        "«đi nước ngoài không báo cáo».",
    )
    TRIP_REQUIRED = (
        "trip_required",
        "Vi phạm «đi nước ngoài không báo cáo» phải chọn chuyến đi.",
    )
    INSPECTION_OTHER_MEMBER = (
        "inspection_other_member",
        "Cuộc kiểm tra này không có đồng chí %(name)s trong đối tượng.",
    )
    FORM_PROBATIONARY = (
        "form_probationary",
        "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (QĐ 69-QĐ/TW Điều 7).",
    )
    FORM_NO_POST = (
        "form_no_post",
        "Đồng chí %(name)s không giữ chức vụ nào ngày %(day)s: không thể cách chức.",
    )
    POST_REQUIRED = ("post_required", "Cách chức: chọn chức vụ đồng chí đang giữ.")
    POST_NOT_HELD = (
        "post_not_held",
        "Chức vụ «%(post)s» không phải chức vụ đồng chí %(name)s đang giữ ngày %(day)s.",
    )
    FORM_INVALID = ("form_invalid", "Hình thức kỷ luật «%(value)s» không có. Chọn: %(choices)s.")
    CELL_FORM = (
        "cell_form",
        "Chi bộ chỉ quyết định khiển trách, cảnh cáo đảng viên trong chi bộ; %(form)s do cấp ủy "
        "cấp trên quyết định.",
    )
    AUTHORITY_OUTSIDE = (
        "authority_outside",
        "%(organization)s không phải chi bộ của đồng chí %(name)s hay cấp ủy cấp trên.",
    )
    BODY_INVALID = ("body_invalid", "Cơ quan quyết định «%(value)s» không hợp lệ.")
    TIME_BARRED = (
        "time_barred",
        "Vi phạm ngày %(committed)s đã hết thời hiệu xử lý kỷ luật (%(years)s năm, hết ngày "
        "%(ends)s).",
    )
    ALREADY_OPEN = (
        "already_open",
        "Vi phạm này đang có hồ sơ kỷ luật chưa kết thúc (%(status)s).",
    )
    VOTE_FIGURES = (
        "vote_figures",
        "Số tán thành (%(votes)s) phải từ 0 đến tổng số có quyền biểu quyết (%(entitled)s); "
        "tổng số phải lớn hơn 0.",
    )
    VOTE_BELOW_THRESHOLD = (
        "vote_below_threshold",
        "Số tán thành %(votes)s/%(entitled)s chưa đạt %(threshold)s tổng số có quyền biểu "
        "quyết: không thi hành kỷ luật %(form)s được. Nếu hội nghị đã biểu quyết và không "
        "đủ số, đánh dấu «Ghi nhận biểu quyết không đủ, không kỷ luật» để kết thúc việc này.",
    )
    NUMBER_REQUIRED = ("number_required", "Ghi số quyết định.")
    ANNOUNCE_BEFORE_DECISION = (
        "announce_before_decision",
        "Ngày công bố không được trước ngày quyết định (%(day)s).",
    )
    COMPLAINT_CLOSED = (
        "complaint_closed",
        "Chỉ khiếu nại quyết định kỷ luật đã ban hành, còn hiệu lực.",
    )
    COMPLAINT_PENDING = (
        "complaint_pending",
        "Đồng chí đã có khiếu nại ngày %(day)s đang chờ giải quyết.",
    )
    COMPLAINT_BODY = (
        "complaint_body",
        "Cấp giải quyết khiếu nại phải là cấp trên của %(organization)s.",
    )
    NEW_FORM_REQUIRED = (
        "new_form_required",
        "Thay đổi hình thức kỷ luật: chọn hình thức mới, khác hình thức cũ.",
    )
    OUTCOME_INVALID = ("outcome_invalid", "Kết quả giải quyết «%(value)s» không hợp lệ.")
    EXPULSION_COMPLAINT = (
        "expulsion_complaint",
        "Thay đổi thành khai trừ không thuộc việc giải quyết khiếu nại ở đây.",
    )
    BLOCKS_TRANSFER = (
        "blocks_transfer",
        "Đồng chí %(name)s đang trong thời gian chấp hành kỷ luật %(form)s (quyết định số "
        "%(number)s, công bố ngày %(day)s): chưa được chuyển sinh hoạt đảng "
        "(QĐ 69-QĐ/TW Điều 2 khoản 13).",
    )
    RESTORE_NOT_EXPELLED = (
        "restore_not_expelled",
        "Đồng chí %(name)s không còn ở tình trạng bị khai trừ (hiện: %(status)s): không phục hồi "
        "đảng tịch theo quyết định này được.",
    )
    TRIP_REPORT_EXISTS = (
        "trip_report_exists",
        "Chuyến đi này đã được báo cáo ngày %(day)s.",
    )
    TRIP_REPORT_VIOLATION = (
        "trip_report_violation",
        "Chuyến đi này đã được ghi là vi phạm «đi nước ngoài không báo cáo» ngày %(day)s.",
    )
    ORG_FORM_INVALID = (
        "org_form_invalid",
        "Hình thức kỷ luật tổ chức đảng «%(value)s» không có. Chọn: %(choices)s.",
    )
    ORG_AUTHORITY = (
        "org_authority",
        "%(authority)s không phải cấp ủy cấp trên của %(organization)s cách ít nhất %(levels)s cấp: "
        "không quyết định %(form)s được (Điều lệ Đảng Điều 36).",
    )
    ORG_BODY_INVALID = (
        "org_body_invalid",
        "Cơ quan quyết định «%(value)s» không quyết định %(form)s tổ chức đảng.",
    )
    ORG_NOT_ACTIVE = ("org_not_active", "%(organization)s đã giải thể.")
    ORG_TIME_BARRED = (
        "org_time_barred",
        "Vi phạm ngày %(committed)s của tổ chức đảng đã hết thời hiệu xử lý kỷ luật (%(years)s "
        "năm, hết ngày %(ends)s).",
    )
    ORG_ALREADY_OPEN = (
        "org_already_open",
        "%(organization)s đang có hồ sơ kỷ luật chưa kết thúc (%(status)s).",
    )
    DISSOLVE_MEMBERS_LEFT = (
        "dissolve_members_left",
        "%(organization)s còn %(members)s đảng viên đang sinh hoạt và %(children)s tổ chức trực "
        "thuộc đang hoạt động: chuyển sinh hoạt, giải thể các tổ chức trực thuộc trước khi giải "
        "tán.",
    )
