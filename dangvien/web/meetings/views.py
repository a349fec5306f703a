"""Pages of cell meetings (/sinh-hoat/): the cell's calendar and year, the
committee's overview of its cells for a month, a meeting with the forms of the
steps the table (`meetings.workflow.MEETING`) opens to the caller, the roll
call on one screen, tasks, feedback upward, and the member's own meetings."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dangvien.compliance.workflow import actor_may_act_at
from dangvien.core.errors import DomainError, NotFound
from dangvien.meetings import rules, selectors, services
from dangvien.meetings.models import CELL_LEVELS, Meeting, MeetingStatus, Presence, Task
from dangvien.meetings.services import FLAG_LABELS, GuestEntry
from dangvien.meetings.workflow import FEEDBACK, MEETING
from dangvien.members.selectors import members_visible_to
from dangvien.organizations.models import CommitteePost, Level
from dangvien.organizations.posts import signer_for
from dangvien.web.common import apply_errors, request_scope
from dangvien.web.liaison.steps import document_url
from dangvien.web.steps import Builders, make, offered, org_from_query, roots, step_page

from . import forms as f


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return dt.date.today().year
    return year if 1930 <= year <= 2100 else dt.date.today().year


def _month(request: HttpRequest) -> dt.date:
    """?thang=mm/yyyy, default this month."""
    value = request.GET.get("thang", "")
    try:
        month, year = (int(part) for part in value.split("/"))
        if 1930 <= year <= 2100:
            return dt.date(year, month, 1)
    except (ValueError, TypeError):
        pass
    return dt.date.today().replace(day=1)


@login_required
@require_http_methods(["GET", "POST"])
def meetings_home(request: HttpRequest) -> HttpResponse:
    """The cell's page for a cell, the overview of its cells for a committee."""
    org = org_from_query(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "meetings"}
        )
    if org.level in CELL_LEVELS:
        return _cell_page(request, org)
    return _overview_page(request, org)


def _cell_page(request: HttpRequest, cell) -> HttpResponse:
    year = _year(request)
    schedule = selectors.schedule_in_force(cell, dt.date.today())
    may_set = cell.parent is not None and actor_may_act_at(request.user, cell.parent)
    may_act = actor_may_act_at(request.user, cell)
    schedule_form = f.ScheduleForm() if may_set else None
    create_form = f.MeetingCreateForm() if may_act else None
    if request.method == "POST":
        which = request.POST.get("form")
        if not ((which == "schedule" and may_set) or (which == "create" and may_act)):
            raise NotFound  # no such form here, or the caller may not use it
        try:
            if which == "schedule":
                schedule_form = f.ScheduleForm(request.POST)
                if schedule_form.is_valid():
                    d = schedule_form.cleaned_data
                    services.schedule_set(
                        actor=request.user,
                        cell=cell,
                        kind=d["kind"],
                        day=d["day"],
                        weekday=d["weekday"],
                        week=d["week"],
                        effective_from=d["effective_from"],
                        max_delay_days=d["max_delay_days"],
                        min_minutes=d["min_minutes"],
                        decision=d["decision"],
                    )
                    messages.success(request, "Đã ghi lịch sinh hoạt của chi bộ.")
                    return redirect(request.get_full_path())
            else:
                create_form = f.MeetingCreateForm(request.POST)
                if create_form.is_valid():
                    d = create_form.cleaned_data
                    meeting = services.meeting_create(
                        actor=request.user,
                        cell=cell,
                        kind=d["kind"],
                        planned_on=d["planned_on"],
                        topic=d["topic"],
                        delay_reason=d["delay_reason"],
                    )
                    messages.success(request, "Đã đăng ký buổi sinh hoạt.")
                    return redirect("meeting_detail", pk=meeting.pk)
        except DomainError as exc:
            apply_errors(schedule_form if which == "schedule" else create_form, exc)
    meetings = list(selectors.meetings_of_year(cell, year))
    # A meeting of a past month still without its result is overdue, not
    # upcoming: the upcoming one is the first of this month or later.
    this_month = dt.date.today().replace(day=1)
    undone = [m for m in meetings if m.status not in (MeetingStatus.HELD, MeetingStatus.NOT_HELD)]
    overdue = [m for m in undone if m.month < this_month]
    upcoming = next((m for m in undone if m.month >= this_month), None)
    attendance = selectors.attendance_by_member(cell, year)
    # Members who have since left the secretary's scope are listed by name only
    # (their record would answer 404).
    visible = set(
        members_visible_to(request_scope(request))
        .filter(pk__in=[r.member_id for r in attendance])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "meetings/cell.html",
        {
            "cell": cell,
            "year": year,
            "years": range(dt.date.today().year, dt.date.today().year - 4, -1),
            "schedule": schedule,
            "schedule_day": selectors.scheduled_day_of(schedule, dt.date.today())
            if schedule
            else None,
            "meetings": [
                (m, _flags(m), rules.attendance_percent(m.n_present, m.n_expected))
                for m in meetings
            ],
            "upcoming": upcoming,
            "overdue": overdue,
            "members": attendance,
            "visible": visible,
            "limit": rules.MISSED_MEETINGS_LIMIT.on(dt.date(year, 12, 31)),
            "schedule_form": schedule_form,
            "create_form": create_form,
        },
    )


