"""Writes to member records: one function per business action, each in one
transaction, each leaving who/when/before/after in the record's history."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import PurePath
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile

from dangvien.accounts.scope import Scope, scope_for
from dangvien.core.actors import Actor, SystemActor, with_change_reason, with_history_user
from dangvien.core.errors import ConcurrentEditError, RecordValidationError
from dangvien.core.vietnamese import fold, name_sort_key, normalize_name_part
from dangvien.organizations.models import Organization

from . import rules
from .dates import coarser, first_day, format_partial_date, truncate
from .display import SENSITIVE_FIELDS
from .errors import MemberError
from .models import (
    ACTIVE_STATUSES,
    DatePrecision,
    EventKind,
    Member,
    MembershipEvent,
    Status,
)
from .name_words import name_words_write
from .signals import membership_ended
from .summary import counted_from, counted_of, membership_summary_shift

NAME_FIELDS = ("family_name", "middle_name", "given_name")
DERIVED_FIELDS = {
    "status",
    "is_exempt",
    "organization",
    "org_path",
    "sort_key",
    "search_name",
    "version",
    "user",
    "party_age_start",
}
ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
DATE_FIELDS = (
    "birth_date",
    "birth_date_decision_date",
    "admission_decision_date",
    "joining_date",
    "official_date",
)
# Dates an old dossier may know only by month or year: `<name>_precision` beside
# each (models.DatePrecision; the date holds the first day of the known period).
PARTIAL_DATE_FIELDS = ("birth_date", "joining_date", "official_date")
# Fields a caller may write only where they may see them (the record page's rule).
FIELD_LABELS = {
    "citizen_id": "số CCCD",
    "old_identity_number": "số CMND cũ",
    "party_card_number": "số thẻ đảng viên",
}
# Default bound on a photo's size in pixels, when the setting MEMBER_PHOTO_MAX_PIXELS
# (settings.py) is absent.
PHOTO_MAX_PIXELS = 25_000_000


class Problems:
    """Field errors collected all at once, each with its code."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}
        self.codes: dict[str, list[str]] = {}

    def add(self, field: str, error: MemberError, **params: Any) -> None:
        """Record `error` (filled with `params`) at `field`."""
        self.add_text(field, error.text(**params), error.code)

    def add_text(self, field: str, message: str | None, code: str) -> None:
        """Record a message already written (e.g. by a rule function) at `field`."""
        if message:
            self.messages.setdefault(field, []).append(message)
            self.codes.setdefault(field, []).append(code)

    def __contains__(self, field: str) -> bool:
        return field in self.messages

    def __bool__(self) -> bool:
        return bool(self.messages)

    def exception(self) -> RecordValidationError:
        """One error for all fields; its code is the first field's, `codes` has them all."""
        first = next(iter(self.codes.values()))[0] if self.codes else None
        exc = RecordValidationError(self.messages, code=first)
        exc.codes = self.codes  # type: ignore[attr-defined]
        return exc

    def raise_if_any(self) -> None:
        """Raise `exception()` when anything was recorded."""
        if self:
            raise self.exception()


def actor_scope(actor: Actor | None) -> Scope | None:
    """The scope that limits what `actor` may see and write; None for the system."""
    if actor is None or isinstance(actor, SystemActor):
        return None
    return scope_for(actor)


def _sees_sensitive(scope: Scope | None, member: Any) -> bool:
    return scope is None or scope.sees_sensitive(member)


