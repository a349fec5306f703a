import datetime as dt

from dangvien.documents import rules
from dangvien.documents.models import DocumentKind
from dangvien.documents.render import vote_sentence
from dangvien.organizations.models import Level

DAY = dt.date(2026, 3, 7)


def test_symbol_pads_to_two_digits_and_names_the_issuer_by_level():
    assert rules.document_symbol(7, DocumentKind.DECISION, Level.SUPERIOR, DAY) == "07-QĐ/ĐU"
    assert rules.document_symbol(128, DocumentKind.LETTER, Level.GRASSROOTS_COMMITTEE, DAY) == (
        "128-CV/ĐU"
    )
    assert rules.document_symbol(1, DocumentKind.RESOLUTION, Level.CELL, DAY) == "01-NQ/CB"
    assert rules.document_symbol(3, DocumentKind.REPORT, Level.PROVINCIAL, DAY) == "03-BC/TU"


def test_unconfirmed_tables_can_be_overridden(settings):
    settings.DANGVIEN_RULE_OVERRIDES = {"document_issuer_abbreviations": {Level.CELL: "CBO"}}
    assert rules.document_symbol(1, DocumentKind.RESOLUTION, Level.CELL, DAY) == "01-NQ/CBO"
    assert rules.document_symbol(1, DocumentKind.RESOLUTION, Level.SUPERIOR, DAY) == "01-NQ"


def test_place_and_date_line_as_in_the_seed_letter():
    assert (
        rules.place_date_line("Xuân Đông", dt.date(2023, 3, 7))
        == "Xuân Đông, ngày 07 tháng 03 năm 2023"
    )
    assert rules.place_date_line("", dt.date(2026, 12, 25)) == "Ngày 25 tháng 12 năm 2026"
    assert rules.place_name("Xã Cẩm Xuyên") == "Cẩm Xuyên"
    assert rules.place_name("Thành phố Hà Nội") == "Hà Nội"
    assert rules.place_name("Đặc khu Phú Quốc") == "Phú Quốc"


def test_term_key():
    starts = [dt.date(2020, 10, 1), dt.date(2025, 10, 1)]
    assert rules.term_key(DocumentKind.DECISION, dt.date(2019, 1, 1), starts) == rules.NO_TERM
    assert rules.term_key(DocumentKind.DECISION, dt.date(2025, 9, 30), starts) == starts[0]
    assert rules.term_key(DocumentKind.DECISION, dt.date(2025, 10, 1), starts) == starts[1]
    assert rules.term_key(DocumentKind.TRANSFER_LETTER, dt.date(2025, 10, 1), starts) == (
        rules.NO_TERM
    )


def test_vote_sentence():
    assert vote_sentence({"total": 3, "present": 3, "agree": 2}) == (
        "Tổng số đảng viên của chi bộ: 3 đồng chí; có mặt: 3 đồng chí, vắng mặt 0 đồng chí; "
        "số đồng chí tán thành: 2/3 (đạt 66,67%)."
    )
    assert vote_sentence({"agree": 5}) == "Số đồng chí tán thành: 5."
    assert vote_sentence(None) == ""
    assert vote_sentence({"total": "mười"}) == ""