def _flags(meeting) -> list[str]:
    return [FLAG_LABELS.get(flag, flag) for flag in (meeting.flags or "").split(",") if flag]


def _after(request: HttpRequest) -> int | None:
    try:
        return int(request.GET.get("sau", ""))
    except ValueError:
        return None


def _overview_post(request: HttpRequest, org, forms_: dict) -> HttpResponse | None:
    """The committee's two forms: a conference on its calendar (warned, never
    refused, when cells meet that day), a grassroots committee's own meeting."""
    which = request.POST.get("form")
    if which not in forms_ or forms_[which] is None:
        raise NotFound  # no such form here, or the caller may not use it
    form = forms_[which] = (
        f.ConferenceForm(request.POST)
        if which == "conference"
        else f.CommitteeMeetingForm(request.POST)
    )
    if not form.is_valid():
        return None
    d = form.cleaned_data
    try:
        if which == "conference":
            conference, clashes = services.conference_add(
                actor=request.user, organization=org, date=d["date"], title=d["name"]
            )
            if clashes:
                messages.warning(
                    request,
                    f"Ngày {conference.date:%d/%m/%Y} trùng ngày sinh hoạt của "
                    f"{len(clashes)} chi bộ: "
                    + "; ".join(f"{m.cell.name} ({m.get_kind_display().lower()})" for m in clashes)
                    + ". Hội nghị vẫn được ghi; cân nhắc đổi ngày hoặc báo các chi bộ.",
                )
            else:
                messages.success(request, "Đã ghi hội nghị vào lịch.")
            return redirect(f"{request.path}?org={org.pk}&thang={conference.date:%m/%Y}")
        meeting = services.meeting_create(
            actor=request.user,
            cell=org,
            kind=d["kind"],
            planned_on=d["planned_on"],
            topic=d["topic"],
        )
        messages.success(request, "Đã đăng ký hội nghị đảng bộ cơ sở.")
        return redirect("meeting_detail", pk=meeting.pk)
    except DomainError as exc:
        if exc.field == "title":
            form.add_error("name", exc.message)
        else:
            apply_errors(form, exc)
    return None


