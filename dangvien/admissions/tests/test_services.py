"""The admission workflow through its services: edges of every deadline and
threshold, refusals that change nothing, the whole path to official member."""

import datetime as dt

import pytest
import time_machine

from dangvien.accounts.models import Role
from dangvien.admissions import services
from dangvien.admissions.models import (
    AdmissionFile,
    Candidate,
    CellVote,
    FileKind,
    IntroductionKind,
    Proposal,
    RecognitionFile,
    RecognitionStage,
    Stage,
    StepLog,
)
from dangvien.admissions.rules import LeavingCategory
from dangvien.admissions.tests.factories import (
    candidate_data,
    cell_with_officials,
    dossier_kwargs,
    file_decided,
    file_with_dossier,
    open_file,
)
from dangvien.compliance.models import Case, CaseKind
from dangvien.compliance.workflow import Body
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError, RecordValidationError
from dangvien.members import services as member_services
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.web.cases.registry import case_url

pytestmark = pytest.mark.django_db
D = dt.date


def _snapshot():
    return (
        AdmissionFile.objects.count(),
        Candidate.objects.count(),
        CellVote.objects.count(),
        StepLog.objects.count(),
        RecognitionFile.objects.count(),
        Member.objects.count(),
        MembershipEvent.objects.count(),
        list(Case.objects.order_by("id").values_list("step", "due_date", "closed_on")),
        list(AdmissionFile.objects.order_by("id").values_list("stage", "updated_at")),
        list(RecognitionFile.objects.order_by("id").values_list("stage", "updated_at")),
    )


def _case(file):
    return Case.objects.get(object_id=file.pk, kind=CaseKind.ADMISSION)


# --- opening and dossier ------------------------------------------------------------


def test_opening_a_file_opens_a_case_for_the_cell():
    cell, _ = cell_with_officials(2)
    file = open_file(cell)
    assert file.stage == Stage.OPENED and file.org_path == cell.path
    case = _case(file)
    assert case.step == "dossier" and case.closed_on is None
    assert case.due_date == D(2025, 1, 9)  # stale from then (R1.6)
    assert case.acting_body == Body.CELL and case.acting_organization == cell
    assert case_url(case.kind, case.object_id) == f"/ket-nap/{file.pk}/"
    assert file.log.get().step == "open"


@pytest.mark.parametrize(
    "override,field",
    [
        ({"certificate_date": D(2019, 1, 7)}, "certificate_date"),  # 60 months ended 07/01/2024
        ({"meets_education": False}, "education_exception"),
        ({"given_name": ""}, "given_name"),
        ({"application_date": D(2024, 2, 1)}, "application_date"),
    ],
)
def test_bad_opening_is_refused_at_its_field_and_nothing_is_written(override, field):
    cell, _ = cell_with_officials(1)
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        open_file(cell, **override)
    assert field in err.value.errors
    assert _snapshot() == before


def test_education_exception_recorded_lets_the_file_open():
    cell, _ = cell_with_officials(1)
    file = open_file(
        cell, meets_education=False, education_exception="Xã đặc biệt khó khăn, HD 01-HD/TW 1.2"
    )
    assert not file.candidate.meets_education


def test_certificate_on_its_last_valid_day_is_accepted():
    cell, _ = cell_with_officials(1)
    assert open_file(cell, certificate_date=D(2019, 1, 9)).pk


def test_introducers_must_be_official_members_with_12_months_together():
    cell, officials = cell_with_officials(2)
    probationary = MemberFactory(
        organization=cell,
        joining_date=D(2023, 6, 1),
        admission_decision_date=D(2023, 5, 20),
        official_date=None,
    )
    file = open_file(cell)
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.admission_complete_dossier(
            actor=SYSTEM,
            file=file,
            **dossier_kwargs(
                [officials[0], probationary], D(2024, 2, 1), introducer_1_since=D(2023, 2, 2)
            ),
        )
    assert "12 tháng" in err.value.errors["introducer_1"][0]
    assert "chính thức" in err.value.errors["introducer_2"][0]
    assert _snapshot() == before
    # Exactly 12 months together is enough.
    services.admission_complete_dossier(
        actor=SYSTEM,
        file=file,
        **dossier_kwargs(officials, D(2024, 2, 1), introducer_1_since=D(2023, 2, 1)),
    )
    file.refresh_from_db()
    assert file.stage == Stage.DOSSIER_COMPLETE


