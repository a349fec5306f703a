"""The role-by-route matrix: every web page (from the URL resolver) and every API
operation (from the OpenAPI document) has a row here saying what each role
gets, and each row is called as each role.

Roles (the world below, built with the factories):

    secretary   cell secretary of cell A
    office      office of the grassroots (commune) committee above cell A
    board       organisation board of the province
    inspection  inspection committee of the commune (reads, never writes)
    outside     office of another grassroots committee (an agency elsewhere)
    member      a plain member of cell A (not the subject of the objects)

Each object a route takes is built inside cell A (the residence liaison is of a
worker of the agency living in the commune, assigned to cell A). Expected
answers, one token per role in the order above:

    ok    200/201/204/302; may write
    w     the step is taken: 200/201/302 and something was written
    404, 403, 400, 200, 405...   exactly that status, and nothing written

On every refusal the test compares the row count of every table (audit
history included) and the rows of the workflow tables before and after.

A new route without a row fails `test_every_route_has_a_row`: add a row to
WEB or API below, saying what each role must get. A route may have more rows
("key:variant", e.g. another query or URL argument: `extra={"kwargs": ...}`
for a page, `extra={"path": ...}` for an API path parameter other than the
object's).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dangvien.accounts.models import ApiToken, Role
from dangvien.accounts.services import _digest
from dangvien.admissions import services as admissions
from dangvien.admissions.tests.factories import (
    MEETING,
    cell_with_officials,
    file_agreed,
    file_decided,
    file_with_dossier,
    open_file,
)
from dangvien.core.actors import SYSTEM
from dangvien.liaison import services as liaison
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.movements import services as movements
from dangvien.movements.models import RemovalKind, TransferReason
from dangvien.organizations.models import Level, UnitType
from dangvien.organizations.tests.factories import OrganizationFactory
from dangvien.places.models import Commune

pytestmark = pytest.mark.django_db

D = dt.date
ROLES = ("secretary", "office", "board", "inspection", "outside", "member")
TODAY = dt.datetime(2026, 11, 20, 9, 0)
JSON = "application/json"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)  # uploads (imports) stay out of the checkout


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DANGVIEN_REQUIRE_2FA = False


# --- the world ---------------------------------------------------------------------------


class World:
    """The organisations, the six users, and the objects of cell A (built on demand)."""

    def __init__(self, django_user_model):
        home = Commune.objects.order_by("code").first()
        self.home = home
        self.province = OrganizationFactory(name="Đảng bộ tỉnh Hà Tĩnh", level=Level.PROVINCIAL)
        self.commune = OrganizationFactory(
            parent=self.province,
            name="Đảng bộ xã Cẩm Xuyên",
            level=Level.GRASSROOTS_COMMITTEE,
            commune=home,
        )
        self.cell_a = OrganizationFactory(parent=self.commune, name="Chi bộ thôn Đông")
        self.cell_b = OrganizationFactory(parent=self.commune, name="Chi bộ thôn Tây")
        self.agency = OrganizationFactory(
            parent=self.province,
            name="Đảng bộ Sở Y tế",
            level=Level.GRASSROOTS_COMMITTEE,
            unit_type=UnitType.AGENCY,
        )
        self.cell_c = OrganizationFactory(
            parent=self.agency, name="Chi bộ Văn phòng", unit_type=UnitType.AGENCY
        )
        _cell, self.officials = cell_with_officials(3, cell=self.cell_a)
        self.subject = self.officials[0]
        plain = MemberFactory(organization=self.cell_a, given_name="Thường")
        grants = {
            "secretary": (Role.CELL_SECRETARY, self.cell_a),
            "office": (Role.GRASSROOTS_OFFICE, self.commune),
            "board": (Role.ORGANISATION_BOARD, self.province),
            "inspection": (Role.INSPECTION, self.commune),
            "outside": (Role.GRASSROOTS_OFFICE, self.agency),
            "member": (Role.MEMBER, self.cell_a),
        }
        self.users = {
            role: user_with_role(django_user_model, f"u_{role}", r, org)
            for role, (r, org) in grants.items()
        }
        Member.objects.filter(pk=plain.pk).update(user=self.users["member"])
        self.plain = plain
        self._built: dict[str, Any] = {}

    def obj(self, name: str):
        if name not in self._built:
            self._built[name] = BUILDERS[name](self)
        return self._built[name]


def _probationary(w: World) -> Member:
    return MemberFactory(
        organization=w.cell_a,
        joining_date=D(2025, 9, 2),
        admission_decision_date=D(2025, 8, 20),
        official_date=None,
    )


def _recognition(w: World):
    return admissions.recognition_open(actor=SYSTEM, member=_probationary(w), on=D(2026, 8, 10))


def _resolved(w: World):
    file = file_agreed(w.cell_a, w.officials)
    admissions.admission_grassroots_resolve(
        actor=SYSTEM, file=file, date=MEETING + dt.timedelta(days=7), resolution_number="12"
    )
    file.refresh_from_db()
    return file


def _transfer(w: World):
    return movements.transfer_open(
        actor=SYSTEM,
        member=w.subject,
        kind="permanent",
        reason=TransferReason.RESIDENCE,
        trigger_date=D(2026, 11, 2),
        to_organization=w.cell_b,
    )


def _removal(w: World):
    return movements.removal_propose(
        actor=SYSTEM,
        member=w.officials[1],
        kind=RemovalKind.VOLUNTARY_EXIT,
        meeting_on=D(2026, 11, 7),
        # every official but the member considered
        votes_for=Member.objects.filter(organization=w.cell_a, official_date__isnull=False).count()
        - 1,
    )


def _exemption(w: World):
    return liaison.exemption_apply(
        actor=SYSTEM,
        member=w.subject,
        kind="temporary",
        ground="working_away",
        applied_on=D(2026, 11, 2),
        start=D(2026, 11, 2),
        end=D(2027, 5, 1),
    )


def _working_away(w: World):
    return liaison.working_away_report(actor=SYSTEM, member=w.subject, reported_on=D(2026, 11, 5))


def _worker(w: World) -> Member:
    """A member of the agency's cell C living in the commune."""
    return MemberFactory(
        organization=w.cell_c,
        current_province=w.home.province,
        current_commune=w.home,
        current_street="Số 5, tổ 3",
    )


def _residence(w: World):
    """A worker of the agency living in the commune, received and assigned to cell A:
    the yearly comment by cell A is awaited."""
    worker = _worker(w)
    r = liaison.residence_introduce(actor=SYSTEM, member=worker, introduced_on=D(2026, 11, 2))
    liaison.residence_receive(actor=SYSTEM, liaison=r, received_on=D(2026, 11, 4))
    liaison.residence_assign(actor=SYSTEM, liaison=r, assigned_on=D(2026, 11, 6), cell=w.cell_a)
    r.refresh_from_db()
    return r


def _document(w: World):
    from dangvien.documents.models import IssuedDocument

    liaison.exemption_decide(
        actor=SYSTEM, exemption=w.obj("exemption"), decided_on=D(2026, 11, 5), resolution_number=""
    )
    return IssuedDocument.objects.order_by("-pk").first()


def _report_paper(w: World):
    """Cell A's report of this quarter, issued as a numbered paper."""
    from dangvien.reports import papers, services
    from dangvien.reports.periods import current_quarter

    period = current_quarter(dt.date.today())
    result = services.report_result(w.cell_a, period)
    return papers.report_paper_issue(
        actor=SYSTEM, org=w.cell_a, period=period, result=result, previous=None, on=period.end
    )


def _meeting(w: World):
    """The regular meeting of cell A for November 2026, as the calendar makes it."""
    from dangvien.meetings import services as meetings
    from dangvien.meetings.models import Meeting

    meetings.schedule_set(
        actor=SYSTEM, cell=w.cell_a, kind="day_of_month", day=7, effective_from=D(2026, 1, 1)
    )
    meetings.meetings_generate(actor=SYSTEM, month=D(2026, 11, 1), under=w.cell_a)
    return Meeting.objects.get(cell=w.cell_a, month=D(2026, 11, 1))


def _meeting_held(w: World):
    """The November meeting registered and held on the 7th, everyone on the roll present."""
    from dangvien.meetings import selectors as meeting_selectors
    from dangvien.meetings import services as meetings
    from dangvien.meetings.models import Presence

    day = D(2026, 11, 7)
    meeting = meetings.meeting_register(actor=SYSTEM, meeting=w.obj("meeting"), planned_on=day)
    roll = meeting_selectors.cell_roll_on(w.cell_a, day)
    return meetings.meeting_hold(
        actor=SYSTEM,
        meeting=meeting,
        held_on=day,
        duration_minutes=120,
        attendance={r.member.pk: (Presence.PRESENT, "") for r in roll if r.expected},
        resolution="Hoàn thành thu đảng phí quý IV",
    )


def _task(w: World):
    """A task of the held meeting's resolution, given to the plain member."""
    from dangvien.meetings import services as meetings

    return meetings.task_add(
        actor=SYSTEM,
        meeting=w.obj("meeting_held"),
        assignee=w.plain,
        content="Thu đảng phí tổ 1",
        due_on=D(2026, 11, 30),
    )


def _feedback(w: World):
    """An item of the held meeting sent to the commune committee, waiting for its answer."""
    from dangvien.meetings import services as meetings

    return meetings.feedback_send(
        actor=SYSTEM,
        meeting=w.obj("meeting_held"),
        content="Đề nghị sửa đường liên thôn",
        sent_on=D(2026, 11, 10),
    )


def _dues_ledger(w: World):
    """The subject's ledger row of November 2026 in cell A (the month computed)."""
    from dangvien.dues import services as dues
    from dangvien.dues.models import DuesLedger

    dues.month_compute(actor=SYSTEM, organization=w.cell_a, month=D(2026, 11, 1))
    return DuesLedger.objects.get(member=w.subject, month=D(2026, 11, 1))


def _dues_profile(w: World):
    """The subject's dues profile with a voluntary amount waiting for approval."""
    from dangvien.dues import services as dues

    return dues.profile_set(
        actor=SYSTEM,
        member=w.subject,
        valid_from=D(2026, 10, 1),
        category="other",
        voluntary=50_000,
    )


def _dues_notice(w: World):
    """The subject's arrears notice: three closed months of 2026 left unpaid."""
    from dangvien.dues import services as dues
    from dangvien.dues.models import ArrearsNotice

    for month in (8, 9, 10):
        dues.month_close(actor=SYSTEM, organization=w.cell_a, month=D(2026, month, 1))
    return ArrearsNotice.objects.get(member=w.subject, year=2026)


def _inspection(w: World):
    """The commune inspection committee's inspection of cell A."""
    from dangvien.discipline import services as discipline

    return discipline.inspection_plan(
        actor=SYSTEM,
        organization=w.commune,
        kind="inspection",
        content="Kiểm tra việc chấp hành Điều lệ",
        period_start=D(2026, 11, 1),
        period_end=D(2026, 11, 30),
        target=w.cell_a,
    )


def _discipline(w: World):
    """A warning proposed for the subject, to be decided by the commune committee."""
    from dangvien.discipline import services as discipline

    violation = discipline.violation_record(
        actor=SYSTEM,
        member=w.subject,
        kind="duties",
        description="Không thực hiện nhiệm vụ được giao",
        committed_on=D(2026, 9, 1),
        found_on=D(2026, 10, 1),
    )
    return discipline.discipline_propose(
        actor=SYSTEM,
        violation=violation,
        form="warning",
        authority=w.commune,
        authority_body="superior",
        proposed_on=D(2026, 11, 2),
    )


def _violation(w: World):
    """A violation of the subject, no discipline proposed for it yet."""
    from dangvien.discipline import services as discipline

    return discipline.violation_record(
        actor=SYSTEM,
        member=w.subject,
        kind="duties",
        description="Không tham gia sinh hoạt chi bộ",
        committed_on=D(2026, 8, 1),
        found_on=D(2026, 9, 1),
    )


def _discipline_voted(w: World):
    """The commune committee's warning of the subject, voted (7 of 9)."""
    from dangvien.discipline import services as discipline

    return discipline.discipline_vote(
        actor=SYSTEM,
        discipline=w.obj("discipline"),
        voted_on=D(2026, 11, 5),
        entitled=9,
        votes_for=7,
    )


