"""The badge list for an award date over the whole population, for `make bench`
(issue 12: target under 2 s at 5.6 M members; the bench seeds 200,000).

`bench_cases(raw)` gives (label, ours, theirs) like bench/run.py's other
reads: ours is the selector the pages and the API call
(selectors.candidate_rows over the whole installation: one query on the
partial index of Member.party_age_start, party age net of gaps kept by the
member services); theirs is a raw-SQL approximation that takes the first
admission decision as the start of party age (no gaps), to compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import rules, selectors


def badge_list(award: dt.date) -> int:
    """The number of (member, milestone) rows in the list of `award`."""
    return len(selectors.candidate_rows(None, award))


RAW_SQL = (
    "SELECT id, family_name, middle_name, given_name, f FROM ("
    " SELECT id, family_name, middle_name, given_name, sort_key,"
    " COALESCE(admission_decision_date, joining_date) AS f"
    " FROM members_member WHERE status = 'official') m"
    " WHERE {where} ORDER BY sort_key, id"
)


def raw_sql(award: dt.date) -> tuple[str, list[Any]]:
    """The approximation: official members whose first admission decision plus a
    milestone falls in the list window, without deducting gaps."""
    start, end = rules.list_window(award)
    parts, params = [], []
    for years in rules.MILESTONES.on(award):
        parts.append("(f > %s AND f <= %s)")
        params += [rules.add_years(start, -years), rules.add_years(end, -years)]
    sql = RAW_SQL.replace("{where}", " OR ".join(parts))
    return sql, params


def bench_cases(
    raw: Callable[[str, list], Callable[[], Any]], today: dt.date | None = None
) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    """[(label, ours, raw SQL)] for the next award date after `today`;
    `raw(sql, params)` is bench/run.py's runner of a raw statement."""
    award = rules.next_award_date(today or dt.date.today())
    found = badge_list(award)
    sql, params = raw_sql(award)
    return [
        (
            f"Danh sách đề nghị tặng Huy hiệu Đảng đợt {award:%d/%m/%Y}, toàn bộ "
            f"({found:,} đảng viên)",
            lambda: selectors.candidate_rows(None, award),
            raw(sql, params),
        )
    ]