def member_record_errors(
    data: dict[str, Any],
    *,
    member: Member | None = None,
    scope: Scope | None = None,
    age_checked_on: dt.date | None = None,
) -> Problems:
    """Check a whole member record (already cleaned) against the rules; every
    problem of every field at once. Pages (the form) and services both call it.

    `member` is the record as stored when `data` edits it (its own citizen ID is
    no duplicate, and a changed birth date needs a decision). `scope` words the
    duplicate messages: a record outside it is never named (None: the system).

    R1.1 counts the age on the day the cell considered the admission
    (`age_checked_on`, when the admission workflow knows it); a record typed in
    from a dossier only has the admission dates, and is checked on those."""
    problems = Problems()
    exclude_pk = member.pk if member is not None else None
    others = Member.objects.all() if exclude_pk is None else Member.objects.exclude(pk=exclude_pk)

    def fresh(field: str) -> bool:
        """Typed now: a value kept from before is not held against an edit of
        other fields (it was accepted by the rules of its day)."""
        return member is None or data.get(field) != getattr(member, field)

    for field in NAME_FIELDS + ("birth_name",):
        if not fresh(field):
            continue
        message = rules.name_error(data.get(field) or "")
        if message:
            code = (
                MemberError.NAME_ANGLE_BRACKETS
                if "<" in (data.get(field) or "") or ">" in (data.get(field) or "")
                else MemberError.NAME_NOT_LETTERS
            )
            problems.add_text(field, message, code.code)
    if not (data.get("given_name") or "").strip() and "given_name" not in problems:
        problems.add("given_name", MemberError.GIVEN_NAME_REQUIRED)
    if not (data.get("family_name") or "").strip() and "family_name" not in problems:
        problems.add("family_name", MemberError.FAMILY_NAME_REQUIRED)
    if not data.get("gender"):
        problems.add("gender", MemberError.GENDER_REQUIRED)
    if not data.get("birth_date"):
        problems.add("birth_date", MemberError.BIRTH_DATE_REQUIRED)
    if fresh("phone"):
        problems.add_text("phone", rules.phone_error(data.get("phone") or ""), "phone_invalid")
    for field in PARTIAL_DATE_FIELDS:
        if data.get(f"{field}_precision", DatePrecision.DAY) not in DatePrecision.values:
            problems.add(field, MemberError.PARTIAL_DATE_INVALID)

    today = dt.date.today()
    for field in DATE_FIELDS:
        if data.get(field) and data[field] > today:
            problems.add(field, MemberError.DATE_IN_FUTURE)

    def usable(field: str) -> dt.date | None:
        """A date the comparisons may use: given, and not itself wrong."""
        return None if field in problems else data.get(field)

    birth = usable("birth_date")
    decision = usable("admission_decision_date")
    joining = usable("joining_date")
    official = usable("official_date")
    admitted = decision or joining
    # How much of each date is known: compared only as far as both are.
    known = {
        "birth": data.get("birth_date_precision"),
        "joining": data.get("joining_date_precision"),
        "decision": DatePrecision.DAY,
    }

    def before(a: dt.date, a_known: str, b: dt.date, b_known: str, *, or_same: bool) -> bool:
        precision = coarser(known[a_known], known[b_known])
        left, right = truncate(a, precision), truncate(b, precision)
        return left <= right if or_same else left < right

    if birth and admitted:
        field = "admission_decision_date" if decision else "joining_date"
        if before(admitted, "decision" if decision else "joining", birth, "birth", or_same=True):
            problems.add(field, MemberError.ADMISSION_BEFORE_BIRTH)
        else:
            # R1.1-R1.2: 18 to 60 on admission; over 60 only with the written consent.
            on = age_checked_on or admitted
            problem = rules.admission_age_problem(birth, on)
            if problem is MemberError.TOO_OLD and (data.get("age_exception") or "").strip():
                problem = None
            if problem is not None:
                problems.add_text(field, rules.admission_age_error(birth, on), problem.code)
    if (
        birth
        and joining
        and before(joining, "joining", birth, "birth", or_same=True)
        and "joining_date" not in problems
    ):
        problems.add("joining_date", MemberError.JOINING_BEFORE_BIRTH)
    if decision and joining and before(joining, "joining", decision, "decision", or_same=False):
        problems.add("joining_date", MemberError.JOINING_BEFORE_DECISION)
    if official and not data.get("joining_date"):
        problems.add("joining_date", MemberError.JOINING_NEEDED_FOR_OFFICIAL)
    if (
        official
        and joining
        and not _same_day_as_known(
            official,
            data.get("official_date_precision"),
            rules.probation_end(joining),
            data.get("joining_date_precision"),
        )
    ):
        problems.add(
            "official_date",
            MemberError.OFFICIAL_DATE_WRONG,
            months=rules.PROBATION_MONTHS.on(joining),
            day=f"{rules.probation_end(joining):%d/%m/%Y}",
        )
    if member is not None:
        _birth_date_guard(problems, data, member)

    if fresh("old_identity_number"):
        old_id_problem = rules.old_identity_number_problem(data.get("old_identity_number"))
        if old_id_problem is not None:
            problems.add("old_identity_number", old_id_problem)
    citizen_id = data.get("citizen_id") or ""
    if citizen_id and fresh("citizen_id"):
        id_problem = rules.citizen_id_problem(citizen_id, gender=data.get("gender"))
        if id_problem:
            problems.add("citizen_id", id_problem[0], **id_problem[1])
        else:
            taken = others.filter(citizen_id=citizen_id).only("pk", "org_path").first()
            if taken is not None:
                problems.add(
                    "citizen_id",
                    MemberError.CITIZEN_ID_TAKEN
                    if _sees_sensitive(scope, taken)
                    else MemberError.CITIZEN_ID_UNUSABLE,
                )
    card = data.get("party_card_number") or ""
    if card and fresh("party_card_number"):
        message = rules.pattern_error(card, rules.PARTY_CARD_NUMBER_PATTERN, "Số thẻ đảng viên")
        problems.add_text("party_card_number", message, MemberError.PATTERN.code)
        taken = others.filter(party_card_number=card).only("pk", "org_path").first()
        if message is None and taken is not None:
            seen = scope is None or scope.reaches_path(taken.org_path)
            problems.add(
                "party_card_number",
                MemberError.CARD_TAKEN if seen else MemberError.CARD_UNUSABLE,
            )
    if fresh("cv_number"):
        problems.add_text(
            "cv_number",
            rules.pattern_error(data.get("cv_number") or "", rules.CV_NUMBER_PATTERN, "Số lý lịch"),
            MemberError.PATTERN.code,
        )

    photo_problem = _photo_problem(data.get("photo"))
    if photo_problem:
        problems.add("photo", photo_problem[0], **photo_problem[1])
    for prefix in ("hometown", "permanent", "current"):
        province, commune = data.get(f"{prefix}_province"), data.get(f"{prefix}_commune")
        if commune is not None and province is not None and commune.province_id != province.pk:
            problems.add(f"{prefix}_commune", MemberError.COMMUNE_NOT_IN_PROVINCE)
    return problems