def _discipline_decided(w: World):
    """The voted warning, its decision signed (a number made outside): to announce."""
    from dangvien.discipline import services as discipline

    return discipline.discipline_decide(
        actor=SYSTEM,
        discipline=w.obj("discipline_voted"),
        decision_date=D(2026, 11, 9),
        decision_number="15-QĐ/ĐU",
    )


def _discipline_in_force(w: World):
    """The decided warning, announced to the subject: in force."""
    from dangvien.discipline import services as discipline

    return discipline.discipline_announce(
        actor=SYSTEM, discipline=w.obj("discipline_decided"), announced_on=D(2026, 11, 12)
    )


def _discipline_by_cell(w: World):
    """A warning of another official decided by cell A itself and in force: a
    complaint against it goes to the commune."""
    from dangvien.discipline import services as discipline

    violation = discipline.violation_record(
        actor=SYSTEM,
        member=w.officials[1],
        kind="duties",
        description="Không thực hiện nhiệm vụ được giao",
        committed_on=D(2026, 9, 1),
        found_on=D(2026, 10, 1),
    )
    d = discipline.discipline_propose(
        actor=SYSTEM,
        violation=violation,
        form="warning",
        authority=w.cell_a,
        authority_body="cell",
        proposed_on=D(2026, 11, 2),
    )
    d = discipline.discipline_vote(
        actor=SYSTEM, discipline=d, voted_on=D(2026, 11, 5), entitled=3, votes_for=3
    )
    d = discipline.discipline_decide(
        actor=SYSTEM, discipline=d, decision_date=D(2026, 11, 6), decision_number="3-QĐ/CB"
    )
    return discipline.discipline_announce(actor=SYSTEM, discipline=d, announced_on=D(2026, 11, 9))


def _discipline_complaint(w: World):
    """The cell's warning with the member's complaint lodged, to be answered by
    the commune's inspection committee."""
    from dangvien.discipline import services as discipline

    d = w.obj("discipline_by_cell")
    discipline.complaint_lodge(
        actor=SYSTEM,
        discipline=d,
        lodged_on=D(2026, 11, 13),
        content="Hình thức kỷ luật chưa phù hợp",
        answering_organization=w.commune,
    )
    d.refresh_from_db()
    return d


def _badge_member(w: World) -> Member:
    """A member of cell A reaching 30 years of party age on 01/10/2026 (the
    list of 07/11/2026)."""
    return MemberFactory(
        organization=w.cell_a,
        given_name="Huy",
        birth_date=D(1970, 2, 1),
        admission_decision_date=D(1996, 10, 1),
        joining_date=D(1996, 10, 10),
        official_date=D(1997, 10, 10),
    )


def _badge_candidate(w: World) -> Member:
    """A member of cell A reaching 30 years on 10/12/2026 (the list of 03/02/2027)."""
    return MemberFactory(
        organization=w.cell_a,
        given_name="Hiệu",
        birth_date=D(1970, 3, 1),
        admission_decision_date=D(1996, 12, 10),
        joining_date=D(1996, 12, 20),
        official_date=D(1997, 12, 20),
    )


def _badge_proposed(w: World):
    """The commune's 30-year badge proposal for the badge member (07/11/2026),
    its list not yet sent."""
    from dangvien.badges import services as badges

    return badges.badge_propose(
        actor=SYSTEM,
        member=w.obj("badge_member"),
        milestone=30,
        award_date=D(2026, 11, 7),
        proposed_on=D(2026, 9, 15),
    )


def _badge_round(w: World):
    """The commune's open list of 07/11/2026 holding the proposal."""
    return w.obj("badge_proposed").round


def _badge_submitted(w: World):
    """The proposal, its list sent to the province: awaiting the decision."""
    from dangvien.badges import services as badges

    award = w.obj("badge_proposed")
    badges.badge_round_submit(actor=SYSTEM, badge_round=award.round, submitted_on=D(2026, 9, 20))
    award.refresh_from_db()
    return award


def _badge_decided(w: World):
    """The badge decided by the province: to be presented."""
    from dangvien.badges import services as badges

    return badges.badge_decide(
        actor=SYSTEM,
        award=w.obj("badge_submitted"),
        decided_on=D(2026, 10, 15),
        decision_number="120-QĐ/TU",
    )


def _badge_awarded(w: World):
    """The badge presented on 07/11/2026 with its number."""
    from dangvien.badges import services as badges

    return badges.badge_record_award(
        actor=SYSTEM, award=w.obj("badge_decided"), awarded_on=D(2026, 11, 7), badge_number="301234"
    )


def _grading_campaign(w: World):
    """The commune's review of 2026, opened on 02/11/2026: a review for each
    member of cell A, cell A's proposal, the commune's decision, the cells'
    gradings (form 01)."""
    from dangvien.grading import services as grading

    return grading.campaign_open(
        actor=SYSTEM, organization=w.commune, year=2026, opened_on=D(2026, 11, 2)
    )


def _grading_review(w: World):
    """The subject's review of 2026, the self-review awaited."""
    return w.obj("grading_campaign").reviews.get(member=w.subject)


def _self_review(review):
    from dangvien.grading import services as grading

    return grading.self_review_submit(
        actor=SYSTEM,
        review=review,
        strengths="Hoàn thành nhiệm vụ được giao.",
        shortcomings="Chưa có.",
        remedies="",
        self_grade="good",
        self_score="80",
        on=D(2026, 11, 10),
    )


def _grading_self_reviewed(w: World):
    """The subject's review with the self-review given (to be edited)."""
    return _self_review(w.obj("grading_review"))


def _grading_proposal(w: World):
    """Cell A's proposal of 2026, open."""
    from dangvien.grading.models import CellProposal

    return CellProposal.objects.get(campaign=w.obj("grading_campaign"), cell=w.cell_a)


def _grading_proposal_ready(w: World):
    """Cell A's open proposal, every member's self-review given: to propose."""
    from dangvien.grading.models import ReviewStatus

    proposal = w.obj("grading_proposal")
    for review in proposal.campaign.reviews.filter(status=ReviewStatus.PENDING):
        _self_review(review)
    return proposal


