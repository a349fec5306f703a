"""The organisations' figures in the job queue: recounted whole every night
(the ages move with the calendar; every other change is added by the write
that makes it, members.summary)."""

from __future__ import annotations

from huey import crontab

from dangvien.imports.jobs import huey, worker_connections

from .summary import membership_summary_rebuild


# 00:05 in Vietnam (UTC+7, no daylight saving): huey reads crontabs in UTC.
@huey.periodic_task(crontab(hour="17", minute="5"))
def recount_membership_summary() -> None:
    """Recount MembershipSummary for the whole tree, ages on the new day."""
    with worker_connections():
        membership_summary_rebuild()
