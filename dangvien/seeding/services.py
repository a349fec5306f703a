"""Load synthetic data (demo province, benchmark and national-size sets) and the
demo accounts."""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import Max

from dangvien.accounts.models import Role, RoleGrant
from dangvien.core.errors import DomainError
from dangvien.members.models import ACTIVE_STATUSES, CatalogItem, Member, MembershipEvent
from dangvien.organizations.models import Level, Organization, OrganizationEvent

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


CHUNK = 50_000


def _write_organizations(gen: generate.Generator, built: generate.Built) -> None:
    write_rows(Organization._meta.db_table, generate.ORG_COLUMNS, (o.row() for o in built.orgs))
    first = _max_id(OrganizationEvent) + 1
    write_rows(
        OrganizationEvent._meta.db_table,
        generate.ORG_EVENT_COLUMNS,
        (o.created_event_row(first + i, gen.created_at) for i, o in enumerate(built.orgs)),
    )


PARALLEL_FROM = 100_000  # members; below this one process in one transaction


def _write_members(gen: generate.Generator, cells, slots, progress=None) -> tuple[int, int]:
    """Generate and write the members of `slots` (and their events) in chunks."""
    members = events = 0
    rows = gen.members(cells, slots)
    while True:
        batch, batch_events = [], []
        for row, row_events in itertools.islice(rows, CHUNK):
            batch.append(row)
            batch_events.extend(row_events)
        if not batch:
            return members, events
        members += write_rows(Member._meta.db_table, generate.MEMBER_COLUMNS, batch)
        events += write_rows(MembershipEvent._meta.db_table, generate.EVENT_COLUMNS, batch_events)
        if progress:
            progress(members)


# Set before forking the loader processes; they inherit it (no pickling of the tree).
_JOB: tuple | None = None


def _load_part(part: list[tuple[int, int, int]]) -> tuple[int, int]:
    gen, cells = _JOB  # type: ignore[misc]
    with transaction.atomic():
        result = _write_members(gen, cells, part)
    connections.close_all()
    return result


def _split(slots: list[tuple[int, int, int]], parts: int) -> list[list[tuple[int, int, int]]]:
    total = sum(s[2] for s in slots)
    out: list[list[tuple[int, int, int]]] = [[] for _ in range(parts)]
    running = 0
    for slot in slots:
        out[min(parts - 1, running * parts // max(total, 1))].append(slot)
        running += slot[2]
    return out


def seed(plan: generate.Plan, *, progress=None, workers: int | None = None) -> SeedResult:
    """Write a synthetic data set into an empty database, in bulk.

    Small sets (and SQLite) are written in one transaction. Large sets on
    PostgreSQL are written by parallel processes with COPY while the tables'
    secondary indexes and foreign keys are set aside (re-created and validated at
    the end); if that fails half-way, the database must be re-created.
    """
    global _JOB
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
    slots = gen.slots(built.cells)
    tables = (
        Organization._meta.db_table,
        Member._meta.db_table,
        MembershipEvent._meta.db_table,
        OrganizationEvent._meta.db_table,
    )
    big = connection.vendor == "postgresql" and plan.members >= PARALLEL_FROM
    if not big:
        with transaction.atomic():
            _write_organizations(gen, built)
            members, events = _write_members(gen, built.cells, slots, progress)
            reset_sequences(*tables)
    else:
        # One loader more than cores: each waits on PostgreSQL part of the time.
        workers = workers or (os.cpu_count() or 1) + 1
        with transaction.atomic():
            _write_organizations(gen, built)
        try:
            with bulk_load_mode(*tables[1:3]):
                _JOB = (gen, built.cells)
                connections.close_all()  # the children open their own connections
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    results = pool.map(_load_part, _split(slots, workers))
                members = sum(r[0] for r in results)
                events = sum(r[1] for r in results)
        except Exception as exc:
            raise DomainError(
                "Nạp dữ liệu lớn bị gián đoạn; hãy xóa và tạo lại cơ sở dữ liệu rồi nạp lại. "
                f"Nguyên nhân: {exc}"
            ) from exc
        finally:
            _JOB = None
        reset_sequences(*tables)
        if progress:
            progress(members)
    if connection.vendor == "postgresql":  # fresh statistics, or the planner guesses
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    return SeedResult(
        len(built.orgs), len(built.cells), members, events, time.perf_counter() - started
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
        Organization.objects.filter(level=Level.GRASSROOTS_COMMITTEE).order_by("path").first()
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
