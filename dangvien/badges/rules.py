"""Rules of the Party badge (regulations.md §11, party age §1.5), each once,
dated, with its source. Functions are pure, over plain values (dates, years).

Party age itself (net of gaps) is `members.rules.party_age` (R1.17-R1.18);
here only what the badge adds: the milestones, the early awards, the award
dates and the cut-off of the list of each award date.
"""

from __future__ import annotations

import datetime as dt

from dangvien.core.rulebook import LONG_AGO, Rule, Version
from dangvien.members.rules import add_months

HD_01_2021 = "HD 01-HD/TW (28/9/2021)"

# R11.1 [C]: members with 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85 or 90
# years of party age are considered for the badge. HD 01-HD/TW 2021 mục 18.1.
MILESTONES = Rule(
    "badge_milestones",
    "Các mốc tuổi đảng được xét tặng Huy hiệu Đảng (năm)",
    (
        Version(
            LONG_AGO,
            (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90),
            f"{HD_01_2021} mục 18.1 (R11.1)",
        ),
    ),
)

# R11.2 [C]: a seriously ill member may receive the 30-65-year badges up to 12
# months early, the 70-90-year badges up to 24 months early. HD 01-HD/TW 2021
# mục 18.2. Value: ((highest milestone of the band, months early), ...).
ILL_EARLY_MONTHS = Rule(
    "badge_ill_early_months",
    "Đảng viên bị bệnh nặng: được xét tặng sớm (tháng) theo mốc huy hiệu",
    (Version(LONG_AGO, ((65, 12), (90, 24)), f"{HD_01_2021} mục 18.2 (R11.2)"),),
)

# R11.2 [C]: a posthumous award up to 12 months early; the party age is read
# on the day before death. HD 01-HD/TW 2021 mục 18.2.
POSTHUMOUS_EARLY_MONTHS = Rule(
    "badge_posthumous_early_months",
    "Đảng viên đã từ trần: được truy tặng sớm (tháng)",
    (Version(LONG_AGO, 12, f"{HD_01_2021} mục 18.2 (R11.2)"),),
)

# R11.3 [C]: badges are presented on 3/2, 19/5, 2/9 and 7/11 (day, month).
AWARD_DATES = Rule(
    "badge_award_dates",
    "Các ngày trao tặng Huy hiệu Đảng (ngày, tháng)",
    (
        Version(
            LONG_AGO,
            ((3, 2), (19, 5), (2, 9), (7, 11)),
            "Quy định về trao tặng, sử dụng, quản lý Huy hiệu Đảng (R11.3)",
        ),
    ),
)

# R11.3 [UNCONFIRMED]: the list of an award date D holds the members whose
# milestone falls after the previous award date's cut-off and on or before
# D's: the cut-off is D + this many days (0: reached on or before D).
LIST_CUTOFF_DAYS = Rule(
    "badge_list_cutoff_days",
    "Mốc tính danh sách đề nghị của một đợt: ngày trao tặng + số ngày",
    (Version(LONG_AGO, 0, "R11.3 (quy ước chưa xác nhận, cấu hình được)", confirmed=False),),
)

# [UNCONFIRMED]: the grassroots committee sends its proposal list this many
# days before the award date, so that the provincial standing committee can
# decide in time. Configurable.
PROPOSAL_LEAD_DAYS = Rule(
    "badge_proposal_lead_days",
    "Hạn cấp ủy cơ sở gửi danh sách đề nghị: trước ngày trao tặng (ngày)",
    (Version(LONG_AGO, 45, "Không có văn bản (chưa xác nhận, cấu hình được)", confirmed=False),),
)


# [UNCONFIRMED, no regulation: a reminder of this application]: the list of an
# award date also reminds of members whose milestone fell in the windows of
# this many earlier award dates (4: one year back) and who were never proposed.
# Farther back is left out so that badges given before the records were kept
# here do not flood the list. Configurable.
OVERDUE_ROUNDS = Rule(
    "badge_overdue_rounds",
    "Nhắc đảng viên đủ tuổi đảng từ (số) đợt trao tặng trước mà chưa được đề nghị",
    (Version(LONG_AGO, 4, "Quy ước của phần mềm (chưa xác nhận, cấu hình được)", confirmed=False),),
)


def overdue_window(award: dt.date) -> tuple[dt.date, dt.date]:
    """(exclusive start, inclusive end) of the milestone days of the earlier
    rounds the list of `award` reminds of: the OVERDUE_ROUNDS award dates
    before `award`, up to the start of its own window (R11.3)."""
    earliest = award
    for _ in range(int(OVERDUE_ROUNDS.on(award))):
        earliest = previous_award_date(earliest)
    return list_window(earliest)[0], list_window(award)[0]


