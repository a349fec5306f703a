"""List the disciplines that lapsed by themselves (R7.3, QĐ 69 Điều 2 khoản 5)
by a day: 12 months after the announcement (or the complaint decision)
without complaint pending or new violation; never an expulsion."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandParser

from dangvien.accounts.scope import Scope
from dangvien.discipline.selectors import lapsed_disciplines


class Command(BaseCommand):
    help = "Liệt kê quyết định kỷ luật đã tự chấm dứt hiệu lực đến một ngày (mặc định hôm nay)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="ngày dd/mm/yyyy (mặc định hôm nay)")

    def handle(self, *args, **options) -> None:
        on = (
            dt.datetime.strptime(options["on"], "%d/%m/%Y").date()
            if options.get("on")
            else dt.date.today()
        )
        rows = lapsed_disciplines(Scope(everything=True, paths=(), member_id=None), on)
        for discipline, day in rows:
            self.stdout.write(
                f"{discipline.pk}\t{discipline.member.full_name}\t"
                f"{discipline.get_form_display()}\t{discipline.decision_number}\t"
                f"chấm dứt hiệu lực {day:%d/%m/%Y}"
            )
        self.stdout.write(f"Tổng số: {len(rows)}")
