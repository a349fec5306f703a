"""Load synthetic data (demo province, benchmark and national-size sets) and the
demo accounts."""

from __future__ import annotations

import datetime as dt
import time
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max

from dangvien.accounts.models import Role, RoleGrant
from dangvien.core.errors import DomainError
from dangvien.members.models import ACTIVE_STATUSES, CatalogItem, Member, MembershipEvent
from dangvien.organizations.models import Level, Organization

from . import generate
from .writer import bulk_load_mode, reset_sequences, write_rows

DEMO_PROVINCE = 42  # Hà Tĩnh
DEMO_MEMBERS = 2200
DEMO_PASSWORD = "demo"


@dataclass
class SeedResult:
    organizations: int
    cells: int
    members: int
    events: int
    seconds: float

    @property
    def members_per_second(self) -> float:
        return self.members / self.seconds if self.seconds else 0.0


def _max_id(model) -> int:
    return model.objects.aggregate(m=Max("id"))["m"] or 0


def seed(plan: generate.Plan, *, progress=None) -> SeedResult:
    """Write a synthetic data set into an empty database, in bulk."""
    if Member.objects.exists() or Organization.objects.exists():
        raise DomainError(
            "Cơ sở dữ liệu đã có dữ liệu; chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu trống."
        )
    started = time.perf_counter()
    catalog = {(c.kind, c.code): c.pk for c in CatalogItem.objects.all()}
    gen = generate.Generator(
        plan,
        first_org_id=_max_id(Organization) + 1,
        first_member_id=_max_id(Member) + 1,
        first_event_id=_max_id(MembershipEvent) + 1,
        catalog=catalog,
    )
    built = gen.build_tree()
    big = connection.vendor == "postgresql" and plan.members >= 100_000
    events_buffer: list[tuple] = []
    counts = {"members": 0, "events": 0}

    def member_rows():
        for row, events in gen.members(built.cells):
            events_buffer.extend(events)
            counts["members"] += 1
            if progress and counts["members"] % 100_000 == 0:
                progress(counts["members"])
            yield row

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        write_rows(Organization._meta.db_table, generate.ORG_COLUMNS, (o.row() for o in built.orgs))
        tables = (Member._meta.db_table, MembershipEvent._meta.db_table)
        with bulk_load_mode(*tables) if big else nullcontext():
            chunk = 200_000
            rows = member_rows()
            while True:
                batch = [r for _, r in zip(range(chunk), rows, strict=False)]
                if not batch:
                    break
                write_rows(Member._meta.db_table, generate.MEMBER_COLUMNS, batch)
                counts["events"] += write_rows(
                    MembershipEvent._meta.db_table, generate.EVENT_COLUMNS, events_buffer
                )
                events_buffer.clear()
        reset_sequences(
            Organization._meta.db_table, Member._meta.db_table, MembershipEvent._meta.db_table
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return SeedResult(
        len(built.orgs),
        len(built.cells),
        counts["members"],
        counts["events"],
        time.perf_counter() - started,
    )


def demo_plan(seed_value: int = 2026) -> generate.Plan:
    """One province (Hà Tĩnh) with three commune/ward committees and an agency bloc."""
    return generate.Plan(
        members=DEMO_MEMBERS,
        seed=seed_value,
        province_codes=[DEMO_PROVINCE],
        min_communes=3,
        members_per_cell=40,
    )


@transaction.atomic
def demo_accounts() -> list[tuple[str, str, str]]:
    """The demo accounts, one per role level, password `demo`. Demo only."""
    User = get_user_model()
    province = Organization.objects.filter(level=Level.PROVINCIAL).order_by("path").first()
    grassroots = (
        Organization.objects.filter(level=Level.SUPERIOR, unit_type__in=["commune", "ward"])
        .order_by("path")
        .first()
    )
    cell = (
        Organization.objects.filter(path__startswith=grassroots.path, level=Level.CELL)
        .order_by("path")
        .first()
    )
    member = (
        Member.objects.filter(organization=cell, status__in=ACTIVE_STATUSES).order_by("id").first()
    )
    today = dt.date.today()
    accounts = [
        ("admin", "Quản trị hệ thống", None, None),
        ("tinhuy", f"Ban Tổ chức — {province.name}", Role.ORGANISATION_BOARD, province),
        ("danguy", f"Văn phòng — {grassroots.name}", Role.GRASSROOTS_OFFICE, grassroots),
        ("chibo", f"Bí thư — {cell.name}", Role.CELL_SECRETARY, cell),
        ("dangvien", f"Đảng viên — {member.full_name}", Role.MEMBER, cell),
    ]
    out = []
    for username, label, role, org in accounts:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = username == "admin"
        user.first_name = label
        user.save()
        if role and not RoleGrant.objects.filter(user=user, role=role, organization=org).exists():
            RoleGrant.objects.create(user=user, role=role, organization=org, valid_from=today)
        if role == Role.MEMBER:
            Member.objects.filter(pk=member.pk).update(user=user)
        out.append((username, DEMO_PASSWORD, label))
    return out
