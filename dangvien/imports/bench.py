"""The import's benchmark (issue 13, "Measured"): a generated list of 100,000
clean rows into a province, read, checked (the dry run) and imported, timed
against a raw COPY of the same member rows; the process's peak memory.

Run on its own process so that the peak memory is the import's:

    DATABASE_URL=postgres://... python -m dangvien.imports.bench --rows 100000

prints one JSON object (seconds, rows per second, MB). `bench/run.py` runs it
after seeding. The import is rolled back (the database is left as seeded);
so is the COPY.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any


def _free_province_code() -> str:
    """A CCCD province code no seeded member's citizen ID starts with, so the
    generated rows are all new records."""
    from django.db import connection

    from dangvien.members.rules import CCCD_PROVINCE_CODES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT substr(citizen_id, 1, 3) FROM members_member "
            "WHERE citizen_id IS NOT NULL"
        )
        used = {row[0] for row in cursor.fetchall()}
    return next(code for code in sorted(CCCD_PROVINCE_CODES) if code not in used)


def make_sheet(province: Any, rows: int, path: Path) -> Path:
    """Write `rows` clean rows (sample.bulk_rows) spread over the active cells
    of `province`, named by their codes, as an .xlsx at `path`."""
    from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization

    from . import sample

    cells = tuple(
        Organization.objects.filter(
            path__startswith=province.path,
            level__in=MEMBER_HOLDING_LEVELS,
            valid_to__isnull=True,
        )
        .order_by("path")
        .values_list("code", flat=True)
    )
    code = _free_province_code()
    generated = sample.bulk_rows(rows, cells=cells)
    for row in generated:
        row["cccd"] = code + row["cccd"][3:]
        row["card"] = "9" + row["card"][1:]
    return sample.write_sheet(path, generated, notes=False)


def measure(path: Path, province: Any) -> dict[str, Any]:
    """Read, check and import the sheet at `path` into `province` (rolled
    back), then COPY the same member rows (rolled back). Returns seconds per
    step, rows per second, and the peak memory of this process in MB."""
    from django.db import transaction

    from dangvien.members.models import Member
    from dangvien.places.legacy import current_units
    from dangvien.seeding import writer

    from . import parsing, reading, services

    # The place tables load once per process (about 0.5 s), as in a running
    # worker: not part of the rows' check.
    current_units("Thành phố Hà Nội")
    started = time.perf_counter()
    sheet = reading.read_sheet(path.read_bytes(), path.name)
    read = time.perf_counter() - started
    mapping = parsing.guess_mapping(sheet.headers)

    started = time.perf_counter()
    check, _parsed = services.check_sheet(sheet, mapping=mapping, organization=province)
    checked = time.perf_counter() - started
    if not check.ok:
        raise RuntimeError(f"the generated sheet was refused: {check.errors[:3]}")
    citizen_ids = [r.data["citizen_id"] for r in _parsed]
    del check, _parsed  # the import reads the sheet again: one parse in memory at a time

    with transaction.atomic():
        started = time.perf_counter()
        done = services.import_sheet(sheet, mapping=mapping, organization=province)
        imported = time.perf_counter() - started
        assert done.written and done.created == len(sheet.rows), done.summary()
        # The same member rows, as the import wrote them, for the COPY below.
        fields = writer.model_columns(Member)
        columns = [f.column for f in fields]
        new = _rows_written(columns, citizen_ids)
        transaction.set_rollback(True)

    with transaction.atomic():
        started = time.perf_counter()
        writer.write_rows(Member._meta.db_table, columns, new)
        copied = time.perf_counter() - started
        transaction.set_rollback(True)

    rows = len(sheet.rows)
    return {
        "rows": rows,
        "read_s": round(read, 2),
        "check_s": round(checked, 2),
        "check_rows_per_s": round(rows / checked) if checked else 0,
        "import_s": round(imported, 2),
        "import_rows_per_s": round(rows / imported) if imported else 0,
        "copy_s": round(copied, 2),
        "ratio": round(imported / copied, 1) if copied else 0,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "file_mb": round(path.stat().st_size / 1_048_576, 1),
    }


def _rows_written(columns: list[str], citizen_ids: list[str]) -> list[tuple]:
    """The member rows the import wrote, read back inside its transaction
    (PostgreSQL: the benchmark's database); COPY writes them again, with the
    same ids, after that transaction is rolled back."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM members_member "  # noqa: S608 - model metadata
            "WHERE citizen_id = ANY(%s) ORDER BY id",
            [citizen_ids],
        )
        rows = cursor.fetchall()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sheet", type=Path, help="reuse this generated sheet")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    import django

    django.setup()
    from dangvien.organizations.models import Level, Organization

    province = Organization.objects.filter(level=Level.PROVINCIAL).order_by("path")[:1].get()
    with tempfile.TemporaryDirectory() as folder:
        path = args.sheet or make_sheet(province, args.rows, Path(folder) / "bench.xlsx")
        result = measure(path, province)
    result["province"] = province.name
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