def _same_day_as_known(
    day: dt.date, day_precision: str | None, expected: dt.date, expected_precision: str | None
) -> bool:
    """Whether `day` is `expected` as far as both are known: compared by day when
    both are whole days, else by month or year (the coarser of the two precisions;
    a ceremony known as «03/1960» ends its probation in «03/1961»)."""
    precision = coarser(day_precision, expected_precision)
    return truncate(day, precision) == truncate(expected, precision)


def _birth_date_guard(problems: Problems, data: dict[str, Any], member: Member) -> None:
    """Thông báo 13-TB/TW: the date of birth is the original CV's. Changing it on a
    record needs the competent committee's decision (number and date), a new one
    for each correction. Saying more or less of it (a year made a whole day, or
    the reverse) changes it too."""
    new = data.get("birth_date")
    new_precision = data.get("birth_date_precision", member.birth_date_precision)
    if (
        not new
        or not member.birth_date
        or (new, new_precision) == (member.birth_date, member.birth_date_precision)
    ):
        return
    number = (data.get("birth_date_decision_number") or "").strip()
    day = data.get("birth_date_decision_date")
    stored = ((member.birth_date_decision_number or "").strip(), member.birth_date_decision_date)
    if not number or not day or (number, day) == stored:
        problems.add("birth_date", MemberError.BIRTH_DATE_NEEDS_DECISION)


