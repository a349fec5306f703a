"""One render test per template, with real Vietnamese text, read back with python-docx."""

import datetime as dt

import pytest

from dangvien.core.actors import SYSTEM
from dangvien.documents.models import DocumentKind
from dangvien.documents.services import document_issue, document_render

from .docx_reading import assert_header, assert_page, body_text, open_docx, run_of, style_of, texts

pytestmark = pytest.mark.django_db

SIGNATURE = {
    "signer_capacity": "T/M Ban Thường vụ",
    "signer_title": "Bí thư",
    "signer_name": "Đào Ngọc Minh",
    "recipients": ["Chi bộ thôn Đông;", "Đảng viên có tên tại Điều 1;", "Lưu VPĐU."],
}


def _issue(tree, kind, summary, context, org="commune", day=dt.date(2026, 3, 7)):
    document = document_issue(
        actor=SYSTEM,
        organization=tree[org],
        kind=kind,
        date=day,
        summary=summary,
        context=context,
        concerns_path=tree["cell_a"].path,
    )
    return document, open_docx(document_render(document))


def assert_signature(doc, capacity="T/M BAN THƯỜNG VỤ", title="BÍ THƯ", name="Đào Ngọc Minh"):
    lines = texts(doc)
    assert lines.index(capacity) + 1 == lines.index(title) < lines.index(name)
    for text in (capacity, title, name):
        assert style_of(run_of(doc, text))["bold"] is True


def test_decision_renders_header_articles_and_signature(tree):
    document, doc = _issue(
        tree,
        DocumentKind.DECISION,
        "về việc kết nạp đảng viên",
        {
            **SIGNATURE,
            "authority": "Ban Thường vụ Đảng ủy xã Cẩm Xuyên",
            "bases": [
                "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
                "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương;",
            ],
            "articles": [
                "Kết nạp quần chúng Nguyễn Thị Hường, sinh ngày 15/03/1998, vào Đảng Cộng sản "
                "Việt Nam.",
                "Chi bộ thôn Đông và đồng chí có tên tại Điều 1 thi hành Quyết định này.",
            ],
        },
    )
    assert document.symbol == "01-QĐ/ĐU"
    assert_page(doc)
    assert_header(
        doc,
        superior="ĐẢNG BỘ TỈNH HÀ TĨNH",
        issuer="ĐẢNG ỦY XÃ CẨM XUYÊN",
        number="Số 01-QĐ/ĐU",
        date_line="Cẩm Xuyên, ngày 07 tháng 03 năm 2026",
    )
    lines = texts(doc)
    title = lines.index("QUYẾT ĐỊNH")
    assert lines[title + 1 : title + 3] == ["về việc kết nạp đảng viên", "-----"]
    assert style_of(run_of(doc, "QUYẾT ĐỊNH"))["bold"] is True
    assert style_of(run_of(doc, "QUYẾT ĐỊNH"))["size"] == 15
    assert style_of(run_of(doc, "về việc kết nạp"))["bold"] is True
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY XÃ CẨM XUYÊN" in lines
    assert "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;" in lines
    assert any(line.startswith("Điều 1. Kết nạp quần chúng Nguyễn Thị Hường") for line in lines)
    assert any(line.startswith("Điều 2. Chi bộ thôn Đông") for line in lines)
    assert style_of(run_of(doc, "Điều 2. "))["bold"] is True
    assert style_of(run_of(doc, "Chi bộ thôn Đông và"))["bold"] is False
    assert style_of(run_of(doc, "Chi bộ thôn Đông và"))["size"] == 14
    assert lines[lines.index("Nơi nhận:") + 1] == "- Chi bộ thôn Đông;"
    assert "- Lưu VPĐU." in lines
    nơi_nhận = style_of(run_of(doc, "Nơi nhận:"))
    assert nơi_nhận["bold"] and nơi_nhận["italic"] and nơi_nhận["size"] == 12
    assert style_of(run_of(doc, "- Lưu VPĐU."))["size"] == 12
    assert_signature(doc)
    assert "{{" not in body_text(doc) and "{%" not in body_text(doc)


