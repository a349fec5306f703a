"""Every link the product renders answers, for every demo role, with ids past 999.

The pages are crawled as each role of the demo sees them (cell secretary,
grassroots office, organisation board, inspection committee, plain member,
administrator): from the home page and the menu, every same-site link found is
requested, and the pages found are followed a few levels deep. A link that
answers 404 or 500 to the role it was shown to is a fault, and so is an id,
code or year printed with a thousands separator («?member=1.638», «2.026»).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from dangvien.accounts.models import Role, RoleGrant
from dangvien.core.actors import SYSTEM
from dangvien.liaison import services as liaison
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations.models import Level, Organization, UnitType
from dangvien.organizations.tests.factories import OrganizationFactory
from dangvien.places.models import Commune
from dangvien.seeding import services as seeding

pytestmark = pytest.mark.django_db
D = dt.date

FIRST_ID = 1000  # every table's ids start past this, each table at its own offset
MAX_DEPTH = 3  # home -> menu page -> record -> its links (requested, not followed)
FOLLOW_PER_KIND = 2  # pages of one kind (route and query keys) read for more links
# Links that are actions, not pages: the logout form and the framework's own areas.
SKIP_PREFIXES = ("/dang-xuat/", "/quan-tri/", "/static/", "/api/")
# A number written with the Vietnamese thousands separator: 1.638, 2.026, 12.345.
GIVEN_NAMES = "An Bình Cường Dũng Đạt Hải Hà Hạnh Khánh Lan Minh Nam Oanh Phúc Quang".split()
GROUPED = re.compile(r"(?<![\d.,/])\d{1,3}(?:\.\d{3})+(?![\d,]|\.\d)")


def _ids_above(first: int) -> None:
    """Start every table's ids past `first`, each table at its own offset so that
    an id of one kind used as another's answers 404 instead of passing by
    chance. SQLite keeps AUTOINCREMENT counters in sqlite_sequence; PostgreSQL
    in a sequence per table."""
    tables = sorted(
        {
            (m._meta.db_table, m._meta.pk.column)
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed
            and not m._meta.proxy
            and isinstance(m._meta.pk, models.AutoField | models.BigAutoField)
        }
    )
    with connection.cursor() as cursor:
        for i, (table, column) in enumerate(tables):
            start = first + 211 * (i + 1)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f'SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, COALESCE((SELECT MAX("{column}") FROM "{table}"), 0)))',  # noqa: E501
                    [f'"{table}"', column, start],
                )
            else:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [start, table]
                )
                if cursor.rowcount == 0:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start]
                    )


@pytest.fixture
def demo(django_user_model, settings):
    """A small province like the demo's, every id past 1,000, the demo's open
    workflows and accounts, plus the roles the demo leaves out."""
    settings.DANGVIEN_REQUIRE_2FA = False  # as in the demo
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    _ids_above(FIRST_ID)
    home, _elsewhere = list(Commune.objects.order_by("code")[:2])
    province = OrganizationFactory(name="Đảng bộ tỉnh Hà Tĩnh", level=Level.PROVINCIAL)
    commune = OrganizationFactory(
        parent=province,
        name="Đảng bộ xã Cẩm Xuyên",
        level=Level.GRASSROOTS_COMMITTEE,
        commune=home,
    )
    cell_a = OrganizationFactory(parent=commune, name="Chi bộ thôn Đông")
    cell_b = OrganizationFactory(parent=commune, name="Chi bộ thôn Tây")
    agency = OrganizationFactory(
        parent=province,
        name="Đảng bộ Sở Y tế",
        level=Level.GRASSROOTS_COMMITTEE,
        unit_type=UnitType.AGENCY,
    )
    cell_c = OrganizationFactory(parent=agency, name="Chi bộ Văn phòng", unit_type=UnitType.AGENCY)
    # demo_workflows wants seven official members in the first cell.
    for n, name in enumerate(GIVEN_NAMES[:8]):
        MemberFactory(organization=cell_a, given_name=name, birth_date=D(1970 + n, 3, 15))
    for name in GIVEN_NAMES[8:10]:
        MemberFactory(organization=cell_b, given_name=name)
    workers = [
        MemberFactory(
            organization=cell_c,
            given_name=name,
            current_province=home.province,
            current_commune=home,
            current_street=f"Số {n + 5}, tổ 3",
        )
        for n, name in enumerate(GIVEN_NAMES[10:12])
    ]
    assert Member.objects.order_by("pk").first().pk > FIRST_ID
    # The demo's open cases, through the same function the demo calls.
    seeding.demo_workflows()
    # And the liaison workflows the demo does not open: an exemption, a
    # residence introduction received and assigned, with a yearly comment.
    today = dt.date.today()
    exempted = Member.objects.filter(organization=cell_b).order_by("pk").first()
    exemption = liaison.exemption_apply(
        actor=SYSTEM,
        member=exempted,
        kind="temporary",
        ground="working_away",
        applied_on=today - dt.timedelta(days=40),
        start=today - dt.timedelta(days=35),
        end=today + dt.timedelta(days=200),
    )
    liaison.exemption_decide(
        actor=SYSTEM,
        exemption=exemption,
        decided_on=today - dt.timedelta(days=30),
        resolution_number="",
    )
    introduced = liaison.residence_introduce(
        actor=SYSTEM, member=workers[0], introduced_on=today - dt.timedelta(days=60)
    )
    liaison.residence_receive(
        actor=SYSTEM, liaison=introduced, received_on=today - dt.timedelta(days=55)
    )
    liaison.residence_assign(
        actor=SYSTEM, liaison=introduced, assigned_on=today - dt.timedelta(days=50), cell=cell_a
    )
    liaison.residence_comment_add(
        actor=SYSTEM,
        liaison=introduced,
        year=(today - dt.timedelta(days=45)).year,
        commented_on=today - dt.timedelta(days=45),
        text="Gương mẫu ở nơi cư trú",
    )
    liaison.residence_introduce(
        actor=SYSTEM, member=workers[1], introduced_on=today - dt.timedelta(days=20)
    )
    # The demo's accounts (admin, tinhuy, danguy, chibo, dangvien), and an
    # inspection committee member of the province, which the demo lacks.
    seeding.demo_accounts()
    inspector = django_user_model.objects.create_user("ubkt", password="pw-Test-1234")
    RoleGrant.objects.create(
        user=inspector, role=Role.INSPECTION, organization=province, valid_from=D(2020, 1, 1)
    )
    assert Organization.objects.order_by("pk").first().pk > FIRST_ID
    return {"province": province, "cell_a": cell_a}


class _Links(HTMLParser):
    """The addresses a page offers: links, images, and GET forms submitted as
    they stand (each field's value, a select's chosen or first option); and the
    values of its inputs and options (ids in hidden inputs and selects)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.values: list[str] = []
        self.text: list[str] = []
        self._skip = 0
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.links.append(a["src"])
        elif tag == "form":
            get = (a.get("method") or "get").lower() == "get"
            self._form = (a.get("action", ""), []) if get else None
        for name in ("hx-get", "data-url"):
            if a.get(name):
                self.links.append(a[name])
        if tag in ("input", "option") and a.get("value"):
            self.values.append(a["value"])
        if self._form is not None and a.get("name"):
            if tag == "input" and a.get("type", "text") not in ("submit", "button", "file"):
                if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                    self._form[1].append((a["name"], a.get("value", "")))
            elif tag == "select":
                self._select = (a["name"], [])
        if tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            self._form[1].extend((name, v) for v in chosen)
            self._select = None
        if tag == "form" and self._form is not None:
            action, fields = self._form
            self.links.append(f"{action}?{urlencode(fields)}" if fields else action)
            self._form = None

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _kind(url: str) -> str:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return parts.path
    keys = sorted({p.split("=")[0] for p in parts.query.split("&") if p})
    return f"{match.view_name}?{'&'.join(keys)}"


