"""Notices of deadlines to the people who must act (issue 15 part 4).

Every day the job queue (compliance.jobs, 07:00 Vietnam time) reads the open
cases due within DUE_SOON_DAYS days or overdue, grouped by the organisation
that must act and the kind, and the cells that have not closed last month's
dues book from DUE_SOON_DAYS days before its closing day (month-close
reminders, dues.rules.close_due; the last CLOSE_MONTHS_BACK months' books still
open too), and gives each user who acts there one digest:
an in-app Notification ("Thông báo" in the header) and, when the user's
preference allows and an address is known, one e-mail (Django's mail
backend: SMTP in production, the console in the demo).

Who acts: the holders of a writing role (cell secretary, grassroots office,
organisation board) granted at the case's acting organisation; the inspection
committee's members for its steps; the member for a member's own step. A case
with nobody granted at its acting organisation reaches the nearest
organisation above with a writer (someone must hear of it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dangvien.accounts.models import Role, RoleGrant
from dangvien.accounts.scope import WRITING_ROLES
from dangvien.organizations.models import Organization

from .models import Case, CaseKind, Notification, NotificationPreference
from .workflow import Body

DUE_SOON_DAYS = 3  # calendar days before the due date a step is announced


@dataclass
class Digest:
    """What one user hears of today: (kind, overdue, due soon) counts, and the
    cells whose month of dues is still open (month-close reminders)."""

    overdue: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    due_soon: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Month-close reminders: month -> (its closing day, the cells' ids not closed).
    unclosed: dict[dt.date, tuple[dt.date, set[int]]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        labels = dict(CaseKind.choices)
        out = []
        for kind in sorted(set(self.overdue) | set(self.due_soon)):
            parts = []
            if self.overdue.get(kind):
                parts.append(f"{self.overdue[kind]} việc quá hạn")
            if self.due_soon.get(kind):
                parts.append(f"{self.due_soon[kind]} việc đến hạn trong {DUE_SOON_DAYS} ngày")
            out.append(f"- {labels.get(kind, kind)}: {', '.join(parts)}")
        for month, (due, cells) in sorted(self.unclosed.items()):
            out.append(
                f"- Khóa sổ đảng phí tháng {month:%m/%Y}: {len(cells)} chi bộ "
                f"chưa khóa sổ (hạn {due:%d/%m/%Y})"
            )
        return out

    @property
    def unclosed_cells(self) -> int:
        return sum(len(cells) for _due, cells in self.unclosed.values())


_Key = TypeVar("_Key", int, str)
CHUNK = 5_000  # ids in one IN list (SQLite allows 32,766 parameters)


def _chunks(ids: Iterable[_Key]) -> list[list[_Key]]:
    ordered = sorted(ids)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _acting_users(org_ids: set[int], today: dt.date) -> dict[int, dict[str, set[int]]]:
    """organisation id -> {"write": user ids, "inspection": user ids} of the
    grants in force at that organisation."""
    out: dict[int, dict[str, set[int]]] = defaultdict(lambda: {"write": set(), "inspection": set()})
    grants = RoleGrant.objects.in_force(today).filter(user__is_active=True)
    for org_id, user_id, role in (
        row
        for chunk in _chunks(org_ids)
        for row in grants.filter(organization_id__in=chunk).values_list(
            "organization_id", "user_id", "role"
        )
    ):
        if role in WRITING_ROLES:
            out[org_id]["write"].add(user_id)
        elif role == Role.INSPECTION:
            out[org_id]["inspection"].add(user_id)
    return out


class _Writers:
    """The writers who act at each of some organisations: those granted there,
    else those of the nearest organisation above with one (someone must hear)."""

    def __init__(self, org_ids: set[int], today: dt.date):
        self.paths = {
            pk: path
            for chunk in _chunks(org_ids)
            for pk, path in Organization.objects.filter(pk__in=chunk).values_list("pk", "path")
        }
        ancestors = {p[:i] for p in self.paths.values() for i in range(4, len(p), 4)}
        self.by_path = {
            path: pk
            for chunk in _chunks(ancestors)
            for path, pk in Organization.objects.filter(path__in=chunk).values_list("path", "pk")
        }
        self.users = _acting_users(org_ids | set(self.by_path.values()), today)

    def __call__(self, org_id: int) -> set[int]:
        if self.users[org_id]["write"]:
            return self.users[org_id]["write"]
        path = self.paths.get(org_id, "")
        for i in range(len(path) - 4, 0, -4):
            above = self.by_path.get(path[:i])
            if above is not None and self.users[above]["write"]:
                return self.users[above]["write"]
        return set()


CLOSE_MONTHS_BACK = 3  # how many past months' open books are reminded of


def cells_to_close(today: dt.date) -> list[tuple[dt.date, dt.date, list[int]]]:
    """The month-close reminders of `today`: for each of the last
    CLOSE_MONTHS_BACK months whose closing day (dues.rules.close_due) is at
    most DUE_SOON_DAYS days away or past, (month, closing day, the cells with
    members in activity that existed that month and have not closed it)."""
    from dangvien.dues import rules as dues_rules
    from dangvien.dues.models import DuesMonthClose
    from dangvien.organizations.models import MEMBER_HOLDING_LEVELS

    out = []
    month = today.replace(day=1)
    for _ in range(CLOSE_MONTHS_BACK):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        due = dues_rules.close_due(month)
        if today < due - dt.timedelta(days=DUE_SOON_DAYS):
            continue
        cells = (
            Organization.objects.filter(
                level__in=MEMBER_HOLDING_LEVELS,
                valid_to__isnull=True,
                valid_from__lte=dues_rules.month_end(month),
                membership_summary__members__gt=0,
            )
            .exclude(pk__in=DuesMonthClose.objects.filter(month=month).values("organization_id"))
            .values_list("pk", flat=True)
        )
        out.append((month, due, list(cells)))
    return out


def deadline_digests(today: dt.date) -> dict[int, Digest]:
    """user id -> the digest of the open cases they must act on, and of the
    cells they keep whose last month of dues is not closed (see the module)."""
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    groups = (
        Case.objects.filter(closed_on__isnull=True, due_date__lte=soon)
        .values("acting_organization_id", "acting_body", "kind", "member__user_id")
        .annotate(
            overdue=Count("id", filter=Q(due_date__lt=today)),
            due_soon=Count("id", filter=Q(due_date__gte=today)),
        )
    )
    rows = list(groups)
    closes = cells_to_close(today)
    acting = {r["acting_organization_id"] for r in rows if r["acting_organization_id"]}
    writers = _Writers(acting | {pk for _m, _d, cells in closes for pk in cells}, today)
    users = writers.users
    digests: dict[int, Digest] = defaultdict(Digest)
    for month, due, cells in closes:
        for cell_id in cells:
            for user_id in writers(cell_id):
                digests[user_id].unclosed.setdefault(month, (due, set()))[1].add(cell_id)
    for r in rows:
        org_id = r["acting_organization_id"]
        if r["acting_body"] == Body.MEMBER:
            targets = {r["member__user_id"]} if r["member__user_id"] else set()
        elif r["acting_body"] == Body.INSPECTION and org_id:
            targets = users[org_id]["inspection"]
        else:
            targets = writers(org_id) if org_id else set()
        for user_id in targets:
            if r["overdue"]:
                digests[user_id].overdue[r["kind"]] += r["overdue"]
            if r["due_soon"]:
                digests[user_id].due_soon[r["kind"]] += r["due_soon"]
    return dict(digests)


def notify_deadlines(today: dt.date) -> int:
    """Give today's digests (once a day: a second run adds nothing) and send
    their e-mails. Returns the number of notices created."""
    from django.contrib.auth import get_user_model

    digests = deadline_digests(today)
    key = f"deadlines:{today.isoformat()}"
    already = set(
        Notification.objects.filter(key=key, user_id__in=digests).values_list("user_id", flat=True)
    )
    link = f"{reverse('case_list')}?cua_toi=1"
    dues_link = reverse("dues")
    created = []
    for user_id, digest in digests.items():
        if user_id in already:
            continue
        total_overdue = sum(digest.overdue.values())
        total_soon = sum(digest.due_soon.values())
        unclosed = (
            f"; {digest.unclosed_cells} lượt chi bộ chưa khóa sổ đảng phí"
            if digest.unclosed
            else ""
        )
        created.append(
            Notification(
                user_id=user_id,
                key=key,
                title=f"Ngày {today:%d/%m/%Y}: {total_overdue} việc quá hạn, "
                f"{total_soon} việc sắp đến hạn{unclosed}",
                body="\n".join(digest.lines()),
                # Only books to close: the dues page (the case list shows none of them).
                link=dues_link if not total_overdue and not total_soon else link,
            )
        )
    Notification.objects.bulk_create(created)
    opted_out = set(
        NotificationPreference.objects.filter(
            user_id__in=[n.user_id for n in created], email_deadlines=False
        ).values_list("user_id", flat=True)
    )
    emails = dict(
        get_user_model()
        .objects.filter(pk__in=[n.user_id for n in created])
        .exclude(email="")
        .values_list("pk", "email")
    )
    messages = []
    sent_to = []
    for notice in created:
        address = emails.get(notice.user_id)
        if address and notice.user_id not in opted_out:
            body = f"{notice.body}\n\nXem và xử lý: {settings.SITE_URL}{notice.link}\n"
            messages.append(EmailMessage(f"[dangvien] {notice.title}", body, to=[address]))
            sent_to.append(notice.user_id)
    if messages:
        get_connection().send_messages(messages)
        Notification.objects.filter(key=key, user_id__in=sent_to).update(emailed_at=timezone.now())
    return len(created)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
