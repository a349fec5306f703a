"""Work run in a thread beside the caller's, on its own database connection:
on a machine of two cores a report's database-bound parts (the work of the
period: meetings, dues; its records; the next chunk of events) run while its
Python part (the members' histories) runs, instead of after it
(reports.services, reports.compute)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection, connections

T = TypeVar("T")


class Alongside(Generic[T]):
    """`fn(*args)` started in a thread now; `result()` waits for it and returns
    its value or raises its exception. The thread has its own connections
    (closed when it ends), so it sees what is committed, not the caller's
    transaction: give it only what reads committed data."""

    def __init__(self, fn: Callable[..., T], *args) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., T], args: tuple) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
        finally:
            connections.close_all()

    def result(self) -> T:
        """The function's value, once it has ended; its exception re-raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def settle(self) -> None:
        """Wait for the thread to end, whatever it returns or raises: a caller
        that failed or stopped early leaves no query running behind it."""
        self._thread.join()


class Inline(Generic[T]):
    """`fn(*args)` run when its result is first asked for, in the caller's
    thread (Alongside's interface)."""

    def __init__(self, fn: Callable[..., T], *args) -> None:
        self._fn, self._args = fn, args

    def result(self) -> T:
        return self._fn(*self._args)

    def settle(self) -> None:
        """Nothing runs until asked for."""


def alongside(fn: Callable[..., T], *args, worth: bool) -> Alongside[T] | Inline[T]:
    """`fn(*args)` started in a thread now (Alongside) when `worth` it and the
    caller is outside any transaction (atomic or autocommit turned off): the
    thread's connection would not see what a transaction wrote (a test's, a
    request's). Otherwise run in the caller's thread when `.result()` is
    called."""
    if worth and not connection.in_atomic_block and connection.get_autocommit():
        return Alongside(fn, *args)
    return Inline(fn, *args)
