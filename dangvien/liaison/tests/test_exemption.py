"""Exemption, reduction, temporary exemption (§3): the steps, the rules at their
edges, refusals that change nothing, the open-cases table, is_graded."""

import datetime as dt

import pytest

from dangvien.compliance.models import Case, CaseKind
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.liaison import rules, selectors, services
from dangvien.liaison.models import Exemption, ExemptionStatus
from dangvien.members.models import EventKind, Gender, Member, MembershipEvent
from dangvien.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _counts(member):
    return (
        Exemption.objects.count(),
        MembershipEvent.objects.filter(member=member).count(),
        Case.objects.count(),
        Member.objects.get(pk=member.pk).is_exempt,
    )


START, END, DECIDED, REPORTED = D(2024, 1, 10), D(2024, 12, 31), D(2024, 1, 15), D(2024, 1, 20)


def _temporary(member, *, start=START, end=END, ground="working_away"):
    return services.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        ground=ground,
        applied_on=start,
        start=start,
        end=end,
    )


def _through(exemption, *, decided=DECIDED, reported=REPORTED):
    services.exemption_decide(
        actor=SYSTEM, exemption=exemption, decided_on=decided, resolution_number="05-NQ/CB"
    )
    return services.exemption_report(actor=SYSTEM, exemption=exemption, reported_on=reported)


def test_full_procedure_writes_exempted_then_returned(member):
    exemption = _temporary(member)
    case = Case.objects.get(kind=CaseKind.EXEMPTION)
    assert case.step == "decide" and case.due_date == D(2024, 2, 9) and case.closed_on is None
    _through(exemption)
    member.refresh_from_db()
    assert member.is_exempt
    exempted = MembershipEvent.objects.get(member=member, kind=EventKind.EXEMPTED)
    assert exempted.date == D(2024, 1, 10) and exempted.decision_number == "05-NQ/CB"
    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.IN_FORCE
    assert exemption.reported_to == member.organization.parent.name
    case.refresh_from_db()
    assert case.step == "apply_return" and case.due_date == D(2024, 12, 31)
    services.exemption_apply_return(actor=SYSTEM, exemption=exemption, applied_on=D(2025, 1, 2))
    services.exemption_return(
        actor=SYSTEM, exemption=exemption, returned_on=D(2025, 1, 7), resolution_number="01-NQ/CB"
    )
    member.refresh_from_db()
    assert not member.is_exempt
    assert MembershipEvent.objects.filter(member=member, kind=EventKind.RETURNED).count() == 1
    case.refresh_from_db()
    assert case.closed_on == D(2025, 1, 7)
    assert exemption.history.count() == 5  # who and when for every step


def test_reduction_is_recorded_but_does_not_exempt(member):
    reduction = services.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="reduction",
        ground="poor_health",
        treatment_months=4,
        applied_on=D(2024, 3, 1),
        start=D(2024, 3, 1),
    )
    _through(reduction, decided=D(2024, 3, 5), reported=D(2024, 3, 6))
    member.refresh_from_db()
    assert not member.is_exempt
    assert not MembershipEvent.objects.filter(member=member, kind=EventKind.EXEMPTED).exists()
    assert Exemption.objects.get(pk=reduction.pk).status == ExemptionStatus.IN_FORCE
    # Full exemption or reduction in force with no end: nothing due, case closed.
    assert Case.objects.get(kind=CaseKind.EXEMPTION).closed_on == D(2024, 3, 6)


def test_second_open_exemption_is_refused_and_changes_nothing(member):
    _temporary(member)
    before = _counts(member)
    with pytest.raises(DomainError) as exc:
        _temporary(member, start=D(2024, 2, 1))
    assert exc.value.field == "kind"
    assert _counts(member) == before


def test_exemption_on_top_of_an_exemption_is_refused(member):
    _through(_temporary(member))
    Exemption.objects.update(status=ExemptionStatus.REFUSED)  # as if closed by mistake
    before = _counts(member)
    with pytest.raises(DomainError):
        _temporary(member, start=D(2024, 6, 1))
    assert _counts(member) == before


def test_step_out_of_order_is_refused_and_changes_nothing(member):
    exemption = _temporary(member)
    before = _counts(member)
    with pytest.raises(DomainError) as exc:
        services.exemption_report(actor=SYSTEM, exemption=exemption, reported_on=D(2024, 1, 20))
    assert exc.value.field == "step"
    with pytest.raises(DomainError):
        services.exemption_return(
            actor=SYSTEM, exemption=exemption, returned_on=D(2024, 2, 1), resolution_number="1"
        )
    assert _counts(member) == before
    assert Exemption.objects.get(pk=exemption.pk).status == ExemptionStatus.APPLIED