def _grading_lines(w: World) -> list[tuple[int, str, str]]:
    """(review id, grade, score) of cell A's members graded this year: all good."""
    from dangvien.grading.models import MemberReview, ReviewStatus

    return [
        (pk, "good", "80")
        for pk in MemberReview.objects.filter(campaign=w.obj("grading_campaign"), cell=w.cell_a)
        .exclude(status=ReviewStatus.NOT_GRADED)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


def _grading_decision(w: World):
    """The commune's decision of 2026, cell A's proposal sent: to decide."""
    from dangvien.grading import services as grading
    from dangvien.grading.services import GradeEntry

    proposal = w.obj("grading_proposal_ready")
    grading.proposal_submit(
        actor=SYSTEM,
        proposal=proposal,
        entries={pk: GradeEntry(grade, score) for pk, grade, score in _grading_lines(w)},
        proposed_on=D(2026, 11, 12),
    )
    return proposal.campaign.decisions.get(grassroots=w.commune)


def _grading_decided(w: World):
    """The commune's decision taken: to announce."""
    from dangvien.grading import services as grading

    return grading.decision_decide(
        actor=SYSTEM, decision=w.obj("grading_decision"), decided_on=D(2026, 11, 14)
    )


def _grading_announced(w: World):
    """The commune's decision announced: the campaign may be closed."""
    from dangvien.grading import services as grading

    grading.decision_announce(
        actor=SYSTEM, decision=w.obj("grading_decided"), announced_on=D(2026, 11, 16)
    )
    return w.obj("grading_campaign")


def _grading_organization(w: World):
    """Cell A's own grading of 2026 (form 01), the self-grading awaited."""
    from dangvien.grading.models import OrganizationGrading

    return OrganizationGrading.objects.get(
        campaign=w.obj("grading_campaign"), organization=w.cell_a
    )


def _grading_org_self_graded(w: World):
    """Cell A's form 01 given: the commune grades it."""
    from dangvien.grading import services as grading

    return grading.organization_self_grade(
        actor=SYSTEM,
        grading=w.obj("grading_organization"),
        report="Chi bộ hoàn thành tốt nhiệm vụ năm 2026.",
        self_grade="good",
        self_score="80",
        on=D(2026, 11, 10),
        tasks=10,
        tasks_done=10,
        tasks_on_time=10,
        tasks_exceeded=1,
    )


def _trip(w: World):
    """The subject's trip abroad (10/2026), not reported to the committee yet."""
    from dangvien.members.models import TripAbroad

    return TripAbroad.objects.create(
        member=w.subject,
        country="Nhật Bản",
        purpose="Du lịch",
        start=D(2026, 10, 1),
        end=D(2026, 10, 10),
    )


def _org_discipline(w: World):
    """A warning of cell A proposed, to be decided by the commune committee."""
    from dangvien.discipline import services as discipline

    return discipline.org_discipline_propose(
        actor=SYSTEM,
        organization=w.cell_a,
        form="warning",
        violation_kind="duties",
        description="Không duy trì sinh hoạt chi bộ định kỳ",
        committed_on=D(2026, 9, 1),
        authority=w.commune,
        authority_body="superior",
        proposed_on=D(2026, 11, 2),
    )


def _org_discipline_voted(w: World):
    """Cell A's warning voted by the commune committee (7 of 9)."""
    from dangvien.discipline import services as discipline

    return discipline.org_discipline_vote(
        actor=SYSTEM,
        discipline=w.obj("org_discipline"),
        voted_on=D(2026, 11, 5),
        entitled=9,
        votes_for=7,
    )


def _org_discipline_decided(w: World):
    """Cell A's voted warning, its decision signed (a number made outside): to announce."""
    from dangvien.discipline import services as discipline

    return discipline.org_discipline_decide(
        actor=SYSTEM,
        discipline=w.obj("org_discipline_voted"),
        decision_date=D(2026, 11, 9),
        decision_number="16-QĐ/ĐU",
    )


def _org_dissolution(w: World):
    """The dissolution of the empty cell B decided by the province (two levels
    above) and announced: to carry out."""
    from dangvien.discipline import services as discipline

    d = discipline.org_discipline_propose(
        actor=SYSTEM,
        organization=w.cell_b,
        form="dissolution",
        violation_kind="duties",
        description="Không duy trì sinh hoạt, không còn đảng viên",
        committed_on=D(2026, 9, 1),
        authority=w.province,
        authority_body="superior",
        proposed_on=D(2026, 11, 2),
    )
    d = discipline.org_discipline_vote(
        actor=SYSTEM, discipline=d, voted_on=D(2026, 11, 5), entitled=9, votes_for=8
    )
    d = discipline.org_discipline_decide(
        actor=SYSTEM, discipline=d, decision_date=D(2026, 11, 9), decision_number="20-QĐ/TU"
    )
    return discipline.org_discipline_announce(
        actor=SYSTEM, discipline=d, announced_on=D(2026, 11, 12)
    )


def _sheet_upload(w: World):
    """A fresh .xlsx upload of one clean member row for cell A (the importers' sample)."""
    import tempfile
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangvien.imports.sample import bulk_rows, write_sheet

    with tempfile.TemporaryDirectory() as tmp:
        path = write_sheet(Path(tmp) / "ds.xlsx", bulk_rows(1, cells=(w.cell_a.name,)), notes=False)
        content = path.read_bytes()
    return SimpleUploadedFile("ds.xlsx", content)


def _export_job(w: World):
    """The list book of cell A, made in the background for the commune's office."""
    from django.core.files.base import ContentFile

    from dangvien.exports.models import ExportJob, ExportJobStatus

    job = ExportJob(
        created_by=w.users["office"],
        organization=w.cell_a,
        kind="book",
        status=ExportJobStatus.DONE,
        rows=1,
    )
    job.file.save("so-danh-sach.xlsx", ContentFile(b"PK"), save=True)
    return job


def _import_job(w: World):
    """An import into cell A uploaded by the commune's office, its columns to map."""
    from dangvien.imports.models import ImportJob
    from dangvien.imports.parsing import guess_mapping
    from dangvien.imports.reading import read_sheet

    upload = _sheet_upload(w)
    sheet = read_sheet(upload.read(), upload.name)
    upload.seek(0)
    job = ImportJob(
        created_by=w.users["office"],
        organization=w.cell_a,
        original_name=upload.name,
        sheet_name=sheet.name,
        headers=sheet.headers,
        mapping=guess_mapping(sheet.headers),
        rows_total=len(sheet.rows),
    )
    job.file.save(upload.name, upload, save=True)
    return job


def _member_token(w: World):
    return ApiToken.objects.create(
        user=w.users["member"],
        digest=_digest(secrets.token_urlsafe(16)),
        expires_at=timezone.now() + dt.timedelta(days=1),
    )


BUILDERS: dict[str, Callable[[World], Any]] = {
    "member": lambda w: w.subject,
    "org": lambda w: w.cell_a,
    "commune": lambda w: w.commune,
    "member_user": lambda w: w.users["member"],
    "member_token": _member_token,
    "plain": lambda w: w.plain,
    "admission_opened": lambda w: open_file(w.cell_a),
    "admission_dossier": lambda w: file_with_dossier(w.cell_a, w.officials),
    "admission_agreed": lambda w: file_agreed(w.cell_a, w.officials),
    "admission_resolved": _resolved,
    "admission_decided": lambda w: file_decided(w.cell_a, w.officials),
    "recognition": _recognition,
    "transfer": _transfer,
    "removal": _removal,
    "exemption": _exemption,
    "working_away": _working_away,
    "residence": _residence,
    "worker": _worker,
    "meeting": _meeting,
    "meeting_held": _meeting_held,
    "task": _task,
    "feedback": _feedback,
    "document": _document,
    "report_paper": _report_paper,
    "dues_ledger": _dues_ledger,
    "dues_profile": _dues_profile,
    "dues_notice": _dues_notice,
    "inspection": _inspection,
    "discipline": _discipline,
    "violation": _violation,
    "discipline_voted": _discipline_voted,
    "discipline_decided": _discipline_decided,
    "discipline_in_force": _discipline_in_force,
    "discipline_by_cell": _discipline_by_cell,
    "discipline_complaint": _discipline_complaint,
    "badge_member": _badge_member,
    "badge_candidate": _badge_candidate,
    "badge_proposed": _badge_proposed,
    "badge_round": _badge_round,
    "badge_submitted": _badge_submitted,
    "badge_decided": _badge_decided,
    "badge_awarded": _badge_awarded,
    "grading_campaign": _grading_campaign,
    "grading_review": _grading_review,
    "grading_self_reviewed": _grading_self_reviewed,
    "grading_proposal": _grading_proposal,
    "grading_proposal_ready": _grading_proposal_ready,
    "grading_decision": _grading_decision,
    "grading_decided": _grading_decided,
    "grading_announced": _grading_announced,
    "grading_organization": _grading_organization,
    "grading_org_self_graded": _grading_org_self_graded,
    "trip": _trip,
    "org_discipline": _org_discipline,
    "org_discipline_voted": _org_discipline_voted,
    "org_discipline_decided": _org_discipline_decided,
    "org_dissolution": _org_dissolution,
    "import_job": _import_job,
    "export_job": _export_job,
}


# --- what a row says ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    expect: str  # one token per role, in ROLES order
    method: str = "GET"
    obj: str | None = None  # the BUILDERS key of the object in the URL
    data: Callable[[World], dict] | None = None
    query: Callable[[World], str] | None = None
    slug: str | None = None  # the step or section slug of the URL
    extra: dict = field(default_factory=dict)

    def tokens(self) -> dict[str, str]:
        parts = self.expect.split()
        assert len(parts) == len(ROLES), self.expect
        return dict(zip(ROLES, parts, strict=True))


READ = "ok ok ok ok 404 404"  # the subtree reads; outside and the member do not
WRITE_PAGE = "ok ok ok 404 404 404"  # a writing role at cell A or above
STEP = "w w w 404 404 404"  # a cell step: its writers take it, the others 404
EVERYONE = "ok ok ok ok ok ok"
NOBODY = "404 404 404 404 404 404"


def org_q(w):
    return f"?org={w.cell_a.pk}"


def member_q(w):
    return f"?member={w.subject.pk}"


def dmy(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _dossier_form(w):
    return {
        "date": "01/02/2024",
        "cv_verified_on": "27/01/2024",
        "cv_verified_by": "Chi ủy thôn Bắc",
        "introduction_kind": "two_members",
        "introducer_1": w.officials[0].pk,
        "introducer_1_since": "01/01/2020",
        "introducer_2": w.officials[1].pk,
        "introducer_2_since": "01/01/2020",
        "residence_comment": "Tốt",
        "mass_org_comment": "Tốt",
    }


def _dossier_api(w):
    return {
        "date": "2024-02-01",
        "cv_verified_on": "2024-01-27",
        "cv_verified_by": "Chi ủy thôn Bắc",
        "introduction_kind": "two_members",
        "introducer_1": w.officials[0].pk,
        "introducer_1_since": "2020-01-01",
        "introducer_2": w.officials[1].pk,
        "introducer_2_since": "2020-01-01",
        "residence_comment": "Tốt",
        "mass_org_comment": "Tốt",
    }


def _built(name: str, query: str = "") -> Callable[[World], str]:
    """A query string (`{cell_a}`, `{commune}` filled in) once the object
    `name` is built: for pages that find it themselves."""

    def build(w: World) -> str:
        w.obj(name)
        return query.format(cell_a=w.cell_a.pk, commune=w.commune.pk)

    return build


def _self_review_form(w: World, step: str, member: Member | None = None) -> dict:
    """The self-review page's form, for the subject (or `member`)."""
    review = w.obj("grading_campaign").reviews.get(member=member or w.subject)
    return {
        "step": step,
        "form": review.form,
        "strengths": "Hoàn thành nhiệm vụ được giao.",
        "shortcomings": "Chưa có.",
        "remedies": "",
        "self_score": "80",
        "self_grade": "good",
        "on": "15/11/2026",
    }


def _self_review_api() -> dict:
    return {
        "strengths": "Hoàn thành nhiệm vụ được giao.",
        "shortcomings": "Chưa có.",
        "self_grade": "good",
        "self_score": 80,
        "on": "2026-11-15",
    }


# The web pages: url name (":slug" for a route whose slug picks a step or section).
WEB: dict[str, Row] = {
    "home": Row(EVERYONE),
    "login": Row(EVERYONE),
    "logout": Row(EVERYONE, method="POST", data=lambda w: {}),
    "two_factor": Row(EVERYONE),
    "two_factor_users": Row("404 404 ok 404 404 404"),
    "two_factor_reset": Row("404 404 ok 404 404 404", method="POST", obj="member_user"),
    "access_log": Row("404 404 ok ok 404 404"),
    "access_log_csv": Row("404 404 ok ok 404 404"),
    "organization_detail": Row(READ, obj="org"),
    "organization_audit_csv": Row(READ, obj="org"),
    "organization_posts": Row(READ, obj="org"),
    # A cell's posts are recorded above the cell, never by its own secretary.
    "organization_posts:assign": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="org",
        data=lambda w: {
            "action": "assign",
            "giao-kind": "secretary",
            "giao-member": w.subject.pk,
            "giao-rank": "1",
            "giao-starts_on": "01/10/2026",
        },
    ),
    "member_list": Row(READ, query=org_q),
    "member_create": Row(WRITE_PAGE, query=org_q),
    "member_detail": Row(READ, obj="member"),
    "member_edit": Row(WRITE_PAGE, obj="member"),
    "member_photo": Row(NOBODY, obj="member"),  # no photo: 404 to all
    "member_audit_csv": Row(READ, obj="member"),
    # The generic event form: the grassroots office and above, never the cell (issue 8).
    "member_event_add": Row("404 ok ok 404 404 404", obj="member"),
    "member_rows:cong-tac": Row(WRITE_PAGE, obj="member", slug="cong-tac"),
    "communes": Row(EVERYONE, query=lambda w: f"?province={w.home.province_id}"),
    "case_list": Row("ok ok ok ok ok 404"),
    # --- admission and recognition
    "admission_list": Row(READ, query=org_q),
    "admission_create": Row(WRITE_PAGE, query=org_q),
    "admission_targets": Row(READ, query=org_q),
    # Setting a target: the committee above (a writer at the parent or higher); the others 404.
    "admission_targets:set": Row(
        "404 w w 404 404 404",
        method="POST",
        query=org_q,
        data=lambda w: {"organization": w.cell_a.pk, "year": "2026", "count": "3"},
    ),
    "readmission_create": Row(WRITE_PAGE, query=org_q),
    "recognition_open_due": Row(
        "ok ok ok 404 404 404", method="POST", data=lambda w: {"org": w.cell_a.pk}
    ),
    "admission_detail": Row(READ, obj="admission_dossier"),
    "admission_step:ho-so": Row(
        STEP, method="POST", obj="admission_opened", slug="ho-so", data=_dossier_form
    ),
    "admission_step:bieu-quyet": Row(
        STEP,
        method="POST",
        obj="admission_dossier",
        slug="bieu-quyet",
        data=lambda w: {"meeting_date": dmy(MEETING), "votes_for": "3"},
    ),
    # A writing role the table refuses sees the form again with the reason (200).
    "admission_step:cap-tren": Row(
        "200 200 200 404 404 404",
        method="POST",
        obj="admission_dossier",
        slug="cap-tren",
        data=lambda w: {"date": dmy(MEETING), "agreed": "1", "note": "x"},
    ),
    "admission_step:dang-uy": Row(
        "200 w w 404 404 404",
        method="POST",
        obj="admission_agreed",
        slug="dang-uy",
        data=lambda w: {"date": "14/03/2024", "resolution_number": "12", "agreed": "1"},
    ),
    "admission_step:gia-han": Row(
        "200 200 w 404 404 404",
        method="POST",
        obj="admission_agreed",
        slug="gia-han",
        data=lambda w: {"date": "14/03/2024", "days": "5", "reason": "Chờ xác minh"},
    ),
    "admission_step:quyet-dinh": Row(
        "200 200 w 404 404 404",
        method="POST",
        obj="admission_resolved",
        slug="quyet-dinh",
        data=lambda w: {"decision_date": "28/03/2024", "decision_number": "345"},
    ),
    "admission_step:le-ket-nap": Row(
        STEP,
        method="POST",
        obj="admission_decided",
        slug="le-ket-nap",
        data=lambda w: {"date": "05/04/2024"},
    ),
    "admission_step:dong": Row(
        STEP,
        method="POST",
        obj="admission_opened",
        slug="dong",
        data=lambda w: {"date": "01/02/2024", "reason": "Rút đơn"},
    ),
    "recognition_detail": Row(READ, obj="recognition"),
    "recognition_step:bieu-quyet": Row(
        STEP,
        method="POST",
        obj="recognition",
        slug="bieu-quyet",
        data=lambda w: {"meeting_date": "07/10/2026", "votes_for": "3", "proposal": "recognise"},
    ),
    "recognition_step:cap-tren": Row(
        "200 200 200 404 404 404",
        method="POST",
        obj="recognition",
        slug="cap-tren",
        data=lambda w: {"date": "07/10/2026", "proposal": "recognise", "note": "x"},
    ),
    "recognition_step:dang-uy": Row(
        "200 200 200 404 404 404",
        method="POST",
        obj="recognition",
        slug="dang-uy",
        data=lambda w: {"date": "12/10/2026", "resolution_number": "7"},
    ),
    "recognition_step:gia-han": Row(
        "200 200 200 404 404 404",
        method="POST",
        obj="recognition",
        slug="gia-han",
        data=lambda w: {"date": "12/10/2026", "days": "5", "reason": "x"},
    ),
    "recognition_step:quyet-dinh": Row(
        "200 200 200 404 404 404",
        method="POST",
        obj="recognition",
        slug="quyet-dinh",
        data=lambda w: {"decision_date": "02/11/2026", "decision_number": "1"},
    ),
    # --- movements
    "transfer_list": Row(READ, query=org_q),
    "transfer_create": Row(WRITE_PAGE, query=member_q),
    "transfer_incoming": Row(WRITE_PAGE, query=org_q),
    "transfer_detail": Row(READ, obj="transfer"),
    # The letter is issued by the grassroots committee, never by the cell.
    "transfer_step:gioi-thieu": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="transfer",
        slug="gioi-thieu",
        data=lambda w: {"sent_on": "10/11/2026", "dues_paid_through": "10/2026"},
    ),
    "transfer_step:tiep-nhan": Row(
        NOBODY,
        method="POST",
        obj="transfer",
        slug="tiep-nhan",
        data=lambda w: {"received_on": "16/11/2026", "dossier_checked": "on"},
    ),
    "transfer_step:tro-ve": Row(
        NOBODY,
        method="POST",
        obj="transfer",
        slug="tro-ve",
        data=lambda w: {"returned_on": "16/11/2026"},
    ),
    "transfer_step:cap-lai": Row(
        NOBODY,
        method="POST",
        obj="transfer",
        slug="cap-lai",
        data=lambda w: {"reissued_on": "16/11/2026", "reason": "lost"},
    ),
    "transfer_step:huy": Row(
        STEP,
        method="POST",
        obj="transfer",
        slug="huy",
        data=lambda w: {"cancelled_reason": "Không chuyển nữa"},
    ),
    "removal_list": Row(READ, query=org_q),
    "removal_create": Row(WRITE_PAGE, query=member_q),
    "removal_detail": Row(READ, obj="removal"),
    "removal_detail:decide": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="removal",
        data=lambda w: {
            "approved": "1",
            "decided_by": "Ban Thường vụ Đảng ủy xã",
            "decision_number": "45-QĐ/ĐU",
            "decision_date": "18/11/2026",
        },
    ),
    # --- liaison
    "exemption_list": Row(READ, query=org_q),
    "exemption_create": Row(WRITE_PAGE, query=member_q),
    "exemption_detail": Row(READ, obj="exemption"),
    "exemption_detail:decide": Row(
        STEP,
        method="POST",
        obj="exemption",
        data=lambda w: {"step": "decide", "decided_on": "05/11/2026", "resolution_number": "1"},
    ),
    "exemption_detail:return": Row(
        NOBODY,
        method="POST",
        obj="exemption",
        data=lambda w: {
            "step": "return",
            "returned_on": "15/11/2026",
            "return_resolution_number": "1",
        },
    ),
    "working_away_list": Row(READ, query=org_q),
    "working_away_create": Row(WRITE_PAGE, query=member_q),
    "working_away_detail": Row(READ, obj="working_away"),
    "working_away_detail:review": Row(
        STEP,
        method="POST",
        obj="working_away",
        data=lambda w: {
            "step": "review",
            "reviewed_on": "10/11/2026",
            "committee_reported_on": "12/11/2026",
        },
    ),
    "residence_list": Row(READ, query=org_q),
    "residence_create": Row(WRITE_PAGE, query=member_q),
    "residence_cell": Row(READ, obj="org"),
    # The workplace (the agency) follows its member's liaison.
    "residence_detail": Row("ok ok ok ok ok 404", obj="residence"),
    "residence_detail:comment": Row(
        STEP,
        method="POST",
        obj="residence",
        data=lambda w: {
            "step": "comment",
            "year": "2026",
            "purpose": "yearly",
            "commented_on": "15/11/2026",
            "text": "Gương mẫu nơi cư trú",
        },
    ),
    "residence_detail:receive": Row(
        NOBODY,
        method="POST",
        obj="residence",
        data=lambda w: {"step": "receive", "received_on": "15/11/2026"},
    ),
    # --- meetings: tasks and feedback belong to the cell's held meeting; the
    # superior committee answers the feedback
    "meetings": Row(READ, query=org_q),
    "my_meetings": Row("404 404 404 404 404 ok"),
    # --- dues: the month sheet, arrears, reconciliation and books read like the
    # subtree; a member reads their own dues only.
    "dues": Row(READ, query=lambda w: f"?org={w.cell_a.pk}&thang=11/2026"),
    "dues_arrears": Row(READ, query=lambda w: f"?org={w.cell_a.pk}&nam=2026"),
    "dues_reconciliation": Row(READ, query=org_q),
    "dues_cell_book": Row(READ, obj="org", extra={"kwargs": {"year": 2026}}),
    # The committee's book: the cell's secretary does not reach the committee.
    "dues_committee_book": Row(
        "404 ok ok ok 404 404", obj="commune", extra={"kwargs": {"year": 2026}}
    ),
    "my_dues": Row("404 404 404 404 404 ok"),
    "dues_notice": Row(READ, obj="dues_notice"),
    # --- inspection and discipline: a sensitive section (the board, the
    # inspection committee, the deciding body's writers, the member concerned).
    "inspections": Row("404 404 ok ok 404 404", query=org_q),
    "inspection_detail": Row("404 404 ok ok 404 404", obj="inspection"),
    "discipline_detail": Row("404 ok ok ok 404 404", obj="discipline"),
    "discipline_member": Row("404 404 ok ok 404 404", obj="member"),
    # --- party badges: the grassroots committee's lists; a member's badges.
    "badges": Row("404 ok ok ok 404 404", query=lambda w: f"?org={w.commune.pk}"),
    "badges_list_xlsx": Row(
        "404 ok ok ok 404 404", query=lambda w: f"?org={w.commune.pk}&dot=07/11/2026"
    ),
    "member_badges": Row(READ, obj="member"),
    # The lists' redirects (an open case leads here): the commune's list to its
    # readers (the cell does not reach the commune), a badge to the member's readers.
    "badge_round": Row("404 ok ok ok 404 404", obj="badge_round"),
    "badge_award": Row(READ, obj="badge_awarded"),
    # --- yearly review and grading: the commune's campaign of 2026 over cell A.
    # Reads over the subtree; the commune's decision to the commune's readers
    # (the cell reads its grades on its own page). The self-review by the
    # member concerned or the cell's writers; the proposal and the cell's form
    # 01 by the cell's writers; opening and closing the campaign, the decision
    # and the grading of the cell by the commune's writers.
    "grading": Row(READ, query=_built("grading_campaign", "?org={cell_a}&nam=2026")),
    "grading:open": Row(
        "404 w w 404 404 404",
        method="POST",
        query=lambda w: f"?org={w.commune.pk}&nam=2026",
        data=lambda w: {"form": "open", "year": "2026", "opened_on": "02/11/2026"},
    ),
    "grading_campaign": Row(READ, obj="grading_campaign"),
    "grading_campaign:close": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="grading_announced",
        data=lambda w: {"on": "20/11/2026"},
    ),
    "grading_proposal": Row(READ, obj="grading_proposal"),
    "grading_proposal:propose": Row(
        STEP,
        method="POST",
        obj="grading_proposal_ready",
        data=lambda w: {
            "step": "propose",
            "proposed_on": "12/11/2026",
            "note": "",
            **{f"grade_{pk}": grade for pk, grade, _score in _grading_lines(w)},
            **{f"score_{pk}": score for pk, _grade, score in _grading_lines(w)},
        },
    ),
    # The subject's review: the plain member (another member) does not see it.
    "grading_review": Row(READ, obj="grading_review"),
    "grading_review:self_review": Row(
        STEP,
        method="POST",
        obj="grading_review",
        data=lambda w: _self_review_form(w, "self_review"),
    ),
    "grading_review:self_review_edit": Row(
        STEP,
        method="POST",
        obj="grading_self_reviewed",
        data=lambda w: _self_review_form(w, "self_review_edit"),
    ),
    # The member's own review (only an account with a member record).
    "grading_mine": Row("404 404 404 404 404 ok", query=_built("grading_campaign")),
    "grading_mine:self_review": Row(
        "404 404 404 404 404 w",
        method="POST",
        query=_built("grading_campaign"),
        data=lambda w: _self_review_form(w, "self_review", w.plain),
    ),
    "grading_decision": Row("404 ok ok ok 404 404", obj="grading_decision"),
    "grading_decision:decide": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="grading_decision",
        data=lambda w: {"step": "decide", "decided_on": "14/11/2026", "override_reason": ""},
    ),
    "grading_decision:announce": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="grading_decided",
        data=lambda w: {"step": "announce", "announced_on": "16/11/2026"},
    ),
    "grading_organization": Row(READ, obj="grading_organization"),
    "grading_organization:org_self": Row(
        STEP,
        method="POST",
        obj="grading_organization",
        data=lambda w: {
            "step": "org_self",
            "report": "Chi bộ hoàn thành tốt nhiệm vụ.",
            "self_score": "80",
            "self_grade": "good",
            "tasks": "10",
            "tasks_done": "10",
            "tasks_on_time": "10",
            "tasks_exceeded": "1",
            "on": "10/11/2026",
        },
    ),
    "grading_organization:org_decide": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="grading_org_self_graded",
        data=lambda w: {
            "step": "org_decide",
            "score": "80",
            "grade": "good",
            "note": "",
            "on": "18/11/2026",
        },
    ),
    "grading_results_xlsx": Row(READ, query=_built("grading_campaign", "?org={cell_a}&nam=2026")),
    "member_dues": Row(READ, obj="member"),
    "meeting_detail": Row(READ, obj="meeting"),
    "meeting_hold": Row(WRITE_PAGE, obj="meeting"),
    "meeting_task_add": Row(
        STEP,
        method="POST",
        obj="meeting_held",
        data=lambda w: {"assignee": w.plain.pk, "content": "Thu đảng phí", "due_on": "30/11/2026"},
    ),
    "meeting_feedback_send": Row(
        STEP,
        method="POST",
        obj="meeting_held",
        data=lambda w: {"content": "Đề nghị sửa đường", "sent_on": "10/11/2026"},
    ),
    "meeting_task_result": Row(
        STEP,
        method="POST",
        obj="task",
        data=lambda w: {"result": "done", "result_on": "15/11/2026"},
    ),
    "feedback_detail": Row(READ, obj="feedback"),
    # --- documents and accounts
    "document_list": Row(READ, query=org_q),
    "document_download": Row(READ, obj="document"),
    # --- exports: any staff role over a subtree (a member-only account: 404);
    # the sensitive columns (citizen ID, old ID) only for the board, the
    # inspection committee and the administrator (the others: the page again, 400).
    # Each download is logged (an "ok" may write the log).
    "exports": Row(READ, query=org_q),
    "exports:no_org": Row("ok ok ok ok ok 404"),
    "exports_list_xlsx": Row(READ, query=lambda w: f"?org={w.cell_a.pk}&loai=so"),
    "exports_list_xlsx:list": Row(
        READ, query=lambda w: f"?org={w.cell_a.pk}&loai=danh-sach&cot=ho_ten&cot=ngay_sinh"
    ),
    "exports_list_xlsx:sensitive": Row(
        "400 400 ok ok 404 404",
        query=lambda w: f"?org={w.cell_a.pk}&loai=danh-sach&cot=ho_ten&cot=cccd",
    ),
    # The subject's record card: the plain member is not the subject (404).
    "exports_member_paper": Row(
        READ, obj="member", extra={"kwargs": {"paper": "phieu", "fmt": "docx"}}
    ),
    "exports_member_paper:cv": Row(
        READ, obj="member", extra={"kwargs": {"paper": "so-yeu-ly-lich", "fmt": "docx"}}
    ),
    # The member's own papers: the plain member asks for their own card.
    "exports_member_paper:own": Row(
        "ok ok ok ok 404 ok", obj="plain", extra={"kwargs": {"paper": "phieu", "fmt": "docx"}}
    ),
    # --- data quality: the staff roles of the subtree; the sensitive checks
    # (old ID duplicates, citizen-ID year) only for the board and inspection.
    "quality": Row(READ, query=org_q),
    "quality_check": Row(READ, query=org_q, extra={"kwargs": {"code": "citizen_id_missing"}}),
    # «Tính lại ngay» recounts derived figures: whoever reads the console may.
    "quality_refresh": Row(READ, method="POST", query=org_q, data=lambda w: {}),
    "quality_check:sensitive": Row(
        "404 404 ok ok 404 404", query=org_q, extra={"kwargs": {"code": "duplicate_old_identity"}}
    ),
    "quality_check:year": Row(
        "404 404 ok ok 404 404",
        query=org_q,
        extra={"kwargs": {"code": "citizen_id_year_mismatch"}},
    ),
    # --- reports and the dashboard: the staff roles of the subtree (the
    # period defaults to this quarter); «Tính lại» recomputes derived figures.
    "dashboard": Row(READ, query=org_q),
    "compliance": Row(READ, query=org_q),
    # Administration of an organisation: its organisation board (and above).
    "organization_admin": Row("404 404 ok 404 404 404", obj="org"),
    # A bad date: the page again with the error, nothing written.
    "organization_admin:dissolve": Row(
        "404 404 200 404 404 404",
        obj="org",
        method="POST",
        data=lambda w: {"action": "dissolve", "dissolve-date": "32/13/2026"},
    ),
    # Every signed-in user has their own notices and preference.
    "notifications": Row(EVERYONE),
    "notifications:preference": Row(
        EVERYONE, method="POST", data=lambda w: {"email_deadlines": "on"}
    ),
    "notifications_read": Row(EVERYONE, method="POST", data=lambda w: {}),
    "reports": Row(READ, query=org_q),
    "reports_figure": Row(READ, query=lambda w: f"?org={w.cell_a.pk}&hang=D"),
    "reports_form_xlsx": Row(READ, query=org_q, extra={"kwargs": {"number": "1"}}),
    "reports_form_xlsx:4": Row(READ, query=org_q, extra={"kwargs": {"number": "4"}}),
    "reports_refresh": Row(READ, method="POST", query=org_q, data=lambda w: {}),
    # Issuing the report as a numbered paper: a writer of the organisation.
    "reports_paper": Row(STEP, method="POST", query=org_q, data=lambda w: {}),
    "reports_paper_pdf": Row(READ, obj="report_paper"),
    # Another kind of paper has no PDF here.
    "reports_paper_pdf:decision": Row(NOBODY, obj="document"),
    # --- trips abroad and discipline of party organisations: a trip is seen
    # by the writers over its member and the board and inspection committee;
    # its report by those writers and the inspection committee, the violation
    # "went abroad without reporting" by the inspection committee only. An
    # organisation's discipline is seen by the board and inspection over it,
    # the writers of the deciding body (the commune) and of the organisation;
    # proposed by a writer or the inspection committee at ?org=; its steps by
    # the deciding body's writers (a step not offered: 404).
    "discipline_trip": Row(READ, obj="trip"),
    "discipline_trip:report": Row(
        "w w w w 404 404",
        method="POST",
        obj="trip",
        data=lambda w: {"form": "report", "reported_on": "16/11/2026", "reported_to": "Đảng ủy"},
    ),
    "discipline_trip:violation": Row(
        "404 404 404 w 404 404",
        method="POST",
        obj="trip",
        data=lambda w: {
            "form": "violation",
            "description": "Đi nước ngoài không báo cáo cấp ủy có thẩm quyền",
            "committed_on": "01/10/2026",
            "found_on": "16/11/2026",
        },
    ),
    "org_discipline_new": Row("404 ok ok ok 404 404", query=lambda w: f"?org={w.commune.pk}"),
    "org_discipline_new:propose": Row(
        "404 w w w 404 404",
        method="POST",
        query=lambda w: f"?org={w.commune.pk}",
        data=lambda w: {
            "form": "org_propose",
            "organization": w.cell_a.pk,
            "sanction": "reprimand",
            "violation_kind": "duties",
            "description": "Không duy trì sinh hoạt chi bộ định kỳ",
            "committed_on": "01/09/2026",
            "authority": w.commune.pk,
            "authority_body": "superior",
            "inspection": "",
            "proposed_on": "16/11/2026",
        },
    ),
    "org_discipline_detail": Row(READ, obj="org_discipline"),
    "org_discipline_detail:vote": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="org_discipline",
        data=lambda w: {
            "step": "org_vote",
            "voted_on": "05/11/2026",
            "entitled": "9",
            "votes_for": "7",
        },
    ),
    "org_discipline_detail:decide": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="org_discipline_voted",
        data=lambda w: {
            "step": "org_decide",
            "decision_date": "09/11/2026",
            "decision_number": "17-QĐ/ĐU",
        },
    ),
    "org_discipline_detail:announce": Row(
        "404 w w 404 404 404",
        method="POST",
        obj="org_discipline_decided",
        data=lambda w: {"step": "org_announce", "announced_on": "12/11/2026"},
    ),
    # The province dissolves the empty cell B (the commune sees it, cell A does not).
    "org_discipline_detail:dissolve": Row(
        "404 404 w 404 404 404",
        method="POST",
        obj="org_dissolution",
        data=lambda w: {"step": "org_dissolve", "dissolved_on": "18/11/2026"},
    ),
    # --- imports: the writers of a subtree (the inspection committee reads
    # only; the outside office writes elsewhere: the organisation is refused at
    # its field, nothing written); a job by the writers over its organisation.
    "imports": Row("ok ok ok 404 ok 404"),
    "imports:upload": Row(
        "w w w 404 200 404",
        method="POST",
        data=lambda w: {"organization": w.cell_a.code, "file": _sheet_upload(w)},
    ),
    # A job shows the file's rows, citizen IDs among them: to its uploader (the
    # commune's office) and to the roles that see them (the board); not to the
    # cell's secretary, who writes there but may not see citizen IDs.
    # A file made in the background: to the one who asked for it only.
    "exports_job_file": Row("404 ok 404 404 404 404", obj="export_job"),
    # The sample list: for whoever may import (the inspection committee does not write).
    "import_sample": Row("ok ok ok 404 ok 404"),
    "import_mapping": Row("404 ok ok 404 404 404", obj="import_job"),
    "import_detail": Row("404 ok ok 404 404 404", obj="import_job"),
    # Not checked yet: back to the job with the message, nothing written.
    "import_run": Row("404 ok ok 404 404 404", method="POST", obj="import_job", data=lambda w: {}),
    # No refused rows yet: no file to anyone.
    "import_failed_rows": Row(NOBODY, obj="import_job"),
    "my_account": Row(EVERYONE),
    "my_token_revoke": Row("404 404 404 404 404 ok", method="POST", obj="member_token"),
    "my_password": Row(EVERYONE),
    "password_reset_users": Row("404 404 ok 404 404 404"),
    "password_reset": Row("404 404 ok 404 404 404", method="POST", obj="member_user"),
}


