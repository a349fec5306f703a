"""Every message the liaison services raise (exemptions, working away, residence
liaison), with a stable code: pages show the message beside the field, the API
returns the code. Numbers in messages come from `rules.py` (the rule in force on
the case's date), passed as named placeholders."""

from __future__ import annotations

from dangvien.core.errors import ErrorCode


class LiaisonError(ErrorCode):
    # --- shared -----------------------------------------------------------------
    DATE_IN_FUTURE = ("date_in_future", "Ngày này không được ở tương lai.")
    DATE_BEFORE = ("date_before", "Ngày này không được trước %(what)s (%(day)s).")
    ANGLE_BRACKETS = ("angle_brackets", "Không được chứa ký tự < hoặc >.")
    MEMBER_NOT_ACTIVE = ("member_not_active", "Chỉ đảng viên đang sinh hoạt.")

    # --- exemption ----------------------------------------------------------------
    EXEMPTION_MEMBER_NOT_ACTIVE = (
        "exemption_member_not_active",
        "Chỉ đảng viên đang sinh hoạt mới xin miễn, giảm.",
    )
    EXEMPTION_OPEN_EXISTS = (
        "exemption_open_exists",
        "Đảng viên đang có một đề nghị miễn, giảm chưa kết thúc; không thể làm đơn mới.",
    )
    ALREADY_EXEMPT = ("already_exempt", "Đảng viên đang được miễn sinh hoạt.")
    KIND_INVALID = ("kind_invalid", "Hình thức không hợp lệ.")
    GROUND_INVALID = ("ground_invalid", "Lý do (diện) không hợp lệ.")
    OLD_AGE_NOT_TEMPORARY = (
        "old_age_not_temporary",
        "Tuổi cao được xét miễn hoặc giảm, không phải tạm miễn (R3.2).",
    )
    GROUND_IS_TEMPORARY = (
        "ground_is_temporary",
        "Trường hợp này được xét tạm miễn sinh hoạt (HD 27-HD/BTCTW, R3.3).",
    )
    INABILITY_REQUIRED = (
        "inability_required",
        "Tuổi cao chưa đủ để được miễn, giảm: ghi rõ tình trạng khiến đảng viên không "
        "thể tham gia công tác và sinh hoạt đảng (HD 27-HD/BTCTW, R3.2).",
    )
    AGE_UNKNOWN = (
        "age_unknown",
        "Hồ sơ đảng viên chưa có ngày sinh hoặc giới tính: không xác định được tuổi "
        "nghỉ hưu theo Bộ luật Lao động.",
    )
    OTHER_REASON_REQUIRED = (
        "other_reason_required",
        "Trường hợp khác phải ghi rõ lý do trong đơn.",
    )
    NOT_OLD_ENOUGH = (
        "not_old_enough",
        "Ngày %(day)s đảng viên chưa quá tuổi lao động: theo Bộ luật Lao động, đủ tuổi "
        "nghỉ hưu (%(age)s) vào ngày %(reached)s; chưa thuộc diện tuổi cao "
        "(HD 27-HD/BTCTW, R3.2).",
    )
    TREATMENT_TOO_SHORT = (
        "treatment_too_short",
        "Sức khỏe yếu là bệnh cần điều trị từ %(months)s tháng trở lên (HD 27-HD/BTCTW, R3.2).",
    )
    VISIT_TOO_SHORT = (
        "visit_too_short",
        "Tạm miễn vì đi thăm thân khi thời gian từ %(months)s tháng trở lên: đến ngày "
        "%(day)s trở đi (HD 27-HD/BTCTW, R3.3).",
    )
    END_BEFORE_START = ("end_before_start", "«Đến ngày» không được trước «Từ ngày».")
    TEMPORARY_NEEDS_END = ("temporary_needs_end", "Tạm miễn phải có ngày kết thúc.")
    TEMPORARY_TOO_LONG = ("temporary_too_long", "Tạm miễn tối đa %(months)s tháng mỗi lần.")
    WORKING_AWAY_MISMATCH = ("working_away_mismatch", "Hồ sơ đi làm ăn xa không phù hợp.")
    WORKING_AWAY_NOT_REVIEWED = (
        "working_away_not_reviewed",
        "Chi bộ cần xem xét đơn báo cáo đi làm ăn xa trước khi xét tạm miễn.",
    )
    WORKING_AWAY_GROUND = (
        "working_away_ground",
        "Tạm miễn kèm hồ sơ đi làm ăn xa phải thuộc diện đi làm ăn xa, lưu động "
        "hoặc nơi làm việc chưa có tổ chức đảng.",
    )
    START_IN_FUTURE = (
        "start_in_future",
        "Ngày bắt đầu miễn ở tương lai: chỉ ghi nghị quyết khi thời gian miễn đã bắt đầu.",
    )
    REFUSAL_REASON_REQUIRED = (
        "refusal_reason_required",
        "Vui lòng ghi lý do chi bộ không đồng ý.",
    )
    RESOLUTION_NUMBER_REQUIRED = (
        "resolution_number_required",
        "Vui lòng nhập số nghị quyết của chi bộ.",
    )

    # --- working away ---------------------------------------------------------------
    RETURN_BEFORE_LEAVING = (
        "return_before_leaving",
        "Ngày dự kiến trở về không được trước ngày đi.",
    )
    WORKING_AWAY_OPEN_EXISTS = (
        "working_away_open_exists",
        "Đảng viên đang có hồ sơ đi làm ăn xa chưa kết thúc.",
    )
    PROVINCE_REQUIRED = ("province_required", "Vui lòng chọn tỉnh, thành phố nơi đến.")
    COMMUNE_REQUIRED = ("commune_required", "Vui lòng chọn xã, phường nơi đến.")
    COMMUNE_NOT_IN_PROVINCE = (
        "commune_not_in_province",
        "Xã, phường không thuộc tỉnh, thành phố đã chọn.",
    )
    DESTINATION_REQUIRED = (
        "destination_required",
        "Vui lòng ghi nơi làm việc hoặc địa chỉ tạm trú ở nơi đến.",
    )
    HOST_KIND_INVALID = ("host_kind_invalid", "Nơi nhận xét không hợp lệ.")
    PHONE_INVALID = ("phone_invalid", "Số điện thoại chỉ gồm chữ số.")
    CONTACT_KIND_INVALID = ("contact_kind_invalid", "Nội dung liên hệ không hợp lệ.")
    AMOUNT_NEGATIVE = ("amount_negative", "Số tiền không được âm.")
    DUES_AMOUNT_REQUIRED = ("dues_amount_required", "Vui lòng nhập số tiền đảng phí đã đóng.")
    SELF_REVIEW_REQUIRED = ("self_review_required", "Vui lòng tóm tắt bản tự kiểm điểm.")
    REVIEW_YEAR_INVALID = (
        "review_year_invalid",
        "Năm kiểm điểm không phù hợp với thời gian đi làm ăn xa.",
    )
    REVIEW_TOO_EARLY = (
        "review_too_early",
        "Bản kiểm điểm năm này chưa thể nhận trước năm đó.",
    )
    REVIEW_EXISTS = ("review_exists", "Đã ghi bản tự kiểm điểm năm %(year)s.")
    EXEMPTION_STILL_OPEN = (
        "exemption_still_open",
        "Đảng viên đang được tạm miễn sinh hoạt: chi bộ cần xét cho trở lại sinh hoạt "
        "trước khi kết thúc hồ sơ.",
    )

    # --- residence liaison -----------------------------------------------------------
    NOT_A_WORKPLACE_CELL = (
        "not_a_workplace_cell",
        "Chỉ giới thiệu đảng viên sinh hoạt ở chi bộ cơ quan, doanh nghiệp, đơn vị sự "
        "nghiệp, lực lượng vũ trang (QĐ 213-QĐ/TW Điều 1).",
    )
    CATEGORY_INVALID = ("category_invalid", "Diện không hợp lệ.")
    SPECIAL_DUTY = (
        "special_duty",
        "Lực lượng làm nhiệm vụ đặc biệt không giới thiệu về nơi cư trú (HD 33 mục 1.2): "
        "ghi «không giới thiệu».",
    )
    ALREADY_INTRODUCED = (
        "already_introduced",
        "Đảng viên đã được giới thiệu về nơi cư trú (hồ sơ chưa kết thúc).",
    )
    LIAISON_OPEN_EXISTS = (
        "liaison_open_exists",
        "Đảng viên đã có hồ sơ nơi cư trú chưa kết thúc.",
    )
    NO_CURRENT_RESIDENCE = (
        "no_current_residence",
        "Hồ sơ đảng viên chưa có nơi ở hiện nay (xã, phường): cập nhật hồ sơ trước.",
    )
    OUTSIDE_CELL_REQUIRED = ("outside_cell_required", "Vui lòng ghi tên chi bộ nơi cư trú.")
    CELL_REQUIRED = ("cell_required", "Vui lòng chọn chi bộ nơi cư trú.")
    CELL_NOT_UNDER_COMMITTEE = (
        "cell_not_under_committee",
        "Chi bộ phải là chi bộ đang hoạt động thuộc %(committee)s.",
    )
    GROUP_NOT_IN_CELL = ("group_not_in_cell", "Tổ, nhóm không thuộc chi bộ đã chọn.")
    GROUP_NOT_IN_RESIDENCE_CELL = (
        "group_not_in_residence_cell",
        "Tổ, nhóm không thuộc chi bộ nơi cư trú của đảng viên.",
    )
    GROUP_UNKNOWN = ("group_unknown", "Không có tổ, nhóm này.")
    GROUP_NAME_REQUIRED = ("group_name_required", "Vui lòng đặt tên tổ, nhóm.")
    GROUP_CELL_INACTIVE = ("group_cell_inactive", "Chỉ lập tổ, nhóm ở chi bộ đang hoạt động.")
    GROUP_NAME_TAKEN = ("group_name_taken", "Chi bộ đã có tổ, nhóm tên này.")
    LEADER_NOT_IN_GROUP = (
        "leader_not_in_group",
        "Tổ trưởng, nhóm trưởng phải là đảng viên trong tổ, nhóm.",
    )
    MEETING_NOT_A_CELL = ("meeting_not_a_cell", "Chỉ chi bộ nơi cư trú ghi buổi gặp mặt.")
    MEETING_NOBODY = (
        "meeting_nobody",
        "Chi bộ chưa có đảng viên giữ mối liên hệ vào ngày này.",
    )
    MEETING_STRANGER = (
        "meeting_stranger",
        "Có người được đánh dấu có mặt không thuộc danh sách.",
    )
    COMMENT_TEXT_REQUIRED = ("comment_text_required", "Vui lòng nhập nội dung nhận xét.")
    COMMENT_PURPOSE_INVALID = ("comment_purpose_invalid", "Loại nhận xét không hợp lệ.")
    COMMENT_YEAR_INVALID = (
        "comment_year_invalid",
        "Năm nhận xét phải là năm của ngày nhận xét, hoặc năm trước khi nhận xét trong "
        "thời gian kiểm điểm, xếp loại năm trước (đến hết tháng %(month)s).",
    )
    NO_YEARLY_COMMENT = (
        "no_yearly_comment",
        "Đảng viên thuộc diện miễn sinh hoạt nơi cư trú (HD 33 mục 1.1): không nhận "
        "xét hằng năm, chỉ nhận xét khi cần.",
    )
    COMMENT_EXISTS = (
        "comment_exists",
        "Đảng viên đã có nhận xét của nơi cư trú năm %(year)s; mỗi năm một lần.",
    )
    END_REASON_REQUIRED = ("end_reason_required", "Vui lòng ghi lý do kết thúc.")