def test_resolution_renders_vote_and_numbered_resolutions(tree):
    document, doc = _issue(
        tree,
        DocumentKind.RESOLUTION,
        "đề nghị kết nạp đảng viên",
        {
            "signer_capacity": "T/M Chi bộ",
            "signer_title": "Bí thư",
            "signer_name": "Lê Văn Thắng",
            "recipients": ["Đảng ủy xã Cẩm Xuyên;", "Lưu Chi bộ."],
            "bases": ["Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"],
            "preamble": [
                "Ngày 05/3/2026, Chi bộ thôn Đông họp xét đơn xin vào Đảng của quần chúng "
                "Nguyễn Thị Hường."
            ],
            "vote": {"total": 12, "present": 11, "agree": 9, "disagree": 2},
            "resolutions": [
                "Đề nghị Đảng ủy xã Cẩm Xuyên xét, kết nạp quần chúng Nguyễn Thị Hường vào Đảng.",
                "Giao đồng chí Bí thư chi bộ hoàn chỉnh hồ sơ.",
            ],
        },
        org="cell_a",
    )
    assert document.symbol == "01-NQ/CB"
    assert_page(doc)
    assert_header(
        doc,
        superior="ĐẢNG ỦY XÃ CẨM XUYÊN",
        issuer="CHI BỘ THÔN ĐÔNG",
        number="Số 01-NQ/CB",
        date_line="Cẩm Xuyên, ngày 07 tháng 03 năm 2026",  # the commune above the cell
    )
    lines = texts(doc)
    assert "NGHỊ QUYẾT" in lines and "QUYẾT NGHỊ:" in lines
    assert (
        "Tổng số đảng viên của chi bộ: 12 đồng chí; có mặt: 11 đồng chí, vắng mặt 1 đồng chí; "
        "số đồng chí tán thành: 9/12 (đạt 75%); số đồng chí không tán thành: 2/12 "
        "(đạt 16,67%)."
    ) in lines
    assert lines.index("QUYẾT NGHỊ:") < lines.index(
        "1. Đề nghị Đảng ủy xã Cẩm Xuyên xét, kết nạp quần chúng Nguyễn Thị Hường vào Đảng."
    )
    assert "2. Giao đồng chí Bí thư chi bộ hoàn chỉnh hồ sơ." in lines
    assert_signature(doc, capacity="T/M CHI BỘ", name="Lê Văn Thắng")


def test_letter_puts_summary_under_number_and_lists_addressees(tree):
    document, doc = _issue(
        tree,
        DocumentKind.LETTER,
        "tăng cường công tác quản lý đảng viên",
        {
            **SIGNATURE,
            "signer_capacity": "T/M Đảng ủy xã",
            "addressees": ["Các đồng chí Đảng ủy viên;", "Các chi bộ trực thuộc Đảng ủy xã."],
            "paragraphs": [
                "Trong những năm qua, Đảng ủy xã và các chi bộ trực thuộc luôn quan tâm đến "
                "công tác quản lý đảng viên.",
                "Nhận được văn bản này đề nghị các chi bộ trực thuộc tổ chức quán triệt.",
            ],
            "recipients": ["Như kính gửi;", "Lưu VPĐU."],
        },
    )
    assert document.symbol == "01-CV/ĐU"
    assert_page(doc)
    lines = texts(doc)
    assert lines[:5] == [
        "ĐẢNG BỘ TỈNH HÀ TĨNH",
        "ĐẢNG ỦY XÃ CẨM XUYÊN",
        "*",
        "Số 01-CV/ĐU",
        "V/v tăng cường công tác quản lý đảng viên",
    ]
    summary = style_of(run_of(doc, "V/v tăng cường"))
    assert summary["italic"] and summary["size"] == 12
    assert "Kính gửi:" in lines
    assert lines[lines.index("Kính gửi:") + 1] == "- Các đồng chí Đảng ủy viên;"
    assert any(line.startswith("Trong những năm qua") for line in lines)
    body = run_of(doc, "Trong những năm qua")
    assert style_of(body)["size"] == 14 and style_of(body)["font"] == "Times New Roman"
    assert body._parent.alignment == 3  # justified
    assert "QUYẾT ĐỊNH" not in lines
    assert_signature(doc, capacity="T/M ĐẢNG ỦY XÃ")


