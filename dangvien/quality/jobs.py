"""The data-quality summary in the job queue: recounted whole every
QUALITY_SUMMARY_MINUTES by the worker (`dangvien run-jobs`), and for a subtree
after an import wrote into it."""

from __future__ import annotations

from huey import crontab

from dangvien.imports.jobs import huey, worker_connections

from . import services


@huey.periodic_task(crontab(minute=f"*/{services.summary_minutes()}"))
def refresh_quality_summary() -> None:
    """Recount every check over the whole tree (QualitySummary)."""
    with worker_connections():
        services.quality_summary_refresh()


@huey.task()
def refresh_quality_summary_of(organization_id: int) -> None:
    """Recount the subtree of one organisation (after an import into it)."""
    from dangvien.organizations.models import Organization

    with worker_connections():
        org = Organization.objects.filter(pk=organization_id).first()
        if org is not None:
            services.quality_summary_refresh(root=org)