def test_decision_without_a_number_issues_the_cells_resolution(member):
    from dangvien.documents.models import DocumentKind, IssuedDocument
    from dangvien.documents.services import document_render

    exemption = _temporary(member)
    services.exemption_decide(
        actor=SYSTEM, exemption=exemption, decided_on=D(2024, 1, 15), resolution_number=" "
    )
    exemption.refresh_from_db()
    document = IssuedDocument.objects.get(pk=exemption.resolution_document_id)
    assert document.kind == DocumentKind.RESOLUTION and document.subject == exemption
    assert document.organization_id == member.organization_id
    assert exemption.resolution_number == document.symbol
    event = MembershipEvent.objects.get(member=member, kind=EventKind.EXEMPTED)
    assert event.decision_number == document.symbol
    assert document_render(document)[:2] == b"PK"  # a .docx


def test_decision_with_a_paper_number_issues_nothing(member):
    from dangvien.documents.models import IssuedDocument

    _through(_temporary(member))
    assert IssuedDocument.objects.count() == 0


def test_decision_before_the_application_is_refused(member):
    exemption = _temporary(member)
    with pytest.raises(DomainError) as exc:
        services.exemption_decide(
            actor=SYSTEM, exemption=exemption, decided_on=D(2024, 1, 9), resolution_number="1"
        )
    assert exc.value.field == "decided_on"


def test_refusal_closes_the_case(member):
    exemption = _temporary(member)
    services.exemption_refuse(
        actor=SYSTEM, exemption=exemption, decided_on=D(2024, 1, 15), refusal_reason="Không đủ"
    )
    assert Case.objects.get().closed_on == D(2024, 1, 15)
    assert not Member.objects.get(pk=member.pk).is_exempt
    _temporary(member, start=D(2024, 2, 1))  # a new application is possible afterwards


UNABLE = "Sức yếu, đi lại khó khăn, không thể dự sinh hoạt hằng tháng"


def _old_age(member, *, applied_on, start=None, inability=UNABLE, reason=""):
    return services.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="exemption",
        ground="old_age",
        applied_on=applied_on,
        start=start or applied_on,
        reason=reason,
        inability=inability,
    )


# A man born 10/06/1962 would be 60y3m in 09/2022, but the 2022 age is 60y6m
# (Bộ luật Lao động 2019, NĐ 135/2020): he reaches it on 10/12/2022.
MAN_1962 = D(1962, 6, 10)


@pytest.mark.parametrize(
    ("start", "ok"),
    [(D(2022, 12, 9), False), (D(2022, 12, 10), True), (D(2022, 12, 11), True)],
)
def test_old_age_from_the_day_the_labour_code_age_is_reached(tree, start, ok):
    member = MemberFactory(organization=tree["cell_a"], birth_date=MAN_1962, gender=Gender.MALE)
    if ok:
        _old_age(member, applied_on=start)
        return
    with pytest.raises(DomainError) as exc:
        _old_age(member, applied_on=start)
    assert exc.value.field == "ground" and exc.value.code == "not_old_enough"
    assert "60 tuổi 6 tháng" in exc.value.message and "10/12/2022" in exc.value.message
    assert Exemption.objects.count() == 0


@pytest.mark.parametrize(
    ("decided_on", "ok"),
    [(D(2022, 12, 9), False), (D(2022, 12, 10), True), (D(2022, 12, 11), True)],
)
def test_old_age_is_checked_again_on_the_decision_day(tree, decided_on, ok):
    member = MemberFactory(organization=tree["cell_a"], birth_date=MAN_1962, gender=Gender.MALE)
    exemption = _old_age(member, applied_on=D(2022, 12, 1), start=D(2022, 12, 10))
    call = lambda: services.exemption_decide(  # noqa: E731
        actor=SYSTEM, exemption=exemption, decided_on=decided_on, resolution_number="7-NQ/CB"
    )
    if ok:
        call()
        assert Exemption.objects.get().status == ExemptionStatus.DECIDED
        return
    before = _counts(member)
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.field == "decided_on" and exc.value.code == "not_old_enough"
    assert _counts(member) == before and Exemption.objects.get().status == "applied"