def _crawl(client: Client, role: str) -> tuple[list[str], int]:
    """Breadth-first from the home page; every link found is requested, pages
    of each kind are read for more links up to MAX_DEPTH."""
    faults: list[str] = []
    seen: set[str] = set()
    followed: dict[str, int] = {}
    queue = deque([(reverse("home"), "(start)", 0)])
    while queue:
        url, parent, depth = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        if GROUPED.search(unquote(url)):
            faults.append(f"{role}: {parent} -> {url}: number with a thousands separator")
        response = client.get(url)
        if response.status_code in (301, 302) and depth < MAX_DEPTH:
            target = urljoin(url, response["Location"])
            if urlsplit(target).path.startswith(reverse("login")):
                faults.append(f"{role}: {parent} -> {url}: sent to the login page")
            else:
                queue.append((target, url, depth))
            continue
        if response.status_code in (404, 500) or response.status_code >= 500:
            detail = ""
            if response.status_code >= 500 and getattr(response, "exc_info", None):
                detail = f" ({response.exc_info[0].__name__}: {response.exc_info[1]})"
            faults.append(f"{role}: {parent} -> {url}: {response.status_code}{detail}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        kind = _kind(url)
        if depth >= MAX_DEPTH or followed.get(kind, 0) >= FOLLOW_PER_KIND:
            continue
        followed[kind] = followed.get(kind, 0) + 1
        page = _Links()
        page.feed(response.content.decode())
        for value in page.values:
            if GROUPED.fullmatch(value.strip()):
                faults.append(f"{role}: {url}: field value {value!r} has a thousands separator")
        for number in GROUPED.findall(" ".join(page.text)):
            # No quantity in this small province reaches 1,000: a grouped number
            # on a page is an id, a code or a year.
            faults.append(f"{role}: {url}: «{number}» printed with a thousands separator")
        for href in page.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            if parts.path.startswith(SKIP_PREFIXES):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append((target, url, depth + 1))
    return faults, len(seen)


DEMO_ROLES = ["chibo", "danguy", "tinhuy", "ubkt", "dangvien", "admin"]


def test_every_rendered_link_answers_for_every_demo_role(demo, django_user_model):
    faults: list[str] = []
    visited = {}
    for username in DEMO_ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(django_user_model.objects.get(username=username))
        found, count = _crawl(client, username)
        faults += found
        visited[username] = count
    # The crawl reached the workflow pages, not only the frame.
    assert visited["chibo"] > 40 and visited["dangvien"] > 3, visited
    assert not faults, "\n".join(faults)
