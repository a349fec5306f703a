"""Writes to member records: one function per business action, each in one
transaction, each leaving who/when/before/after in the record's history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile

from dangvien.core.actors import history_user
from dangvien.core.errors import ConcurrentEditError, DomainError, RecordValidationError
from dangvien.core.vietnamese import fold, name_sort_key, normalize_name_part
from dangvien.organizations.models import Organization

from . import rules
from .models import EventKind, Member, MembershipEvent, Status

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
}
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


def _record_errors(
    data: dict[str, Any], *, exclude_pk: int | None, age_checked_on: dt.date | None = None
) -> dict[str, list[str]]:
    """Check a member record against the rules; {} when it is consistent.

    R1.1 counts the age on the day the cell considered the admission
    (`age_checked_on`, when the admission workflow knows it); a record typed in
    from a dossier only has the admission dates, and is checked on those."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    for field in NAME_FIELDS + ("birth_name",):
        value = data.get(field) or ""
        if "<" in value or ">" in value:
            add(field, "Họ tên không được chứa ký tự < hoặc >.")
    if not (data.get("given_name") or "").strip():
        add("given_name", "Vui lòng nhập tên.")
    if not (data.get("family_name") or "").strip():
        add("family_name", "Vui lòng nhập họ.")

    birth = data.get("birth_date")
    decision = data.get("admission_decision_date")
    joining = data.get("joining_date")
    official = data.get("official_date")
    today = dt.date.today()
    for field in ("birth_date", "admission_decision_date", "joining_date", "official_date"):
        if data.get(field) and data[field] > today:
            add(field, "Ngày này không được ở tương lai.")
    if errors:  # the checks below compare dates that must first be possible
        return errors
    admitted = decision or joining
    if birth and admitted:
        field = "admission_decision_date" if decision else "joining_date"
        if admitted <= birth:
            add(field, "Ngày kết nạp phải sau ngày sinh.")
        else:
            # R1.1-R1.2: 18 to 60 on admission; over 60 only with the written consent.
            message = rules.admission_age_error(birth, age_checked_on or admitted)
            if message and not ("60" in message and (data.get("age_exception") or "").strip()):
                add(field, message)
    if birth and joining and joining <= birth and "joining_date" not in errors:
        add("joining_date", "Ngày vào Đảng phải sau ngày sinh.")
    if decision and joining and joining < decision:
        add("joining_date", "Ngày vào Đảng (lễ kết nạp) không được trước ngày quyết định kết nạp.")
    if official and not joining:
        add("joining_date", "Cần có ngày vào Đảng để xác định ngày chính thức.")
    if official and joining and official != rules.probation_end(joining):
        add(
            "official_date",
            "Ngày chính thức là ngày hết 12 tháng dự bị: "
            f"{rules.probation_end(joining):%d/%m/%Y} (Điều lệ Đảng, Điều 5; "
            "QĐ 24-QĐ/TW điểm 4.2.2).",
        )

    citizen_id = (data.get("citizen_id") or "").strip()
    if citizen_id:
        add(
            "citizen_id",
            rules.citizen_id_error(citizen_id, birth_date=birth, gender=data.get("gender")),
        )
        taken = Member.objects.filter(citizen_id=citizen_id).exclude(pk=exclude_pk)
        if "citizen_id" not in errors and taken.exists():
            add("citizen_id", "Số CCCD này đã có trong hồ sơ của một đảng viên khác.")
    card = (data.get("party_card_number") or "").strip()
    if card:
        add(
            "party_card_number",
            rules.pattern_error(card, rules.PARTY_CARD_NUMBER_PATTERN, "Số thẻ đảng viên"),
        )
        taken = Member.objects.filter(party_card_number=card).exclude(pk=exclude_pk)
        if "party_card_number" not in errors and taken.exists():
            add("party_card_number", "Số thẻ đảng viên này đã được cấp cho người khác.")
    add(
        "cv_number",
        rules.pattern_error(data.get("cv_number") or "", rules.CV_NUMBER_PATTERN, "Số lý lịch"),
    )

    add("photo", _photo_error(data.get("photo")))
    for prefix in ("hometown", "permanent", "current"):
        province, commune = data.get(f"{prefix}_province"), data.get(f"{prefix}_commune")
        if commune is not None and province is not None and commune.province_id != province.pk:
            add(f"{prefix}_commune", "Xã, phường không thuộc tỉnh, thành phố đã chọn.")
    return errors


