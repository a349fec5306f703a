"""A misspelled name (issue 14 part 2): when a name search finds nobody, the
names closest to it in a scope small enough, accents folded."""

import pytest
from django.urls import reverse

from dangvien.accounts.scope import Scope
from dangvien.members import selectors
from dangvien.members.selectors import MemberFilter, members_similar
from dangvien.members.tests.factories import MemberFactory, Role, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def named():
    tree = build_tree()
    people = {
        name: MemberFactory(
            organization=tree["cell_a"], family_name=family, middle_name=middle, given_name=given
        )
        for name, (family, middle, given) in {
            "hung": ("Nguyễn", "Văn", "Hùng"),
            "hung2": ("Trần", "Văn", "Hưng"),
            "hoa": ("Lê", "Thị", "Hoa"),
            "thanh": ("Nguyễn", "Văn", "Thành"),
        }.items()
    }
    people["away"] = MemberFactory(
        organization=tree["cell_c"], family_name="Nguyễn", middle_name="Văn", given_name="Hùng"
    )
    return tree, people


def _scope(tree, key="commune"):
    return Scope(everything=False, paths=(tree[key].path,), member_id=None)


def test_a_misspelled_given_name_finds_the_closest_names_of_the_scope(named):
    tree, people = named
    flt = MemberFilter(q="nguyen van hunh")
    assert selectors.members_page(_scope(tree), flt).items == []
    found = members_similar(_scope(tree), flt)
    # Both words "nguyen" and "van" match exactly; "hunh" is close to Hùng and
    # Hưng (0.75) but Hưng's family name is Trần: not close to "nguyen".
    assert found == [people["hung"]]
    assert people["away"] not in members_similar(_scope(tree), flt)  # another subtree


def test_one_word_matches_any_name_with_a_close_word_closest_first(named):
    tree, people = named
    found = members_similar(_scope(tree), MemberFilter(q="Hunh"))
    assert set(found) == {people["hung"], people["hung2"]}
    assert members_similar(_scope(tree), MemberFilter(q="xyzw")) == []


def test_no_fuzzy_search_for_numbers_or_over_a_large_scope(named, monkeypatch):
    tree, _people = named
    assert members_similar(_scope(tree), MemberFilter(q="0123")) is None
    monkeypatch.setattr(selectors, "SIMILAR_MAX_MEMBERS", 3)  # the commune holds 4
    assert members_similar(_scope(tree), MemberFilter(q="hunh")) is None
    monkeypatch.setattr(selectors, "SIMILAR_MAX_MEMBERS", 4)  # the edge: exactly 4
    assert members_similar(_scope(tree), MemberFilter(q="hunh")) is not None


def test_the_list_page_offers_the_close_names(named, client, django_user_model):
    tree, people = named
    client.force_login(
        user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    )
    html = client.get(reverse("member_list"), {"q": "Nguyen Van Hunh"}).content.decode()
    assert 'id="similar"' in html and "Tên gần giống «Nguyen Van Hunh»" in html
    assert reverse("member_detail", args=[people["hung"].pk]) in html
    assert reverse("member_detail", args=[people["away"].pk]) not in html  # outside the scope
    html = client.get(reverse("member_list"), {"q": "Hùng"}).content.decode()
    assert 'id="similar"' not in html  # found: no suggestions