def _api(method: str, path: str) -> str:
    return f"{method} {path}"


API_STEP = "w w w 403 404 404"  # the cell's step: inspection reads but may not act
API_LATE = "400 400 400 403 404 404"  # a step out of order: the same code to every reader


def _payload(**kw):
    return lambda w: kw


API: dict[str, Row] = {
    _api("POST", "/api/v1/auth/token"): Row(
        EVERYONE,
        method="POST",
        data=lambda w: {},  # filled per role in the test
        extra={"token": True},
    ),
    _api("POST", "/api/v1/auth/logout"): Row(EVERYONE, method="POST"),
    _api("GET", "/api/v1/members"): Row(READ, query=org_q),
    _api("POST", "/api/v1/members"): Row(
        "w w w 404 404 404",
        method="POST",
        data=lambda w: {
            "organization": w.cell_a.pk,
            "family_name": "Lê",
            "given_name": "Hoa",
            "gender": "F",
            "birth_date": "1990-02-01",
            "admission_decision_date": "2015-03-01",
            "joining_date": "2015-03-10",
            "official_date": "2016-03-10",
        },
    ),
    _api("GET", "/api/v1/members/{member_id}"): Row(READ, obj="member"),
    _api("PATCH", "/api/v1/members/{member_id}"): Row(
        "w w w 404 404 404",
        method="PATCH",
        obj="member",
        data=lambda w: {"version": Member.objects.get(pk=w.subject.pk).version, "workplace": "UB"},
    ),
    _api("GET", "/api/v1/organizations/{org_id}"): Row(READ, obj="org"),
    _api("GET", "/api/v1/cases"): Row(EVERYONE),
    # --- exemptions
    _api("GET", "/api/v1/exemptions"): Row(READ, query=org_q),
    _api("POST", "/api/v1/exemptions"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {
            "member": w.subject.pk,
            "kind": "temporary",
            "ground": "working_away",
            "applied_on": "2026-11-02",
            "start": "2026-11-02",
            "end": "2027-05-01",
        },
    ),
    _api("GET", "/api/v1/exemptions/{pk}"): Row(READ, obj="exemption"),
    _api("POST", "/api/v1/exemptions/{pk}/decide"): Row(
        API_STEP,
        method="POST",
        obj="exemption",
        data=_payload(decided_on="2026-11-05", resolution_number="1"),
    ),
    _api("POST", "/api/v1/exemptions/{pk}/refuse"): Row(
        API_STEP,
        method="POST",
        obj="exemption",
        data=_payload(decided_on="2026-11-05", refusal_reason="Chưa đủ căn cứ"),
    ),
    _api("POST", "/api/v1/exemptions/{pk}/report"): Row(
        API_LATE, method="POST", obj="exemption", data=_payload(reported_on="2026-11-06")
    ),
    _api("POST", "/api/v1/exemptions/{pk}/apply_return"): Row(
        API_LATE, method="POST", obj="exemption", data=_payload(applied_on="2026-11-18")
    ),
    _api("POST", "/api/v1/exemptions/{pk}/request_return"): Row(
        API_LATE, method="POST", obj="exemption", data=_payload(applied_on="2026-11-18")
    ),
    _api("POST", "/api/v1/exemptions/{pk}/return"): Row(
        API_LATE,
        method="POST",
        obj="exemption",
        data=_payload(returned_on="2026-11-19", resolution_number="9"),
    ),
    # --- working away
    _api("GET", "/api/v1/working-away"): Row(READ, query=org_q),
    _api("POST", "/api/v1/working-away"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {"member": w.officials[2].pk, "reported_on": "2026-11-05"},
    ),
    _api("GET", "/api/v1/working-away/{pk}"): Row(READ, obj="working_away"),
    _api("POST", "/api/v1/working-away/{pk}/review"): Row(
        API_STEP,
        method="POST",
        obj="working_away",
        data=_payload(reviewed_on="2026-11-10", committee_reported_on="2026-11-12"),
    ),
    _api("POST", "/api/v1/working-away/{pk}/destination"): Row(
        API_LATE,
        method="POST",
        obj="working_away",
        data=lambda w: {
            "registered_on": "2026-11-12",
            "province": w.home.province_id,
            "commune": w.home.pk,
        },
    ),
    _api("POST", "/api/v1/working-away/{pk}/destination_change"): Row(
        API_LATE,
        method="POST",
        obj="working_away",
        data=lambda w: {
            "registered_on": "2026-11-12",
            "province": w.home.province_id,
            "commune": w.home.pk,
        },
    ),
    _api("POST", "/api/v1/working-away/{pk}/contact"): Row(
        API_LATE,
        method="POST",
        obj="working_away",
        data=_payload(date="2026-11-12", kind="report"),
    ),
    _api("POST", "/api/v1/working-away/{pk}/year_review"): Row(
        API_LATE,
        method="POST",
        obj="working_away",
        data=_payload(year=2026, received_on="2026-11-12", self_review="Tốt"),
    ),
    _api("POST", "/api/v1/working-away/{pk}/exemption"): Row(
        API_LATE,
        method="POST",
        obj="working_away",
        data=_payload(
            ground="working_away", applied_on="2026-11-12", start="2026-11-12", end="2027-05-01"
        ),
    ),
    _api("POST", "/api/v1/working-away/{pk}/end"): Row(
        API_STEP, method="POST", obj="working_away", data=_payload(ended_on="2026-11-12")
    ),
    # --- residence liaison (introduced by the agency, received by the commune, in cell A)
    _api("GET", "/api/v1/residence-liaisons"): Row(READ, query=org_q),
    # Introduced by the workplace (the agency's cell C), not by cell A.
    _api("POST", "/api/v1/residence-liaisons"): Row(
        "404 404 w 404 w 404",
        method="POST",
        data=lambda w: {"member": w.obj("worker").pk, "introduced_on": "2026-11-02"},
    ),
    _api("GET", "/api/v1/residence-liaisons/{pk}"): Row("ok ok ok ok ok 404", obj="residence"),
    _api("POST", "/api/v1/residence-liaisons/{pk}/receive"): Row(
        "403 400 400 403 403 404",
        method="POST",
        obj="residence",
        data=_payload(received_on="2026-11-15"),
    ),
    _api("POST", "/api/v1/residence-liaisons/{pk}/assign"): Row(
        "403 400 400 403 403 404",
        method="POST",
        obj="residence",
        data=lambda w: {"assigned_on": "2026-11-15", "cell": w.cell_a.pk},
    ),
    _api("POST", "/api/v1/residence-liaisons/{pk}/group"): Row(
        "w w w 403 403 404", method="POST", obj="residence", data=_payload(group=None)
    ),
    _api("POST", "/api/v1/residence-liaisons/{pk}/comment"): Row(
        "w w w 403 403 404",
        method="POST",
        obj="residence",
        data=_payload(year=2026, commented_on="2026-11-15", text="Gương mẫu"),
    ),
    _api("POST", "/api/v1/residence-liaisons/{pk}/comment_when_needed"): Row(
        "400 400 400 403 403 404",
        method="POST",
        obj="residence",
        data=_payload(year=2026, commented_on="2026-11-15", text="Gương mẫu"),
    ),
    _api("POST", "/api/v1/residence-liaisons/{pk}/end"): Row(
        "403 403 w 403 w 404",
        method="POST",
        obj="residence",
        data=_payload(ended_on="2026-11-15", end_reason="Chuyển nơi ở"),
    ),
    # --- transfers
    _api("GET", "/api/v1/transfers"): Row(READ, query=org_q),
    _api("POST", "/api/v1/transfers"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {
            "member": w.officials[2].pk,
            "kind": "permanent",
            "reason": "residence",
            "trigger_date": "2026-11-02",
            "to_outside": "Chi bộ khác",
        },
    ),
    _api("POST", "/api/v1/transfers/incoming"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {
            "organization": w.cell_a.pk,
            "member": {
                "family_name": "Lê",
                "middle_name": "Thị",
                "given_name": "Hoa",
                "gender": "F",
                "birth_date": "1990-02-01",
                "admission_decision_date": "2015-03-01",
                "joining_date": "2015-03-10",
                "official_date": "2016-03-10",
            },
            "from_outside": "Đảng bộ tỉnh Nghệ An",
            "letter_number": "12-GGT/TU",
            "sent_on": "2026-11-02",
            "received_on": "2026-11-09",
            "dossier_checked": True,
            "dues_paid_through": "10/2026",
        },
    ),
    _api("GET", "/api/v1/transfers/{transfer_id}"): Row(READ, obj="transfer"),
    _api("POST", "/api/v1/transfers/{transfer_id}/send"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="transfer",
        data=_payload(sent_on="2026-11-10", dues_paid_through="10/2026"),
    ),
    _api("POST", "/api/v1/transfers/{transfer_id}/receive"): Row(
        "403 400 400 403 404 404",  # the acting side is checked before the state
        method="POST",
        obj="transfer",
        data=_payload(received_on="2026-11-16", dossier_checked=True),
    ),
    _api("POST", "/api/v1/transfers/{transfer_id}/return"): Row(
        "400 400 400 403 404 404",  # the acting side is checked before the state
        method="POST",
        obj="transfer",
        data=_payload(returned_on="2026-11-19"),
    ),
    _api("POST", "/api/v1/transfers/{transfer_id}/reissue"): Row(
        "403 400 400 403 404 404",  # the acting side is checked before the state
        method="POST",
        obj="transfer",
        data=_payload(reissued_on="2026-11-16", reason="lost"),
    ),
    _api("POST", "/api/v1/transfers/{transfer_id}/cancel"): Row(
        API_STEP, method="POST", obj="transfer", data=_payload(reason="Không chuyển nữa")
    ),
    # --- removals
    _api("GET", "/api/v1/removals"): Row(READ, query=org_q),
    _api("POST", "/api/v1/removals"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {
            "member": w.officials[2].pk,
            "kind": "voluntary_exit",
            "meeting_on": "2026-11-07",
            "votes_for": 1,
        },
    ),
    _api("POST", "/api/v1/removals/record"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {"member": w.officials[2].pk, "kind": "death", "date": "2026-11-18"},
    ),
    _api("GET", "/api/v1/removals/{removal_id}"): Row(READ, obj="removal"),
    _api("POST", "/api/v1/removals/{removal_id}/decide"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="removal",
        data=_payload(
            approved=True,
            decided_by="Ban Thường vụ Đảng ủy xã",
            decision_number="45-QĐ/ĐU",
            decision_date="2026-11-18",
        ),
    ),
    # --- admissions
    _api("GET", "/api/v1/admissions"): Row(READ, query=org_q),
    _api("POST", "/api/v1/admissions"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {
            "organization": w.cell_a.pk,
            "family_name": "Trần",
            "middle_name": "Thị",
            "given_name": "Hoa",
            "gender": "F",
            "birth_date": "1995-04-12",
            "education_level": "12/12",
            "meets_education": True,
            "application_date": "2024-01-05",
            "certificate_number": "123-GCN/TTCT",
            "certificate_date": "2023-10-02",
            "opened_on": "2024-01-08",
        },
    ),
    _api("GET", "/api/v1/admissions/{pk}"): Row(READ, obj="admission_dossier"),
    _api("POST", "/api/v1/admissions/{pk}/dossier"): Row(
        API_STEP, method="POST", obj="admission_opened", data=_dossier_api
    ),
    _api("POST", "/api/v1/admissions/{pk}/renew"): Row(
        "400 400 400 400 404 404", method="POST", obj="admission_opened", data=_dossier_api
    ),
    _api("POST", "/api/v1/admissions/{pk}/cell_vote"): Row(
        API_STEP,
        method="POST",
        obj="admission_dossier",
        data=_payload(meeting_date="2024-03-07", votes_for=3),
    ),
    _api("POST", "/api/v1/admissions/{pk}/escalation"): Row(
        "400 400 400 400 404 404",
        method="POST",
        obj="admission_dossier",
        data=_payload(date="2024-03-07", agreed=True, note="x"),
    ),
    _api("POST", "/api/v1/admissions/{pk}/grassroots"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="admission_agreed",
        data=_payload(date="2024-03-14", resolution_number="12"),
    ),
    _api("POST", "/api/v1/admissions/{pk}/extension"): Row(
        "403 403 w 403 404 404",
        method="POST",
        obj="admission_agreed",
        data=_payload(date="2024-03-14", days=5, reason="Chờ xác minh"),
    ),
    _api("POST", "/api/v1/admissions/{pk}/decision"): Row(
        "403 403 w 403 404 404",
        method="POST",
        obj="admission_resolved",
        data=_payload(decision_date="2024-03-28", decision_number="345"),
    ),
    _api("POST", "/api/v1/admissions/{pk}/ceremony"): Row(
        API_STEP, method="POST", obj="admission_decided", data=_payload(date="2024-04-05")
    ),
    _api("POST", "/api/v1/admissions/{pk}/close"): Row(
        API_STEP,
        method="POST",
        obj="admission_opened",
        data=_payload(date="2024-02-01", reason="Rút đơn"),
    ),
    _api("GET", "/api/v1/recognitions"): Row(READ, query=org_q),
    _api("GET", "/api/v1/recognitions/{pk}"): Row(READ, obj="recognition"),
    _api("POST", "/api/v1/recognitions/{pk}/cell_vote"): Row(
        API_STEP,
        method="POST",
        obj="recognition",
        data=_payload(meeting_date="2026-10-07", votes_for=3, proposal="recognise"),
    ),
    _api("POST", "/api/v1/recognitions/{pk}/escalation"): Row(
        "400 400 400 400 404 404",
        method="POST",
        obj="recognition",
        data=_payload(date="2026-10-07", proposal="recognise", note="x"),
    ),
    _api("POST", "/api/v1/recognitions/{pk}/grassroots"): Row(
        "400 400 400 400 404 404",
        method="POST",
        obj="recognition",
        data=_payload(date="2026-10-12", resolution_number="7"),
    ),
    _api("POST", "/api/v1/recognitions/{pk}/extension"): Row(
        "400 400 400 400 404 404",
        method="POST",
        obj="recognition",
        data=_payload(date="2026-10-12", days=5, reason="x"),
    ),
    _api("POST", "/api/v1/recognitions/{pk}/decision"): Row(
        "400 400 400 400 404 404",
        method="POST",
        obj="recognition",
        data=_payload(decision_date="2026-11-02", decision_number="1"),
    ),
    # --- dues: the cell keeps the ledger; reliefs are decided by the committee
    # above a cell under a grassroots committee (R5.7), voluntary amounts
    # approved by the superior committee (addendum 2.10).
    _api("GET", "/api/v1/dues/ledger"): Row(
        READ, query=lambda w: f"?cell={w.cell_a.pk}&month=2026-11"
    ),
    _api("GET", "/api/v1/dues/members/{pk}/ledger"): Row(READ, obj="member"),
    _api("GET", "/api/v1/dues/overview"): Row(
        READ, query=lambda w: f"?org={w.cell_a.pk}&month=2026-11"
    ),
    _api("GET", "/api/v1/dues/arrears"): Row(READ, query=lambda w: f"?org={w.cell_a.pk}&year=2026"),
    _api("POST", "/api/v1/dues/payments"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {
            "member": w.subject.pk,
            "month": "2026-11",
            "amount": 100_000,
            "channel": "cash",
            "paid_on": "2026-11-20",
        },
    ),
    _api("POST", "/api/v1/dues/ledger/{pk}/corrections"): Row(
        API_STEP,
        method="POST",
        obj="dues_ledger",
        data=_payload(amount=5_000, reason="Thu bù", on="2026-11-20"),
    ),
    _api("POST", "/api/v1/dues/months/compute"): Row(
        API_STEP, method="POST", data=lambda w: {"org": w.cell_a.pk, "month": "2026-11"}
    ),
    _api("POST", "/api/v1/dues/months/close"): Row(
        API_STEP, method="POST", data=lambda w: {"org": w.cell_a.pk, "month": "2026-10"}
    ),
    _api("GET", "/api/v1/dues/members/{pk}/profiles"): Row(READ, obj="member"),
    _api("POST", "/api/v1/dues/profiles"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {
            "member": w.subject.pk,
            "valid_from": "2026-11-01",
            "category": "student",
        },
    ),
    _api("POST", "/api/v1/dues/profiles/{pk}/approve-voluntary"): Row(
        "403 w w 403 404 404", method="POST", obj="dues_profile", data=_payload()
    ),
    _api("GET", "/api/v1/dues/members/{pk}/reliefs"): Row(READ, obj="member"),
    _api("POST", "/api/v1/dues/reliefs"): Row(
        "403 w w 403 404 404",
        method="POST",
        data=lambda w: {
            "member": w.subject.pk,
            "kind": "reduction",
            "percent": 50,
            "ground": "hardship",
            "first_month": "2026-11",
            "last_month": "2027-04",
            "decided_on": "2026-11-20",
        },
    ),
    # --- inspection and discipline: a sensitive section. A discipline is seen by
    # the board, the inspection committee over the member, the member concerned
    # and the writers at the deciding organisation or above; an inspection by
    # the board and the inspection committee only. Steps of the deciding body
    # (vote, decide, announce) are its writers'; conclude, answer and restore
    # the inspection committee's.
    # A list filtered by what each scope sees: the cell and the office reach
    # cell A and get it empty (the page answers them 404; nothing is shown).
    _api("GET", "/api/v1/inspections"): Row("ok ok ok ok 404 404", query=org_q),
    # Planned by the commune's inspection committee (the cell does not reach the commune).
    _api("POST", "/api/v1/inspections"): Row(
        "404 403 403 w 404 404",
        method="POST",
        data=lambda w: {
            "organization": w.commune.pk,
            "kind": "supervision",
            "content": "Giám sát việc thu, nộp đảng phí",
            "period_start": "2026-12-01",
            "period_end": "2026-12-31",
            "target": w.cell_a.pk,
        },
    ),
    _api("GET", "/api/v1/inspections/{pk}"): Row("404 404 ok ok 404 404", obj="inspection"),
    _api("POST", "/api/v1/inspections/{pk}/conclude"): Row(
        "404 404 403 w 404 404",
        method="POST",
        obj="inspection",
        data=_payload(concluded_on="2026-11-20", conclusion="Chấp hành tốt Điều lệ"),
    ),
    # Recorded by the inspection committee over the member or a writer over the member.
    _api("POST", "/api/v1/violations"): Row(
        "w w w w 404 404",
        method="POST",
        data=lambda w: {
            "member": w.subject.pk,
            "kind": "duties",
            "description": "Không thực hiện nhiệm vụ được giao",
            "committed_on": "2026-10-01",
            "found_on": "2026-11-15",
        },
    ),
    # Lists filtered to what each scope sees (empty for the others).
    _api("GET", "/api/v1/trips-not-reported"): Row(EVERYONE),
    _api("GET", "/api/v1/disciplines-lapsed"): Row(EVERYONE),
    _api("GET", "/api/v1/disciplines/{pk}"): Row("404 ok ok ok 404 404", obj="discipline"),
    # The record as a whole is the sensitive section (like its page).
    _api("GET", "/api/v1/members/{pk}/disciplines"): Row("404 404 ok ok 404 404", obj="member"),
    # Proposed to cell A (a warning is within its reach): its writers or the
    # inspection committee over it.
    _api("POST", "/api/v1/disciplines"): Row(
        "w w w w 404 404",
        method="POST",
        data=lambda w: {
            "violation": w.obj("violation").pk,
            "form": "reprimand",
            "authority": w.cell_a.pk,
            "authority_body": "cell",
            "proposed_on": "2026-11-18",
        },
    ),
    # Against cell A's warning in force, to the commune: a writer over the
    # member or the inspection committee (or the member concerned).
    _api("POST", "/api/v1/disciplines/{pk}/complaints"): Row(
        "w w w w 404 404",
        method="POST",
        obj="discipline_by_cell",
        data=lambda w: {
            "lodged_on": "2026-11-16",
            "content": "Hình thức kỷ luật chưa phù hợp",
            "answering_organization": w.commune.pk,
        },
    ),
    # The commune committee decides: its office and the board above it.
    _api("POST", "/api/v1/disciplines/{pk}/vote"): Row(
        "404 w w 403 404 404",
        method="POST",
        obj="discipline",
        data=_payload(voted_on="2026-11-05", entitled=9, votes_for=7),
    ),
    _api("POST", "/api/v1/disciplines/{pk}/decide"): Row(
        "404 w w 403 404 404",
        method="POST",
        obj="discipline_voted",
        data=_payload(decision_date="2026-11-09", decision_number="16-QĐ/ĐU"),
    ),
    _api("POST", "/api/v1/disciplines/{pk}/announce"): Row(
        "404 w w 403 404 404",
        method="POST",
        obj="discipline_decided",
        data=_payload(announced_on="2026-11-12"),
    ),
    # The commune's inspection committee answers the complaint against the cell.
    _api("POST", "/api/v1/disciplines/{pk}/answer"): Row(
        "403 403 403 w 404 404",
        method="POST",
        obj="discipline_complaint",
        data=_payload(answered_on="2026-11-18", outcome="kept", answer="Giữ nguyên cảnh cáo"),
    ),
    # The inspection committee at the deciding organisation restores (QĐ 117).
    _api("POST", "/api/v1/disciplines/{pk}/restore"): Row(
        "404 403 403 w 404 404",
        method="POST",
        obj="discipline_in_force",
        data=_payload(
            restored_on="2026-11-19",
            decision="5-KL/UBKT",
            rights="Khôi phục quyền lợi đảng viên",
        ),
    ),
    # --- party badges: reads over the subtree (a member's own badges to the
    # member); proposals, the list, the award, return and cancel by the
    # grassroots committee (the commune); decide and refuse by the province.
    _api("GET", "/api/v1/badges/candidates"): Row(READ, query=org_q),
    _api("GET", "/api/v1/badges/overdue"): Row(READ, query=org_q),
    _api("GET", "/api/v1/badges/awards"): Row(
        READ, query=lambda w: f"?org={w.cell_a.pk}&award_date=2026-11-07"
    ),
    _api("GET", "/api/v1/badges/awards/{pk}"): Row(READ, obj="badge_submitted"),
    _api("POST", "/api/v1/badges/proposals"): Row(
        "403 w w 403 404 404",
        method="POST",
        data=lambda w: {
            "member": w.obj("badge_candidate").pk,
            "milestone": 30,
            "award_date": "2027-02-03",
        },
    ),
    # The commune's list: the cell does not reach it.
    _api("POST", "/api/v1/badges/rounds/{pk}/submit"): Row(
        "404 w w 403 404 404",
        method="POST",
        obj="badge_round",
        data=_payload(submitted_on="2026-09-20"),
    ),
    _api("POST", "/api/v1/badges/awards/{pk}/decide"): Row(
        "403 403 w 403 404 404",
        method="POST",
        obj="badge_submitted",
        data=_payload(decided_on="2026-10-15", decision_number="121-QĐ/TU"),
    ),
    _api("POST", "/api/v1/badges/awards/{pk}/refuse"): Row(
        "403 403 w 403 404 404",
        method="POST",
        obj="badge_submitted",
        data=_payload(decided_on="2026-10-15", reason="Chưa đủ điều kiện"),
    ),
    _api("POST", "/api/v1/badges/awards/{pk}/award"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="badge_decided",
        data=_payload(awarded_on="2026-11-07", badge_number="301235"),
    ),
    _api("POST", "/api/v1/badges/awards/{pk}/return"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="badge_awarded",
        data=_payload(returned_on="2026-11-18", reason="Bị xóa tên"),
    ),
    _api("POST", "/api/v1/badges/awards/{pk}/cancel"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="badge_submitted",
        data=_payload(reason="Đề nghị nhầm"),
    ),
    # --- yearly review and grading (the commune's campaign of 2026 over cell A):
    # reads over the subtree (the commune's decision to the commune's readers);
    # the self-review by the member concerned or the cell's writers; the
    # proposal and the cell's form 01 by the cell's writers; opening, closing,
    # the decision (decide, announce) and the grading of the cell by the
    # commune's writers.
    # A list filtered by what each scope sees (empty for the others).
    _api("GET", "/api/v1/grading/campaigns"): Row(
        EVERYONE, query=_built("grading_campaign", "?year=2026")
    ),
    # Opened by the commune (the cell does not reach it).
    _api("POST", "/api/v1/grading/campaigns"): Row(
        "404 w w 403 404 404",
        method="POST",
        data=lambda w: {"organization": w.commune.pk, "year": 2026, "opened_on": "2026-11-02"},
    ),
    _api("GET", "/api/v1/grading/campaigns/{pk}"): Row(READ, obj="grading_campaign"),
    # The cell reads its committee's campaign but does not close it.
    _api("POST", "/api/v1/grading/campaigns/{pk}/close"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="grading_announced",
        data=_payload(on="2026-11-20"),
    ),
    _api("GET", "/api/v1/grading/reviews/{pk}"): Row(READ, obj="grading_review"),
    _api("POST", "/api/v1/grading/reviews/{pk}/self_review"): Row(
        API_STEP,
        method="POST",
        obj="grading_review",
        data=lambda w: _self_review_api(),
    ),
    _api("POST", "/api/v1/grading/reviews/{pk}/self_review_edit"): Row(
        API_STEP,
        method="POST",
        obj="grading_self_reviewed",
        data=lambda w: _self_review_api(),
    ),
    _api("GET", "/api/v1/grading/proposals/{pk}"): Row(READ, obj="grading_proposal"),
    _api("POST", "/api/v1/grading/proposals/{pk}/propose"): Row(
        API_STEP,
        method="POST",
        obj="grading_proposal_ready",
        data=lambda w: {
            "proposed_on": "2026-11-12",
            "lines": [
                {"review": pk, "grade": grade, "score": score}
                for pk, grade, score in _grading_lines(w)
            ],
        },
    ),
    _api("GET", "/api/v1/grading/decisions/{pk}"): Row(
        "404 ok ok ok 404 404", obj="grading_decision"
    ),
    _api("POST", "/api/v1/grading/decisions/{pk}/decide"): Row(
        "404 w w 403 404 404",
        method="POST",
        obj="grading_decision",
        data=_payload(decided_on="2026-11-14"),
    ),
    _api("POST", "/api/v1/grading/decisions/{pk}/announce"): Row(
        "404 w w 403 404 404",
        method="POST",
        obj="grading_decided",
        data=_payload(announced_on="2026-11-16"),
    ),
    _api("GET", "/api/v1/grading/organizations/{pk}"): Row(READ, obj="grading_organization"),
    _api("POST", "/api/v1/grading/organizations/{pk}/org_self"): Row(
        API_STEP,
        method="POST",
        obj="grading_organization",
        data=_payload(
            report="Chi bộ hoàn thành tốt nhiệm vụ.",
            self_grade="good",
            self_score=80,
            on="2026-11-10",
            tasks=10,
            tasks_done=10,
            tasks_on_time=10,
            tasks_exceeded=1,
        ),
    ),
    # Graded by the commune, directly above the cell.
    _api("POST", "/api/v1/grading/organizations/{pk}/org_decide"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="grading_org_self_graded",
        data=_payload(grade="good", score=80, on="2026-11-18"),
    ),
    _api("GET", "/api/v1/grading/results"): Row(
        READ, query=_built("grading_campaign", "?org={cell_a}&year=2026")
    ),
    # --- exports (as the pages): the staff roles over the subtree; the
    # sensitive columns only for the board and the inspection committee.
    _api("GET", "/api/v1/exports/columns"): Row(READ, query=org_q),
    _api("GET", "/api/v1/exports/members.xlsx"): Row(READ, query=org_q),
    _api("GET", "/api/v1/exports/members.xlsx") + ":list": Row(
        READ, query=lambda w: f"?org={w.cell_a.pk}&kind=list&columns=ho_ten&columns=ngay_sinh"
    ),
    _api("GET", "/api/v1/exports/members.xlsx") + ":sensitive": Row(
        "400 400 ok ok 404 404",
        query=lambda w: f"?org={w.cell_a.pk}&kind=list&columns=ho_ten&columns=cccd",
    ),
    _api("GET", "/api/v1/exports/members/{pk}/{paper}"): Row(
        READ, obj="member", extra={"path": {"paper": "card"}}
    ),
    _api("GET", "/api/v1/exports/members/{pk}/{paper}") + ":cv": Row(
        READ, obj="member", extra={"path": {"paper": "cv"}}
    ),
    _api("GET", "/api/v1/exports/members/{pk}/{paper}") + ":own": Row(
        "ok ok ok ok 404 ok", obj="plain", extra={"path": {"paper": "card"}}
    ),
    # --- data quality
    _api("GET", "/api/v1/quality/{org}"): Row(READ, obj="org"),
    _api("GET", "/api/v1/quality/{org}/{code}"): Row(
        READ, obj="org", extra={"path": {"code": "citizen_id_missing"}}
    ),
    _api("GET", "/api/v1/quality/{org}/{code}") + ":sensitive": Row(
        "404 404 ok ok 404 404", obj="org", extra={"path": {"code": "duplicate_old_identity"}}
    ),
    _api("GET", "/api/v1/quality/{org}/{code}") + ":year": Row(
        "404 404 ok ok 404 404", obj="org", extra={"path": {"code": "citizen_id_year_mismatch"}}
    ),
    # --- trip reports: a writer over the member or the inspection committee
    # over it (the trips are seen by them only).
    _api("POST", "/api/v1/trips/{pk}/report"): Row(
        "w w w w 404 404",
        method="POST",
        obj="trip",
        data=_payload(reported_on="2026-11-16", reported_to="Đảng ủy xã"),
    ),
    # --- discipline of party organisations: seen by the board and the
    # inspection committee over the organisation, the writers of the deciding
    # body and of the organisation; proposed by a writer or the inspection
    # committee at the deciding body (the commune: the cell does not reach it);
    # the steps by the deciding body's writers.
    _api("POST", "/api/v1/org-disciplines"): Row(
        "404 w w w 404 404",
        method="POST",
        data=lambda w: {
            "organization": w.cell_a.pk,
            "form": "reprimand",
            "violation_kind": "duties",
            "description": "Không duy trì sinh hoạt chi bộ định kỳ",
            "committed_on": "2026-09-01",
            "authority": w.commune.pk,
            "authority_body": "superior",
            "proposed_on": "2026-11-16",
        },
    ),
    _api("GET", "/api/v1/org-disciplines/{pk}"): Row(READ, obj="org_discipline"),
    _api("POST", "/api/v1/org-disciplines/{pk}/org_vote"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="org_discipline",
        data=_payload(voted_on="2026-11-05", entitled=9, votes_for=7),
    ),
    _api("POST", "/api/v1/org-disciplines/{pk}/org_decide"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="org_discipline_voted",
        data=_payload(decision_date="2026-11-09", decision_number="17-QĐ/ĐU"),
    ),
    _api("POST", "/api/v1/org-disciplines/{pk}/org_announce"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="org_discipline_decided",
        data=_payload(announced_on="2026-11-12"),
    ),
    # The province dissolves the empty cell B: the commune's office and
    # inspection see it but do not act; cell A's secretary does not see it.
    _api("POST", "/api/v1/org-disciplines/{pk}/org_dissolve"): Row(
        "404 403 w 403 404 404",
        method="POST",
        obj="org_dissolution",
        data=_payload(dissolved_on="2026-11-18"),
    ),
    # --- imports (multipart): the writers of the organisation; the dry run
    # writes nothing (refused rows are reported, 200), the import writes the
    # members (all or none).
    _api("POST", "/api/v1/imports/members/dry-run"): Row(
        "ok ok ok 404 404 404",
        method="POST",
        data=lambda w: {"organization": w.cell_a.code, "file": _sheet_upload(w)},
        extra={"multipart": True},
    ),
    # The sample row carries a citizen ID and an old ID number: written only by
    # the roles that see them (the board); the cell and the office are refused
    # at the row (400, nothing written).
    _api("POST", "/api/v1/imports/members"): Row(
        "400 400 w 404 404 404",
        method="POST",
        data=lambda w: {"organization": w.cell_a.code, "file": _sheet_upload(w)},
        extra={"multipart": True},
    ),
    # --- meetings
    _api("GET", "/api/v1/meetings"): Row(READ, query=org_q),
    _api("GET", "/api/v1/meetings/{pk}"): Row(READ, obj="meeting"),
    _api("GET", "/api/v1/meetings/{pk}/attendance"): Row(READ, obj="meeting"),
    _api("GET", "/api/v1/meetings-overview"): Row(
        READ, query=lambda w: f"?org={w.cell_a.pk}&month=2026-11"
    ),
    _api("GET", "/api/v1/meetings-name-deletion"): Row(
        READ, query=lambda w: f"?org={w.cell_a.pk}&year=2026"
    ),
    _api("POST", "/api/v1/meetings"): Row(
        API_STEP,
        method="POST",
        data=lambda w: {
            "cell": w.cell_a.pk,
            "kind": "thematic",
            "planned_on": "2026-11-25",
            "topic": "Học tập chuyên đề",
        },
    ),
    _api("POST", "/api/v1/meetings/{pk}/register"): Row(
        API_STEP, method="POST", obj="meeting", data=_payload(planned_on="2026-11-07")
    ),
    _api("POST", "/api/v1/meetings/{pk}/notify"): Row(
        "400 400 400 400 404 404",  # the state is checked first
        method="POST",
        obj="meeting",
        data=_payload(notified_on="2026-11-05", agenda="Sinh hoạt thường kỳ"),
    ),
    # Open now, refused for the empty roll call (422) and nothing written.
    _api("POST", "/api/v1/meetings/{pk}/hold"): Row(
        "422 422 422 403 404 404",
        method="POST",
        obj="meeting",
        data=_payload(held_on="2026-11-07", duration_minutes=120, attendance=[]),
    ),
    _api("POST", "/api/v1/meetings/{pk}/not_held"): Row(
        API_STEP, method="POST", obj="meeting", data=_payload(reason="Bão lụt")
    ),
    _api("POST", "/api/v1/meetings/{pk}/review"): Row(
        "400 400 400 400 404 404",  # the state is checked first
        method="POST",
        obj="meeting",
        data=_payload(reviewed_on="2026-11-10", note="Đạt"),
    ),
    _api("POST", "/api/v1/meetings/{pk}/feedback"): Row(
        API_LATE,
        method="POST",
        obj="meeting",
        data=_payload(content="Đề nghị", sent_on="2026-11-10"),
    ),
    _api("GET", "/api/v1/feedback/{pk}"): Row(READ, obj="feedback"),
    # The committee the item went to answers (the commune's office, the
    # province's board above it); the cell and the inspection read only.
    _api("POST", "/api/v1/feedback/{pk}/answer"): Row(
        "403 w w 403 404 404",
        method="POST",
        obj="feedback",
        data=_payload(answer="Đã tiếp thu", answered_on="2026-11-12"),
    ),
    # The superior committee sets a cell's meeting day.
    _api("POST", "/api/v1/meeting-schedules"): Row(
        "403 w w 403 404 404",
        method="POST",
        data=lambda w: {
            "cell": w.cell_a.pk,
            "kind": "day_of_month",
            "effective_from": "2026-12-01",
            "day": 10,
        },
    ),
}