def _photo_error(photo: Any) -> str | None:
    if not photo or isinstance(photo, FieldFile) or not hasattr(photo, "size"):
        return None  # nothing new uploaded
    if photo.size > settings.MEMBER_PHOTO_MAX_BYTES:
        limit = settings.MEMBER_PHOTO_MAX_BYTES // 1024 // 1024
        return f"Ảnh quá lớn: tối đa {limit} MB."
    from PIL import Image, UnidentifiedImageError

    try:
        photo.seek(0)
        with Image.open(photo) as image:
            image_format = image.format
            image.verify()
        photo.seek(0)
    except (UnidentifiedImageError, OSError, SyntaxError):
        return "Tệp tải lên không phải là ảnh hợp lệ."
    if image_format not in ALLOWED_IMAGE_FORMATS:
        return "Ảnh phải ở định dạng JPEG, PNG hoặc WEBP."
    return None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for field in NAME_FIELDS + ("birth_name",):
        if field in data:
            data[field] = normalize_name_part(data[field] or "")
    for field in ("citizen_id", "party_card_number"):
        if field in data:
            data[field] = (data[field] or "").strip() or None
    return data


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
) -> Member:
    """Register a member in a cell with the first event of their history.

    A member admitted here starts with ADMITTED (on the ceremony date); one who
    arrives from outside this installation starts with TRANSFERRED_IN.
    """
    if not organization.holds_members or not organization.is_active:
        raise DomainError(
            "Đảng viên chỉ sinh hoạt ở chi bộ, chi bộ cơ sở hoặc tổ đảng đang hoạt động.",
            field="organization",
        )
    data = _clean(data)
    errors = _record_errors(data, exclude_pk=None, age_checked_on=age_checked_on)
    if event_kind == EventKind.ADMITTED and not data.get("joining_date"):
        errors.setdefault("joining_date", []).append(
            "Cần có ngày vào Đảng (ngày lễ kết nạp) cho đảng viên kết nạp mới."
        )
    if errors:
        raise RecordValidationError(errors)
    member = Member(**{k: v for k, v in data.items() if k not in DERIVED_FIELDS})
    member.organization = organization
    member.org_path = organization.path
    member.status = Status.PROBATIONARY
    _refresh_name_cache(member)
    member._history_user = history_user(actor)
    member.save()
    if event_kind == EventKind.ADMITTED:
        date = event_date or data["joining_date"]
        member_add_event(
            actor=actor,
            member=member,
            kind=EventKind.ADMITTED,
            date=date,
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
        )
    member.refresh_from_db()
    return member


@transaction.atomic
def member_update(*, actor, member_id: int, expected_version: int, data: dict[str, Any]) -> Member:
    """Edit the record. Refused when someone else saved since `expected_version`."""
    member = Member.objects.select_for_update().get(pk=member_id)
    if member.version != expected_version:
        raise ConcurrentEditError()
    data = _clean({k: v for k, v in data.items() if k not in DERIVED_FIELDS})
    merged = {f.name: getattr(member, f.name) for f in Member._meta.concrete_fields}
    merged.update(data)
    errors = _record_errors(merged, exclude_pk=member.pk)
    if errors:
        raise RecordValidationError(errors)
    changed = [k for k, v in data.items() if getattr(member, k) != v]
    if not changed:
        return member
    for key, value in data.items():
        setattr(member, key, value)
    _refresh_name_cache(member)
    member.version += 1
    member._history_user = history_user(actor)
    member.save()
    return member


