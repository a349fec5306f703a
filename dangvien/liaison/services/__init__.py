"""Writes for exemptions, members working away and residence liaison, one module
each (`exemptions`, `working_away`, `residence`); every step is declared in
`liaison.workflows` and checked there. Re-exported here, so
`from dangvien.liaison import services; services.exemption_apply(...)` works."""

from .exemptions import (
    exemption_apply,
    exemption_apply_return,
    exemption_decide,
    exemption_refuse,
    exemption_report,
    exemption_return,
)
from .residence import (
    residence_assign,
    residence_comment_add,
    residence_committee_for,
    residence_end,
    residence_group_create,
    residence_group_set_leader,
    residence_introduce,
    residence_mark_not_introduced,
    residence_meeting_record,
    residence_receive,
    residence_set_group,
)
from .working_away import (
    working_away_contact_add,
    working_away_end,
    working_away_last_news,
    working_away_register_destination,
    working_away_report,
    working_away_review,
    working_away_year_review,
)

__all__ = [
    "exemption_apply",
    "exemption_apply_return",
    "exemption_decide",
    "exemption_refuse",
    "exemption_report",
    "exemption_return",
    "residence_assign",
    "residence_comment_add",
    "residence_committee_for",
    "residence_end",
    "residence_group_create",
    "residence_group_set_leader",
    "residence_introduce",
    "residence_mark_not_introduced",
    "residence_meeting_record",
    "residence_receive",
    "residence_set_group",
    "working_away_contact_add",
    "working_away_end",
    "working_away_last_news",
    "working_away_register_destination",
    "working_away_report",
    "working_away_review",
    "working_away_year_review",
]
