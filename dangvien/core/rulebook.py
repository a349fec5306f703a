"""Regulation numbers as dated data.

Each rule is a list of versions, each with the date it takes effect and the
document it comes from, so that a computation for a past period applies the
rule of that period. Numbers marked UNCONFIRMED in regulations.md can be
overridden by the DANGVIEN_RULES setting (a configurable default, not a
hidden constant).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
        """The value in force on `day` (today when None).

        DANGVIEN_RULE_OVERRIDES[key] replaces the rule: a plain value for every
        day, or a dated list [{"from": "yyyy-mm-dd", "value": ...}, ...] that
        replaces the versions from each date on (earlier days keep the
        declared versions)."""
        day = day or dt.date.today()
        return self.version_on(day).value

    def version_on(self, day: dt.date) -> Version:
        versions: tuple[Version, ...] | list[Version] = self.versions
        overrides = getattr(settings, "DANGVIEN_RULE_OVERRIDES", {}) or {}
        if not overrides:
            # The declared versions never change: the answer per day is kept
            # (imports ask for each of 100,000 rows).
            key = (id(self), day)  # two rules may share a key (declared twice)
            found = _DECLARED_ON.get(key)
            if found is None:
                if len(_DECLARED_ON) > 100_000:
                    _DECLARED_ON.clear()
                found = _DECLARED_ON[key] = _latest(versions, day)
            return found
        if self.key in overrides:
            override = overrides[self.key]
            if _is_dated(override):
                versions = list(versions) + [
                    Version(dt.date.fromisoformat(o["from"]), o["value"], "cấu hình", False)
                    for o in override
                ]
            else:
                return Version(LONG_AGO, override, "cấu hình", False)
        return _latest(versions, day)


_DECLARED_ON: dict[tuple[int, dt.date], Version] = {}


def _latest(versions: Sequence[Version], day: dt.date) -> Version:
    """The version in force on `day`: the latest date on or before it wins, on a
    tie the one listed last (the configured one); the first when none is yet."""
    found: Version | None = None
    for version in versions:
        if version.effective_from <= day and (
            found is None or version.effective_from >= found.effective_from
        ):
            found = version
    return found if found is not None else versions[0]


def _is_dated(override: Any) -> bool:
    return (
        isinstance(override, list)
        and bool(override)
        and all(isinstance(o, dict) and {"from", "value"} <= set(o) for o in override)
    )


LONG_AGO = dt.date(1930, 2, 3)  # founding of the Party: a rule "always" in force
