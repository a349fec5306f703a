"""Bulk row writer: COPY on PostgreSQL, executemany elsewhere. No model saves."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import connection, models


def write_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    count = 0
    cols = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Table and column names come from our models' metadata, never from input.
            # The raw cursor's errors are turned into Django's (IntegrityError, ...).
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
            ):
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
    them row by row. Needs only table ownership. Elsewhere, does nothing."""

    def __init__(self, *tables: str):
        self.tables = tables
        self.indexes: list[tuple[str, str]] = []
        self.constraints: list[tuple[str, str, str]] = []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle rows written before
            cursor.execute("SET maintenance_work_mem = '512MB'")  # for the index builds
            for table in self.tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.constraints.append((table, name, definition))
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "JOIN pg_class c ON c.relname = i.indexname "
                    "JOIN pg_index x ON x.indexrelid = c.oid "
                    "WHERE i.tablename = %s AND NOT x.indisprimary",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.indexes.append((name, definition))
                    cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, exc, tb):
        if connection.vendor != "postgresql" or exc_type is not None:
            return False
        with connection.cursor() as cursor:
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.constraints:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        return False


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