def test_old_age_for_a_woman_follows_the_year_she_reaches_it(tree, settings):
    # Born 15/03/1968: 56 in 03/2024, but the 2024 age is 56y4m: 15/07/2024.
    woman = MemberFactory(
        organization=tree["cell_a"], birth_date=D(1968, 3, 15), gender=Gender.FEMALE
    )
    message = rules.old_age_error(woman.birth_date, "F", D(2024, 7, 14))
    assert message and "56 tuổi 4 tháng" in message and "15/07/2024" in message
    assert rules.old_age_error(woman.birth_date, "F", D(2024, 7, 15)) is None
    # The old HD 27 figure (55) would have let her apply from 15/03/2023.
    assert rules.old_age_error(woman.birth_date, "F", D(2023, 3, 15))
    settings.DANGVIEN_RULE_OVERRIDES = {"retirement_age_months": (60 * 12, 55 * 12)}
    assert rules.old_age_error(woman.birth_date, "F", D(2023, 3, 15)) is None


def test_old_age_needs_a_known_birth_date_and_gender():
    assert rules.old_age_error(None, "M", D(2024, 1, 1))
    assert rules.old_age_error(D(1950, 1, 1), "", D(2024, 1, 1))


@pytest.mark.parametrize(
    ("birth", "gender", "reached", "months"),
    [
        (D(1950, 1, 1), "M", D(2010, 1, 1), 720),  # Labour Code 2012: 60
        (D(1960, 11, 1), "M", D(2020, 11, 1), 720),
        (D(1961, 1, 1), "M", D(2021, 4, 1), 723),  # 2021: 60y3m
        (D(1961, 10, 5), "M", D(2022, 4, 5), 726),  # too late for 2021's age
        (D(1966, 4, 1), "M", D(2028, 4, 1), 744),  # 62 from 2028
        (D(1966, 1, 1), "F", D(2021, 5, 1), 664),  # 2021: 55y4m
        (D(1966, 9, 1), "F", D(2022, 5, 1), 668),
        (D(1980, 5, 1), "F", D(2040, 5, 1), 720),  # 60 from 2035
        (D(1968, 2, 29), "M", D(2030, 2, 28), 744),
    ],
)
def test_retirement_age_by_the_labour_code_of_the_year(birth, gender, reached, months):
    from dangvien.members import rules as member_rules

    assert member_rules.retirement_reached_on(birth, gender) == (reached, months)
    assert not member_rules.past_retirement_age(birth, gender, reached - dt.timedelta(days=1))
    assert member_rules.past_retirement_age(birth, gender, reached)


@pytest.mark.parametrize(("months", "ok"), [(None, False), (2, False), (3, True)])
def test_poor_health_needs_three_months_of_treatment(member, months, ok):
    kwargs = dict(
        actor=SYSTEM,
        member=member,
        kind="exemption",
        ground="poor_health",
        treatment_months=months,
        applied_on=D(2024, 1, 1),
        start=D(2024, 1, 1),
    )
    if ok:
        services.exemption_apply(**kwargs)
    else:
        with pytest.raises(DomainError) as exc:
            services.exemption_apply(**kwargs)
        assert exc.value.field == "treatment_months"


@pytest.mark.parametrize(
    ("end", "ok"), [(D(2024, 4, 9), False), (D(2024, 4, 10), True), (D(2024, 4, 11), True)]
)
def test_visiting_relatives_three_months_or_more(member, end, ok):
    kwargs = dict(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        ground="visiting",
        applied_on=D(2024, 1, 10),
        start=D(2024, 1, 10),
        end=end,
    )
    if ok:
        services.exemption_apply(**kwargs)
    else:
        with pytest.raises(DomainError) as exc:
            services.exemption_apply(**kwargs)
        assert exc.value.field == "end"


def test_temporary_needs_an_end_and_away_grounds_are_temporary(member):
    with pytest.raises(DomainError) as exc:
        _temporary(member, end=None)
    assert exc.value.field == "end"
    with pytest.raises(DomainError) as exc:
        services.exemption_apply(
            actor=SYSTEM,
            member=member,
            kind="exemption",
            ground="working_away",
            applied_on=D(2024, 1, 1),
            start=D(2024, 1, 1),
        )
    assert exc.value.field == "kind"
    assert Exemption.objects.count() == 0


def test_future_start_cannot_be_decided_yet(member):
    today = dt.date.today()
    exemption = services.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        ground="working_away",
        applied_on=today,
        start=today + dt.timedelta(days=5),
        end=today + dt.timedelta(days=200),
    )
    with pytest.raises(DomainError) as exc:
        services.exemption_decide(
            actor=SYSTEM, exemption=exemption, decided_on=today, resolution_number="1"
        )
    assert exc.value.field == "decided_on"
    assert not Member.objects.get(pk=member.pk).is_exempt


