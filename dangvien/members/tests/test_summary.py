"""The maintained summary of the organisations (members.summary, issue 14 part 1):
exact after every kind of write, repaired by the check, read by the pages."""

import datetime as dt
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.accounts.models import Role
from dangvien.accounts.scope import Scope
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.imports import parsing
from dangvien.imports import services as import_services
from dangvien.imports.reading import read_sheet
from dangvien.imports.sample import bulk_rows, write_sheet
from dangvien.members import rules, selectors, services
from dangvien.members.models import (
    EventKind,
    Gender,
    Member,
    MemberNameWord,
    MembershipSummary,
    Status,
)
from dangvien.members.summary import (
    COLUMNS,
    membership_summary_differences,
    membership_summary_rebuild,
    summary_of,
)
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations import services as org_services
from dangvien.organizations.models import Level, Organization
from dangvien.organizations.tests.factories import OrganizationFactory, build_tree

pytestmark = pytest.mark.django_db
D = dt.date


# --- the age rule at its edges ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "age", "band"),
    [
        (D(2026, 3, 14), 30, "to_30"),  # the day before the 31st birthday
        (D(2026, 3, 15), 31, "31_35"),  # the birthday
        (D(2026, 3, 16), 31, "31_35"),
        (D(2055, 3, 14), 59, "56_60"),
        (D(2056, 3, 15), 61, "over_60"),
    ],
)
def test_age_in_full_years_and_its_band(on, age, band):
    assert rules.age_years(D(1995, 3, 15), on) == age
    assert rules.age_band_of(D(1995, 3, 15), on) == band


def test_a_birthday_of_29_february_completes_on_1_march_in_other_years():
    born = D(2000, 2, 29)
    assert rules.age_years(born, D(2031, 2, 28)) == 30
    assert rules.age_years(born, D(2031, 3, 1)) == 31
    assert rules.born_by(D(2031, 2, 28), 31) == D(2000, 2, 28) < born
    assert rules.born_by(D(2032, 2, 29), 32) == D(2000, 2, 29)


# --- exact after every write -----------------------------------------------------------------


def _recount(org: Organization) -> dict[str, int]:
    members = Member.objects.filter(
        org_path__startswith=org.path, status__in=(Status.PROBATIONARY, Status.OFFICIAL)
    )
    today = dt.date.today()
    figures = dict.fromkeys(COLUMNS, 0)
    for m in members:
        figures["members"] += 1
        figures["probationary"] += m.status == Status.PROBATIONARY
        figures["female"] += m.gender == Gender.FEMALE
        figures["exempt"] += m.is_exempt
        figures[f"age_{rules.age_band_of(m.birth_date, today)}"] += 1
        figures["age_years"] += rules.age_years(m.birth_date, today)
    return figures


def _stored(org: Organization) -> dict[str, int]:
    row = summary_of(org)
    return {column: getattr(row, column) for column in COLUMNS}


def _new_member(rng: random.Random, cell: Organization) -> Member:
    official = rng.random() < 0.7
    return MemberFactory(
        organization=Organization.objects.get(pk=cell.pk),  # as a page reads it
        gender=rng.choice([Gender.MALE, Gender.FEMALE]),
        birth_date=D(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)),
        joining_date=D(2018, 5, 19),
        admission_decision_date=D(2018, 5, 10),
        official_date=D(2019, 5, 19) if official else None,
    )


