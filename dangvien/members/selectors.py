"""Reads of member records, always through the caller's scope."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from dangvien.accounts.scope import Scope
from dangvien.core.vietnamese import fold
from dangvien.organizations.models import STEP_LEN, Organization

from . import rules
from .errors import MemberError
from .models import ACTIVE_STATUSES, EventKind, Gender, Member, MembershipEvent, Status

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a dev dependency: for the checker only

PAGE_SIZE = 50

# The list's age filter: (label, lowest age, first age above, the
# MembershipSummary columns that hold it). The bands of the statistical forms
# (rules.AGE_BANDS) two by two, so the summary gives the list's total.
AGE_BANDS: dict[str, tuple[str, int, int, tuple[str, ...]]] = {
    "u30": ("Từ 30 tuổi trở xuống", 0, 31, ("age_to_30",)),
    "31_40": ("Từ 31 đến 40", 31, 41, ("age_31_35", "age_36_40")),
    "41_50": ("Từ 41 đến 50", 41, 51, ("age_41_45", "age_46_50")),
    "51_60": ("Từ 51 đến 60", 51, 61, ("age_51_55", "age_56_60")),
    "o60": ("Trên 60", 61, 200, ("age_over_60",)),
}


# Every catalogue, place and organisation the record page shows, in one query.
_RECORD_RELATIONS = [
    f.name for f in Member._meta.concrete_fields if f.is_relation and f.name != "user"
]


def members_visible_to(scope: Scope) -> QuerySet[Member]:
    return Member.objects.filter(scope.member_q())


def member_get_for(scope: Scope, pk) -> Member:
    """The member if the scope reaches them; NotFound otherwise (404, never 403)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise MemberError.NOT_FOUND.not_found() from None
    if not 0 < pk < 2**63:  # beyond the id column: nothing there
        raise MemberError.NOT_FOUND.not_found()
    member = members_visible_to(scope).select_related(*_RECORD_RELATIONS).filter(pk=pk).first()
    if member is None:
        raise MemberError.NOT_FOUND.not_found()
    return member


@dataclass
class MemberFilter:
    organization: Organization | None = None
    q: str = ""
    status: str = "active"  # "active", "all" or a Status value
    gender: str = ""
    age_band: str = ""
    ethnicity: int | None = None
    religion: int | None = None
    political_theory: int | None = None
    general_education: int | None = None
    professional_qualification: int | None = None
    today: dt.date = field(default_factory=dt.date.today)


CATALOG_FILTERS = (
    "ethnicity",
    "religion",
    "political_theory",
    "general_education",
    "professional_qualification",
)


def _sensitive_q(scope: Scope) -> Q:
    """Records whose sensitive sections (citizen ID...) the scope may see."""
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    for path in scope.sensitive_paths:
        q |= Q(org_path__startswith=path)
    if scope.member_id is not None:
        q |= Q(pk=scope.member_id)
    return q


def number_search(text: str) -> tuple[str, str] | None:
    """For a search typed as a number: (card number prefix, citizen ID prefix).

    The citizen ID is matched as stored, without the spaces, dots or dashes
    people type between groups ("001 085 012 345"); None for a name search."""
    text = text.strip()
    if text.isdigit():
        return text, text
    digits = rules.digits_typed(text)
    return (text, digits) if digits else None


def _search_q(text: str, scope: Scope) -> Q:
    text = text.strip()
    if (number := number_search(text)) is not None:
        # A citizen ID is matched only where the caller may see it (no probing).
        card, citizen_id = number
        return Q(party_card_number__startswith=card) | (
            Q(citizen_id__startswith=citizen_id) & _sensitive_q(scope)
        )
    q = Q()
    tokens = fold(text).split()
    for i, token in enumerate(tokens):
        # A whole word ("hung": Hùng, Hưng, not Phùng); the last word typed may
        # be the start of one. `contains` lets the trigram index find them.
        at_start = Q(search_name__startswith=token if i == len(tokens) - 1 else f"{token} ")
        inside = Q(search_name__contains=f" {token}" if i == len(tokens) - 1 else f" {token} ")
        whole = Q(search_name=token) | Q(search_name__endswith=f" {token}")
        word = at_start | inside if i == len(tokens) - 1 else at_start | inside | whole
        q &= Q(search_name__contains=token) & word
    return q


