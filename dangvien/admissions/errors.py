"""Every message the admission and recognition services refuse with: a stable
code (returned by the API, reported by imports) and the Vietnamese text with
named placeholders. Numbers of the regulations are never written here: the
services fill them from the rule in force on the case's date (rules.py)."""

from __future__ import annotations

from dangvien.core.errors import ErrorCode


class AdmissionError(ErrorCode):
    # --- opening a file -----------------------------------------------------------
    NOT_ACTIVE_CELL = ("not_active_cell", "Chỉ chi bộ đang hoạt động mới xét kết nạp.")
    FAMILY_NAME_REQUIRED = ("family_name_required", "Vui lòng nhập họ.")
    GIVEN_NAME_REQUIRED = ("given_name_required", "Vui lòng nhập tên.")
    NAME_CHARACTERS = ("name_characters", "Họ tên không được chứa ký tự < hoặc >.")
    GENDER_REQUIRED = ("gender_required", "Vui lòng chọn giới tính.")
    BIRTH_DATE_REQUIRED = ("birth_date_required", "Vui lòng nhập ngày sinh.")
    BIRTH_AFTER_OPENING = ("birth_after_opening", "Ngày sinh phải trước ngày mở hồ sơ.")
    APPLICATION_REQUIRED = ("application_required", "Vui lòng nhập ngày làm đơn.")
    APPLICATION_AFTER_OPENING = (
        "application_after_opening",
        "Ngày làm đơn không được sau ngày mở hồ sơ.",
    )
    CERTIFICATE_NUMBER_REQUIRED = (
        "certificate_number_required",
        "Vui lòng nhập số giấy chứng nhận lớp nhận thức về Đảng.",
    )
    EDUCATION_REQUIRED = ("education_required", "Vui lòng nhập trình độ giáo dục phổ thông.")
    EDUCATION_EXCEPTION_REQUIRED = (
        "education_exception_required",
        "Chưa tốt nghiệp THCS: cần ghi rõ trường hợp được châm chước (vùng, đối tượng, "
        "văn bản hướng dẫn) (QĐ 24-QĐ/TW điểm 1.2).",
    )
    NOT_FORMER_MEMBER = ("not_former_member", "Chỉ xét kết nạp lại người đã ra khỏi Đảng.")
    LEAVING_CATEGORY_REQUIRED = (
        "leaving_category_required",
        "Vui lòng chọn lý do đã ra khỏi Đảng.",
    )
    READMISSION_OPEN = ("readmission_open", "Người này đã có hồ sơ kết nạp lại đang mở.")
    # --- dates ----------------------------------------------------------------------
    DATE_REQUIRED = ("date_required", "Vui lòng nhập ngày.")
    DATE_IN_FUTURE = ("date_in_future", "Ngày này không được ở tương lai.")
    DATE_BEFORE = ("date_before", "Ngày này không được trước %(what)s (%(day)s).")
    # --- dossier --------------------------------------------------------------------
    NOT_STALE_YET = (
        "out_of_order",
        "Hồ sơ đã đầy đủ; chỉ làm lại khi đã quá %(months)s tháng mà chi bộ chưa xét "
        "(từ ngày %(stale_from)s).",
    )
    CV_NOT_VERIFIED = (
        "cv_not_verified",
        "Lý lịch phải được thẩm tra, xác minh (HD 12-HD/BTCTW điểm 1.5).",
    )
    CV_AFTER_DOSSIER = (
        "cv_after_dossier",
        "Ngày thẩm tra lý lịch không được sau ngày hồ sơ đầy đủ.",
    )
    CV_BY_REQUIRED = ("cv_by_required", "Vui lòng ghi người, nơi thẩm tra lý lịch.")
    INTRODUCTION_KIND_REQUIRED = (
        "introduction_kind_required",
        "Vui lòng chọn hình thức giới thiệu.",
    )
    INTRODUCER_REQUIRED = ("introducer_required", "Vui lòng chọn %(label)s.")
    INTRODUCER_NOT_OFFICIAL = (
        "introducer_not_official",
        "%(label)s phải là đảng viên chính thức ngày %(day)s (Điều lệ Đảng Điều 4).",
    )
    INTRODUCERS_SAME = (
        "introducers_same",
        "Hai người giới thiệu phải là hai đảng viên khác nhau.",
    )
    UNION_RESOLUTION_REQUIRED = (
        "union_resolution_required",
        "Cần nghị quyết giới thiệu của Đoàn / Công đoàn cơ sở (Điều lệ Đảng Điều 4).",
    )
    ONE_INTRODUCER_ONLY = (
        "one_introducer_only",
        "Với nghị quyết của Đoàn / Công đoàn chỉ cần một đảng viên.",
    )
    RESIDENCE_COMMENT_REQUIRED = (
        "residence_comment_required",
        "Cần nhận xét của chi ủy (chi bộ) nơi cư trú (R1.7).",
    )
    MASS_ORG_COMMENT_REQUIRED = (
        "mass_org_comment_required",
        "Cần nhận xét của đoàn thể chính trị - xã hội (R1.7).",
    )
    # --- the cell's vote ------------------------------------------------------------
    VOTES_NEGATIVE = ("votes_negative", "Số tán thành phải là số không âm.")
    NO_OFFICIALS = (
        "no_officials",
        "Chi bộ không có đảng viên chính thức nào ngày %(day)s.",
    )
    VOTES_OVER_OFFICIALS = (
        "votes_over_officials",
        "Số tán thành (%(votes)s) lớn hơn số đảng viên chính thức của chi bộ ngày %(day)s "
        "(%(officials)s).",
    )
    STALE = (
        "stale",
        "Hồ sơ đã quá %(months)s tháng từ ngày %(since)s mà chi bộ chưa xét: phải làm lại "
        "thư giới thiệu, nghị quyết Đoàn / Công đoàn và các bản nhận xét trước khi biểu "
        "quyết (HD 01-HD/TW).",
    )
    RULE = ("rule", "%(message)s")
    # --- higher committees ----------------------------------------------------------
    NOTE_REQUIRED = ("note_required", "Vui lòng ghi kết luận của cấp ủy cấp trên.")
    CONCLUSION_REQUIRED = ("conclusion_required", "Vui lòng chọn kết luận.")
    RESOLUTION_NUMBER_REQUIRED = ("resolution_number_required", "Vui lòng nhập số nghị quyết.")
    EXTENSION_NOT_LONGER = (
        "extension_not_longer",
        "Số ngày gia hạn phải lớn hơn lần gia hạn trước.",
    )
    EXTENSION_REASON_REQUIRED = ("extension_reason_required", "Vui lòng ghi lý do gia hạn.")
    ADMISSION_LATE = (
        "late",
        "Quá thời hạn quyết định kết nạp: hạn là %(deadline)s (%(days)s ngày làm việc từ nghị "
        "quyết chi bộ%(extended)s). Cần gia hạn (tối đa %(max_extension)s ngày làm việc) có lý "
        "do, hoặc cấp ủy phải kiểm điểm trước cấp trên (QĐ 294-QĐ/TW).",
    )
    RECOGNITION_LATE = (
        "late",
        "Quá thời hạn quyết định: hạn là %(deadline)s (%(days)s ngày làm việc từ nghị quyết chi "
        "bộ). Cần gia hạn (tối đa %(max_extension)s ngày làm việc) có lý do (QĐ 294-QĐ/TW).",
    )
    READMISSION_APPROVAL_REQUIRED = (
        "readmission_approval_required",
        "Kết nạp lại cần văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy trước khi "
        "quyết định (QĐ 294-QĐ/TW điểm 3.5.1).",
    )
    CEREMONY_LATE = (
        "ceremony_late",
        "Quá hạn tổ chức lễ kết nạp (%(deadline)s, %(days)s ngày làm việc từ khi nhận "
        "quyết định): cần ghi văn bản đồng ý của cấp ủy cấp trên (QĐ 294-QĐ/TW điểm 4.1).",
    )
    CLOSE_REASON_REQUIRED = ("close_reason_required", "Vui lòng ghi lý do đóng hồ sơ.")
    # --- recognition ----------------------------------------------------------------
    NOT_PROBATIONARY = (
        "not_probationary",
        "Chỉ mở hồ sơ công nhận chính thức cho đảng viên dự bị.",
    )
    TOO_EARLY_TO_OPEN = (
        "too_early",
        "Chưa đến thời điểm xét: hết dự bị ngày %(end)s; hồ sơ mở sớm nhất từ %(earliest)s "
        "(Điều lệ Đảng Điều 5).",
    )
    RECOGNITION_EXISTS = (
        "recognition_exists",
        "Đảng viên này đã có hồ sơ công nhận chính thức.",
    )
    PROPOSAL_REQUIRED = ("proposal_required", "Vui lòng chọn nội dung đề nghị.")
    PROBATION_NOT_OVER = (
        "probation_not_over",
        "Chưa hết thời gian dự bị %(months)s tháng (hết ngày %(end)s); chi bộ chỉ xét công "
        "nhận chính thức sau đó (Điều lệ Đảng Điều 5).",
    )
    NO_LONGER_PROBATIONARY = (
        "no_longer_probationary",
        "Đảng viên không còn là đảng viên dự bị.",
    )
    DELETION_REASON_REQUIRED = ("deletion_reason_required", "Vui lòng ghi lý do xóa tên.")
    # --- yearly targets -------------------------------------------------------------
    TARGET_COUNT_INVALID = (
        "target_count_invalid",
        "Chỉ tiêu kết nạp là số nguyên từ 0 đến %(most)s.",
    )
    TARGET_YEAR_INVALID = (
        "target_year_invalid",
        "Chỉ giao chỉ tiêu cho năm từ %(first)s đến %(last)s (năm trước, năm nay, năm sau; "
        "không trước năm tổ chức được thành lập).",
    )
    TARGET_ORGANIZATION_DISSOLVED = (
        "target_organization_dissolved",
        "Tổ chức «%(organization)s» đã giải thể ngày %(day)s, không giao chỉ tiêu.",
    )
