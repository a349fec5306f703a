"""Reads for exports: the members of a subtree in Vietnamese name order, read
once with a streaming cursor and gathered in chunks (catalogue and place names
from small dictionaries, the events, badges and disciplines of each chunk in
one query each), so that memory stays flat for a province of 200,000 members.

Scope is checked by the callers (services), as for the other selectors: the
queryset passed in is already the caller's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from dangvien.accounts.scope import Scope
from dangvien.members.models import (
    ACTIVE_STATUSES,
    CatalogItem,
    EventKind,
    Gender,
    Member,
    MembershipEvent,
    Status,
)
from dangvien.organizations.models import Organization
from dangvien.places.models import Commune, Province

CHUNK = 2000

_CATALOGS = (
    "ethnicity",
    "religion",
    "general_education",
    "professional_qualification",
    "degree",
    "academic_title",
    "political_theory",
    "state_management",
    "it_level",
    "occupation",
)
_PROVINCES = ("hometown_province", "permanent_province", "current_province")
_COMMUNES = ("hometown_commune", "permanent_commune", "current_commune")
_TEXT = (
    "family_name",
    "middle_name",
    "given_name",
    "birth_name",
    "gender",
    "hometown",
    "permanent_street",
    "current_street",
    "citizen_id",
    "old_identity_number",
    "phone",
    "email",
    "party_card_number",
    "cv_number",
    "languages",
    "workplace",
    "status",
    "is_exempt",
)
_DATES = ("birth_date", "joining_date", "official_date")
# The events the list book shows (columns 10-13), the latest of each kind.
BOOK_EVENTS = (
    EventKind.TRANSFERRED_OUT,
    EventKind.TRANSFERRED_IN,
    EventKind.DECEASED,
    EventKind.NAME_DELETED,
    EventKind.EXPELLED,
    EventKind.LEFT,
)


def _member_fields() -> list[str]:
    """The Member columns read, leaving out any this version does not have
    (old_identity_number, the date precisions arrive with issue 13)."""
    have = {f.attname for f in Member._meta.concrete_fields}
    wanted = ["id", "organization_id", *_TEXT]
    wanted += [f"{n}_id" for n in (*_CATALOGS, *_PROVINCES, *_COMMUNES)]
    for name in _DATES:
        wanted += [name, f"{name}_precision"]
    return [n for n in wanted if n in have]


@dataclass
class ExportRow:
    """One member as the export columns read them: `values` the record's own
    fields, `names` the labels of choices and related rows, `events` the latest
    event of each BOOK_EVENTS kind ({date, where, reason, label})."""

    number: int
    values: dict[str, Any]
    names: dict[str, str] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    badge_number: str = ""
    discipline: str = ""

    @property
    def full_name(self) -> str:
        v = self.values
        return " ".join(p for p in (v["family_name"], v["middle_name"], v["given_name"]) if p)

    @property
    def hometown(self) -> str:
        text = self.values.get("hometown")
        if text:
            return text
        parts = [self.names.get("hometown_commune"), self.names.get("hometown_province")]
        return ", ".join(p for p in parts if p)


def export_members(scope: Scope, org: Organization, status: str = "all") -> QuerySet[Member]:
    """The members of `org`'s subtree that `scope` reaches, in Vietnamese name
    order; `status` "all" (every member ever in the list: the book), "active"
    (probationary and official) or a Status value."""
    qs = Member.objects.filter(scope.member_q()).filter(org_path__startswith=org.path)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status and status != "all":
        qs = qs.filter(status=status)
    return qs.order_by("sort_key", "id")


class _Names:
    """Small dictionaries of names, loaded once per export."""

    def __init__(self, org: Organization) -> None:
        self.catalog: dict[Any, str] = dict(CatalogItem.objects.values_list("id", "name"))
        self.province: dict[Any, str] = dict(Province.objects.values_list("pk", "name"))
        self.commune: dict[Any, str] = {}
        self.org = dict(
            Organization.objects.filter(path__startswith=org.path).values_list("id", "name")
        )
        self.gender = dict(Gender.choices)
        self.status = dict(Status.choices)
        self.event = dict(EventKind.choices)

    def communes(self, ids: set) -> None:
        missing = {i for i in ids if i is not None and i not in self.commune}
        if missing:
            self.commune.update(Commune.objects.filter(pk__in=missing).values_list("pk", "name"))

    def orgs(self, ids: set) -> None:
        missing = {i for i in ids if i is not None and i not in self.org}
        if missing:
            self.org.update(Organization.objects.filter(pk__in=missing).values_list("id", "name"))


def export_rows(
    members: QuerySet[Member], org: Organization, *, discipline: bool = False
) -> Iterator[ExportRow]:
    """The rows of `members`, numbered from 1, gathered CHUNK at a time; the
    discipline column (sensitive) is read only when `discipline`."""
    names = _Names(org)
    fields = _member_fields()
    chunk: list[dict[str, Any]] = []
    number = 0
    for values in members.values(*fields).iterator(chunk_size=CHUNK):
        chunk.append(values)
        if len(chunk) >= CHUNK:
            yield from _gathered(chunk, names, number, discipline)
            number += len(chunk)
            chunk = []
    if chunk:
        yield from _gathered(chunk, names, number, discipline)


def _gathered(
    chunk: list[dict[str, Any]], names: _Names, start: int, discipline: bool
) -> Iterator[ExportRow]:
    ids = [v["id"] for v in chunk]
    names.communes({v.get(f"{n}_id") for v in chunk for n in _COMMUNES})
    events = _events(ids, names)
    badges = _badges(ids)
    disciplines = _disciplines(ids) if discipline else {}
    for offset, values in enumerate(chunk, start=1):
        row_names = {
            "gender": names.gender.get(values["gender"], ""),
            "status": names.status.get(values["status"], ""),
            "organization": names.org.get(values["organization_id"], ""),
        }
        for n in _CATALOGS:
            row_names[n] = names.catalog.get(values.get(f"{n}_id"), "")
        for n in _PROVINCES:
            row_names[n] = names.province.get(values.get(f"{n}_id"), "")
        for n in _COMMUNES:
            row_names[n] = names.commune.get(values.get(f"{n}_id"), "")
        member_id = values["id"]
        yield ExportRow(
            number=start + offset,
            values=values,
            names=row_names,
            events=events.get(member_id, {}),
            badge_number=badges.get(member_id, ""),
            discipline=disciplines.get(member_id, ""),
        )


def _events(ids: list[int], names: _Names) -> dict[int, dict[str, dict[str, Any]]]:
    """The latest book event of each kind per member: its date, the place (the
    other party as written; for a move inside the system, where the member came
    from or went to, read from the neighbouring event), the reason."""
    from .columns import PartialDate

    have = {f.attname for f in MembershipEvent._meta.concrete_fields}
    cols = [
        "member_id",
        "kind",
        "date",
        "organization_id",
        "organization_after_id",
        "other_party",
        "reason",
    ]
    if "date_precision" in have:
        cols.append("date_precision")
    rows = list(
        MembershipEvent.objects.filter(member_id__in=ids, kind__in=BOOK_EVENTS)
        .order_by("member_id", "date", "seq", "id")
        .values(*cols)
    )
    names.orgs({r["organization_id"] for r in rows} | {r["organization_after_id"] for r in rows})
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for i, r in enumerate(rows):
        where = r["other_party"]
        if not where and r["kind"] == EventKind.TRANSFERRED_OUT:
            # Gone to: where the next arrival placed the member.
            after = rows[i + 1] if i + 1 < len(rows) else None
            if after and after["member_id"] == r["member_id"]:
                where = names.org.get(after["organization_after_id"], "")
        elif not where and r["kind"] == EventKind.TRANSFERRED_IN:
            # Came from: where the member was before (the previous departure).
            before = rows[i - 1] if i else None
            if before and before["member_id"] == r["member_id"]:
                where = names.org.get(before["organization_after_id"], "")
        elif not where:
            where = names.org.get(r["organization_id"], "")
        out.setdefault(r["member_id"], {})[r["kind"]] = {
            "date": PartialDate(r["date"], r.get("date_precision") or "day"),
            "where": where,
            "reason": r["reason"],
            "label": names.event.get(r["kind"], ""),
        }
    return out


def _badges(ids: list[int]) -> dict[int, str]:
    """The number of the member's latest Party badge held (awarded, not returned)."""
    from dangvien.badges.models import BadgeAward

    out: dict[int, str] = {}
    for member_id, number in (
        BadgeAward.objects.filter(member_id__in=ids, returned_on__isnull=True)
        .exclude(badge_number="")
        .order_by("member_id", "milestone")
        .values_list("member_id", "badge_number")
    ):
        out[member_id] = number
    return out


def _disciplines(ids: list[int]) -> dict[int, str]:
    """The disciplines announced (in force) of each member: form, decision, day."""
    from dangvien.discipline.models import Discipline, DisciplineStatus, Sanction

    labels = dict(Sanction.choices)
    out: dict[int, list[str]] = {}
    for member_id, form, number, date in (
        Discipline.objects.filter(member_id__in=ids, status=DisciplineStatus.IN_FORCE)
        .order_by("member_id", "decision_date", "id")
        .values_list("member_id", "form", "decision_number", "decision_date")
    ):
        day = date.strftime("%d/%m/%Y") if isinstance(date, dt.date) else ""
        text = ", ".join(p for p in (str(labels.get(form, form)), number, day) if p)
        out.setdefault(member_id, []).append(text)
    return {k: "; ".join(v) for k, v in out.items()}
