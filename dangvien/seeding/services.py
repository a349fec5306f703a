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
from dangvien.core.actors import SYSTEM
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
    province = Organization.objects.filter(level=Level.PROVINCIAL).order_by("path")[:1].get()
    grassroots = (
        Organization.objects.filter(level=Level.GRASSROOTS_COMMITTEE).order_by("path")[:1].get()
    )
    cell = (
        Organization.objects.filter(path__startswith=grassroots.path, level=Level.CELL)
        .order_by("path")[:1]
        .get()
    )
    member = (
        Member.objects.filter(organization=cell, status__in=ACTIVE_STATUSES)
        .order_by("id")[:1]
        .get()
    )
    today = dt.date.today()
    accounts: list[tuple[str, str, str | None, Organization | None]] = [
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
        if (
            role
            and org is not None
            and not RoleGrant.objects.filter(user=user, role=role, organization=org).exists()
        ):
            RoleGrant.objects.create(user=user, role=role, organization=org, valid_from=today)
        if role == Role.MEMBER:
            Member.objects.filter(pk=member.pk).update(user=user)
        out.append((username, DEMO_PASSWORD, label))
    return out


@transaction.atomic
def demo_workflows(today: dt.date | None = None) -> int:
    """Open cases in the demo cell through the real services, so that every
    workflow page has something to show: a candidate's admission file, the
    recognitions falling due, a transfer waiting for its letter, one sent but
    never received, a retired member who never moved, a name deletion waiting
    for the committee, a member working away. Returns the open cases."""
    from dangvien.admissions import services as admissions
    from dangvien.compliance.models import Case
    from dangvien.liaison import services as liaison
    from dangvien.members.models import CatalogKind, Status, WorkHistory
    from dangvien.movements import services as movements

    today = today or dt.date.today()
    grassroots = (
        Organization.objects.filter(level=Level.GRASSROOTS_COMMITTEE).order_by("path")[:1].get()
    )
    cells = list(
        Organization.objects.filter(path__startswith=grassroots.path, level=Level.CELL).order_by(
            "path"
        )[:2]
    )
    elsewhere = (
        (Organization.objects.filter(level=Level.CELL).exclude(path__startswith=grassroots.path))
        .order_by("path")[:1]
        .get()
    )
    cell = cells[0]
    officials = list(
        Member.objects.filter(organization=cell, status=Status.OFFICIAL).order_by("id")[1:7]
    )
    if len(officials) < 6:
        return Case.objects.filter(closed_on__isnull=True).count()
    admissions.admission_open(
        actor=SYSTEM,
        organization=cell,
        opened_on=today - dt.timedelta(days=20),
        data={
            "family_name": "Trần",
            "middle_name": "Thị",
            "given_name": "Thu Hà",
            "gender": "F",
            "birth_date": dt.date(1998, 4, 12),
            "application_date": today - dt.timedelta(days=25),
            "certificate_number": "157/GCN-TTCT",
            "certificate_date": today - dt.timedelta(days=200),
            "education_level": "12/12",
        },
    )
    admissions.recognition_open_due(actor=SYSTEM, on=today)
    movements.transfer_open(
        actor=SYSTEM,
        member=officials[0],
        kind="permanent",
        reason="residence",
        trigger_date=today - dt.timedelta(days=30),
        to_organization=cells[1] if len(cells) > 1 else elsewhere,
    )
    late = movements.transfer_open(
        actor=SYSTEM,
        member=officials[1],
        kind="permanent",
        reason="new_unit",
        trigger_date=today - dt.timedelta(days=120),
        to_organization=elsewhere,
    )
    movements.transfer_send(
        actor=SYSTEM,
        transfer=late,
        sent_on=today - dt.timedelta(days=75),
        dues_paid_through=(today - dt.timedelta(days=100)).strftime("%m/%Y"),
    )
    retired = CatalogItem.objects.filter(kind=CatalogKind.OCCUPATION, name="Nghỉ hưu").first()
    if retired is not None:
        Member.objects.filter(pk=officials[2].pk).update(occupation=retired)
        WorkHistory.objects.create(
            member=officials[2],
            start=dt.date(1995, 9, 1),
            end=today - dt.timedelta(days=150),
            position="Chuyên viên",
            workplace=grassroots.name,
        )
    year = today.year if today.month > 3 else today.year - 1
    movements.removal_propose(
        actor=SYSTEM,
        member=officials[3],
        kind="name_deletion",
        cause="unpaid_dues",
        evidence_months=[dt.date(year, m, 1) for m in (1, 2, 3)],
        meeting_on=today - dt.timedelta(days=10),
        votes_for=Member.objects.filter(organization=cell, status=Status.OFFICIAL).count(),
    )
    liaison.working_away_report(
        actor=SYSTEM,
        member=officials[4],
        reported_on=today - dt.timedelta(days=130),
        left_on=today - dt.timedelta(days=120),
        report_text="Đi làm công nhân tại khu công nghiệp, chưa rõ địa chỉ cụ thể.",
    )
    return Case.objects.filter(closed_on__isnull=True).count()
