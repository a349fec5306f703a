"""Who holds the posts of an organisation's committee, by date, and who signs its papers.

A post (bí thư, phó bí thư, ủy viên ban thường vụ, cấp ủy viên, trưởng/phó
trưởng ban tổ chức) is a dated `CommitteePost`: the holder from `starts_on` to
`ends_on`, both days included. Recording a new secretary from a day ends the
previous one on the day before. Nothing is deleted: a row recorded by mistake
is voided with its reason, and every change keeps its history (who, when,
before, after).

`signer_for(organization, on, capacity)` answers the block printed under a
paper (HD 36-HD/VPTW box 7): the capacity line ("T/M CHI BỘ", "T/M ĐẢNG ỦY",
"T/M BAN THƯỜNG VỤ"...), the title of the one who signs ("BÍ THƯ", or "PHÓ BÍ
THƯ" when no secretary holds the post that day) and the name. When nobody holds
the post, the paper is still issued with the title and a dotted blank for the
name, and the paper is marked `missing`: an office must not be stopped from
issuing a letter the member is waiting for because the register of posts is
incomplete, and the signature is written by hand anyway; the documents page
says that the name was left blank and where to record the post.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from dangvien.core.actors import history_user, with_history_user
from dangvien.core.errors import ErrorCode

from .models import CommitteePost, CommitteePostKind, Level, Organization

COMMITTEE_LEVELS = (
    Level.CENTRAL,
    Level.PROVINCIAL,
    Level.SUPERIOR,
    Level.GRASSROOTS_COMMITTEE,
    Level.PARTIAL_COMMITTEE,
)
CELL_LEVELS = (Level.GRASSROOTS_CELL, Level.CELL)


class PostError(ErrorCode):
    KIND_INVALID = ("post_kind_invalid", "Chức vụ không hợp lệ.")
    NAME_REQUIRED = ("post_name_required", "Vui lòng chọn đảng viên hoặc ghi họ và tên.")
    BEFORE_FOUNDED = (
        "post_before_founded",
        "Ngày nhận chức vụ không được trước ngày thành lập tổ chức (%(day)s).",
    )
    ENDS_BEFORE_START = (
        "post_ends_before_start",
        "Ngày thôi giữ chức vụ không được trước ngày nhận chức vụ (%(day)s).",
    )
    OVERLAP = (
        "post_overlap",
        "Đồng chí %(name)s đang giữ chức %(kind)s của tổ chức này từ %(day)s.",
    )
    SECRETARY_LATER = (
        "post_secretary_later",
        "Đã ghi bí thư %(name)s từ %(day)s, sau ngày này: ghi thôi giữ chức hoặc hủy bản "
        "ghi đó trước.",
    )
    ALREADY_ENDED = ("post_already_ended", "Chức vụ này đã kết thúc ngày %(day)s.")
    ALREADY_VOIDED = ("post_already_voided", "Bản ghi chức vụ này đã bị hủy.")
    REASON_REQUIRED = ("post_reason_required", "Vui lòng ghi lý do hủy.")
    MEMBER_OUTSIDE = (
        "post_member_outside",
        "Đảng viên này không sinh hoạt trong tổ chức %(organization)s.",
    )


# Posts held by one person at a time.
SINGLE_HOLDER = (CommitteePostKind.SECRETARY, CommitteePostKind.BOARD_HEAD)


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def posts_on(organization: Organization, on: dt.date) -> QuerySet[CommitteePost]:
    """The posts of `organization` held on day `on` (not voided)."""
    return (
        CommitteePost.objects.filter(organization=organization, voided=False, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by("kind", "rank", "starts_on", "id")
    )


def posts_of(organization: Organization) -> QuerySet[CommitteePost]:
    """Every post ever recorded for `organization`, newest first (voided rows too)."""
    return CommitteePost.objects.filter(organization=organization).order_by(
        "voided", "-starts_on", "kind", "rank", "id"
    )


@transaction.atomic
def post_assign(
    *,
    actor,
    organization: Organization,
    kind: str,
    starts_on: dt.date,
    member=None,
    name: str = "",
    rank: int = 1,
    ends_on: dt.date | None = None,
    decision_number: str = "",
    note: str = "",
) -> CommitteePost:
    """Record that `member` (or `name`) holds `kind` at `organization` from `starts_on`.

    A new secretary (or board head) ends the holder before them on the day
    before; a later holder already recorded is refused. Raises DomainError
    (`PostError` codes)."""
    if kind not in CommitteePostKind.values:
        raise PostError.KIND_INVALID.error(field="kind")
    name = " ".join((name or "").split())[:120]
    if member is not None:
        if not (member.org_path or "").startswith(organization.path):
            raise PostError.MEMBER_OUTSIDE.error(field="member", organization=organization.name)
        name = member.full_name
    if not name:
        raise PostError.NAME_REQUIRED.error(field="name")
    if starts_on < organization.valid_from:
        raise PostError.BEFORE_FOUNDED.error(field="starts_on", day=_fmt(organization.valid_from))
    if ends_on is not None and ends_on < starts_on:
        raise PostError.ENDS_BEFORE_START.error(field="ends_on", day=_fmt(starts_on))
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    held = posts_on(organization, starts_on).filter(kind=kind)
    same = held.filter(member=member) if member is not None else held.filter(name=name)
    existing = same.first()
    if existing is not None:
        raise PostError.OVERLAP.error(
            field="starts_on",
            name=existing.name,
            kind=existing.get_kind_display().lower(),
            day=_fmt(existing.starts_on),
        )
    if kind in SINGLE_HOLDER:
        later = (
            CommitteePost.objects.filter(
                organization=organization, kind=kind, voided=False, starts_on__gt=starts_on
            )
            .order_by("starts_on")
            .first()
        )
        if later is not None:
            raise PostError.SECRETARY_LATER.error(
                field="starts_on", name=later.name, day=_fmt(later.starts_on)
            )
        for previous in held.select_for_update():
            previous.ends_on = starts_on - dt.timedelta(days=1)
            with_history_user(previous, actor)
            previous.save(update_fields=["ends_on"])
    post = CommitteePost(
        organization=organization,
        kind=kind,
        member=member,
        name=name,
        rank=max(1, int(rank or 1)),
        starts_on=starts_on,
        ends_on=ends_on,
        decision_number=(decision_number or "").strip()[:64],
        note=(note or "").strip()[:255],
        created_by=history_user(actor),
    )
    with_history_user(post, actor)
    post.save()
    return post


@transaction.atomic
def post_end(*, actor, post: CommitteePost, ends_on: dt.date) -> CommitteePost:
    """The holder leaves the post after `ends_on` (the last day held)."""
    post = CommitteePost.objects.select_for_update().get(pk=post.pk)
    if post.voided:
        raise PostError.ALREADY_VOIDED.error()
    if post.ends_on is not None:
        raise PostError.ALREADY_ENDED.error(field="ends_on", day=_fmt(post.ends_on))
    if ends_on < post.starts_on:
        raise PostError.ENDS_BEFORE_START.error(field="ends_on", day=_fmt(post.starts_on))
    post.ends_on = ends_on
    with_history_user(post, actor)
    post.save(update_fields=["ends_on"])
    return post


@transaction.atomic
def post_void(*, actor, post: CommitteePost, reason: str) -> CommitteePost:
    """A row recorded by mistake is voided with its reason (never deleted)."""
    post = CommitteePost.objects.select_for_update().get(pk=post.pk)
    if post.voided:
        raise PostError.ALREADY_VOIDED.error()
    reason = " ".join((reason or "").split())[:255]
    if not reason:
        raise PostError.REASON_REQUIRED.error(field="reason")
    post.voided = True
    post.void_reason = reason
    with_history_user(post, actor)
    post.save(update_fields=["voided", "void_reason"])
    return post


# --- who signs -----------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    capacity: str  # "T/M CHI BỘ", "T/M BAN THƯỜNG VỤ", "K/T TRƯỞNG BAN", or ""
    title: str  # "BÍ THƯ", "PHÓ BÍ THƯ", "TRƯỞNG BAN"...
    name: str  # "" when nobody holds the post on that day
    post_id: int | None = None

    @property
    def missing(self) -> bool:
        return not self.name


def default_capacity(organization: Organization) -> str:
    """The collective a paper is signed for, by the issuer's level (HD 36 box 7a)."""
    if organization.level in CELL_LEVELS:
        return "T/M CHI BỘ"
    if organization.level == Level.PARTY_GROUP:
        return "T/M TỔ ĐẢNG"
    if organization.level == Level.PROVINCIAL:
        return "T/M BAN THƯỜNG VỤ"
    return "T/M ĐẢNG ỦY"


