"""A periodic report computed from the dated events (issue 15, part 1): the
lists at the start and end, each cause of form 1-BTCTW, the composition."""

import datetime as dt

import pytest

from dangvien.core.actors import SYSTEM
from dangvien.members.models import EventKind, Gender, Member
from dangvien.organizations import services as org_services
from dangvien.reports.compute import compute
from dangvien.reports.figures import movement_checks, movement_value
from dangvien.reports.periods import ReportPeriod
from dangvien.reports.scope import report_scope

from .factories import D, event, member, party, probationary, transfer

pytestmark = pytest.mark.django_db

Q1_2025 = ReportPeriod(D(2025, 1, 1), D(2025, 3, 31), "quarter", 1)


def _report(org, period=Q1_2025):
    return compute(report_scope(org, period.end), period)


def _counts(computed):
    return {code: len(ids) for code, ids in computed.lists.items()}


def test_each_cause_lands_on_its_row_and_the_totals_hold():
    t = party()
    stays = member(t["x1"])
    admitted = probationary(t["x1"], D(2025, 2, 10))
    dies = member(t["x1"])
    event(dies, EventKind.DECEASED, D(2025, 3, 1))
    deleted = probationary(t["x2"], D(2024, 12, 1))
    event(deleted, EventKind.NAME_DELETED, D(2025, 3, 5))
    from_y = member(t["y1"])
    transfer(from_y, D(2025, 1, 10), t["x2"], D(2025, 1, 20))
    to_q = member(t["x2"])
    transfer(to_q, D(2025, 2, 1), t["q1"], D(2025, 2, 15))
    inside = member(t["x1"])
    transfer(inside, D(2025, 1, 5), t["x2"], D(2025, 1, 25))
    member(t["y1"])  # another district: not in X's report

    x = _report(t["x"])
    # Each list in Vietnamese name order (a figure's members page by slices).
    keys = {m.pk: (bytes(m.sort_key), m.pk) for m in Member.objects.all()}
    assert x.lists["A"] == sorted(x.lists["A"], key=keys.__getitem__)
    counts = _counts(x)
    assert set(x.lists["A"]) == {stays.pk, dies.pk, deleted.pk, to_q.pk, inside.pk}
    assert x.lists["B1"] == [admitted.pk]
    assert x.lists["B2b"] == [from_y.pk] and counts["B2a"] == 0  # from district Y of P
    assert x.lists["C1"] == [dies.pk]
    assert x.lists["C3"] == [deleted.pk] and x.lists["C3p"] == [deleted.pk]
    assert x.lists["C5a"] == [to_q.pk] and counts["C5b"] == 0  # to province Q
    # The move between x1 and x2 is inside the district: neither an increase nor a decrease.
    assert inside.pk not in x.lists["B2a"] + x.lists["B2b"] + x.lists["C5a"] + x.lists["C5b"]
    assert set(x.lists["D"]) == {stays.pk, admitted.pk, from_y.pk, inside.pk}
    assert all(ok for _what, ok in movement_checks(counts))
    assert movement_value(counts, "B") == 2 and movement_value(counts, "C") == 3

    # The province: the transfer from Y to X is inside it; the one to Q leaves it.
    p = _counts(_report(t["p"]))
    assert (p["B2a"], p["B2b"], p["C5a"], p["C5b"]) == (0, 0, 1, 0)
    assert p["D"] == 5  # X's four and the member of Y who stayed
    # The whole party: the transfer to Q is inside it too.
    whole = _counts(_report(t["centre"]))
    assert movement_value(whole, "C5") == 0 and movement_value(whole, "B2") == 0


def test_a_transfer_sent_in_the_period_and_received_after_it_is_a_decrease():
    t = party()
    m = member(t["x1"])
    transfer(m, D(2025, 3, 20), t["y1"], D(2025, 4, 10))
    x = _report(t["x"])
    assert x.lists["C5b"] == [m.pk] and x.lists["D"] == []
    # Y's next quarter sees the arrival, from another district of the province.
    y = _report(t["y"], ReportPeriod(D(2025, 4, 1), D(2025, 6, 30), "quarter", 2))
    assert y.lists["A"] == [] and y.lists["B2b"] == [m.pk]


def test_a_past_period_gives_the_same_answer_after_later_events():
    t = party()
    m = member(t["x1"])
    other = member(t["x2"])
    before = _counts(_report(t["x"]))
    event(m, EventKind.DECEASED, D(2025, 6, 1))
    transfer(other, D(2025, 5, 1), t["q1"], D(2025, 5, 9))
    probationary(t["x1"], D(2025, 7, 1))
    assert _counts(_report(t["x"])) == before