def _photo_problem(photo: Any) -> tuple[MemberError, dict[str, Any]] | None:
    """A new upload must be a JPEG, PNG or WEBP within the size and pixel bounds.

    The type is read from the content, not the name: an accepted photo is renamed
    with the extension of what it is (a PNG sent as «anh.pdf» is stored as .png),
    so it is served as an image."""
    if not photo or isinstance(photo, FieldFile) or not hasattr(photo, "size"):
        return None  # nothing new uploaded
    if photo.size > settings.MEMBER_PHOTO_MAX_BYTES:
        return MemberError.PHOTO_TOO_LARGE, {
            "limit": settings.MEMBER_PHOTO_MAX_BYTES // 1024 // 1024
        }
    from PIL import Image, UnidentifiedImageError

    max_pixels = getattr(settings, "MEMBER_PHOTO_MAX_PIXELS", PHOTO_MAX_PIXELS)
    try:
        photo.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(photo) as image:
                image_format = image.format
                width, height = image.size
                if width * height > max_pixels:
                    return MemberError.PHOTO_TOO_MANY_PIXELS, {
                        "width": width,
                        "height": height,
                        "limit": f"{max_pixels / 1_000_000:g}",
                    }
                image.verify()
        photo.seek(0)
    except Image.DecompressionBombError:
        return MemberError.PHOTO_TOO_MANY_PIXELS, {
            "width": "?",
            "height": "?",
            "limit": f"{max_pixels / 1_000_000:g}",
        }
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return MemberError.PHOTO_NOT_IMAGE, {}
    if image_format not in ALLOWED_IMAGE_FORMATS:
        return MemberError.PHOTO_FORMAT, {}
    stem = PurePath(photo.name or "anh").stem or "anh"
    photo.name = f"{stem}.{ALLOWED_IMAGE_FORMATS[image_format]}"
    if hasattr(photo, "content_type"):
        photo.content_type = Image.MIME[image_format]
    return None


def photo_content_type(photo: Any) -> str | None:
    """The type a stored photo's content is ("image/png"...), read from its bytes;
    None when it is not one of the accepted image formats. For serving photos
    stored before their names were corrected."""
    from PIL import Image, UnidentifiedImageError

    try:
        with photo.open("rb") as handle, Image.open(handle) as image:
            image_format = image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return Image.MIME.get(image_format) if image_format in ALLOWED_IMAGE_FORMATS else None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for field in NAME_FIELDS + ("birth_name",):
        if field in data:
            data[field] = normalize_name_part(data[field] or "")
    if "citizen_id" in data:
        data["citizen_id"] = rules.normalize_citizen_id(data["citizen_id"])
    if "party_card_number" in data:
        data["party_card_number"] = (data["party_card_number"] or "").strip() or None
    if "old_identity_number" in data:
        data["old_identity_number"] = rules.normalize_old_identity_number(
            data["old_identity_number"]
        )
    for field in ("phone", "birth_date_decision_number"):
        if field in data:
            data[field] = (data[field] or "").strip()
    for field in PARTIAL_DATE_FIELDS:
        # A date known in part is stored as the first day of its period.
        key = f"{field}_precision"
        if field in data and data.get(key) in (None, ""):
            data[key] = DatePrecision.DAY  # a date given without one is a whole day
        if data.get(field) and data.get(key) in DatePrecision.values:
            data[field] = first_day(data[field], data[key])
    return data


def _refuse_unseen_fields(
    scope: Scope | None, member: Any, data: dict[str, Any], *, creating: bool
) -> None:
    """A caller may not write a field they may not see (the citizen ID outside the
    board, inspection and the member's own record): refused, nothing written.
    Any value is refused, even the one stored, so the answer tells nothing."""
    if scope is None or scope.sees_sensitive(member):
        return
    problems = Problems()
    for name in sorted(SENSITIVE_FIELDS):
        if name in data and (not creating or data[name]):
            problems.add(name, MemberError.FIELD_NOT_WRITABLE, label=FIELD_LABELS.get(name, name))
    problems.raise_if_any()


_UNIQUE_COLUMNS = {
    "citizen_id": MemberError.CITIZEN_ID_UNUSABLE,
    "party_card_number": MemberError.CARD_UNUSABLE,
}


def _save_unique(member: Member) -> None:
    """Save; a unique number taken meanwhile by a concurrent save (the database
    constraint, after the check passed) is the coded field error, never a 500."""
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        text = str(exc)
        for column, error in _UNIQUE_COLUMNS.items():
            if column in text:
                problems = Problems()
                problems.add(column, error)
                raise problems.exception() from None
        raise


def _refresh_name_cache(member: Member) -> None:
    member.sort_key = name_sort_key(member.family_name, member.middle_name, member.given_name)
    member.search_name = fold(member.full_name)