def _first(organization: Organization, on: dt.date, kind: str) -> CommitteePost | None:
    return posts_on(organization, on).filter(kind=kind).first()


def signer_for(organization: Organization, on: dt.date, capacity: str | None = None) -> Signer:
    """Who signs a paper of `organization` dated `on`, for `capacity`.

    Committees and cells work collectively: the secretary signs "T/M ..." with
    the title BÍ THƯ; with no secretary that day, the first deputy signs with
    PHÓ BÍ THƯ under the same capacity. The organisation board ("BAN TỔ CHỨC")
    works under its head: TRƯỞNG BAN, or "K/T TRƯỞNG BAN" / PHÓ TRƯỞNG BAN.
    Nobody in post: the title is kept and the name is empty (`missing`)."""
    capacity = (capacity if capacity is not None else default_capacity(organization)).strip()
    if "BAN TỔ CHỨC" in capacity.upper():
        head = _first(organization, on, CommitteePostKind.BOARD_HEAD)
        if head is not None:
            return Signer("", "TRƯỞNG BAN", head.name, head.pk)
        deputy = _first(organization, on, CommitteePostKind.BOARD_DEPUTY)
        if deputy is not None:
            return Signer("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", deputy.name, deputy.pk)
        return Signer("", "TRƯỞNG BAN", "")
    secretary = _first(organization, on, CommitteePostKind.SECRETARY)
    if secretary is not None:
        return Signer(capacity, "BÍ THƯ", secretary.name, secretary.pk)
    deputy = _first(organization, on, CommitteePostKind.DEPUTY_SECRETARY)
    if deputy is not None:
        return Signer(capacity, "PHÓ BÍ THƯ", deputy.name, deputy.pk)
    return Signer(capacity, "BÍ THƯ", "")


# --- names of bodies on papers ---------------------------------------------------

_COMMITTEE_WORDS = (
    ("Đảng bộ bộ phận ", "Đảng ủy bộ phận "),
    ("Đảng bộ thành phố ", "Thành ủy "),
    ("Đảng bộ tỉnh ", "Tỉnh ủy "),
    ("Đảng bộ ", "Đảng ủy "),
)


def committee_name(organization: Organization) -> str:
    """The body that receives a paper for an organisation: its committee
    ("Đảng bộ xã Cẩm Xuyên" -> "Đảng ủy xã Cẩm Xuyên"); a cell is named as it is."""
    name = organization.name
    if organization.level == Level.CENTRAL:
        return "Ban Chấp hành Trung ương"  # the Party's top body receives for the centre
    if organization.level in COMMITTEE_LEVELS:
        for prefix, committee in _COMMITTEE_WORDS:
            if name.startswith(prefix):
                return committee + name[len(prefix) :]
    return name


def superior_committee(organization: Organization) -> Organization | None:
    """The committee directly above `organization` (its parent), if any."""
    return organization.parent
