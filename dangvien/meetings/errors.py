"""Coded errors of cell meetings: one Vietnamese message each."""

from dangvien.core.errors import ErrorCode


class MeetingError(ErrorCode):
    NOT_A_CELL = ("not_a_cell", "«%(organization)s» không phải là chi bộ.")
    NOT_A_GRASSROOTS_COMMITTEE = (
        "not_a_grassroots_committee",
        "«%(organization)s» không phải là chi bộ hoặc đảng bộ cơ sở: không ghi buổi sinh hoạt ở đây.",
    )
    KIND_INVALID = (
        "kind_invalid",
        "Loại buổi sinh hoạt «%(kind)s» không có. Chọn: %(choices)s.",
    )
    KIND_NOT_FOR_CELL = (
        "kind_not_for_cell",
        "Hội nghị đảng bộ cơ sở do đảng ủy cơ sở ghi, không phải chi bộ. Chi bộ chọn: %(choices)s.",
    )
    KIND_NOT_FOR_COMMITTEE = (
        "kind_not_for_committee",
        "Đảng bộ cơ sở chỉ ghi hội nghị đảng bộ cơ sở hoặc hội nghị bất thường; "
        "sinh hoạt thường kỳ, chuyên đề do các chi bộ ghi.",
    )
    SCHEDULE_KIND_INVALID = (
        "schedule_kind_invalid",
        "Cách ấn định «%(kind)s» không có. Chọn: %(choices)s.",
    )
    CONFERENCE_NOT_A_COMMITTEE = (
        "conference_not_a_committee",
        "Chỉ cấp ủy có chi bộ trực thuộc mới ghi hội nghị vào lịch; «%(organization)s» là chi bộ.",
    )
    SCHEDULE_INCOMPLETE = (
        "schedule_incomplete",
        "Cách ấn định «%(kind)s» cần ghi %(what)s.",
    )
    SCHEDULE_DAY_INVALID = ("schedule_day_invalid", "Ngày trong tháng phải từ 1 đến 31.")
    SCHEDULE_WEEK_INVALID = (
        "schedule_week_invalid",
        "Thứ phải từ thứ Hai đến Chủ nhật, tuần thứ từ 1 đến 5.",
    )
    NO_SCHEDULE = (
        "no_schedule",
        "Chi bộ chưa có lịch sinh hoạt do cấp ủy cấp trên ấn định cho tháng %(month)s.",
    )
    ONE_REGULAR_A_MONTH = (
        "one_regular_a_month",
        "Chi bộ đã có buổi sinh hoạt thường kỳ tháng %(month)s; mỗi tháng một buổi.",
    )
    OUTSIDE_MONTH = ("outside_month", "Ngày sinh hoạt phải trong tháng %(month)s.")
    REASON_REQUIRED = (
        "reason_required",
        "Sinh hoạt khác ngày ấn định (%(scheduled)s) phải ghi lý do.",
    )
    TOO_LATE = (
        "too_late",
        "Chỉ được lùi sinh hoạt không quá %(days)s ngày sau ngày ấn định (%(scheduled)s), "
        "tức chậm nhất ngày %(latest)s.",
    )
    BEFORE_SCHEDULE = (
        "before_schedule",
        "Không được sinh hoạt trước ngày ấn định (%(scheduled)s); nếu có lý do đặc biệt, "
        "lùi lại không quá %(days)s ngày.",
    )
    DATE_IN_FUTURE = ("date_in_future", "Ngày này chưa đến (sau hôm nay).")
    DATE_BEFORE = ("date_before", "Ngày này không được trước %(what)s (%(day)s).")
    DURATION_INVALID = ("duration_invalid", "Thời lượng phải là số phút từ 1 đến 720.")
    NOT_A_MEMBER_ON = (
        "not_a_member_on",
        "Đồng chí %(name)s không sinh hoạt tại chi bộ ngày %(day)s.",
    )
    ATTENDANCE_INCOMPLETE = (
        "attendance_incomplete",
        "Chưa điểm danh: %(names)s. Mỗi đảng viên phải dự họp ghi có mặt hoặc vắng.",
    )
    ABSENCE_REASON_REQUIRED = (
        "absence_reason_required",
        "Đồng chí %(name)s vắng có lý do: ghi lý do.",
    )
    PRESENCE_INVALID = ("presence_invalid", "Tình hình dự họp không hợp lệ: «%(value)s».")
    VOTES_EXCEED_PRESENT = (
        "votes_exceed_present",
        "Số biểu quyết (%(votes)s) nhiều hơn số có mặt (%(present)s).",
    )
    TASK_NOT_A_MEMBER = (
        "task_not_a_member",
        "Nhiệm vụ chỉ giao cho đảng viên của chi bộ; đồng chí %(name)s không sinh hoạt ở đây.",
    )
    TASK_DUE_BEFORE_MEETING = (
        "task_due_before_meeting",
        "Hạn hoàn thành không được trước ngày sinh hoạt (%(day)s).",
    )
    TASK_RESULT_INVALID = ("task_result_invalid", "Kết quả nhiệm vụ không hợp lệ.")
    TEXT_REQUIRED = ("text_required", "Ghi %(what)s.")
    ANGLE_BRACKETS = ("angle_brackets", "Không dùng ký tự < hoặc >.")
    NO_SUPERIOR = ("no_superior", "Chi bộ không có cấp ủy cấp trên trong hệ thống.")
