"""The compliance area's periodic work in the job queue."""

from __future__ import annotations

import datetime as dt

from huey import crontab

from dangvien.imports.jobs import huey, worker_connections

from .notifications import notify_deadlines


# 07:00 in Vietnam (UTC+7): huey reads crontabs in UTC.
@huey.periodic_task(crontab(hour="0", minute="0"))
def daily_deadline_notices() -> None:
    """Each user's digest of the steps overdue or due within 3 days."""
    with worker_connections():
        notify_deadlines(dt.date.today())