def test_a_merged_organisation_covers_its_predecessors_before_the_merger():
    t = party()
    a = member(t["x1"])
    b = member(t["x2"])
    org_services.organization_merge(
        actor=SYSTEM, source=t["x1"], target=t["x2"], date=D(2025, 7, 1)
    )
    t["x2"].refresh_from_db()
    # Before the merger, x2's report counts x1's member too.
    early = _report(t["x2"], ReportPeriod(D(2025, 4, 1), D(2025, 6, 30), "quarter", 2))
    assert set(early.lists["A"]) == set(early.lists["D"]) == {a.pk, b.pk}
    # Across the merger: the reassignment is inside the scope, no movement.
    year = _counts(_report(t["x2"], ReportPeriod(D(2025, 1, 1), D(2025, 12, 31), "year")))
    assert movement_value(year, "B") == movement_value(year, "C") == 0 and year["D"] == 2


def test_a_subtree_moved_after_the_period_counts_where_it_stood():
    t = party()
    m = member(t["x1"])
    org_services.organization_move(
        actor=SYSTEM, organization=t["x1"], new_parent=t["y"], date=D(2025, 6, 1)
    )
    for key in ("x", "y", "x1"):
        t[key].refresh_from_db()
    assert _report(t["x"]).lists["D"] == [m.pk]  # Q1 2025: x1 was X's
    assert _report(t["y"]).lists["D"] == []
    after = ReportPeriod(D(2025, 7, 1), D(2025, 9, 30), "quarter", 3)
    assert _report(t["y"], after).lists["D"] == [m.pk]


def test_the_composition_of_the_end_list_partitions_it():
    t = party()
    member(
        t["x1"], gender=Gender.FEMALE, birth_date=D(1995, 3, 31), joined=D(2016, 1, 5)
    )  # 30 on 31/03/2025
    member(t["x1"], birth_date=D(1994, 3, 31), joined=D(2016, 1, 5))  # 31 on the last day
    probationary(t["x1"], D(2025, 1, 15), birth_date=D(2000, 1, 1))
    x = _report(t["x"])
    cats = x.categories
    assert len(x.lists["D"]) == 3
    for dim, by_key in cats.items():  # each dimension partitions the end list
        assert sorted(pk for ids in by_key.values() for pk in ids) == sorted(x.lists["D"]), dim
    sizes = {dim: {key: len(ids) for key, ids in by_key.items()} for dim, by_key in cats.items()}
    assert sizes["gender"] == {"F": 1, "M": 2}
    assert sizes["age"] == {"to_30": 2, "31_35": 1}
    assert sizes["status"] == {"official": 2, "probationary": 1}
    assert sizes["admission"] == {"since_1975": 3}
    assert x.average_age == round((30 + 31 + 25) / 3, 1)


def test_the_start_list_is_the_day_before_the_period():
    t = party()
    m = member(t["x1"])
    event(m, EventKind.DECEASED, dt.date(2024, 12, 31))
    n = member(t["x1"])
    event(n, EventKind.DECEASED, dt.date(2025, 1, 1))
    x = _report(t["x"])
    assert x.lists["A"] == [n.pk] and x.lists["C1"] == [n.pk] and x.lists["D"] == []


def test_a_move_during_the_period_takes_the_members_out_of_one_district_into_the_other():
    t = party()
    m = member(t["x1"])
    org_services.organization_move(
        actor=SYSTEM, organization=t["x1"], new_parent=t["y"], date=D(2025, 5, 1)
    )
    for key in ("x", "y", "x1"):
        t[key].refresh_from_db()
    q1, q2 = Q1_2025, ReportPeriod(D(2025, 4, 1), D(2025, 6, 30), "quarter", 2)
    x1, x2 = _report(t["x"], q1), _report(t["x"], q2)
    assert x1.lists["D"] == x2.lists["A"] == [m.pk]  # the end of one is the start of the next
    assert x2.lists["C5b"] == [m.pk] and x2.lists["D"] == []
    y2 = _report(t["y"], q2)
    assert y2.lists["A"] == [] and y2.lists["B2b"] == [m.pk] and y2.lists["D"] == [m.pk]
    assert all(ok for _what, ok in movement_checks(_counts(x2)))
    # The province saw nothing move.
    p2 = _counts(_report(t["p"], q2))
    assert movement_value(p2, "B") == movement_value(p2, "C") == 0 and p2["D"] == 1


def test_a_merger_across_districts_changes_no_past_report_of_the_district():
    t = party()
    a = member(t["x1"])
    b = member(t["y1"])
    y_q1 = _report(t["y"]).lists["D"]
    org_services.organization_merge(
        actor=SYSTEM, source=t["x1"], target=t["y1"], date=D(2025, 8, 1)
    )
    for key in ("x", "y", "y1"):
        t[key].refresh_from_db()
    assert _report(t["y"]).lists["D"] == y_q1 == [b.pk]  # Y's Q1 as it was
    assert set(_report(t["y1"]).lists["D"]) == {
        a.pk,
        b.pk,
    }  # the merged cell covers its predecessor
    q3 = ReportPeriod(D(2025, 7, 1), D(2025, 9, 30), "quarter", 3)
    assert _report(t["y"], q3).lists["B2b"] == [a.pk]
    assert _report(t["x"], q3).lists["C5b"] == [a.pk]


