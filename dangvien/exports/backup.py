"""Backup and restore of the whole database (issue 13, part 5), with a
verification that what was restored is what was saved.

- SQLite: the sqlite3 online backup API (a consistent copy while the site
  runs, WAL included), into a .sqlite3 file.
- PostgreSQL: `pg_dump -Fc` (custom format) of a snapshot exported by a
  REPEATABLE READ transaction, in which the same transaction counts and
  checksums every table; restored by `pg_restore --clean --if-exists
  --no-owner --single-transaction` (all or nothing).

Each backup FILE gets a manifest FILE.manifest.json: per table, the row count
and an order-independent checksum (the sum modulo 2**64 of a 64-bit BLAKE2b
hash of each row's canonical text, columns in name order). A restore computes
the same on the restored database and compares table by table.

Restore refuses a target that holds data (users, organisations or members)
unless forced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore, arguments from settings only
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from .errors import BackupError

MANIFEST_SUFFIX = ".manifest.json"
FORMAT_VERSION = 1
MASK = 2**64 - 1
# Tables whose rows mean the database is in use (restore refuses them without --force).
DATA_TABLES = ("auth_user", "organizations_organization", "members_member")


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str  # 16 hex digits


@dataclass(frozen=True)
class Comparison:
    table: str
    saved: TableSum | None
    restored: TableSum | None

    @property
    def matches(self) -> bool:
        return self.saved == self.restored


def _canon(value: Any) -> str:
    """A value as text, the same for the same value read twice from one vendor."""
    if value is None:
        return "\x00"
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        return "x" + bytes(value).hex()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_sum(cursor, table: str, columns: list[str]) -> TableSum:
    names = ", ".join(_quote(c) for c in sorted(columns))
    cursor.execute(f"SELECT {names} FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
    total = 0
    count = 0
    while True:
        batch = cursor.fetchmany(5000)
        if not batch:
            break
        for row in batch:
            text = "\x1f".join(_canon(v) for v in row)
            digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8)
            total = (total + int.from_bytes(digest.digest(), "big")) & MASK
            count += 1
    return TableSum(rows=count, checksum=f"{total:016x}")


def _sqlite_tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {t: [r[1] for r in conn.execute(f"PRAGMA table_info({_quote(t)})")] for t in tables}


def sqlite_sums(conn: sqlite3.Connection) -> dict[str, TableSum]:
    """Count and checksum of every table of an SQLite connection."""
    cursor = conn.cursor()
    try:
        return {t: _table_sum(cursor, t, cols) for t, cols in _sqlite_tables(conn).items()}
    finally:
        cursor.close()


def _pg_tables(cursor) -> dict[str, list[str]]:
    cursor.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
        "AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
        "ORDER BY c.table_name, c.ordinal_position"
    )
    tables: dict[str, list[str]] = {}
    for table, column in cursor.fetchall():
        tables.setdefault(table, []).append(column)
    return tables


def pg_sums(cursor) -> dict[str, TableSum]:
    """Count and checksum of every table of the current PostgreSQL schema."""
    return {t: _table_sum(cursor, t, cols) for t, cols in _pg_tables(cursor).items()}


def database_sums(alias: str = "default") -> dict[str, TableSum]:
    """Count and checksum of every table of the database `alias`."""
    conn = connections[alias]
    conn.ensure_connection()
    if conn.vendor == "sqlite":
        # A plain connection (no type converters), as the backup file is read:
        # both sides see the stored text, never Django's parsed values.
        name = str(conn.settings_dict["NAME"])
        plain = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            return sqlite_sums(plain)
        finally:
            plain.close()
    with conn.cursor() as cursor:
        return pg_sums(cursor)


def _vendor(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError.UNSUPPORTED_DATABASE.error(vendor=vendor)
    return vendor


def default_path(alias: str = "default") -> Path:
    """var/backups/dangvien-YYYYMMDD-HHMMSS.(sqlite3|dump)."""
    suffix = "sqlite3" if _vendor(alias) == "sqlite" else "dump"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR).parent / "var" / "backups" / f"dangvien-{stamp}.{suffix}"


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def _write_manifest(path: Path, vendor: str, sums: dict[str, TableSum]) -> None:
    manifest = {
        "format": FORMAT_VERSION,
        "vendor": vendor,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "tables": {t: {"rows": s.rows, "checksum": s.checksum} for t, s in sums.items()},
    }
    manifest_path(path).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))


def read_manifest(path: Path) -> tuple[str, dict[str, TableSum]] | None:
    """(vendor, sums) of the manifest beside `path`; None when there is none."""
    found = manifest_path(path)
    if not found.exists():
        return None
    data = json.loads(found.read_text())
    sums = {t: TableSum(rows=v["rows"], checksum=v["checksum"]) for t, v in data["tables"].items()}
    return data["vendor"], sums


def _pg_env(alias: str) -> tuple[dict[str, str], list[str], str]:
    """(environment, connection arguments, database name) for pg_dump/pg_restore."""
    conf = connections[alias].settings_dict
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    args = []
    if conf.get("HOST"):
        args += ["-h", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["-p", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["-U", str(conf["USER"])]
    return env, args, str(conf["NAME"])


def _tool(name: str) -> str:
    return shutil.which(name) or f"/usr/bin/{name}"


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError.TOOL_FAILED.error(
            tool=Path(command[0]).name, detail=" ".join(detail[-3:])[:500]
        )


def backup(path: Path | None = None, alias: str = "default") -> tuple[Path, dict[str, TableSum]]:
    """Save the database `alias` to `path` (default_path() when None) and write
    its manifest; returns (path, sums of the saved copy). Raises DomainError
    `unsupported_database`, `backup_tool_failed`."""
    vendor = _vendor(alias)
    path = Path(path) if path else default_path(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connections[alias]
    conn.ensure_connection()
    if vendor == "sqlite":
        if path.exists():
            path.unlink()
        target = sqlite3.connect(path)
        try:
            conn.connection.backup(target)
            sums = sqlite_sums(target)
        finally:
            target.close()
    else:
        sums = _pg_backup(path, alias)
    _write_manifest(path, vendor, sums)
    return path, sums


def _pg_backup(path: Path, alias: str) -> dict[str, TableSum]:
    """pg_dump of a snapshot that the same transaction counts and checksums."""
    import psycopg

    conf = connections[alias].settings_dict
    env, args, name = _pg_env(alias)
    with psycopg.connect(
        dbname=name,
        host=conf.get("HOST") or None,
        port=conf.get("PORT") or None,
        user=conf.get("USER") or None,
        password=conf.get("PASSWORD") or None,
    ) as pg:
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = pg.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        _run(
            [_tool("pg_dump"), "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(path)]
            + args
            + [name],
            env,
        )
        with pg.cursor() as cursor:
            sums = pg_sums(cursor)
        pg.execute("COMMIT")
    return sums


def data_rows(alias: str = "default") -> int:
    """Rows in the tables that mean the database is in use (DATA_TABLES)."""
    conn = connections[alias]
    existing = set(conn.introspection.table_names())
    total = 0
    with conn.cursor() as cursor:
        for table in DATA_TABLES:
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
                total += cursor.fetchone()[0]
    return total


def restore(path: Path, *, force: bool = False, alias: str = "default") -> list[Comparison]:
    """Replace the database `alias` with the backup at `path`, then compare it
    with the backup's manifest table by table; on PostgreSQL the restored
    database is vacuumed and analysed. Raises DomainError
    `backup_file_not_found`, `backup_wrong_file`, `restore_target_not_empty`
    (data present and not `force`; nothing written), `backup_tool_failed`."""
    vendor = _vendor(alias)
    path = Path(path)
    if not path.exists():
        raise BackupError.FILE_NOT_FOUND.error(path=str(path))
    manifest = read_manifest(path)
    if manifest is not None and manifest[0] != vendor:
        raise BackupError.WRONG_FILE.error(path=str(path), vendor=vendor)
    _check_file(path, vendor)
    rows = data_rows(alias)
    if rows and not force:
        raise BackupError.TARGET_NOT_EMPTY.error(rows=rows)
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connections[alias].ensure_connection()
            source.backup(connections[alias].connection)
        finally:
            source.close()
    else:
        connections[alias].close()
        env, args, name = _pg_env(alias)
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                name,
            ]
            + args
            + [str(path)],
            env,
        )
        # pg_restore writes no statistics and no visibility map: without them
        # the planner guesses and index-only scans read the heap (a search
        # over the whole party: 0.85 s instead of 56 ms until autovacuum).
        with connections[alias].cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    connections[alias].close()
    restored = database_sums(alias)
    saved = manifest[1] if manifest else {}
    return [
        Comparison(table, saved.get(table), restored.get(table))
        for table in sorted(set(saved) | set(restored))
    ]


def _check_file(path: Path, vendor: str) -> None:
    with path.open("rb") as handle:
        head = handle.read(16)
    expected = b"SQLite format 3\x00" if vendor == "sqlite" else b"PGDMP"
    if not head.startswith(expected):
        raise BackupError.WRONG_FILE.error(path=str(path), vendor=vendor)


def sums_table(sums: dict[str, TableSum]) -> list[str]:
    """The lines of a table: table, rows, checksum."""
    width = max((len(t) for t in sums), default=4)
    lines = [f"{'Bảng':<{width}}  {'Số dòng':>10}  Tổng kiểm"]
    lines += [f"{t:<{width}}  {s.rows:>10}  {s.checksum}" for t, s in sums.items()]
    return lines


def comparison_table(rows: list[Comparison]) -> list[str]:
    """The lines of the verification: table, rows and checksum saved and
    restored, and whether they match."""
    width = max((len(r.table) for r in rows), default=4)
    lines = [
        f"{'Bảng':<{width}}  {'Dòng (sao lưu)':>14}  {'Dòng (phục hồi)':>15}  "
        f"{'Tổng kiểm (sao lưu)':<19}  {'Tổng kiểm (phục hồi)':<20}  Khớp"
    ]
    for r in rows:
        saved_rows = str(r.saved.rows) if r.saved else "—"
        restored_rows = str(r.restored.rows) if r.restored else "—"
        lines.append(
            f"{r.table:<{width}}  {saved_rows:>14}  {restored_rows:>15}  "
            f"{r.saved.checksum if r.saved else '—':<19}  "
            f"{r.restored.checksum if r.restored else '—':<20}  "
            f"{'có' if r.matches else 'KHÔNG'}"
        )
    return lines