def test_youth_union_resolution_plus_one_member():
    cell, officials = cell_with_officials(1)
    file = open_file(cell)
    kwargs = dossier_kwargs(
        [officials[0], None], D(2024, 2, 1), introduction_kind=IntroductionKind.YOUTH_UNION
    )
    with pytest.raises(RecordValidationError) as err:
        services.admission_complete_dossier(actor=SYSTEM, file=file, **kwargs)
    assert "union_resolution" in err.value.errors
    kwargs["union_resolution"] = "Nghị quyết số 07-NQ/ĐTN ngày 20/01/2024"
    file = services.admission_complete_dossier(actor=SYSTEM, file=file, **kwargs)
    assert file.introducer_2 is None and file.stage == Stage.DOSSIER_COMPLETE


def test_missing_comments_and_cv_check_are_refused():
    cell, officials = cell_with_officials(2)
    file = open_file(cell)
    with pytest.raises(RecordValidationError) as err:
        services.admission_complete_dossier(
            actor=SYSTEM,
            file=file,
            **dossier_kwargs(
                officials,
                D(2024, 2, 1),
                cv_verified_on=None,
                residence_comment=" ",
                mass_org_comment="",
            ),
        )
    assert {"cv_verified_on", "residence_comment", "mass_org_comment"} <= set(err.value.errors)


# --- order of steps ---------------------------------------------------------------------


def test_a_step_out_of_order_is_refused_and_changes_nothing():
    cell, officials = cell_with_officials(3)
    file = open_file(cell)
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        services.admission_cell_vote(
            actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=3
        )
    assert err.value.code == "out_of_order" and "Đã mở hồ sơ" in err.value.message
    with pytest.raises(DomainError):
        services.admission_ceremony(actor=SYSTEM, file=file, date=D(2024, 3, 7))
    with pytest.raises(DomainError):
        services.admission_decide(
            actor=SYSTEM,
            file=file,
            decision_date=D(2024, 3, 7),
            decision_number="1",
            decided_by="x",
        )
    assert _snapshot() == before


def test_dates_in_the_future_are_refused():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials)
    with pytest.raises(DomainError) as err:
        services.admission_cell_vote(
            actor=SYSTEM,
            file=file,
            meeting_date=dt.date.today() + dt.timedelta(days=1),
            votes_for=3,
        )
    assert err.value.field == "meeting_date"


# --- the cell vote ------------------------------------------------------------------------


@pytest.mark.parametrize("votes,stage", [(6, Stage.CELL_AGREED), (5, Stage.DOSSIER_COMPLETE)])
def test_vote_needs_two_thirds_of_all_official_members(votes, stage):
    cell, officials = cell_with_officials(9)
    # Probationary members and members who joined after the meeting are not counted.
    MemberFactory(
        organization=cell,
        joining_date=D(2023, 9, 1),
        official_date=None,
        admission_decision_date=D(2023, 8, 25),
    )
    MemberFactory(
        organization=cell,
        joining_date=D(2024, 5, 1),
        admission_decision_date=D(2024, 4, 20),
        official_date=None,
    )
    file = file_with_dossier(cell, officials)
    vote = services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=votes
    )
    assert vote.official_members == 9
    file.refresh_from_db()
    assert file.stage == stage


def test_ten_official_members_need_seven():
    cell, officials = cell_with_officials(10)
    file = file_with_dossier(cell, officials)
    vote = services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=6
    )
    assert not vote.passed
    vote = services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2024, 4, 7), votes_for=7
    )
    assert vote.passed and vote.round == 2


def test_official_members_are_counted_on_the_meeting_date():
    cell, officials = cell_with_officials(3)
    member_services.member_add_event(
        actor=SYSTEM,
        member=officials[2],
        kind=EventKind.NAME_DELETED,
        date=D(2024, 3, 1),
        reason="Bỏ sinh hoạt",
    )
    file = file_with_dossier(cell, officials)
    vote = services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=2
    )
    assert vote.official_members == 2 and vote.passed


def test_more_votes_than_official_members_is_refused():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials)
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        services.admission_cell_vote(
            actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=4
        )
    assert err.value.field == "votes_for"
    assert _snapshot() == before


