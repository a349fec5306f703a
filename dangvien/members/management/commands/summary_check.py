"""Audit the maintained summary of the organisations (members.summary): recount
the members in activity of every subtree and report the rows that differ from
what is stored; with --repair, write the recount. Exit status 1 when a
difference is found without --repair."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvien.members.summary import membership_summary_differences, membership_summary_rebuild
from dangvien.organizations.models import Organization

SHOWN = 50  # differences listed one by one; the rest only counted


class Command(BaseCommand):
    help = (
        "Kiểm tra số liệu đảng viên đang lưu của mọi tổ chức (tổng số, dự bị, nữ, độ tuổi) "
        "so với đếm lại; --repair để ghi lại số đếm."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="ghi lại số liệu đếm lại")
        parser.add_argument("--org", help="chỉ kiểm tra cây tổ chức có mã này")

    def handle(self, *args, **options) -> None:
        root = None
        if options["org"]:
            root = Organization.objects.filter(code=options["org"]).first()
            if root is None:
                raise CommandError(f"Không có tổ chức mã «{options['org']}».")
        found = membership_summary_differences(root)
        codes = dict(
            Organization.objects.filter(
                pk__in={d.organization_id for d in found[:SHOWN]}
            ).values_list("pk", "code")
        )
        for d in found[:SHOWN]:
            stored = "(chưa có)" if d.stored is None else d.stored
            self.stdout.write(
                f"{codes[d.organization_id]}\t{d.column}\tđang lưu {stored}\tđếm lại {d.counted}"
            )
        rows = len({d.organization_id for d in found})
        if found and options["repair"]:
            done = membership_summary_rebuild(root)
            self.stdout.write(
                f"{len(found)} số liệu sai ở {rows} tổ chức; đã ghi lại {done.changed} tổ chức "
                f"trong {done.seconds:.1f} giây."
            )
        elif found:
            raise CommandError(
                f"{len(found)} số liệu sai ở {rows} tổ chức (chạy lại với --repair để sửa).",
                returncode=1,
            )
        else:
            self.stdout.write("Số liệu của các tổ chức khớp với đếm lại.")
