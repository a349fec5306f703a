"""Every message of the member import (issue 13), with a stable code: the dry
run reports each row's problems by column and code, the API returns the code,
the CLI writes it into the errors file. Member-record problems keep the codes
of `dangvien.members.errors.MemberError`."""

from __future__ import annotations

from dangvien.core.errors import ErrorCode


class ImportError_(ErrorCode):  # noqa: N801 (ImportError is Python's)
    # --- the file -----------------------------------------------------------------
    FILE_EMPTY = ("file_empty", "Tệp không có dữ liệu (không có dòng nào sau dòng tiêu đề).")
    FILE_TOO_LARGE = (
        "file_too_large",
        "Tệp quá lớn: %(size)s MB; tối đa %(limit)s MB. Chia danh sách thành nhiều tệp.",
    )
    FILE_TYPE = (
        "file_type",
        "Chỉ nhận tệp Excel (.xlsx, .xls) hoặc .csv; tệp «%(name)s» không phải loại này.",
    )
    FILE_MACRO = (
        "file_macro",
        "Tệp có macro (.xlsm, .xlsb): không nhận. Lưu lại thành .xlsx (Excel Workbook) rồi "
        "tải lên.",
    )
    FILE_ENCRYPTED = (
        "file_encrypted",
        "Tệp được đặt mật khẩu: không đọc được. Mở tệp bằng Excel, bỏ mật khẩu "
        "(Tệp > Thông tin > Bảo vệ sổ làm việc), lưu lại rồi tải lên.",
    )
    FILE_UNREADABLE = (
        "file_unreadable",
        "Không đọc được tệp: tệp hỏng hoặc không đúng định dạng %(kind)s.",
    )
    CSV_ENCODING = (
        "csv_encoding",
        "Tệp .csv không ở bảng mã UTF-8: lưu lại bằng «CSV UTF-8 (phân cách bằng dấu phẩy)».",
    )
    NO_HEADER = (
        "no_header",
        "Không tìm thấy dòng tiêu đề có cột «Họ và tên» (hoặc «Họ», «Tên») và «Ngày sinh» "
        "trong %(rows)s dòng đầu của trang tính «%(sheet)s»: có thể đã chọn nhầm trang tính.",
    )
    MAPPING_MISSING = (
        "mapping_missing",
        "Chưa chọn cột cho: %(fields)s.",
    )
    MAPPING_TWICE = ("mapping_twice", "Cột «%(field)s» được chọn cho nhiều cột của tệp.")
    MAPPING_UNKNOWN = ("mapping_unknown", "Trường «%(field)s» không có trong danh sách.")

    # --- values ---------------------------------------------------------------------
    DATE_UNREADABLE = (
        "date_unreadable",
        "Không đọc được ngày «%(value)s»: ghi dd/mm/yyyy (05/03/1975), mm/yyyy (03/1975) "
        "hoặc yyyy (1975).",
    )
    DATE_NOT_EXIST = ("date_not_exist", "Ngày «%(value)s» không có trong lịch.")
    DATE_YEAR_RANGE = (
        "date_year_range",
        "Năm %(year)s ngoài khoảng hợp lý (%(least)s đến nay).",
    )
    GENDER_UNREADABLE = (
        "gender_unreadable",
        "Không đọc được giới tính «%(value)s»: ghi «Nam» hoặc «Nữ».",
    )
    CITIZEN_ID_SCIENTIFIC = (
        "citizen_id_scientific",
        "Số CCCD «%(value)s» ở dạng số mũ khoa học: bảng tính (Excel) đã coi số CCCD là số "
        "và làm tròn, các chữ số cuối đã mất. Định dạng cột là Văn bản (Text) và nhập lại "
        "đủ 12 chữ số.",
    )
    CITIZEN_ID_OLD_NUMBER = (
        "citizen_id_old_number",
        "«%(value)s» là số CMND cũ (9 chữ số), không phải số CCCD; đã ghi vào ô số CMND cũ.",
    )
    OLD_ID_FORMAT = ("old_id_format", "Số CMND cũ phải gồm đúng 9 chữ số.")
    NAME_LEGACY_ENCODING = (
        "name_legacy_encoding",
        "Họ tên «%(value)s» được gõ bằng bảng mã cũ %(encoding)s; đọc ra là «%(converted)s». "
        "Chọn «Chuyển bảng mã cũ sang Unicode» để nhập theo cách đọc này, hoặc sửa trong tệp.",
    )
    NAME_KEYBOARD_RESIDUE = (
        "name_keyboard_residue",
        "Họ tên «%(value)s» còn ký tự của kiểu gõ %(scheme)s (bộ gõ tiếng Việt chưa bật); "
        "có phải «%(converted)s»? Sửa trong tệp.",
    )
    NAME_REQUIRED = ("name_required", "Thiếu họ và tên.")
    TEXT_LEGACY_ENCODING = (
        "text_legacy_encoding",
        "«%(value)s» được gõ bằng bảng mã cũ %(encoding)s; đọc ra là «%(converted)s».",
    )

    # --- rows -----------------------------------------------------------------------
    CELL_REQUIRED = (
        "cell_required",
        "Thiếu «Chi bộ»: ghi tên hoặc mã chi bộ thuộc «%(organization)s».",
    )
    CELL_NOT_FOUND = (
        "cell_not_found",
        "Không có chi bộ đang hoạt động «%(value)s» thuộc «%(organization)s».",
    )
    CELL_AMBIGUOUS = (
        "cell_ambiguous",
        "Có %(count)s chi bộ tên «%(value)s» thuộc «%(organization)s»: ghi mã chi bộ (%(codes)s).",
    )
    CELL_DIFFERS = (
        "cell_differs",
        "Đảng viên này đang sinh hoạt ở «%(current)s», không phải «%(value)s»: chuyển sinh "
        "hoạt đảng theo thủ tục, không sửa bằng nhập dữ liệu.",
    )
    DUPLICATE_IN_FILE = (
        "duplicate_in_file",
        "%(label)s «%(value)s» trùng với dòng %(row)s của tệp.",
    )
    MEMBER_OUTSIDE_SCOPE = (
        "member_outside_scope",
        "Không dùng được %(label)s này cho hồ sơ. Đề nghị kiểm tra lại hoặc liên hệ ban tổ "
        "chức cấp ủy cấp trên.",
    )
    NOT_WRITABLE = (
        "not_writable",
        "Đồng chí không được nhập dữ liệu vào «%(organization)s».",
    )
    CATALOG_UNKNOWN = (
        "catalog_unknown",
        "«%(value)s» không có trong danh mục %(catalog)s. Ghi một trong: %(names)s.",
    )
    PLACE_OLD_NAME = (
        "place_old_name",
        "%(note)s. Địa danh được giữ nguyên như trong tệp; tỉnh, xã được ghi theo đơn vị "
        "hành chính hiện nay.",
    )
    NUMBER_TAKEN_MEANWHILE = (
        "number_taken_meanwhile",
        "Trong lúc nhập, một số CCCD hoặc số thẻ đảng viên trong tệp đã được ghi cho hồ sơ "
        "khác: chưa nhập gì. Kiểm tra lại tệp rồi nhập.",
    )
    RECORD_CHANGED = (
        "record_changed",
        "Hồ sơ của dòng này đã được sửa sau khi kiểm tra tệp: chưa nhập gì. Kiểm tra lại tệp "
        "rồi nhập.",
    )
    JOB_STATE = ("job_state", "Lượt nhập này đang ở trạng thái «%(status)s»: không thực hiện được.")
