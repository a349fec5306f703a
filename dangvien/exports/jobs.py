"""Exports in the job queue (huey, see imports.jobs): a list of more than
EXPORT_INLINE_MAX members is made by a worker, not while the browser waits."""

from __future__ import annotations

from django.utils import timezone

from dangvien.imports.jobs import huey, worker_connections

from .models import ExportJob, ExportJobStatus


@huey.task()
def run_export_job(job_id: int) -> None:
    """The queued task: services.export_job_run with fresh database connections;
    a crash leaves the job FAILED with a message (and is raised to the worker)."""
    from . import services

    with worker_connections():
        try:
            services.export_job_run(job_id)
        except Exception:
            ExportJob.objects.filter(pk=job_id).update(
                status=ExportJobStatus.FAILED,
                message="Tạo tệp bị lỗi hệ thống; hãy thử lại hoặc báo quản trị hệ thống.",
                finished_at=timezone.now(),
            )
            raise
