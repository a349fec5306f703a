"""Checking and importing a member list (issue 13, part 1).

`check_sheet` reads every row by the confirmed mapping, applies the member
record's rules (the same rule functions as `members.services.member_record_errors`,
with the uniqueness checks done for the whole file at once) and decides for each
row whether it creates a record, updates one, or changes nothing. It writes
nothing: it is the dry run.

`import_sheet` checks the same way and, only when no row is refused, writes
everything in one transaction: new records with their baseline history row and
their membership events (admitted, recognised official), changed records with a
'~' history row by the importer. One refused row among any number writes
nothing. A record is found by its citizen ID, else its party card number, else
(for rows with neither) the same name and birth date in the same cell, so a
second run of the same file changes nothing.

Scope: the chosen organisation must be in the importer's writing scope (NotFound
otherwise); each row's cell is looked up by the "Chi bộ" column among the active
cells of that subtree; a record found outside the importer's scope is refused
without being named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from dangvien.accounts.scope import Scope
from dangvien.core.actors import SYSTEM, Actor
from dangvien.core.errors import ErrorCode, NotFound
from dangvien.core.vietnamese import fold, name_sort_key, split_full_name
from dangvien.members import rules as member_rules
from dangvien.members.errors import MemberError
from dangvien.members.models import (
    DatePrecision,
    EventKind,
    Member,
    MembershipEvent,
    Status,
)
from dangvien.members.name_words import name_words_write
from dangvien.members.services import actor_scope, refresh_party_age_starts
from dangvien.members.summary import COUNTED_FIELDS, Counted, Tally, counted_from
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization
from dangvien.places.legacy import PlaceMatch, current_units
from dangvien.seeding import writer
from dangvien.seeding.baseline import history_baseline

from . import parsing
from .errors import ImportError_
from .parsing import FIELD_BY_KEY, ValueIssue, show_date
from .reading import Sheet, iter_cells

DATE_KEYS = ("birth_date", "joining_date", "official_date", "admission_decision_date")
PRECISION_FIELD = {
    "birth_date": "birth_date_precision",
    "joining_date": "joining_date_precision",
    "official_date": "official_date_precision",
}
TEXT_KEYS = (
    "party_card_number",
    "cv_number",
    "admission_decision_number",
    "phone",
    "email",
    "workplace",
    "admitting_organization",
)
PLACE_KEYS = ("birth_place", "hometown", "permanent_street", "current_street")
# Record fields an import writes (a column not in the file leaves its field as it is).
RECORD_KEYS = (
    "family_name",
    "middle_name",
    "given_name",
    "birth_name",
    "gender",
    "birth_date",
    "birth_date_precision",
    "citizen_id",
    "old_identity_number",
    "party_card_number",
    "cv_number",
    "joining_date",
    "joining_date_precision",
    "official_date",
    "official_date_precision",
    "admission_decision_number",
    "admission_decision_date",
    "birth_place",
    "birth_province",
    "hometown",
    "hometown_province",
    "hometown_commune",
    "permanent_street",
    "current_street",
    "phone",
    "email",
    "workplace",
    "admitting_organization",
    *parsing.CATALOG_KINDS,
)
RECORD_KEY_SET = frozenset(RECORD_KEYS)
MAX_LENGTH = {
    f.name: f.max_length
    for f in Member._meta.concrete_fields
    if getattr(f, "max_length", None) and f.name in RECORD_KEYS
}
# Free text that may not hold < or > (names have their own rule).
NO_ANGLE_BRACKETS = frozenset(
    ("workplace", "admitting_organization", *PLACE_KEYS, "cv_number", "party_card_number")
)
LOOKUP_CHUNK = 500
SEPARATOR = "\x1f"  # between the values of a lookup sent as one text
WRITE_BATCH = 1000


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    LABELS = {"create": "Thêm mới", "update": "Cập nhật", "unchanged": "Không đổi"}


@dataclass
class RowError:
    """One problem of one row: the Excel row number, the file's column header,
    the record field, the domain's error code and the Vietnamese message."""

    row: int
    column: str
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class ParsedRow:
    number: int
    data: dict[str, Any]
    shown: dict[str, str]
    cell: Organization | None = None
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    action: str | None = None
    member: Member | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class Check:
    """What a dry run (or an import) found: counts, every error and note, and
    (when asked) every parsed row."""

    rows_read: int = 0
    refused: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    written: bool = False

    # A refusal of the whole file at the write (code, message): nothing written.
    failure: tuple[str, str] | None = None

    @property
    def ok(self) -> bool:
        return self.refused == 0 and self.failure is None

    def refused_rows(self) -> dict[int, list[RowError]]:
        by_row: dict[int, list[RowError]] = {}
        for error in self.errors:
            by_row.setdefault(error.row, []).append(error)
        return by_row

    def summary(self) -> dict[str, int]:
        return {
            "rows_read": self.rows_read,
            "refused": self.refused,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


Progress = Callable[[int, int], None]


# --- the organisation and its cells ---------------------------------------------------------


def organization_for_import(scope: Scope, organization: Organization | int | str) -> Organization:
    """The organisation an import goes into, by pk, code or object: active and in
    the importer's writing scope; NotFound otherwise (as if it did not exist)."""
    if isinstance(organization, Organization):
        org: Organization | None = organization
    else:
        value = str(organization)
        query = Q(code=value)
        if value.isascii() and value.isdigit():
            query |= Q(pk=int(value))
        org = Organization.objects.filter(query).first()
    if org is None or not org.is_active or not scope.writes_path(org.path):
        raise NotFound()
    return org


class CellIndex:
    """The active cells of a subtree, found by code, full name or document name
    (accent-, case- and space-insensitive)."""

    def __init__(self, root: Organization) -> None:
        self.root = root
        cells = list(
            Organization.objects.filter(
                path__startswith=root.path, level__in=MEMBER_HOLDING_LEVELS, valid_to__isnull=True
            )
        )
        self.by_pk = {c.pk: c for c in cells}
        self.by_key: dict[str, list[Organization]] = {}
        self._found: dict[str, Organization | ValueIssue] = {}
        for cell in cells:
            for key in {fold(cell.code), fold(cell.name), fold(cell.document_name)}:
                if key:
                    self.by_key.setdefault(key, []).append(cell)

    def find(self, value: str) -> Organization:
        """The cell named `value`; the root itself when it is a cell and `value`
        is empty. Raises ValueIssue (cell_required, cell_not_found, cell_ambiguous).
        Answers are kept: a sheet names the same few cells on every row."""
        found = self._found.get(value)
        if found is None:
            try:
                found = self._find(value)
            except ValueIssue as issue:
                found = issue
            self._found[value] = found
        if isinstance(found, ValueIssue):
            raise ValueIssue(found.error, **found.params)  # a fresh one: no traceback grows
        return found

    def _find(self, value: str) -> Organization:
        if not value:
            if self.root.holds_members and self.root.pk in self.by_pk:
                return self.root
            raise ValueIssue(ImportError_.CELL_REQUIRED, organization=self.root.name)
        found = self.by_key.get(fold(value), [])
        unique = {c.pk: c for c in found}
        if len(unique) == 1:
            return next(iter(unique.values()))
        if not unique:
            raise ValueIssue(ImportError_.CELL_NOT_FOUND, value=value, organization=self.root.name)
        raise ValueIssue(
            ImportError_.CELL_AMBIGUOUS,
            value=value,
            count=len(unique),
            organization=self.root.name,
            codes=", ".join(sorted(c.code for c in unique.values())),
        )


# --- one row --------------------------------------------------------------------------------


class _Row:
    """Collects a row's problems by field."""

    def __init__(self, number: int, headers: dict[str, str]) -> None:
        self.number = number
        self.headers = headers
        self.errors: list[RowError] = []
        self.notes: list[RowError] = []

    def _make(self, key: str, code: str, message: str) -> RowError:
        column = self.headers.get(key) or FIELD_BY_KEY.get(key, SimpleNamespace(label=key)).label
        return RowError(self.number, column, key, code, message)

    def add(self, key: str, error: ErrorCode, **params: Any) -> None:
        self.errors.append(self._make(key, error.code, error.text(**params)))

    def add_text(self, key: str, message: str | None, code: str) -> None:
        if message:
            self.errors.append(self._make(key, code, message))

    def issue(self, key: str, issue: ValueIssue) -> None:
        self.errors.append(self._make(key, issue.error.code, issue.message))

    def note(self, key: str, issue: ValueIssue) -> None:
        self.notes.append(self._make(key, issue.error.code, issue.message))

    def has(self, key: str) -> bool:
        return bool(self.errors) and any(e.field == key for e in self.errors)


class PlaceIndex:
    """Today's units a place written out belongs to (places.legacy.current_units:
    today's names, and the names from before the 2025 reorganisation mapped to
    today's province and, where it is one, commune), each distinct text looked
    up once per sheet."""

    def __init__(self) -> None:
        self._found: dict[str, PlaceMatch | None] = {}

    def find(self, place: str) -> PlaceMatch | None:
        if place not in self._found:
            self._found[place] = current_units(place)
        return self._found[place]


# The place fields whose text names today's units: (text, province, commune).
PLACE_UNITS = (
    ("birth_place", "birth_province", None),
    ("hometown", "hometown_province", "hometown_commune"),
)


def parse_row(
    number: int,
    cells: dict[str, Any],
    *,
    headers: dict[str, str],
    date1904: bool,
    convert_legacy: bool,
    cells_index: CellIndex,
    provinces: PlaceIndex,
    today: dt.date,
    catalogs: parsing.CatalogIndex | None = None,
    show_dates: bool = True,
) -> ParsedRow:
    """One row read into record values (`data`), the values as the product read
    them (`shown`, dates as dd/mm/yyyy, mm/yyyy or yyyy unless `show_dates` is
    off: a check whose rows are not shown), its cell, and every problem found
    in the row alone."""
    row = _Row(number, headers)
    data: dict[str, Any] = {}
    shown: dict[str, str] = {}

    def name_part(key: str) -> str:
        value, issue = parsing.parse_name(cells.get(key), convert_legacy=convert_legacy)
        if issue is not None:
            row.issue(key, issue)
        return value

    if "full_name" in cells:
        full = name_part("full_name")
        shown["full_name"] = full
        if full:
            family, middle, given = split_full_name(full)
            data.update(family_name=family, middle_name=middle, given_name=given)
        elif not row.has("full_name"):
            row.add("full_name", ImportError_.NAME_REQUIRED)
    for key in ("family_name", "middle_name", "given_name", "birth_name"):
        if key in cells:
            data[key] = name_part(key)
            shown[key] = data[key]
    if "full_name" in cells and not row.has("full_name"):
        for key in ("family_name", "middle_name", "given_name"):
            message = member_rules.name_error(data.get(key) or "")
            if message:
                row.add_text("full_name", message, MemberError.NAME_NOT_LETTERS.code)
                break
    if "full_name" not in cells:
        for key in ("family_name", "middle_name", "given_name", "birth_name"):
            if key in cells and not row.has(key):
                row.add_text(
                    key,
                    member_rules.name_error(data.get(key) or ""),
                    MemberError.NAME_NOT_LETTERS.code,
                )

    if "gender" in cells:
        try:
            data["gender"] = parsing.parse_gender(cells["gender"])
        except ValueIssue as issue:
            row.issue("gender", issue)
        shown["gender"] = {"M": "Nam", "F": "Nữ"}.get(data.get("gender") or "", "")

    for key in DATE_KEYS:
        if key not in cells:
            continue
        try:
            read = parsing.parse_date(cells[key], date1904=date1904, today=today)
        except ValueIssue as issue:
            row.issue(key, issue)
            continue
        day, precision = read if read else (None, None)
        data[key] = day
        if key in PRECISION_FIELD:
            # An empty cell leaves the stored date, and how precisely it is
            # known, as they are.
            if read:
                data[PRECISION_FIELD[key]] = precision or DatePrecision.DAY
        elif precision not in (None, parsing.DAY):
            row.add(key, MemberError.DATE_INVALID)
        if show_dates:
            shown[key] = show_date(day, precision)

    if "citizen_id" in cells:
        try:
            citizen_id, old_id, note = parsing.parse_identity(cells["citizen_id"])
        except ValueIssue as issue:
            row.issue("citizen_id", issue)
        else:
            data["citizen_id"] = citizen_id
            shown["citizen_id"] = citizen_id or ""
            if old_id:
                data["old_identity_number"] = old_id
                shown["old_identity_number"] = old_id
                row.note("citizen_id", note)  # type: ignore[arg-type]
    if "old_identity_number" in cells:
        try:
            old = parsing.parse_old_identity(cells["old_identity_number"])
        except ValueIssue as issue:
            row.issue("old_identity_number", issue)
        else:
            if old or "old_identity_number" not in data:
                data["old_identity_number"] = old or ""
                shown["old_identity_number"] = old or ""

    for key in TEXT_KEYS:
        if key in cells:
            value = parsing.text(cells[key])
            data[key] = value or (None if key == "party_card_number" else "")
            shown[key] = value
    for key in PLACE_KEYS + ("workplace", "admitting_organization"):
        if key in cells:
            place, place_issue = parsing.parse_free_text(cells[key], convert_legacy=convert_legacy)
            if place_issue is not None:
                row.issue(key, place_issue)
            data[key] = place
            shown[key] = place
    for key in parsing.CATALOG_KINDS:
        if key in cells:
            if catalogs is None:  # reading the values back only (the page of rows)
                shown[key] = parsing.text(cells[key])
                continue
            try:
                item = catalogs.find(key, cells[key])
            except ValueIssue as issue:
                row.issue(key, issue)
                shown[key] = parsing.text(cells[key])
                continue
            data[key] = item
            shown[key] = item.name if item is not None else ""
    for key, province_key, commune_key in PLACE_UNITS:
        if data.get(key):
            # The text is kept as written; the units are today's.
            match = provinces.find(data[key])
            # The text's units replace the stored ones together (a province
            # and a commune of another province never stay side by side).
            data[province_key] = match.province if match is not None else None
            if commune_key:
                data[commune_key] = match.commune if match is not None else None
            if match is not None and match.is_old:
                row.note(key, ValueIssue(ImportError_.PLACE_OLD_NAME, note=match.note))
    for key, typed in data.items():  # one pass over what the row holds
        if type(typed) is not str:
            continue
        limit = MAX_LENGTH.get(key)
        if limit is not None and len(typed) > limit:
            row.add_text(key, f"Quá dài: {len(typed)} ký tự, tối đa {limit} ký tự.", "too_long")
        if key in NO_ANGLE_BRACKETS and ("<" in typed or ">" in typed):
            row.add(key, MemberError.TEXT_ANGLE_BRACKETS)

    cell = None
    try:
        cell = cells_index.find(parsing.text(cells.get("cell")))
    except ValueIssue as issue:
        row.issue("cell", issue)
    shown["cell"] = cell.name if cell else parsing.text(cells.get("cell"))

    parsed = ParsedRow(number=number, data=data, shown=shown, cell=cell)
    parsed.errors, parsed.notes = row.errors, row.notes
    return parsed


def _record_rules(
    row: _Row, data: dict[str, Any], *, fresh: Callable[[str], bool], today: dt.date
) -> None:
    """The rules of `members.services.member_record_errors` that need no database:
    required fields, dates not in the future and in order, the age on admission
    (R1.1-R1.2, checked only on full dates), the official date at the end of the
    probation (Điều lệ Điều 5; skipped when the joining date is not a full date),
    the citizen ID's structure and sex digit, the card and CV number patterns, the phone."""
    if not data.get("given_name") and not row.has("full_name") and not row.has("given_name"):
        row.add(
            "full_name" if "full_name" in row.headers else "given_name",
            MemberError.GIVEN_NAME_REQUIRED,
        )
    if not data.get("family_name") and not row.has("full_name") and not row.has("family_name"):
        row.add(
            "full_name" if "full_name" in row.headers else "family_name",
            MemberError.FAMILY_NAME_REQUIRED,
        )
    if not data.get("gender") and not row.has("gender"):
        row.add("gender", MemberError.GENDER_REQUIRED)
    if not data.get("birth_date") and not row.has("birth_date"):
        row.add("birth_date", MemberError.BIRTH_DATE_REQUIRED)
    if fresh("phone"):
        row.add_text(
            "phone",
            member_rules.phone_error(data.get("phone") or ""),
            MemberError.PHONE_INVALID.code,
        )
    for key in DATE_KEYS:
        if data.get(key) and data[key] > today and not row.has(key):
            row.add(key, MemberError.DATE_IN_FUTURE)

    def usable(key: str) -> dt.date | None:
        return None if row.has(key) else data.get(key)

    def full(key: str) -> bool:
        return data.get(PRECISION_FIELD.get(key, ""), DatePrecision.DAY) == DatePrecision.DAY

    birth, decision = usable("birth_date"), usable("admission_decision_date")
    joining, official = usable("joining_date"), usable("official_date")
    admitted = decision or joining
    admitted_key = "admission_decision_date" if decision else "joining_date"
    if birth and admitted and (fresh("birth_date") or fresh(admitted_key)):
        if admitted <= birth:
            row.add(admitted_key, MemberError.ADMISSION_BEFORE_BIRTH)
        elif full("birth_date") and full(admitted_key):
            problem = member_rules.admission_age_problem(birth, admitted)
            if problem is MemberError.TOO_OLD and (data.get("age_exception") or "").strip():
                problem = None
            if problem is not None:
                row.add_text(
                    admitted_key, member_rules.admission_age_error(birth, admitted), problem.code
                )
    if decision and joining and joining < decision and fresh("joining_date"):
        row.add("joining_date", MemberError.JOINING_BEFORE_DECISION)
    if official and not data.get("joining_date") and not row.has("joining_date"):
        row.add("joining_date", MemberError.JOINING_NEEDED_FOR_OFFICIAL)
    if (
        official
        and joining
        and full("joining_date")
        and (fresh("official_date") or fresh("joining_date"))
    ):
        end = member_rules.probation_end(joining)
        if (
            full("official_date")
            and official != end
            or not full("official_date")
            and (
                official.year != end.year
                or data.get("official_date_precision") == DatePrecision.MONTH
                and official.month != end.month
            )
        ):
            row.add(
                "official_date",
                MemberError.OFFICIAL_DATE_WRONG,
                months=member_rules.PROBATION_MONTHS.on(joining),
                day=f"{end:%d/%m/%Y}",
            )
    citizen_id = data.get("citizen_id") or ""
    if citizen_id and fresh("citizen_id") and not row.has("citizen_id"):
        id_problem = member_rules.citizen_id_problem(citizen_id, gender=data.get("gender"))
        if id_problem:
            row.add("citizen_id", id_problem[0], **id_problem[1])
    card = data.get("party_card_number") or ""
    if card and fresh("party_card_number"):
        row.add_text(
            "party_card_number",
            member_rules.pattern_error(
                card, member_rules.PARTY_CARD_NUMBER_PATTERN, "Số thẻ đảng viên"
            ),
            MemberError.PATTERN.code,
        )
    if data.get("cv_number") and fresh("cv_number"):
        row.add_text(
            "cv_number",
            member_rules.pattern_error(
                data["cv_number"], member_rules.CV_NUMBER_PATTERN, "Số lý lịch"
            ),
            MemberError.PATTERN.code,
        )


# --- the whole sheet ------------------------------------------------------------------------------


def _lookup(field_name: str, values: set[str]) -> dict[str, Member]:
    """The records holding any of `values` in `field_name` (citizen ID or card
    number), by value. PostgreSQL gets the values as one array parameter (one
    statement for 100,000 values); SQLite in chunks of LOOKUP_CHUNK."""
    found: dict[str, Member] = {}
    if not values:
        return found
    if connection.vendor == "postgresql":
        table = Member._meta.db_table
        column = Member._meta.get_field(field_name).column  # type: ignore[union-attr]
        # One text parameter split in the database: psycopg adapting 100,000
        # list items costs more than the query. Cell text never holds \x1f
        # (parsing.text folds it away as whitespace).
        query = Member.objects.raw(
            f'SELECT * FROM "{table}" WHERE "{column}" = ANY(string_to_array(%s, %s))',  # noqa: S608
            [SEPARATOR.join(sorted(values)), SEPARATOR],
        )
        for member in query:
            found[getattr(member, field_name)] = member
        return found
    ordered = sorted(values)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        for member in Member.objects.filter(**{f"{field_name}__in": chunk}):
            found[getattr(member, field_name)] = member
    return found


def check_sheet(
    sheet: Sheet,
    *,
    mapping: dict[str, str],
    organization: Organization,
    actor: Actor = SYSTEM,
    convert_legacy: bool = False,
    keep_rows: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> tuple[Check, list[ParsedRow]]:
    """The dry run: every row read, checked and given its action; writes nothing.

    `mapping` is {column index as text: field key}. Returns the Check (counts,
    errors, notes; the parsed rows too when `keep_rows`) and the rows to write.
    Raises NotFound when `organization` is outside the actor's writing scope."""
    today = today or dt.date.today()
    scope = actor_scope(actor)
    if scope is not None:
        organization_for_import(scope, organization)
    headers = _headers(sheet, mapping)
    index = CellIndex(organization)
    provinces = PlaceIndex()
    catalogs = (
        parsing.CatalogIndex() if set(mapping.values()) & set(parsing.CATALOG_KINDS) else None
    )
    check = Check()
    parsed: list[ParsedRow] = []
    total = len(sheet.rows)
    for done, (number, cells) in enumerate(iter_cells(sheet, mapping), start=1):
        parsed.append(
            parse_row(
                number,
                cells,
                headers=headers,
                date1904=sheet.date1904,
                convert_legacy=convert_legacy,
                cells_index=index,
                provinces=provinces,
                today=today,
                catalogs=catalogs,
                show_dates=keep_rows,
            )
        )
        if progress and done % 2000 == 0:
            progress(done // 2, total)
    check.rows_read = len(parsed)

    by_citizen = _lookup(
        "citizen_id", {r.data["citizen_id"] for r in parsed if r.data.get("citizen_id")}
    )
    by_card = _lookup(
        "party_card_number",
        {r.data["party_card_number"] for r in parsed if r.data.get("party_card_number")},
    )
    keyless = [
        r for r in parsed if not r.data.get("citizen_id") and not r.data.get("party_card_number")
    ]
    by_name: dict[tuple[str, dt.date | None, int], Member] = {}
    if keyless:
        for member in Member.objects.filter(
            org_path__startswith=organization.path,
            citizen_id__isnull=True,
            party_card_number__isnull=True,
        ):
            by_name[(member.search_name, member.birth_date, member.organization_id)] = member

    seen: dict[str, dict[str, int]] = {"citizen_id": {}, "party_card_number": {}, "name": {}}
    labels = {
        "citizen_id": "Số CCCD",
        "party_card_number": "Số thẻ đảng viên",
        "name": "Họ tên, ngày sinh",
    }
    for done, parsed_row in enumerate(parsed, start=1):
        _decide(
            parsed_row,
            scope=scope,
            headers=headers,
            by_citizen=by_citizen,
            by_card=by_card,
            by_name=by_name,
            seen=seen,
            labels=labels,
            today=today,
        )
        if parsed_row.errors:
            check.refused += 1
            check.errors.extend(parsed_row.errors)
        elif parsed_row.action == Action.CREATE:
            check.created += 1
        elif parsed_row.action == Action.UPDATE:
            check.updated += 1
        else:
            check.unchanged += 1
        check.notes.extend(parsed_row.notes)
        if progress and done % 2000 == 0:
            progress(total // 2 + done // 2, total)
    if keep_rows:
        check.rows = parsed
    return check, parsed


def _decide(
    row: ParsedRow,
    *,
    scope: Scope | None,
    headers: dict[str, str],
    by_citizen: dict[str, Member],
    by_card: dict[str, Member],
    by_name: dict[tuple[str, dt.date | None, int], Member],
    seen: dict[str, dict[str, int]],
    labels: dict[str, str],
    today: dt.date,
) -> None:
    collector = _Row(row.number, headers)
    collector.errors = row.errors  # the row's own problems count (no second message per field)
    data = row.data
    citizen_id, card = data.get("citizen_id"), data.get("party_card_number")
    # The name key finds a record only for rows with neither number.
    key_name = (
        ""
        if citizen_id or card
        else fold(
            " ".join(
                p
                for p in (data.get("family_name"), data.get("middle_name"), data.get("given_name"))
                if p
            )
        )
    )

    # Duplicates inside the file.
    keys = {"citizen_id": citizen_id, "party_card_number": card}
    if not citizen_id and not card and row.cell is not None:
        keys["name"] = f"{key_name}|{data.get('birth_date')}|{row.cell.pk}"
    for kind, value in keys.items():
        if not value:
            continue
        first = seen[kind].setdefault(value, row.number)
        if first != row.number:
            column = "full_name" if kind == "name" else kind
            collector.add(
                column,
                ImportError_.DUPLICATE_IN_FILE,
                label=labels[kind],
                value=value.split("|")[0],
                row=first,
            )

    # Sensitive numbers from an importer who may not see them at the row's cell
    # are refused before they are looked up: the answer (found, where, what
    # changes) must tell nothing about who holds them.
    if scope is not None and (citizen_id or data.get("old_identity_number")):
        if row.cell is None:
            return  # refused for its cell already; nothing is looked up
        at_cell = SimpleNamespace(pk=0, org_path=row.cell.path)
        if not scope.sees_sensitive(at_cell):
            for key, label in (("citizen_id", "số CCCD"), ("old_identity_number", "số CMND cũ")):
                if data.get(key):
                    collector.add(key, MemberError.FIELD_NOT_WRITABLE, label=label)
            return

    # The record the row is about.
    member = by_citizen.get(citizen_id or "") if citizen_id else None
    by_card_member = by_card.get(card or "") if card else None
    if member is None:
        member = by_card_member
    elif by_card_member is not None and by_card_member.pk != member.pk:
        seen_card = scope is None or scope.reaches_path(by_card_member.org_path)
        collector.add(
            "party_card_number", MemberError.CARD_TAKEN if seen_card else MemberError.CARD_UNUSABLE
        )
    if member is None and not citizen_id and not card and row.cell is not None:
        member = by_name.get((key_name, data.get("birth_date"), row.cell.pk))

    if member is not None and scope is not None and not scope.writes_path(member.org_path):
        kind = (
            "citizen_id"
            if citizen_id and by_citizen.get(citizen_id) is member
            else "party_card_number"
        )
        collector.add(
            kind,
            ImportError_.MEMBER_OUTSIDE_SCOPE,
            label={"citizen_id": "số CCCD", "party_card_number": "số thẻ đảng viên"}[kind],
        )
        return
    if member is not None and row.cell is not None and member.organization_id != row.cell.pk:
        collector.add(
            "cell",
            ImportError_.CELL_DIFFERS,
            current=member.organization.name,
            value=row.shown.get("cell", ""),
        )

    # Sensitive fields (citizen ID, old card) only where the importer sees them.
    path = member.org_path if member is not None else (row.cell.path if row.cell else "")
    subject = SimpleNamespace(pk=member.pk if member is not None else 0, org_path=path)
    if scope is not None and not scope.sees_sensitive(subject):
        for key, label in (("citizen_id", "số CCCD"), ("old_identity_number", "số CMND cũ")):
            if data.get(key):
                collector.add(key, MemberError.FIELD_NOT_WRITABLE, label=label)

    written = {k: v for k, v in data.items() if k in RECORD_KEY_SET}
    if member is None:
        row.action = Action.CREATE
        _record_rules(collector, written, fresh=lambda _k: True, today=today)
        if not written.get("joining_date") and not collector.has("joining_date"):
            collector.add("joining_date", MemberError.JOINING_REQUIRED)
    else:
        # An empty cell leaves the field as it is; a typed value replaces it
        # (a place typed replaces its province and commune, found or not).
        units = {
            unit
            for text_key, *keys in PLACE_UNITS
            if written.get(text_key)
            for unit in keys
            if unit
        }
        written = {k: v for k, v in written.items() if v not in (None, "") or k in units}
        merged = {k: _stored(member, k) for k in RECORD_KEYS}
        merged.update(written)
        row.changed = [k for k, v in written.items() if _stored(member, k) != _typed(v)]
        row.member = member
        row.action = Action.UPDATE if row.changed else Action.UNCHANGED
        _record_rules(collector, merged, fresh=lambda k: k in row.changed, today=today)
        if "birth_date" in row.changed and member.birth_date:
            collector.add("birth_date", MemberError.BIRTH_DATE_NEEDS_DECISION)


# Record fields that are foreign keys: compared by their ids (no query per row).
FOREIGN_KEYS = {
    f.name: f.attname
    for f in Member._meta.concrete_fields
    if f.is_relation and f.name in RECORD_KEYS
}


def _stored(member: Member, key: str) -> Any:
    """The record's value of `key` as the import compares it (an id for a foreign key)."""
    return getattr(member, FOREIGN_KEYS.get(key, key))


def _typed(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


# --- writing --------------------------------------------------------------------------------------


def import_sheet(
    sheet: Sheet,
    *,
    mapping: dict[str, str],
    organization: Organization,
    actor: Actor = SYSTEM,
    convert_legacy: bool = False,
    source: str = "",
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> Check:
    """Check the sheet, then, when no row is refused, write it all in one
    transaction (nothing at all otherwise). New records get a '+' history row
    (the importer, reason «Nhập từ tệp …») and their events (admitted on the
    joining date; recognised official on the official date); changed records a
    '~' history row. Returns the Check with `written` set when it wrote.
    Raises NotFound when `organization` is outside the actor's writing scope."""
    check, parsed = check_sheet(
        sheet,
        mapping=mapping,
        organization=organization,
        actor=actor,
        convert_legacy=convert_legacy,
        progress=progress,
        today=today,
    )
    if not check.ok:
        return check
    done = write_checked(
        check, parsed, headers=_headers(sheet, mapping), actor=actor, source=source
    )
    if done.written:
        # The data-quality figures of the subtree, recounted by the job queue.
        from dangvien.quality.jobs import refresh_quality_summary_of

        transaction.on_commit(lambda: refresh_quality_summary_of(organization.pk))
    return done


def _headers(sheet: Sheet, mapping: dict[str, str]) -> dict[str, str]:
    return {key: sheet.headers[int(col)] for col, key in mapping.items() if key}


def write_checked(
    check: Check,
    parsed: list[ParsedRow],
    *,
    headers: dict[str, str],
    actor: Actor = SYSTEM,
    source: str = "",
) -> Check:
    """Write what `check_sheet` found (`check` with no row refused, its parsed
    rows) in one transaction: new records, then changed ones. A record edited
    since the check read it (its version moved on) refuses its row with
    `record_changed` and nothing at all is written. `headers`: {field key: the
    file's column header}. Returns `check`, `written` set when it wrote."""
    if not check.ok:
        return check
    reason = f"Nhập từ tệp «{source}»" if source else "Nhập danh sách đảng viên"
    try:
        with transaction.atomic():
            tally = Tally()
            _create(
                [r for r in parsed if r.action == Action.CREATE],
                actor=actor,
                reason=reason,
                tally=tally,
            )
            _update(
                [r for r in parsed if r.action == Action.UPDATE],
                actor=actor,
                reason=reason,
                tally=tally,
            )
            tally.apply()  # the organisations' figures, in the same transaction
    except IntegrityError:
        # A citizen ID or card number written by someone else since the check
        # (the unique constraints refuse the row): nothing is written.
        # The rows are not at fault: the whole file is refused; check again.
        check.created = check.updated = check.unchanged = 0
        error = ImportError_.NUMBER_TAKEN_MEANWHILE
        check.failure = (error.code, error.text())
        check.errors.append(RowError(0, "", "", error.code, error.text()))
        return check
    except ImportChanged as changed:
        check.created = check.updated = check.unchanged = 0
        check.refused = len(changed.rows)
        for number in changed.rows:
            collector = _Row(number, headers)
            key = "full_name" if "full_name" in headers else "given_name"
            collector.add(key, ImportError_.RECORD_CHANGED)
            check.errors.extend(collector.errors)
        return check
    check.written = True
    return check


def _cells_moved(rows: list[ParsedRow]) -> list[int]:
    """The rows whose cell was moved, dissolved or renumbered since the check read it."""
    cells = {row.cell.pk: row.cell for row in rows if row.cell is not None}
    now = dict(
        Organization.objects.select_for_update()
        .filter(pk__in=list(cells), valid_to__isnull=True)
        .values_list("pk", "path")
    )
    moved = {pk for pk, cell in cells.items() if now.get(pk) != cell.path}
    return [row.number for row in rows if row.cell is not None and row.cell.pk in moved]


def _create(rows: list[ParsedRow], *, actor: Actor, reason: str, tally: Tally) -> None:
    """Write the new records: ids from the table's sequence, the rows and their
    events by COPY (PostgreSQL; executemany on SQLite), the stored start of
    party age, then one '+' history row each by INSERT ... SELECT, in chunks of
    WRITE_BATCH. Rows are built as column values from the fields' defaults, with
    no model instance and no save (100,000 rows in one import)."""
    user_id = actor.pk if getattr(actor, "pk", None) else None
    member_fields = writer.model_columns(Member)
    event_fields = [f for f in writer.model_columns(MembershipEvent) if not f.primary_key]
    member_columns = [f.column for f in member_fields]
    event_columns = [f.column for f in event_fields]
    now = timezone.now()
    member_defaults = {f.attname: f.get_default() for f in member_fields}
    member_defaults.update(created_at=now, updated_at=now)
    event_defaults = {f.attname: f.get_default() for f in event_fields}
    event_defaults.update(created_at=now, created_by_id=user_id)
    # Values COPY cannot take as they are (date-times, bytes, files) go through
    # the field's own get_db_prep_save.
    prepared = {f.attname: f for f in member_fields if writer.needs_prep(f)}
    event_prepared = {f.attname for f in event_fields if writer.needs_prep(f)}
    attname = {f.name: f.attname for f in member_fields}

    def member_row(values: dict[str, Any]) -> tuple:
        return tuple(
            prepared[f.attname].get_db_prep_save(values[f.attname], connection)
            if f.attname in prepared
            else values[f.attname]
            for f in member_fields
        )

    def event_row(values: dict[str, Any]) -> tuple:
        return tuple(
            f.get_db_prep_save(values[f.attname], connection)
            if f.attname in event_prepared
            else values[f.attname]
            for f in event_fields
        )

    if moved := _cells_moved(rows):
        raise ImportChanged(moved)
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start : start + WRITE_BATCH]
        ids = writer.allocate_ids(Member, len(batch))
        member_rows = []
        event_rows = []
        for row, pk in zip(batch, ids, strict=True):
            cell = row.cell
            assert cell is not None
            values = dict(member_defaults)
            for key, value in row.data.items():
                if key in RECORD_KEY_SET:
                    values[attname[key]] = value.pk if isinstance(value, models.Model) else value
            family, middle, given = (
                values["family_name"],
                values["middle_name"],
                values["given_name"],
            )
            official = values["official_date"]
            values.update(
                id=pk,
                organization_id=cell.pk,
                org_path=cell.path,
                status=Status.OFFICIAL if official else Status.PROBATIONARY,
                sort_key=name_sort_key(family, middle, given),
                search_name=fold(" ".join(p for p in (family, middle, given) if p)),
            )
            member_rows.append(member_row(values))
            tally.add(Counted(*(values[name] for name in COUNTED_FIELDS)))
            joining = values["joining_date"]
            event = dict(event_defaults)
            event.update(
                member_id=pk,
                kind=EventKind.ADMITTED,
                date=joining,
                date_precision=values["joining_date_precision"] or DatePrecision.DAY,
                organization_id=cell.pk,
                decision_number=values["admission_decision_number"] or "",
                decision_date=values["admission_decision_date"],
                status_after=Status.PROBATIONARY,
                organization_after_id=cell.pk,
            )
            event_rows.append(event_row(event))
            if official:
                event = dict(event_defaults)
                event.update(
                    member_id=pk,
                    kind=EventKind.RECOGNISED,
                    date=official,
                    date_precision=values["official_date_precision"] or DatePrecision.DAY,
                    seq=1 if official == joining else 0,
                    status_after=Status.OFFICIAL,
                    organization_after_id=cell.pk,
                )
                event_rows.append(event_row(event))
        writer.write_rows(Member._meta.db_table, member_columns, member_rows)
        writer.write_rows(MembershipEvent._meta.db_table, event_columns, event_rows)
        # The stored start of party age (badge lists), as member_add_event keeps
        # it, before the history row copies the record.
        refresh_party_age_starts(ids)
        name_words_write(ids)
        history_baseline(_members_with_ids(ids), actor=actor, reason=reason, only_missing=False)


def _members_with_ids(ids: list[int]) -> Any:
    """The records `ids` as a queryset whose SQL stays short: a range when the
    ids follow each other (a sequence's block), else the list."""
    if ids and ids[-1] - ids[0] + 1 == len(ids) and ids == sorted(ids):
        return Member.objects.filter(pk__range=(ids[0], ids[-1]))
    return Member.objects.filter(pk__in=ids)


def _update(rows: list[ParsedRow], *, actor: Actor, reason: str, tally: Tally) -> None:
    """Write the changed records in chunks of WRITE_BATCH: each record only if
    it is still at the version the check read (an edit made in between refuses
    the whole import: ImportChanged), then a '~' history row each."""
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start : start + WRITE_BATCH]
        # What the check read: the version, and where the record was (a
        # transfer moves it without a new version).
        read = {
            row.member.pk: (row.member.version, row.member.organization_id, row.member.org_path)
            for row in batch
            if row.member is not None
        }
        now = {}
        placed = {}  # what an event may have changed without a new version
        for pk, version, org_id, path, status, exempt in (
            Member.objects.select_for_update()
            .filter(pk__in=list(read))
            .values_list("pk", "version", "organization_id", "org_path", "status", "is_exempt")
        ):
            now[pk] = (version, org_id, path)
            placed[pk] = (status, exempt)
        moved = sorted(pk for pk, seen in read.items() if now.get(pk) != seen)
        if moved:
            numbers = [row.number for row in batch if row.member and row.member.pk in moved]
            raise ImportChanged(numbers)
        members = []
        fields: set[str] = {"version", "sort_key", "search_name", "updated_at"}
        for row in batch:
            member = row.member
            assert member is not None
            member.status, member.is_exempt = placed[member.pk]
            before = counted_from(member)
            for key in row.changed:
                setattr(member, key, row.data[key])
            tally.move(before, counted_from(member))
            fields.update(row.changed)
            member.sort_key = name_sort_key(
                member.family_name, member.middle_name, member.given_name
            )
            member.search_name = fold(member.full_name)
            member.version += 1
            member.updated_at = timezone.now()
            members.append(member)
        Member.objects.bulk_update(members, sorted(fields))
        ids = [m.pk for m in members]
        if {"family_name", "middle_name", "given_name"} & fields:
            name_words_write(ids)
        if {"admission_decision_date", "joining_date"} & fields:
            refresh_party_age_starts(ids)
        history_baseline(
            Member.objects.filter(pk__in=ids),
            actor=actor,
            reason=reason,
            only_missing=False,
            history_type="~",
        )


class ImportChanged(Exception):
    """Records changed (by a form, another import) after the check read them:
    `rows`, the sheet's row numbers. The import writes nothing; run the check again."""

    def __init__(self, rows: list[int]) -> None:
        super().__init__(rows)
        self.rows = rows
