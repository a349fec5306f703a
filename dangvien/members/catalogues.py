"""Catalogue data loaded by migration: the 54 official ethnic groups (Quyết định
121-TCTK/PPCĐ, 1979, codes 01-54), the religions recognised by the State, and
the education, theory, state-management, IT and occupation levels of the member
CV (1-HSĐV) and the statistical forms (3-TCTW, 4-TCTW)."""

ETHNICITIES = [
    "Kinh",
    "Tày",
    "Thái",
    "Hoa",
    "Khmer",
    "Mường",
    "Nùng",
    "Mông",
    "Dao",
    "Gia Rai",
    "Ngái",
    "Ê Đê",
    "Ba Na",
    "Xơ Đăng",
    "Sán Chay",
    "Cơ Ho",
    "Chăm",
    "Sán Dìu",
    "Hrê",
    "Mnông",
    "Ra Glai",
    "Xtiêng",
    "Bru - Vân Kiều",
    "Thổ",
    "Giáy",
    "Cơ Tu",
    "Giẻ Triêng",
    "Mạ",
    "Khơ Mú",
    "Co",
    "Tà Ôi",
    "Chơ Ro",
    "Kháng",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "La Ha",
    "Phù Lá",
    "La Hủ",
    "Lự",
    "Lô Lô",
    "Chứt",
    "Mảng",
    "Pà Thẻn",
    "Cờ Lao",
    "Cống",
    "Bố Y",
    "Si La",
    "Pu Péo",
    "Brâu",
    "Ơ Đu",
    "Rơ Măm",
]

RELIGIONS = [
    "Không",
    "Phật giáo",
    "Công giáo",
    "Tin lành",
    "Cao Đài",
    "Phật giáo Hòa Hảo",
    "Hồi giáo",
    "Bà La Môn",
    "Tôn giáo Baha'i",
    "Tịnh độ Cư sĩ Phật hội Việt Nam",
    "Tứ Ân Hiếu Nghĩa",
    "Bửu Sơn Kỳ Hương",
    "Minh Sư Đạo",
    "Minh Lý Đạo - Tam Tông Miếu",
    "Giáo hội Các Thánh hữu Ngày sau của Chúa Giê-su Ky-tô",
    "Phật giáo Hiếu Nghĩa Tà Lơn",
    "Giáo hội Cơ đốc Phục lâm Việt Nam",
]

GENERAL_EDUCATION = [
    "Tiểu học (5/12)",
    "Trung học cơ sở (9/12)",
    "Trung học phổ thông (12/12)",
    "Hệ 10 năm (7/10)",
    "Hệ 10 năm (10/10)",
    "Bổ túc văn hóa (12/12)",
]
PROFESSIONAL = ["Sơ cấp", "Trung cấp", "Cao đẳng", "Đại học"]
DEGREE = ["Thạc sĩ", "Tiến sĩ", "Tiến sĩ khoa học"]
ACADEMIC_TITLE = ["Phó Giáo sư", "Giáo sư"]
POLITICAL_THEORY = ["Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân"]
STATE_MANAGEMENT = ["Cán sự", "Chuyên viên", "Chuyên viên chính", "Chuyên viên cao cấp"]
IT = [
    "Ứng dụng CNTT cơ bản",
    "Ứng dụng CNTT nâng cao",
    "Trung cấp CNTT",
    "Cao đẳng CNTT",
    "Đại học CNTT",
]
OCCUPATION = [
    "Cán bộ, công chức",
    "Viên chức",
    "Công nhân",
    "Nông dân",
    "Quân đội",
    "Công an",
    "Giáo viên",
    "Y tế",
    "Doanh nhân, chủ doanh nghiệp",
    "Người lao động doanh nghiệp",
    "Lao động tự do",
    "Học sinh, sinh viên",
    "Nghỉ hưu",
    "Khác",
]

CATALOGUES: dict[str, list[str]] = {
    "ethnicity": ETHNICITIES,
    "religion": RELIGIONS,
    "general_education": GENERAL_EDUCATION,
    "professional": PROFESSIONAL,
    "degree": DEGREE,
    "academic_title": ACADEMIC_TITLE,
    "political_theory": POLITICAL_THEORY,
    "state_management": STATE_MANAGEMENT,
    "it": IT,
    "occupation": OCCUPATION,
}


def catalogue_rows():
    """(kind, code, name, rank) for every item; codes are 2-digit ranks."""
    for kind, names in CATALOGUES.items():
        for rank, name in enumerate(names, start=1):
            yield kind, f"{rank:02d}", name, rank
