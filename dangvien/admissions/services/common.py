"""What admission and recognition share: date checks, the step log, the cell's
vote (R1.8) and the papers it issues (the cell's resolution, the competent
committee's decision)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvien.core.actors import Actor, history_user, with_history_user
from dangvien.documents.models import DocumentKind
from dangvien.documents.services import document_issue
from dangvien.members import rules as member_rules
from dangvien.members.errors import MemberError
from dangvien.movements import selectors as movement_selectors
from dangvien.organizations.models import Organization

from .. import rules
from ..errors import AdmissionError
from ..models import AdmissionFile, CellVote, RecognitionFile, StepLog
from ..workflow import ADMISSION, RECOGNITION, competent_of, grassroots_of


def _today() -> dt.date:
    return dt.date.today()


def _not_future(day: dt.date | None, field: str) -> dt.date:
    """`day` itself; raises `date_required` when missing, `date_in_future` after today."""
    if day is None:
        raise AdmissionError.DATE_REQUIRED.error(field=field)
    if day > _today():
        raise AdmissionError.DATE_IN_FUTURE.error(field=field)
    return day


def _not_before(day: dt.date, earlier: dt.date | None, field: str, what: str) -> None:
    if earlier and day < earlier:
        raise AdmissionError.DATE_BEFORE.error(field=field, what=what, day=f"{earlier:%d/%m/%Y}")


def _text(value: Any, limit: int = 255) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


def _log(file, step: str, day: dt.date, actor: Actor, label: str = "") -> None:
    """One line of the file's step log (who, when, what)."""
    if not label:
        wf = ADMISSION if isinstance(file, AdmissionFile) else RECOGNITION
        label = wf.step(step).label
    StepLog.objects.create(
        admission=file if isinstance(file, AdmissionFile) else None,
        recognition=file if isinstance(file, RecognitionFile) else None,
        step=step,
        label=label[:255],
        date=day,
        actor=history_user(actor),
    )


BASES = [
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành "
    "Điều lệ Đảng;",
    "Căn cứ Hướng dẫn số 06-HD/TW ngày 09/6/2025 của Ban Bí thư về một số vấn đề cụ thể "
    "thi hành Điều lệ Đảng;",
]


def _issue_cell_resolution(*, actor, file, cell, vote, summary, preamble, resolution, signer_name):
    return document_issue(
        actor=actor,
        organization=cell,
        kind=DocumentKind.RESOLUTION,
        date=vote.meeting_date,
        summary=summary,
        context={
            "bases": BASES,
            "preamble": preamble,
            "resolutions": [resolution],
            "vote": {  # total: R1.8a base
                "total": vote.base,
                "agree": vote.votes_for,
                "present_official": vote.present_count,
            },
            "recipients": [f"{grassroots_of(cell).name} (để báo cáo);", "Lưu chi bộ."],
            "signer_capacity": "T/M CHI BỘ",
            "signer_title": "BÍ THƯ",
            "signer_name": signer_name,
        },
        concerns_path=cell.path,
        subject=file,
    )


def _issue_decision(*, actor, file, cell, date, summary, articles, signer_name):
    """The competent committee's decision (R1.10). Only reached through the
    `decision` step, which `require`s a writing role at that committee or above."""
    competent = competent_of(cell)
    return document_issue(
        actor=actor,
        organization=competent,
        kind=DocumentKind.DECISION,
        date=date,
        summary=summary,
        context={
            "authority": f"BAN THƯỜNG VỤ {competent.name.upper()}",
            "bases": [
                *BASES,
                "Xét đề nghị của chi bộ và đảng ủy cơ sở,",
            ],
            "articles": articles,
            "recipients": ["Như Điều 3;", f"{grassroots_of(cell).name};", "Lưu hồ sơ đảng viên."],
            "signer_capacity": "T/M BAN THƯỜNG VỤ",
            "signer_title": "BÍ THƯ",
            "signer_name": signer_name,
        },
        concerns_path=cell.path,
        subject=file,
    )


def _record_vote(
    *,
    file,
    cell: Organization,
    meeting_date: dt.date,
    votes_for,
    proposal="",
    actor: Actor,
    present=None,
    subject=None,
) -> CellVote:
    """Record one vote of the cell: passes with CELL_VOTE_SHARE of the base on the
    meeting date (R1.8), the base counted by `rules.vote_base` (R1.8a: official
    members less those exempted and absent, or temporarily attached elsewhere).
    `present`: the official members present (ids or members; None: all of
    them). The presence list is kept on the vote (`roll`)."""
    if votes_for is None or votes_for < 0:
        raise AdmissionError.VOTES_NEGATIVE.error(field="votes_for")
    vote_base = movement_selectors.cell_vote_base(
        cell, meeting_date, present=present, subject=subject
    )
    officials = len(vote_base.officials)
    if officials == 0:
        raise AdmissionError.NO_OFFICIALS.error(
            field="meeting_date", day=f"{meeting_date:%d/%m/%Y}"
        )
    if votes_for > officials:
        raise AdmissionError.VOTES_OVER_OFFICIALS.error(
            field="votes_for",
            votes=votes_for,
            day=f"{meeting_date:%d/%m/%Y}",
            officials=officials,
        )
    if problem := member_rules.vote_problem(vote_base, votes_for, present):
        error, params = problem
        field = "votes_for" if error is MemberError.VOTES_OVER_VOTERS else "present"
        raise error.error(field=field, **params)
    base = vote_base.base
    is_admission = isinstance(file, AdmissionFile)
    rounds = file.votes.count()
    vote = CellVote(
        admission=file if is_admission else None,
        recognition=None if is_admission else file,
        round=rounds + 1,
        meeting_date=meeting_date,
        proposal=proposal,
        official_members=officials,
        vote_base=base,
        present_count=len(vote_base.present),
        roll=vote_base.roll(),
        votes_for=votes_for,
        passed=rules.vote_passes(votes_for, base, meeting_date),
    )
    with_history_user(vote, actor)
    vote.save()
    result = "đạt" if vote.passed else "không đạt"
    _log(
        file,
        "cell_vote",
        meeting_date,
        actor,
        f"Chi bộ biểu quyết lần {vote.round}: {votes_for}/{base} đảng viên chính thức "
        f"được tính tán thành ({len(vote_base.present)}/{officials} có mặt; {result}; "
        f"cần {rules.votes_needed(base, meeting_date)})",
    )
    return vote


def _extension_check(file, date, days, reason) -> None:
    """R1.9: at most DECISION_MAX_EXTENSION_WORKING_DAYS working days, longer than before."""
    date = _not_future(date, "date")
    if message := rules.extension_error(days, date):
        raise AdmissionError.RULE.error(field="days", message=message)
    if days <= file.extension_days:
        raise AdmissionError.EXTENSION_NOT_LONGER.error(field="days")
    if not _text(reason):
        raise AdmissionError.EXTENSION_REASON_REQUIRED.error(field="reason")


def _rule_error(message: str, field: str):
    """A message of rules.py raised with the generic `rule` code."""
    return AdmissionError.RULE.error(field=field, message=message)
