"""The grading papers render as .docx in the party format with real
Vietnamese text: the self-review, the cell's submission, the decision; and
the open cases link to the page of each record."""

import datetime as dt
import io
import zipfile

import pytest

from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.documents.models import IssuedDocument
from dangvien.documents.services import document_render
from dangvien.grading import services
from dangvien.grading.models import CellProposal, ReviewStatus
from dangvien.grading.services import GradeEntry
from dangvien.web.cases.registry import case_url

D = dt.date
pytestmark = pytest.mark.usefixtures("today")


def _text(document_id: int) -> str:
    data = document_render(IssuedDocument.objects.get(pk=document_id))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode()


def test_papers_render_with_vietnamese_text(tree, members):
    campaign = services.campaign_open(
        actor=SYSTEM, organization=tree["agency"], year=2025, opened_on=D(2026, 1, 5)
    )
    for review in campaign.reviews.filter(status=ReviewStatus.PENDING):
        services.self_review_submit(
            actor=SYSTEM,
            review=review,
            strengths="Gương mẫu thực hiện nhiệm vụ được giao.",
            shortcomings="Đôi lúc chưa chủ động.",
            remedies="Chủ động hơn.",
            self_grade="good",
            self_score="82,5",
            on=D(2026, 1, 10),
        )
    review = campaign.reviews.order_by("pk").first()
    xml = _text(review.self_review_document_id)
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" in xml
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in xml
    assert "Gương mẫu thực hiện nhiệm vụ được giao." in xml
    assert "Hoàn thành tốt nhiệm vụ (82,5 điểm)" in xml
    assert "NGƯỜI TỰ KIỂM ĐIỂM" in xml
    assert "Mẫu 2B" in xml
    proposal = CellProposal.objects.get(campaign=campaign)
    services.proposal_submit(
        actor=SYSTEM,
        proposal=proposal,
        entries={r.pk: GradeEntry("good", "80") for r in campaign.reviews.all()},
        proposed_on=D(2026, 1, 15),
    )
    proposal.refresh_from_db()
    xml = _text(proposal.document_id)
    assert "TỜ TRÌNH" in xml
    assert "Hoàn thành tốt nhiệm vụ: 2 đồng chí" in xml
    decision = campaign.decisions.get()
    services.decision_decide(actor=SYSTEM, decision=decision, decided_on=D(2026, 1, 18))
    decision.refresh_from_db()
    xml = _text(decision.document_id)
    assert "QUYẾT ĐỊNH" in xml
    assert "Công nhận kết quả xếp loại chất lượng năm 2025 của 2 đảng viên" in xml
    assert "Quy định số 366-QĐ/TW" in xml


def test_open_cases_link_to_each_record(tree, members):
    campaign = services.campaign_open(
        actor=SYSTEM, organization=tree["commune"], year=2025, opened_on=D(2026, 1, 5)
    )
    urls = {
        case.step: case_url(case.kind, case.object_id, case.step)
        for case in Case.objects.filter(kind="grading", closed_on=None)
    }
    review = campaign.reviews.order_by("pk").last()
    assert urls["self_review"].startswith("/danh-gia/kiem-diem/")
    assert urls["propose"].startswith("/danh-gia/de-nghi/")
    assert urls["decide"] == f"/danh-gia/quyet-dinh/{campaign.decisions.get().pk}/"
    assert urls["org_self"].startswith("/danh-gia/to-chuc/")
    assert case_url("grading", review.pk, "self_review") == f"/danh-gia/kiem-diem/{review.pk}/"
