"""The demo's Party badges (issue 12): the list for the next award date over
the demo population, with the previous award date's badges decided and
awarded (numbers given) and the next date's proposals begun, so that the
committee's page shows candidates by milestone, proposals waiting and the
open case of the list due by its cut-off. Idempotent: a second run adds
nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from dangvien.core.actors import SYSTEM

from . import rules, selectors, services
from .models import AwardStatus, BadgeAward, RoundStatus


@dataclass
class DemoBadges:
    award_date: dt.date
    candidates_by_milestone: dict[int, int] = field(default_factory=dict)
    awarded: int = 0
    proposed: int = 0


def demo_badges(today: dt.date, *, awarded: int = 2, proposed: int = 3) -> DemoBadges:
    """Award up to `awarded` badges of the previous award date (proposed,
    submitted, decided, presented with a number) and propose up to `proposed`
    members of the next one (one per milestone first), leaving the rest of its
    list as candidates. Returns the next date's list by milestone."""
    award = rules.next_award_date(today)
    previous = rules.previous_award_date(award)
    result = DemoBadges(award)
    if not BadgeAward.objects.filter(award_date=previous).exists():
        _award_previous(previous, awarded)
    if not BadgeAward.objects.filter(award_date=award).exists():
        _propose_next(award, proposed, today)
    candidates = selectors.candidates_for(None, award)
    result.candidates_by_milestone = dict(sorted(Counter(c.years for c in candidates).items()))
    result.awarded = BadgeAward.objects.filter(status=AwardStatus.AWARDED).count()
    result.proposed = BadgeAward.objects.filter(award_date=award).count()
    return result


def _award_previous(previous: dt.date, limit: int) -> None:
    proposed_on = previous - dt.timedelta(days=60)
    submitted_on = previous - dt.timedelta(days=50)
    decided_on = previous - dt.timedelta(days=20)
    done = []
    for c in selectors.candidates_for(None, previous)[:limit]:
        member = selectors.Member.objects.get(pk=c.member_id)
        done.append(
            services.badge_propose(
                actor=SYSTEM,
                member=member,
                milestone=c.years,
                award_date=previous,
                proposed_on=proposed_on,
            )
        )
    for award in done:
        award.refresh_from_db()
        if award.round is not None and award.round.status == RoundStatus.OPEN:
            services.badge_round_submit(
                actor=SYSTEM, badge_round=award.round, submitted_on=submitted_on
            )
    for award in done:
        award.refresh_from_db()
        services.badge_decide(
            actor=SYSTEM, award=award, decided_on=decided_on, decision_number="1-QĐ/TU"
        )
        services.badge_record_award(
            actor=SYSTEM,
            award=award,
            awarded_on=previous,
            badge_number=f"HH-{previous:%Y}-{award.pk:06d}",
        )


def _propose_next(award: dt.date, limit: int, today: dt.date) -> None:
    candidates = selectors.candidates_for(None, award)
    chosen: list[selectors.Candidate] = []
    seen: set[int] = set()
    for c in candidates:  # one per milestone first
        if c.years not in seen and len(chosen) < limit:
            chosen.append(c)
            seen.add(c.years)
    for c in candidates:
        if len(chosen) >= limit or len(chosen) >= len(candidates) - 1:
            break  # leave at least one candidate not proposed
        if c not in chosen:
            chosen.append(c)
    for c in chosen[: max(0, len(candidates) - 1)]:
        services.badge_propose(
            actor=SYSTEM,
            member=selectors.Member.objects.get(pk=c.member_id),
            milestone=c.years,
            award_date=award,
            proposed_on=today,
        )
