"""The dues workflow as a table (compliance.workflow).

ARREARS (R5.8, addendum 2.9): a member with three closed months unpaid
without reason in a calendar year waits in the cell's open cases until the
cell proposes name deletion (movements.removals, cause "unpaid_dues") or
records how the arrears were settled (paid back, a reason found).
"""

from __future__ import annotations

import datetime as dt

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, Step, Workflow
from dangvien.organizations.models import Organization

from .models import ArrearsNotice, NoticeStatus

# [UNCONFIRMED]: the cell considers the case at its next monthly meeting.
CONSIDER_WITHIN_DAYS = 30


def _cell(notice: ArrearsNotice) -> Organization:
    return notice.organization


ARREARS = Workflow(
    kind=CaseKind.DUES_ARREARS,
    state_of=lambda n: n.status,
    state_label=lambda n: n.get_status_display(),
    where=_cell,
    subject=lambda n: (
        f"{n.member.full_name}: {len(n.months)} tháng không đóng đảng phí năm {n.year}"
    ),
    member=lambda n: n.member,
    steps=(
        Step(
            "propose",
            "Chi bộ đề nghị xóa tên (không đóng đảng phí 3 tháng không lý do)",
            (NoticeStatus.OPEN,),
            NoticeStatus.PROPOSED,
            Body.CELL,
            _cell,
            due=lambda n: n.opened_on + dt.timedelta(days=CONSIDER_WITHIN_DAYS),
        ),
        Step(
            "settle",
            "Ghi kết quả xử lý (đã đóng bù, có lý do chính đáng)",
            (NoticeStatus.OPEN,),
            NoticeStatus.SETTLED,
            Body.CELL,
            _cell,
            awaited=False,
        ),
    ),
)
