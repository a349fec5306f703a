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
        if hasattr(self.rhs, "resolve_expression"):
            raise TypeError("__any takes a list of values, not a queryset or expression")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # Each value prepared as __in prepares it; None dropped, as __in does
        # (NULL in the array would make NOT (x = ANY(...)) unknown).
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection) for v in self.rhs if v is not None]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


models.Field.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)  # related fields keep their own lookups