def test_third_failed_vote_sends_the_file_to_the_higher_committee():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials)
    for month in (3, 4):
        services.admission_cell_vote(
            actor=SYSTEM, file=file, meeting_date=D(2024, month, 7), votes_for=1
        )
        file.refresh_from_db()
        assert file.stage == Stage.DOSSIER_COMPLETE
    assert _case(file).detail == "lần 3"
    services.admission_cell_vote(actor=SYSTEM, file=file, meeting_date=D(2024, 5, 7), votes_for=1)
    file.refresh_from_db()
    assert file.stage == Stage.ESCALATED
    case = _case(file)
    assert case.step == "escalation" and case.acting_body == Body.SUPERIOR
    assert case.acting_organization.name == "Đảng bộ xã Thạch Lạc"
    with pytest.raises(DomainError):
        services.admission_cell_vote(
            actor=SYSTEM, file=file, meeting_date=D(2024, 6, 7), votes_for=3
        )
    services.admission_escalation_decide(
        actor=SYSTEM, file=file, date=D(2024, 6, 10), agreed=True, note="Đồng ý tiếp tục xét"
    )
    file.refresh_from_db()
    assert file.stage == Stage.CELL_AGREED and file.cell_resolution_date == D(2024, 6, 10)


# --- age on the meeting day (R1.1-R1.2) ----------------------------------------------------


def test_the_day_before_the_18th_birthday_fails_and_the_birthday_passes():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials, birth_date=D(2006, 3, 8))
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        services.admission_cell_vote(
            actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=3
        )
    assert "18 tuổi" in err.value.message and err.value.field == "meeting_date"
    assert _snapshot() == before
    vote = services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2024, 3, 8), votes_for=3
    )
    assert vote.passed


def test_sixty_years_and_one_month_needs_the_recorded_exception():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials, birth_date=D(1964, 2, 7))  # 60y1m on 07/03/2024
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        services.admission_cell_vote(
            actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=3
        )
    assert err.value.field == "age_exception" and "60 tuổi" in err.value.message
    assert _snapshot() == before
    vote = services.admission_cell_vote(
        actor=SYSTEM,
        file=file,
        meeting_date=D(2024, 3, 7),
        votes_for=3,
        age_exception="Văn bản 12-CV/TU ngày 01/03/2024 của Ban Thường vụ Tỉnh ủy",
    )
    assert vote.passed


def test_sixty_years_and_some_days_still_passes():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials, birth_date=D(1964, 3, 8))  # 59y11m29d
    assert services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=3
    ).passed
    file2 = file_with_dossier(cell, officials, birth_date=D(1964, 2, 8))  # 60y0m28d
    assert services.admission_cell_vote(
        actor=SYSTEM, file=file2, meeting_date=D(2024, 3, 7), votes_for=3
    ).passed


# --- staleness (R1.6) -----------------------------------------------------------------------


def test_a_file_idle_over_12_months_must_be_renewed_before_the_vote():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials, certificate_date=D(2023, 12, 1))
    # The file goes stale the day after its 12 idle months: a vote that day is refused...
    assert services.admission_stale_from(file) == D(2025, 1, 9)
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        services.admission_cell_vote(
            actor=SYSTEM, file=file, meeting_date=D(2025, 1, 9), votes_for=3
        )
    assert err.value.code == "stale" and "làm lại" in err.value.message
    assert _snapshot() == before
    # ...renewing before it is stale is not a step,
    with pytest.raises(DomainError):
        services.admission_complete_dossier(
            actor=SYSTEM, file=file, **dossier_kwargs(officials, D(2025, 1, 8))
        )
    services.admission_complete_dossier(
        actor=SYSTEM, file=file, **dossier_kwargs(officials, D(2025, 1, 20))
    )
    file.refresh_from_db()
    assert file.renewed_on == D(2025, 1, 20)
    assert file.log.filter(step="renew").exists()
    vote = services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2025, 2, 6), votes_for=3
    )
    assert vote.passed


def test_vote_on_the_last_day_before_staleness_is_allowed():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(cell, officials, certificate_date=D(2023, 12, 1))
    assert services.admission_cell_vote(
        actor=SYSTEM, file=file, meeting_date=D(2025, 1, 8), votes_for=3
    ).passed


# --- decision deadline across Tết 2027 (R1.9) ------------------------------------------------


