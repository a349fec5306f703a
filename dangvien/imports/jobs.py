"""Background jobs (huey) and the import job that runs in them.

The queue is chosen by the setting JOBS_BACKEND:

- "redis": RedisHuey on JOBS_REDIS_URL (production, CI: redis://127.0.0.1:6379/0);
  a worker runs with `dangvien run-jobs`.
- "sqlite": SqliteHuey in the file JOBS_SQLITE_PATH (the demo; no Redis needed);
  a worker runs with `dangvien run-jobs`.
- "immediate" (the default when the setting is absent, and the tests): the task
  runs at once in the caller's process, so tests exercise the real task function.

`start_job(job, dry_run=..., by=user)` marks the job running and enqueues
`run_import_job`, which reads the stored file, checks it (dry run) or imports
it, updates the progress counts as it goes and keeps the result and the file of
the failed rows on the job.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Huey

from .models import ImportJob, JobStatus
from .output import ERRORS_KEPT, failed_rows_xlsx, refused_by_row
from .reading import FileRefused, read_sheet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

QUEUE_NAME = "dangvien"


def make_huey() -> Huey:
    """The huey instance the settings ask for (see the module's docstring)."""
    backend = getattr(settings, "JOBS_BACKEND", "immediate")
    if backend == "redis":
        url = getattr(settings, "JOBS_REDIS_URL", "redis://127.0.0.1:6379/0")
        return RedisHuey(QUEUE_NAME, url=url, results=False)
    if backend == "sqlite":
        path = Path(getattr(settings, "JOBS_SQLITE_PATH", "var/jobs.sqlite3"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=str(path), results=False)
    if backend != "immediate":
        raise ValueError(f"JOBS_BACKEND must be redis, sqlite or immediate, not {backend!r}")
    return MemoryHuey(QUEUE_NAME, immediate=True, results=False)


huey = make_huey()


def _progress(job_id: int) -> Any:
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total)

    return report


def execute_job(job_id: int, *, dry_run: bool) -> ImportJob:
    """Run the dry run (or the import) of job `job_id` and keep its result on the
    job: counts, the first ERRORS_KEPT errors and notes with their totals, the
    refused rows, a file of the failed rows. Both act as `imported_by` (who
    started the run; the uploader when empty). A file
    that cannot be read leaves status FAILED with the coded message; a refused row, status REFUSED and
    nothing written; an import that wrote, DONE."""
    from . import services

    job = ImportJob.objects.select_related("organization", "created_by", "imported_by").get(
        pk=job_id
    )
    job.file.open("rb")
    try:
        data = job.file.read()
    finally:
        job.file.close()
    try:
        sheet = read_sheet(data, job.original_name)
    except FileRefused as unreadable:
        job.status = JobStatus.FAILED
        job.result = {"code": unreadable.code, "message": unreadable.message}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "result", "finished_at"])
        return job
    # The run checks and writes as whoever started it (their rights, their
    # name in the members' history); the uploader when nobody is named.
    user = job.imported_by if job.imported_by_id else job.created_by
    actor = user if user is not None else services.SYSTEM
    kwargs = {
        "mapping": job.mapping,
        "organization": job.organization,
        "actor": actor,
        "convert_legacy": job.convert_legacy,
        "progress": _progress(job.pk),
    }
    if dry_run:
        check, _rows = services.check_sheet(sheet, **kwargs)
    else:
        check = services.import_sheet(sheet, source=job.original_name, **kwargs)
    refused = refused_by_row(check.errors)
    job.rows_total = check.rows_read
    job.rows_done = check.rows_read
    job.rows_refused = check.refused
    job.rows_created = check.created
    job.rows_updated = check.updated
    job.rows_unchanged = check.unchanged
    job.dry_run = dry_run
    job.result = {
        "errors": [e.as_dict() for e in check.errors[:ERRORS_KEPT]],
        "errors_total": len(check.errors),
        "notes": [n.as_dict() for n in check.notes[:ERRORS_KEPT]],
        "notes_total": len(check.notes),
        "written": check.written,
    }
    if refused:
        job.failed_file.save(
            f"loi-{Path(job.original_name).stem}.xlsx",
            ContentFile(failed_rows_xlsx(sheet, job.mapping, refused)),
            save=False,
        )
    else:
        job.failed_file = ""
    if check.failure is not None:
        job.status = JobStatus.FAILED
        job.result.update(code=check.failure[0], message=check.failure[1])
    elif check.refused:
        job.status = JobStatus.REFUSED
    elif check.written:
        job.status = JobStatus.DONE
    else:
        job.status = JobStatus.CHECKED
    job.finished_at = timezone.now()
    job.save()
    return job


@contextmanager
def worker_connections() -> Iterator[None]:
    """Fresh database connections around a task run by a worker (a task must
    not reuse one a previous task left broken); none in immediate mode, where
    the task runs in the caller's connection and transaction."""
    if not huey.immediate:
        close_old_connections()
    try:
        yield
    finally:
        if not huey.immediate:
            close_old_connections()


@huey.task()
def run_import_job(job_id: int, dry_run: bool) -> None:
    """The queued task: `execute_job` in a worker; a crash leaves the job FAILED
    with `job_crashed` (and is raised to the worker)."""
    with worker_connections():
        try:
            execute_job(job_id, dry_run=dry_run)
        except Exception:
            ImportJob.objects.filter(pk=job_id).update(
                status=JobStatus.FAILED,
                result={
                    "code": "job_crashed",
                    "message": "Lượt nhập bị lỗi hệ thống; chưa nhập gì.",
                },
                finished_at=timezone.now(),
            )
            raise


def start_job(job: ImportJob, *, dry_run: bool, by: User | None = None) -> None:
    """Mark `job` running (checking or importing) and queue its task; the task
    runs after the current transaction commits (at once in immediate mode).
    `by`: the user who started it, kept as `imported_by`: the run checks (and
    an import writes) as them, with their rights (None: as the uploader)."""
    job.status = JobStatus.CHECKING if dry_run else JobStatus.IMPORTING
    job.dry_run = dry_run
    job.imported_by = by
    job.rows_done = 0
    job.started_at = timezone.now()
    job.finished_at = None
    job.save(
        update_fields=[
            "status",
            "dry_run",
            "imported_by",
            "rows_done",
            "started_at",
            "finished_at",
        ]
    )
    if huey.immediate or not connection.in_atomic_block:
        run_import_job(job.pk, dry_run)
    else:
        transaction.on_commit(lambda: run_import_job(job.pk, dry_run))