def test_a_transfer_inside_the_district_spanning_the_quarters_end_keeps_the_member_on_its_list():
    t = party()
    m = member(t["x1"])
    transfer(m, D(2025, 3, 20), t["x2"], D(2025, 4, 10))
    x1 = _report(t["x"])
    assert x1.lists["D"] == [m.pk] and not x1.lists["C5a"] + x1.lists["C5b"]
    x2 = _report(t["x"], ReportPeriod(D(2025, 4, 1), D(2025, 6, 30), "quarter", 2))
    assert x2.lists["A"] == x2.lists["D"] == [m.pk] and not x2.lists["B2a"] + x2.lists["B2b"]
    # For the cell it left, a transfer to another cell is a decrease.
    assert _report(t["x1"]).lists["C5b"] == [m.pk]


def _three_cells_with_a_death():
    """Province P with an official and an admitted member in each cell, and
    one member of x1 dead in the first quarter of 2025."""
    t = party()
    for cell in ("x1", "x2", "y1"):
        member(t[cell])
        probationary(t[cell], D(2025, 2, 10))
    event(member(t["x1"]), EventKind.DECEASED, D(2025, 3, 1))
    return t


def test_members_read_by_chunks_of_ids_give_the_same_report(monkeypatch):
    from dangvien.reports import compute as compute_module

    t = _three_cells_with_a_death()
    moves = member(t["y1"])
    transfer(moves, D(2025, 1, 10), t["x2"], D(2025, 1, 20))
    whole = _report(t["p"])

    # Two members a query: each member's events stay together and in order,
    # and the lists keep the name order across the chunks.
    monkeypatch.setattr(compute_module, "ID_CHUNK", {})
    monkeypatch.setattr(compute_module, "ID_CHUNK_ELSEWHERE", 2)
    chunked = _report(t["p"])
    assert chunked.lists == whole.lists and len(whole.lists["D"]) == 7
    assert chunked.categories == whole.categories
    assert chunked.admitted == whole.admitted and chunked.average_age == whole.average_age


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_records_read_beside_the_walk_give_the_same_report(settings):
    """From REPORT_ALONGSIDE_MIN_MEMBERS (outside a transaction) the records
    are read on a second connection while the histories are walked: the same
    lists in the same name order, the same composition."""
    t = _three_cells_with_a_death()
    settings.REPORT_ALONGSIDE_MIN_MEMBERS = 10**9
    inline = _report(t["p"])
    settings.REPORT_ALONGSIDE_MIN_MEMBERS = 1
    beside = _report(t["p"])
    assert beside.lists == inline.lists and len(inline.lists["D"]) == 6
    assert beside.categories == inline.categories and beside.admitted == inline.admitted
    assert beside.average_age == inline.average_age


def test_members_in_name_order_each_once():
    """Vietnamese name order is the given name first (Ánh before Bình before
    Hùng), then the family name; repeats and ids of no member are left out."""
    from dangvien.reports.compute import in_name_order

    t = party()
    hung = member(t["x1"], family_name="Lê", middle_name="Văn", given_name="Hùng")
    anh = member(t["x1"], family_name="Trần", middle_name="Thị", given_name="Ánh")
    binh_le = member(t["x2"], family_name="Lê", middle_name="Văn", given_name="Bình")
    binh_an = member(t["y1"], family_name="An", middle_name="Văn", given_name="Bình")
    wanted = [hung.pk, anh.pk, binh_le.pk, binh_an.pk, hung.pk, 10**9]
    assert in_name_order(wanted) == [anh.pk, binh_an.pk, binh_le.pk, hung.pk]
    assert in_name_order([]) == []


def test_lists_put_in_the_computations_name_order_each_once_or_by_the_database():
    """The work of the period's lists are ordered by the records the
    computation read; a member it did not read (none expected) sends the list
    to the database, which gives the same order."""
    t = party()
    anh = member(t["x1"], family_name="Trần", middle_name="Thị", given_name="Ánh")
    hung = member(t["x1"], family_name="Lê", middle_name="Văn", given_name="Hùng")
    # In province Q: not read for a report of P. Its name between the two.
    binh = member(t["q1"], family_name="An", middle_name="Văn", given_name="Bình")
    result = _report(t["p"])
    assert set(result.rank) == {anh.pk, hung.pk}
    assert result.in_name_order([hung.pk, anh.pk, hung.pk]) == [anh.pk, hung.pk]
    assert result.in_name_order([hung.pk, binh.pk, anh.pk]) == [anh.pk, binh.pk, hung.pk]
    assert result.in_name_order([]) == []
