"""Member and organisation pages: history typed from the dossier, the access log
of every view of a record, dates typed in the query string, what a plain member
sees, the list's total and page numbers, and how the product addresses people."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

from dangvien.accounts.models import AccessLog, Role
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.members import history
from dangvien.members.models import EventKind, Member, MembershipEvent
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def tree():
    return build_tree()


def _office(django_user_model, tree):
    return user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])


def _secretary(django_user_model, tree):
    return user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])


def _snapshot(member):
    """The member's events and record fields, to compare before and after."""
    events = list(
        MembershipEvent.objects.filter(member=member)
        .order_by("id")
        .values_list("id", "kind", "date", "status_after", "organization_after", "exempt_after")
    )
    fields = Member.objects.filter(pk=member.pk).values().get()
    fields.pop("updated_at")
    return events, fields


def _entered(member, day: dt.date) -> None:
    """The record entered the system on `day` (creation and first history row)."""
    moment = dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC)
    Member.objects.filter(pk=member.pk).update(created_at=moment)
    member.history.all().update(history_date=moment)


# --- history typed from the paper dossier (issue 8 item 3) ---------------------------


def test_the_cell_secretary_does_not_type_history(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    secretary = _secretary(django_user_model, tree)
    client.force_login(secretary)
    before = _snapshot(member)
    url = reverse("member_event_add", args=[member.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "exempted", "date": "01/03/2015"}).status_code == 404
    detail = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert url not in detail  # no link to a page that answers 404
    # The domain refuses it too, whatever calls it.
    with pytest.raises(DomainError) as refused:
        history.member_history_event_add(
            actor=secretary, member=member, kind=EventKind.EXEMPTED, date=D(2015, 3, 1)
        )
    assert refused.value.code == "not_acting_body"
    assert _snapshot(member) == before


def test_the_office_types_an_admission_of_2015_into_a_record_without_history(
    client, django_user_model, tree
):
    member = MemberFactory(organization=tree["cell_a"])
    # A record loaded from a list without its history: no event yet.
    MembershipEvent.objects.filter(member=member).delete()
    client.force_login(_office(django_user_model, tree))
    url = reverse("member_event_add", args=[member.pk])
    assert url in client.get(reverse("member_detail", args=[member.pk])).content.decode()
    page = client.get(url).content.decode()
    assert 'value="admitted"' in page and "hồ sơ giấy" in page
    response = client.post(
        url,
        {
            "kind": "admitted",
            "date": "19/05/2015",
            "organization": tree["cell_a"].pk,
            "decision_number": "15-QĐ/ĐU",
        },
    )
    assert response.status_code == 302, response.content.decode()
    event = member.events.get()
    assert (event.kind, event.date, event.decision_number) == (
        "admitted",
        D(2015, 5, 19),
        "15-QĐ/ĐU",
    )


def test_the_office_is_sent_to_the_workflow_for_a_name_deletion_after_entry(
    client, django_user_model, tree
):
    member = MemberFactory(organization=tree["cell_a"])
    _entered(member, D(2025, 1, 10))
    office = _office(django_user_model, tree)
    client.force_login(office)
    before = _snapshot(member)
    url = reverse("member_event_add", args=[member.pk])
    response = client.post(url, {"kind": "name_deleted", "date": "01/06/2025", "reason": "Bỏ"})
    assert response.status_code == 200
    errors = response.context["form"].errors["kind"]
    assert errors == [
        "Sự kiện «Xóa tên» ngày 01/06/2025 diễn ra từ khi hồ sơ được đưa vào hệ thống "
        "(10/01/2025): hãy ghi qua trang «Xóa tên, ra khỏi Đảng» để thực hiện đủ các bước "
        "của quy trình. Trang «Ghi sự kiện» chỉ dùng để nhập quá trình trước đó theo hồ sơ "
        "giấy."
    ]
    assert _snapshot(member) == before
    with pytest.raises(DomainError) as refused:
        history.member_history_event_add(
            actor=office, member=member, kind=EventKind.NAME_DELETED, date=D(2025, 1, 10)
        )
    assert refused.value.code == "history_governed_by_workflow" and refused.value.field == "kind"
    assert _snapshot(member) == before


@pytest.mark.parametrize(
    "kind",
    ["recognised", "transferred_in", "transferred_out", "exempted", "left", "expelled"],
)
def test_every_kind_a_workflow_governs_is_refused_after_entry(django_user_model, tree, kind):
    member = MemberFactory(organization=tree["cell_a"])
    _entered(member, D(2025, 1, 10))
    before = _snapshot(member)
    with pytest.raises(DomainError) as refused:
        history.member_history_event_add(
            actor=_office(django_user_model, tree),
            member=member,
            kind=kind,
            date=D(2025, 2, 1),
            organization=tree["cell_b"],
        )
    assert refused.value.code == "history_governed_by_workflow"
    assert _snapshot(member) == before


def test_an_exemption_before_entry_is_history(django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _entered(member, D(2025, 1, 10))
    event = history.member_history_event_add(
        actor=_office(django_user_model, tree),
        member=member,
        kind=EventKind.EXEMPTED,
        date=D(2019, 4, 1),
        reason="Tuổi cao, sức yếu",
    )
    assert event.kind == EventKind.EXEMPTED
    member.refresh_from_db()
    assert member.is_exempt


def test_workflows_still_write_events_directly(tree):
    from dangvien.members import services

    member = MemberFactory(organization=tree["cell_a"])
    services.member_add_event(
        actor=SYSTEM, member=member, kind=EventKind.EXEMPTED, date=dt.date.today()
    )
    member.refresh_from_db()
    assert member.is_exempt


# --- the access log (issue 9 item 20) ---------------------------------------------------


def _with_family(tree):
    from dangvien.members import services
    from dangvien.members.models import FamilyRelation

    member = MemberFactory(organization=tree["cell_a"], citizen_id="042085000777")
    services.member_save_rows(
        actor=SYSTEM,
        member=member,
        model=FamilyRelation,
        expected_version=1,
        rows=[(0, None, {"relation": "Cha", "full_name": "Nguyễn Văn Cả", "birth_year": 1950})],
    )
    return member


def _kinds(user, member) -> list[str]:
    return sorted(AccessLog.objects.filter(user=user, member=member).values_list("kind", flat=True))


@pytest.mark.parametrize(
    "url_name,extra,role,org,kinds",
    [
        # The edit form shows the whole record, with the citizen ID for the board.
        ("member_edit", [], Role.ORGANISATION_BOARD, "province", ["record", "sensitive"]),
        ("member_edit", [], Role.CELL_SECRETARY, "cell_a", ["record"]),
        # The family rows are a sensitive section.
        ("member_rows", ["gia-dinh"], Role.ORGANISATION_BOARD, "province", ["record", "sensitive"]),
        ("member_rows", ["cong-tac"], Role.CELL_SECRETARY, "cell_a", ["record"]),
        # The history download.
        ("member_audit_csv", [], Role.INSPECTION, "commune", ["record", "sensitive"]),
        ("member_audit_csv", [], Role.CELL_SECRETARY, "cell_a", ["record"]),
        # The event form shows the record's state.
        ("member_event_add", [], Role.GRASSROOTS_OFFICE, "commune", ["record"]),
    ],
)
def test_every_view_of_a_record_is_logged(
    client, django_user_model, tree, url_name, extra, role, org, kinds
):
    member = _with_family(tree)
    user = user_with_role(django_user_model, "u", role, tree[org])
    client.force_login(user)
    response = client.get(reverse(url_name, args=[member.pk, *extra]), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    assert _kinds(user, member) == kinds
    assert set(AccessLog.objects.values_list("address", flat=True)) == {"10.0.0.9"}


def test_a_refused_view_is_not_logged(client, django_user_model, tree):
    member = _with_family(tree)
    user = _secretary(django_user_model, tree)
    client.force_login(user)
    assert client.get(reverse("member_rows", args=[member.pk, "gia-dinh"])).status_code == 404
    assert client.get(reverse("member_event_add", args=[member.pk])).status_code == 404
    assert not AccessLog.objects.exists()


# --- dates typed in "state on date" (issue 9 item 4) ----------------------------------


@pytest.mark.parametrize(
    "typed,message",
    [
        ("31/02/2026", "Không có ngày 31/02/2026: tháng 2 năm 2026 chỉ có 28 ngày."),
        ("15/13/2026", "Không có ngày 15/13/2026: tháng phải từ 1 đến 12."),
        ("abc", "Ngày «abc» không đọc được. Vui lòng nhập theo dạng ngày/tháng/năm"),
    ],
)
def test_a_bad_state_date_is_explained(client, django_user_model, tree, typed, message):
    member = MemberFactory(organization=tree["cell_a"])
    client.force_login(_office(django_user_model, tree))
    for url in (
        reverse("member_detail", args=[member.pk]),
        reverse("organization_detail", args=[tree["cell_a"].pk]),
    ):
        body = client.get(url, {"ngay": typed}).content.decode()
        assert 'id="error-ngay"' in body and message in body, url
    good = client.get(
        reverse("organization_detail", args=[tree["cell_a"].pk]), {"ngay": "1/3/2026"}
    )
    assert 'id="error-ngay"' not in good.content.decode() and good.context["state_day"] == D(
        2026, 3, 1
    )


# --- what a plain member sees (issue 9 item 4) ----------------------------------------


def test_a_plain_member_has_no_search_no_list_and_no_dead_links(client, django_user_model, tree):
    me = MemberFactory(organization=tree["cell_a"])
    user = user_with_role(django_user_model, "dangvien", Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=me.pk).update(user=user)
    client.force_login(user)
    body = client.get(reverse("member_detail", args=[me.pk])).content.decode()
    assert 'class="search"' not in body
    list_url = reverse("member_list")
    assert f'"{list_url}"' not in body and f'"{list_url}?' not in body
    assert client.get(reverse("member_list")).status_code == 404
    assert client.get(reverse("member_list"), {"q": me.given_name}).status_code == 404
    # Every link on the page to a member or organisation page opens.
    links = set(re.findall(r'href="(/(?:to-chuc|dang-vien)/[^"]*)"', body))
    assert links, body
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    assert tree["cell_a"].name in body  # named, not linked
    # Staff still see the search box.
    client.force_login(_office(django_user_model, tree))
    assert 'class="search"' in client.get(reverse("member_detail", args=[me.pk])).content.decode()


# --- the member list's total and page numbers (issue 9 item 4) -----------------------


def test_the_member_list_shows_the_total_and_page_numbers(
    client, django_user_model, tree, monkeypatch
):
    from dangvien.members import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for name in ["An", "Bình", "Cường", "Dũng", "Hải"]:
        MemberFactory(organization=tree["cell_a"], given_name=name)
    MemberFactory(organization=tree["cell_c"], given_name="Xuân")  # outside the scope
    client.force_login(_office(django_user_model, tree))
    first = client.get(reverse("member_list"))
    body = first.content.decode()
    assert "Tổng số: <strong>5</strong> đảng viên" in body and "Trang 1 / 3" in body
    seen = [m.given_name for m in first.context["page"].items]
    url = first.context["next_url"]
    assert "trang=2" in url
    second = client.get(url)
    assert "Trang 2 / 3" in second.content.decode()
    seen += [m.given_name for m in second.context["page"].items]
    third = client.get(second.context["next_url"])
    assert "Trang 3 / 3" in third.content.decode() and third.context["next_url"] is None
    seen += [m.given_name for m in third.context["page"].items]
    assert seen == ["An", "Bình", "Cường", "Dũng", "Hải"]
    # A page number typed by hand cannot exceed the count, and the first page is 1.
    assert client.get(reverse("member_list"), {"trang": "99"}).context["page_number"] == 1
    filtered = client.get(reverse("member_list"), {"q": "binh"}).content.decode()
    assert "Tổng số: <strong>1</strong> đảng viên" in filtered and "Trang 1 /" not in filtered


# --- how the product addresses people (issue 9 item 4) --------------------------------


# The pages of these areas (templates and code); the other areas' pages are
# checked by their own tests.
ADDRESSED_AREAS = (
    "templates/base.html",
    "templates/members",
    "templates/organizations",
    "templates/accounts",
    "templates/auth",
    "web/members",
    "web/organizations",
    "web/security",
    "web/views.py",
    "members",
    "accounts",
)


def test_the_product_says_dong_chi_not_ban():
    root = Path(__file__).resolve().parents[2]  # the dangvien package
    found = []
    for area in ADDRESSED_AREAS:
        base = root / area
        paths = [base] if base.is_file() else [*base.rglob("*.html"), *base.rglob("*.py")]
        for path in paths:
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\b[Bb]ạn\b", line):
                    found.append(f"{path.relative_to(root)}:{number}")
    assert found == []