@transaction.atomic
def member_create(
    *,
    actor,
    organization: Organization,
    data: dict[str, Any],
    event_kind: str = EventKind.ADMITTED,
    event_date: dt.date | None = None,
    decision_number: str = "",
    age_checked_on: dt.date | None = None,
    decision_date: dt.date | None = None,
) -> Member:
    """Register a member in a cell with the first event of their history.

    A member admitted here starts with ADMITTED (on the ceremony date); one who
    arrives from outside this installation starts with TRANSFERRED_IN, whose
    `decision_date` is the date of the letter they arrive with (the transfer gap
    before it is left out of party age, rules.transfer_gap_days).
    """
    if not organization.holds_members or not organization.is_active:
        raise MemberError.NOT_A_CELL.error(field="organization")
    data = _clean(data)
    scope = actor_scope(actor)
    _refuse_unseen_fields(
        # A record not yet saved: no pk that could be the caller's own (None == None).
        scope,
        SimpleNamespace(pk=0, org_path=organization.path),
        data,
        creating=True,
    )
    problems = member_record_errors(data, scope=scope, age_checked_on=age_checked_on)
    admitted_without_date = event_kind == EventKind.ADMITTED and not data.get("joining_date")
    if admitted_without_date and "joining_date" not in problems:
        problems.add("joining_date", MemberError.JOINING_REQUIRED)
    problems.raise_if_any()
    member = Member(**{k: v for k, v in data.items() if k not in DERIVED_FIELDS})
    member.organization = organization
    member.org_path = organization.path
    member.status = Status.PROBATIONARY
    _refresh_name_cache(member)
    with_history_user(member, actor)
    _save_unique(member)
    membership_summary_shift(None, counted_from(member))  # moved by the events below
    name_words_write([member.pk])
    if event_kind == EventKind.ADMITTED:
        date = event_date or data["joining_date"]
        member_add_event(
            actor=actor,
            member=member,
            kind=EventKind.ADMITTED,
            date=date,
            date_precision=(
                DatePrecision.DAY
                if event_date
                else data.get("joining_date_precision", DatePrecision.DAY)
            ),
            organization=organization,
            decision_number=decision_number or data.get("admission_decision_number", ""),
            decision_date=data.get("admission_decision_date"),
        )
        if data.get("official_date"):
            member_add_event(
                actor=actor,
                member=member,
                kind=EventKind.RECOGNISED,
                date=data["official_date"],
                date_precision=data.get("official_date_precision", DatePrecision.DAY),
                organization=organization,
            )
    else:
        member_add_event(
            actor=actor,
            member=member,
            kind=event_kind,
            date=event_date or dt.date.today(),
            organization=organization,
            decision_number=decision_number,
            decision_date=decision_date,
        )
    member.refresh_from_db()
    return member


@transaction.atomic
def member_update(*, actor, member_id: int, expected_version: int, data: dict[str, Any]) -> Member:
    """Edit the record. Refused when someone else saved since `expected_version`,
    when a field the actor may not see is written, when the CV's birth date is
    changed without the committee's decision (kept in the record and its history),
    and when any field breaks the rules (all of them reported at once)."""
    member = Member.objects.select_for_update().get(pk=member_id)
    if member.version != expected_version:
        raise ConcurrentEditError()
    data = {k: v for k, v in data.items() if k not in DERIVED_FIELDS}
    for field in PARTIAL_DATE_FIELDS:
        if f"{field}_precision" in data and field not in data:
            data[field] = getattr(member, field)  # a precision alone applies to the stored date
    data = _clean(data)
    scope = actor_scope(actor)
    _refuse_unseen_fields(scope, member, data, creating=False)
    merged = {f.name: getattr(member, f.name) for f in Member._meta.concrete_fields}
    merged.update(data)
    member_record_errors(merged, member=member, scope=scope).raise_if_any()
    changed = [k for k, v in data.items() if getattr(member, k) != v]
    if not changed:
        return member
    old_birth = (member.birth_date, member.birth_date_precision)
    counted_before = counted_from(member)
    for key, value in data.items():
        setattr(member, key, value)
    if (member.birth_date, member.birth_date_precision) != old_birth:
        before = format_partial_date(*old_birth)
        after = format_partial_date(member.birth_date, member.birth_date_precision)
        with_change_reason(
            member,
            (
                f"Sửa ngày sinh {before} → {after} theo QĐ "
                f"{member.birth_date_decision_number} ngày {member.birth_date_decision_date:%d/%m/%Y}"
            )[:100],
        )
    _refresh_name_cache(member)
    member.version += 1
    with_history_user(member, actor)
    _save_unique(member)
    membership_summary_shift(counted_before, counted_from(member))  # gender, birth date
    if set(NAME_FIELDS) & set(changed):
        name_words_write([member.pk])
    if {"admission_decision_date", "joining_date"} & set(changed):
        # Without an admission event carrying its decision date, party age
        # counts from the record's dates (selectors.member_first_decision_date).
        _refresh_party_age_start(member)
    return member


