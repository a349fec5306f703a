"""Coded errors of the Party badge: one Vietnamese message each."""

from dangvien.core.errors import ErrorCode


class BadgeError(ErrorCode):
    NOT_A_MILESTONE = (
        "not_a_milestone",
        "Huy hiệu Đảng chỉ xét tặng ở các mốc %(milestones)s năm tuổi đảng.",
    )
    NOT_AN_AWARD_DATE = (
        "not_an_award_date",
        "Ngày trao tặng phải là một trong các ngày 03/02, 19/05, 02/09, 07/11.",
    )
    GROUND_INVALID = ("ground_invalid", "Căn cứ đề nghị không hợp lệ.")
    GROUND_NOTE_REQUIRED = (
        "ground_note_required",
        "Xét tặng sớm cho đảng viên bị bệnh nặng phải ghi rõ tình trạng bệnh, căn cứ xác nhận.",
    )
    TOO_EARLY = (
        "too_early",
        "Đồng chí %(member)s đủ %(years)s năm tuổi đảng ngày %(day)s, sau ngày %(latest)s: "
        "chưa đủ điều kiện xét tặng đợt %(award)s%(hint)s.",
    )
    NO_PARTY_AGE = (
        "no_party_age",
        "Đồng chí %(member)s không có tuổi đảng ngày %(day)s (chưa chính thức hoặc đang "
        "gián đoạn sinh hoạt đảng).",
    )
    ALREADY = (
        "already",
        "Đồng chí %(member)s đã được đề nghị hoặc tặng Huy hiệu %(years)s năm tuổi Đảng.",
    )
    NOT_IN_PARTY = (
        "not_in_party",
        "Đồng chí %(member)s không còn sinh hoạt đảng; không đề nghị tặng Huy hiệu.",
    )
    NOT_DECEASED = (
        "not_deceased",
        "Truy tặng chỉ áp dụng cho đảng viên đã từ trần.",
    )
    DECEASED_USE_POSTHUMOUS = (
        "deceased_use_posthumous",
        "Đồng chí %(member)s đã từ trần: chọn căn cứ «truy tặng».",
    )
    NUMBER_REQUIRED = ("number_required", "Vui lòng nhập số huy hiệu.")
    NUMBER_TAKEN = ("number_taken", "Số huy hiệu %(number)s đã được cấp cho một đảng viên khác.")
    NUMBER_INVALID = (
        "number_invalid",
        "Số huy hiệu chỉ gồm chữ số, chữ cái, dấu gạch ngang hoặc gạch chéo (tối đa 32 ký tự).",
    )
    DATE_IN_FUTURE = ("date_in_future", "Ngày không được sau hôm nay.")
    DATE_BEFORE = ("date_before", "Ngày này không được trước %(what)s (%(day)s).")
    TEXT_REQUIRED = ("text_required", "Vui lòng ghi %(what)s.")
    ANGLE_BRACKETS = ("angle_brackets", "Không dùng ký tự < hoặc > trong nội dung này.")
    ROUND_EMPTY = (
        "round_empty",
        "Danh sách đề nghị đợt %(award)s chưa có đảng viên nào.",
    )
    ROUND_SUBMITTED = (
        "round_submitted",
        "Tờ trình đề nghị đợt %(award)s đã gửi; đề nghị bổ sung ghi vào đợt sau.",
    )
    NOT_GRASSROOTS = (
        "not_grassroots",
        "Danh sách đề nghị lập ở tổ chức cơ sở đảng (đảng ủy cơ sở, chi bộ cơ sở).",
    )
    OUTSIDE_ROUND = (
        "outside_round",
        "Đồng chí %(member)s không thuộc %(organization)s.",
    )