def award_date_of(milestone_day: dt.date) -> dt.date:
    """The award date whose list window holds `milestone_day` (R11.3)."""
    day = next_award_date(
        milestone_day - dt.timedelta(days=int(LIST_CUTOFF_DAYS.on(milestone_day)))
    )
    while list_cutoff(day) < milestone_day:  # pragma: no cover - a cut-off changed meanwhile
        day = next_award_date(day + dt.timedelta(days=1))
    return day


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved `years` years later (29/02 falls on 28/02)."""
    return add_months(day, 12 * years)


def is_milestone(years: int, on: dt.date) -> bool:
    """R11.1: whether `years` is a badge milestone in force on `on`."""
    return years in MILESTONES.on(on)


def milestone_reached_on(counted_from: dt.date, years: int) -> dt.date:
    """R1.17 with R11.1: the day the party age counted from `counted_from`
    (first decision plus the gaps) reaches `years` whole years."""
    return add_years(counted_from, years)


def ill_early_months(years: int, on: dt.date) -> int:
    """R11.2: how many months early a seriously ill member may get the
    `years` badge (12 for 30-65, 24 for 70-90)."""
    for highest, months in ILL_EARLY_MONTHS.on(on):
        if years <= highest:
            return int(months)
    return 0


def award_dates_in(year: int, on: dt.date | None = None) -> list[dt.date]:
    """R11.3: the award dates of `year`, in order."""
    days = AWARD_DATES.on(on or dt.date(year, 1, 1))
    return sorted(dt.date(year, month, day) for day, month in days)


def next_award_date(day: dt.date) -> dt.date:
    """The first award date on or after `day` (R11.3)."""
    for year in (day.year, day.year + 1):
        for award in award_dates_in(year):
            if award >= day:
                return award
    raise ValueError("no award date in two years")  # pragma: no cover - the rule lists four


def previous_award_date(award: dt.date) -> dt.date:
    """The award date before `award` (R11.3)."""
    for year in (award.year, award.year - 1):
        for day in reversed(award_dates_in(year)):
            if day < award:
                return day
    raise ValueError("no award date in two years")  # pragma: no cover


def is_award_date(day: dt.date) -> bool:
    return day in award_dates_in(day.year)


def list_cutoff(award: dt.date) -> dt.date:
    """R11.3 [UNCONFIRMED, configurable]: the last day a milestone may fall on
    to be in the list of `award`."""
    return award + dt.timedelta(days=int(LIST_CUTOFF_DAYS.on(award)))


def list_window(award: dt.date) -> tuple[dt.date, dt.date]:
    """(exclusive start, inclusive end) of the milestone days in the list of
    `award`: after the previous award date's cut-off, up to this one's."""
    return list_cutoff(previous_award_date(award)), list_cutoff(award)


def proposal_due(award: dt.date) -> dt.date:
    """[UNCONFIRMED, configurable]: the day the grassroots proposal list is due."""
    return award - dt.timedelta(days=int(PROPOSAL_LEAD_DAYS.on(award)))


class Ground:
    """Why a badge is proposed: on time, early for serious illness, posthumous."""

    REGULAR = "regular"
    ILL = "ill"
    POSTHUMOUS = "posthumous"
    CHOICES = (
        (REGULAR, "Đủ tuổi đảng"),
        (ILL, "Xét tặng sớm: đảng viên bị bệnh nặng"),
        (POSTHUMOUS, "Truy tặng: đảng viên đã từ trần"),
    )


def latest_allowed_milestone_day(ground: str, years: int, award: dt.date, died_on=None) -> dt.date:
    """The latest day the milestone may fall on for a badge on `award` by
    `ground` (R11.2-R11.3): the list cut-off; for a seriously ill member that
    plus 12 or 24 months; posthumously the day before death plus 12 months."""
    if ground == Ground.ILL:
        return add_months(list_cutoff(award), ill_early_months(years, award))
    if ground == Ground.POSTHUMOUS:
        if died_on is None:
            raise ValueError("a posthumous award needs the day of death")
        before = died_on - dt.timedelta(days=1)
        return add_months(before, int(POSTHUMOUS_EARLY_MONTHS.on(before)))
    return list_cutoff(award)


def party_age_day(ground: str, award: dt.date, died_on: dt.date | None = None) -> dt.date:
    """R11.2: the day the party age is read on: the day before death for a
    posthumous award, else the award date."""
    if ground == Ground.POSTHUMOUS and died_on is not None:
        return died_on - dt.timedelta(days=1)
    return award