@time_machine.travel(dt.datetime(2027, 8, 1, 3, 0), tick=False)
@pytest.mark.parametrize(
    "decision,ok", [(D(2027, 4, 2), True), (D(2027, 4, 5), True), (D(2027, 4, 6), False)]
)
def test_decision_within_60_working_days_counted_across_tet(decision, ok):
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(
        cell,
        officials,
        opened_on=D(2026, 11, 2),
        dossier_on=D(2026, 12, 1),
        application_date=D(2026, 10, 20),
        certificate_date=D(2026, 9, 1),
    )
    services.admission_cell_vote(actor=SYSTEM, file=file, meeting_date=D(2027, 1, 4), votes_for=3)
    services.admission_grassroots_resolve(
        actor=SYSTEM, file=file, date=D(2027, 1, 15), resolution_number="3-NQ/ĐU"
    )
    assert _case(file).due_date == D(2027, 4, 5)
    before = _snapshot()
    call = dict(
        actor=SYSTEM,
        file=file,
        decision_date=decision,
        decision_number="9-QĐ/ĐU",
        decided_by="Ban Thường vụ Đảng ủy xã",
    )
    if ok:
        services.admission_decide(**call)
        file.refresh_from_db()
        assert file.stage == Stage.DECIDED
    else:
        with pytest.raises(DomainError) as err:
            services.admission_decide(**call)
        assert err.value.field == "decision_date" and "05/04/2027" in err.value.message
        assert _snapshot() == before


@time_machine.travel(dt.datetime(2027, 8, 1, 3, 0), tick=False)
def test_extension_of_at_most_30_working_days_moves_the_deadline():
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(
        cell,
        officials,
        opened_on=D(2026, 11, 2),
        dossier_on=D(2026, 12, 1),
        application_date=D(2026, 10, 20),
        certificate_date=D(2026, 9, 1),
    )
    services.admission_cell_vote(actor=SYSTEM, file=file, meeting_date=D(2027, 1, 4), votes_for=3)
    with pytest.raises(DomainError) as err:
        services.admission_extend(actor=SYSTEM, file=file, date=D(2027, 3, 1), days=31, reason="x")
    assert err.value.field == "days"
    services.admission_extend(
        actor=SYSTEM, file=file, date=D(2027, 3, 1), days=30, reason="Chờ kết quả thẩm tra bổ sung"
    )
    assert _case(file).due_date == D(2027, 5, 20)
    services.admission_grassroots_resolve(
        actor=SYSTEM, file=file, date=D(2027, 4, 1), resolution_number="3-NQ/ĐU"
    )
    with pytest.raises(DomainError):
        services.admission_decide(
            actor=SYSTEM,
            file=file,
            decision_date=D(2027, 5, 21),
            decision_number="9",
            decided_by="BTV",
        )
    services.admission_decide(
        actor=SYSTEM, file=file, decision_date=D(2027, 5, 20), decision_number="9", decided_by="BTV"
    )


# --- ceremony (R1.11) -----------------------------------------------------------------------


@time_machine.travel(dt.datetime(2027, 8, 1, 3, 0), tick=False)
@pytest.mark.parametrize(
    "ceremony,consent,ok",
    [
        (D(2027, 3, 9), "", True),
        (D(2027, 3, 10), "", True),
        (D(2027, 3, 11), "", False),
        (D(2027, 3, 11), "Công văn 15-CV/ĐU ngày 05/03/2027 của Đảng ủy xã đồng ý", True),
    ],
)
def test_ceremony_within_30_working_days_of_receiving_the_decision(ceremony, consent, ok):
    cell, officials = cell_with_officials(3)
    file = file_with_dossier(
        cell,
        officials,
        opened_on=D(2026, 11, 2),
        dossier_on=D(2026, 12, 1),
        application_date=D(2026, 10, 20),
        certificate_date=D(2026, 9, 1),
    )
    services.admission_cell_vote(actor=SYSTEM, file=file, meeting_date=D(2027, 1, 4), votes_for=3)
    services.admission_grassroots_resolve(
        actor=SYSTEM, file=file, date=D(2027, 1, 8), resolution_number="3"
    )
    services.admission_decide(
        actor=SYSTEM,
        file=file,
        decision_date=D(2027, 1, 18),
        decision_number="9-QĐ/ĐU",
        decided_by="BTV Đảng ủy xã",
        received_on=D(2027, 1, 20),
    )
    assert _case(file).due_date == D(2027, 3, 10)
    before = _snapshot()
    if not ok:
        with pytest.raises(DomainError) as err:
            services.admission_ceremony(
                actor=SYSTEM, file=file, date=ceremony, late_consent=consent
            )
        assert err.value.field == "late_consent"
        assert _snapshot() == before
        return
    member = services.admission_ceremony(
        actor=SYSTEM, file=file, date=ceremony, late_consent=consent
    )
    assert member.status == Status.PROBATIONARY
    assert member.joining_date == ceremony
    assert member.admission_decision_date == D(2027, 1, 18)
    assert member.admission_decision_number == "9-QĐ/ĐU"
    event = member.events.get()
    assert (event.kind, event.date, event.decision_date) == (
        EventKind.ADMITTED,
        ceremony,
        D(2027, 1, 18),
    )


