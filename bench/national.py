"""`make bench-national`: the whole party (5.6 million members by default) served
by gunicorn, measured over full HTTP as logged-in users at every level.

Seeds the database when it holds no member (or reuses it: seeding 5.6 million
takes a quarter of an hour), reporting the load's rate and its own CPU share.
Then, for each page, the page over HTTP and the SQL that page ran (captured
from one in-process call of the same view, the same user), run raw on one
connection, are timed in turn (ABAB...), with the load average. Last, the API's
member list under 50 clients (ApacheBench). Writes the section "National
scale" of BENCHMARKS.md (or --output), leaving the rest of the file as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.run import ROOT, _api_load, _load, _machine, _p, _timings_interleaved, first_of

MARK_START = "<!-- national: written by make bench-national -->"
MARK_END = "<!-- /national -->"
PASSWORD = "bench-National-2026!"


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class Browser:
    """A logged-in user over HTTP: the login form, then pages with its cookie."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = self.opener.open(f"{base}/dang-nhap/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert token, "no CSRF token on the login page"
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(
            f"{base}/dang-nhap/", data=data, headers={"Referer": f"{base}/dang-nhap/"}
        )
        page = self.opener.open(request, timeout=30)
        assert "dang-nhap" not in page.geturl(), f"{username} could not log in"

    def get(self, path: str) -> int:
        with self.opener.open(f"{self.base}{path}", timeout=60) as response:
            response.read()
            return response.status


def _users(levels: dict) -> dict[str, str]:
    """One user per level with the role that works there: {level: username}."""
    from django.contrib.auth import get_user_model

    from dangvien.accounts.models import Role, RoleGrant

    roles = {
        "centre": Role.ORGANISATION_BOARD,
        "province": Role.ORGANISATION_BOARD,
        "commune": Role.GRASSROOTS_OFFICE,
        "cell": Role.CELL_SECRETARY,
    }
    User = get_user_model()
    names = {}
    for level, role in roles.items():
        user, _ = User.objects.get_or_create(username=f"bench-{level}")
        user.set_password(PASSWORD)
        user.save()
        RoleGrant.objects.get_or_create(
            user=user,
            role=role,
            organization=levels[level],
            defaults={"valid_from": dt.date(2020, 1, 1)},
        )
        names[level] = user.username
    return names


