"""Every message the member record services and checks raise, with a stable code:
pages show the message beside the field, the API returns the code, imports
report rows by it. Numbers come from `rules.py`, passed as named placeholders."""

from __future__ import annotations

from dangvien.core.errors import ErrorCode


class MemberError(ErrorCode):
    # --- names, phone -------------------------------------------------------------
    NAME_ANGLE_BRACKETS = ("name_angle_brackets", "Họ tên không được chứa ký tự < hoặc >.")
    NAME_NOT_LETTERS = (
        "name_not_letters",
        "Họ tên chỉ gồm chữ cái, dấu cách và dấu nháy (không có chữ số hay ký hiệu «%(chars)s»).",
    )
    GIVEN_NAME_REQUIRED = ("given_name_required", "Vui lòng nhập tên.")
    FAMILY_NAME_REQUIRED = ("family_name_required", "Vui lòng nhập họ.")
    GENDER_REQUIRED = ("gender_required", "Vui lòng chọn giới tính.")
    BIRTH_DATE_REQUIRED = ("birth_date_required", "Vui lòng nhập ngày sinh (dd/mm/yyyy).")
    PHONE_INVALID = (
        "phone_invalid",
        "Số điện thoại chỉ gồm chữ số (có thể có dấu +, dấu cách, dấu chấm, gạch ngang), "
        "từ %(least)s đến %(most)s chữ số, ví dụ 0912 345 678.",
    )
    TEXT_ANGLE_BRACKETS = ("text_angle_brackets", "Không được chứa ký tự < hoặc >.")

    # --- dates --------------------------------------------------------------------
    DATE_INVALID = (
        "date_invalid",
        "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 05/03/1975.",
    )
    PARTIAL_DATE_INVALID = (
        "partial_date_invalid",
        "Ngày không hợp lệ: nhập đủ ngày (dd/mm/yyyy, ví dụ 15/03/1960), hoặc chỉ tháng và "
        "năm (mm/yyyy, ví dụ 03/1960), hoặc chỉ năm (yyyy, ví dụ 1960) khi hồ sơ gốc chỉ "
        "ghi như vậy.",
    )
    DATE_IN_FUTURE = ("date_in_future", "Ngày này không được ở tương lai.")
    ADMISSION_BEFORE_BIRTH = ("admission_before_birth", "Ngày kết nạp phải sau ngày sinh.")
    JOINING_BEFORE_BIRTH = ("joining_before_birth", "Ngày vào Đảng phải sau ngày sinh.")
    JOINING_BEFORE_DECISION = (
        "joining_before_decision",
        "Ngày vào Đảng (lễ kết nạp) không được trước ngày quyết định kết nạp.",
    )
    JOINING_NEEDED_FOR_OFFICIAL = (
        "joining_needed_for_official",
        "Cần có ngày vào Đảng để xác định ngày chính thức.",
    )
    JOINING_REQUIRED = (
        "joining_required",
        "Cần có ngày vào Đảng (ngày lễ kết nạp) cho đảng viên kết nạp mới.",
    )
    OFFICIAL_DATE_WRONG = (
        "official_date_wrong",
        "Ngày chính thức là ngày hết %(months)s tháng dự bị: %(day)s (Điều lệ Đảng, Điều 5; "
        "QĐ 24-QĐ/TW điểm 4.2.2).",
    )
    TOO_YOUNG = (
        "too_young",
        "Chưa đủ %(years)s tuổi tại thời điểm xét kết nạp (Điều lệ Đảng, Điều 1).",
    )
    TOO_OLD = (
        "too_old",
        "Quá %(years)s tuổi tại thời điểm xét kết nạp; chỉ được kết nạp khi cấp ủy trực thuộc "
        "Trung ương đồng ý (QĐ 294-QĐ/TW).",
    )

    # --- the CV birth date (Thông báo 13-TB/TW) -----------------------------------------
    BIRTH_DATE_NEEDS_DECISION = (
        "birth_date_needs_decision",
        "Ngày sinh là ngày ghi trong lý lịch đảng viên gốc (Thông báo 13-TB/TW); chỉ được sửa "
        "theo quyết định của cấp ủy có thẩm quyền: ghi số và ngày quyết định.",
    )

    # --- citizen ID, card, CV number ----------------------------------------------
    CITIZEN_ID_DIGITS = ("citizen_id_digits", "Số CCCD phải gồm đúng 12 chữ số.")
    CITIZEN_ID_LEADING_ZEROS = (
        "citizen_id_leading_zeros",
        "Số CCCD chỉ có %(count)s chữ số, thiếu %(missing)s chữ số: có thể bảng tính (Excel) "
        "đã bỏ mất các số 0 ở đầu. Nhập đủ 12 chữ số, kể cả số 0 ở đầu (có phải "
        "%(example)s?).",
    )
    CITIZEN_ID_PROVINCE = (
        "citizen_id_province",
        "Mã tỉnh nơi đăng ký khai sinh «%(code)s» trong số CCCD không tồn tại.",
    )
    CITIZEN_ID_GENDER = (
        "citizen_id_gender",
        "Số CCCD không khớp với giới tính (chữ số thứ 4).",
    )
    CITIZEN_ID_YEAR_MISMATCH = (
        "citizen_id_year_mismatch",
        "Năm sinh theo số CCCD (%(cccd_year)s) khác năm sinh trong lý lịch (%(cv_year)s). "
        "Ngày sinh của đảng viên là ngày ghi trong lý lịch gốc (Thông báo 13-TB/TW).",
    )
    OLD_IDENTITY_NUMBER_DIGITS = (
        "old_identity_number_digits",
        "Số CMND cũ phải gồm đúng 9 chữ số (số CCCD 12 số ghi ở ô «Số CCCD»).",
    )
    CITIZEN_ID_TAKEN = (
        "citizen_id_taken",
        "Số CCCD này đã có trong hồ sơ của một đảng viên khác.",
    )
    CITIZEN_ID_UNUSABLE = (
        "citizen_id_unusable",
        "Không dùng được số CCCD này cho hồ sơ. Đề nghị kiểm tra lại hoặc liên hệ ban tổ "
        "chức cấp ủy cấp trên.",
    )
    CARD_TAKEN = ("card_taken", "Số thẻ đảng viên này đã được cấp cho người khác.")
    CARD_UNUSABLE = (
        "card_unusable",
        "Không dùng được số thẻ đảng viên này cho hồ sơ. Đề nghị kiểm tra lại hoặc liên hệ "
        "ban tổ chức cấp ủy cấp trên.",
    )
    PATTERN = ("pattern", "%(label)s không đúng định dạng.")
    FIELD_NOT_WRITABLE = (
        "field_not_writable",
        "Đồng chí không được xem nên không được ghi «%(label)s» của hồ sơ này; "
        "không có gì được lưu.",
    )

    # --- photo --------------------------------------------------------------------
    PHOTO_TOO_LARGE = ("photo_too_large", "Ảnh quá lớn: tối đa %(limit)s MB.")
    PHOTO_TOO_MANY_PIXELS = (
        "photo_too_many_pixels",
        "Ảnh quá lớn: %(width)s x %(height)s điểm ảnh; tối đa %(limit)s triệu điểm ảnh.",
    )
    PHOTO_NOT_IMAGE = ("photo_not_image", "Tệp tải lên không phải là ảnh hợp lệ.")
    PHOTO_FORMAT = ("photo_format", "Ảnh phải ở định dạng JPEG, PNG hoặc WEBP.")

    # --- places -------------------------------------------------------------------
    COMMUNE_NOT_IN_PROVINCE = (
        "commune_not_in_province",
        "Xã, phường không thuộc tỉnh, thành phố đã chọn.",
    )

    # --- organisation and events ----------------------------------------------------
    NOT_A_CELL = (
        "not_a_cell",
        "Đảng viên chỉ sinh hoạt ở chi bộ, chi bộ cơ sở hoặc tổ đảng đang hoạt động.",
    )
    ORGANIZATION_REQUIRED = (
        "organization_required",
        "Cần chọn tổ chức đảng nơi đảng viên sinh hoạt.",
    )
    ORGANIZATION_NOT_ACTIVE_CELL = (
        "organization_not_active_cell",
        "Tổ chức đảng được chọn không phải chi bộ đang hoạt động.",
    )
    RECOGNISED_ON_PROBATION_END = (
        "recognised_on_probation_end",
        "Đảng viên được công nhận chính thức từ đúng ngày hết %(months)s tháng dự bị: "
        "%(day)s (QĐ 24-QĐ/TW điểm 4.2.2).",
    )
    READMISSION = ("readmission", "%(reason)s")
    EVENT_IN_FUTURE = ("event_in_future", "Ngày của sự kiện không được ở tương lai.")
    EVENT_DATE_REQUIRED = (
        "event_date_required",
        "Vui lòng nhập ngày của sự kiện theo dạng dd/mm/yyyy, ví dụ 05/03/1975.",
    )
    EVENT_OUT_OF_ORDER = (
        "event_out_of_order",
        "Không thể ghi sự kiện «%(kind)s» ngày %(day)s: không phù hợp với tình trạng "
        "đảng viên lúc đó.",
    )

    # --- dated rows ------------------------------------------------------------------
    ROW_END_BEFORE_START = ("row_end_before_start", "«Đến ngày» không được trước «Từ ngày».")
    ROW_BEFORE_BIRTH = ("row_before_birth", "Ngày này trước ngày sinh.")

    # --- a cell's vote (R1.8, R1.8a: members.rules.vote_base) --------------------------
    VOTE_NO_BASE = (
        "vote_no_base",
        "Ngày %(day)s chi bộ không có đảng viên chính thức nào được tính biểu quyết.",
    )
    VOTE_PRESENT_UNKNOWN = (
        "vote_present_unknown",
        "Danh sách có mặt chỉ gồm đảng viên chính thức của chi bộ ngày %(day)s "
        "(mã không thuộc chi bộ: %(ids)s).",
    )
    VOTES_OVER_VOTERS = (
        "votes_over_voters",
        "Số tán thành (%(votes)s) lớn hơn số đảng viên chính thức có mặt được biểu quyết "
        "(%(voters)s)%(note)s.",
    )

    # --- reads ------------------------------------------------------------------------
    NOT_FOUND = ("not_found", "Không tìm thấy.")