# Known leaks, marked xfail(strict=True) until fixed: row key -> reason.
KNOWN_LEAKS: dict[str, str] = {}


# --- the routes, from the URL configuration and the OpenAPI document ---------------------

# Not part of the product's pages: the Django admin (its own permission system)
# and the API's own document pages (listed from the OpenAPI document instead).
SKIPPED_PREFIXES = ("quan-tri/", "api/v1/")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def web_routes() -> dict[str, str]:
    """url name -> pattern, for every web page."""
    return {
        name: route
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    }


def api_routes() -> set[str]:
    from dangvien.api.api import api

    schema = api.get_openapi_schema()
    return {
        _api(method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_route_has_a_row():
    web = web_routes()
    assert None not in web, "every page needs a url name"
    missing = sorted(set(web) - {key.split(":")[0] for key in WEB})
    stale = sorted({key.split(":")[0] for key in WEB} - set(web))
    assert not missing, (
        f"pages without a row in compliance/tests/test_route_matrix.py WEB: {missing}. "
        "Add one saying what each role (secretary, office, board, inspection, outside, "
        "member) gets."
    )
    assert not stale, f"rows for pages that no longer exist: {stale}"
    api = api_routes()
    rows = {key.split(":")[0] for key in API}
    missing = sorted(api - rows)
    assert not missing, (
        f"API operations without a row in compliance/tests/test_route_matrix.py API: {missing}. "
        "Add one saying what each role gets."
    )
    assert not sorted(rows - api), f"rows for API operations gone: {rows - api}"


# --- calling a route as a role -----------------------------------------------------------

SKIP_MODELS = {"sessions.session"}
WATCHED = (
    "admissions.admissionfile",
    "admissions.recognitionfile",
    "movements.transfer",
    "movements.removal",
    "liaison.exemption",
    "liaison.workingaway",
    "liaison.residenceliaison",
    "members.member",
    "compliance.case",
    "accounts.apitoken",
    "auth.user",
)


_COUNT_SQL: list[str] = []


def _count_sql() -> str:
    """One query counting the rows of every table (audit history included)."""
    if not _COUNT_SQL:
        tables = sorted(
            {
                model._meta.db_table
                for model in apps.get_models(include_auto_created=True)
                if model._meta.managed and model._meta.label_lower not in SKIP_MODELS
            }
        )
        qn = connection.ops.quote_name
        _COUNT_SQL.append("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables))
        _COUNT_SQL.append(",".join(tables))
    return _COUNT_SQL[0]


def snapshot():
    """Row counts of every table (audit history included) and the rows of the
    workflow tables."""
    with connection.cursor() as cursor:
        cursor.execute(_count_sql())
        counts = dict(zip(_COUNT_SQL[1].split(","), cursor.fetchone(), strict=True))
    rows = {
        label: list(apps.get_model(label)._base_manager.order_by("pk").values_list())
        for label in WATCHED
    }
    # last_login moves with every login
    rows["auth.user"] = [r[:1] + r[3:] for r in rows["auth.user"]]
    return counts, rows


def _diff(before, after) -> list[str]:
    changed = [k for k in before[0] if before[0][k] != after[0].get(k)]
    changed += [k for k in before[1] if before[1][k] != after[1][k]]
    return changed


OK = {200, 201, 204, 302}


def _observe(token: str, response, before, after) -> tuple[str, str]:
    """(what happened as a token, why it does not match `token` or "")."""
    status = response.status_code
    changed = _diff(before, after)
    seen = ("w" if changed else "ok") if status in OK else str(status)
    if token == "ok":
        problem = "" if status in OK else f"got {status}"
    elif token == "w":
        problem = "" if status in OK and changed else f"got {status}, wrote {changed}"
    else:
        problem = "" if status == int(token) else f"got {status}"
        if not problem and changed:
            problem = f"refused ({status}) but changed {changed}"
        if not problem and token == "403" and response.json().get("code") != "not_acting_body":
            problem = f"403 with code {response.json().get('code')}"
    if problem:
        problem += f": {response.content[:300]!r}"
    return seen, problem


def _verdict(key: str, row: Row, results: dict[str, tuple[str, str]]):
    problems = {role: p for role, (_seen, p) in results.items() if p}
    observed = " ".join(seen for seen, _p in results.values())
    assert not problems, f"{key}: expected {row.expect!r}, observed {observed!r}: {problems}"


@pytest.fixture
def world(django_user_model):
    return World(django_user_model)


def _params(table: dict[str, Row]):
    for key in table:
        marks = []
        if key in KNOWN_LEAKS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[key]))
        yield pytest.param(key, id=key, marks=marks)


def _web_url(key: str, row: Row, w: World) -> str:
    name = key.split(":")[0]
    kwargs = {}
    if row.obj:
        kwargs["pk"] = w.obj(row.obj).pk
    if row.slug:
        kwargs["step" if name.endswith("_step") else "slug"] = row.slug
    kwargs.update(row.extra.get("kwargs", {}))
    url = reverse(name, kwargs=kwargs)
    return url + (row.query(w) if row.query else "")


@pytest.mark.parametrize("key", list(_params(WEB)))
def test_web_route(client, world, key):
    row = WEB[key]
    url = _web_url(key, row, world)
    results = {}
    for role, token in row.tokens().items():
        client.force_login(world.users[role])
        before = snapshot()
        with transaction.atomic():
            if row.method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, row.data(world) if row.data else {})
            after = snapshot()
            transaction.set_rollback(True)
        results[role] = _observe(token, response, before, after)
    _verdict(key, row, results)


def _bearer(user) -> dict:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(
        user=user, digest=_digest(token), expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("key", list(_params(API)))
def test_api_route(client, world, key):
    import json
    import re

    row = API[key]
    method, path = key.split(":")[0].split(" ", 1)
    for name, value in row.extra.get("path", {}).items():
        path = path.replace("{" + name + "}", value)
    if row.obj:
        path = re.sub(r"\{\w+\}", str(world.obj(row.obj).pk), path)
    path += row.query(world) if row.query else ""
    results = {}
    for role, token in row.tokens().items():
        auth = _bearer(world.users[role])
        data = row.data(world) if row.data else {}
        if row.extra.get("token"):
            data = {"username": world.users[role].username, "password": "pw-Test-1234"}
        before = snapshot()
        with transaction.atomic():
            call = getattr(client, method.lower())
            if method == "GET":
                response = call(path, **auth)
            elif row.extra.get("multipart"):
                response = call(path, data, **auth)
            else:
                response = call(path, json.dumps(data), content_type=JSON, **auth)
            after = snapshot()
            transaction.set_rollback(True)
        results[role] = _observe(token, response, before, after)
    _verdict(key, row, results)
