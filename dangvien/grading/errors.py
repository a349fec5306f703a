"""Coded errors of the yearly review and grading: one Vietnamese message each."""

from dangvien.core.errors import ErrorCode


class GradingError(ErrorCode):
    YEAR_INVALID = ("year_invalid", "Năm đánh giá phải từ 2018 đến năm nay (%(latest)s).")
    CAMPAIGN_OVERLAPS = (
        "campaign_overlaps",
        "Năm %(year)s đã có đợt đánh giá của «%(organization)s» bao trùm tổ chức này.",
    )
    NOT_A_COMMITTEE = (
        "not_a_committee",
        "Đợt đánh giá do cấp ủy có chi bộ trực thuộc mở; «%(organization)s» là chi bộ.",
    )
    NO_MEMBERS = ("no_members", "Không có đảng viên nào trong phạm vi để đánh giá.")
    CAMPAIGN_CLOSED = ("campaign_closed", "Đợt đánh giá năm %(year)s đã kết thúc.")
    DATE_INVALID = ("date_invalid", "Ngày này không hợp lệ: %(why)s.")
    TEXT_REQUIRED = ("text_required", "Ghi %(what)s.")
    ANGLE_BRACKETS = ("angle_brackets", "Không dùng ký tự < hoặc >.")
    FORM_INVALID = ("form_invalid", "Mẫu bản kiểm điểm «%(value)s» không có. Chọn: 2A, 2B, 2C.")
    GRADE_INVALID = ("grade_invalid", "Xếp loại «%(value)s» không có.")
    SCORE_REQUIRED = (
        "score_required",
        "Năm %(year)s xếp loại theo thang điểm 100 (Quy định 366-QĐ/TW): ghi số điểm.",
    )
    SCORE_INVALID = ("score_invalid", "Số điểm phải từ 0 đến 100.")
    GRADE_OUTSIDE_BAND = (
        "grade_outside_band",
        "%(score)s điểm thuộc mức «%(band)s»; mức «%(grade)s» phải đạt %(range)s "
        "(Quy định 366-QĐ/TW, Điều 11).",
    )
    EXCELLENT_TASKS = (
        "excellent_tasks",
        "Xếp loại hoàn thành xuất sắc cần ít nhất %(needed)s%% nhiệm vụ vượt yêu cầu; "
        "%(name)s: %(share)s (Quy định 366-QĐ/TW, Điều 11 khoản 1).",
    )
    DISCIPLINED = (
        "disciplined",
        "Đồng chí %(name)s bị kỷ luật trong năm %(year)s: xếp loại «Không hoàn thành nhiệm vụ» "
        "(HD 21-HD/BTCTW).",
    )
    NOT_GRADED_MEMBER = (
        "not_graded_member",
        "Đồng chí %(name)s không thuộc diện xếp loại năm nay (%(why)s).",
    )
    GRADE_MISSING = ("grade_missing", "Chưa ghi mức xếp loại của đồng chí %(name)s.")
    SELF_REVIEWS_MISSING = (
        "self_reviews_missing",
        "Chưa có bản tự kiểm điểm của: %(names)s. Đảng viên tự ghi, hoặc chi bộ ghi thay.",
    )
    PROPOSALS_MISSING = (
        "proposals_missing",
        "Các chi bộ chưa đề nghị xếp loại: %(names)s.",
    )
    OVER_CAP = (
        "over_cap",
        "Số xếp loại hoàn thành xuất sắc (%(excellent)s) vượt %(percent)s%% số hoàn thành tốt "
        "(%(good)s, tối đa %(cap)s) của %(organization)s. Giảm số xuất sắc, hoặc cấp ủy ghi "
        "lý do quyết định vượt tỷ lệ.",
    )
    REVIEW_NOT_IN_PROPOSAL = (
        "review_not_in_proposal",
        "Đảng viên này không thuộc đề nghị của chi bộ.",
    )
    NOT_ALL_ANNOUNCED = (
        "not_all_announced",
        "Chưa thông báo kết quả xếp loại của: %(names)s.",
    )
    STEP_STALE = (
        "step_stale",
        "Trang đã cũ: bản kiểm điểm hiện ở tình trạng «%(state)s», không %(step)s được nữa. "
        "Tải lại trang để xem bước đang chờ; chưa ghi gì.",
    )
    COLLECTIVE_TASKS_MISSING = (
        "collective_tasks_missing",
        "Năm %(year)s xếp loại tập thể theo Quy định 366-QĐ/TW, Điều 11: ghi số nhiệm vụ được "
        "giao (lớn hơn 0), số đã hoàn thành, số hoàn thành đúng tiến độ (không quá số đã hoàn "
        "thành), số vượt yêu cầu và số hạn chế đã khắc phục (không quá số đã chỉ ra).",
    )
    COLLECTIVE_ON_TIME = (
        "collective_on_time",
        "Mức «%(grade)s» của tập thể cần %(needed)s%% nhiệm vụ hoàn thành đúng tiến độ; "
        "%(name)s: %(share)s%% (Quy định 366-QĐ/TW, Điều 11).",
    )
    COLLECTIVE_EXCEEDED = (
        "collective_exceeded",
        "Mức «%(grade)s» của tập thể cần ít nhất %(needed)s%% nhiệm vụ vượt yêu cầu; "
        "%(name)s: %(share)s%% (Quy định 366-QĐ/TW, Điều 11 khoản 1).",
    )
    COLLECTIVE_SHORTCOMINGS = (
        "collective_shortcomings",
        "Mức «%(grade)s» của tập thể cần khắc phục 100%% hạn chế, khuyết điểm đã chỉ ra; "
        "%(name)s mới khắc phục %(fixed)s/%(total)s (Quy định 366-QĐ/TW, Điều 11 khoản 1).",
    )
    COLLECTIVE_DISCIPLINE = (
        "collective_discipline",
        "Mức «%(grade)s» của tập thể đòi hỏi không có tổ chức đảng trực thuộc hoặc thành viên "
        "cấp ủy bị kỷ luật trong năm; %(name)s: %(who)s (Quy định 366-QĐ/TW, Điều 11 khoản 1).",
    )
    COLLECTIVE_DONE = (
        "collective_done",
        "Mức «%(grade)s» của tập thể cần hoàn thành %(needed)s%% nhiệm vụ; %(name)s: "
        "%(share)s%% (Quy định 366-QĐ/TW, Điều 11 khoản 3).",
    )
    COLLECTIVE_LATE = (
        "collective_late",
        "Mức «%(grade)s» của tập thể chỉ cho phép không quá %(most)s%% nhiệm vụ chậm tiến độ; "
        "%(name)s: %(share)s%% (Quy định 366-QĐ/TW, Điều 11 khoản 3).",
    )
    NOT_DISCIPLINE_REASON = (
        "not_graded_reason_invalid",
        "Lý do không xếp loại «%(value)s» không có.",
    )