def _replay(rng: random.Random, steps: int) -> list[str]:
    """Random writes through the services, each as a user makes it; refused ones
    (a transition the history forbids) are part of the history too."""
    tree = build_tree()
    cells = [tree["cell_a"], tree["cell_b"], tree["cell_c"]]
    members = [_new_member(rng, rng.choice(cells)) for _ in range(6)]
    day = D(2020, 1, 1)
    done = []
    for _ in range(steps):
        day += dt.timedelta(days=rng.randint(1, 40))
        member = Member.objects.get(pk=rng.choice(members).pk)
        action = rng.choice(
            ["new", "reassign", "exempt", "return", "end", "gender", "birth", "move", "cell"]
            + ["rename", "move_cell", "merge"]
        )
        try:
            if action == "new":
                members.append(_new_member(rng, rng.choice(cells)))
            elif action == "reassign":
                services.member_add_event(
                    actor=SYSTEM,
                    member=member,
                    kind=EventKind.REASSIGNED,
                    date=day,
                    organization=Organization.objects.get(pk=rng.choice(cells).pk),
                )
            elif action in ("exempt", "return", "end"):
                kind = {
                    "exempt": EventKind.EXEMPTED,
                    "return": EventKind.RETURNED,
                    "end": rng.choice([EventKind.DECEASED, EventKind.NAME_DELETED]),
                }[action]
                services.member_add_event(actor=SYSTEM, member=member, kind=kind, date=day)
            elif action == "gender":
                other = Gender.FEMALE if member.gender == Gender.MALE else Gender.MALE
                services.member_update(
                    actor=SYSTEM,
                    member_id=member.pk,
                    expected_version=member.version,
                    data={"gender": other, "citizen_id": ""},
                )
            elif action == "birth":
                services.member_update(
                    actor=SYSTEM,
                    member_id=member.pk,
                    expected_version=member.version,
                    data={
                        "birth_date": D(rng.randint(1960, 1995), 6, 1),
                        "birth_date_decision_number": "12-QĐ/TU",
                        "birth_date_decision_date": D(2024, 1, 2),
                        "citizen_id": "",
                    },
                )
            elif action == "rename":
                services.member_update(
                    actor=SYSTEM,
                    member_id=member.pk,
                    expected_version=member.version,
                    data={"given_name": rng.choice(["Hùng", "Hưng", "Nguyệt", "An"])},
                )
            elif action == "move":
                commune = Organization.objects.get(pk=tree["commune"].pk)
                agency = Organization.objects.get(pk=tree["agency"].pk)
                province = Organization.objects.get(pk=tree["province"].pk)
                new_parent = province if commune.parent_id == agency.pk else agency
                org_services.organization_move(
                    actor=SYSTEM, organization=commune, new_parent=new_parent, date=day
                )
            elif action == "move_cell":
                cell = Organization.objects.get(pk=rng.choice(cells).pk)
                committees = [tree["commune"], tree["agency"]]
                new_parent = Organization.objects.get(
                    pk=rng.choice([c for c in committees if c.pk != cell.parent_id]).pk
                )
                org_services.organization_move(
                    actor=SYSTEM, organization=cell, new_parent=new_parent, date=day
                )
            elif action == "merge":
                source, target = rng.sample(cells, 2)
                org_services.organization_merge(
                    actor=SYSTEM,
                    source=Organization.objects.get(pk=source.pk),
                    target=Organization.objects.get(pk=target.pk),
                    date=day,
                )
                cells.remove(source)
            elif action == "cell":
                parent = Organization.objects.get(
                    pk=rng.choice([tree["commune"], tree["agency"]]).pk
                )
                cells.append(OrganizationFactory(parent=parent, level=Level.CELL))
            done.append(action)
        except DomainError:
            done.append(f"({action} refused)")
    return done


def _words_expected() -> set[tuple]:
    return {
        (m.pk, word, bytes(m.sort_key), m.org_path)
        for m in Member.objects.filter(status__in=(Status.PROBATIONARY, Status.OFFICIAL))
        for word in m.search_name.split()
    }


def _words_stored() -> set[tuple]:
    rows = MemberNameWord.objects.values_list("member_id", "word", "sort_key", "org_path")
    return {(pk, word, bytes(key), path) for pk, word, key, path in rows}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_histories_leave_the_summary_and_the_words_equal_to_a_recount(seed):
    done = _replay(random.Random(seed), steps=30)
    assert len([a for a in done if not a.startswith("(")]) >= 15  # most writes went through
    assert membership_summary_differences() == []
    for org in Organization.objects.all():
        assert _stored(org) == _recount(org), (org.name, done)
    # The search's words: those of the names of members in activity, where they are now.
    assert _words_stored() == _words_expected(), done
    assert MemberNameWord.objects.count() == len(_words_expected())