MOVING_KINDS = (
    EventKind.ADMITTED,
    EventKind.READMITTED,
    EventKind.TRANSFERRED_IN,
    EventKind.REASSIGNED,
)


# Events that end the membership: `membership_ended` is sent for them.
ENDING_KINDS = (EventKind.NAME_DELETED, EventKind.LEFT, EventKind.EXPELLED, EventKind.DECEASED)


def _next_seq(member: Member, date: dt.date) -> int:
    top = MembershipEvent.objects.filter(member=member, date=date).aggregate(m=Max("seq"))["m"]
    return 0 if top is None else top + 1


@transaction.atomic
def member_add_event(
    *,
    actor,
    member: Member,
    kind: str,
    date: dt.date,
    organization: Organization | None = None,
    other_party: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    decided_by: str = "",
    reason: str = "",
    note: str = "",
    date_precision: str = DatePrecision.DAY,
) -> MembershipEvent:
    """Append a membership event, checked against the allowed transitions.

    An event dated before later ones is allowed only if the whole history still
    replays; the cached state is recomputed from the events either way.
    `date_precision` (models.DatePrecision) says how much of `date` the dossier
    knows (a death known as «1968»); the event keeps the first day of that period.
    """
    if date_precision not in DatePrecision.values:
        raise MemberError.PARTIAL_DATE_INVALID.error(field="date")
    date = first_day(date, date_precision)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if kind not in MOVING_KINDS:
        organization = None  # only these kinds place the member somewhere
    dated = list(
        MembershipEvent.objects.filter(member=member)
        .order_by("date", "seq", "id")
        .values_list("date", "kind", "date_precision")
    )
    history = [(d, k) for d, k, _p in dated]
    if kind == EventKind.RECOGNISED:
        started = [(d, p) for d, k, p in dated if k in (EventKind.ADMITTED, EventKind.READMITTED)]
        start, start_precision = (
            started[-1] if started else (member.joining_date, member.joining_date_precision)
        )
        if start and not _same_day_as_known(
            date, date_precision, rules.probation_end(start), start_precision
        ):
            raise MemberError.RECOGNISED_ON_PROBATION_END.error(
                field="date",
                months=rules.PROBATION_MONTHS.on(start),
                day=f"{rules.probation_end(start):%d/%m/%Y}",
            )
    if kind == EventKind.READMITTED and (message := rules.readmission_error(history, date)):
        raise MemberError.READMISSION.error(field="date", reason=message)
    if kind in MOVING_KINDS:
        if organization is None:
            raise MemberError.ORGANIZATION_REQUIRED.error(field="organization")
        if not organization.holds_members or not organization.is_active:
            raise MemberError.ORGANIZATION_NOT_ACTIVE_CELL.error(field="organization")
    if date > dt.date.today():
        raise MemberError.EVENT_IN_FUTURE.error(field="date")
    event = MembershipEvent(
        member=member,
        kind=kind,
        date=date,
        date_precision=date_precision,
        seq=_next_seq(member, date),
        organization=organization,
        other_party=other_party,
        decision_number=decision_number,
        decision_date=decision_date,
        decided_by=decided_by,
        reason=reason,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
        status_after=Status.PROBATIONARY,
        organization_after=organization or member.organization,
    )
    event.save()
    member_refresh_state(member)
    if kind in ENDING_KINDS:
        # Every side file (exemption, working away, residence, open transfer)
        # and open case of the member closes with it (movements.endings).
        membership_ended.send(sender=Member, actor=actor, member=member, event=event)
    return event


