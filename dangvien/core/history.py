"""The history of a large table, indexed only for how it is read."""

from __future__ import annotations

from simple_history.models import HistoricalRecords


class IdIndexedHistory(HistoricalRecords):
    """django-simple-history's records whose history table is indexed only by the
    record's id (with the library's own indexes on the date and the user).

    The library indexes every foreign key and unique column of the copy, even
    those the live table leaves unindexed; a record's history is read by its id
    only (members.timeline, members.history), so those indexes cost every
    write, and 20 rebuilds after a bulk load (issue 14), and serve no read."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:
                field.db_index = False
        return fields
