"""Numbers on pages: ids, codes and years are printed as they are; quantities
ask for the Vietnamese grouping (`|so`, `|dong`)."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_ids_and_years_are_never_grouped_by_default():
    assert _render("{{ pk }} {{ year }}", pk=1638, year=2026) == "1638 2026"
    assert _render('<a href="?member={{ pk }}">', pk=1234567) == '<a href="?member=1234567">'
    assert _render("{{ day|date:'Y' }}", day=dt.date(2026, 1, 5)) == "2026"


def test_quantities_are_grouped_the_vietnamese_way():
    assert _render("{{ n|so }}", n=5_600_000) == "5.600.000"
    assert _render("{{ n|so }}", n=672) == "672"
    assert _render("{{ n|so:1 }}", n=Decimal("1234.56")) == "1.234,6"
    assert _render("{{ n|so:1 }}", n=12.5) == "12,5"
    assert _render("{{ items|length|so }}", items=[0] * 1200) == "1.200"
    assert _render("{{ n|so }}", n=None) == "None"
    assert _render("{{ n|so }}", n="—") == "—"


def test_money_in_dong():
    assert _render("{{ n|dong }}", n=1_500_000) == "1.500.000\u00a0đ"
    assert _render("{{ n|dong }}", n=None) == ""
