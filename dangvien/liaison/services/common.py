"""What the liaison services share: date and text checks raising coded errors,
saving with the history user, and the permission check of opening services."""

from __future__ import annotations

import datetime as dt

from dangvien.accounts.scope import scope_for
from dangvien.compliance.workflow import Body, require_act_at
from dangvien.core.actors import Actor, SystemActor, with_history_user
from dangvien.members.models import Member
from dangvien.organizations.models import Organization

from ..errors import LiaisonError


def today() -> dt.date:
    return dt.date.today()


def require(value, field: str, error: LiaisonError, **params) -> None:
    """Raise `error` at `field` when `value` is empty (None or "")."""
    if value in (None, ""):
        raise error.error(field=field, **params)


def not_future(day: dt.date | None, field: str) -> None:
    """Raise `date_in_future` at `field` when `day` is after today."""
    if day is not None and day > today():
        raise LiaisonError.DATE_IN_FUTURE.error(field=field)


def not_before(day: dt.date, earlier: dt.date | None, field: str, what: str) -> None:
    """Raise `date_before` at `field` when `day` comes before `earlier` (`what` names it)."""
    if earlier is not None and day < earlier:
        raise LiaisonError.DATE_BEFORE.error(field=field, what=what, day=f"{earlier:%d/%m/%Y}")


def clean_text(value: str, field: str, limit: int = 255) -> str:
    """Stripped text without NUL, cut to `limit` characters; `angle_brackets` when
    it holds < or >."""
    value = (value or "").replace("\x00", "").strip()
    if "<" in value or ">" in value:
        raise LiaisonError.ANGLE_BRACKETS.error(field=field)
    return value[:limit]


def save(obj, actor: Actor) -> None:
    """Save with the history user (None for the system)."""
    with_history_user(obj, actor)
    obj.save()


def actor_id(actor: Actor) -> int | None:
    return actor.pk if getattr(actor, "pk", None) else None


def superior(org: Organization) -> Organization:
    return org.parent or org


def require_member_or_writer(actor: Actor, member: Member, label: str) -> None:
    """A step of the member (Body.MEMBER) that opens a file: the member themself,
    or a writing role at their cell or above. Raises `not_acting_body`."""
    member_self = (
        not isinstance(actor, SystemActor)
        and actor is not None
        and scope_for(actor).member_id == member.pk
    )
    if member_self:
        return
    require_act_at(actor, member.organization, label, Body.MEMBER)
