"""The change timeline of a member record, read from its history tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.text import capfirst

from .display import (
    SENSITIVE_FIELDS,
    SENSITIVE_ROWS,
    display_value,
    field_label,
    precision_field,
)
from .models import Member

ROW_HISTORIES = ("posts", "work_history", "family", "trips")


@dataclass
class Change:
    field: str
    before: Any
    after: Any


@dataclass
class Entry:
    when: Any
    who: str
    what: str  # "Tạo hồ sơ", "Sửa hồ sơ", "Quá trình công tác", ...
    changes: list[Change]


def _changes(model, deltas, previous, record) -> list[Change]:
    """The changes of one history step as they read. A date known in part reads
    by its precision («03/1960», «năm 1960»); a change of precision alone reads
    as a change of its date («01/01/1960 → năm 1960»), never as its own line."""
    out: list[Change] = []
    seen: set[str] = set()
    for c in deltas:
        name = c.field
        if name == "version":
            continue
        if name.endswith("_precision") and precision_field(model, name[: -len("_precision")]):
            name = name[: -len("_precision")]
        if name in seen:
            continue
        seen.add(name)
        precision = precision_field(model, name)
        if precision is None:
            before, after = c.old, c.new
            shown = (display_value(model, name, before), display_value(model, name, after))
        else:
            shown = (
                display_value(model, name, getattr(previous, name), getattr(previous, precision)),
                display_value(model, name, getattr(record, name), getattr(record, precision)),
            )
        out.append(Change(str(model._meta.get_field(name).verbose_name), *shown))
    return out


def _entries(model, records, label: str) -> list[Entry]:
    out = []
    records = list(records)
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        who = record.history_user.get_username() if record.history_user else "hệ thống"
        if previous is None:
            if record.history_type == "+":
                # A record loaded in bulk says so (its baseline, seeding.baseline).
                reason = getattr(record, "history_change_reason", None)
                what = f"{label}: tạo mới" + (f" ({reason})" if reason else "")
                out.append(Entry(record.history_date, who, what, []))
            continue
        delta = record.diff_against(previous)
        changes = _changes(model, delta.changes, previous, record)
        if changes:
            out.append(Entry(record.history_date, who, f"{label}: sửa", changes))
    return out


def member_timeline(member: Member, limit: int = 100, *, sensitive: bool = False) -> list[Entry]:
    """Who changed what and when, newest first: the record and its dated rows.
    Without `sensitive`, changes of the citizen ID and of family rows are left out."""
    entries = _entries(
        Member,
        member.history.select_related("history_user").order_by("-history_date", "-history_id")[
            :limit
        ],
        "Hồ sơ",
    )
    if not sensitive:
        hidden = {field_label(Member, f) for f in SENSITIVE_FIELDS}
        for entry in entries:
            entry.changes = [c for c in entry.changes if c.field not in hidden]
    for related in ROW_HISTORIES:
        if related in SENSITIVE_ROWS and not sensitive:
            continue
        manager = getattr(member, related)
        model = manager.model
        for row in manager.all():
            entries += _entries(
                model,
                row.history.select_related("history_user").order_by("-history_date", "-history_id"),
                capfirst(str(model._meta.verbose_name)),
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def organization_timeline(org, limit: int = 1000) -> list[Entry]:
    """Who changed an organisation's record, when, before and after."""
    from dangvien.organizations.models import Organization

    return _entries(
        Organization,
        org.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit],
        "Tổ chức",
    )
