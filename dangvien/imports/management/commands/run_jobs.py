"""`dangvien run-jobs`: the worker of the background job queue (huey): imports, large
exports, the data-quality summary every QUALITY_SUMMARY_MINUTES and the
organisations' figures every night.
Runs until stopped; needs JOBS_BACKEND "redis" or "sqlite"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý việc nền (nhập dữ liệu)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args, **options):
        # Import the modules that define tasks, so that this worker knows them.
        from dangvien.compliance import jobs as compliance_jobs  # the daily deadline notices
        from dangvien.exports import jobs as export_jobs
        from dangvien.imports.jobs import huey
        from dangvien.members import jobs as member_jobs  # the nightly recount
        from dangvien.quality import jobs as quality_jobs  # and its periodic task
        from dangvien.reports import jobs as report_jobs  # the dashboards' past months

        del compliance_jobs, export_jobs, member_jobs, quality_jobs, report_jobs

        if huey.immediate:
            raise CommandError(
                "JOBS_BACKEND là «immediate»: việc chạy ngay, không cần tiến trình nền."
            )
        consumer = huey.create_consumer(workers=options["workers"], worker_type="thread")
        consumer.run()