def members_count(scope: Scope, flt: MemberFilter) -> int:
    """How many members `members_filtered(scope, flt)` gives: read from the
    maintained summary (members.summary) when the filter is one it keeps (members
    in activity, dự bị or chính thức, or by gender or age band alone, over whole
    subtrees), so that a province's or the whole party's list shows its total
    without counting millions of rows; counted otherwise."""
    total = _summary_total(scope, flt)
    return members_filtered(scope, flt).count() if total is None else total


# A misspelled name ("Nguyen Van Hunh") is looked for among the names of a scope
# of at most this many members (a district's worth: read in about 50 ms); over a
# larger one the page says to narrow it (an organisation, a second word).
SIMILAR_MAX_MEMBERS = 30_000
SIMILAR_CUTOFF = 0.75  # difflib's ratio: "hunh" ~ "hung" (0.75), not "hoa"


def members_similar(scope: Scope, flt: MemberFilter, limit: int = 10) -> list[Member] | None:
    """When a name search finds nobody: up to `limit` members of the same
    filter (the name left out) whose every typed word is close to a word of
    their name (accents folded; difflib ratio >= SIMILAR_CUTOFF), closest
    first, then in name order. None when the search is not a name (a number)
    or the scope holds more than SIMILAR_MAX_MEMBERS members (in activity, by
    the maintained summary; or read, with another status)."""
    import difflib

    text = flt.q.strip()
    tokens = fold(text).split()
    if not tokens or number_search(text) is not None:
        return None
    base = dataclasses.replace(flt, q="")
    # Bounded by the scope's members in activity (the maintained summary: no
    # count over a province), the statuses beyond them by the read's own limit.
    bound = MemberFilter(organization=flt.organization, today=flt.today)
    if members_count(scope, bound) > SIMILAR_MAX_MEMBERS:
        return None
    names = list(
        members_filtered(scope, base).values_list("pk", "search_name")[: SIMILAR_MAX_MEMBERS + 1]
    )
    if len(names) > SIMILAR_MAX_MEMBERS:
        return None
    words = {word for _, name in names for word in name.split()}
    close: list[dict[str, float]] = []
    for token in tokens:
        matcher = difflib.SequenceMatcher(b=token)
        ratios: dict[str, float] = {}
        for word in words:
            matcher.set_seq1(word)
            if (
                matcher.real_quick_ratio() >= SIMILAR_CUTOFF
                and matcher.quick_ratio() >= SIMILAR_CUTOFF
                and (ratio := matcher.ratio()) >= SIMILAR_CUTOFF
            ):
                ratios[word] = ratio
        if not ratios:
            return []
        close.append(ratios)
    scored = []
    for pk, name in names:
        own = name.split()
        score = 0.0
        for ratios in close:
            best = max((ratios.get(word, 0.0) for word in own), default=0.0)
            if best == 0.0:
                break
            score += best
        else:
            scored.append((-score, pk))
    score_of = {pk: score for score, pk in scored}  # negative: the closest lowest
    wanted = [pk for _, pk in sorted(scored)[: limit * 5]]
    ranked = sorted(
        Member.objects.filter(pk__in=wanted).select_related("organization"),
        key=lambda m: (score_of[m.pk], bytes(m.sort_key or b""), m.pk),
    )
    return ranked[:limit]


# A name search's total is counted up to this many (then «hơn 1000»): the
# commonest given name matches 200,000 members of the party.
SEARCH_COUNT_CAP = 1000


def members_list_total(scope: Scope, flt: MemberFilter) -> tuple[int, bool]:
    """The list's total as (count, exact): `members_count`, except for a name
    search, counted up to SEARCH_COUNT_CAP + 1 (exact False beyond the cap)."""
    if not flt.q.strip():
        return members_count(scope, flt), True
    # Several words: the page's own statement with a larger page (the trigram
    # matches intersected, as for the page); one word: the words index, or
    # any scan that stops at the cap for one of the commonest names.
    anchor = _word_anchor(flt)
    if anchor is None and len(fold(flt.q).split()) <= 1:
        count = members_filtered(scope, flt)[: SEARCH_COUNT_CAP + 1].count()
    else:
        if anchor is None:
            sql, params = _page_sql(scope, flt, None, SEARCH_COUNT_CAP + 1)
        else:
            sql, params = _word_page_sql(scope, flt, anchor, None, SEARCH_COUNT_CAP + 1)
        with connection.cursor() as db:
            db.execute(" ".join(("SELECT count(*) FROM (", sql, ") page")), params)
            (count,) = db.fetchone()
    return (count, True) if count <= SEARCH_COUNT_CAP else (SEARCH_COUNT_CAP, False)


