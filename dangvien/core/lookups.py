"""`field__any=[...]`: the value is one of a list, bound as one array
(PostgreSQL's `= ANY(%s)`). Django's `__in` binds every value on its own, which
for 10,000 ids cost more than the index scan they feed (reports.compute)."""

from __future__ import annotations

from django.db import models


class AnyOf(models.Lookup):
    """PostgreSQL only: the caller chooses `__in` elsewhere."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotImplementedError("__any is PostgreSQL's = ANY(array); use __in elsewhere")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


models.Field.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)  # related fields keep their own lookups
