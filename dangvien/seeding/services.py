"""Load synthetic data (demo province, benchmark and national-size sets) and the
demo accounts."""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from dangvien.accounts.models import Role, RoleGrant
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.core.memory import without_cycle_collector
from dangvien.dues.models import DuesLedger
from dangvien.meetings.models import Meeting
from dangvien.members.models import (
    ACTIVE_STATUSES,
    CatalogItem,
    Member,
    MemberNameWord,
    MembershipEvent,
)
from dangvien.members.name_words import name_words_write_range
from dangvien.members.summary import membership_summary_rebuild
from dangvien.organizations.models import Level, Organization, OrganizationEvent

from . import generate
from . import meetings as meeting_seed
from .baseline import history_baseline
from .cpu import CpuMeter, CpuShare

if TYPE_CHECKING:
    from .dues import DuesSeedResult
from .writer import bulk_load_mode, compact, reset_sequences, write_rows

DEMO_PROVINCE = 42  # Hà Tĩnh
DEMO_MEMBERS = 2200
DEMO_PASSWORD = "demo"


@dataclass
class SeedResult:
    organizations: int
    cells: int
    members: int
    events: int
    seconds: float  # the members: organisations, members, events, their history
    meetings: meeting_seed.MeetingSeedResult | None = None  # timed on its own
    dues: DuesSeedResult | None = None  # timed on its own
    summary_seconds: float = 0.0  # the organisations' figures, timed on their own
    # The visibility map after a large load, and the meetings and the dues ledger
    # compacted after their bulk rewrites (writer.compact), timed on their own.
    vacuum_seconds: float = 0.0
    cpu: CpuShare | None = None  # of the members' part (`seconds`)

    @property
    def members_per_second(self) -> float:
        return self.members / self.seconds if self.seconds else 0.0


def _max_id(model) -> int:
    return model.objects.aggregate(m=Max("id"))["m"] or 0


CHUNK = 50_000


def _write_organizations(gen: generate.Generator, built: generate.Built, loaded_at) -> None:
    write_rows(Organization._meta.db_table, generate.ORG_COLUMNS, (o.row() for o in built.orgs))
    if built.orgs:  # the history baseline: the first edit keeps its before-value
        history_baseline(
            Organization.objects.filter(pk__range=(built.orgs[0].id, built.orgs[-1].id)),
            when=loaded_at,
            only_missing=False,
        )
    first = _max_id(OrganizationEvent) + 1
    write_rows(
        OrganizationEvent._meta.db_table,
        generate.ORG_EVENT_COLUMNS,
        (o.created_event_row(first + i, gen.created_at) for i, o in enumerate(built.orgs)),
    )


PARALLEL_FROM = 100_000  # members; below this one process in one transaction


class _Chunk:
    """Up to `size` members of the generator `rows`: their rows streamed once
    into COPY as they are made (none kept), their events kept for the COPY
    that follows, the first and last id seen."""

    def __init__(self, rows, size: int):
        self.source = itertools.islice(rows, size)
        self.events: list[tuple] = []
        self.first = self.last = 0

    def members(self) -> Iterator[tuple]:
        events = self.events
        for row, row_events in self.source:
            if not self.first:
                self.first = row[0]
            self.last = row[0]
            events.extend(row_events)
            yield row


def _write_members(
    gen: generate.Generator, cells, slots, loaded_at, progress=None
) -> tuple[int, int]:
    """Generate and write the members of `slots` (their events, the words of
    their names and the baseline history row of each record) in chunks of
    CHUNK members; returns (members, events) written.

    The rows stream into a binary COPY as they are generated, with Python's
    cycle collector paused: the loaders' Python went from 43 to 22.5 µs a
    member (a million members), the collector walking each kept chunk having
    cost 8 µs and COPY's text format 9.5 µs more than the binary one."""
    members = events = 0
    rows = gen.members(cells, slots)
    with without_cycle_collector():
        while True:
            chunk = _Chunk(rows, CHUNK)
            written = write_rows(
                Member._meta.db_table, generate.MEMBER_COLUMNS, chunk.members(), binary=True
            )
            if not written:
                return members, events
            members += written
            name_words_write_range(chunk.first, chunk.last)  # the name search's index
            history_baseline(
                Member.objects.filter(pk__range=(chunk.first, chunk.last)),
                when=loaded_at,
                only_missing=False,
            )
            events += write_rows(
                MembershipEvent._meta.db_table, generate.EVENT_COLUMNS, chunk.events, binary=True
            )
            if progress:
                progress(members)


# Set before forking the loader processes; they inherit it (no pickling of the tree).
_JOB: tuple | None = None


