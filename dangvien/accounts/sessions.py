"""Session limits of the web pages: a session ends after SESSION_IDLE_TIMEOUT
seconds without a request (30 minutes by default) and, whatever the activity,
SESSION_COOKIE_AGE seconds after it began (8 hours); and with the browser.

Each request of a logged-in user notes the time in the session (written at most
once a minute); a request that comes too late logs the session out (which also
revokes the API tokens requested from it) and goes to the login page.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

LAST_SEEN = "_dangvien_last_seen"
STARTED = "_dangvien_started"
# Write the time of the last request at most this often (seconds).
RESOLUTION = 60


def session_expired(session, now: float) -> bool:
    """Whether a session last seen / started at the noted times has run out."""
    idle = getattr(settings, "SESSION_IDLE_TIMEOUT", 30 * 60)
    last_seen = session.get(LAST_SEEN)
    started = session.get(STARTED)
    if last_seen is not None and now - last_seen > idle:
        return True
    return started is not None and now - started > settings.SESSION_COOKIE_AGE


class SessionTimeoutMiddleware:
    """Logs out a web session idle too long or too old (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            now = time.time()
            if session_expired(session, now):
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "session_expired", "message": "Phiên làm việc đã hết hạn."},
                        status=401,
                    )
                return redirect_to_login(request.get_full_path())
            session.setdefault(STARTED, now)
            if now - session.get(LAST_SEEN, 0) >= RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)