def _overview_page(request: HttpRequest, org) -> HttpResponse:
    month = _month(request)
    flagged_only = request.GET.get("chi_can_luu_y") == "1"
    may_act = actor_may_act_at(request.user, org)
    committee = org.level == Level.GRASSROOTS_COMMITTEE
    forms_ = {
        "conference": f.ConferenceForm() if may_act else None,
        "committee_meeting": f.CommitteeMeetingForm() if may_act and committee else None,
    }
    if request.method == "POST":
        done = _overview_post(request, org, forms_)
        if done is not None:
            return done
    page = selectors.month_overview(
        org,
        month,
        flagged_only=flagged_only,
        after=_after(request),
        limit=selectors.OVERVIEW_PAGE + 1,
    )
    rows, more = page[: selectors.OVERVIEW_PAGE], len(page) > selectors.OVERVIEW_PAGE
    least = rules.ATTENDANCE_MIN_PERCENT.on(month)
    summary = selectors.month_summary(org, month)
    return render(
        request,
        "meetings/overview.html",
        {
            "org": org,
            "month": month,
            "previous": (month - dt.timedelta(days=1)).replace(day=1),
            "next": (month + dt.timedelta(days=32)).replace(day=1),
            "rows": [(r, [FLAG_LABELS.get(x, x) for x in r.flags]) for r in rows],
            "flagged_only": flagged_only,
            "next_after": rows[-1].cell_id if more and rows else None,
            "paged": _after(request) is not None,
            "held": summary.held,
            "cells": summary.cells,
            "least": least,
            "candidates": selectors.name_deletion_candidates(org, month.year),
            "feedback": selectors.feedback_waiting(org)[:200],
            "visits": selectors.leader_visits(org, month.year),
            "visits_least": rules.LEADER_VISITS_PER_YEAR.on(month),
            "conferences": selectors.conferences_of(org, month),
            "conference_form": forms_["conference"],
            "grassroots_short": selectors.grassroots_meetings_short(org, month.year),
            "grassroots_least": rules.GRASSROOTS_MEETINGS_PER_YEAR.on(month),
            "committee": committee,
            "committee_meetings": selectors.committee_meetings(org, month.year)
            if committee
            else [],
            "committee_form": forms_["committee_meeting"],
        },
    )


def _builders(request: HttpRequest, meeting: Meeting) -> Builders:
    today = dt.date.today()
    user = request.user

    def register():
        form = make(
            f.RegisterForm,
            initial={"planned_on": meeting.scheduled_on, "registered_on": today},
        )
        return form, lambda d: services.meeting_register(actor=user, meeting=meeting, **d)

    def notify():
        form = make(f.NotifyForm, initial={"notified_on": today})
        return form, lambda d: services.meeting_notify(actor=user, meeting=meeting, **d)

    def not_held():
        return make(f.NotHeldForm), lambda d: services.meeting_not_held(
            actor=user, meeting=meeting, reason=d["reason"]
        )

    def review():
        form = make(f.ReviewForm, initial={"reviewed_on": today})
        return form, lambda d: services.meeting_review(actor=user, meeting=meeting, **d)

    return {"register": register, "notify": notify, "not_held": not_held, "review": review}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk) -> HttpResponse:
    """A meeting: what was prepared and recorded, and the forms of the steps
    the caller may take now."""
    scope = request_scope(request)
    meeting = selectors.meeting_get_for(scope, pk)
    steps = offered(MEETING, meeting, request, _builders(request, meeting))
    forms_by_step, done = step_page(request, steps, "Đã ghi vào buổi sinh hoạt.")
    if done is not None:
        return done
    may_act = actor_may_act_at(request.user, meeting.cell)
    held = meeting.status == MeetingStatus.HELD
    roll = (
        [
            r.member
            for r in selectors.cell_roll_on(meeting.cell, meeting.held_on)
            if not r.attends_elsewhere
        ]
        if held and meeting.held_on
        else []
    )
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "state": MEETING.state_label(meeting),
            "forms": forms_by_step,
            "may_hold": MEETING.may_take(meeting, "hold", request.user),
            "flags": _flags(meeting),
            "attendance": meeting.attendances.select_related("member").order_by("member__sort_key"),
            "guests": meeting.guests.all(),
            "tasks": meeting.tasks.select_related("assignee").order_by("due_on", "pk"),
            "feedback": meeting.feedback.order_by("sent_on", "pk"),
            "task_form": f.TaskForm(roll=roll) if held and may_act else None,
            "result_form": f.TaskResultForm(initial={"result_on": dt.date.today()})
            if held and may_act
            else None,
            "feedback_form": f.FeedbackForm(initial={"sent_on": dt.date.today()})
            if held and may_act and meeting.cell.parent
            else None,
            "rate": selectors.attendance_rate(Meeting.objects.filter(pk=meeting.pk))
            if held
            else None,
            "minutes_url": document_url(meeting.minutes_document_id, scope),
            "resolution_url": document_url(meeting.resolution_document_id, scope),
        },
    )


