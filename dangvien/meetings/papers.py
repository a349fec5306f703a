"""The papers of a held meeting (issue 10 part 4): the minutes ("biên bản",
signed by the chair and the recorder) and the resolution ("nghị quyết", signed
for the cell by its secretary), issued through `documents.document_issue`,
numbered per cell and per kind of paper.

The resolution holds the concrete tasks: a task given after the meeting was
recorded is part of the same resolution (adopted in that meeting, one number,
dated the meeting day), so it is written into the stored context of that paper
and the next download prints it; a paper printed before has to be printed
again. Called from `services` inside their transactions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dangvien.core.actors import Actor
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.render import context_encode
from dangvien.documents.services import document_issue
from dangvien.documents.signing import report_to

from .models import Attendance, Guest, Meeting, MeetingKind, Presence, Task
from .selectors import ATTACHED_ELSEWHERE, RollRow


def _percent(part: int, whole: int) -> str:
    value = round(part * 100 / whole, 1)
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def meeting_title(meeting: Meeting) -> str:
    """ "Sinh hoạt thường kỳ tháng 03/2026" (with the topic of a thematic one)."""
    label = f"{meeting.get_kind_display()} tháng {meeting.month:%m/%Y}"
    return f"{label}: {meeting.topic}" if meeting.topic else label


def _names(rows: Sequence[Attendance], with_reason: bool = False) -> str:
    parts = []
    for row in rows:
        name = row.member.full_name
        parts.append(f"{name} ({row.reason})" if with_reason and row.reason else name)
    return ", ".join(parts)


def attendance_lines(
    roll: Sequence[RollRow], rows: Sequence[Attendance], guests: Sequence[Guest]
) -> list[str]:
    """The counts of the roll call as the minutes print them: members on the
    roll, those expected (the others exempted or attending elsewhere), present
    with the rate, excused with names and reasons, unexcused with names,
    exempted members who came, guests."""
    exempted = sum(1 for r in roll if not r.expected and r.why_not != ATTACHED_ELSEWHERE)
    elsewhere = sum(1 for r in roll if r.why_not == ATTACHED_ELSEWHERE)
    expected = [r for r in rows if r.expected]
    n_expected = sum(1 for r in roll if r.expected)
    present = [r for r in expected if r.presence == Presence.PRESENT]
    excused = [r for r in expected if r.presence == Presence.EXCUSED]
    unexcused = [r for r in expected if r.presence == Presence.UNEXCUSED]
    came = [r for r in rows if not r.expected and r.presence == Presence.PRESENT]
    head = f"Tổng số đảng viên của chi bộ: {len(roll)} đồng chí; phải dự họp: {n_expected} đồng chí"
    apart = []
    if exempted:
        apart.append(f"được miễn sinh hoạt: {exempted} đồng chí")
    if elsewhere:
        apart.append(f"sinh hoạt tạm thời nơi khác: {elsewhere} đồng chí")
    lines = [head + (f" ({'; '.join(apart)})" if apart else "") + "."]
    rate = f" (đạt {_percent(len(present), n_expected)})" if n_expected else ""
    lines.append(f"Có mặt: {len(present)}/{n_expected} đồng chí phải dự họp{rate}.")
    lines.append(
        f"Vắng có lý do: {len(excused)} đồng chí"
        + (f": {_names(excused, with_reason=True)}." if excused else ".")
    )
    lines.append(
        f"Vắng không lý do: {len(unexcused)} đồng chí"
        + (f": {_names(unexcused)}." if unexcused else ".")
    )
    if came:
        lines.append(f"Đảng viên được miễn sinh hoạt có mặt: {len(came)} đồng chí: {_names(came)}.")
    if guests:
        listed = "; ".join(
            f"đồng chí {g.name}" + (f", {g.title}" if g.title else "") for g in guests
        )
        lines.append(f"Khách mời: {listed}.")
    return lines


def vote_line(meeting: Meeting, present: int, resolution_symbol: str = "") -> str:
    if meeting.votes_for is None and meeting.votes_against is None:
        return ""
    what = f"Nghị quyết số {resolution_symbol}" if resolution_symbol else "nghị quyết"
    parts = []
    if meeting.votes_for is not None:
        share = f" (đạt {_percent(meeting.votes_for, present)})" if present else ""
        parts.append(f"{meeting.votes_for}/{present} đồng chí có mặt tán thành{share}")
    if meeting.votes_against is not None:
        parts.append(f"{meeting.votes_against} đồng chí không tán thành")
    return f"Biểu quyết thông qua {what}: {', '.join(parts)}."


def _numbered(*sections: tuple[str, str]) -> list[dict]:
    kept = [(heading, text) for heading, text in sections if text and text.strip()]
    return [
        {"heading": f"{i}. {heading}", "paragraphs": [text]}
        for i, (heading, text) in enumerate(kept, start=1)
    ]


def minutes_context(
    meeting: Meeting,
    roll: Sequence[RollRow],
    rows: Sequence[Attendance],
    guests: Sequence[Guest],
    resolution_symbol: str = "",
) -> dict:
    present = sum(1 for r in rows if r.presence == Presence.PRESENT)
    chair = meeting.chair.full_name if meeting.chair else ""
    recorder = meeting.recorder.full_name if meeting.recorder else ""
    length = f", thời lượng {meeting.duration_minutes} phút" if meeting.duration_minutes else ""
    return {
        "facts": [
            {"label": "Thời gian", "value": f"ngày {meeting.held_on:%d/%m/%Y}{length}"},
            {"label": "Địa điểm", "value": meeting.place},
            {"label": "Chủ trì", "value": f"đồng chí {chair}" if chair else ""},
            {"label": "Thư ký", "value": f"đồng chí {recorder}" if recorder else ""},
        ],
        "attendance_lines": attendance_lines(roll, rows, guests),
        "sections": _numbered(
            ("Chương trình sinh hoạt", meeting.agenda),
            ("Nội dung", meeting.content),
            ("Ý kiến thảo luận", meeting.opinions),
            ("Kết luận", meeting.conclusions),
            ("Biểu quyết", vote_line(meeting, present, resolution_symbol)),
        ),
        "closing_text": (
            f"Buổi sinh hoạt kết thúc cùng ngày{length}. Biên bản đã được đọc lại cho "
            "đảng viên dự họp nghe và nhất trí."
        ),
        "chair_name": chair,
        "recorder_name": recorder,
        "recipients": [],
    }


_LEADING_NUMBER = re.compile(r"^\s*(?:\d+[.)]|[-+•])\s*")


def resolution_items(text: str) -> list[str]:
    """The lines of the adopted resolution, without the numbers the paper adds."""
    items = []
    for line in (text or "").splitlines():
        line = _LEADING_NUMBER.sub("", line).strip()
        if line:
            items.append(line)
    return items


def task_rows(tasks: Sequence[Task]) -> list[dict]:
    return [
        {"assignee": t.assignee.full_name, "content": t.content, "due": t.due_on} for t in tasks
    ]


def resolution_context(meeting: Meeting, present: int, tasks: Sequence[Task] = ()) -> dict:
    vote: dict = {"present": present}
    if meeting.votes_for is not None:
        vote["agree"] = meeting.votes_for
    if meeting.votes_against is not None:
        vote["disagree"] = meeting.votes_against
    what = meeting_title(meeting)
    return {
        "bases": [
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
            "Căn cứ Quy định thi hành Điều lệ Đảng và hướng dẫn của cấp ủy cấp trên về "
            "sinh hoạt chi bộ;",
        ],
        "preamble": [
            f"Ngày {meeting.held_on:%d/%m/%Y}, {meeting.cell.name} họp {what[0].lower()}"
            f"{what[1:]}, thảo luận và thống nhất.",
        ],
        "vote": vote,
        "resolutions": resolution_items(meeting.resolution),
        "tasks": task_rows(tasks),
        "signer_capacity": "T/M ĐẢNG ỦY"
        if meeting.kind == MeetingKind.GRASSROOTS
        else "T/M CHI BỘ",
        "recipients": [*report_to(meeting.cell), "Đảng viên trong chi bộ;", "Lưu chi bộ."],
    }


def issue_papers(
    actor: Actor,
    meeting: Meeting,
    roll: Sequence[RollRow],
    rows: Sequence[Attendance],
    guests: Sequence[Guest],
) -> None:
    """Issue the resolution (when the meeting adopted one and no number was typed
    for it: a paper made outside the product keeps its own number) and the
    minutes, and note them on the meeting (the caller saves it)."""
    held_on = meeting.held_on
    if held_on is None:
        raise ValueError(f"meeting {meeting.pk} has no day held")
    present = sum(1 for r in rows if r.presence == Presence.PRESENT)
    symbol = meeting.resolution_number
    if not meeting.resolution_number and meeting.resolution.strip():
        tasks = list(meeting.tasks.select_related("assignee").order_by("due_on", "pk"))
        resolution = document_issue(
            actor=actor,
            organization=meeting.cell,
            kind=DocumentKind.RESOLUTION,
            date=held_on,
            summary=meeting_title(meeting),
            context=resolution_context(meeting, present, tasks),
            concerns_path=meeting.cell.path,
            subject=meeting,
        )
        meeting.resolution_document_id = resolution.pk
        meeting.resolution_number = symbol = resolution.symbol
    minutes = document_issue(
        actor=actor,
        organization=meeting.cell,
        kind=DocumentKind.MINUTES,
        date=held_on,
        summary=meeting_title(meeting),
        context=minutes_context(meeting, roll, rows, guests, symbol),
        concerns_path=meeting.cell.path,
        subject=meeting,
    )
    meeting.minutes_document_id = minutes.pk


def resolution_tasks_sync(meeting: Meeting) -> None:
    """Write the meeting's tasks into its resolution paper (see the module note)."""
    if not meeting.resolution_document_id:
        return
    document = (
        IssuedDocument.objects.select_for_update().filter(pk=meeting.resolution_document_id).first()
    )
    if document is None:
        return
    tasks = meeting.tasks.select_related("assignee").order_by("due_on", "pk")
    context = dict(document.context or {})
    context["tasks"] = context_encode(task_rows(list(tasks)))
    document.context = context
    document.save(update_fields=["context"])