def member_refresh_state(member: Member) -> None:
    """Replay the events: fill each event's state-after and cache the last one."""
    state = rules.EMPTY
    official_on_arrival = bool(member.official_date)
    events = list(MembershipEvent.objects.filter(member=member).order_by("date", "seq", "id"))
    for event in events:
        try:
            state = rules.apply_event(
                state, event.kind, event.organization_id, official_on_arrival=official_on_arrival
            )
        except rules.TransitionError:
            raise MemberError.EVENT_OUT_OF_ORDER.error(
                field="kind", kind=event.get_kind_display(), day=f"{event.date:%d/%m/%Y}"
            ) from None
        status, organization_id = _placed(state)
        if (event.status_after, event.organization_after_id, event.exempt_after) != (
            status,
            organization_id,
            state.exempt,
        ):
            event.status_after = status
            event.organization_after_id = organization_id
            event.exempt_after = state.exempt
            event.save(update_fields=["status_after", "organization_after", "exempt_after"])
    status, organization_id = _placed(state)
    org = Organization.objects.get(pk=organization_id)
    before = counted_of(member.pk)
    Member.objects.filter(pk=member.pk).update(
        status=status, organization=org, org_path=org.path, is_exempt=state.exempt
    )
    if before is not None:
        after = before._replace(
            status=status, organization_id=org.pk, org_path=org.path, is_exempt=state.exempt
        )
        membership_summary_shift(before, after)
    if (
        before is None
        or before.org_path != org.path
        or (before.status in ACTIVE_STATUSES) != (status in ACTIVE_STATUSES)
    ):
        name_words_write([member.pk])  # the search index: in or out of activity, or moved
    _refresh_party_age_start(member)


def _refresh_party_age_start(member: Member) -> None:
    """Recompute and store `member.party_age_start` from the events and the
    record (in the caller's transaction), after every write that can change
    it: an event added (or a history replayed), the record's admission
    decision date or joining date edited."""
    start = party_age_starts([member.pk])[member.pk]
    Member.objects.filter(pk=member.pk).update(party_age_start=start)
    member.party_age_start = start


def refresh_party_age_starts(member_ids: list[int]) -> int:
    """Store Member.party_age_start for many members at once (bulk writers that
    append events or change the record's admission dates without going
    through member_add_event, e.g. imports), in the caller's transaction,
    chunks of 2000; returns how many values changed."""
    changed = 0
    for i in range(0, len(member_ids), 2000):
        chunk = member_ids[i : i + 2000]
        starts = party_age_starts(chunk)
        stored = dict(Member.objects.filter(pk__in=chunk).values_list("pk", "party_age_start"))
        rows = [(pk, day) for pk, day in starts.items() if stored.get(pk, day) != day]
        _write_party_age_starts(rows)
        changed += len(rows)
    return changed