def test_an_import_adds_its_members_to_the_figures_in_the_same_transaction(
    tmp_path: Path, django_user_model
):
    tree = build_tree()
    board = user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["province"])
    before = _stored(tree["province"])
    rows = bulk_rows(6)
    rows[1]["official"] = ""
    path = write_sheet(tmp_path / "ds.xlsx", rows, notes=False)
    sheet = read_sheet(path.read_bytes(), path.name)
    check = import_services.import_sheet(
        sheet,
        mapping=parsing.guess_mapping(sheet.headers),
        organization=tree["commune"],
        actor=board,
    )
    assert check.written and check.created == 6
    after = _stored(tree["province"])
    assert after["members"] - before["members"] == 6
    assert after["probationary"] - before["probationary"] == 1
    assert after["female"] - before["female"] == 2  # rows 0 and 3
    assert membership_summary_differences() == []


def _checked(tmp_path: Path, rows, org, actor, name="ds.xlsx"):
    path = write_sheet(tmp_path / name, rows, notes=False)
    sheet = read_sheet(path.read_bytes(), path.name)
    mapping = parsing.guess_mapping(sheet.headers)
    check, parsed = import_services.check_sheet(
        sheet, mapping=mapping, organization=org, actor=actor, keep_rows=True
    )
    return check, parsed, import_services._headers(sheet, mapping)


def test_an_import_counts_the_state_of_a_record_at_the_write_not_at_the_check(
    tmp_path: Path, django_user_model
):
    tree = build_tree()
    board = user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["province"])
    rows = bulk_rows(3)
    check, parsed, headers = _checked(tmp_path, rows, tree["commune"], board, "a.xlsx")
    assert import_services.write_checked(check, parsed, headers=headers, actor=board).written
    # Found by the card number; the sheet corrects the gender (the CCCD, which
    # carries it, left empty).
    rows[1].update(gender="Nữ", cccd="")
    check, parsed, headers = _checked(tmp_path, rows, tree["commune"], board, "b.xlsx")
    assert check.ok and check.updated == 1
    member = Member.objects.get(party_card_number=rows[1]["card"])
    # Between the check and the write, the member dies (an event: no new version).
    services.member_add_event(
        actor=SYSTEM, member=member, kind=EventKind.DECEASED, date=D(2026, 1, 5)
    )
    assert import_services.write_checked(check, parsed, headers=headers, actor=board).written
    assert membership_summary_differences() == []


def test_an_import_into_a_cell_moved_since_the_check_writes_nothing(
    tmp_path: Path, django_user_model
):
    tree = build_tree()
    board = user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["province"])
    check, parsed, headers = _checked(tmp_path, bulk_rows(2), tree["commune"], board)
    assert check.ok and check.created == 2
    org_services.organization_move(
        actor=SYSTEM, organization=tree["commune"], new_parent=tree["agency"], date=D(2026, 1, 5)
    )
    before = {org.pk: _stored(org) for org in Organization.objects.all()}
    done = import_services.write_checked(check, parsed, headers=headers, actor=board)
    assert not done.written and {e.code for e in done.errors} == {"record_changed"}
    assert Member.objects.count() == 0
    assert {org.pk: _stored(org) for org in Organization.objects.all()} == before


# --- the check and the recount ---------------------------------------------------------------


def test_the_check_finds_a_wrong_row_and_repair_rewrites_only_what_differs(capsys):
    tree = build_tree()
    for cell in ("cell_a", "cell_b", "cell_c"):
        MemberFactory(organization=tree[cell])
    MembershipSummary.objects.filter(organization=tree["commune"]).update(members=7, female=3)
    with pytest.raises(CommandError) as refused:
        call_command("summary_check")
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert f"{tree['commune'].code}\tmembers\tđang lưu 7\tđếm lại 2" in out
    untouched = MembershipSummary.objects.get(organization=tree["cell_c"]).updated_at
    call_command("summary_check", "--repair")
    assert "đã ghi lại 1 tổ chức" in capsys.readouterr().out
    assert _stored(tree["commune"]) == _recount(tree["commune"])
    assert MembershipSummary.objects.get(organization=tree["cell_c"]).updated_at == untouched
    call_command("summary_check")
    assert "khớp" in capsys.readouterr().out


