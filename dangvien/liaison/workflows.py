"""The three workflows of this area as tables (compliance.workflow): which step
may follow which state, who acts, by when, and what paper it issues.

- EXEMPTION (miễn, giảm, tạm miễn; HD 27-HD/BTCTW, R3.1-R3.4): the cell decides
  and reports to the committee above; the member asks to return.
- WORKING_AWAY (seeds 000, 001, 004): the member reports, the cell reviews; the
  member registers where they work and keeps two-way contact.
- RESIDENCE (QĐ 213-QĐ/TW, HD 33-HD/BTCTW): the workplace introduces the member;
  the commune or ward committee of the residence receives and passes them to a
  residential cell, which comments on them once a year. A residence outside this
  installation has no committee here: only the system (an administrator) records
  what its papers say.

Services call `WORKFLOW.require(obj, code, actor)` on the locked row before
writing and `WORKFLOW.sync_case(obj, on=day, detail=...)` after; pages and the
API offer `WORKFLOW.open_steps(obj, user)`.
"""

from __future__ import annotations

import datetime as dt

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, Step, Workflow
from dangvien.core.rulebook import Rule
from dangvien.documents.models import DocumentKind
from dangvien.organizations.models import Level, Organization

from . import rules
from .models import (
    EXEMPTION_OPEN,
    CommentPurpose,
    Exemption,
    ExemptionKind,
    ExemptionStatus,
    ResidenceComment,
    ResidenceLiaison,
    ResidenceStatus,
    WorkingAway,
    WorkingAwayStatus,
)


def due_after(day: dt.date | None, rule: Rule) -> dt.date | None:
    """`day` plus the rule's number of calendar days (the rule in force on `day`);
    None when there is no day yet."""
    if day is None:
        return None
    return day + dt.timedelta(days=rule.on(day))


# The cell considers an application at its next monthly meeting: no deadline was
# found in the sources (UNCONFIRMED), so the number is a Rule.
CELL_CONSIDERS_DAYS = rules.WORKING_AWAY_REVIEW_DAYS


# =============================================================================
# A. Exemption, reduction, temporary exemption
# =============================================================================


def _exemption_cell(exemption: Exemption) -> Organization:
    return exemption.organization


def _is_temporary(exemption: Exemption) -> bool:
    return exemption.kind == ExemptionKind.TEMPORARY


EXEMPTION = Workflow(
    kind=CaseKind.EXEMPTION,
    state_of=lambda e: e.status,
    state_label=lambda e: e.get_status_display(),
    where=_exemption_cell,
    subject=lambda e: e.member.full_name,
    member=lambda e: e.member,
    steps=(
        Step(
            "decide",
            "Chi bộ xét đơn, ra nghị quyết",
            (ExemptionStatus.APPLIED,),
            ExemptionStatus.DECIDED,
            Body.CELL,
            _exemption_cell,
            due=lambda e: due_after(e.applied_on, CELL_CONSIDERS_DAYS),
            paper=DocumentKind.RESOLUTION,
        ),
        Step(
            "refuse",
            "Chi bộ không đồng ý",
            (ExemptionStatus.APPLIED,),
            ExemptionStatus.REFUSED,
            Body.CELL,
            _exemption_cell,
            awaited=False,
        ),
        Step(
            "report",
            "Báo cáo cấp ủy cấp trên trực tiếp",
            (ExemptionStatus.DECIDED,),
            ExemptionStatus.IN_FORCE,
            Body.CELL,
            _exemption_cell,
            due=lambda e: due_after(e.decided_on, CELL_CONSIDERS_DAYS),
        ),
        # A temporary exemption ends on its date: the case waits for the member.
        Step(
            "apply_return",
            "Hết hạn tạm miễn: đảng viên trở lại sinh hoạt",
            (ExemptionStatus.IN_FORCE,),
            ExemptionStatus.RETURN_APPLIED,
            Body.MEMBER,
            _exemption_cell,
            due=lambda e: e.end,
            when=_is_temporary,
        ),
        # A full exemption or a reduction runs until the member asks: nothing due.
        Step(
            "request_return",
            "Đảng viên xin trở lại sinh hoạt",
            (ExemptionStatus.IN_FORCE,),
            ExemptionStatus.RETURN_APPLIED,
            Body.MEMBER,
            _exemption_cell,
            awaited=False,
            when=lambda e: not _is_temporary(e),
        ),
        Step(
            "return",
            "Chi bộ xét cho trở lại sinh hoạt",
            (ExemptionStatus.RETURN_APPLIED,),
            ExemptionStatus.RETURNED,
            Body.CELL,
            _exemption_cell,
            due=lambda e: due_after(e.return_applied_on, CELL_CONSIDERS_DAYS),
        ),
    ),
)


