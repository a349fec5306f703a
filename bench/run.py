"""`make bench`: seed a fresh PostgreSQL database and measure the hot reads
beside the equivalent raw SQL on the same data, in the same run.

Writes BENCHMARKS.md (machine, date, p50/p95, ratio to raw SQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]


def _recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _timings(fn, repeat: int) -> list[float]:
    fn()  # warm-up: plans and caches, as in a running server
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _load() -> float | None:
    """The machine's load average over the last minute (None where unknown)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def _vacuum() -> dict:
    """`VACUUM (ANALYZE)` of the whole database after the bench's own writes (a
    month of dues computed and closed, a grading year opened and graded, the
    data-quality summary), before the report and the reads are timed: what
    autovacuum does on a server where it is on. On this machine's PostgreSQL
    it is off (`SHOW autovacuum`), and until vacuumed every scan reads the dead
    rows of those writes. {"autovacuum": the server's setting, "seconds"}."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        setting = cursor.fetchone()[0]
        began = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
    return {"autovacuum": setting, "seconds": time.perf_counter() - began}


def _timings_interleaved(ours, theirs, repeat: int) -> tuple[list[float], list[float]]:
    """Both forms called in turn, after one warm-up call each, so that a change in
    the machine's load during the run weighs on both alike."""
    ours()
    theirs()
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for fn, out in ((ours, a), (theirs, b)):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return a, b


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def _api_load(
    database_url: str,
    province_id: int,
    requests: int = 2000,
    clients: int = 20,
    workers: int = 3,
    threads: int = 4,
):
    """The API's member list under `clients` concurrent clients: gunicorn serving
    on 127.0.0.1, ApacheBench (Debian's apache2-utils) as the load tool."""
    import json
    import shutil
    import socket
    import urllib.request

    from django.contrib.auth import get_user_model

    from dangvien.accounts.models import Role, RoleGrant

    if not shutil.which("ab"):
        return None
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-api")
    user.set_password("bench-Api-2026!")
    user.save()
    RoleGrant.objects.get_or_create(
        user=user,
        role=Role.ORGANISATION_BOARD,
        organization_id=province_id,
        defaults={"valid_from": dt.date(2020, 1, 1)},
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_FAILURE_LIMIT": "1000",
        "CONN_MAX_AGE": "60",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dangvien.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/openapi.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        request = urllib.request.Request(
            f"{base}/auth/token",
            method="POST",
            headers={"Content-Type": "application/json"},
            data=json.dumps({"username": "bench-api", "password": "bench-Api-2026!"}).encode(),
        )
        token = json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]
        out = subprocess.run(
            [
                "ab",
                "-q",
                "-n",
                str(requests),
                "-c",
                str(clients),
                "-H",
                f"Authorization: Bearer {token}",
                f"{base}/members?org={province_id}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)

    def number(label):
        for line in out.splitlines():
            if line.strip().startswith(label):
                return line.split(":", 1)[1].split()[0] if ":" in line else line.split()[1]
        return "0"

    p95 = next(
        (line.split()[1] for line in out.splitlines() if line.strip().startswith("95%")), "?"
    )
    p50 = next(
        (line.split()[1] for line in out.splitlines() if line.strip().startswith("50%")), "?"
    )
    return {
        "requests": requests,
        "clients": clients,
        "rps": number("Requests per second"),
        "failed": number("Failed requests"),
        "non2xx": number("Non-2xx responses"),
        "p50": p50,
        "p95": p95,
    }


def _open_cases_reads(province, cell, raw):
    """Seed open cases in bulk (one member in ten has a case, a third of them closed,
    due dates spread over three months either side of today), then read the
    secretary's «việc cần làm» page for the province and for one cell."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from dangvien.accounts.scope import Scope
    from dangvien.compliance.selectors import CaseFilter, open_cases_page
    from dangvien.members.models import Member

    content_type = ContentType.objects.get_for_model(Member).pk
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO compliance_case (kind, content_type_id, object_id, slot, subject, "
            "member_id, organization_id, org_path, step, detail, acting_body, "
            "acting_organization_id, acting_path, due_date, opened_on, closed_on, updated_at) "
            "SELECT (ARRAY['admission','recognition','transfer','exemption','working_away',"
            "'residence','removal'])[1 + m.id %% 7], %s, m.id, '', "
            "m.family_name || ' ' || m.given_name, m.id, m.organization_id, m.org_path, "
            "'step', '', 'cell', m.organization_id, m.org_path, "
            "CASE WHEN m.id %% 11 = 0 THEN NULL ELSE CURRENT_DATE + ((m.id * 37) %% 181 - 90)::int END, "
            "CURRENT_DATE, "
            "CASE WHEN m.id %% 3 = 0 THEN CURRENT_DATE END, now() "
            "FROM members_member m WHERE m.id %% 10 = 0",
            [content_type],
        )
        cursor.execute("ANALYZE compliance_case")
        cursor.execute(
            "SELECT count(*) FROM compliance_case WHERE closed_on IS NULL AND org_path LIKE %s",
            [province.path + "%"],
        )
        open_in_province = cursor.fetchone()[0]
    print(f"open cases in {province.name}: {open_in_province:,}")
    board = Scope(everything=False, paths=(province.path,), member_id=None)
    secretary = Scope(everything=False, paths=(cell.path,), member_id=None)
    sql = (
        "SELECT c.id, c.kind, c.subject, c.member_id, c.object_id, o.id, o.name, c.step, "
        "c.detail, c.acting_body, a.id, a.name, c.due_date FROM compliance_case c "
        "JOIN organizations_organization o ON o.id = c.organization_id "
        "LEFT JOIN organizations_organization a ON a.id = c.acting_organization_id "
        "WHERE c.closed_on IS NULL AND c.org_path LIKE %s "
        "ORDER BY c.due_date ASC NULLS LAST, c.id LIMIT 51"
    )
    return [
        (
            f"Việc cần làm: {province.name} ({open_in_province:,} việc mở) — ban tổ chức",
            lambda: open_cases_page(board, CaseFilter(organization=province)),
            raw(sql, [province.path + "%"]),
        ),
        (
            f"Việc cần làm: {cell.name} — bí thư chi bộ",
            lambda: open_cases_page(secretary, CaseFilter(organization=cell)),
            raw(sql, [cell.path + "%"]),
        ),
    ]


def _meeting_reads(province, commune, raw):
    """The superior committee's month overview of its cells (a commune committee,
    a province) for last month, and the name-deletion candidates from attendance
    (regular meetings missed without reason) for a province, this year's
    meetings: through the selectors the pages use, and as raw SQL."""
    from dangvien.meetings import selectors as meetings
    from dangvien.meetings.models import REGULAR_KINDS
    from dangvien.meetings.rules import MISSED_MEETINGS_LIMIT
    from dangvien.seeding.meetings import year_months

    last_month = year_months(dt.date.today())[-1]
    year = last_month.year
    regular = tuple(str(k) for k in REGULAR_KINDS)
    cells_sql = (
        "SELECT o.id, o.name FROM organizations_organization o "
        "WHERE o.path LIKE %s AND o.level = 'cell' "
        "AND (o.valid_to IS NULL OR o.valid_to >= %s) ORDER BY o.path"
    )
    meetings_sql = (
        "SELECT m.id, m.cell_id, m.status, m.held_on, m.planned_on, m.scheduled_on, "
        "m.duration_minutes, m.flags, "
        "COUNT(a.id) FILTER (WHERE a.expected), "
        "COUNT(a.id) FILTER (WHERE a.expected AND a.presence = 'present') "
        "FROM meetings_meeting m JOIN organizations_organization o ON o.id = m.cell_id "
        "LEFT JOIN meetings_attendance a ON a.meeting_id = m.id "
        "WHERE o.path LIKE %s AND m.month = %s AND m.kind IN (%s, %s) GROUP BY m.id"
    )

    def overview_raw(org):
        cells = raw(cells_sql, [org.path + "%", last_month])
        rows = raw(meetings_sql, [org.path + "%", last_month, *regular])
        return lambda: (cells(), rows())

    deletion_sql = (
        "SELECT c.member_id, mb.family_name, mb.middle_name, mb.given_name, c.cell_id, "
        "o.name, c.months FROM ("
        " SELECT a.member_id, m.cell_id, COUNT(DISTINCT m.month) AS months"
        " FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id"
        " JOIN organizations_organization o ON o.id = m.cell_id"
        " WHERE o.path LIKE %s AND m.kind IN (%s, %s) AND m.status = 'held'"
        " AND m.month BETWEEN %s AND %s AND a.expected AND a.presence = 'unexcused'"
        " GROUP BY a.member_id, m.cell_id HAVING COUNT(DISTINCT m.month) >= %s) c "
        "JOIN members_member mb ON mb.id = c.member_id "
        "JOIN organizations_organization o ON o.id = c.cell_id "
        "WHERE mb.status IN ('official', 'probationary') ORDER BY c.months DESC, c.member_id"
    )
    limit = MISSED_MEETINGS_LIMIT.on(dt.date(year, 12, 31))
    found = len(meetings.name_deletion_candidates(province, year))
    cells = len(meetings.month_overview(province, last_month))
    print(f"meetings: {cells:,} cells in {province.name}; {found} name-deletion candidates")
    return [
        (
            f"Tổng hợp sinh hoạt tháng {last_month:%m/%Y}: {commune.name}",
            lambda: meetings.month_overview(commune, last_month),
            overview_raw(commune),
        ),
        (
            f"Tổng hợp sinh hoạt tháng {last_month:%m/%Y}: {province.name} ({cells:,} chi bộ)",
            lambda: meetings.month_overview(province, last_month),
            overview_raw(province),
        ),
        (
            f"Đề nghị xóa tên do bỏ sinh hoạt, năm {year}: {province.name} ({found} đảng viên)",
            lambda: meetings.name_deletion_candidates(province, year),
            raw(
                deletion_sql,
                [
                    province.path + "%",
                    *regular,
                    dt.date(year, 1, 1),
                    dt.date(year, 12, 1),
                    limit,
                ],
            ),
        ),
    ]


def _dues_close(province) -> dict:
    """Computing and closing the last finished month for the province, timed
    once each way on the same data: ours (dues.services.month_compute, then
    month_close: the services the pages and `dangvien dues_month` call) and
    the COPY-based equivalent (the same rows, amounts computed beforehand and
    not timed, written with COPY, the close as set-based SQL). The month's rows
    the seeding wrote are deleted first; payments in between, not timed."""
    from django.db import connection, transaction

    from dangvien.core.actors import SYSTEM
    from dangvien.dues import selectors as dues_selectors
    from dangvien.dues import services as dues
    from dangvien.seeding import dues as dues_seed

    today = dt.date.today()
    month = dues_seed.last_finished_month(today)

    def clear():
        with connection.cursor() as cursor:
            for table in ("dues_duespayment", "dues_duesmonthclose", "dues_duesledger"):
                cursor.execute(f"DELETE FROM {table} WHERE month = %s", [month])  # noqa: S608
            cursor.execute("ANALYZE dues_duesledger")

    clear()
    payers = dues_selectors.payers_of_month(province, month)
    owed, _missing = dues._owed_rows(payers, month)
    with transaction.atomic():
        start = time.perf_counter()
        rows = dues_seed.ledger_copy(payers, month, owed)
        raw_write = time.perf_counter() - start
        dues_seed.payments_bulk(province, month, today=today)
        start = time.perf_counter()
        dues_seed.close_bulk(province, month, today=today)
        raw_close = time.perf_counter() - start
    clear()
    with transaction.atomic():
        start = time.perf_counter()
        computed = dues.month_compute(actor=SYSTEM, organization=province, month=month)
        compute = time.perf_counter() - start
        dues_seed.payments_bulk(province, month, today=today)
        start = time.perf_counter()
        closed = dues.month_close(actor=SYSTEM, organization=province, month=month)
        close = time.perf_counter() - start
    print(
        f"dues {month:%m/%Y} {province.name}: compute {compute:.1f}s, close {close:.1f}s "
        f"({computed.created:,} rows, {closed.cells:,} cells); "
        f"COPY {raw_write:.1f}s, SQL close {raw_close:.1f}s"
    )
    return {
        "month": month,
        "rows": rows,
        "cells": closed.cells,
        "compute": compute,
        "close": close,
        "raw_write": raw_write,
        "raw_close": raw_close,
    }


def _dues_reads(province, raw):
    """The province's arrears list and name-deletion candidates for dues, this
    year (dues.selectors, what the arrears page reads), beside raw SQL."""
    from dangvien.dues import selectors as dues_selectors
    from dangvien.dues.rules import UNPAID_MONTHS_LIMIT

    today = dt.date.today()
    year = (today.replace(day=1) - dt.timedelta(days=1)).year
    first, current = dt.date(year, 1, 1), today.replace(day=1)
    arrears_sql = (
        "SELECT l.member_id, mb.family_name, mb.middle_name, mb.given_name, mb.sort_key, "
        "l.month, l.status, l.amount_due, l.amount_paid FROM dues_duesledger l "
        "JOIN organizations_organization o ON o.id = l.organization_id "
        "JOIN members_member mb ON mb.id = l.member_id "
        "WHERE o.path LIKE %s AND l.month >= %s AND l.month < %s "
        "AND l.month <= %s AND l.status IN ('unpaid', 'unpaid_excused', 'due') "
        "ORDER BY l.member_id, l.month"
    )
    deletion_sql = (
        "SELECT c.member_id, mb.family_name, mb.middle_name, mb.given_name, c.months, c.owed "
        "FROM (SELECT l.member_id, COUNT(*) AS months, SUM(l.amount_due - l.amount_paid) AS owed"
        " FROM dues_duesledger l JOIN organizations_organization o ON o.id = l.organization_id"
        " WHERE o.path LIKE %s AND l.month >= %s AND l.month < %s AND l.month <= %s"
        " AND l.status = 'unpaid' GROUP BY l.member_id HAVING COUNT(*) >= %s) c "
        "JOIN members_member mb ON mb.id = c.member_id ORDER BY c.months DESC, mb.sort_key"
    )
    last = dt.date(year, 12, 1)
    found = len(dues_selectors.arrears(province, year, today=today))
    candidates = len(dues_selectors.name_deletion_candidates(province, year, today=today))
    print(f"dues arrears {year}: {found:,} members, {candidates:,} name-deletion candidates")
    params = [province.path + "%", first, current, last]
    return [
        (
            f"Nợ đảng phí năm {year}: {province.name} ({found:,} đảng viên)",
            lambda: dues_selectors.arrears(province, year, today=today),
            raw(arrears_sql, params),
        ),
        (
            f"Đề nghị xóa tên do không đóng đảng phí, năm {year}: {province.name} "
            f"({candidates:,} đảng viên)",
            lambda: dues_selectors.name_deletion_candidates(province, year, today=today),
            raw(deletion_sql, [*params, UNPAID_MONTHS_LIMIT.on(current)]),
        ),
    ]


def _year_end(province) -> dict:
    """Closing the 2025 grading year for the province (issue 12: cap checks and
    statistics, target < 30 s): the year graded in bulk first
    (grading.bench.prepare_year), then `close_year` (the selectors the pages
    read) and its hand-written SQL twin, once each; and the shares table as a
    read (p95 < 500 ms)."""
    from dangvien.grading import bench as grading_bench

    year = 2025
    started = time.perf_counter()
    campaign = grading_bench.open_year(province, year)
    opened = time.perf_counter() - started
    started = time.perf_counter()
    grading_bench.grade_in_bulk(campaign)
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    ours = grading_bench.close_year(province, year)
    close = time.perf_counter() - started
    started = time.perf_counter()
    grading_bench.close_year_sql(province, year)
    close_sql = time.perf_counter() - started
    print(
        f"grading {year} {province.name}: opened {opened:.1f}s, graded in bulk {prepared:.1f}s; "
        f"close {close:.2f}s "
        f"(SQL {close_sql:.2f}s); {ours.total.graded:,} members graded"
    )
    cases = [
        (
            f"Bảng tỷ lệ xếp loại đảng viên năm {year}: {province.name}",
            lambda: grading_bench.shares_table(province, year),
            lambda: grading_bench.shares_table_sql(province, year),
        )
    ]
    return {
        "cases": cases,
        "close": close,
        "close_sql": close_sql,
        "prepared": prepared,
        "opened": opened,
        "reviews": ours.total.graded,
    }


def _badge_reads(raw):
    """The badge list for the next award date over the whole seeded population
    (issue 12: < 2 s at 5.6 million members, measured by hand at that size)."""
    from dangvien.badges import bench as badges_bench

    return badges_bench.bench_cases(raw)


def _data_in_out(province, raw) -> dict:
    """Issue 13: the list book of the province exported once; the data-quality
    summary recounted once over the whole tree, then the province's console read
    from it (p95 < 1 s) against the raw SELECT of the same summary rows."""
    import tempfile

    from dangvien.accounts.scope import Scope
    from dangvien.exports import services as exports
    from dangvien.quality import selectors as quality
    from dangvien.quality import services as quality_services

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        started = time.perf_counter()
        book = exports.export_list(actor=None, org=province, out=out.name)
        book_seconds = time.perf_counter() - started
        book_mb = Path(out.name).stat().st_size / 1_048_576
    refreshed = quality_services.quality_summary_refresh()
    everything = Scope(everything=True, paths=(), member_id=None)
    ids = [province.pk, *(child.pk for child in quality.children_of(province))]
    placeholders = ", ".join(["%s"] * len(ids))
    cases = [
        (
            f"Bảng chất lượng dữ liệu: {province.name}",
            lambda: quality.quality_console(everything, province, dt.date.today()),
            raw(
                "SELECT organization_id, check_code, count, computed_at "  # noqa: S608
                f"FROM quality_qualitysummary WHERE organization_id IN ({placeholders})",
                ids,
            ),
        )
    ]
    return {
        "book_rows": book.rows,
        "book_seconds": book_seconds,
        "book_mb": book_mb,
        "summary": refreshed,
        "cases": cases,
    }


def _import_bench(database_url: str, rows: int) -> dict | None:
    """The import of a generated sheet (dangvien.imports.bench) in its own
    process, so that its peak memory is its own; None when it fails."""
    import json

    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "dangvien.imports.bench", "--rows", str(rows)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if done.returncode != 0:
        print(done.stderr[-2000:])
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def first_of(level: str, under=None):
    """The first organisation of `level` in path order (under `under`, if given)."""
    from dangvien.organizations.models import Organization

    orgs = Organization.objects.filter(level=level)
    if under is not None:
        orgs = orgs.filter(path__startswith=under.path)
    return orgs.order_by("path")[:1].get()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (CI smoke run)")
    args = parser.parse_args(argv)

    _recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dangvien.accounts.scope import Scope
    from dangvien.members import selectors
    from dangvien.members.models import ACTIVE_STATUSES
    from dangvien.organizations.models import Level
    from dangvien.seeding import generate, services

    call_command("migrate", verbosity=0)
    result = services.seed(generate.Plan(members=args.members, seed=args.seed))
    print(
        f"seeded {result.members} members in {result.seconds:.1f}s "
        f"({result.members_per_second:,.0f}/s)"
    )
    year = result.meetings
    if year is not None:
        print(
            f"seeded {year.meetings:,} meetings, {year.attendances:,} attendance rows, "
            f"{year.tasks:,} tasks in {year.seconds:.1f}s"
        )

    dues_seeded = result.dues
    if dues_seeded is not None:
        print(
            f"seeded {dues_seeded.ledger_rows:,} dues ledger rows, {dues_seeded.payments:,} "
            f"payments, {dues_seeded.closes:,} month closes in {dues_seeded.seconds:.1f}s"
        )

    everything = Scope(everything=True, paths=(), member_id=None)
    province = first_of(Level.PROVINCIAL)
    commune = first_of(Level.SUPERIOR, under=province)
    cell = first_of(Level.CELL, under=commune)
    # The cost of scoping: the same cell's list as its secretary (scope = the cell)
    # and as the administrator (everything, with the cell as a filter).
    secretary = Scope(
        everything=False, paths=(cell.path,), member_id=None, write_paths=(cell.path,)
    )
    repeat = 15 if args.quick else 200
    active = tuple(str(s) for s in ACTIVE_STATUSES)

    def raw(sql: str, params: list):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return run

    columns = (
        "m.id, m.family_name, m.middle_name, m.given_name, m.gender, m.birth_date, "
        "m.joining_date, m.status, m.is_exempt, m.sort_key, m.organization_id, o.id, o.name"
    )

    def list_sql(org):
        flt = selectors.MemberFilter(organization=org)
        order = "m.sort_key, m.id"
        if selectors._gather_then_sort(everything, flt):
            order = "(m.sort_key || ''::bytea), m.id"
        return (
            f"SELECT {columns} FROM members_member m "
            "JOIN organizations_organization o ON o.id = m.organization_id "
            f"WHERE m.org_path LIKE %s AND m.status IN (%s, %s) ORDER BY {order} LIMIT 51"
        )

    def orm_list(org):
        return lambda: selectors.members_page(everything, selectors.MemberFilter(organization=org))

    def orm_search(q):
        return lambda: selectors.members_page(everything, selectors.MemberFilter(q=q))

    def raw_search(q, *, naive=False):
        tokens = q.split()
        gather = selectors._gather_then_sort(everything, selectors.MemberFilter(q=q))
        order = "(m.sort_key || ''::bytea), m.id" if gather and not naive else "m.sort_key, m.id"
        where = " AND ".join(["m.search_name LIKE %s"] * len(tokens))
        sql = (
            f"SELECT {columns} FROM members_member m "
            "JOIN organizations_organization o ON o.id = m.organization_id "
            f"WHERE m.status IN (%s, %s) AND {where} ORDER BY {order} LIMIT 51"
        )
        return raw(sql, [*active, *[f"%{t}%" for t in tokens]])

    def orm_count(org):
        return lambda: selectors.members_filtered(
            everything, selectors.MemberFilter(organization=org)
        ).count()

    cases = [
        (
            "Tìm kiếm «nguyen van thuoc»",
            orm_search("nguyen van thuoc"),
            raw_search("nguyen van thuoc"),
        ),
        ("Tìm kiếm «thuoc»", orm_search("thuoc"), raw_search("thuoc")),
        ("Tìm kiếm «tran thi hoa»", orm_search("tran thi hoa"), raw_search("tran thi hoa")),
        (
            f"Trang đầu danh sách: {province.name} (cả cây)",
            orm_list(province),
            raw(list_sql(province), [province.path + "%", *active]),
        ),
        (
            f"Trang đầu danh sách: {commune.name}",
            orm_list(commune),
            raw(list_sql(commune), [commune.path + "%", *active]),
        ),
        (
            f"Đếm đảng viên: {province.name}",
            orm_count(province),
            raw(
                "SELECT count(*) FROM members_member WHERE org_path LIKE %s AND status IN (%s, %s)",
                [province.path + "%", *active],
            ),
        ),
    ]
    naive = _timings(raw_search("thuoc", naive=True), max(5, repeat // 10))
    cases += [
        (
            f"Danh sách chi bộ ({cell.name}) — bí thư chi bộ",
            lambda: selectors.members_page(secretary, selectors.MemberFilter()),
            raw(
                list_sql(cell).replace("WHERE ", "WHERE m.org_path LIKE %s AND ", 1),
                [cell.path + "%", cell.path + "%", *active],
            ),
        ),
        (
            f"Danh sách chi bộ ({cell.name}) — quản trị",
            orm_list(cell),
            raw(list_sql(cell), [cell.path + "%", *active]),
        ),
    ]
    cases += _open_cases_reads(province, cell, raw)
    cases += _meeting_reads(province, commune, raw)
    dues_close = _dues_close(province) if dues_seeded is not None else None
    if dues_seeded is not None:
        cases += _dues_reads(province, raw)
    year_end = _year_end(province)
    cases += year_end["cases"]
    cases += _badge_reads(raw)
    data_io = _data_in_out(province, raw)
    cases += data_io["cases"]
    vacuumed = _vacuum()
    print(f"vacuumed after the bench's writes: {vacuumed}")
    from dangvien.reports import bench as reports_bench

    report_fresh = reports_bench.fresh(province, runs=1 if args.quick else 3)
    print(f"report computed fresh: {report_fresh}")
    cases += reports_bench.bench_cases(province, raw)
    rows = []
    loads: list[float] = []
    for label, ours, theirs in cases:
        a, b = _timings_interleaved(ours, theirs, repeat)
        load_now = _load()
        if load_now is not None:
            loads.append(load_now)
        rows.append((label, _p(a, 0.5), _p(a, 0.95), _p(b, 0.5), _p(b, 0.95)))
        print(
            f"{label}: p50 {_p(a, 0.5):.1f} ms, p95 {_p(a, 0.95):.1f} ms; "
            f"raw p95 {_p(b, 0.95):.1f} ms"
        )

    imported = _import_bench(args.database_url, 2_000 if args.quick else 100_000)
    if imported:
        print(f"import: {imported}")
    load = None if args.quick else _api_load(args.database_url, province.pk)
    if load:
        print(f"API under load: {load}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    machine = _machine()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    lines = [
        "# Benchmarks",
        "",
        "Made by `make bench` (bench/run.py): a fresh PostgreSQL database is seeded with "
        "`dangvien seed`, then each read runs through our selectors (the code the pages "
        "and the API use: the member list as one SQL statement returning plain rows, the "
        "count through the Django ORM) and, in the same run on the same data, as the "
        "equivalent raw SQL through the same connection. Times are wall-clock per call "
        f"after one warm-up call, {repeat} calls each, ours and raw SQL in turn.",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%d/%m/%Y %H:%M')} UTC "
        f"(commit {commit or '?'})",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}; "
        f"{machine['os']}",
        f"- PostgreSQL {pg_version}, Python {machine['python']}",
        f"- Data: {result.members:,} members, {result.events:,} events, "
        f"{result.organizations:,} organisations ({result.cells:,} cells), seed {args.seed}",
        "",
        "## Seeding (bulk path: COPY)",
        "",
        "| members | seconds | members per second | target |",
        "|---:|---:|---:|---|",
        f"| {result.members:,} | {result.seconds:.1f} | {result.members_per_second:,.0f} | "
        "≥ 20,000/s |",
        "",
        "The time covers generating the rows in Python, COPY into PostgreSQL (parallel "
        "loader processes), re-creating the indexes and validating the foreign keys, and "
        "ANALYZE.",
        "",
    ]
    if year is not None:
        lines += [
            "### A year of cell meetings (seeding.meetings), timed on its own",
            "",
            "| cells | meetings | attendance rows | tasks | seconds | attendance rows per second |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {year.schedules:,} | {year.meetings:,} | {year.attendances:,} | {year.tasks:,} | "
            f"{year.seconds:.1f} | {year.attendances / year.seconds if year.seconds else 0:,.0f} |",
            "",
            "Schedules, meetings and guests generated in Python and written with COPY; "
            "the attendance (the roll of each meeting day from the event log, as "
            "`cell_roll_on` reads it) and the tasks as INSERT ... SELECT in the database "
            "with the attendance indexes set aside; the history baseline of every row; "
            "the open cases of this month's meetings; ANALYZE.",
            "",
        ]
    if dues_seeded is not None and dues_seeded.months:
        d = dues_seeded
        lines += [
            "### Party dues (seeding.dues), timed on its own",
            "",
            "| months | profiles | ledger rows | payments | month closes | seconds | "
            "ledger rows per second |",
            "|---|---:|---:|---:|---:|---:|---:|",
            f"| {d.months[0]:%m/%Y}–{d.months[-1]:%m/%Y} | {d.profiles:,} | "
            f"{d.ledger_rows:,} | {d.payments:,} | {d.closes:,} | {d.seconds:.1f} | "
            f"{d.ledger_rows / d.seconds if d.seconds else 0:,.0f} |",
            "",
            "Profiles from the occupations (one INSERT ... SELECT); each month's amounts "
            "by `rules.amount_owed` through the services' own computation, rows written "
            "with COPY; payments and the month closes as set-based SQL; the arrears "
            "notices through `dues.arrears`; ANALYZE.",
            "",
        ]
    lines += [
        f"## Closing the grading year 2025: {province.name} (seconds)",
        "",
        "| step | ours | hand-written SQL | target |",
        "|---|---:|---:|---|",
        f"| close (cap checks and statistics) | {year_end['close']:.2f} | "
        f"{year_end['close_sql']:.2f} | < 30 s |",
        "",
        f"| open the campaign ({year_end['reviews']:,} reviews, proposals, decisions, "
        f"organisations' gradings, open cases) | {year_end['opened']:.1f} | — | — |",
        f"| grade in bulk (bench data, not a user path) | {year_end['prepared']:.1f} | — | — |",
        "",
        "Opening is `grading.services.campaign_open` (what the page calls); the year "
        "is then graded in bulk with the shares of seed 001 by "
        "`grading.demo.grade_campaign_in_bulk` (set-based UPDATEs, history by "
        "INSERT ... SELECT). Ours is `grading.bench.close_year`: the "
        "cap on excellent per grassroots organisation, the results table, the "
        "organisations' grades, the campaign closed.",
        "",
    ]
    if dues_close is not None:
        c = dues_close
        lines += [
            f"## Computing and closing a month of dues: {province.name}, "
            f"{c['month']:%m/%Y} (seconds)",
            "",
            "| step | ours | COPY / set-based SQL | target |",
            "|---|---:|---:|---|",
            f"| compute ({c['rows']:,} ledger rows) | {c['compute']:.1f} | "
            f"{c['raw_write']:.1f} | — |",
            f"| close ({c['cells']:,} cells) | {c['close']:.1f} | {c['raw_close']:.1f} | — |",
            f"| both | {c['compute'] + c['close']:.1f} | {c['raw_write'] + c['raw_close']:.1f} "
            "| < 30 s |",
            "",
            "Ours: `dues.services.month_compute` then `month_close` for the province "
            "(the members paying there that month from the event log, each amount by the "
            "rules of the month, bulk insert; the close re-reads the ledger, adds any "
            "member missing, sets the unpaid rows, closes them, writes a close per cell "
            "and opens the arrears notices). The equivalent writes the same rows with "
            "COPY (the amounts computed beforehand, not timed) and closes with three SQL "
            "statements. Timed once each, in one run, after the seeded month was deleted.",
            "",
        ]
    if imported:
        i = imported
        lines += [
            f"## Importing a member list: {i['rows']:,} generated rows into {i['province']}",
            "",
            "| step | seconds | rows per second | target |",
            "|---|---:|---:|---|",
            f"| read the .xlsx ({i['file_mb']} MB, python-calamine) | {i['read_s']} | — | — |",
            f"| check (the dry run: every rule, duplicates, lookups) | {i['check_s']} | "
            f"{i['check_rows_per_s']:,} | ≥ 20,000 rows/s |",
            f"| import (check again, then write records, events, history) | {i['import_s']} | "
            f"{i['import_rows_per_s']:,} | — |",
            f"| raw COPY of the same member rows | {i['copy_s']} | — | — |",
            "",
            f"Import / COPY: {i['ratio']}×. Peak memory of the importing process: "
            f"{i['peak_mb']} MB (target < 1 GB), the generated sheet included. "
            "`python -m dangvien.imports.bench` in its own process; the import and the "
            "COPY are rolled back.",
            "",
        ]
    summary = data_io["summary"]
    lines += [
        f"## Exports and the data-quality summary: {province.name}",
        "",
        f"- The list book (sổ danh sách đảng viên, 7-HSĐV) of the province: "
        f"{data_io['book_rows']:,} members in {data_io['book_seconds']:.1f} s, "
        f"{data_io['book_mb']:.1f} MB (`exports.services.export_list`, xlsxwriter in "
        "constant memory).",
        f"- The data-quality summary recounted over the whole tree: "
        f"{summary.organizations:,} organisations, {summary.rows:,} rows in "
        f"{summary.seconds:.1f} s (`quality.services.quality_summary_refresh`, what the job "
        "queue runs every 10 minutes); the console then reads it (below).",
        "",
    ]
    lines += [
        f"## A quarterly report computed from the events: {province.name}",
        "",
        f"- {report_fresh['period']}: {report_fresh['members']:,} members on the end list; "
        f"computed from the events in {report_fresh['min']:.1f}–{report_fresh['max']:.1f} s "
        f"(`reports.services.report_result(refresh=True)` as the job queue runs it, target "
        f"< 5 s; the work of the period, meetings, dues, discipline and grading, read beside "
        f"the lists, takes {report_fresh['work_min']:.1f} s alone), "
        f"kept as "
        f"{report_fresh['kb']:,.0f} KB; read back kept below (target < 200 ms).",
        f"- Before the report and the reads: `VACUUM (ANALYZE)` of the database after the "
        f"bench's own writes above, {vacuumed['seconds']:.1f} s (autovacuum is "
        f"{vacuumed['autovacuum']} on this server; where it is on, it does the same).",
        "",
    ]
    load_text = (
        f"Load average (1 min) during the reads: {min(loads):.1f} to {max(loads):.1f} on "
        f"{os.cpu_count()} cores."
        if loads
        else "Load average: unknown on this system."
    )
    lines += [
        "## Reads (milliseconds)",
        "",
        "Each read is called in turn with its raw SQL (ours, raw, ours, raw, ...) on the "
        f"same connection, so a change in load weighs on both. {load_text}",
        "",
        "| read | ours p50 | ours p95 | raw SQL p50 | raw SQL p95 | ratio p95 | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, a50, a95, b50, b95 in rows:
        target = "p95 < 100 ms, ≤ 2× raw" if not label.startswith("Đếm") else "—"
        if label.startswith("Việc cần làm"):
            target = "p95 < 300 ms"
        elif label.startswith("Tổng hợp sinh hoạt"):
            target = "p95 < 1 s" if province.name in label else "p95 < 200 ms"
        elif label.startswith("Nợ đảng phí") or label.startswith("Đề nghị xóa tên do không đóng"):
            target = "p95 < 300 ms"
        elif label.startswith("Đề nghị xóa tên"):
            target = "—"
        elif label.startswith("Bảng chất lượng dữ liệu"):
            target = "p95 < 1 s"
        elif label.startswith("Báo cáo quý") or label.startswith("Danh sách sau một số liệu"):
            target = "p95 < 200 ms"
        elif label.startswith("Tổng quan"):
            target = "p95 < 100 ms"
        elif label.startswith("Kiểm soát"):
            target = "p95 < 500 ms"
        lines.append(
            f"| {label} | {a50:.1f} | {a95:.1f} | {b50:.1f} | {b95:.1f} | "
            f"{a95 / b95 if b95 else 0:.2f}× | {target} |"
        )
    if load:
        lines += [
            "",
            f"## API member list under load ({load['clients']} concurrent clients)",
            "",
            f"`GET /api/v1/members?org=<{province.name}>` with a bearer token, served by "
            "gunicorn (3 workers × 4 threads) on 127.0.0.1, driven by ApacheBench "
            f"(`ab -n {load['requests']} -c {load['clients']}`) on the same 2-core machine.",
            "",
            "| requests | requests/s | p50 | p95 | failed | non-2xx | target |",
            "|---:|---:|---:|---:|---:|---:|---|",
            f"| {load['requests']} | {load['rps']} | {load['p50']} ms | {load['p95']} ms | "
            f"{load['failed']} | {load['non2xx']} | no errors, p95 < 200 ms |",
        ]
    lines += [
        "",
        "Raw SQL is the statement our code sends, written by hand: the list columns, the "
        "same join, the same order. For a search word that is not a common family or "
        "middle name, and for a subtree below the province, both order by "
        "`(sort_key || ''::bytea)` so that PostgreSQL gathers the matches through an "
        "index (trigram, or the path) and sorts them. The naive form "
        "(`ORDER BY sort_key`) lets the planner walk the name-order index instead, which "
        f"for «thuoc» took p50 {_p(naive, 0.5):.0f} ms, p95 {_p(naive, 0.95):.0f} ms in this "
        "run: people named Thước sort near the end.",
        "",
    ]
    text = "\n".join(lines)
    # Notes kept by hand below the marker (e.g. a national-size seeding run) survive.
    marker = "<!-- notes kept by make bench -->"
    previous = Path(args.output).read_text(encoding="utf-8") if Path(args.output).is_file() else ""
    if marker in previous:
        text += "\n" + marker + previous.split(marker, 1)[1]
    if args.output != "/dev/null":
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    connection.close()
    _drop = urlparse(args.database_url).path.lstrip("/")
    import psycopg

    admin = urlparse(args.database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_drop}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
