"""Papers carry their signer, name real recipients, state a resolution's counts
and cite the resolution a decision follows (issue 9.3)."""

import datetime as dt
import io
import os
import shutil
from pathlib import Path

import docx
import pytest
import time_machine

from dangvien.core.actors import SYSTEM
from dangvien.documents.models import DocumentKind
from dangvien.documents.selectors import documents_of
from dangvien.documents.services import document_issue, document_render
from dangvien.members.models import Status
from dangvien.members.tests.factories import MemberFactory
from dangvien.movements import services as movements
from dangvien.movements.models import RemovalCause, RemovalKind, TransferKind, TransferReason
from dangvien.organizations import posts
from dangvien.organizations.models import CommitteePostKind as K

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


def _text(document) -> str:
    data = document_render(document)
    where = os.environ.get("DANGVIEN_DUMP_PAPERS")
    if where:  # for looking at the rendered papers (LibreOffice -> PDF -> PNG)
        Path(where).mkdir(parents=True, exist_ok=True)
        name = f"{document.kind}-{document.number}.docx".replace("Đ", "D").replace("/", "-")
        (Path(where) / name).write_bytes(data)
    paper = docx.Document(io.BytesIO(data))
    lines = [p.text for p in paper.paragraphs]
    for table in paper.tables:
        for cell in table._cells:
            lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def _assign(org, kind, name, starts_on):
    return posts.post_assign(
        actor=SYSTEM, organization=org, kind=kind, name=name, starts_on=starts_on
    )


def test_the_transfer_letter_is_signed_by_the_holder_on_the_day(tree):
    commune = tree["commune"]
    _assign(commune, K.SECRETARY, "Đào Ngọc Minh", D(2021, 1, 1))
    _assign(commune, K.SECRETARY, "Lê Thị Hoa", D(2026, 11, 3))
    member = MemberFactory(organization=tree["cell_a"], given_name="Thước")
    transfer = movements.transfer_open(
        actor=SYSTEM,
        member=member,
        kind=TransferKind.PERMANENT,
        reason=TransferReason.NEW_UNIT,
        trigger_date=D(2026, 10, 1),
        to_outside="Đảng ủy phường Thành Sen, tỉnh Hà Tĩnh",
    )
    movements.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 11, 2), dues_paid_through="10/2026"
    )
    (letter,) = documents_of(transfer)
    assert letter.organization == commune
    assert letter.context["signer_capacity"] == "T/M BAN THƯỜNG VỤ"
    assert letter.context["signer_title"] == "BÍ THƯ"
    assert letter.context["signer_name"] == "Đào Ngọc Minh"  # 02/11: the day before the change
    text = _text(letter)
    assert "T/M BAN THƯỜNG VỤ" in text and "BÍ THƯ" in text and "Đào Ngọc Minh" in text
    assert "Lê Thị Hoa" not in text
    assert "Đảng ủy phường Thành Sen" in text
    assert "PHẦN XÁC NHẬN CỦA TỔ CHỨC ĐẢNG NƠI ĐẾN" in text


def test_a_paper_issued_with_nobody_in_post_has_a_blank_filled_once_the_post_is_recorded(tree):
    cell = tree["cell_b"]
    paper = document_issue(
        actor=SYSTEM,
        organization=cell,
        kind=DocumentKind.LETTER,
        date=D(2026, 5, 4),
        summary="thử",
        context={"paragraphs": ["Nội dung."]},
    )
    assert paper.context["signer_missing"] is True
    assert paper.context["signer_capacity"] == "T/M CHI BỘ"
    text = _text(paper)
    assert "T/M CHI BỘ" in text and "BÍ THƯ" in text and "......" in text
    _assign(cell, K.DEPUTY_SECRETARY, "Võ Văn Em", D(2026, 1, 1))
    text = _text(paper)
    assert "PHÓ BÍ THƯ" in text and "Võ Văn Em" in text


def test_a_typed_signer_is_kept(tree):
    _assign(tree["cell_a"], K.SECRETARY, "Nguyễn Văn An", D(2024, 1, 1))
    paper = document_issue(
        actor=SYSTEM,
        organization=tree["cell_a"],
        kind=DocumentKind.LETTER,
        date=D(2026, 5, 4),
        summary="thử",
        context={"signer_title": "PHÓ BÍ THƯ", "signer_name": "Trần Văn Bảy"},
    )
    assert paper.context["signer_name"] == "Trần Văn Bảy"
    assert paper.context["signer_title"] == "PHÓ BÍ THƯ"


