"""Regulation numbers as dated data.

Each rule is a list of versions, each with the date it takes effect and the
document it comes from, so that a computation for a past period applies the
rule of that period. Numbers marked UNCONFIRMED in regulations.md can be
overridden by the DANGVIEN_RULES setting (a configurable default, not a
hidden constant).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Version:
    effective_from: dt.date
    value: Any
    source: str
    confirmed: bool = True


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    versions: tuple[Version, ...]

    def on(self, day: dt.date | None = None) -> Any:
        """The value in force on `day` (today when None)."""
        overrides = getattr(settings, "DANGVIEN_RULE_OVERRIDES", {}) or {}
        if self.key in overrides:
            return overrides[self.key]
        day = day or dt.date.today()
        in_force = [v for v in self.versions if v.effective_from <= day]
        chosen = max(in_force, key=lambda v: v.effective_from) if in_force else self.versions[0]
        return chosen.value

    def version_on(self, day: dt.date) -> Version:
        in_force = [v for v in self.versions if v.effective_from <= day]
        return max(in_force, key=lambda v: v.effective_from) if in_force else self.versions[0]


LONG_AGO = dt.date(1930, 2, 3)  # founding of the Party: a rule "always" in force