def _load_part(part: list[tuple[int, int, int]]) -> tuple[int, int]:
    gen, cells, loaded_at = _JOB  # type: ignore[misc]
    with transaction.atomic():
        result = _write_members(gen, cells, part, loaded_at)
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
    the end, `writer.bulk_load_mode`), the organisations written meanwhile by
    this process; if that fails half-way, the database must be re-created.
    """
    global _JOB
    if Member.objects.exists() or Organization.objects.exists():
        raise DomainError(
            "Cơ sở dữ liệu đã có dữ liệu; chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu trống."
        )
    started = time.perf_counter()
    meter = CpuMeter().start()
    loaded_at = timezone.now()
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
        Member.history.model._meta.db_table,
        Organization.history.model._meta.db_table,
    )
    big = connection.vendor == "postgresql" and plan.members >= PARALLEL_FROM
    if not big:
        with transaction.atomic():
            _write_organizations(gen, built, loaded_at)
            members, events = _write_members(gen, built.cells, slots, loaded_at, progress)
            reset_sequences(*tables[:4])
    else:
        # One loader more than cores: each waits on PostgreSQL part of the time.
        workers = workers or (os.cpu_count() or 1) + 1
        try:
            with bulk_load_mode(*tables[1:3], tables[4], MemberNameWord._meta.db_table):
                _JOB = (gen, built.cells, loaded_at)
                connections.close_all()  # the children open their own connections
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    loading = pool.map_async(_load_part, _split(slots, workers))
                    # Meanwhile the organisations (the members' keys to them are
                    # set aside until the end): 8 s of one core at 5.6 million.
                    with transaction.atomic():
                        _write_organizations(gen, built, loaded_at)
                    results = loading.get()
                members = sum(r[0] for r in results)
                events = sum(r[1] for r in results)
        except Exception as exc:
            raise DomainError(
                "Nạp dữ liệu lớn bị gián đoạn; hãy xóa và tạo lại cơ sở dữ liệu rồi nạp lại. "
                f"Nguyên nhân: {exc}"
            ) from exc
        finally:
            _JOB = None
        reset_sequences(*tables[:4])
        if progress:
            progress(members)
    cpu = meter.stop()
    loaded = tables + (MemberNameWord._meta.db_table,)
    if connection.vendor == "postgresql":  # fresh statistics, or the planner guesses
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(loaded)}")
    result = SeedResult(
        len(built.orgs),
        len(built.cells),
        members,
        events,
        time.perf_counter() - started,
        cpu=cpu,
    )
    if big:
        # The visibility map of the loaded tables, which autovacuum would set
        # minutes later: until then no index-only scan (the name search's
        # words: 0.85 s instead of 56 ms at 5.6 million members).
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {', '.join(loaded)}")
        result.vacuum_seconds = time.perf_counter() - began
    # The organisations' figures (members.summary): one recount of what was written.
    result.summary_seconds = membership_summary_rebuild().seconds
    if plan.meetings:
        with transaction.atomic():
            result.meetings = meeting_seed.seed_meetings(seed=plan.seed, big=big)
        if big:  # the meetings rewritten once from their attendance (votes, flags)
            result.vacuum_seconds += compact(Meeting)
    if plan.dues:
        from .dues import seed_dues_history

        with transaction.atomic():
            result.dues = seed_dues_history()
        if big:  # each month's ledger rewritten by its payments, then its close
            result.vacuum_seconds += compact(DuesLedger)
    return result


def demo_plan(seed_value: int = 2026) -> generate.Plan:
    """One province (Hà Tĩnh) with three commune/ward committees and an agency bloc."""
    return generate.Plan(
        members=DEMO_MEMBERS,
        seed=seed_value,
        province_codes=[DEMO_PROVINCE],
        min_communes=3,
        members_per_cell=40,
        # The year of meetings is written after the demo's workflows
        # (demo_meetings), so that attendance follows the events they add.
        meetings=False,
        dues=False,  # demo_dues, through the services, after the meetings
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
        if role == Role.MEMBER and member.user_id != user.pk:
            member.user = user
            member._change_reason = "Dữ liệu mẫu: tài khoản"  # type: ignore[attr-defined]
            member.save(update_fields=["user"])  # kept in the record's history
        out.append((username, DEMO_PASSWORD, label))
    return out


def _retiree(grassroots: Organization, on: dt.date, exclude: list[int]) -> Member | None:
    """An official member under `grassroots` who is past the retirement age on
    `on` (members.rules, the Labour Code in force), not yet marked retired."""
    from dangvien.members.models import Status
    from dangvien.members.rules import past_retirement_age

    candidates = (
        Member.objects.filter(
            org_path__startswith=grassroots.path,
            status=Status.OFFICIAL,
            birth_date__lte=on.replace(year=on.year - 55, day=1),
        )
        .exclude(pk__in=exclude)
        .exclude(occupation__name="Nghỉ hưu")
        .order_by("-birth_date", "id")  # the youngest past the age: retired lately
    )
    for member in candidates.iterator():
        if past_retirement_age(member.birth_date, member.gender, on):
            return member
    return None


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
    from dangvien.members.rules import add_months
    from dangvien.movements import services as movements
    from dangvien.movements.selectors import cell_vote_base

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
    retired_on = today - dt.timedelta(days=150)
    pensioner = _retiree(grassroots, retired_on, exclude=[m.pk for m in officials])
    if retired is not None and pensioner is not None:
        # Retired on a day past the Labour Code's retirement age (members.rules).
        pensioner.occupation = retired
        pensioner._change_reason = "Dữ liệu mẫu: nghỉ hưu"  # type: ignore[attr-defined]
        pensioner.save(update_fields=["occupation"])  # kept in the record's history
        WorkHistory.objects.create(
            member=pensioner,
            start=add_months(pensioner.birth_date, 22 * 12),  # from the age of 22
            end=retired_on,
            position="Chuyên viên",
            workplace=grassroots.name,
        )
    year = today.year if today.month > 3 else today.year - 1
    meeting_on = today - dt.timedelta(days=10)
    # Every member who may vote is in favour: present, counted in the base (the
    # rule's R1.8a), and not the member concerned, who does not vote on their
    # own removal.
    vote = cell_vote_base(cell, meeting_on, subject=officials[3])
    movements.removal_propose(
        actor=SYSTEM,
        member=officials[3],
        kind="name_deletion",
        cause="unpaid_dues",
        evidence_months=[dt.date(year, m, 1) for m in (1, 2, 3)],
        meeting_on=meeting_on,
        votes_for=len(vote.voters),
    )
    liaison.working_away_report(
        actor=SYSTEM,
        member=officials[4],
        reported_on=today - dt.timedelta(days=130),
        left_on=today - dt.timedelta(days=120),
        report_text="Đi làm công nhân tại khu công nghiệp, chưa rõ địa chỉ cụ thể.",
    )
    return Case.objects.filter(closed_on__isnull=True).count()


def demo_absentee() -> Member | None:
    """The demo cell's member who missed three regular meetings without reason:
    an official member, not exempted, none of those the demo workflows use."""
    from dangvien.members.models import Status

    cell = _demo_cell()
    return (
        Member.objects.filter(organization=cell, status=Status.OFFICIAL, is_exempt=False)
        .order_by("id")[8:9]
        .first()
    )


def _demo_cell() -> Organization:
    grassroots = (
        Organization.objects.filter(level=Level.GRASSROOTS_COMMITTEE).order_by("path")[:1].get()
    )
    return (
        Organization.objects.filter(path__startswith=grassroots.path, level=Level.CELL)
        .order_by("path")[:1]
        .get()
    )


@transaction.atomic
def demo_meetings(today: dt.date | None = None) -> meeting_seed.MeetingSeedResult:
    """The demo's year of meetings (after the demo workflows, so that the rolls
    follow the events they wrote): every cell's schedule, meetings, attendance,
    tasks and guests in bulk, one member of the demo cell on the name-deletion
    list from three regular meetings missed without reason, and two feedback
    items of the demo cell sent through the real services, one answered by the
    committee and one waiting."""
    from dangvien.meetings import services as meetings
    from dangvien.meetings.models import Meeting, MeetingKind, MeetingStatus

    today = today or dt.date.today()
    absentee = demo_absentee()
    result = meeting_seed.seed_meetings(
        today=today, seed=2026, absentee_id=absentee.pk if absentee else None
    )
    meeting_seed.issue_demo_papers(_demo_cell())
    held = list(
        Meeting.objects.filter(
            cell=_demo_cell(), kind=MeetingKind.REGULAR, status=MeetingStatus.HELD
        ).order_by("-month")[:4]
    )
    if len(held) >= 4:
        waiting, answered = held[0], held[3]
        assert waiting.held_on and answered.held_on  # held meetings have their day
        meetings.feedback_send(
            actor=SYSTEM,
            meeting=waiting,
            content="Đề nghị Đảng ủy cấp trên sớm có văn bản hướng dẫn thực hiện quy trình "
            "đánh giá, xếp loại chất lượng đảng viên cuối năm theo quy định mới.",
            sent_on=min(today, waiting.held_on + dt.timedelta(days=2)),
        )
        item = meetings.feedback_send(
            actor=SYSTEM,
            meeting=answered,
            content="Đề nghị cấp trên hướng dẫn việc miễn sinh hoạt cho đảng viên tuổi cao, "
            "sức yếu theo Hướng dẫn 42-HD/BTCTW.",
            sent_on=answered.held_on + dt.timedelta(days=1),
        )
        meetings.feedback_answer(
            actor=SYSTEM,
            feedback=item,
            answer="Ban Thường vụ Đảng ủy đã gửi văn bản hướng dẫn; chi bộ xem xét từng "
            "trường hợp, lập danh sách đề nghị Đảng ủy quyết định.",
            answered_on=min(today, item.sent_on + dt.timedelta(days=12)),
        )
    return result
