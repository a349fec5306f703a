"""Typing a member's history from the paper dossier («Ghi sự kiện»).

The generic event form is for the past only: what happened before the record
entered this system, copied from the dossier. An event that a workflow governs
(admission, recognition, transfer, exemption and return, name deletion, exit,
expulsion, death) dated on or after that day must go through its workflow, which
checks the rules, issues the papers and closes the side files; here it is
refused with a message naming the workflow's page.

Who may type history: the grassroots organisation of the member's cell (its
office) and the bodies above it, never the cell itself
(`require_act_at(actor, grassroots, ...)`). Workflows keep calling
`services.member_add_event` directly.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dangvien.compliance.workflow import Body, actor_may_act_at, require_act_at
from dangvien.core.actors import Actor
from dangvien.core.errors import ErrorCode
from dangvien.organizations.models import Level, Organization

from . import services
from .dates import first_day, format_partial_date
from .models import DatePrecision, EventKind, Member, MembershipEvent

STEP_LABEL = "Ghi sự kiện từ hồ sơ giấy"

# The page of the workflow that governs each kind (its name in the menu).
GOVERNED_KINDS: dict[str, str] = {
    EventKind.ADMITTED: "Kết nạp, dự bị",
    EventKind.READMITTED: "Kết nạp, dự bị",
    EventKind.RECOGNISED: "Kết nạp, dự bị",
    EventKind.TRANSFERRED_IN: "Chuyển sinh hoạt",
    EventKind.TRANSFERRED_OUT: "Chuyển sinh hoạt",
    EventKind.EXEMPTED: "Miễn, giảm sinh hoạt",
    EventKind.RETURNED: "Miễn, giảm sinh hoạt",
    EventKind.NAME_DELETED: "Xóa tên, ra khỏi Đảng",
    EventKind.LEFT: "Xóa tên, ra khỏi Đảng",
    EventKind.EXPELLED: "Xóa tên, ra khỏi Đảng",
    EventKind.DECEASED: "Xóa tên, ra khỏi Đảng",
    EventKind.RESTORED: "Kiểm tra, kỷ luật",
}

GRASSROOTS_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)


class HistoryError(ErrorCode):
    """Why a history event typed from the dossier is refused."""

    GOVERNED_BY_WORKFLOW = (
        "history_governed_by_workflow",
        "Sự kiện «%(kind)s» ngày %(date)s diễn ra từ khi hồ sơ được đưa vào hệ thống "
        "(%(entered)s): hãy ghi qua trang «%(page)s» để thực hiện đủ các bước của quy trình. "
        "Trang «Ghi sự kiện» chỉ dùng để nhập quá trình trước đó theo hồ sơ giấy.",
    )


def grassroots_of(cell: Organization) -> Organization:
    """The grassroots organisation a cell belongs to (itself for a grassroots cell;
    the cell's parent when no grassroots committee lies above it)."""
    if cell.level in GRASSROOTS_LEVELS:
        return cell
    prefixes = [cell.path[:i] for i in range(4, len(cell.path), 4)]
    found = (
        Organization.objects.filter(path__in=prefixes, level__in=GRASSROOTS_LEVELS)
        .order_by("-path")
        .first()
    )
    return found or cell.parent or cell


def event_problems(
    member: Member,
    *,
    kind: str | None,
    date: dt.date | None,
    organization: Organization | None = None,
    decision_date: dt.date | None = None,
) -> services.Problems:
    """Every problem of a history event that can be seen before writing it, each at
    its field, all at once (the form shows them together; `member_history_event_add`
    and `services.member_add_event` still check them when writing). A value that
    could not be read is passed as None and not held against the others."""
    from .errors import MemberError
    from .services import MOVING_KINDS

    problems = services.Problems()
    today = dt.date.today()
    if date is not None and date > today:
        problems.add("date", MemberError.EVENT_IN_FUTURE)
    if decision_date is not None and decision_date > today:
        problems.add("decision_date", MemberError.DATE_IN_FUTURE)
    if kind in MOVING_KINDS:
        if organization is None:
            problems.add("organization", MemberError.ORGANIZATION_REQUIRED)
        elif not organization.holds_members or not organization.is_active:
            problems.add("organization", MemberError.ORGANIZATION_NOT_ACTIVE_CELL)
    page = GOVERNED_KINDS.get(kind or "")
    if kind and page is not None and date is not None:
        entered = member_entered_on(member)
        if date >= entered:
            error = HistoryError.GOVERNED_BY_WORKFLOW
            problems.add_text(
                "kind",
                error.text(
                    kind=EventKind(kind).label,
                    date=f"{date:%d/%m/%Y}",
                    entered=f"{entered:%d/%m/%Y}",
                    page=page,
                ),
                error.code,
            )
    return problems


def member_entered_on(member: Member) -> dt.date:
    """The day the record entered the system: its creation, or its first history
    row if that is older (a record loaded before `created_at` was kept)."""
    entered = timezone.localdate(member.created_at) if member.created_at else dt.date.today()
    first = member.history.order_by("history_date").values_list("history_date", flat=True).first()
    if first is not None:
        entered = min(entered, timezone.localdate(first))
    return entered


def history_event_allowed(*, actor: Actor, member: Member) -> bool:
    """Whether `actor` may type history events for `member` (pages offer the form
    only then): a writing role at the grassroots organisation of the member's
    cell, or above it."""
    return actor_may_act_at(actor, grassroots_of(member.organization))


@transaction.atomic
def member_history_event_add(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    date: dt.date,
    organization: Organization | None = None,
    other_party: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    decided_by: str = "",
    reason: str = "",
    date_precision: str = DatePrecision.DAY,
) -> MembershipEvent:
    """Record one past event from the member's paper dossier.

    Refused with `not_acting_body` unless the actor writes at the grassroots
    organisation of the member's cell or above; refused with
    `history_governed_by_workflow` (at the field `kind`) for a kind a workflow
    governs, dated on or after the day the record entered the system. Otherwise
    the event is appended by `services.member_add_event`, which checks that the
    history still replays. Nothing is written on refusal. `date_precision`
    (models.DatePrecision): a dossier that gives only «1968» or «05/1968» (a death,
    a transfer) is recorded so, on the first day of that period.
    """
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    require_act_at(actor, grassroots_of(member.organization), STEP_LABEL, Body.GRASSROOTS)
    page = GOVERNED_KINDS.get(kind)
    entered = member_entered_on(member)
    if date_precision in DatePrecision.values:
        date = first_day(date, date_precision)
    if page is not None and date >= entered:
        raise HistoryError.GOVERNED_BY_WORKFLOW.error(
            field="kind",
            kind=EventKind(kind).label,
            date=format_partial_date(date, date_precision),
            entered=f"{entered:%d/%m/%Y}",
            page=page,
        )
    return services.member_add_event(
        actor=actor,
        member=member,
        kind=kind,
        date=date,
        organization=organization,
        other_party=other_party,
        decision_number=decision_number,
        decision_date=decision_date,
        decided_by=decided_by,
        reason=reason,
        date_precision=date_precision,
    )