def test_report_uses_the_general_template(tree):
    _document, doc = _issue(
        tree,
        DocumentKind.REPORT,
        "kết quả công tác phát triển đảng viên năm 2025",
        {**SIGNATURE, "paragraphs": ["Năm 2025, toàn Đảng bộ kết nạp được 15 đảng viên mới."]},
    )
    lines = texts(doc)
    assert "BÁO CÁO" in lines and "Số 01-BC/ĐU" in lines
    assert "Năm 2025, toàn Đảng bộ kết nạp được 15 đảng viên mới." in lines


TRANSFER = {
    "member_name": "Trần Thị Lý",
    "birth_date": dt.date(1990, 8, 2),
    "gender": "Nữ",
    "membership": "chính thức",
    "joining_date": dt.date(2015, 5, 19),
    "official_date": dt.date(2016, 5, 19),
    "card_number": "42.012345",
    "cv_number": "42-1234",
    "from_organization": "Chi bộ thôn Đông, Đảng bộ xã Cẩm Xuyên",
    "to_organization": "Đảng ủy phường Thành Sen, Đảng bộ tỉnh Hà Tĩnh",
    "dues_paid_through": "10/2026",
    "present_by": dt.date(2026, 4, 20),
    "signer_capacity": "T/M Ban Thường vụ",
    "signer_title": "Phó Bí thư",
    "signer_name": "Đào Ngọc Minh",
    "recipients": ["Như trên;", "Lưu VPĐU."],
}


def test_permanent_transfer_letter_has_fields_and_receipt(tree):
    document, doc = _issue(
        tree,
        DocumentKind.TRANSFER_LETTER,
        "",
        {**TRANSFER, "permanent": True, "register_number": "125"},
    )
    assert document.symbol == "01-GTSHĐ/ĐU"
    assert_page(doc)
    assert_header(
        doc,
        superior="ĐẢNG BỘ TỈNH HÀ TĨNH",
        issuer="ĐẢNG ỦY XÃ CẨM XUYÊN",
        number="Số 01-GTSHĐ/ĐU",
        date_line="Cẩm Xuyên, ngày 07 tháng 03 năm 2026",
    )
    lines = texts(doc)
    title = lines.index("GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG")
    assert lines[title + 1] == "(Chính thức)"
    assert "Kính gửi: Đảng ủy phường Thành Sen, Đảng bộ tỉnh Hà Tĩnh" in lines
    for expected in (
        "Giới thiệu đồng chí: Trần Thị Lý",
        "Giới tính: Nữ",
        "Sinh ngày: 02/08/1990",
        "Là đảng viên: chính thức",
        "Vào Đảng ngày: 19/05/2015",
        "Chính thức ngày: 19/05/2016",
        "Số thẻ đảng viên: 42.012345",
        "Số lý lịch: 42-1234",
        "Hiện sinh hoạt tại: Chi bộ thôn Đông, Đảng bộ xã Cẩm Xuyên",
        "Được chuyển đến sinh hoạt đảng chính thức tại: Đảng ủy phường Thành Sen, "
        "Đảng bộ tỉnh Hà Tĩnh",
        "Đã đóng đảng phí hết tháng: 10/2026",
        "Đề nghị đồng chí trình giấy này trước ngày: 20/04/2026",
        "Số GTSHĐ: 125",
    ):
        assert expected in lines, expected
    assert not any(line.startswith("Giấy có giá trị đến ngày") for line in lines)  # omitted
    assert style_of(run_of(doc, "Trần Thị Lý"))["bold"] is True
    assert_signature(doc, title="PHÓ BÍ THƯ")
    receipt = lines.index("PHẦN XÁC NHẬN CỦA TỔ CHỨC ĐẢNG NƠI ĐẾN")
    assert receipt > lines.index("Đào Ngọc Minh")
    assert lines[receipt + 1] == (
        "Đảng ủy phường Thành Sen, Đảng bộ tỉnh Hà Tĩnh đã nhận giấy giới thiệu sinh hoạt "
        "đảng chính thức số 01-GTSHĐ/ĐU ngày 07/03/2026 giới thiệu đồng chí Trần Thị Lý."
    )
    assert "(Ký tên, đóng dấu)" in lines


