"""The history baseline of records that enter in bulk.

django-simple-history writes a history row when a model is saved; rows written
in bulk (the seeder's COPY, `bulk_create`, a spreadsheet import) skip it, so the
first edit of such a record would have nothing to compare with and its
before-value would be lost. Every bulk path therefore gives what it wrote a
baseline: one '+' history row per record, holding the values as loaded, by the
actor who loaded them (the system for seeding and the demo) with the reason
«Nạp dữ liệu ban đầu».

`history_baseline(queryset)` copies the rows inside the database with one
INSERT ... SELECT (no row passes through Python), on PostgreSQL and SQLite
alike (the seeder, the member import after its COPY); `bulk_create_with_baseline(objs)`
is the ORM path for bulk writers that build model instances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from dangvien.core.actors import SYSTEM, Actor, history_user

BASELINE_REASON = "Nạp dữ liệu ban đầu"

# The columns django-simple-history adds to every history table.
_HISTORY_ONLY = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def tracked_columns(model: type[models.Model]) -> list[str]:
    """The columns a model's history table copies from the model's own table."""
    own = {f.column for f in model._meta.concrete_fields}
    return [
        f.column
        for f in model.history.model._meta.concrete_fields  # type: ignore[attr-defined]
        if f.column not in _HISTORY_ONLY and f.column in own
    ]


def history_baseline(
    queryset: models.QuerySet,
    *,
    actor: Actor = SYSTEM,
    reason: str = BASELINE_REASON,
    when: dt.datetime | None = None,
    only_missing: bool = True,
    history_type: str = "+",
) -> int:
    """Write a '+' history row (the values as they are now) for each record of
    `queryset` that has none yet; returns how many were written.

    One INSERT ... SELECT in the database. `only_missing=False` skips the check
    for existing history rows (the seeder, which writes into an empty database).
    `history_type="~"` (with `only_missing=False`) records a change made in bulk
    by an UPDATE, which django-simple-history does not see: the values after it,
    by `actor`, with `reason`. Call it in the transaction that wrote the rows.
    """
    if history_type not in ("+", "~"):
        raise ValueError(f"history_type must be '+' or '~', not {history_type!r}")
    model = queryset.model
    history = model.history.model
    columns = tracked_columns(model)
    by_column = {f.column: f.attname for f in model._meta.concrete_fields}
    pk = model._meta.pk.column
    # The queryset's own SELECT is the source: the planner sees its WHERE (a
    # range of ids on the seeder's fresh, unanalysed table) and scans just that.
    source, source_params = (
        queryset.order_by("pk")
        .values_list(*(by_column[c] for c in columns))
        .query.sql_with_params()
    )
    quote = connection.ops.quote_name
    table = quote(history._meta.db_table)
    cols = ", ".join(quote(c) for c in columns)
    picked = ", ".join(f"q.{quote(c)}" for c in columns)
    # Table and column names come from the models' metadata, never from input.
    sql = (
        f"INSERT INTO {table} ({cols}, history_date, history_change_reason, "  # noqa: S608
        f"history_type, history_user_id) SELECT {picked}, %s, %s, %s, %s FROM ({source}) q"
    )
    if only_missing:
        missing = f"SELECT 1 FROM {table} h WHERE h.{quote(pk)} = q.{quote(pk)}"  # noqa: S608
        sql += f" WHERE NOT EXISTS ({missing})"
    user = history_user(actor)
    params = [
        when or timezone.now(),
        reason[:100],
        history_type,
        user.pk if user else None,
        *source_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def bulk_create_with_baseline(
    objs: Sequence[models.Model],
    *,
    actor: Actor = SYSTEM,
    reason: str = BASELINE_REASON,
    batch_size: int | None = 1000,
) -> list[models.Model]:
    """`bulk_create` that leaves each new record its baseline history row (who
    loaded it, when, why): the path for imports that build model instances."""
    if not objs:
        return []
    return bulk_create_with_history(
        list(objs),
        type(objs[0]),
        batch_size=batch_size,
        default_user=history_user(actor),
        default_change_reason=reason[:100],
    )