def _summary_total(scope: Scope, flt: MemberFilter) -> int | None:
    from .models import MembershipSummary

    if flt.q or any(getattr(flt, name) for name in CATALOG_FILTERS):
        return None
    kept = flt.status == "active" or (
        flt.status in (Status.PROBATIONARY, Status.OFFICIAL) and not flt.gender and not flt.age_band
    )
    if not kept or (flt.gender and flt.age_band):
        return None
    if flt.organization is not None:
        if not scope.reaches_path(flt.organization.path):
            return None
        roots = [flt.organization.path]
    elif scope.everything:
        roots = list(
            Organization.objects.filter(parent__isnull=True).values_list("path", flat=True)
        )
    else:
        roots = [p for p in scope.paths if not any(p != q and p.startswith(q) for q in scope.paths)]
        if scope.member_id is not None and not (
            Member.objects.filter(pk=scope.member_id).filter(scope.org_q("org_path")).exists()
        ):
            return None  # the caller's own record counts too, outside the subtrees
    rows = list(MembershipSummary.objects.filter(organization__path__in=roots))
    if flt.age_band in AGE_BANDS:
        if any(row.ages_on != flt.today for row in rows):
            return None  # ages counted on another day
        columns = AGE_BANDS[flt.age_band][3]
        return sum(getattr(row, column) for row in rows for column in columns)
    if flt.gender:
        female = sum(row.female for row in rows)
        return female if flt.gender == Gender.FEMALE else sum(r.members for r in rows) - female
    if flt.status == Status.PROBATIONARY:
        return sum(row.probationary for row in rows)
    if flt.status == Status.OFFICIAL:
        return sum(row.official for row in rows)
    return sum(row.members for row in rows)


def members_filtered(scope: Scope, flt: MemberFilter) -> QuerySet[Member]:
    qs = members_visible_to(scope)
    if flt.organization is not None:
        qs = qs.filter(org_path__startswith=flt.organization.path)
    if flt.status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif flt.status and flt.status != "all":
        qs = qs.filter(status=flt.status)
    if flt.q:
        qs = qs.filter(_search_q(flt.q, scope))
    if flt.gender:
        qs = qs.filter(gender=flt.gender)
    if flt.age_band in AGE_BANDS:
        _, low, high, _columns = AGE_BANDS[flt.age_band]
        # age in [low, high): born after today-high years and on/before today-low years
        qs = qs.filter(
            birth_date__gt=flt.today - relativedelta(years=high),
            birth_date__lte=flt.today - relativedelta(years=low),
        )
    for name in CATALOG_FILTERS:
        value = getattr(flt, name)
        if value:
            qs = qs.filter(**{f"{name}_id": value})
    return qs


