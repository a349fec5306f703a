"""Synthetic data: the demo's shape, determinism, and events that replay."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db.models import F, Max, Min

from dangvien.accounts.scope import scope_for
from dangvien.core.errors import DomainError
from dangvien.members import rules
from dangvien.members.models import (
    ACTIVE_STATUSES,
    CatalogItem,
    Member,
    MemberNameWord,
    MembershipEvent,
)
from dangvien.members.selectors import MemberFilter, members_filtered
from dangvien.members.summary import membership_summary_differences, summary_of
from dangvien.organizations.models import (
    MEMBER_HOLDING_LEVELS,
    Level,
    Organization,
    OrganizationEvent,
    UnitType,
)
from dangvien.places.models import Commune
from dangvien.quality import demo as quality_demo
from dangvien.seeding import generate, services

pytestmark = pytest.mark.django_db


def test_demo_province_has_the_promised_shape():
    result = services.seed(services.demo_plan())
    assert result.members >= 2000
    communes = Organization.objects.filter(
        level=Level.SUPERIOR, unit_type__in=[UnitType.COMMUNE, UnitType.WARD]
    )
    assert communes.count() >= 3
    assert Organization.objects.filter(
        level=Level.GRASSROOTS_COMMITTEE, unit_type=UnitType.AGENCY
    ).exists()
    assert Organization.objects.filter(level__in=MEMBER_HOLDING_LEVELS).count() >= 30
    # Real communes of Hà Tĩnh, named as on documents.
    for org in communes:
        commune = Commune.objects.get(pk=org.commune_id)
        assert commune.province_id == 42
        assert org.document_name.startswith("ĐẢNG ỦY ")
    span = MembershipEvent.objects.aggregate(first=Min("date"), last=Max("date"))
    assert (span["last"] - span["first"]).days > 10 * 365
    created = OrganizationEvent.objects.filter(kind="created")
    assert created.count() == Organization.objects.count()
    assert created.filter(after__name="Đảng bộ tỉnh Hà Tĩnh").exists()
    kinds = set(MembershipEvent.objects.values_list("kind", flat=True))
    assert {"admitted", "recognised", "transferred_out", "transferred_in", "deceased"} <= kinds


def test_seeded_state_matches_a_replay_of_the_events():
    result = services.seed(generate.Plan(members=300, seed=3, province_codes=[42]))
    # The organisations' figures are counted, and the load says what CPU it used.
    assert membership_summary_differences() == []
    root = Organization.objects.get(parent__isnull=True)
    assert summary_of(root).members == Member.objects.filter(status__in=ACTIVE_STATUSES).count()
    assert (
        result.cpu is not None
        and 0 < result.cpu.own_cpu <= result.cpu.seconds * result.cpu.cores + 1
    )
    assert "lõi" in result.cpu.describe()
    for member in Member.objects.order_by("?")[:60]:
        history = list(member.events.order_by("date", "seq", "id"))
        state = rules.EMPTY
        for event in history:
            state = rules.apply_event(state, event.kind, event.organization_id)
            assert (event.status_after, event.organization_after_id) == (
                state.status,
                state.organization_id,
            )
        assert (member.status, member.organization_id, member.is_exempt) == (
            state.status,
            state.organization_id,
            state.exempt,
        )
        assert member.org_path == member.organization.path
        assert (
            rules.citizen_id_error(
                member.citizen_id, birth_date=member.birth_date, gender=member.gender
            )
            is None
        )
        if member.official_date:
            assert member.official_date == rules.probation_end(member.joining_date)
        assert rules.age_in_months(member.birth_date, member.joining_date) >= 18 * 12


def test_same_seed_same_data():
    def names(seed):
        gen = generate.Generator(
            generate.Plan(members=50, seed=seed, province_codes=[40]),
            first_org_id=1,
            first_member_id=1,
            first_event_id=1,
            catalog=__import__("collections").defaultdict(int),
        )
        built = gen.build_tree()
        return [row[1:4] for row, _ in gen.members(built.cells)]

    assert names(5) == names(5)
    assert names(5) != names(6)


def test_seed_refuses_a_database_with_data():
    services.seed(generate.Plan(members=40, seed=1, province_codes=[42]))
    with pytest.raises(DomainError):
        services.seed(generate.Plan(members=40, seed=1, province_codes=[42]))
    assert Member.objects.count() == 40


def test_demo_command_loads_once_and_creates_one_account_per_role(django_user_model, capsys):
    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")  # a second run keeps the data
    out = capsys.readouterr().out
    assert "Dữ liệu trình diễn đã sẵn sàng." in out and "đang chạy tại" not in out
    # Every workflow the demo runs kept the organisations' figures exact.
    assert membership_summary_differences() == []
    # The province's members and the data-quality console's duplicate pair.
    assert Member.objects.count() == services.DEMO_MEMBERS + quality_demo.MEMBERS_ADDED
    users = {u.username: u for u in django_user_model.objects.all()}
    assert set(users) == {"admin", "tinhuy", "danguy", "chibo", "dangvien"}
    assert all(u.check_password("demo") for u in users.values())
    everyone = members_filtered(scope_for(users["admin"]), MemberFilter(status="all")).count()
    province = members_filtered(scope_for(users["tinhuy"]), MemberFilter(status="all")).count()
    grassroots = members_filtered(scope_for(users["danguy"]), MemberFilter(status="all")).count()
    cell = members_filtered(scope_for(users["chibo"]), MemberFilter(status="all")).count()
    own = members_filtered(scope_for(users["dangvien"]), MemberFilter(status="all"))
    assert everyone == province > grassroots > cell > 0
    assert list(own) == [users["dangvien"].member]
    # Every workflow has something open in the secretary's cell, once.
    from dangvien.compliance.models import Case
    from dangvien.compliance.selectors import CaseFilter, open_cases

    kinds = set(open_cases(scope_for(users["chibo"]), CaseFilter()).values_list("kind", flat=True))
    assert {"admission", "transfer", "removal", "working_away"} <= kinds
    assert Case.objects.filter(kind="transfer", closed_on__isnull=True).count() == 2
    # Each account lands on a dashboard with its past months and widgets, and
    # the morning's deadline digests are there.
    from dangvien.compliance.models import Notification
    from dangvien.reports.models import DashboardFigure, MonthlyFigure

    root = scope_for(users["tinhuy"]).paths[0]
    assert MonthlyFigure.objects.filter(organization__path=root).count() == 12
    assert DashboardFigure.objects.filter(organization__path=root).count() == 3
    assert Notification.objects.filter(user=users["chibo"]).exists()
    # This year's admission targets of the province and the committees under it, once.
    from dangvien.admissions.models import AdmissionTarget
    from dangvien.organizations.models import Organization

    root_org = Organization.objects.get(path=root)
    targets = AdmissionTarget.objects.filter(year=dt.date.today().year)
    assert targets.count() == 1 + Organization.objects.filter(parent=root_org).count()
    assert targets.get(organization=root_org).count >= 1


def test_seed_command(capsys):
    call_command("seed", "--members", "120", "--seed", "9", "--provinces", "42")
    assert Member.objects.count() == 120
    out = capsys.readouterr().out
    assert "120 đảng viên" in out
    # Figures the Vietnamese way: thousands grouped by «.», decimals after «,».
    events = MembershipEvent.objects.count()
    grouped = f"{events:,}".replace(",", ".")
    rate = r"\d{1,3}(?:\.\d{3})*"  # 2.944: grouped, no decimals
    assert re.search(
        rf"{re.escape(grouped)} sự kiện trong \d+,\d giây \({rate} đảng viên/giây\)", out
    )


def test_today_is_never_passed():
    services.seed(generate.Plan(members=200, seed=2, province_codes=[42]))
    assert MembershipEvent.objects.aggregate(m=Max("date"))["m"] <= dt.date.today()


def _definitions(tables: list[str]) -> tuple[list[tuple], list[tuple]]:
    """PostgreSQL: the indexes (table, definition) and the constraints (name,
    definition, validated) of `tables`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1",
            [tables],
        )
        return indexes, cursor.fetchall()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_bulk_path_gives_the_same_data_and_restores_indexes(monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the parallel COPY path is PostgreSQL's")

    loaded = [
        "members_member",
        "members_membershipevent",
        "members_historicalmember",
        "members_membernameword",
    ]

    before = _definitions(loaded)
    plan = generate.Plan(members=400, seed=11, province_codes=[42])
    gen = generate.Generator(
        plan,
        first_org_id=1,
        first_member_id=1,
        first_event_id=1,
        catalog={(c.kind, c.code): c.pk for c in CatalogItem.objects.all()},
    )
    expected = list(gen.members(gen.build_tree().cells))
    monkeypatch.setattr(services, "PARALLEL_FROM", 100)
    result = services.seed(plan, workers=2)
    assert result.members == 400

    def rows(model, columns):  # every column as written (binary COPY), bytea as bytes
        return [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in model.objects.order_by("id").values_list(*columns)
        ]

    assert rows(Member, generate.MEMBER_COLUMNS) == [row for row, _ in expected]
    assert rows(MembershipEvent, generate.EVENT_COLUMNS) == [
        event for _, events in expected for event in events
    ]
    assert _definitions(loaded) == before  # every index and key back, each key validated
    assert MembershipEvent.objects.count() == result.events
    assert Member.history.filter(history_type="+").count() == 400  # the baselines
    words = set(MemberNameWord.objects.values_list("member_id", "word"))
    assert words == {  # the words of the names of the members in activity, each once
        (pk, word)
        for pk, name in Member.objects.filter(status__in=ACTIVE_STATUSES).values_list(
            "pk", "search_name"
        )
        for word in name.split()
    }
    assert MemberNameWord.objects.count() == len(words)
    Member.objects.filter(pk=1).update(version=2)  # the table is writable again


def test_the_national_shape():
    """`dangvien seed --members 5600000` builds the whole party's tree: all 34
    provinces, a committee for each of the 3,321 communes and wards, agency
    committees, about 270,000 cells. (The tree only; members are not generated.)"""
    gen = generate.Generator(
        generate.Plan(members=5_600_000, seed=1),
        first_org_id=1,
        first_member_id=1,
        first_event_id=1,
        catalog={},
    )
    built = gen.build_tree()
    levels = __import__("collections").Counter(o.level for o in built.orgs)
    assert levels[Level.PROVINCIAL] == 34
    communes = [o for o in built.orgs if o.level == Level.SUPERIOR and o.commune_id]
    assert len({o.commune_id for o in communes}) == len(communes) == 3321
    assert levels[Level.GRASSROOTS_COMMITTEE] > 3000
    assert 260_000 <= len(built.cells) <= 280_000
    slots = gen.slots(built.cells)
    assert sum(count for _, _, count in slots) == 5_600_000


def test_synthetic_citizen_ids_stay_unique_across_provinces():
    # Numbered within each province (fewer than a million members there), so two
    # provinces never meet, whatever their members' ids (the national set has
    # ids up to 5.6 million).
    birth = dt.date(1980, 5, 1)
    ids = [
        generate.citizen_id_for(pcode, serial, birth, True)
        for pcode in (1, 4, 8, 42, 79, 96)
        for serial in (0, 5, 165_000, 999_999)
    ]
    assert len(set(ids)) == len(ids)
    assert all(rules.citizen_id_error(i, birth_date=birth, gender="M") is None for i in ids)


def test_every_seeded_history_follows_the_rules():
    """Replay a whole generated set through the transition table (no database)."""
    gen = generate.Generator(
        generate.Plan(members=30_000, seed=8, province_codes=[42, 40]),
        first_org_id=1,
        first_member_id=1,
        first_event_id=1,
        catalog=__import__("collections").defaultdict(int),
    )
    count = sum(1 for _ in gen.members(gen.build_tree().cells))  # raises on a bad history
    assert count == 30_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_compact_rewrites_a_table_and_leaves_it_visible_to_index_only_scans():
    """writer.compact: VACUUM FULL, then a plain VACUUM, whose visibility map
    lets index-only scans skip the table (VACUUM FULL alone leaves it empty).
    Elsewhere than PostgreSQL it does nothing."""
    from django.db import connection

    from dangvien.members.models import CatalogItem
    from dangvien.seeding.writer import compact

    before = list(CatalogItem.objects.order_by("pk").values_list("pk", "code"))
    if connection.vendor != "postgresql":
        assert compact(CatalogItem) == 0.0
        assert list(CatalogItem.objects.order_by("pk").values_list("pk", "code")) == before
        return
    CatalogItem.objects.update(code=F("code"))  # a second version of every row
    assert compact(CatalogItem) > 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s",
            [CatalogItem._meta.db_table],
        )
        pages, visible = cursor.fetchone()
    assert pages > 0 and visible == pages
    assert list(CatalogItem.objects.order_by("pk").values_list("pk", "code")) == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("in_transaction", [False, True])