def test_recounting_a_subtree_adds_its_change_to_the_organisations_above():
    tree = build_tree()
    MemberFactory(organization=tree["cell_a"])
    MemberFactory(organization=tree["cell_c"])
    MembershipSummary.objects.filter(organization=tree["cell_a"]).update(members=0)
    MembershipSummary.objects.filter(organization=tree["commune"]).update(members=0)
    MembershipSummary.objects.filter(organization=tree["province"]).update(members=1)
    done = membership_summary_rebuild(tree["commune"])
    # cell_a and the commune were wrong; cell_b, never with a member, had no row
    assert (done.organizations, done.changed) == (3, 3)
    assert summary_of(tree["commune"]).members == 1
    assert summary_of(tree["province"]).members == 2  # 1 + the commune's change
    assert membership_summary_differences() == []


def test_ages_are_counted_on_the_day_of_the_recount():
    tree = build_tree()
    MemberFactory(
        organization=tree["cell_a"],
        birth_date=D(1995, 3, 15),
        joining_date=D(2020, 5, 19),
        admission_decision_date=D(2020, 5, 10),
        official_date=None,
    )
    membership_summary_rebuild(on=D(2026, 3, 14))
    assert summary_of(tree["cell_a"]).age_to_30 == 1
    membership_summary_rebuild(on=D(2026, 3, 15))
    row = summary_of(tree["cell_a"])
    assert (row.age_to_30, row.age_31_35, row.age_years, row.ages_on) == (0, 1, 31, D(2026, 3, 15))


# --- what the pages read ---------------------------------------------------------------------


def _member_count_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if 'FROM "members_member"' in q["sql"]]


@pytest.mark.parametrize(
    ("status", "gender", "age"),
    [
        ("active", "", ""),
        (Status.PROBATIONARY, "", ""),
        (Status.OFFICIAL, "", ""),
        ("active", Gender.FEMALE, ""),
        ("active", Gender.MALE, ""),
        ("active", "", "u30"),
        ("active", "", "31_40"),
        ("active", "", "o60"),
    ],
)
def test_the_list_total_comes_from_the_summary_and_equals_a_count(status, gender, age):
    tree = build_tree()
    rng = random.Random(7)
    for _ in range(12):
        _new_member(rng, rng.choice([tree["cell_a"], tree["cell_b"], tree["cell_c"]]))
    # The figures as the writes kept them (no recount), ages counted today.
    flt = selectors.MemberFilter(organization=tree["province"], status=status, gender=gender)
    flt.age_band = age
    scope = Scope(everything=False, paths=(tree["province"].path,), member_id=None)
    with CaptureQueriesContext(connection) as ctx:
        total = selectors.members_count(scope, flt)
    assert _member_count_queries(ctx) == []
    assert total == selectors.members_filtered(scope, flt).count()


def test_a_name_search_counts_up_to_the_cap_through_the_words(
    monkeypatch, client, django_user_model
):
    tree = build_tree()
    for given in ("Hùng", "Hưng", "Hùng", "Phùng", "An"):
        MemberFactory(organization=tree["cell_a"], given_name=given)
    everything = Scope(everything=True, paths=(), member_id=None)
    flt = selectors.MemberFilter(q="hung")
    assert selectors.members_list_total(everything, flt) == (3, True)  # not Phùng
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.members_list_total(everything, flt) == (2, False)
    assert _member_count_queries(ctx) == []  # read from the words, not the records
    assert len(selectors.members_page(everything, flt, size=2).items) == 2
    # The list page says so, and numbers its pages without a last one.
    board = user_with_role(django_user_model, "btc", Role.ORGANISATION_BOARD, tree["province"])
    client.force_login(board)
    page = client.get("/dang-vien/", {"q": "hung"}).content.decode()
    assert "Tổng số: <strong>hơn 2</strong> đảng viên · Trang 1</p>" in page


def test_a_filter_the_summary_does_not_keep_is_counted():
    tree = build_tree()
    MemberFactory(organization=tree["cell_a"], gender=Gender.FEMALE, birth_date=D(1960, 1, 1))
    flt = selectors.MemberFilter(organization=tree["province"], gender=Gender.FEMALE)
    flt.age_band = "o60"  # gender and age together: not in the summary
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.members_count(Scope(everything=True, paths=(), member_id=None), flt) == 1
    assert len(_member_count_queries(ctx)) == 1
