"""Audit Member.party_age_start (the day party age counts from, net of gaps,
R1.17-R1.18): recompute it for every member from the events
(services.party_age_starts, rules.party_age) and report the members whose
stored value differs; with --repair, store the recomputed values. Exit status
1 when a difference is found without --repair."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangvien.members.models import Member
from dangvien.members.services import party_age_starts

CHUNK = 5000
SHOWN = 50  # differences listed one by one; the rest only counted


def _day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "(trống)"


class Command(BaseCommand):
    help = (
        "Kiểm tra ngày tính tuổi đảng (đã trừ thời gian gián đoạn) của mọi đảng viên "
        "so với lịch sử sự kiện; --repair để sửa."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="ghi lại giá trị tính từ lịch sử sự kiện"
        )

    def handle(self, *args, **options) -> None:
        repair = options["repair"]
        checked = differing = 0
        last = 0
        while True:
            with transaction.atomic():
                stored = dict(
                    Member.objects.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", "party_age_start")[:CHUNK]
                )
                if not stored:
                    break
                last = max(stored)
                expected = party_age_starts(list(stored))
                wrong = [pk for pk, day in stored.items() if expected[pk] != day]
                for pk in wrong[: max(0, SHOWN - differing)]:
                    self.stdout.write(
                        f"{pk}\tđang ghi {_day(stored[pk])}\ttính lại {_day(expected[pk])}"
                    )
                if repair and wrong:
                    Member.objects.bulk_update(
                        [Member(pk=pk, party_age_start=expected[pk]) for pk in wrong],
                        ["party_age_start"],
                        batch_size=1000,
                    )
            checked += len(stored)
            differing += len(wrong)
        if differing and repair:
            self.stdout.write(f"Đã kiểm tra {checked} đảng viên; đã sửa {differing}.")
        elif differing:
            raise CommandError(
                f"Đã kiểm tra {checked} đảng viên; {differing} sai ngày tính tuổi đảng "
                "(chạy lại với --repair để sửa).",
                returncode=1,
            )
        else:
            self.stdout.write(f"Đã kiểm tra {checked} đảng viên; không có sai lệch.")
