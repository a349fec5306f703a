"""What every issued paper gets from the records rather than from its caller.

`complete_context` runs inside `document_issue`, so the areas that issue papers
(admissions, transfers, removals, liaison) need not look these up themselves:

- the signature block (HD 36 box 7): the capacity, title and name of the post
  holder on the day of issue, from `organizations.posts.signer_for`, unless the
  caller typed a name; when nobody holds the post the name stays blank (dotted
  on the paper) and the context says `signer_missing`, which the documents
  page shows, and rendering looks the post up again so that a post recorded
  later for that day fills it;
- a resolution's counts: the cell's members and official members on the day of
  the meeting, from the event log, beside the vote its caller gives (present,
  in favour, the base);
- a decision cites the resolution it follows: the last resolution issued for
  the same record since that record's previous decision;
- minutes are signed by the meeting's chair and recorder ("CHỦ TRÌ", "THƯ KÝ"),
  not for the collective.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization
from dangvien.organizations.posts import signer_for

from .models import DocumentKind, IssuedDocument


def sign(organization: Organization, on: dt.date, context: dict) -> dict:
    """The signature keys of `context`, filled from the posts held on `on`."""
    out = dict(context)
    capacity = context.get("signer_capacity")
    capacity = capacity if isinstance(capacity, str) and capacity.strip() else None
    typed = context.get("signer_name")
    if isinstance(typed, str) and typed.strip():
        signer = signer_for(organization, on, capacity)
        out["signer_capacity"] = capacity if capacity is not None else signer.capacity
        out.setdefault("signer_title", signer.title)
        if not out.get("signer_title"):
            out["signer_title"] = signer.title
        out["signer_missing"] = False
        return out
    signer = signer_for(organization, on, capacity)
    out["signer_capacity"] = signer.capacity
    out["signer_title"] = signer.title
    out["signer_name"] = signer.name
    out["signer_missing"] = signer.missing
    return out


def member_counts(organization: Organization, on: dt.date) -> dict[str, int]:
    """Members and official members of a cell (its subtree) on day `on`, from the events."""
    from dangvien.members.models import ACTIVE_STATUSES, Status
    from dangvien.members.selectors import members_of_organization_on

    rows = members_of_organization_on(organization, on).filter(status_on__in=ACTIVE_STATUSES)
    statuses = list(rows.values_list("status_on", flat=True))
    return {
        "members": len(statuses),
        "official": sum(1 for s in statuses if s == Status.OFFICIAL),
    }


def _with_counts(organization: Organization, on: dt.date, context: dict) -> dict:
    vote = context.get("vote")
    if not isinstance(vote, dict) or organization.level not in MEMBER_HOLDING_LEVELS:
        return context
    counts = member_counts(organization, on)
    if not counts["members"]:  # no members recorded by the event log: say nothing
        return context
    vote = dict(vote)
    for key, value in counts.items():
        if not isinstance(vote.get(key), int):
            vote[key] = value
    return {**context, "vote": vote}


def resolution_followed(subject: models.Model, on: dt.date) -> IssuedDocument | None:
    """The resolution a decision on `subject` dated `on` follows: the last one
    issued for `subject` on or before `on` and after its previous decision."""
    content_type = ContentType.objects.get_for_model(subject)
    papers = IssuedDocument.objects.filter(
        content_type=content_type, object_id=subject.pk, date__lte=on
    )
    last_decision = (
        papers.filter(kind=DocumentKind.DECISION).order_by("-date", "-id").values("id").first()
    )
    resolutions = papers.filter(kind=DocumentKind.RESOLUTION)
    if last_decision is not None:
        resolutions = resolutions.filter(id__gt=last_decision["id"])
    return resolutions.select_related("organization").order_by("-date", "-id").first()


def citation(resolution: IssuedDocument) -> str:
    return (
        f"Căn cứ Nghị quyết số {resolution.symbol} ngày {resolution.date:%d/%m/%Y} "
        f"của {resolution.organization.name};"
    )


def _with_citation(on: dt.date, context: dict, subject: models.Model | None) -> dict:
    if subject is None or subject.pk is None:
        return context
    resolution = resolution_followed(subject, on)
    if resolution is None:
        return context
    bases = [b for b in (context.get("bases") or []) if isinstance(b, str)]
    out = {**context, "follows": {"symbol": resolution.symbol, "date": resolution.date}}
    if any(resolution.symbol in b for b in bases):
        return out
    # After the "Căn cứ" lines, before the "Xét ..." lines.
    at = next((i for i, b in enumerate(bases) if not b.lstrip().startswith("Căn cứ")), len(bases))
    out["bases"] = [*bases[:at], citation(resolution), *bases[at:]]
    return out


def _minutes_signatures(context: dict) -> dict:
    """Minutes are signed by those who ran the meeting, not for the collective:
    the chair ("CHỦ TRÌ") and the recorder ("THƯ KÝ"), by the names the caller
    gives; a name not given stays a dotted blank to write by hand and
    `names_missing` is set (not `signer_missing`: no post to record fills it)."""
    out = dict(context)
    names = [out.get("chair_name"), out.get("recorder_name")]
    out["names_missing"] = not all(isinstance(n, str) and n.strip() for n in names)
    return out


def complete_context(
    *,
    organization: Organization,
    kind: str,
    on: dt.date,
    context: dict[str, Any],
    subject: models.Model | None = None,
) -> dict[str, Any]:
    if kind == DocumentKind.MINUTES:
        return _minutes_signatures(context)
    context = sign(organization, on, context)
    if kind == DocumentKind.RESOLUTION:
        context = _with_counts(organization, on, context)
    if kind == DocumentKind.DECISION:
        context = _with_citation(on, context, subject)
    return context


def report_to(organization: Organization) -> list[str]:
    """The "Nơi nhận" line of a paper a cell or committee reports upward with:
    the committee directly above it, by name ("Đảng ủy xã Cẩm Xuyên (báo cáo);")."""
    from dangvien.organizations.posts import committee_name

    parent = organization.parent
    return [f"{committee_name(parent)} (báo cáo);"] if parent is not None else []