MOVING_KINDS = (
    EventKind.ADMITTED,
    EventKind.READMITTED,
    EventKind.TRANSFERRED_IN,
    EventKind.REASSIGNED,
)


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
) -> MembershipEvent:
    """Append a membership event, checked against the allowed transitions.

    An event dated before later ones is allowed only if the whole history still
    replays; the cached state is recomputed from the events either way.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if kind not in MOVING_KINDS:
        organization = None  # only these kinds place the member somewhere
    history = list(
        MembershipEvent.objects.filter(member=member)
        .order_by("date", "seq", "id")
        .values_list("date", "kind")
    )
    if kind == EventKind.RECOGNISED:
        started = [d for d, k in history if k in (EventKind.ADMITTED, EventKind.READMITTED)]
        start = started[-1] if started else member.joining_date
        if start and date != rules.probation_end(start):
            raise DomainError(
                "Đảng viên được công nhận chính thức từ đúng ngày hết 12 tháng dự bị: "
                f"{rules.probation_end(start):%d/%m/%Y} (QĐ 24-QĐ/TW điểm 4.2.2).",
                field="date",
            )
    if kind == EventKind.READMITTED and (message := rules.readmission_error(history, date)):
        raise DomainError(message, field="date")
    if kind in MOVING_KINDS:
        if organization is None:
            raise DomainError(
                "Cần chọn tổ chức đảng nơi đảng viên sinh hoạt.", field="organization"
            )
        if not organization.holds_members or not organization.is_active:
            raise DomainError(
                "Tổ chức đảng được chọn không phải chi bộ đang hoạt động.", field="organization"
            )
    if date > dt.date.today():
        raise DomainError("Ngày của sự kiện không được ở tương lai.", field="date")
    event = MembershipEvent(
        member=member,
        kind=kind,
        date=date,
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
            raise DomainError(
                f"Không thể ghi sự kiện «{event.get_kind_display()}» ngày "
                f"{event.date:%d/%m/%Y}: không phù hợp với tình trạng đảng viên lúc đó.",
                field="kind",
            ) from None
        if (event.status_after, event.organization_after_id, event.exempt_after) != (
            state.status,
            state.organization_id,
            state.exempt,
        ):
            event.status_after = state.status
            event.organization_after_id = state.organization_id
            event.exempt_after = state.exempt
            event.save(update_fields=["status_after", "organization_after", "exempt_after"])
    org = Organization.objects.get(pk=state.organization_id)
    Member.objects.filter(pk=member.pk).update(
        status=state.status, organization=org, org_path=org.path, is_exempt=state.exempt
    )


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

    Each row is (its position on the form, id or None, values). Rows are never
    deleted: a wrong row is corrected, and its history keeps what it said before.
    Refused when someone else saved the record since `expected_version`.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.version != expected_version:
        raise ConcurrentEditError()
    errors: dict[str, list[str]] = {}
    for index, _pk, values in rows:
        start, end = values.get("start"), values.get("end")
        if start and end and end < start:
            errors.setdefault(f"form-{index}-end", []).append(
                "«Đến ngày» không được trước «Từ ngày»."
            )
        if start and start > dt.date.today():
            errors.setdefault(f"form-{index}-start", []).append("Ngày này không được ở tương lai.")
        if start and member.birth_date and start < member.birth_date:
            errors.setdefault(f"form-{index}-start", []).append("Ngày này trước ngày sinh.")
        for key, value in values.items():
            if isinstance(value, str) and ("<" in value or ">" in value):
                errors.setdefault(f"form-{index}-{key}", []).append(
                    "Không được chứa ký tự < hoặc >."
                )
    if errors:
        raise RecordValidationError(errors)
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
        row._history_user = history_user(actor)
        row.save()
        saved += 1
    if saved:
        Member.objects.filter(pk=member.pk).update(version=member.version + 1)
    return saved