# --- the whole path --------------------------------------------------------------------------


def test_from_candidate_to_official_member(django_user_model):
    cell, officials = cell_with_officials(9)
    # Every step is taken by one user: a writing role at the grassroots committee,
    # which is here also the competent committee (it has no committee above it).
    secretary = user_with_role(django_user_model, "bithu", Role.GRASSROOTS_OFFICE, cell.parent)
    file = open_file(cell, actor=secretary)
    services.admission_complete_dossier(
        actor=secretary, file=file, **dossier_kwargs(officials, D(2024, 2, 1))
    )
    services.admission_cell_vote(
        actor=secretary,
        file=file,
        meeting_date=D(2024, 3, 7),
        votes_for=6,
        resolution_number="05-NQ/CB",
    )
    file.refresh_from_db()
    assert _case(file).due_date == services.rules.admission_decision_deadline(D(2024, 3, 7))
    services.admission_grassroots_resolve(
        actor=secretary, file=file, date=D(2024, 3, 14), resolution_number="12-NQ/ĐU"
    )
    services.admission_decide(
        actor=secretary,
        file=file,
        decision_date=D(2024, 3, 28),
        decision_number="345-QĐ/ĐU",
        decided_by="Ban Thường vụ Đảng ủy xã",
    )
    member = services.admission_ceremony(actor=secretary, file=file, date=D(2024, 4, 12))
    file.refresh_from_db()
    assert file.stage == Stage.ADMITTED and file.member == member
    assert _case(file).closed_on == D(2024, 4, 12)
    assert [s.step for s in file.log.all()] == [
        "open",
        "dossier",
        "cell_vote",
        "grassroots",
        "decision",
        "ceremony",
    ]
    assert all(s.actor == secretary for s in file.log.all())
    assert member.introducer_1 == officials[0].full_name

    rec = RecognitionFile.objects.get(member=member)
    assert rec.probation_end == D(2025, 4, 12)
    rec_case = Case.objects.get(kind=CaseKind.RECOGNITION, object_id=rec.pk)
    assert rec_case.due_date == services.rules.recognition_consider_deadline(D(2025, 4, 12))
    with pytest.raises(DomainError) as err:  # before probation ends
        services.recognition_cell_vote(
            actor=secretary, file=rec, meeting_date=D(2025, 4, 11), votes_for=9
        )
    assert "dự bị" in err.value.message
    services.recognition_cell_vote(
        actor=secretary, file=rec, meeting_date=D(2025, 5, 6), votes_for=6
    )
    services.recognition_grassroots_resolve(
        actor=secretary, file=rec, date=D(2025, 5, 12), resolution_number="40-NQ/ĐU"
    )
    services.recognition_decide(
        actor=secretary,
        file=rec,
        decision_date=D(2025, 5, 30),
        decision_number="88-QĐ/ĐU",
        decided_by="Ban Thường vụ Đảng ủy xã",
    )
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL
    assert member.official_date == D(2025, 4, 12)
    recognised = member.events.get(kind=EventKind.RECOGNISED)
    assert recognised.date == D(2025, 4, 12) and recognised.decision_number == "88-QĐ/ĐU"
    rec_case.refresh_from_db()
    assert rec_case.closed_on == D(2025, 5, 30)


# --- recognition (R1.13-R1.14) -----------------------------------------------------------------


def _probationary(cell, joined):
    return MemberFactory(
        organization=cell,
        joining_date=joined,
        admission_decision_date=joined - dt.timedelta(days=10),
        official_date=None,
    )