def _parse_guests(text: str) -> list[GuestEntry]:
    guests = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not parts or not parts[0]:
            continue
        leader = any(p.lower() in ("lãnh đạo", "lanh dao") for p in parts[1:])
        title = next((p for p in parts[1:] if p.lower() not in ("lãnh đạo", "lanh dao")), "")
        guests.append(GuestEntry(name=parts[0], title=title, leader=leader))
    return guests


def _secretary_on(cell, day: dt.date, people) -> int | None:
    """The member who holds the cell's secretary post on `day` (the usual chair),
    when on the roll."""
    post_id = signer_for(cell, day).post_id
    if post_id is None:
        return None
    member_id = CommitteePost.objects.filter(pk=post_id).values_list("member_id", flat=True).first()
    return member_id if any(m.pk == member_id for m in people) else None


@login_required
@require_http_methods(["GET", "POST"])
def meeting_hold(request: HttpRequest, pk) -> HttpResponse:
    """The roll call and the minutes on one screen (a cell of 40 on a phone):
    one row per member on the roll of the day, present by default."""
    meeting = selectors.meeting_get_for(request_scope(request), pk)
    if not MEETING.may_take(meeting, "hold", request.user):
        raise NotFound
    day = meeting.planned_on or meeting.scheduled_on or dt.date.today()
    if request.method == "POST":  # the roll of the day typed
        with contextlib.suppress(ValidationError):
            day = f.HoldForm.base_fields["held_on"].clean(request.POST.get("held_on")) or day
    roll = [r for r in selectors.cell_roll_on(meeting.cell, day) if not r.attends_elsewhere]
    people = [r.member for r in roll]
    form = f.HoldForm(
        request.POST or None,
        roll=people,
        initial={
            "held_on": day,
            "resolution": meeting.draft_resolution,
            "chair": _secretary_on(meeting.cell, day, people),
        },
    )
    marks = {}
    if request.method == "POST":
        for row in roll:
            presence = request.POST.get(f"presence_{row.member.pk}", "")
            if not presence:
                continue
            marks[row.member.pk] = (presence, request.POST.get(f"reason_{row.member.pk}", ""))
        if form.is_valid():
            d = form.cleaned_data
            by_pk = {m.pk: m for m in people}
            try:
                services.meeting_hold(
                    actor=request.user,
                    meeting=meeting,
                    held_on=d["held_on"],
                    duration_minutes=d["duration_minutes"],
                    attendance=marks,
                    delay_reason=d["delay_reason"],
                    place=d["place"],
                    content=d["content"],
                    opinions=d["opinions"],
                    conclusions=d["conclusions"],
                    votes_for=d["votes_for"],
                    votes_against=d["votes_against"],
                    resolution_number=d["resolution_number"],
                    resolution=d["resolution"],
                    chair=by_pk.get(d["chair"]),
                    recorder=by_pk.get(d["recorder"]),
                    guests=_parse_guests(d["guests"]),
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Đã ghi kết quả buổi sinh hoạt.")
                return redirect("meeting_detail", pk=meeting.pk)
    rows = []
    for row in roll:
        presence, reason = marks.get(row.member.pk, (Presence.PRESENT if row.expected else "", ""))
        rows.append((row, presence, reason))
    return render(
        request,
        "meetings/hold.html",
        {
            "meeting": meeting,
            "form": form,
            "rows": rows,
            "choices": Presence.choices,
            "least": _least_minutes(meeting, day),
        },
    )


def _least_minutes(meeting: Meeting, day: dt.date) -> int | None:
    """R9.4 for this meeting on `day`: 90 minutes, 120 when combined, or the
    length the committee set for a small cell in its schedule."""
    schedule = selectors.schedule_in_force(meeting.cell, day)
    return rules.min_minutes(meeting.kind, day, schedule.min_minutes if schedule else None)


@login_required
@require_POST
def meeting_task_add(request: HttpRequest, pk) -> HttpResponse:
    meeting = selectors.meeting_get_for(request_scope(request), pk)
    if not actor_may_act_at(request.user, meeting.cell):
        raise NotFound
    roll = [
        r.member
        for r in selectors.cell_roll_on(meeting.cell, meeting.held_on or dt.date.today())
        if not r.attends_elsewhere
    ]
    form = f.TaskForm(request.POST, roll=roll)
    if form.is_valid():
        members = {m.pk: m for m in roll}
        try:
            services.task_add(
                actor=request.user,
                meeting=meeting,
                assignee=members[form.cleaned_data["assignee"]],
                content=form.cleaned_data["content"],
                due_on=form.cleaned_data["due_on"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã giao nhiệm vụ.")
    else:
        messages.error(request, _first_error(form))
    return redirect("meeting_detail", pk=meeting.pk)


def _first_error(form) -> str:
    return "; ".join(
        f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}"
        for k, v in form.errors.items()
    )


@login_required
@require_POST
def meeting_task_result(request: HttpRequest, pk) -> HttpResponse:
    scope = request_scope(request)
    task = Task.objects.filter(pk=_int(pk)).select_related("meeting").first()
    if task is None:
        raise NotFound
    meeting = selectors.meeting_get_for(scope, task.meeting_id)
    if not actor_may_act_at(request.user, meeting.cell):
        raise NotFound
    form = f.TaskResultForm(request.POST)
    if form.is_valid():
        try:
            services.task_result(actor=request.user, task=task, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã ghi kết quả nhiệm vụ.")
    else:
        messages.error(request, _first_error(form))
    return redirect("meeting_detail", pk=meeting.pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound from None


@login_required
@require_POST
def meeting_feedback_send(request: HttpRequest, pk) -> HttpResponse:
    meeting = selectors.meeting_get_for(request_scope(request), pk)
    if not actor_may_act_at(request.user, meeting.cell):
        raise NotFound
    form = f.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            item = services.feedback_send(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã gửi phản ánh, góp ý lên cấp trên.")
            return redirect("feedback_detail", pk=item.pk)
    else:
        messages.error(request, _first_error(form))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, pk) -> HttpResponse:
    """A feedback item and its answer; the superior committee answers here."""
    item = selectors.feedback_get_for(request_scope(request), pk)
    user = request.user

    def answer():
        form = make(f.AnswerForm, initial={"answered_on": dt.date.today()})
        return form, lambda d: services.feedback_answer(actor=user, feedback=item, **d)

    steps = offered(FEEDBACK, item, request, {"answer": answer})
    forms_by_step, done = step_page(request, steps, "Đã gửi trả lời cho chi bộ.")
    if done is not None:
        return done
    return render(
        request,
        "meetings/feedback.html",
        {
            "item": item,
            "due": rules.feedback_due(item.sent_on),
            "forms": forms_by_step,
            "sees_meeting": _sees(request, item.meeting),
        },
    )


def _sees(request: HttpRequest, meeting: Meeting) -> bool:
    try:
        selectors.meeting_get_for(request_scope(request), meeting.pk)
    except NotFound:
        return False
    return True


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    """The member's own meetings: the next one with its agenda and documents
    (HD 42: posted at least a day before), attendance and tasks."""
    scope = request_scope(request)
    if not scope.member_id:
        raise NotFound
    from dangvien.members.models import Member

    member = Member.objects.select_related("organization").get(pk=scope.member_id)
    year = _year(request)
    rows = selectors.my_meetings(member, year)
    return render(
        request,
        "meetings/mine.html",
        {
            "member": member,
            "year": year,
            "rows": rows,
            "tasks": Task.objects.filter(assignee=member)
            .select_related("meeting")
            .order_by("-due_on")[:50],
            "rate": selectors.attendance_rate(
                Meeting.objects.filter(pk__in=[m.pk for m, _a in rows]), member
            ),
        },
    )
