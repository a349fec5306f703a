"""Yearly admission targets (chỉ tiêu kết nạp đảng viên, domain.md item 9)."""

from __future__ import annotations

from django.db import transaction

from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor, history_user, with_history_user
from dangvien.organizations.models import Organization

from .. import rules
from ..errors import AdmissionError
from ..models import AdmissionTarget
from .common import _text, _today

TARGET_LABEL = "Giao chỉ tiêu kết nạp đảng viên"


@transaction.atomic
def admission_target_set(
    *, actor: Actor, organization: Organization, year: int, count: int, decision: str = ""
) -> AdmissionTarget:
    """Set `organization`'s admission target for `year` (`count` new members,
    0..rules.TARGET_MAX; `decision` the resolution or letter that gives it).
    A second call for the same year rewrites the figure; the history keeps
    the earlier one, who and when. The committee above gives it: a writer at
    the parent or higher (at the organisation itself for one without a parent).

    Raises DomainError `not_acting_body`, `target_organization_dissolved`,
    `target_year_invalid` (other than last year, this year and next year, or
    before the organisation's founding year), `target_count_invalid`."""
    require_act_at(actor, organization.parent or organization, TARGET_LABEL, Body.SUPERIOR)
    today = _today()
    if organization.valid_to is not None:
        raise AdmissionError.TARGET_ORGANIZATION_DISSOLVED.error(
            field="year", organization=organization.name, day=f"{organization.valid_to:%d/%m/%Y}"
        )
    first = max(organization.valid_from.year, today.year - 1)
    last = today.year + 1
    if not isinstance(year, int) or not first <= year <= last:
        raise AdmissionError.TARGET_YEAR_INVALID.error(field="year", first=first, last=last)
    if not isinstance(count, int) or not 0 <= count <= rules.TARGET_MAX:
        raise AdmissionError.TARGET_COUNT_INVALID.error(field="count", most=rules.TARGET_MAX)
    target = AdmissionTarget.objects.select_for_update().filter(
        organization=organization, year=year
    ).first() or AdmissionTarget(organization=organization, year=year)
    target.count = count
    target.decision = _text(decision)
    target.set_on = today
    target.created_by = target.created_by or history_user(actor)
    with_history_user(target, actor).save()
    return target