def test_probation_ending_on_a_public_holiday_is_recognised_that_very_day():
    cell, officials = cell_with_officials(3)
    member = _probationary(cell, D(2025, 9, 2))
    rec = services.recognition_open(actor=SYSTEM, member=member, on=D(2026, 8, 10))
    assert rec.probation_end == D(2026, 9, 2)  # National Day, a day off
    services.recognition_cell_vote(actor=SYSTEM, file=rec, meeting_date=D(2026, 10, 7), votes_for=2)
    services.recognition_grassroots_resolve(
        actor=SYSTEM, file=rec, date=D(2026, 10, 12), resolution_number="7"
    )
    services.recognition_decide(
        actor=SYSTEM,
        file=rec,
        decision_date=D(2026, 11, 2),
        decision_number="101-QĐ/ĐU",
        decided_by="BTV",
    )
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL
    assert member.events.get(kind=EventKind.RECOGNISED).date == D(2026, 9, 2)


@pytest.mark.parametrize("meeting,late", [(D(2026, 10, 14), False), (D(2026, 10, 15), True)])
def test_recognition_considered_late_is_flagged_but_still_dated_at_probation_end(meeting, late):
    cell, officials = cell_with_officials(3)
    member = _probationary(cell, D(2025, 9, 2))
    rec = services.recognition_open(actor=SYSTEM, member=member, on=D(2026, 9, 1))
    assert services.rules.recognition_consider_deadline(rec.probation_end) == D(2026, 10, 14)
    services.recognition_cell_vote(actor=SYSTEM, file=rec, meeting_date=meeting, votes_for=2)
    rec.refresh_from_db()
    assert rec.considered_late is late


def test_recognition_in_the_first_month_of_probation_is_refused():
    cell, officials = cell_with_officials(3)
    member = _probationary(cell, D(2026, 11, 1))
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        services.recognition_open(actor=SYSTEM, member=member, on=D(2026, 11, 20))
    assert "Chưa đến thời điểm" in err.value.message
    assert _snapshot() == before


@pytest.mark.parametrize("decision,ok", [(D(2027, 3, 10), True), (D(2027, 3, 11), False)])
@time_machine.travel(dt.datetime(2027, 8, 1, 3, 0), tick=False)
def test_recognition_decision_within_30_working_days_across_tet(decision, ok):
    cell, officials = cell_with_officials(3)
    member = _probationary(cell, D(2026, 1, 9))
    rec = services.recognition_open(actor=SYSTEM, member=member, on=D(2026, 12, 20))
    services.recognition_cell_vote(actor=SYSTEM, file=rec, meeting_date=D(2027, 1, 20), votes_for=2)
    services.recognition_grassroots_resolve(
        actor=SYSTEM, file=rec, date=D(2027, 1, 25), resolution_number="7"
    )
    call = dict(
        actor=SYSTEM, file=rec, decision_date=decision, decision_number="5", decided_by="BTV"
    )
    if ok:
        services.recognition_decide(**call)
        member.refresh_from_db()
        assert member.events.get(kind=EventKind.RECOGNISED).date == D(2027, 1, 9)
    else:
        before = _snapshot()
        with pytest.raises(DomainError):
            services.recognition_decide(**call)
        assert _snapshot() == before


def test_not_qualified_leads_to_name_deletion_with_reason():
    cell, officials = cell_with_officials(3)
    member = _probationary(cell, D(2025, 3, 3))
    rec = services.recognition_open(actor=SYSTEM, member=member, on=D(2026, 3, 3))
    services.recognition_cell_vote(
        actor=SYSTEM, file=rec, meeting_date=D(2026, 3, 10), votes_for=3, proposal=Proposal.DELETE
    )
    services.recognition_grassroots_resolve(
        actor=SYSTEM, file=rec, date=D(2026, 3, 16), resolution_number="9"
    )
    with pytest.raises(DomainError) as err:
        services.recognition_decide(
            actor=SYSTEM,
            file=rec,
            decision_date=D(2026, 3, 30),
            decision_number="5",
            decided_by="BTV",
        )
    assert err.value.field == "deletion_reason"
    services.recognition_decide(
        actor=SYSTEM,
        file=rec,
        decision_date=D(2026, 3, 30),
        decision_number="5",
        decided_by="BTV",
        deletion_reason="Không đủ tư cách đảng viên",
    )
    member.refresh_from_db()
    assert member.status == Status.NAME_DELETED
    event = member.events.get(kind=EventKind.NAME_DELETED)
    assert event.reason == "Không đủ tư cách đảng viên" and event.date == D(2026, 3, 30)
    rec.refresh_from_db()
    assert rec.stage == RecognitionStage.NAME_DELETED


