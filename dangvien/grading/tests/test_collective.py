"""The grading of a party organisation (collective, form 01) under QĐ 366
Điều 11 (R6.3): beside the score's band, the counts of tasks (done, on time,
exceeding), the shortcomings fixed and the discipline of a subordinate
organisation or of a committee member. Edges of each condition, and each
refusal writes nothing."""

import datetime as dt

import pytest

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.grading import rules, services
from dangvien.grading.models import OrganizationGrading, OrgGradingStatus
from dangvien.grading.rules import CollectiveFacts, Grade
from dangvien.organizations.models import CommitteePost, CommitteePostKind

D = dt.date
pytestmark = pytest.mark.usefixtures("today")


def _codes(grade: str, year: int = 2025, **facts) -> list[str]:
    base = {"tasks": 10, "tasks_done": 10, "tasks_on_time": 10, "tasks_exceeded": 3}
    return [
        code
        for code, _values in rules.collective_grade_failures(
            grade, CollectiveFacts(**{**base, **facts}), year
        )
    ]


# --- the rule, pure ---------------------------------------------------------------


def test_excellent_needs_all_on_time_and_30_percent_exceeding():
    assert _codes(Grade.EXCELLENT) == []  # 3 of 10: exactly 30%
    assert _codes(Grade.EXCELLENT, tasks_exceeded=2) == ["collective_exceeded"]
    assert _codes(Grade.EXCELLENT, tasks_on_time=9) == ["collective_on_time"]
    assert _codes(Grade.EXCELLENT, tasks=1000, tasks_done=1000, tasks_on_time=1000,
                  tasks_exceeded=299) == ["collective_exceeded"]  # fmt: skip


def test_excellent_needs_every_shortcoming_fixed():
    assert _codes(Grade.EXCELLENT, shortcomings=0, shortcomings_fixed=0) == []
    assert _codes(Grade.EXCELLENT, shortcomings=3, shortcomings_fixed=3) == []
    assert _codes(Grade.EXCELLENT, shortcomings=3, shortcomings_fixed=2) == [
        "collective_shortcomings"
    ]


def test_excellent_refused_with_discipline_below_or_in_the_leadership():
    assert _codes(Grade.EXCELLENT, subordinate_disciplined=True) == ["collective_discipline"]
    assert _codes(Grade.EXCELLENT, leaders_disciplined=("Nguyễn Văn A",)) == [
        "collective_discipline"
    ]
    # Discipline does not bar "good" (R6.3 states it for excellent only).
    assert _codes(Grade.GOOD, subordinate_disciplined=True) == []


def test_good_needs_all_tasks_on_time():
    assert _codes(Grade.GOOD, tasks_exceeded=0) == []
    assert _codes(Grade.GOOD, tasks_on_time=9) == ["collective_on_time"]


def test_completed_all_done_at_most_20_percent_late():
    assert _codes(Grade.COMPLETED, tasks_on_time=8) == []  # 2 of 10 late: exactly 20%
    assert _codes(Grade.COMPLETED, tasks_on_time=7) == ["collective_late"]
    assert _codes(Grade.COMPLETED, tasks_done=9, tasks_on_time=9) == ["collective_done"]


def test_counts_missing_or_inconsistent():
    assert _codes(Grade.GOOD, tasks=None) == ["collective_tasks_missing"]
    assert _codes(Grade.GOOD, tasks=0, tasks_done=0, tasks_on_time=0, tasks_exceeded=0) == [
        "collective_tasks_missing"
    ]
    assert _codes(Grade.GOOD, tasks_done=9) == ["collective_tasks_missing"]  # on time > done
    assert _codes(Grade.GOOD, tasks=9) == ["collective_tasks_missing"]  # done > assigned
    assert _codes(Grade.GOOD, shortcomings=1, shortcomings_fixed=2) == ["collective_tasks_missing"]


def test_not_completed_and_years_before_366_have_no_condition():
    assert _codes(Grade.NOT_COMPLETED, tasks=None) == []
    assert _codes(Grade.EXCELLENT, year=2024, tasks=None, subordinate_disciplined=True) == []
    version = rules.COLLECTIVE_CONDITIONS.versions[-1]
    assert version.effective_from == rules.QD_366
    assert version.confirmed is False  # the "good" condition for collectives is UNCONFIRMED


# --- the services -------------------------------------------------------------------


@pytest.fixture
def campaign(tree, members, people):
    return services.campaign_open(
        actor=people["board"], organization=tree["province"], year=2025, opened_on=D(2026, 1, 5)
    )


@pytest.fixture
def grading(campaign, tree):
    return OrganizationGrading.objects.get(campaign=campaign, organization=tree["cell_a"])


def _state(grading):
    grading.refresh_from_db()
    return (
        grading.status,
        grading.self_grade,
        grading.grade,
        grading.tasks,
        OrganizationGrading.history.filter(id=grading.pk).count(),
    )


def _self(grading, actor, grade="excellent", score="95", **counts):
    values = {"tasks": 10, "tasks_done": 10, "tasks_on_time": 10, "tasks_exceeded": 3}
    return services.organization_self_grade(
        actor=actor,
        grading=grading,
        report="Chi bộ hoàn thành các chỉ tiêu nghị quyết năm 2025.",
        self_grade=grade,
        self_score=score,
        on=D(2026, 1, 12),
        **{**values, **counts},
    )


