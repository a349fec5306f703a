"""Yearly admission targets (chỉ tiêu kết nạp, domain.md item 9): setting them,
the admissions of the year against them, the page and the console's check."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.admissions import rules, selectors, services
from dangvien.admissions.models import AdmissionTarget
from dangvien.compliance.console import compliance_console
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2026, 1, 31), 0),  # January: nothing is due yet
        (dt.date(2026, 2, 1), 1),  # one month completed: 12 × 1/12
        (dt.date(2026, 11, 30), 10),
        (dt.date(2026, 12, 1), 11),
        (dt.date(2026, 12, 31), 11),
    ],
)
def test_expected_by_the_months_completed(on, expected):
    assert rules.target_expected_by(12, on) == expected


def test_expected_rounds_down():
    assert rules.target_expected_by(5, dt.date(2026, 4, 1)) == 1  # 5 × 3/12 = 1.25


def _admitted(org, on, n=1):
    for _ in range(n):
        MemberFactory(
            organization=org,
            admission_decision_date=on,
            joining_date=on,
            official_date=None,
            status="probationary",
        )


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_progress_of_an_organisation_and_its_children():
    tree = build_tree()
    services.admission_target_set(actor=SYSTEM, organization=tree["province"], year=2026, count=20)
    services.admission_target_set(actor=SYSTEM, organization=tree["commune"], year=2026, count=6)
    _admitted(tree["cell_a"], dt.date(2026, 1, 1), 2)  # the year's first day counts
    _admitted(tree["cell_b"], dt.date(2025, 12, 31))  # the day before: last year's
    _admitted(tree["cell_c"], dt.date(2026, 11, 30))  # today counts
    rows = {
        r.organization.pk: r for r in selectors.admission_progress(tree["province"], 2026, TODAY)
    }
    province, commune, agency = (
        rows[tree["province"].pk],
        rows[tree["commune"].pk],
        rows[tree["agency"].pk],
    )
    assert (province.target, province.admitted, province.expected) == (20, 3, 16)
    assert province.behind and province.percent == 15.0
    assert (commune.target, commune.admitted, commune.expected) == (6, 2, 5)
    assert (agency.target, agency.admitted, agency.expected) == (None, 1, None)
    assert not agency.behind and agency.percent is None
    assert list(rows) == [tree["province"].pk, tree["commune"].pk, tree["agency"].pk]


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_setting_again_rewrites_the_figure_and_keeps_the_history(django_user_model):
    tree = build_tree()
    board = user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["province"])
    first = services.admission_target_set(
        actor=board, organization=tree["commune"], year=2027, count=5, decision="NQ 01"
    )
    again = services.admission_target_set(
        actor=board, organization=tree["commune"], year=2027, count=7, decision="NQ 02"
    )
    assert again.pk == first.pk and AdmissionTarget.objects.count() == 1
    assert (again.count, again.decision, again.set_on) == (7, "NQ 02", TODAY)
    history = list(again.history.order_by("history_id").values_list("count", "history_user"))
    assert history == [(5, board.pk), (7, board.pk)]


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
@pytest.mark.parametrize(
    ("year", "count", "code", "field"),
    [
        (2024, 5, "target_year_invalid", "year"),  # before last year
        (2028, 5, "target_year_invalid", "year"),  # after next year
        (2026, -1, "target_count_invalid", "count"),
        (2026, rules.TARGET_MAX + 1, "target_count_invalid", "count"),
    ],
)
def test_bad_targets_are_refused_at_their_field(year, count, code, field):
    tree = build_tree()
    with pytest.raises(DomainError) as exc:
        services.admission_target_set(
            actor=SYSTEM, organization=tree["commune"], year=year, count=count
        )
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not AdmissionTarget.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_the_edges_of_the_accepted_years_and_counts():
    tree = build_tree()
    for year, count in ((2025, 0), (2027, rules.TARGET_MAX)):
        services.admission_target_set(
            actor=SYSTEM, organization=tree["commune"], year=year, count=count
        )
    assert AdmissionTarget.objects.count() == 2


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_the_committee_above_gives_the_target(django_user_model):
    tree = build_tree()
    secretary = user_with_role(django_user_model, "cb", Role.CELL_SECRETARY, tree["cell_a"])
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    for actor, org in ((secretary, tree["cell_a"]), (secretary, tree["commune"])):
        with pytest.raises(DomainError) as exc:
            services.admission_target_set(actor=actor, organization=org, year=2026, count=3)
        assert exc.value.code == "not_acting_body"
    with pytest.raises(DomainError):  # the commune's own target: the province gives it
        services.admission_target_set(
            actor=office, organization=tree["commune"], year=2026, count=3
        )
    assert not AdmissionTarget.objects.exists()
    services.admission_target_set(actor=office, organization=tree["cell_a"], year=2026, count=3)
    assert AdmissionTarget.objects.get().organization == tree["cell_a"]


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_the_residence_row_is_a_finding_only_in_the_grading_season():
    from dangvien.compliance.console import slow_rows

    tree = build_tree()
    row = next(r for r in slow_rows(tree["province"], TODAY) if r.code.startswith("residence"))
    assert row.count == 0 and row.due == "chưa đến hạn: nhận xét năm 2026 thu từ 01/12/2026"
    december = next(
        r for r in slow_rows(tree["province"], dt.date(2026, 12, 1)) if r.code.startswith("resi")
    )
    assert december.due == "trước kỳ kiểm điểm, xếp loại năm 2026"


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_the_console_page_reads_the_kept_count_per_child(client, django_user_model):
    tree = build_tree()
    services.admission_target_set(actor=SYSTEM, organization=tree["cell_c"], year=2026, count=2)
    client.force_login(
        user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["province"])
    )
    page = client.get(reverse("compliance"), {"org": tree["province"].pk})
    rows = {r.code: r for r in page.context["console"].rows}
    row = rows["admissions_behind_target"]  # kept by the queue as JSON, read back
    assert (row.count, row.base) == (1, 1)
    assert row.by_child == {tree["commune"].pk: 0, tree["agency"].pk: 1}
    children = dict(page.context["child_rows"])
    assert dict(children[tree["agency"]])[row.label] == 1


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_the_console_counts_the_organisations_behind_per_child():
    tree = build_tree()
    services.admission_target_set(actor=SYSTEM, organization=tree["commune"], year=2026, count=6)
    services.admission_target_set(actor=SYSTEM, organization=tree["cell_c"], year=2026, count=2)
    services.admission_target_set(actor=SYSTEM, organization=tree["cell_b"], year=2025, count=9)
    _admitted(tree["cell_a"], dt.date(2026, 3, 1), 5)  # the commune: 5 of the 5 due: on pace
    # cell_c: 0 of the 1 due (2 × 10/12): behind
    from dangvien.accounts.scope import Scope

    scope = Scope(everything=False, paths=(tree["province"].path,), member_id=None)
    console = compliance_console(scope, tree["province"], TODAY)  # slow rows computed now
    row = next(r for r in console.rows if r.code == "admissions_behind_target")
    assert (row.count, row.base) == (1, 2)
    assert row.by_child == {tree["commune"].pk: 0, tree["agency"].pk: 1}
    assert "nam=2026" in row.link


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False)
def test_the_page_shows_progress_and_a_writer_sets_a_child_target(client, django_user_model):
    tree = build_tree()
    client.force_login(
        user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    )
    url = reverse("admission_targets")
    page = client.get(url, {"org": tree["commune"].pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chỉ tiêu kết nạp đảng viên năm 2026" in html and "Chi bộ thôn Đông" in html
    answer = client.post(
        f"{url}?org={tree['commune'].pk}",
        {"organization": tree["cell_a"].pk, "year": "2026", "count": "3", "decision": ""},
    )
    assert answer.status_code == 302
    assert AdmissionTarget.objects.get().organization == tree["cell_a"]
    bad = client.post(
        f"{url}?org={tree['commune'].pk}",
        {"organization": tree["cell_a"].pk, "year": "2026", "count": "ba", "decision": ""},
    )
    assert bad.status_code == 200
    assert "Nhập chỉ tiêu bằng số nguyên" in bad.content.decode()
    assert AdmissionTarget.objects.get().count == 3  # unchanged
    # Another organisation's subtree: 404, read or written.
    assert client.get(url, {"org": tree["agency"].pk}).status_code == 404
    outside = client.post(
        f"{url}?org={tree['agency'].pk}",
        {"organization": tree["cell_c"].pk, "year": "2026", "count": "3"},
    )
    assert outside.status_code == 404


def test_a_reader_sees_the_page_without_the_form_and_cannot_post(client, django_user_model):
    tree = build_tree()
    client.force_login(user_with_role(django_user_model, "kt", Role.INSPECTION, tree["commune"]))
    url = reverse("admission_targets")
    page = client.get(url, {"org": tree["commune"].pk})
    assert page.status_code == 200 and "Ghi chỉ tiêu" not in page.content.decode()
    post = client.post(
        f"{url}?org={tree['commune'].pk}",
        {"organization": tree["commune"].pk, "year": "2026", "count": "3"},
    )
    assert post.status_code == 404 and not AdmissionTarget.objects.exists()