def test_third_failed_recognition_vote_goes_up():
    cell, officials = cell_with_officials(3)
    member = _probationary(cell, D(2025, 3, 3))
    rec = services.recognition_open(actor=SYSTEM, member=member, on=D(2026, 3, 3))
    for day in (D(2026, 3, 10), D(2026, 4, 10), D(2026, 5, 10)):
        services.recognition_cell_vote(actor=SYSTEM, file=rec, meeting_date=day, votes_for=1)
    rec.refresh_from_db()
    assert rec.stage == RecognitionStage.ESCALATED
    services.recognition_escalation_decide(
        actor=SYSTEM, file=rec, date=D(2026, 5, 20), proposal=Proposal.RECOGNISE, note="Đủ tư cách"
    )
    rec.refresh_from_db()
    assert rec.stage == RecognitionStage.CELL_AGREED and rec.proposal == Proposal.RECOGNISE


def test_recognition_open_due_is_idempotent_and_bulk():
    cell, officials = cell_with_officials(3)
    due = [_probationary(cell, D(2025, 12, 10)), _probationary(cell, D(2025, 12, 22))]
    _probationary(cell, D(2026, 1, 10))  # ends 10/01/2027: more than 30 days after 01/12/2026
    already = _probationary(cell, D(2025, 11, 30))
    services.recognition_open(actor=SYSTEM, member=already, on=D(2026, 11, 20))
    assert services.recognition_open_due(actor=SYSTEM, on=D(2026, 12, 1)) == 2
    assert services.recognition_open_due(actor=SYSTEM, on=D(2026, 12, 1)) == 0
    opened = RecognitionFile.objects.filter(opened_on=D(2026, 12, 1))
    assert {f.member_id for f in opened} == {m.pk for m in due}
    for file in opened:
        case = Case.objects.get(kind=CaseKind.RECOGNITION, object_id=file.pk)
        assert case.due_date == services.rules.recognition_consider_deadline(file.probation_end)
        assert case.closed_on is None and file.log.get().step == "recognition_open"


def test_recognition_open_due_within_a_subtree_only():
    cell, _ = cell_with_officials(1)
    other, _ = cell_with_officials(1)
    _probationary(cell, D(2025, 12, 10))
    _probationary(other, D(2025, 12, 10))
    assert services.recognition_open_due(actor=SYSTEM, on=D(2026, 12, 1), organization=cell) == 1


# --- readmission (R1.12) --------------------------------------------------------------------------


LEFT = D(2020, 1, 10)


def _former(cell, left=LEFT, kind=EventKind.NAME_DELETED):
    member = MemberFactory(organization=cell)
    member_services.member_add_event(actor=SYSTEM, member=member, kind=kind, date=left, reason="x")
    member.refresh_from_db()
    return member


@pytest.mark.parametrize("opened,ok", [(D(2023, 1, 9), False), (D(2023, 1, 10), True)])
def test_readmission_after_36_months(opened, ok):
    cell, _ = cell_with_officials(3)
    former = _former(cell)
    data = candidate_data(
        application_date=opened,
        certificate_date=D(2022, 6, 1),
        leaving_category=LeavingCategory.OTHER,
    )
    if ok:
        file = services.readmission_open(
            actor=SYSTEM, organization=cell, member=former, data=data, opened_on=opened
        )
        assert file.kind == FileKind.READMISSION and file.candidate.full_name == former.full_name
    else:
        before = _snapshot()
        with pytest.raises(RecordValidationError) as err:
            services.readmission_open(
                actor=SYSTEM, organization=cell, member=former, data=data, opened_on=opened
            )
        assert "36 tháng" in err.value.errors["opened_on"][0]
        assert _snapshot() == before


