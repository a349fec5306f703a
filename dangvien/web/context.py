"""What every page's frame needs to know about the caller."""

from __future__ import annotations


def navigation(request) -> dict:
    """Staff (a role over some subtree) see the workflow menu; a member with only
    their own record does not."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show_areas": False}
    from dangvien.web.common import request_scope

    scope = request_scope(request)
    return {
        "show_areas": scope.everything or bool(scope.paths),
        # The access log is for the organisation board, the inspection committee
        # and the administrator (the page itself checks again).
        "show_access_log": scope.everything or bool(scope.sensitive_paths),
        # Imports write: offered to the roles that write somewhere.
        "show_imports": scope.everything or bool(scope.write_paths),
        # A member's own pages (their meetings) need their record.
        "has_member_record": scope.member_id is not None,
        # The header's «Thông báo (n)».
        "unread_notices": _unread(user),
    }


def _unread(user) -> int:
    from dangvien.compliance.notifications import unread_count

    return unread_count(user)