def _captured_sql(username: str, path: str) -> list[str]:
    """The statements the view runs for `username` at `path` (one in-process
    call with the same code and data), as executed."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # Reads only: a write replayed raw (a kept figure deleted, say) would change
    # what the next page view finds.
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "INSERT ", "UPDATE ", "DELETE ", "BEGIN", "COMMIT")
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(skip)]


def _raw(statements: list[str]):
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg.connect(  # with the product's own connection options (no JIT)
        dbname=db["NAME"],
        user=db["USER"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
        options=db.get("OPTIONS", {}).get("options", ""),
    )
    conn.autocommit = True

    def run():
        for sql in statements:
            cursor = conn.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=5_600_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/dangvien_national"
    )
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--api-requests", type=int, default=3000)
    parser.add_argument(
        "--members-only",
        action="store_true",
        help="seed members without a year of meetings and dues (minutes, not hours)",
    )
    args = parser.parse_args(argv)

    _ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from dangvien.members.models import ACTIVE_STATUSES, Member
    from dangvien.organizations.models import Level, Organization
    from dangvien.seeding import generate, services

    settings.ALLOWED_HOSTS = ["*"]  # the in-process client's "testserver"
    settings.DANGVIEN_REQUIRE_2FA = False
    call_command("migrate", verbosity=0)
    seeded = None
    if not Member.objects.exists():
        plan = generate.Plan(
            members=args.members, seed=1, meetings=not args.members_only, dues=not args.members_only
        )
        seeded = services.seed(plan)
        print(f"seeded {seeded.members:,} members in {seeded.seconds:.0f} s")
    members = Member.objects.filter(status__in=ACTIVE_STATUSES).count()

    centre = Organization.objects.get(parent__isnull=True)
    province = first_of(Level.PROVINCIAL)
    commune = first_of(Level.GRASSROOTS_COMMITTEE, under=province)
    cell = first_of(Level.CELL, under=commune)
    levels = {"centre": centre, "province": province, "commune": commune, "cell": cell}
    users = _users(levels)
    member = Member.objects.filter(organization=cell, status__in=ACTIVE_STATUSES).first()
    assert member is not None
    given = "hùng"

    pages = []
    for level, org in levels.items():
        pages.append((f"organisation page, {level}", level, f"/to-chuc/{org.pk}/"))
        pages.append((f"member list, {level}", level, f"/dang-vien/?org={org.pk}"))
    pages += [
        (f"search «{given.replace('ù', 'u')}», whole party", "centre", "/dang-vien/?q=hung"),
        ("search «nguyen», whole party", "centre", "/dang-vien/?q=nguyen"),
        ("search «nguyen van hung», whole party", "centre", "/dang-vien/?q=nguyen+van+hung"),
        ("search «nguyen van», province", "province", "/dang-vien/?q=nguyen+van"),
        ("search «hung», province", "province", "/dang-vien/?q=hung"),
        ("member page", "cell", f"/dang-vien/{member.pk}/"),
        ("open cases, province", "province", "/viec-can-lam/"),
        ("open cases, cell", "cell", "/viec-can-lam/"),
    ]
    oversight, report_query = _oversight_ready(centre, province)
    pages += [
        ("dashboard, centre", "centre", f"/tong-quan/?org={centre.pk}"),
        ("dashboard, province", "province", f"/tong-quan/?org={province.pk}"),
        ("compliance console, province", "province", f"/kiem-soat/?org={province.pk}"),
        ("quarterly report read back, province", "province", f"/bao-cao/?{report_query}"),
        (
            "members behind a figure (end list), province",
            "province",
            f"/bao-cao/danh-sach/?{report_query}&hang=D",
        ),
    ]

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_FAILURE_LIMIT": "1000",
        "CONN_MAX_AGE": "60",
        "DANGVIEN_REQUIRE_2FA": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dangvien.wsgi:application"]
        + ["-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "2", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/dang-nhap/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        browsers = {level: Browser(base, name) for level, name in users.items()}
        for label, level, path in pages:
            browser = browsers[level]
            statements = _captured_sql(users[level], path)
            load_before = _load()
            ours, raw = _timings_interleaved(
                lambda b=browser, p=path: b.get(p), _raw(statements), args.repeat
            )
            load_after = _load()
            rows.append((label, path, ours, raw, len(statements), load_before, load_after))
            print(f"{label}: p50 {_p(ours, 0.5):.1f} ms, p95 {_p(ours, 0.95):.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)

    # Sync workers, one per core: threads only queue behind the GIL (measured).
    api = _api_load(
        args.database_url, province.pk, requests=args.api_requests, clients=50, workers=2, threads=1
    )
    _write(args.output, seeded, members, rows, api, args.repeat, oversight)
    return 0


def _oversight_ready(centre, province) -> tuple[list[str], str]:
    """What the job queue keeps for the oversight pages, computed as the worker
    would (the dashboards' past months and widgets, the console's slow checks,
    last year's quarter), and the province's last full quarter computed fresh
    and timed. Returns the lines to report and the report page's query."""
    from urllib.parse import urlencode

    from dangvien.quality.services import quality_summary_refresh
    from dangvien.reports.activity import activity
    from dangvien.reports.monthly import monthly_figures_ensure
    from dangvien.reports.periods import period_of
    from dangvien.reports.services import report_result
    from dangvien.reports.widgets import widgets_refresh

    today = dt.date.today()
    began = time.perf_counter()
    for org in (centre, province):
        monthly_figures_ensure(org, today)
        widgets_refresh(org, today, "dashboard")
    widgets_refresh(province, today, "console")
    quality_summary_refresh(today=today)  # the data-quality counts, every 10 minutes
    kept = time.perf_counter() - began
    quarter = (today.month - 1) // 3  # the last full quarter (0: last year's fourth)
    year, number = (today.year, quarter) if quarter else (today.year - 1, 4)
    period = period_of("quarter", year, number, today=today)
    began = time.perf_counter()
    result = report_result(province, period, refresh=True)  # as the job queue computes it
    fresh = time.perf_counter() - began
    began = time.perf_counter()
    activity(province, period, None)
    work = time.perf_counter() - began
    report_result(province, period.same_period_last_year(), with_activity=False)
    lines = [
        f"- The province's quarterly report ({period.label}) computed fresh as the job queue "
        f"computes it: {fresh:.1f} s (target < 5 s); the work of the period alone (meetings, "
        f"dues, discipline, grading; read beside the membership lists) {work:.1f} s "
        f"(kept as {len(str(result.counts))} characters of counts and the lists).",
        f"- What the job queue keeps for these pages (the dashboards' twelve months and "
        f"widgets of the centre and the province, the province's console checks, the "
        f"data-quality counts of every organisation), computed "
        f"first as the worker would: {kept:.1f} s.",
    ]
    query = urlencode({"org": province.pk, **period.query(), "so_sanh": "on"})
    return lines, query


def _write(output: str, seeded, members: int, rows, api, repeat: int, oversight: list[str]) -> None:
    machine = _machine()
    lines = [
        MARK_START,
        "## National scale (`make bench-national`)",
        "",
        f"- Date: {dt.datetime.now():%d/%m/%Y %H:%M} (Vietnam time); machine: {machine['cpu']}, "
        f"{machine['cores']} cores, {machine['memory']}; PostgreSQL 15; "
        "gunicorn 2 workers × 2 threads for the pages, 2 sync workers for the API.",
        f"- Members in activity: {members:,}.",
    ]
    if seeded is not None:
        lines.append(
            f"- Seeding: {seeded.members:,} members in {seeded.seconds:.0f} s "
            f"({seeded.members_per_second:,.0f}/s); {seeded.cpu.describe() if seeded.cpu else ''}; "
            f"the organisations' figures counted in {seeded.summary_seconds:.1f} s; the loaded "
            f"tables vacuumed (their visibility map) in {seeded.vacuum_seconds:.1f} s."
        )
    else:
        lines.append("- Seeding: the database was reused (see the seeding line of its run).")
    lines += oversight
    lines += [
        "",
        f"Each page over HTTP as a logged-in user at that level, and the SQL the page "
        f"ran, run raw on one connection, in turn ({repeat} calls each after a warm-up).",
        "",
        "| page | HTTP p50 ms | HTTP p95 ms | its SQL raw p50 ms | p95 ms | statements | ratio p50 "
        "| load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, _path, ours, raw, count, before, after in rows:
        ratio = _p(ours, 0.5) / _p(raw, 0.5) if _p(raw, 0.5) else float("nan")
        load = f"{before:.1f}–{after:.1f}" if before is not None and after is not None else "?"
        lines.append(
            f"| {label} | {_p(ours, 0.5):.1f} | {_p(ours, 0.95):.1f} | {_p(raw, 0.5):.1f} "
            f"| {_p(raw, 0.95):.1f} | {count} | {ratio:.1f}x | {load} |"
        )
    lines.append("")
    if api:
        cores = int(machine["cores"] or 1)
        rps = float(api["rps"])
        lines.append(
            f"API member list of a province, {api['clients']} clients, {api['requests']} "
            f"requests: {rps:.0f} req/s ({rps / cores:.0f} per core), p50 {api['p50']} ms, "
            f"p95 {api['p95']} ms, failed {api['failed']}, non-2xx {api['non2xx']}; the floor "
            f"of p95 at this rate is clients / req/s = {api['clients'] / rps * 1000:.0f} ms."
        )
    else:
        lines.append("API load test skipped: ApacheBench (apache2-utils) is not installed.")
    lines += ["", MARK_END]
    path = Path(output)
    text = path.read_text() if path.exists() else ""
    section = "\n".join(lines) + "\n"
    if MARK_START in text and MARK_END in text:
        head, rest = text.split(MARK_START, 1)
        tail = rest.split(MARK_END, 1)[1].lstrip("\n")
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    print(f"wrote the national section of {output}")


if __name__ == "__main__":
    sys.exit(main())
