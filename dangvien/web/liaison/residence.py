"""Residence liaison pages (/noi-cu-tru/, QĐ 213-QĐ/TW): the three lists, the
introduction, the file with a form for each step the workflow table
(`liaison.workflows.RESIDENCE`) opens to the caller (the workplace or the
residence side), and the residential cell's roster, groups and meetings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dangvien.compliance.workflow import actor_may_act_at
from dangvien.core.errors import NotFound
from dangvien.liaison import rules, selectors, services
from dangvien.liaison.models import ResidenceGroup, ResidenceLiaison
from dangvien.liaison.workflows import RESIDENCE
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS, Organization
from dangvien.web.common import request_scope

from . import forms as f
from .steps import (
    Builders,
    StepCall,
    document_url,
    make,
    member_for_create,
    offered,
    org_from_query,
    roots,
    run_posted,
    step_page,
)


def _meeting_months() -> int:
    return rules.RESIDENCE_MEETING_MONTHS.on(dt.date.today())


def _year_choices(today: dt.date) -> list[int]:
    """Years a comment list can be asked for: from QĐ 213 to the current year."""
    return list(range(today.year, rules.QD_213.year - 1, -1))


@login_required
def residence_list(request: HttpRequest) -> HttpResponse:
    """The three lists of an organisation's subtree, from either side; the year
    of the comment list is chosen (?nam=, default: the year being graded), and
    the list of all files is paged (?sau=, with the total)."""
    org = org_from_query(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "residence_list"}
        )
    today = dt.date.today()
    years = _year_choices(today)
    year = rules.year_being_graded(today)
    asked = request.GET.get("nam", "").strip()
    if asked:
        if asked.isdigit() and int(asked) in years:
            year = int(asked)
        else:
            messages.error(
                request,
                f"Năm «{asked[:10]}» không hợp lệ: chọn một năm từ {years[-1]} đến {years[0]}; "
                f"đang hiển thị năm {year}.",
            )
    lists = selectors.residence_lists(org, today, year=year, cursor=request.GET.get("sau"))
    params = request.GET.copy()
    params.pop("sau", None)
    params["nam"] = str(year)
    first_url = f"{reverse('residence_list')}?{params.urlencode()}"
    next_url = None
    if lists.next_cursor:
        params["sau"] = lists.next_cursor
        next_url = f"{reverse('residence_list')}?{params.urlencode()}"
    return render(
        request,
        "liaison/residence_list.html",
        {
            "org": org,
            "lists": lists,
            "years": years,
            "graded_year": rules.year_being_graded(today),
            "open_to": lists.open_from + len(lists.open) - 1 if lists.open else 0,
            "next_url": next_url,
            "first_url": first_url if request.GET.get("sau") else None,
            "can_act": actor_may_act_at(request.user, org),
            "meeting_months": _meeting_months(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def residence_create(request: HttpRequest) -> HttpResponse:
    """Introduce a working member to the residence, or record «not introduced»."""
    member = member_for_create(request)
    actor = request.user
    steps: dict[str, StepCall] = {
        "introduce": (
            make(f.ResidenceIntroduceForm),
            lambda d: services.residence_introduce(
                actor=actor,
                member=member,
                introduced_on=d["introduced_on"],
                letter_number=d["letter_number"],
                category=d["category"] or "",
                note=d["note"],
            ),
        ),
        "not_introduced": (
            make(f.ResidenceNotIntroducedForm),
            lambda d: services.residence_mark_not_introduced(
                actor=actor, member=member, decided_on=d["decided_on"], note=d["note"]
            ),
        ),
    }
    forms_by_step, created = run_posted(request, steps)
    if isinstance(created, ResidenceLiaison):
        messages.success(request, "Đã ghi.")
        return redirect("residence_detail", pk=created.pk)
    return render(
        request,
        "liaison/residence_create.html",
        {"forms": forms_by_step, "member": member, "committee": _committee_preview(member)},
    )


def _committee_preview(member: Member) -> str:
    committee = services.residence_committee_for(member.current_commune)
    if committee:
        return committee.name
    if member.current_commune_id:
        return f"{member.current_commune.name} (ngoài hệ thống: ghi nhận là nơi khác)"
    return "Chưa có nơi ở hiện nay trong hồ sơ"


@login_required
@require_http_methods(["GET", "POST"])
def residence_detail(request: HttpRequest, pk) -> HttpResponse:
    """The file, with a form for each step the table opens to the caller."""
    scope = request_scope(request)
    liaison = selectors.residence_get_for(scope, pk)
    steps = offered(RESIDENCE, liaison, request, _builders(request, liaison))
    forms_by_step, done = step_page(request, steps, "Đã ghi vào hồ sơ giữ mối liên hệ.")
    if done:
        return done
    context = {
        "liaison": liaison,
        "member": liaison.member,
        "forms": forms_by_step,
        "can_act": bool(forms_by_step),
        "comments": liaison.comments.all(),
        "attendance": liaison.attendance.select_related("meeting").order_by("-meeting__date"),
        # Either side opens the file; each link leads only where the caller reaches
        # (the residence side does not see the member's record or the workplace).
        "document_url": document_url(liaison.letter_document_id, scope),
        "cell_url": reverse("residence_cell", args=[liaison.residential_cell_id])
        if liaison.residential_cell_id and scope.reaches_path(liaison.residential_cell.path)
        else None,
        "list_url": reverse("residence_list") + f"?org={liaison.workplace_id}"
        if scope.reaches_path(liaison.workplace.path)
        else reverse("residence_list"),
        "member_hidden": not member_selectors.members_visible_to(scope)
        .filter(pk=liaison.member_id)
        .exists(),
    }
    return render(request, "liaison/residence_detail.html", context)


def _builders(request: HttpRequest, liaison: ResidenceLiaison) -> Builders:
    """The form and service of each step code of the table."""
    actor = request.user

    def assign():
        committee = liaison.residence_committee
        cells = (
            Organization.objects.filter(
                path__startswith=committee.path,
                level__in=MEMBER_HOLDING_LEVELS,
                valid_to__isnull=True,
            )
            if committee
            else Organization.objects.none()
        )
        groups = ResidenceGroup.objects.filter(cell__in=cells)
        return (
            make(f.ResidenceAssignForm, cells=cells, groups=groups, outside=liaison.is_outside),
            lambda d: services.residence_assign(
                actor=actor,
                liaison=liaison,
                assigned_on=d["assigned_on"],
                cell=d.get("cell"),
                group=d.get("group"),
                outside_cell=d.get("outside_cell", ""),
            ),
        )

    def comment():
        return make(f.ResidenceCommentForm), lambda d: services.residence_comment_add(
            actor=actor,
            liaison=liaison,
            year=d["year"],
            commented_on=d["commented_on"],
            text=d["text"],
            purpose=d["purpose"],
            commenter=d["commenter"],
        )

    return {
        "receive": lambda: (
            make(f.ResidenceReceiveForm),
            lambda d: services.residence_receive(
                actor=actor, liaison=liaison, received_on=d["received_on"]
            ),
        ),
        "assign": assign,
        "group": lambda: (
            make(
                f.ResidenceGroupForm,
                groups=ResidenceGroup.objects.filter(cell=liaison.residential_cell),
                initial={"group": liaison.group_id},
            ),
            lambda d: services.residence_set_group(actor=actor, liaison=liaison, group=d["group"]),
        ),
        "comment": comment,
        "comment_when_needed": comment,
        "end": lambda: (
            make(f.ResidenceEndForm),
            lambda d: services.residence_end(
                actor=actor, liaison=liaison, ended_on=d["ended_on"], end_reason=d["end_reason"]
            ),
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def residence_cell(request: HttpRequest, pk) -> HttpResponse:
    """A residential cell's working members: groups and leaders, meetings with
    attendance, households where only some members come."""
    cell = org_selectors.organization_get_for(request_scope(request), pk)
    if not cell.holds_members:
        raise NotFound
    can_act = actor_may_act_at(request.user, cell)
    roster = selectors.residence_cell_roster(cell)
    actor = request.user
    steps: dict[str, StepCall] = {}
    if can_act:
        groups = ResidenceGroup.objects.filter(cell=cell)
        member_ids = [liaison.member_id for liaison in roster.liaisons if liaison.group_id]
        steps = {
            "group_create": (
                make(f.GroupCreateForm),
                lambda d: services.residence_group_create(actor=actor, cell=cell, name=d["name"]),
            ),
            "leader": (
                make(
                    f.GroupLeaderForm,
                    groups=groups,
                    members=Member.objects.filter(pk__in=member_ids),
                ),
                lambda d: services.residence_group_set_leader(
                    actor=actor, group=d["group"], leader=d["leader"]
                ),
            ),
        }
        if roster.liaisons:
            steps["meeting"] = (
                make(f.MeetingForm, liaisons=roster.liaisons),
                lambda d: services.residence_meeting_record(
                    actor=actor,
                    cell=cell,
                    date=d["date"],
                    content=d["content"],
                    present=[int(x) for x in d["present"]],
                ),
            )
    forms_by_step, done = step_page(request, steps, "Đã ghi.")
    if done:
        return done
    return render(
        request,
        "liaison/residence_cell.html",
        {
            "cell": cell,
            "roster": roster,
            "forms": forms_by_step,
            "can_act": can_act,
            "meeting_months": _meeting_months(),
        },
    )
