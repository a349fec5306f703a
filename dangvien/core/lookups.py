"""`field__any=[...]`: the value is one of a list, bound as one array
(PostgreSQL's `= ANY(%s)`). Django's `__in` binds every value on its own, which
for 10,000 ids cost more than the index scan they feed (reports.compute).

For a long list of integers pass an `array("q", ids)`: Django resolves the
values of a list or tuple one by one before the lookup sees them, not those of
an array (which, unlike an iterator, can be read again when the queryset is
compiled again). An integer field's values are sent as one text literal cast
to bigint[], not dumped value by value: a province's report binds 200,000
ids, 1.5 s of Python before (reports.compute)."""

from __future__ import annotations

from functools import partial
from operator import is_not

from django.db import models

_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_not_none = partial(is_not, None)
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


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
        # None dropped, as __in does (NULL in the array would make
        # NOT (x = ANY(...)) unknown).
        field = self.lhs.output_field
        target = getattr(field, "target_field", field)  # a foreign key: the key it holds
        if target.get_internal_type() in _INTEGER_TYPES:
            # int() refuses what is not a number; a number outside bigint's
            # range matches no row and is dropped (PostgreSQL would refuse the
            # literal); the text "{1,2,3}" is parsed by PostgreSQL in one go.
            numbers = [
                n for n in map(int, filter(_not_none, self.rhs)) if _BIGINT_MIN <= n <= _BIGINT_MAX
            ]
            literal = ",".join(map(str, numbers))
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, f"{{{literal}}}"]
        # Each value prepared as __in prepares it.
        values = [field.get_db_prep_value(v, connection) for v in self.rhs if v is not None]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


models.Field.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)  # related fields keep their own lookups
