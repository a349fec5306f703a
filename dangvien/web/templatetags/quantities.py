"""Quantities the Vietnamese way: «1.234 đảng viên», «1.500.000 đồng»; dates
known only in part: «15/03/1960», «03/1960», «năm 1960» (`|ngay`).

The project prints numbers without grouping by default (USE_THOUSAND_SEPARATOR
is off), because most numbers on a page are ids, codes and years, which must
never be grouped: «?member=1.638» answers 404 and «năm 2.026» reads wrong. A
number that is a quantity says so with `|so` (or money with `|dong`).
Loaded for every template (settings.TEMPLATES builtins).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


@register.filter(is_safe=True)
def so(value, decimals=None):
    """A count or measure grouped in thousands with «.», decimals after «,»:
    `{{ total|so }}` -> 1.234; `{{ share|so:1 }}` -> 12,5. Anything that is not
    a number (None, "", text) is returned unchanged."""
    number = _number(value)
    if number is None:
        return value
    if decimals is not None:
        # Rounded half up, as people count (number_format alone cuts off).
        decimals = int(decimals)
        number = Decimal(str(number)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    elif isinstance(number, Decimal) and number == number.to_integral():
        number = int(number)
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter(is_safe=True)
def dong(value):
    """An amount of money in đồng: `{{ amount|dong }}` -> «1.500.000 đ»; empty
    when there is no amount."""
    number = _number(value)
    if number is None:
        return ""
    return f"{so(round(number))}\u00a0đ"


@register.filter
def ngay(value, precision="day"):
    """A date printed as known (members.dates.format_partial_date):
    `{{ m.birth_date|ngay:m.birth_date_precision }}` -> «15/03/1960», «03/1960» or
    «năm 1960»; without a precision the whole day. Empty for no date."""
    from dangvien.members.dates import format_partial_date

    return format_partial_date(value, precision or "day")