def test_the_removal_papers_sign_name_real_recipients_count_and_cite(tree):
    cell = tree["cell_b"]
    _assign(cell, K.SECRETARY, "Nguyễn Thị Lan", D(2024, 1, 1))
    _assign(tree["commune"], K.SECRETARY, "Đào Ngọc Minh", D(2021, 1, 1))
    members = [MemberFactory(organization=cell) for _ in range(4)]
    probationary = MemberFactory(
        organization=cell,
        admission_decision_date=D(2026, 2, 20),
        joining_date=D(2026, 3, 1),
        official_date=None,
    )
    assert probationary.status == Status.PROBATIONARY
    removal = movements.removal_propose(
        actor=SYSTEM,
        member=members[0],
        kind=RemovalKind.NAME_DELETION,
        cause=RemovalCause.RETURNED_CARD,
        meeting_on=D(2026, 11, 7),
        votes_for=3,
    )
    movements.removal_decide(
        actor=SYSTEM,
        removal=removal,
        approved=True,
        decided_by="Ban Thường vụ Đảng ủy xã Cẩm Xuyên",
        decision_number="45-QĐ/ĐU",
        decision_date=D(2026, 11, 18),
    )
    resolution, decision = documents_of(removal)
    assert resolution.kind == DocumentKind.RESOLUTION and decision.kind == DocumentKind.DECISION

    text = _text(resolution)
    assert "T/M CHI BỘ" in text and "Nguyễn Thị Lan" in text
    assert "Cấp ủy cấp trên" not in text
    assert "- Đảng ủy xã Cẩm Xuyên (báo cáo);" in text
    # Counts: 5 members, of whom 4 official, all 4 present; 3 in favour of a base of 3
    # (the member concerned is not counted, R1.8a).
    vote = resolution.context["vote"]
    assert (vote["members"], vote["official"]) == (5, 4)
    assert (
        "Tổng số đảng viên của chi bộ: 5 đồng chí (đảng viên chính thức: 4 đồng chí); "
        "đảng viên chính thức có mặt: " in text
    )
    assert f"tán thành: 3/{vote['total']}" in text

    text = _text(decision)
    assert f"Căn cứ Nghị quyết số {resolution.symbol} ngày 07/11/2026" in text
    assert "Đào Ngọc Minh" in text and "T/M BAN THƯỜNG VỤ" in text


def test_a_decision_cites_the_resolution_issued_since_the_last_decision(tree):
    cell = tree["cell_a"]
    subject = MemberFactory(organization=cell)  # any saved record

    def issue(kind, day):
        return document_issue(
            actor=SYSTEM,
            organization=cell if kind == DocumentKind.RESOLUTION else tree["commune"],
            kind=kind,
            date=day,
            summary="thử",
            context={"bases": ["Căn cứ Điều lệ Đảng;", "Xét đề nghị của chi bộ,"]},
            subject=subject,
        )

    first = issue(DocumentKind.RESOLUTION, D(2025, 3, 7))
    decision = issue(DocumentKind.DECISION, D(2025, 3, 20))
    assert decision.context["bases"] == [
        "Căn cứ Điều lệ Đảng;",
        f"Căn cứ Nghị quyết số {first.symbol} ngày 07/03/2025 của Chi bộ thôn Đông;",
        "Xét đề nghị của chi bộ,",
    ]
    second = issue(DocumentKind.RESOLUTION, D(2026, 3, 7))
    later = issue(DocumentKind.DECISION, D(2026, 3, 20))
    assert later.context["follows"]["symbol"] == second.symbol
    # A decision with no resolution since the last one cites none.
    again = issue(DocumentKind.DECISION, D(2026, 4, 1))
    assert "follows" not in again.context


def test_the_vote_sentence_states_members_official_present_and_in_favour():
    from dangvien.documents.render import vote_sentence

    assert vote_sentence(
        {"members": 13, "official": 11, "total": 9, "present_official": 10, "agree": 6}
    ) == (
        "Tổng số đảng viên của chi bộ: 13 đồng chí (đảng viên chính thức: 11 đồng chí); "
        "đảng viên chính thức có mặt: 10 đồng chí, vắng mặt 1 đồng chí; "
        "số đảng viên chính thức được tính khi biểu quyết: 9 đồng chí; "
        "số đồng chí tán thành: 6/9 (đạt 66,67%)."
    )
    # Nobody recorded who was present: a blank the cell fills by hand.
    assert vote_sentence({"members": 5, "official": 4, "total": 4, "agree": 3}) == (
        "Tổng số đảng viên của chi bộ: 5 đồng chí (đảng viên chính thức: 4 đồng chí); "
        "có mặt: ..... đồng chí, vắng mặt ..... đồng chí; "
        "số đồng chí tán thành: 3/4 (đạt 75%)."
    )


def _writer_installed() -> bool:
    """LibreOffice with its Writer component (a Calc-only install opens no .docx)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    program = Path(os.path.realpath(soffice)).parent
    return any(program.glob("libsw*lo.so")) or (program / "swriter").exists()


@pytest.mark.skipif(
    not _writer_installed() or shutil.which("pdfinfo") is None,
    reason="LibreOffice Writer and poppler are not installed",
)
def test_the_transfer_letter_and_its_confirmation_fit_on_one_page(tree, tmp_path):
    import subprocess

    _assign(tree["commune"], K.SECRETARY, "Đào Ngọc Minh", D(2021, 1, 1))
    member = MemberFactory(organization=tree["cell_a"], given_name="Thước")
    transfer = movements.transfer_open(
        actor=SYSTEM,
        member=member,
        kind=TransferKind.PERMANENT,
        reason=TransferReason.NEW_UNIT,
        trigger_date=D(2026, 10, 1),
        to_outside="Đảng ủy phường Thành Sen, tỉnh Hà Tĩnh, Đảng bộ tỉnh Hà Tĩnh",
    )
    movements.transfer_send(
        actor=SYSTEM, transfer=transfer, sent_on=D(2026, 11, 2), dues_paid_through="10/2026"
    )
    (letter,) = documents_of(transfer)
    path = tmp_path / "letter.docx"
    path.write_bytes(document_render(letter))
    subprocess.run(
        [
            "soffice",
            # A profile of its own: with another LibreOffice running (a second
            # test worker, a user), soffice would hand the job over and exit
            # without writing the PDF.
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "letter.pdf")], check=True, capture_output=True, text=True
    ).stdout
    assert "Pages:           1" in info
