"""The words of the names of members in activity (MemberNameWord), the index
of the name search (issue 14, part 2): rewritten for the members a write
touched, in the writer's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from dangvien.seeding import writer

from .models import ACTIVE_STATUSES, Member, MemberNameWord

CHUNK = 20_000
TABLE = MemberNameWord._meta.db_table
COLUMNS = ["member_id", "word", "sort_key", "org_path"]


def name_words_write(member_ids: Sequence[int]) -> None:
    """Replace the words of `member_ids` by those of their names as stored now
    (none for a member not in activity)."""
    for start in range(0, len(member_ids), CHUNK):
        ids = list(member_ids[start : start + CHUNK])
        MemberNameWord.objects.filter(member_id__in=ids).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_INSERT + " AND m.id = ANY(%s)", [*_ACTIVE, ids])
            continue
        rows = []
        for pk, name, key, path in Member.objects.filter(
            pk__in=ids, status__in=ACTIVE_STATUSES
        ).values_list("pk", "search_name", "sort_key", "org_path"):
            rows += [(pk, word, bytes(key), path) for word in sorted(set(name.split()))]
        writer.write_rows(TABLE, COLUMNS, rows)


def name_words_write_range(first_id: int, last_id: int) -> None:
    """Write the words of the members with ids first_id..last_id, just loaded
    (a bulk load's chunk: no words yet)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_INSERT + " AND m.id BETWEEN %s AND %s", [*_ACTIVE, first_id, last_id])
        return
    ids = list(Member.objects.filter(pk__range=(first_id, last_id)).values_list("pk", flat=True))
    name_words_write(ids)


def name_words_write_all() -> int:
    """Write the words of every member in activity into an empty table (after a
    bulk load); returns the rows written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_INSERT, _ACTIVE)
            return cursor.rowcount
    ids = list(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True))
    name_words_write(ids)
    return MemberNameWord.objects.count()


def name_words_move(old_prefix: str, new_prefix: str) -> None:
    """A subtree moved: its members' words carry the new paths."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    MemberNameWord.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", len(old_prefix) + 1))
    )


_ACTIVE = [str(s) for s in ACTIVE_STATUSES]
# The distinct words of each name (PostgreSQL): one INSERT ... SELECT, each
# name's words made distinct on their own (a DISTINCT over all the rows sorted
# them all: 290 against 180 ms for 50,000 members, spilling to disk).
_INSERT = " ".join(
    (
        "INSERT INTO",
        TABLE,
        "(member_id, word, sort_key, org_path)",
        "SELECT m.id, w.word, m.sort_key, m.org_path",
        "FROM members_member m,",
        "unnest(ARRAY(SELECT DISTINCT unnest(string_to_array(m.search_name, ' ')))) AS w(word)",
        "WHERE w.word <> '' AND m.status IN (%s, %s)",
    )
)