def _write_party_age_starts(rows: list[tuple[int, dt.date | None]]) -> None:
    """Set party_age_start of each (member id, day): one UPDATE from two arrays
    on PostgreSQL (bulk_update's CASE over thousands of ids costs seconds to
    build), bulk_update elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = Member._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" m SET party_age_start = v.day '  # noqa: S608 - model metadata
                "FROM unnest(%s::bigint[], %s::date[]) AS v(id, day) WHERE m.id = v.id",
                [[pk for pk, _ in rows], [day for _, day in rows]],
            )
        return
    Member.objects.bulk_update(
        [Member(pk=pk, party_age_start=day) for pk, day in rows],
        ["party_age_start"],
        batch_size=1000,
    )


def _history_tuple(kind: str, date: dt.date, status_after: str, decision_date) -> tuple:
    # As selectors.member_state_on reads it: an arrival carries its letter's
    # date (the transfer gap of a member registered from outside runs from it).
    return (date, status_after, decision_date if kind == EventKind.TRANSFERRED_IN else None)


def party_age_starts(
    member_ids: list[int], *, member_model=Member, event_model=MembershipEvent
) -> dict[int, dt.date | None]:
    """member id -> the day party age counts from (Member.party_age_start) as
    the events say after the latest one: rules.party_age (R1.17-R1.18: first
    admission decision, selectors.member_first_decision_date, moved later by
    the gaps) read on a day after every event; None when the member then has
    no party age (probationary, transferred out, out of the Party, no first
    decision). Ids of no member map to None. Two queries; callers chunk the
    ids (a few thousand). `member_model`, `event_model`: the historical models
    inside a migration."""
    from .selectors import member_first_decision_date

    result: dict[int, dt.date | None] = dict.fromkeys(member_ids)
    records: dict[int, Any] = {
        pk: SimpleNamespace(admission_decision_date=decided, joining_date=joined)
        for pk, decided, joined in member_model.objects.filter(pk__in=member_ids).values_list(
            "pk", "admission_decision_date", "joining_date"
        )
    }
    events: dict[int, list[SimpleNamespace]] = {pk: [] for pk in records}
    for member_id, kind, date, status_after, decision_date in (
        event_model.objects.filter(member_id__in=member_ids)
        .order_by("member_id", "date", "seq", "id")
        .values_list("member_id", "kind", "date", "status_after", "decision_date")
    ):
        events[member_id].append(
            SimpleNamespace(
                kind=kind, date=date, status_after=status_after, decision_date=decision_date
            )
        )
    for pk, record in records.items():
        history = events[pk]
        age = rules.party_age(
            member_first_decision_date(record, history),
            [_history_tuple(e.kind, e.date, e.status_after, e.decision_date) for e in history],
            AFTER_EVERY_EVENT,
        )
        result[pk] = age.counted_from if age is not None else None
    return result


# A day after any event (events are never dated in the future).
AFTER_EVERY_EVENT = dt.date(9999, 12, 31)


def _placed(state: rules.State) -> tuple[str, int]:
    """The status and organization of a state some event has placed the member in."""
    if state.status is None or state.organization_id is None:
        # No event placed the member in an organization (as get(pk=None) would say).
        raise Organization.DoesNotExist("The member's events name no organization.")
    return state.status, state.organization_id


@transaction.atomic
def member_save_rows(
    *,
    actor,
    member: Member,
    model,
    rows: list[tuple[int, int | None, dict]],
    expected_version: int,
) -> int:
    """Add or correct dated rows of a record (posts, work history, family, trips).

    Each row is (its position on the form, id or None, values); `start_precision`
    and `end_precision` among the values say how much of a date is known (the
    date is kept as the first day of that period). Rows are never
    deleted: a wrong row is corrected, and its history keeps what it said before.
    Refused when someone else saved the record since `expected_version`.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.version != expected_version:
        raise ConcurrentEditError()
    problems = Problems()
    for index, _pk, values in rows:
        start, end = values.get("start"), values.get("end")
        start_known = values.get("start_precision", DatePrecision.DAY)
        end_known = values.get("end_precision", DatePrecision.DAY)
        unreadable = False
        for key, day, known in (("start", start, start_known), ("end", end, end_known)):
            if day and known not in DatePrecision.values:
                problems.add(f"form-{index}-{key}", MemberError.PARTIAL_DATE_INVALID)
                unreadable = True
        if unreadable:
            continue
        if start:
            values["start"] = start = first_day(start, start_known)
        if end:
            values["end"] = end = first_day(end, end_known)
        # Compared as far as both dates are known: «03/1990» to «15/03/1990» is no
        # end before the start.
        if start and end:
            known = coarser(start_known, end_known)
            if truncate(end, known) < truncate(start, known):
                problems.add(f"form-{index}-end", MemberError.ROW_END_BEFORE_START)
        if start and start > dt.date.today():
            problems.add(f"form-{index}-start", MemberError.DATE_IN_FUTURE)
        if start and member.birth_date:
            known = coarser(start_known, member.birth_date_precision)
            if truncate(start, known) < truncate(member.birth_date, known):
                problems.add(f"form-{index}-start", MemberError.ROW_BEFORE_BIRTH)
        for key, value in values.items():
            if isinstance(value, str) and ("<" in value or ">" in value):
                problems.add(f"form-{index}-{key}", MemberError.TEXT_ANGLE_BRACKETS)
    problems.raise_if_any()
    saved = 0
    for _index, pk, values in rows:
        row = (
            model.objects.select_for_update().get(pk=pk, member=member)
            if pk
            else model(member=member)
        )
        if pk and all(getattr(row, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(row, key, value)
        with_history_user(row, actor)
        row.save()
        saved += 1
    if saved:
        Member.objects.filter(pk=member.pk).update(version=member.version + 1)
    return saved