def test_overdue_for_return_day_before_of_after(member):
    exemption = _through(_temporary(member, end=D(2024, 6, 30)))
    assert not selectors.exemption_overdue(exemption, D(2024, 6, 29))
    assert not selectors.exemption_overdue(exemption, D(2024, 6, 30))
    assert selectors.exemption_overdue(exemption, D(2024, 7, 1))
    lists = selectors.exemption_lists(member.organization, D(2024, 7, 1))
    assert [e.pk for e in lists.overdue_for_return] == [exemption.pk]
    assert selectors.exemption_lists(member.organization, D(2024, 6, 30)).overdue_for_return == []


def test_is_graded_false_only_for_a_full_exemption_in_force_at_year_end(tree):
    old = MemberFactory(organization=tree["cell_a"], birth_date=D(1955, 1, 1))
    away = MemberFactory(organization=tree["cell_a"])
    full = services.exemption_apply(
        actor=SYSTEM,
        member=old,
        kind="exemption",
        ground="old_age",
        applied_on=D(2023, 5, 1),
        start=D(2023, 5, 1),
        inability="Sức yếu, đi lại khó khăn",
    )
    _through(full, decided=D(2023, 5, 5), reported=D(2023, 5, 6))
    _through(_temporary(away))
    assert selectors.is_graded(old, 2022)
    assert not selectors.is_graded(old, 2023)
    assert selectors.is_graded(away, 2024)  # temporary (working away): graded from self-review
    services.exemption_apply_return(actor=SYSTEM, exemption=full, applied_on=D(2024, 12, 1))
    services.exemption_return(
        actor=SYSTEM, exemption=full, returned_on=D(2024, 12, 31), resolution_number="9"
    )
    assert selectors.is_graded(old, 2024)  # back in activity on 31/12
    assert not selectors.is_graded(old, 2023)
    assert selectors.keeps_badge_rights(old) and selectors.can_be_disciplined(old)
    assert selectors.exemption_in_force(old, D(2024, 6, 1)).pk == full.pk
    assert selectors.exemption_in_force(old, D(2024, 12, 31)) is None


def test_rule_versions_carry_their_source():
    from dangvien.members.rules import RETIREMENT_AGE_MONTHS

    version = RETIREMENT_AGE_MONTHS.version_on(D(2024, 1, 1))
    assert version.value == (61 * 12, 56 * 12 + 4) and "Bộ luật Lao động 2019" in version.source
    assert version.effective_from == D(2024, 1, 1) and version.confirmed
    assert RETIREMENT_AGE_MONTHS.version_on(D(2020, 12, 31)).value == (720, 660)
    assert rules.RESIDENCE_MEETING_MONTHS.version_on(D(2024, 1, 1)).confirmed


@pytest.mark.parametrize(
    ("reason", "inability"),
    [("Tuổi cao", ""), ("", "Tuổi cao"), ("", " tuổi cao. "), ("", "Đã quá tuổi lao động")],
)
def test_old_age_alone_is_not_enough(tree, reason, inability):
    old = MemberFactory(organization=tree["cell_a"], birth_date=D(1958, 1, 1))
    with pytest.raises(DomainError) as exc:
        _old_age(old, applied_on=D(2024, 1, 1), reason=reason, inability=inability)
    assert exc.value.field == "inability" and exc.value.code == "inability_required"
    assert Exemption.objects.count() == 0
    recorded = _old_age(old, applied_on=D(2024, 1, 1), reason="Tuổi cao", inability=UNABLE)
    assert Exemption.objects.get().inability == UNABLE == recorded.inability


def test_old_age_resolution_records_both_conditions(tree):
    from dangvien.documents.models import IssuedDocument

    member = MemberFactory(organization=tree["cell_a"], birth_date=MAN_1962, gender=Gender.MALE)
    exemption = _old_age(member, applied_on=D(2023, 3, 1))
    services.exemption_decide(
        actor=SYSTEM, exemption=exemption, decided_on=D(2023, 3, 5), resolution_number=""
    )
    exemption.refresh_from_db()
    preamble = " ".join(
        IssuedDocument.objects.get(pk=exemption.resolution_document_id).context["preamble"]
    )
    assert "60 tuổi 6 tháng" in preamble and "10/12/2022" in preamble and UNABLE in preamble
