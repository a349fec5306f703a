"""Bulk row writer: COPY on PostgreSQL, executemany elsewhere. No model saves."""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, models


def write_rows(
    table: str, columns: list[str], rows: Iterable[tuple], *, binary: bool = False
) -> int:
    """Write `rows` (tuples in the order of `columns`) into `table`; returns
    how many. COPY on PostgreSQL, executemany of 5,000 rows elsewhere.

    `binary=True` (PostgreSQL only; ignored elsewhere) copies in PostgreSQL's
    binary format: each value must then be of its column's own Python type (an
    int for an integer, a date for a date, bytes for bytea; no text standing in
    for a date), and the client spends a fifth of the CPU of the text format
    (1.5 against 6.4 µs a member row, 1 against 5.6 for its events). Callers
    that pass rows read from a spreadsheet keep the text format."""
    count = 0
    cols = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = _column_types(cursor, table, columns) if binary else None
            how = " (FORMAT BINARY)" if binary else ""
            # Table and column names come from our models' metadata, never from input.
            # The raw cursor's errors are turned into Django's (IntegrityError, ...).
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN{how}') as copy,
            ):
                if types:
                    copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({placeholders})'
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _column_types(cursor, table: str, columns: list[str]) -> list[int]:
    """The type oids of `columns` of `table` (PostgreSQL), for a binary COPY."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [f'"{table}"'],
    )
    oids = dict(cursor.fetchall())
    return [oids[c] for c in columns]


def reset_sequences(*tables: str) -> None:
    """After writing explicit ids, move PostgreSQL's sequences past them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )


class bulk_load_mode:
    """On PostgreSQL, drop a table's secondary indexes and foreign keys for a bulk
    load and re-create them afterwards (what pg_restore does): building an index
    once and validating a foreign key with one join is far cheaper than keeping
    them row by row. Needs only table ownership. Elsewhere, does nothing.

    The tables are restored on two connections at once (pg_restore's --jobs;
    see `__exit__`), each table's own foreign keys before its indexes: a key's
    validation scans the whole table on one core while the other connection
    builds indexes. A key to another loaded table comes last, as it waits for
    that table's locks. Each connection may use `MAINTENANCE_WORK_MEM` for its
    index builds. Inside a transaction (autocommit off) everything runs on the
    caller's connection."""

    MAINTENANCE_WORK_MEM = "512MB"

    def __init__(self, *tables: str):
        self.tables = tables
        self.indexes: list[tuple[str, str]] = []  # (table, CREATE INDEX ...)
        # (table, name, definition, the table it references or "")
        self.constraints: list[tuple[str, str, str, str]] = []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle rows written before
            for table in self.tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid), "
                    "CASE contype WHEN 'f' THEN confrelid::regclass::text ELSE '' END FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                    [table],
                )
                for name, definition, references in cursor.fetchall():
                    self.constraints.append((table, name, definition, references))
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "JOIN pg_class c ON c.relname = i.indexname "
                    "JOIN pg_index x ON x.indexrelid = c.oid "
                    "WHERE i.tablename = %s AND NOT x.indisprimary",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.indexes.append((table, definition))
                    cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, exc, tb):
        if connection.vendor != "postgresql" or exc_type is not None:
            return False
        own: dict[str, list[str]] = {table: [] for table in self.tables}
        across: list[str] = []  # keys to another loaded table: they wait for its locks
        for table, name, definition, references in self.constraints:
            statement = f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            (across if references in self.tables else own[table]).append(statement)
        for table, definition in self.indexes:
            own[table].append(definition)
        busy = [table for table in self.tables if own[table]]
        if len(busy) <= 1 or not connection.get_autocommit():
            # One table, or inside the caller's transaction (whose locks on the
            # tables another connection would wait for): on its connection.
            self._restore([*(s for table in busy for s in own[table]), *across])
            return False
        # Two connections: the table with the most to do (its size times its
        # statements: each scans it) on the first; the other tables one after
        # the other on the second; each index build may add PostgreSQL's
        # parallel workers. At a million members: 19-21 s on one connection,
        # 15-16 s on two, 18.9 s on four (the member table's keys waiting on
        # the other tables' sorts). At 5.6 million: the member table 92 s, the
        # others 73 s.
        sizes = self._sizes(busy)
        first = max(busy, key=lambda table: sizes[table] * len(own[table]))
        second = [s for table in busy if table != first for s in own[table]] + across
        with ThreadPoolExecutor(2) as pool:
            jobs = [
                pool.submit(self._restore_on_own_connection, work) for work in (own[first], second)
            ]
            for job in jobs:
                job.result()  # raises a connection's error
        return False

    @staticmethod
    def _sizes(tables: list[str]) -> dict[str, int]:
        """The bytes of each table's heap."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t, pg_relation_size(to_regclass(quote_ident(t))) FROM unnest(%s::text[]) t",
                [tables],
            )
            return dict(cursor.fetchall())

    def _restore(self, statements: list[str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem = '{self.MAINTENANCE_WORK_MEM}'")
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("RESET maintenance_work_mem")  # the caller's connection as it was

    def _restore_on_own_connection(self, statements: list[str]) -> None:
        try:  # a thread has its own connection (Django's are per thread)
            self._restore(statements)
        finally:
            connection.close()


def compact(*models_: type[models.Model]) -> float:
    """On PostgreSQL, `VACUUM (FULL, ANALYZE)` the tables of `models_` and give
    the seconds it took (elsewhere nothing, 0.0). For tables a bulk load wrote
    and then rewrote row by row in set-based UPDATEs (a month's dues ledger:
    its payments, then its close; the meetings: their votes and flags from the
    attendance), which leave two or three versions of every row: 1008 MB of
    ledger for 338 MB of rows at 200,000 members, read by every scan until
    compacted (a table written over the years, with autovacuum, holds few).
    Outside a transaction (VACUUM cannot run in one); locks the tables while
    it rewrites them. A plain VACUUM follows: the rewrite leaves the
    visibility map empty, and until it is set no index-only scan of those
    tables skips the table."""
    if connection.vendor != "postgresql" or not models_:
        return 0.0
    tables = ", ".join(f'"{model._meta.db_table}"' for model in models_)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (FULL, ANALYZE) {tables}")
        cursor.execute(f"VACUUM {tables}")
    return time.perf_counter() - began


# Field types whose Python value COPY and sqlite3 take as they are.
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,
    models.ForeignKey,
)


def model_columns(model: type[models.Model]) -> list[models.Field]:
    """The concrete fields of `model`, in table order."""
    return list(model._meta.concrete_fields)


def needs_prep(field: models.Field) -> bool:
    """Whether a value of `field` must go through its `get_db_prep_save` before
    COPY or executemany (date-times, bytes, files); plain ones go as they are."""
    return not isinstance(field, PLAIN_FIELDS) or isinstance(field, models.DateTimeField)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for rows written with explicit ids, in the
    caller's transaction: from the table's sequence on PostgreSQL (safe with
    concurrent writers); after the largest id elsewhere (SQLite, whose writers
    take the database in turn)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [f'"{table}"', pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # Past the largest id ever given (sqlite_sequence keeps it for
        # AUTOINCREMENT tables), not only the largest there now.
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608 - model metadata
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        start = max(largest, cursor.fetchone()[0]) + 1
    return list(range(start, start + count))
