"""What every page shares: the caller's scope, domain errors on a form, dates
typed in the Vietnamese way, and the domain's NotFound answered as 404."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest

from dangvien.accounts.scope import Scope, scope_for
from dangvien.core.errors import DomainError, NotFound, RecordValidationError
from dangvien.core.forms import DATE_INPUT_FORMATS


def request_scope(request: HttpRequest) -> Scope:
    """The signed-in user's scope, computed once per request."""
    if not hasattr(request, "_dangvien_scope"):
        request._dangvien_scope = scope_for(request.user)  # type: ignore[attr-defined]
    return request._dangvien_scope  # type: ignore[attr-defined]


def apply_errors(form, exc: DomainError) -> None:
    """Show a domain error beside the field at fault (or above the form)."""
    if isinstance(exc, RecordValidationError):
        for field, msgs in exc.errors.items():
            for message in msgs:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def parse_date(value: str | None) -> dt.date | None:
    """dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy (or ISO) from a query string; None when
    empty or unreadable."""
    if not value:
        return None
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


class NotFoundMiddleware:
    """Pages answer the domain's NotFound (outside the scope, or no such object)
    with the 404 page, as Django's Http404 would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None
