"""The transfer and removal workflows as tables (compliance.workflow).

Transfer (R2, regulations.md §2): opened → sent → received (→ returned for a
temporary transfer), or cancelled before the letter. A sent letter that was
lost or damaged is re-issued by its issuer (sent → sent, new number, the
deadline restarts). Two open cases: the
sending side (slot "") and the receiving side (slot "receiving").

Removal (R4, §4): the cell's resolution (removal_propose opens it: proposed,
or failed_vote) → the competent committee above the cell decides.

Services call `TRANSFER.require(obj, code, actor)` on the locked row before
writing and `TRANSFER.sync_case(obj, on=day)` after; pages and the API offer
`open_steps(obj, user)`. Opening a transfer or a removal has no object yet: it
is checked with `require_act_at(actor, org, OPEN_*.label, OPEN_*.body)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import Body, Step, Workflow
from dangvien.documents.models import DocumentKind
from dangvien.organizations.models import Level, Organization
from dangvien.organizations.selectors import organization_ancestors

from . import rules
from .models import Removal, RemovalStatus, Transfer, TransferKind, TransferStatus

SENDING, RECEIVING = "", "receiving"


def _chain(org: Organization) -> list[Organization]:
    return [*organization_ancestors(org), org]


def transfer_issuer(transfer: Transfer) -> tuple[Organization, str]:
    """The body that issues the introduction letter and the capacity it signs in
    (R2.2, QĐ 294-QĐ/TW điểm 6.3.1, `rules.letter_issuer`): (organisation,
    e.g. "T/M ĐẢNG ỦY"). The transfer must have a sending cell here."""
    assert transfer.from_organization is not None
    to_chain = _chain(transfer.to_organization) if transfer.to_organization else None
    return rules.letter_issuer(_chain(transfer.from_organization), to_chain)


def _issuer(transfer: Transfer) -> Organization | None:
    return transfer_issuer(transfer)[0] if transfer.from_organization else None


def issuer_body(transfer: Transfer) -> Body:
    """The body that issues (and re-issues) the letter, by case (R2.2): the
    grassroots committee within its organisation, the province's organisation
    board for a grassroots organisation directly under the province, else the
    committee directly above the grassroots organisation."""
    issuer = _issuer(transfer)
    if issuer is None:
        return Body.SUPERIOR
    if issuer.level == Level.PROVINCIAL:
        return Body.ORGANISATION_BOARD
    if issuer.level in rules.GRASSROOTS_LEVELS:
        return Body.GRASSROOTS
    return Body.SUPERIOR


@dataclass(frozen=True)
class Opening:
    """An action that creates the workflow's object (no state yet): who acts."""

    label: str
    body: Body


OPEN_TRANSFER = Opening("Mở hồ sơ chuyển sinh hoạt đảng", Body.CELL)
REGISTER_INCOMING = Opening("Tiếp nhận đảng viên chuyển đến từ ngoài hệ thống", Body.CELL)
PROPOSE_REMOVAL = Opening("Chi bộ họp xét đề nghị xóa tên, cho ra khỏi Đảng", Body.CELL)
RECORD_REMOVAL = Opening("Ghi khai trừ, từ trần", Body.CELL)

TRANSFER = Workflow(
    kind=CaseKind.TRANSFER,
    state_of=lambda t: t.status,
    state_label=lambda t: t.get_status_display(),
    where=lambda t: t.from_organization,
    subject=lambda t: t.member.full_name,
    member=lambda t: t.member,
    slots=(SENDING, RECEIVING),
    steps=(
        Step(
            code="send",
            label="Làm thủ tục, cấp giấy giới thiệu sinh hoạt đảng",
            sources=(TransferStatus.OPENED,),
            target=TransferStatus.SENT,
            # The letter issuer (R2.2) is a committee above the sending cell: the
            # grassroots committee within one grassroots organisation, else the
            # committee above it (for one directly under the province, the
            # province's organisation board): the body varies by case.
            body=issuer_body,
            acting=_issuer,
            due=lambda t: rules.transfer_start_due(t.trigger_date),
            paper=DocumentKind.TRANSFER_LETTER,
        ),
        Step(
            code="receive",
            label="Tiếp nhận đảng viên và hồ sơ (đối chiếu danh mục)",
            sources=(TransferStatus.SENT,),
            target=TransferStatus.RECEIVED,
            body=Body.CELL,
            acting=lambda t: t.to_organization,
            # From the letter in force: a re-issued letter restarts the deadline.
            due=lambda t: t.present_due or rules.transfer_present_due(t.sent_on),
            slot=RECEIVING,
            when=lambda t: t.to_organization_id is not None,
            where=lambda t: t.to_organization,
        ),
        Step(
            code="return",
            label="Đảng viên trở về sinh hoạt khi hết thời hạn tạm thời",
            sources=(TransferStatus.SENT, TransferStatus.RECEIVED),
            target=TransferStatus.RETURNED,
            body=Body.CELL,
            acting=lambda t: t.from_organization,
            due=lambda t: t.period_end,
            when=lambda t: t.kind == TransferKind.TEMPORARY,
        ),
        Step(
            # A letter lost or damaged before it was presented: the issuing body
            # voids it (kept in the register, marked void) and issues a new
            # numbered letter; the member has the full presentation period again
            # from the new letter's date (R2.3). Both letters stay in the record.
            code="reissue",
            label="Cấp lại giấy giới thiệu (giấy bị mất, hư hỏng)",
            sources=(TransferStatus.SENT,),
            target=TransferStatus.SENT,
            body=issuer_body,
            acting=_issuer,
            paper=DocumentKind.TRANSFER_LETTER,
            awaited=False,
            when=lambda t: t.from_organization_id is not None,
        ),
        Step(
            # The cell's act before any letter exists. Once the letter is out the
            # member has left the roll (a permanent transfer) and the paper is in
            # the world: the office does not cancel, it re-issues a lost letter
            # ("reissue"), or the issuing body recalls an abandoned one (thu hồi:
            # not built yet; it would void the letter and take the member back).
            code="cancel",
            label="Hủy hồ sơ chuyển sinh hoạt (chưa cấp giấy)",
            sources=(TransferStatus.OPENED,),
            target=TransferStatus.CANCELLED,
            body=Body.CELL,
            acting=lambda t: t.from_organization,
            awaited=False,
        ),
    ),
)


def _deciding_committee(removal: Removal) -> Organization | None:
    """The committee above the cell (R4.2): it decides, never the cell itself."""
    return removal.organization.parent


REMOVAL = Workflow(
    kind=CaseKind.REMOVAL,
    state_of=lambda r: r.status,
    state_label=lambda r: r.get_status_display(),
    where=lambda r: r.organization,
    subject=lambda r: r.member.full_name,
    member=lambda r: r.member,
    steps=(
        Step(
            code="decide",
            label="Cấp ủy có thẩm quyền quyết định",
            sources=(RemovalStatus.PROPOSED,),
            target=None,  # decided or rejected
            body=Body.SUPERIOR,
            acting=_deciding_committee,
            paper=DocumentKind.DECISION,
        ),
    ),
)