def exemption_return_step(exemption: Exemption) -> str:
    """The code of the member's return request for this exemption."""
    return "apply_return" if _is_temporary(exemption) else "request_return"


# =============================================================================
# B. Members working away
# =============================================================================


def _away_cell(working_away: WorkingAway) -> Organization:
    return working_away.organization


def working_away_last_news(working_away: WorkingAway) -> dt.date:
    """The member's latest news to the cell (the report itself when none since)."""
    last = (
        working_away.contacts.filter(direction="in")
        .order_by("-date")
        .values_list("date", flat=True)
    ).first()
    return max(filter(None, [last, working_away.reported_on]))


def _silence_due(working_away: WorkingAway) -> dt.date:
    last = working_away_last_news(working_away)
    return rules.silence_deadline(last, last)


def _no_open_exemption(working_away: WorkingAway) -> bool:
    return not working_away.exemptions.filter(status__in=EXEMPTION_OPEN).exists()


_AWAY_OPEN = (WorkingAwayStatus.REPORTED, WorkingAwayStatus.REVIEWED)

WORKING_AWAY = Workflow(
    kind=CaseKind.WORKING_AWAY,
    state_of=lambda w: w.status,
    state_label=lambda w: w.get_status_display(),
    where=_away_cell,
    subject=lambda w: w.member.full_name,
    member=lambda w: w.member,
    steps=(
        Step(
            "review",
            "Chi bộ xem xét đơn báo cáo, báo cáo đảng ủy cơ sở",
            (WorkingAwayStatus.REPORTED,),
            WorkingAwayStatus.REVIEWED,
            Body.CELL,
            _away_cell,
            due=lambda w: due_after(w.reported_on, CELL_CONSIDERS_DAYS),
        ),
        # Awaited once the cell has reviewed the report (first in table order
        # after `review`); re-registered later as `destination_change`.
        Step(
            "destination",
            "Đăng ký nơi đến (nơi làm việc, tạm trú)",
            _AWAY_OPEN,
            None,
            Body.MEMBER,
            _away_cell,
            due=lambda w: due_after(w.reviewed_on, CELL_CONSIDERS_DAYS),
            when=lambda w: not w.declared,
        ),
        Step(
            "destination_change",
            "Đổi nơi đến (nơi làm việc, tạm trú)",
            _AWAY_OPEN,
            None,
            Body.MEMBER,
            _away_cell,
            awaited=False,
            when=lambda w: w.declared,
        ),
        Step(
            "contact",
            "Giữ liên hệ: đảng viên báo cáo, đóng đảng phí",
            (WorkingAwayStatus.REVIEWED,),
            None,
            Body.MEMBER,
            _away_cell,
            due=_silence_due,
        ),
        Step(
            "year_review",
            "Bản tự kiểm điểm cuối năm, có nhận xét nơi đến",
            (WorkingAwayStatus.REVIEWED,),
            None,
            Body.MEMBER,
            _away_cell,
            awaited=False,
        ),
        # The temporary exemption opened from the file (its own workflow then).
        Step(
            "exemption",
            "Xin tạm miễn sinh hoạt",
            (WorkingAwayStatus.REVIEWED,),
            None,
            Body.MEMBER,
            _away_cell,
            awaited=False,
            when=_no_open_exemption,
        ),
        Step(
            "end",
            "Trở về, kết thúc theo dõi",
            _AWAY_OPEN,
            WorkingAwayStatus.ENDED,
            Body.MEMBER,
            _away_cell,
            awaited=False,
        ),
    ),
)


def working_away_destination_step(working_away: WorkingAway) -> str:
    """The code of the destination step for this file (first or a change)."""
    return "destination_change" if working_away.declared else "destination"


# =============================================================================
# C. Residence liaison
# =============================================================================


def workplace_committee(cell: Organization) -> Organization:
    """The grassroots committee above a workplace cell (the cell itself when it is
    a grassroots cell): it signs the introduction letter (QĐ 213 Điều 3)."""
    node: Organization | None = cell
    while node is not None:
        if node.level in (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL):
            return node
        node = node.parent
    return cell.parent or cell


