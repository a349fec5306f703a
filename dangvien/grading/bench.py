"""Entry points the bench times (issue 12, "Measured"): closing the year for a
province (cap checks and statistics, target < 30 s at 200,000 members) and
the grading shares table of a province (p95 < 500 ms), each with a
hand-written SQL equivalent for comparison. `prepare_year` gives the bench
its data: a campaign over the organisation, graded in bulk with the shares
of seed 001 (`demo.grade_campaign_in_bulk`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction

from dangvien.core.actors import SYSTEM
from dangvien.organizations.models import Organization

from . import rules, selectors, services
from .demo import grade_campaign_in_bulk
from .models import CampaignStatus, GradingCampaign
from .selectors import CapRow, ResultRow


@dataclass
class YearClosed:
    over_cap: list[CapRow]
    rows: list[ResultRow]
    total: ResultRow
    organizations: dict[str, int]


def open_year(org: Organization, year: int, opened_on: dt.date | None = None) -> GradingCampaign:
    """Open the campaign of `year` over `org` through the service (on 5/1 of
    the next year unless `opened_on`); returns the open campaign."""
    return services.campaign_open(
        actor=SYSTEM,
        organization=org,
        year=year,
        opened_on=opened_on or dt.date(year + 1, 1, 5),
    )


@transaction.atomic
def grade_in_bulk(campaign: GradingCampaign) -> dict[str, int]:
    """Grade `campaign` in bulk with the shares of seed 001 and close it;
    returns the members per grade."""
    return grade_campaign_in_bulk(campaign)


def prepare_year(org: Organization, year: int, opened_on: dt.date | None = None) -> GradingCampaign:
    """Open the campaign of `year` over `org` (through the service) and grade
    it in bulk; returns the campaign (closed)."""
    with transaction.atomic():
        campaign = open_year(org, year, opened_on)
        grade_in_bulk(campaign)
    return campaign


@transaction.atomic
def close_year(org: Organization, year: int) -> YearClosed:
    """Close `year` for `org`: the cap on excellent checked per grassroots
    organisation (R6.4, one grouped query), the results table per
    organisation below and in total (one grouped query), the organisations'
    grades; the campaign of `org` marked closed when still open."""
    over = [row for row in selectors.cap_check(org, year) if row.over and not row.override]
    rows, total = selectors.results_table(org, year)
    organizations = selectors.organization_results(org, year)
    GradingCampaign.objects.filter(organization=org, year=year, status=CampaignStatus.OPEN).update(
        status=CampaignStatus.CLOSED, closed_on=dt.date.today()
    )
    return YearClosed(over, rows, total, organizations)


CAP_SQL = (
    "SELECT grassroots_id, "
    "SUM(CASE WHEN grade = 'excellent' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN grade = 'good' THEN 1 ELSE 0 END) "
    "FROM grading_memberreview "
    "WHERE year = %s AND cell_path LIKE %s AND status IN ('decided', 'announced') "
    "GROUP BY grassroots_id"
)
OVERRIDE_SQL = (
    "SELECT d.grassroots_id FROM grading_gradingdecision d "
    "JOIN grading_gradingcampaign c ON c.id = d.campaign_id "
    "WHERE c.year = %s AND d.grassroots_path LIKE %s AND d.cap_override_reason <> ''"
)


def close_year_sql(org: Organization, year: int) -> YearClosed:
    """`close_year` by hand-written SQL (same answers), for comparison."""
    like = org.path + "%"
    with connection.cursor() as cursor:
        cursor.execute(OVERRIDE_SQL, [year, like])
        overrides = {r[0] for r in cursor.fetchall()}
        cursor.execute(CAP_SQL, [year, like])
        cap_rows = [
            CapRow(g, int(e), int(good), rules.excellent_cap(int(good), year), g in overrides)
            for g, e, good in cursor.fetchall()
        ]
        cursor.execute(
            "UPDATE grading_gradingcampaign SET status = 'closed', closed_on = %s "
            "WHERE organization_id = %s AND year = %s AND status = 'open'",
            [dt.date.today(), org.pk, year],
        )
    rows, total = selectors.results_table_sql(org, year)
    return YearClosed(
        [r for r in cap_rows if r.over and not r.override],
        rows,
        total,
        selectors.organization_results(org, year),
    )


def shares_table(org: Organization, year: int) -> tuple[list[ResultRow], ResultRow]:
    """The grading shares table of `org` for `year` (what the page shows)."""
    return selectors.results_table(org, year)


def shares_table_sql(org: Organization, year: int) -> tuple[list[ResultRow], ResultRow]:
    """The same table by hand-written SQL."""
    return selectors.results_table_sql(org, year)