def test_temporary_transfer_letter_says_temporary_and_register_defaults_to_number(tree):
    document, doc = _issue(
        tree,
        DocumentKind.TRANSFER_LETTER,
        "",
        {**TRANSFER, "permanent": False, "valid_until": dt.date(2026, 12, 31)},
    )
    lines = texts(doc)
    assert "(Tạm thời)" in lines and "(Chính thức)" not in lines
    assert any("sinh hoạt đảng tạm thời tại:" in line for line in lines)
    assert "Giấy có giá trị đến ngày: 31/12/2026" in lines
    assert f"Số GTSHĐ: {document.number:02d}" in lines


def test_residence_introduction_cites_qd_213(tree):
    document, doc = _issue(
        tree,
        DocumentKind.RESIDENCE_INTRODUCTION,
        "",
        {
            "member_name": "Phạm Quốc Hưng",
            "birth_date": dt.date(1982, 11, 30),
            "post": "Phó Giám đốc Sở Y tế tỉnh Hà Tĩnh",
            "residence": "Tổ dân phố 5, phường Thành Sen, tỉnh Hà Tĩnh",
            "to_organization": "Đảng ủy phường Thành Sen",
            "paragraphs": ["Đồng chí có trách nhiệm báo cáo với chi bộ nơi cư trú."],
            "signer_capacity": "T/M Đảng ủy",
            "signer_title": "Bí thư",
            "signer_name": "Võ Thị Hạnh",
            "recipients": ["Như trên;", "Lưu VP."],
        },
        org="agency",
    )
    assert document.symbol == "01-GGT/ĐU"
    assert_page(doc)
    lines = texts(doc)
    assert lines[:4] == ["ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG BỘ SỞ Y TẾ", "*", "Số 01-GGT/ĐU"]
    assert "Hà Tĩnh, ngày 07 tháng 03 năm 2026" in lines  # the province when no commune
    assert "GIẤY GIỚI THIỆU" in lines
    assert (
        "Đảng viên đang công tác về giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"
        in lines
    )
    assert "Kính gửi: Đảng ủy phường Thành Sen" in lines
    assert "Chức vụ, đơn vị công tác: Phó Giám đốc Sở Y tế tỉnh Hà Tĩnh" in lines
    assert "Nơi cư trú: Tổ dân phố 5, phường Thành Sen, tỉnh Hà Tĩnh" in lines
    assert "Sinh ngày: 30/11/1982" in lines
    assert any("Quy định số 213-QĐ/TW ngày 02/01/2020" in line for line in lines)
    assert "Đồng chí có trách nhiệm báo cáo với chi bộ nơi cư trú." in lines
    assert_signature(doc, capacity="T/M ĐẢNG ỦY", name="Võ Thị Hạnh")


def test_user_text_with_markup_renders_literally(tree):
    hostile = 'Nguyễn <script>alert("x")</script> & Cộng sự <w:p/>'
    _document, doc = _issue(
        tree,
        DocumentKind.LETTER,
        "trả lời <b>đơn</b> & kiến nghị",
        {"paragraphs": [hostile], "addressees": ["A & B <c>"], "signer_name": "<Tên>"},
    )
    lines = texts(doc)
    assert hostile in lines
    assert "V/v trả lời <b>đơn</b> & kiến nghị" in lines
    assert "Kính gửi: A & B <c>" in lines
    assert "<Tên>" in lines


def test_missing_optional_keys_are_left_out(tree):
    _document, doc = _issue(tree, DocumentKind.DECISION, "", {"unknown": object()})
    lines = texts(doc)
    assert "Nơi nhận:" not in lines
    assert "QUYẾT ĐỊNH" in lines and "QUYẾT ĐỊNH:" in lines
    assert not any(line.startswith("Điều") for line in lines)
    assert "{{" not in body_text(doc)


def test_control_characters_are_dropped_so_word_opens_the_file(tree):
    _document, doc = _issue(
        tree, DocumentKind.LETTER, "v\x00iệc", {"paragraphs": ["Dòng\x07 một\x1b"]}
    )
    lines = texts(doc)
    assert "V/v việc" in lines and "Dòng một" in lines