def _residence_committee(liaison: ResidenceLiaison) -> Organization | None:
    return liaison.residence_committee


def _residential_cell(liaison: ResidenceLiaison) -> Organization | None:
    return liaison.residential_cell


def _workplace(liaison: ResidenceLiaison) -> Organization:
    return liaison.workplace


def comment_year(liaison: ResidenceLiaison, today: dt.date | None = None) -> int:
    """The year whose yearly comment the residential cell owes next: the year
    being graded (rules.year_being_graded: in January 2027, still 2026), or the
    year of assignment, skipping years already commented."""
    today = today or dt.date.today()
    done = set(
        ResidenceComment.objects.filter(
            member_id=liaison.member_id, purpose=CommentPurpose.YEARLY
        ).values_list("year", flat=True)
    )
    graded = rules.year_being_graded(today)
    year = max(graded, liaison.assigned_on.year if liaison.assigned_on else graded)
    while year in done:
        year += 1
    return year


def _yearly(liaison: ResidenceLiaison) -> bool:
    return rules.yearly_comment_due(liaison.category)


_LIAISON_OPEN = (
    ResidenceStatus.NOT_INTRODUCED,
    ResidenceStatus.INTRODUCED,
    ResidenceStatus.RECEIVED,
    ResidenceStatus.ASSIGNED,
)

RESIDENCE = Workflow(
    kind=CaseKind.RESIDENCE,
    state_of=lambda r: r.status,
    state_label=lambda r: r.get_status_display(),
    where=lambda r: r.residential_cell or r.residence_committee or r.workplace,
    subject=lambda r: r.member.full_name,
    member=lambda r: r.member,
    steps=(
        Step(
            "receive",
            "Đảng ủy xã, phường nơi cư trú tiếp nhận",
            (ResidenceStatus.INTRODUCED,),
            ResidenceStatus.RECEIVED,
            Body.GRASSROOTS,
            _residence_committee,
            due=lambda r: due_after(r.introduced_on, rules.RESIDENCE_RECEIPT_DAYS),
            where=lambda r: r.residence_committee or r.workplace,
        ),
        Step(
            "assign",
            "Giới thiệu về chi bộ nơi cư trú",
            (ResidenceStatus.RECEIVED,),
            ResidenceStatus.ASSIGNED,
            Body.GRASSROOTS,
            _residence_committee,
            due=lambda r: due_after(r.received_on, rules.RESIDENCE_RECEIPT_DAYS),
            where=lambda r: r.residence_committee or r.workplace,
        ),
        Step(
            "group",
            "Xếp vào tổ, nhóm",
            (ResidenceStatus.ASSIGNED,),
            None,
            Body.CELL,
            _residential_cell,
            awaited=False,
            when=lambda r: not r.is_outside,
        ),
        Step(
            "comment",
            "Nhận xét đảng viên nơi cư trú",
            (ResidenceStatus.ASSIGNED,),
            None,
            Body.CELL,
            _residential_cell,
            due=lambda r: dt.date(comment_year(r), 12, 31),
            when=_yearly,
            where=lambda r: r.residential_cell or r.workplace,
        ),
        # HD 33 mục 1.1 categories: no yearly comment, one only when needed.
        Step(
            "comment_when_needed",
            "Nhận xét khi cần",
            (ResidenceStatus.ASSIGNED,),
            None,
            Body.CELL,
            _residential_cell,
            awaited=False,
            when=lambda r: not _yearly(r),
        ),
        # The workplace cell closes the file (moved house, changed workplace...).
        Step(
            "end",
            "Kết thúc giữ mối liên hệ",
            _LIAISON_OPEN,
            ResidenceStatus.ENDED,
            Body.CELL,
            _workplace,
            awaited=False,
        ),
    ),
)


def residence_comment_step(liaison: ResidenceLiaison) -> str:
    """The code of the comment step for this liaison (yearly or only when needed)."""
    return "comment" if _yearly(liaison) else "comment_when_needed"


def residence_case_detail(liaison: ResidenceLiaison) -> str:
    """The open case's detail: the year of the yearly comment awaited."""
    if liaison.status == ResidenceStatus.ASSIGNED and _yearly(liaison):
        return f"năm {comment_year(liaison)}"
    return ""


# The area's workflows by name (the API and docs list their tables).
WORKFLOWS = {"exemption": EXEMPTION, "working_away": WORKING_AWAY, "residence": RESIDENCE}