def encode_cursor(member) -> str:
    raw = bytes(member.sort_key) + b"|" + str(member.pk).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[bytes, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, _, pk = raw.rpartition(b"|")
        number = int(pk)
        return (key, number) if 0 < number < 2**63 else None
    except (ValueError, binascii.Error):
        return None


@dataclass
class Page:
    items: list[MemberRow]
    next_cursor: str | None


_LIST_COLUMNS = (
    "m.id, m.family_name, m.middle_name, m.given_name, m.gender, m.birth_date, "
    "m.joining_date, m.status, m.is_exempt, m.sort_key, m.organization_id, o.name, "
    "m.birth_date_precision, m.joining_date_precision"
)
_GENDERS = dict(Gender.choices)
_STATUSES = dict(Status.choices)


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One line of a member list: plain values, no model instance to build."""

    id: int
    family_name: str
    middle_name: str
    given_name: str
    gender: str
    birth_date: dt.date
    joining_date: dt.date | None
    status: str
    is_exempt: bool
    sort_key: bytes
    organization_id: int
    organization_name: str
    # How much of each date is known (models.DatePrecision): print with `|ngay`.
    birth_date_precision: str = "day"
    joining_date_precision: str = "day"

    @property
    def pk(self) -> int:
        return self.id

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def gender_label(self) -> str:
        return _GENDERS.get(self.gender, self.gender)

    @property
    def status_label(self) -> str:
        return _STATUSES.get(self.status, self.status)


# The commonest family and middle names. They occur all along the name order
# (which starts with the given name), so walking the name-order index finds a
# page of them at once. Any other word (a given name, most often) gathers its
# matches in one stretch of that order, maybe near its end: then PostgreSQL must
# collect the matches through the trigram index and sort them, and the query
# says so by ordering on an expression the index cannot serve.
SPREAD_WORDS = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh doan "
    "luong trinh mai cao van thi duc quang minh huu xuan cong ngoc thanh".split()
)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _subtree_sql(
    scope: Scope, flt: MemberFilter, path: str, member_id: str
) -> tuple[list[str], list]:
    """The scope and the chosen organisation as SQL on the columns `path` (an
    organisation path) and `member_id` (the caller's own record)."""
    where: list[str] = []
    params: list = []
    if not scope.everything:
        alternatives = [f"{path} LIKE %s"] * len(scope.paths)
        params += [f"{p}%" for p in scope.paths]
        if scope.member_id is not None:
            alternatives.append(f"{member_id} = %s")
            params.append(scope.member_id)
        where.append(f"({' OR '.join(alternatives) or '1 = 0'})")
    if flt.organization is not None:
        where.append(f"{path} LIKE %s")
        params.append(f"{flt.organization.path}%")
    return where, params


def _list_where(scope: Scope, flt: MemberFilter, *, trigram: bool = True) -> tuple[list[str], list]:
    """The WHERE clause of `members_filtered` as SQL, for the hot list page.
    `trigram` False leaves out the LIKE the trigram index serves, so that the
    planner leads with another index (the words, or the name order); the
    word-edge LIKE says the same.

    Kept equal to the queryset by a property test (tests/test_list_sql.py).
    """
    where, params = _subtree_sql(scope, flt, "m.org_path", "m.id")
    if flt.status == "active":
        where.append("m.status IN (%s, %s)")
        params += [str(s) for s in ACTIVE_STATUSES]
    elif flt.status and flt.status != "all":
        where.append("m.status = %s")
        params.append(flt.status)
    text = flt.q.strip()
    if (number := number_search(text)) is not None:
        allowed = "1 = 1"
        allowed_params: list[str | int] = []
        if not scope.everything:
            alternatives = ["m.org_path LIKE %s"] * len(scope.sensitive_paths)
            allowed_params = [f"{p}%" for p in scope.sensitive_paths]
            if scope.member_id is not None:
                alternatives.append("m.id = %s")
                allowed_params.append(scope.member_id)
            allowed = " OR ".join(alternatives) or "1 = 0"
        where.append(
            "(m.party_card_number LIKE %s ESCAPE '\\' "
            f"OR (m.citizen_id LIKE %s ESCAPE '\\' AND ({allowed})))"
        )
        params += [f"{_like_escape(number[0])}%", f"{number[1]}%", *allowed_params]
    elif text:
        tokens = fold(text).split()
        for i, token in enumerate(tokens):
            # Whole words, the last one a prefix (see _search_q): the first LIKE
            # is served by the trigram index, the second checks the word's edges.
            end = "%" if i == len(tokens) - 1 else " %"
            if trigram:
                where.append("m.search_name LIKE %s ESCAPE '\\'")
                params.append(f"%{_like_escape(token)}%")
            where.append("(' ' || m.search_name || ' ') LIKE %s ESCAPE '\\'")
            params.append(f"% {_like_escape(token)}{end}")
    if flt.gender:
        where.append("m.gender = %s")
        params.append(flt.gender)
    if flt.age_band in AGE_BANDS:
        _, low, high, _columns = AGE_BANDS[flt.age_band]
        where.append("m.birth_date > %s AND m.birth_date <= %s")
        params += [flt.today - relativedelta(years=high), flt.today - relativedelta(years=low)]
    for name in CATALOG_FILTERS:
        value = getattr(flt, name)
        if value:
            where.append(f"m.{name}_id = %s")
            params.append(value)
    return where, params


# Below this depth (central 1, province 2) a subtree holds a small share of all
# members: a commune committee about 0.03% of the party.
SMALL_SUBTREE_DEPTH = 3


def _gather_then_sort(scope: Scope, flt: MemberFilter) -> bool:
    """Whether PostgreSQL should collect the matching rows and sort them, rather
    than walk the name-order index until it has a page.

    Walking wins when matches are everywhere along the name order (a province,
    a common family name). It loses badly when they are few (a commune: the
    planner misjudges how few) or bunched (a given name, which leads the order).
    """
    tokens = fold(flt.q).split() if flt.q and number_search(flt.q) is None else []
    if any(len(t) >= 3 and t not in SPREAD_WORDS for t in tokens):
        return True
    if flt.organization is not None:
        return flt.organization.depth >= SMALL_SUBTREE_DEPTH
    if not scope.everything and scope.paths:
        return min(len(p) for p in scope.paths) // STEP_LEN >= SMALL_SUBTREE_DEPTH
    return False


def _word_anchor(flt: MemberFilter) -> str | None:
    """The word being typed when the name search reads the words index
    (MemberNameWord), else None. Only a single word that is not one of the
    commonest family and middle names (SPREAD_WORDS): the index then gives
    its bearers in name order without reading a record ("hung": 120,000 in
    the party, 27 ms). Several words keep the trigram path, whose matches of
    every word intersect to few records; a spread word keeps the walk of the
    name-order index, which finds a page at once. Members not in activity
    have no words."""
    text = flt.q.strip()
    if flt.status != "active" or not text or number_search(text) is not None:
        return None
    tokens = fold(text).split()
    if len(tokens) != 1 or tokens[0] in SPREAD_WORDS:
        return None
    return tokens[0]


def _word_sql(scope: Scope, flt: MemberFilter, anchor: str) -> tuple[list[str], list]:
    """Conditions on the words index `w`: a word starting with `anchor`, the
    scope, the organisation."""
    where, params = _subtree_sql(scope, flt, "w.org_path", "w.member_id")
    return ["w.word LIKE %s ESCAPE '\\'", *where], [f"{_like_escape(anchor)}%", *params]


def members_page(
    scope: Scope, flt: MemberFilter, cursor: str | None = None, size: int = PAGE_SIZE
) -> Page:
    """One page of the list, in Vietnamese name order (given, middle, family), then id,
    with keyset pagination. Written as one SQL statement: this is the hottest read.

    A single uncommon word typed reads the words index (MemberNameWord,
    `_word_anchor`): the index entries of the words it starts are sorted
    without reading the records, then the page's records are read (issue 14
    part 2)."""
    decoded = decode_cursor(cursor) if cursor else None
    anchor = _word_anchor(flt)
    if anchor is not None:
        sql, params = _word_page_sql(scope, flt, anchor, decoded, size + 1)
    else:
        sql, params = _page_sql(scope, flt, decoded, size + 1)
    with connection.cursor() as db:
        db.execute(sql, params)
        rows = [MemberRow(*values) for values in db.fetchall()]
    for i, row in enumerate(rows):
        if not isinstance(row.sort_key, bytes):  # memoryview on PostgreSQL
            rows[i] = dataclasses.replace(row, sort_key=bytes(row.sort_key))
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    return Page(rows[:size], next_cursor)


def _page_sql(
    scope: Scope, flt: MemberFilter, decoded: tuple[bytes, int] | None, limit: int
) -> tuple[str, list]:
    tokens = fold(flt.q).split() if number_search(flt.q.strip()) is None else []
    # One of the commonest names alone ("nguyen": a third of the party) over a
    # large scope: without the trigram LIKE the planner walks the name-order
    # index, where every third record matches, instead of gathering millions.
    walk = len(tokens) == 1 and tokens[0] in SPREAD_WORDS and not _gather_then_sort(scope, flt)
    where, params = _list_where(scope, flt, trigram=not walk)
    if decoded is not None:
        key, pk = decoded
        where.append("(m.sort_key > %s OR (m.sort_key = %s AND m.id > %s))")
        params += [key, key, pk]
    order = "m.sort_key, m.id"
    if connection.vendor == "postgresql" and _gather_then_sort(scope, flt):
        order = "(m.sort_key || ''::bytea), m.id"
    # Every SQL fragment is written here; what the user typed travels only as a parameter.
    sql = " ".join(
        (
            "SELECT",
            _LIST_COLUMNS,
            "FROM members_member m",
            "JOIN organizations_organization o ON o.id = m.organization_id",
            "WHERE",
            " AND ".join(where) or "1 = 1",
            "ORDER BY",
            order,
            "LIMIT %s",
        )
    )
    return sql, [*params, limit]


def _word_page_sql(
    scope: Scope,
    flt: MemberFilter,
    anchor: str,
    decoded: tuple[bytes, int] | None,
    limit: int,
) -> tuple[str, list]:
    word_where, word_params = _word_sql(scope, flt, anchor)
    if decoded is not None:
        key, pk = decoded
        word_where.append("(w.sort_key > %s OR (w.sort_key = %s AND w.member_id > %s))")
        word_params += [key, key, pk]
    words = " ".join(("FROM", _WORDS, "w WHERE", " AND ".join(word_where)))
    others = (
        flt.gender or flt.age_band in AGE_BANDS or any(getattr(flt, n) for n in CATALOG_FILTERS)
    )
    where, params = _list_where(scope, flt, trigram=False)
    if not others and connection.vendor == "postgresql":
        return _word_merge_sql(scope, flt, anchor, decoded, limit, where, params)
    if not others:
        # Nothing else asked: the index alone says which members (a name may
        # hold two words with that start: grouped), in name order; the page's
        # records are checked again. The page size is the inner LIMIT, so it
        # comes before the outer conditions' parameters.
        sql = " ".join(
            (
                "SELECT",
                _LIST_COLUMNS,
                "FROM (SELECT w.member_id, w.sort_key",
                words,
                "GROUP BY w.sort_key, w.member_id ORDER BY w.sort_key, w.member_id",
                "LIMIT %s) k",
                "JOIN members_member m ON m.id = k.member_id",
                "JOIN organizations_organization o ON o.id = m.organization_id",
                "WHERE",
                " AND ".join(where),
                "ORDER BY k.sort_key, k.member_id",
            )
        )
        return sql, [*word_params, limit, *params]
    # Other filters too: the records that have such a word, checked and sorted.
    sql = " ".join(
        (
            "SELECT",
            _LIST_COLUMNS,
            "FROM members_member m",
            "JOIN organizations_organization o ON o.id = m.organization_id",
            "WHERE m.id IN (SELECT w.member_id",
            words,
            ") AND",
            " AND ".join(where),
            "ORDER BY m.sort_key, m.id LIMIT %s",
        )
    )
    return sql, [*word_params, *params, limit]


_WORDS = "members_membernameword"


def _word_merge_sql(
    scope: Scope,
    flt: MemberFilter,
    anchor: str,
    decoded: tuple[bytes, int] | None,
    limit: int,
    where: list[str],
    params: list,
) -> tuple[str, list]:
    """The word search's page on PostgreSQL when nothing but the word is asked:
    the distinct words that start with `anchor` found one index probe each (a
    recursive walk over the index, as PostgreSQL 15 has no skip scan), then
    each word's bearers read from the index in name order up to a page, and
    the pages merged. Reading every entry of the words with that start and
    sorting them cost as many entries as bearers ("hung", 120,000 in the
    party: 121 ms); this reads about a page a word. `where` / `params`: the
    records' conditions (_list_where), checked again on the page's records."""
    like = f"{_like_escape(anchor)}%"
    inner, inner_params = _subtree_sql(scope, flt, "w.org_path", "w.member_id")
    if decoded is not None:
        key, pk = decoded
        inner.append("(w.sort_key, w.member_id) > (%s, %s)")
        inner_params += [key, pk]
    first_word = " ".join(("SELECT w.word FROM", _WORDS, "w WHERE w.word LIKE %s ESCAPE '\\'"))
    in_order = "ORDER BY w.word USING ~<~ LIMIT 1"
    sql = " ".join(
        (
            "WITH RECURSIVE starts(word) AS ((",
            first_word,
            in_order,
            ") UNION ALL SELECT (",
            first_word,
            "AND w.word ~>~ s.word",
            in_order,
            ") FROM starts s WHERE s.word IS NOT NULL)",
            "SELECT",
            _LIST_COLUMNS,
            "FROM (SELECT k.member_id, k.sort_key FROM starts s CROSS JOIN LATERAL",
            "(SELECT w.member_id, w.sort_key FROM",
            _WORDS,
            "w WHERE",
            " AND ".join(["w.word = s.word", *inner]),
            "ORDER BY w.sort_key, w.member_id LIMIT %s) k",
            # A name may hold two words with that start: once.
            "GROUP BY k.sort_key, k.member_id ORDER BY k.sort_key, k.member_id LIMIT %s) k",
            "JOIN members_member m ON m.id = k.member_id",
            "JOIN organizations_organization o ON o.id = m.organization_id",
            "WHERE",
            " AND ".join(where),
            "ORDER BY k.sort_key, k.member_id",
        )
    )
    return sql, [like, like, *inner_params, limit, limit, *params]


def member_events(member: Member) -> QuerySet[MembershipEvent]:
    return member.events.select_related("organization", "organization_after", "created_by")


@dataclass(frozen=True)
class MemberState:
    status: str | None
    organization: Organization | None
    exempt: bool
    party_age: rules.PartyAge | None


def member_state_on(member: Member, day: dt.date) -> MemberState:
    """The member's status, organisation and party age on `day`, from the events."""
    events = list(member.events.filter(date__lte=day).order_by("date", "seq", "id"))
    if not events:
        return MemberState(None, None, False, None)
    last = events[-1]
    age = rules.party_age(
        member_first_decision_date(member, events),
        [
            # An arrival carries its letter's date: for a member registered here
            # from an outside organisation's letter, the transfer gap runs from it.
            (
                e.date,
                e.status_after,
                e.decision_date if e.kind == EventKind.TRANSFERRED_IN else None,
            )
            for e in events
        ],
        day,
    )
    return MemberState(last.status_after, last.organization_after, last.exempt_after, age)


def member_first_decision_date(member: Member, events=None) -> dt.date | None:
    """R1.17-R1.18: from the first admission decision; else the record's date."""
    events = events if events is not None else member.events.order_by("date", "seq", "id")
    for event in events:
        if event.kind == "admitted" and event.decision_date:
            return event.decision_date
    return member.admission_decision_date or member.joining_date


def member_party_age(member: Member, day: dt.date | None = None) -> rules.PartyAge | None:
    return member_state_on(member, day or dt.date.today()).party_age


class MemberOnDay(TypedDict):
    """What `members_of_organization_on` adds to each member: its state on the day
    (a status and an organization id). Any: django-stubs checks `status_on__in`
    lookups on annotations against the field type itself, not a collection."""

    status_on: Any
    organization_on: Any


def members_of_organization_on(
    org: Organization, day: dt.date
) -> QuerySet[WithAnnotations[Member, MemberOnDay]]:
    """Members in activity in `org`'s subtree on `day`, computed from the events."""
    subtree_ids = Organization.objects.filter(path__startswith=org.path).values("pk")
    latest = MembershipEvent.objects.filter(member=OuterRef("pk"), date__lte=day).order_by(
        "-date", "-seq", "-id"
    )
    candidates = MembershipEvent.objects.filter(organization_after__in=subtree_ids).values("member")
    return (
        Member.objects.filter(pk__in=candidates)
        .annotate(
            status_on=Subquery(latest.values("status_after")[:1]),
            organization_on=Subquery(latest.values("organization_after")[:1]),
        )
        .filter(status_on__in=ACTIVE_STATUSES, organization_on__in=subtree_ids)
    )


def officials_on(org: Organization, day: dt.date) -> list[tuple[int, str, bool]]:
    """(id, full name, exempted from activity) of the official members of `org`'s
    subtree on `day`, computed from the events: the people a cell's vote on
    that day is counted over (members.rules.vote_base, R1.8a)."""
    latest = MembershipEvent.objects.filter(member=OuterRef("pk"), date__lte=day).order_by(
        "-date", "-seq", "-id"
    )
    rows = (
        members_of_organization_on(org, day)
        .filter(status_on=Status.OFFICIAL)
        .annotate(exempt_on=Subquery(latest.values("exempt_after")[:1]))
        .order_by("sort_key", "id")
    )
    return [(m.pk, m.full_name, bool(m.exempt_on)) for m in rows]


def official_member_count_on(org: Organization, day: dt.date) -> int:
    """Official members of `org`'s subtree on `day`: the base of the cell's 2/3
    votes (R1.8: all official members, not those present)."""
    return members_of_organization_on(org, day).filter(status_on=Status.OFFICIAL).count()
