"""The maintained summary the console reads (QualitySummary): equal to a live
count for every organisation after a refresh, older figures shown with their
time until the next refresh (the queue's, an import's, or «Tính lại ngay»), and
a subtree's refresh leaves the rest as it was."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dangvien.members.tests.factories import Role, user_with_role
from dangvien.organizations.models import Organization
from dangvien.quality import checks as c
from dangvien.quality import services
from dangvien.quality.jobs import refresh_quality_summary
from dangvien.quality.models import MEMBERS_CODE, QualitySummary
from dangvien.quality.selectors import quality_counts

from .conftest import TODAY, make_member

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def findings(tree, complete):
    return [
        make_member(tree["cell_a"], 10, citizen_id=None),
        make_member(tree["cell_a"], 11, birth_date=dt.date(1990, 1, 1), citizen_id=None),
        make_member(tree["cell_c"], 12, phone="", hometown=""),
    ]


def _summary() -> dict[tuple[int, str], int]:
    return {
        (org_id, code): n
        for org_id, code, n in QualitySummary.objects.values_list(
            "organization_id", "check_code", "count"
        )
    }


def test_the_whole_refresh_equals_a_live_count_for_every_organisation(tree, findings):
    refresh_quality_summary()  # the queue's periodic task, run here in-process
    summary = _summary()
    organizations = list(Organization.objects.all())
    assert {org_id for org_id, _ in summary} == {org.pk for org in organizations}
    for org in organizations:
        total, _members, counted = quality_counts(org, TODAY)
        assert summary[(org.pk, MEMBERS_CODE)] == total, org.name
        for check in c.CHECKS:
            assert summary[(org.pk, check.code)] == sum(counted[check.code].values()), (
                org.name,
                check.code,
            )
    assert summary[(tree["province"].pk, "citizen_id_missing")] == 2


def test_the_console_shows_the_figures_of_the_last_count_until_recounted(
    client, tree, findings, django_user_model
):
    office = user_with_role(django_user_model, "office", Role.GRASSROOTS_OFFICE, tree["commune"])
    client.force_login(office)
    url = f"/chat-luong-du-lieu/?org={tree['commune'].pk}"
    first = client.get(url).content.decode()  # the first visit counts the subtree
    assert 'id="total-citizen_id_missing">2<' in first and "09:00 20/03/2026" in first
    make_member(tree["cell_b"], 13, citizen_id=None)
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 5, tzinfo=HANOI), tick=False):
        stale = client.get(url).content.decode()
        assert 'id="total-citizen_id_missing">2<' in stale and "09:00 20/03/2026" in stale
        response = client.post(f"/chat-luong-du-lieu/tinh-lai/?org={tree['commune'].pk}")
        assert response.status_code == 302
        fresh = client.get(url).content.decode()
    assert 'id="total-citizen_id_missing">3<' in fresh and "09:05 20/03/2026" in fresh
    # Outside the office's subtree the refresh answers 404 and counts nothing.
    before = _summary()
    assert client.post(f"/chat-luong-du-lieu/tinh-lai/?org={tree['agency'].pk}").status_code == 404
    assert _summary() == before


def test_a_subtree_refresh_updates_it_and_the_organisations_above_only(tree, findings):
    """Recounting the agency's subtree (an import into it) changes its rows and
    adds the change to the province above; the commune's cells keep their
    figures until the next whole refresh, and every figure stays equal to a
    live count where it was recounted."""
    services.quality_summary_refresh(today=TODAY)
    make_member(tree["cell_c"], 14, citizen_id=None)
    make_member(tree["cell_a"], 15, citizen_id=None)
    before = _summary()
    services.quality_summary_refresh(root=tree["agency"], today=TODAY)
    after = _summary()
    changed = {key for key in after if after[key] != before[key]}
    codes = ("citizen_id_missing", "required_missing", MEMBERS_CODE)
    assert changed == {
        (org.pk, code)
        for org in (tree["agency"], tree["cell_c"], tree["province"])
        for code in codes
    }
    assert set(after) == set(before)
    for code in codes:
        assert after[(tree["province"].pk, code)] == before[(tree["province"].pk, code)] + 1
    # The commune waits for the whole refresh; then everything is a live count again.
    refresh_quality_summary()
    total, _members, counted = quality_counts(tree["province"], TODAY)
    assert _summary()[(tree["province"].pk, MEMBERS_CODE)] == total
    assert _summary()[(tree["province"].pk, "citizen_id_missing")] == sum(
        counted["citizen_id_missing"].values()
    )
