"""The organisation chooser of the upload page: which organisations an importer
may pick (active, in their writing scope), shown as a list or, for a scope too
large for one, as a typed name or code with suggestions; and what a chosen or
typed value names. Reads organisations only, never members; each read is
bounded (LIST_LIMIT, SUGGESTIONS_LIMIT rows), so a province board's scope costs
the same as a cell's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from dangvien.accounts.scope import Scope
from dangvien.core.errors import NotFound
from dangvien.imports import services
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization

# Organisations shown as a list at most (a commune's committee and its cells,
# an agency's committee and its cells); a larger scope types a name or a code.
LIST_LIMIT = 300
# Committees above the cells suggested while typing (top levels first).
SUGGESTIONS_LIMIT = 1000
# "Đảng bộ xã Cẩm Xuyên (XCX)": the code in the brackets at the end.
_CODE_AT_END = re.compile(r"\(([^()]+)\)\s*$")


class OrganizationAmbiguous(Exception):
    """Several organisations of the scope carry the typed name."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


def label(org: Organization) -> str:
    """How an organisation reads in the chooser: "Đảng bộ xã Cẩm Xuyên (XCX)"."""
    return f"{org.name} ({org.code})"


@dataclass
class Chooser:
    """What the upload page offers. `listed`: the organisations of the list, in
    tree order (`choices()` indents them by their depth below the list's top),
    or None when the scope is too large for a list; then `suggestions`, the committees above
    the cells offered while typing. `initial`: the value preselected (a code
    for the list, a label for the typed field). `narrowed`: the list holds only
    this organisation's subtree (reached by ?org= in a large scope)."""

    scope: Scope
    listed: list[Organization] | None = None
    suggestions: list[Organization] = field(default_factory=list)
    initial: str = ""
    narrowed: Organization | None = None

    def choices(self) -> list[tuple[str, str]]:
        """(code, indented label) of the listed organisations."""
        rows = self.listed or []
        top = min((o.depth for o in rows), default=0)
        return [
            (
                o.code,
                "\u00a0\u00a0\u00a0" * (o.depth - top) + ("↳ " if o.depth > top else "") + label(o),
            )
            for o in rows
        ]

    def resolve(self, value: str) -> Organization:
        """The organisation `value` names: a code, "name (code)" as suggested, an
        id (the former `?org=` links), or a full name (case aside) held by one
        writable organisation; then checked by the import's own rule (active, in
        the writing scope). Raises NotFound, or OrganizationAmbiguous for a name
        held by several."""
        value = value.strip()
        if not value:
            raise NotFound()
        candidates = [value]
        bracketed = _CODE_AT_END.search(value)
        if bracketed:
            candidates.insert(0, bracketed.group(1).strip())
        by_code = {o.code: o for o in Organization.objects.filter(code__in=candidates)}
        org = next((by_code[c] for c in candidates if c in by_code), None)
        if org is None and value.isascii() and value.isdigit() and int(value) < 2**63:
            org = Organization.objects.filter(pk=int(value)).first()
        if org is None:
            named = list(writable(self.scope).filter(name__iexact=value)[:2])
            if len(named) > 1:
                raise OrganizationAmbiguous(writable(self.scope).filter(name__iexact=value).count())
            org = named[0] if named else None
        if org is None:
            raise NotFound()
        return services.organization_for_import(self.scope, org)


def writable(scope: Scope) -> QuerySet[Organization]:
    """The active organisations where `scope` may write (one prefix test a root)."""
    query = Organization.objects.filter(valid_to__isnull=True)
    if scope.everything:
        return query
    where = Q(pk__in=[])
    for path in scope.write_paths:
        where |= Q(path__startswith=path)
    return query.filter(where)


def chooser_for(scope: Scope, wanted: str = "") -> Chooser:
    """The chooser of `scope`, with `wanted` (?org=: an id or a code) preselected
    when it is writable. The whole scope as a list when it holds LIST_LIMIT
    organisations or fewer; else the subtree of `wanted` as a list when small
    enough; else a typed field with the committees above the cells suggested.
    The caller's own organisation comes first (tree order) and is preselected
    when it is their only one."""
    chooser = Chooser(scope=scope)
    focus: Organization | None = None
    if wanted:
        try:
            focus = chooser.resolve(wanted)
        except (NotFound, OrganizationAmbiguous):
            focus = None
    columns = ("pk", "code", "name", "depth", "path", "level")
    everything = list(writable(scope).order_by("path").only(*columns)[: LIST_LIMIT + 1])
    if len(everything) <= LIST_LIMIT:
        chooser.listed = everything
    elif focus is not None:
        subtree = writable(scope).filter(path__startswith=focus.path)
        rows = list(subtree.order_by("path").only(*columns)[: LIST_LIMIT + 1])
        if len(rows) <= LIST_LIMIT:
            chooser.listed, chooser.narrowed = rows, focus
    if chooser.listed is not None:
        roots = [o for o in chooser.listed if o.path in scope.write_paths]
        if focus is not None:
            chooser.initial = focus.code
        elif len(roots) == 1 and len(scope.write_paths) == 1:
            chooser.initial = roots[0].code
        return chooser
    chooser.suggestions = list(
        writable(scope)
        .exclude(level__in=MEMBER_HOLDING_LEVELS)
        .order_by("depth", "path")
        .only(*columns)[:SUGGESTIONS_LIMIT]
    )
    chooser.initial = label(focus) if focus is not None else ""
    return chooser
