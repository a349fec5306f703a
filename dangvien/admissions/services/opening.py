"""Opening an admission or readmission file (regulations.md R1.3, R1.6, R1.12).

Opening is not a step of the table (there is no file yet): the actor must hold a
writing role at the cell or above (`require_act_at`). Every field at fault is
reported at once (RecordValidationError, messages from admissions.errors).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor
from dangvien.core.errors import RecordValidationError
from dangvien.members.models import EventKind, Member, MembershipEvent, Status
from dangvien.organizations.models import Organization

from .. import rules
from ..errors import AdmissionError
from ..models import OPEN_STAGES, AdmissionFile, Candidate, FileKind, Stage
from ..workflow import ADMISSION, OPEN_LABEL, admission_detail
from .common import _log, _text, _today

# --- opening ------------------------------------------------------------------------

CANDIDATE_FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "education_level",
    "meets_education",
    "education_exception",
)


def _opening_errors(
    data: dict[str, Any], *, organization: Organization, opened_on: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    E = AdmissionError
    if not organization.holds_members or not organization.is_active:
        add("organization", E.NOT_ACTIVE_CELL.text())
    for field, code in (
        ("family_name", E.FAMILY_NAME_REQUIRED),
        ("given_name", E.GIVEN_NAME_REQUIRED),
    ):
        if not _text(data.get(field)):
            add(field, code.text())
    for field in ("family_name", "middle_name", "given_name"):
        if any(c in (data.get(field) or "") for c in "<>"):
            add(field, E.NAME_CHARACTERS.text())
    if not data.get("gender"):
        add("gender", E.GENDER_REQUIRED.text())
    birth = data.get("birth_date")
    if birth is None:
        add("birth_date", E.BIRTH_DATE_REQUIRED.text())
    elif birth >= opened_on:
        add("birth_date", E.BIRTH_AFTER_OPENING.text())
    if opened_on > _today():
        add("opened_on", E.DATE_IN_FUTURE.text())
    application = data.get("application_date")
    if application is None:
        add("application_date", E.APPLICATION_REQUIRED.text())
    elif application > opened_on:
        add("application_date", E.APPLICATION_AFTER_OPENING.text())
    if not _text(data.get("certificate_number"), 64):
        add("certificate_number", E.CERTIFICATE_NUMBER_REQUIRED.text())
    add("certificate_date", rules.certificate_error(data.get("certificate_date"), opened_on))
    # R1.3: lower-secondary (THCS) or higher, or a recorded exception.
    if not _text(data.get("education_level"), 40):
        add("education_level", E.EDUCATION_REQUIRED.text())
    if not data.get("meets_education", True) and not _text(data.get("education_exception")):
        add("education_exception", E.EDUCATION_EXCEPTION_REQUIRED.text())
    return errors


def _create_file(
    *, actor, organization, data, opened_on, kind, former_member=None, extra=None
) -> AdmissionFile:
    candidate = Candidate.objects.create(
        family_name=_text(data.get("family_name"), 40),
        middle_name=_text(data.get("middle_name"), 60),
        given_name=_text(data.get("given_name"), 40),
        gender=data["gender"],
        birth_date=data["birth_date"],
        education_level=_text(data.get("education_level"), 40),
        meets_education=bool(data.get("meets_education", True)),
        education_exception=_text(data.get("education_exception")),
        former_member=former_member,
    )
    file = AdmissionFile.objects.create(
        candidate=candidate,
        kind=kind,
        organization=organization,
        org_path=organization.path,
        stage=Stage.OPENED,
        application_date=data["application_date"],
        certificate_number=_text(data.get("certificate_number"), 64),
        certificate_date=data["certificate_date"],
        opened_on=opened_on,
        **(extra or {}),
    )
    _log(file, "open", opened_on, actor, OPEN_LABEL + f" ({file.get_kind_display()})")
    ADMISSION.sync_case(file, on=opened_on, detail=admission_detail(file))
    return file


@transaction.atomic
def admission_open(
    *,
    actor: Actor,
    organization: Organization,
    data: dict[str, Any],
    opened_on: dt.date | None = None,
) -> AdmissionFile:
    """Open the admission file of a candidate in the cell that considers them.

    `data`: the candidate's names, gender, birth_date, education, application_date,
    certificate_number/date (R1.3, R1.6). Raises `not_acting_body` unless the actor
    writes at the cell or above, RecordValidationError with every field at fault."""
    require_act_at(actor, organization, OPEN_LABEL, Body.CELL)
    opened_on = opened_on or data.get("opened_on") or _today()
    errors = _opening_errors(data, organization=organization, opened_on=opened_on)
    if errors:
        raise RecordValidationError(errors)
    return _create_file(
        actor=actor,
        organization=organization,
        data=data,
        opened_on=opened_on,
        kind=FileKind.ADMISSION,
    )


def readmission_errors(member: Member, category: str, on: dt.date) -> dict[str, list[str]]:
    """R1.12: out of the Party, once only, READMISSION_MIN_MONTHS_OUT months out, not
    a barred category. {field: [messages]}, empty when readmission may be considered."""
    errors: dict[str, list[str]] = {}
    if member.status not in (Status.NAME_DELETED, Status.EXPELLED, Status.LEFT):
        errors["member"] = [AdmissionError.NOT_FORMER_MEMBER.text()]
    history = list(
        MembershipEvent.objects.filter(member=member)
        .order_by("date", "seq", "id")
        .values_list("date", "kind")
    )
    if message := rules.readmission_error(history, on):
        readmitted = any(kind == EventKind.READMITTED for _day, kind in history)
        errors.setdefault("member" if readmitted else "opened_on", []).append(message)
    if not category:
        errors["leaving_category"] = [AdmissionError.LEAVING_CATEGORY_REQUIRED.text()]
    elif message := rules.readmission_category_error(category):
        errors["leaving_category"] = [message]
    return errors


@transaction.atomic
def readmission_open(
    *,
    actor: Actor,
    organization: Organization,
    member: Member,
    data: dict[str, Any],
    opened_on: dt.date | None = None,
) -> AdmissionFile:
    """Open a readmission file for a former member (R1.12): names and birth from the
    record; `data` as for `admission_open` plus `leaving_category`."""
    require_act_at(actor, organization, OPEN_LABEL, Body.CELL)
    opened_on = opened_on or data.get("opened_on") or _today()
    member = Member.objects.select_for_update().get(pk=member.pk)
    data = {
        **data,
        "family_name": member.family_name,
        "middle_name": member.middle_name,
        "given_name": member.given_name,
        "gender": member.gender,
        "birth_date": member.birth_date,
    }
    errors = _opening_errors(data, organization=organization, opened_on=opened_on)
    category = _text(data.get("leaving_category"), 24)
    for field, messages in readmission_errors(member, category, opened_on).items():
        errors.setdefault(field, []).extend(messages)
    if AdmissionFile.objects.filter(
        candidate__former_member=member, stage__in=OPEN_STAGES
    ).exists():
        errors.setdefault("member", []).append(AdmissionError.READMISSION_OPEN.text())
    if errors:
        raise RecordValidationError(errors)
    return _create_file(
        actor=actor,
        organization=organization,
        data=data,
        opened_on=opened_on,
        kind=FileKind.READMISSION,
        former_member=member,
        extra={"leaving_category": category},
    )
