"""Admission of new members and recognition as official members, as services.

Split by workflow: `opening` (opening a file), `admission` (the admission table's
steps), `recognition` (the recognition table's steps), `common` (the cell's vote
and the papers both share). Everything is re-exported here: callers keep writing
`from dangvien.admissions import services; services.admission_open(...)`.
"""

from __future__ import annotations

from .. import rules
from ..workflow import (
    ADMISSION,
    RECOGNITION,
    admission_ceremony_deadline,
    admission_decision_deadline,
    admission_stale_from,
    recognition_decision_deadline,
)
from .admission import (
    admission_cell_vote,
    admission_ceremony,
    admission_close,
    admission_complete_dossier,
    admission_decide,
    admission_escalation_decide,
    admission_extend,
    admission_grassroots_resolve,
)
from .common import BASES
from .opening import (
    CANDIDATE_FIELDS,
    admission_open,
    readmission_errors,
    readmission_open,
)
from .recognition import (
    last_vote_round,
    probation_start_of,
    recognition_cell_vote,
    recognition_decide,
    recognition_escalation_decide,
    recognition_extend,
    recognition_grassroots_resolve,
    recognition_open,
    recognition_open_due,
)
from .targets import admission_target_set

__all__ = [
    "ADMISSION",
    "BASES",
    "CANDIDATE_FIELDS",
    "RECOGNITION",
    "admission_cell_vote",
    "admission_ceremony",
    "admission_ceremony_deadline",
    "admission_close",
    "admission_complete_dossier",
    "admission_decide",
    "admission_decision_deadline",
    "admission_target_set",
    "admission_escalation_decide",
    "admission_extend",
    "admission_grassroots_resolve",
    "admission_open",
    "admission_stale_from",
    "last_vote_round",
    "probation_start_of",
    "readmission_errors",
    "readmission_open",
    "recognition_cell_vote",
    "recognition_decide",
    "recognition_decision_deadline",
    "recognition_escalation_decide",
    "recognition_extend",
    "recognition_grassroots_resolve",
    "recognition_open",
    "recognition_open_due",
    "rules",
]
