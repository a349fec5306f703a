"""Who performs an action: a signed-in user, or the product itself.

Every service takes `actor` first. A user's rights come from their role grants
(`accounts.scope.scope_for`); `SYSTEM` is the product acting on its own (the
daily job, seeding, the demo, data migrations) and is never refused by the
workflow permission check. Pages, the API and commands run by a person always
pass that person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias, TypeVar


class SystemActor:
    """The product acting by itself: no user, no history user, every right."""

    pk: Final = None
    id: Final = None
    is_authenticated: Final = False
    is_active: Final = True
    is_superuser: Final = False
    username: Final = "he-thong"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __bool__(self) -> bool:
        # Code that writes `actor if actor else None` into a history column treats
        # the system like "no user", as it did before the actor was typed.
        return False


SYSTEM: Final = SystemActor()

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Actor: TypeAlias = "AbstractBaseUser" | "AnonymousUser" | SystemActor
else:
    Actor = object


def history_user(actor: Actor | None):
    """The user to keep in a history row: None for the system."""
    return actor if getattr(actor, "pk", None) else None


_Saved = TypeVar("_Saved")


def with_history_user(obj: _Saved, actor: Actor | None) -> _Saved:
    """Mark `obj` so that the history row of its next save names `actor` (none for the system)."""
    # simple_history reads this plain instance attribute; no model declares it.
    obj._history_user = history_user(actor)  # type: ignore[attr-defined]
    return obj


def with_change_reason(obj: _Saved, reason: str) -> _Saved:
    """Mark `obj` so that the history row of its next save keeps `reason`."""
    # simple_history reads this plain instance attribute; no model declares it.
    obj._change_reason = reason  # type: ignore[attr-defined]
    return obj