def test_bulk_load_mode_puts_back_every_index_and_key_on_two_connections_or_one(
    in_transaction, monkeypatch
):
    """Outside a transaction the tables are restored on two connections at
    once; inside one (the meetings' load), on the caller's. Either way every
    index and key comes back, validated; meanwhile only the primary keys and
    the checks stay."""
    import contextlib

    from django.db import connection, transaction

    from dangvien.seeding.writer import bulk_load_mode

    if connection.vendor != "postgresql":
        pytest.skip("bulk_load_mode does nothing elsewhere")
    tables = ["members_member", "members_membershipevent", "members_membernameword"]

    restored_apart = []
    own_connection = bulk_load_mode._restore_on_own_connection

    def recorded(self, statements):
        restored_apart.append(len(statements))
        own_connection(self, statements)

    monkeypatch.setattr(bulk_load_mode, "_restore_on_own_connection", recorded)
    before = _definitions(tables)
    assert len(before[0]) > len(tables) and len(before[1]) > len(tables)
    with transaction.atomic() if in_transaction else contextlib.nullcontext():
        with bulk_load_mode(*tables) as mode:
            dropped = _definitions(tables)
        assert mode.indexes and mode.constraints  # what it set aside, kept to put back
        assert dropped == (
            [(t, d) for t, d in before[0] if "_pkey " in d],
            [c for c in before[1] if c[1].startswith(("PRIMARY KEY", "CHECK"))],
        )
        assert _definitions(tables) == before
    assert _definitions(tables) == before
    assert len(restored_apart) == (0 if in_transaction else 2)  # connections of their own
    with connection.cursor() as cursor:  # the caller's connection as it was
        cursor.execute("SHOW maintenance_work_mem")
        assert cursor.fetchone()[0] != bulk_load_mode.MAINTENANCE_WORK_MEM