def test_form_01_without_counts_refused(grading, people):
    before = _state(grading)
    with pytest.raises(DomainError) as exc:
        services.organization_self_grade(
            actor=people["secretary_a"],
            grading=grading,
            report="Báo cáo.",
            self_grade="good",
            self_score="80",
            on=D(2026, 1, 12),
        )
    assert exc.value.code == "collective_tasks_missing"
    assert exc.value.field == "tasks"
    assert "Quy định 366-QĐ/TW" in exc.value.message
    assert _state(grading) == before


def test_form_01_excellent_at_the_edge(grading, people):
    before = _state(grading)
    with pytest.raises(DomainError) as exc:
        _self(grading, people["secretary_a"], tasks_exceeded=2)
    assert exc.value.code == "collective_exceeded"
    assert exc.value.field == "tasks_exceeded"
    assert "20%" in exc.value.message and "30%" in exc.value.message
    with pytest.raises(DomainError) as exc:
        _self(grading, people["secretary_a"], shortcomings=2, shortcomings_fixed=1)
    assert exc.value.code == "collective_shortcomings"
    with pytest.raises(DomainError) as exc:
        _self(grading, people["secretary_a"], subordinate_disciplined=True)
    assert exc.value.code == "collective_discipline"
    assert _state(grading) == before
    _self(grading, people["secretary_a"], shortcomings=2, shortcomings_fixed=2)
    grading.refresh_from_db()
    assert (grading.status, grading.self_grade, grading.tasks_exceeded) == (
        OrgGradingStatus.SELF_GRADED,
        "excellent",
        3,
    )


def test_form_01_completed_late_share(grading, people):
    with pytest.raises(DomainError) as exc:
        _self(grading, people["secretary_a"], grade="completed", score="60", tasks_on_time=7)
    assert exc.value.code == "collective_late"
    assert exc.value.field == "tasks_on_time"
    _self(grading, people["secretary_a"], grade="completed", score="60", tasks_on_time=8)
    grading.refresh_from_db()
    assert grading.self_grade == "completed"


def test_superior_cannot_grade_excellent_with_a_committee_member_disciplined(
    grading, tree, members, people
):
    from dangvien.discipline.tests.helpers import in_force

    _self(grading, people["secretary_a"])
    secretary = members["a"][1]
    CommitteePost.objects.create(
        organization=tree["cell_a"],
        kind=CommitteePostKind.SECRETARY,
        member=secretary,
        name=secretary.full_name,
        starts_on=D(2020, 6, 1),
        ends_on=D(2025, 2, 1),  # left the post in 2025: still counts for 2025
    )
    in_force(secretary, tree)  # decided 07/03/2025
    before = _state(grading)
    with pytest.raises(DomainError) as exc:
        services.organization_decide(
            actor=people["office"],
            grading=grading,
            grade="excellent",
            score="95",
            on=D(2026, 1, 16),
        )
    assert exc.value.code == "collective_discipline"
    assert exc.value.field == "grade"
    # Counted, not named: the recorder may not see the committee member's discipline.
    assert "1 thành viên cấp ủy" in exc.value.message
    assert secretary.full_name not in exc.value.message
    assert _state(grading) == before
    services.organization_decide(
        actor=people["office"], grading=grading, grade="good", score="85", on=D(2026, 1, 16)
    )
    grading.refresh_from_db()
    assert (grading.status, grading.grade) == (OrgGradingStatus.DECIDED, "good")


def test_committee_post_outside_the_year_or_voided_does_not_count(grading, tree, members, people):
    from dangvien.discipline.tests.helpers import in_force

    _self(grading, people["secretary_a"])
    left, voided = members["a"][1], members["a"][2]
    CommitteePost.objects.create(
        organization=tree["cell_a"],
        kind=CommitteePostKind.SECRETARY,
        member=left,
        name=left.full_name,
        starts_on=D(2020, 6, 1),
        ends_on=D(2024, 12, 31),
    )
    CommitteePost.objects.create(
        organization=tree["cell_a"],
        kind=CommitteePostKind.DEPUTY_SECRETARY,
        member=voided,
        name=voided.full_name,
        starts_on=D(2020, 6, 1),
        voided=True,
        void_reason="Ghi nhầm",
    )
    in_force(left, tree)
    in_force(voided, tree)
    services.organization_decide(
        actor=people["office"], grading=grading, grade="excellent", score="95", on=D(2026, 1, 16)
    )
    grading.refresh_from_db()
    assert grading.grade == "excellent"


def test_year_before_366_needs_no_counts(tree, members, people):
    campaign = services.campaign_open(
        actor=SYSTEM, organization=tree["province"], year=2024, opened_on=D(2025, 1, 5)
    )
    grading = OrganizationGrading.objects.get(campaign=campaign, organization=tree["cell_a"])
    services.organization_self_grade(
        actor=people["secretary_a"],
        grading=grading,
        report="Báo cáo năm 2024.",
        self_grade="excellent",
        on=D(2025, 1, 12),
        subordinate_disciplined=True,
    )
    grading.refresh_from_db()
    assert (grading.self_grade, grading.tasks) == ("excellent", None)