def test_readmission_refused_for_barred_categories():
    cell, _ = cell_with_officials(3)
    former = _former(cell)
    with pytest.raises(RecordValidationError) as err:
        services.readmission_open(
            actor=SYSTEM,
            organization=cell,
            member=former,
            opened_on=D(2024, 1, 8),
            data=candidate_data(leaving_category=LeavingCategory.CORRUPTION),
        )
    assert "tham nhũng" in err.value.errors["leaving_category"][0]


def test_readmission_once_only_and_probation_again():
    cell, officials = cell_with_officials(3)
    former = _former(cell)
    file = services.readmission_open(
        actor=SYSTEM,
        organization=cell,
        member=former,
        opened_on=D(2024, 1, 8),
        data=candidate_data(leaving_category=LeavingCategory.APPLIED_HARDSHIP),
    )
    services.admission_complete_dossier(
        actor=SYSTEM, file=file, **dossier_kwargs(officials, D(2024, 2, 1))
    )
    services.admission_cell_vote(actor=SYSTEM, file=file, meeting_date=D(2024, 3, 7), votes_for=3)
    services.admission_grassroots_resolve(
        actor=SYSTEM, file=file, date=D(2024, 3, 14), resolution_number="1"
    )
    with pytest.raises(DomainError) as err:
        services.admission_decide(
            actor=SYSTEM,
            file=file,
            decision_date=D(2024, 3, 28),
            decision_number="2",
            decided_by="BTV",
        )
    assert err.value.field == "readmission_approval"
    services.admission_decide(
        actor=SYSTEM,
        file=file,
        decision_date=D(2024, 3, 28),
        decision_number="2",
        decided_by="BTV",
        readmission_approval="Văn bản 30-CV/TU ngày 20/03/2024",
    )
    members_before = Member.objects.count()
    member = services.admission_ceremony(actor=SYSTEM, file=file, date=D(2024, 4, 12))
    assert member.pk == former.pk and Member.objects.count() == members_before
    assert member.status == Status.PROBATIONARY
    assert member.events.filter(kind=EventKind.READMITTED, date=D(2024, 4, 12)).exists()
    rec = RecognitionFile.objects.get(member=member)
    assert rec.probation_end == D(2025, 4, 12)
    # Out again, then a second readmission is never considered.
    member_services.member_add_event(
        actor=SYSTEM, member=member, kind=EventKind.NAME_DELETED, date=D(2024, 6, 1), reason="x"
    )
    with pytest.raises(RecordValidationError) as err:
        services.readmission_open(
            actor=SYSTEM,
            organization=cell,
            member=member,
            opened_on=D(2026, 1, 8),
            data=candidate_data(
                application_date=D(2026, 1, 5),
                certificate_date=D(2025, 1, 1),
                leaving_category=LeavingCategory.OTHER,
            ),
        )
    assert "một lần" in err.value.errors["member"][0]


def test_a_member_in_activity_cannot_be_readmitted():
    cell, officials = cell_with_officials(1)
    with pytest.raises(RecordValidationError) as err:
        services.readmission_open(
            actor=SYSTEM,
            organization=cell,
            member=officials[0],
            opened_on=D(2024, 1, 8),
            data=candidate_data(leaving_category=LeavingCategory.OTHER),
        )
    assert "member" in err.value.errors


def test_closing_a_file_closes_its_case():
    cell, officials = cell_with_officials(1)
    file = open_file(cell)
    services.admission_close(actor=SYSTEM, file=file, date=D(2024, 2, 1), reason="Rút đơn")
    file.refresh_from_db()
    assert file.stage == Stage.REFUSED and _case(file).closed_on == D(2024, 2, 1)
    with pytest.raises(DomainError):
        services.admission_close(actor=SYSTEM, file=file, date=D(2024, 2, 2), reason="Rút đơn")


def test_decided_file_goes_through_helpers():
    cell, officials = cell_with_officials(3)
    file = file_decided(cell, officials)
    assert file.stage == Stage.DECIDED


def test_recognition_open_due_command():
    from io import StringIO

    from django.core.management import call_command

    cell, _ = cell_with_officials(1)
    _probationary(cell, D(2025, 12, 10))
    out = StringIO()
    call_command("recognition_open_due", on="01/12/2026", stdout=out)
    assert "Đã mở 1 hồ sơ" in out.getvalue()
    call_command("recognition_open_due", on="01/12/2026", org=cell.code, stdout=out)
    assert "Đã mở 0 hồ sơ" in out.getvalue()
