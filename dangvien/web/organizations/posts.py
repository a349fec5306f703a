"""The posts of an organisation's committee (bí thư, phó bí thư, cấp ủy viên...):
who holds them on a day, their history, and the form to record them.

Anyone whose scope reaches the organisation reads the page (404 outside). A
post is recorded by a writing role held above a cell (the committee's office
or the board records a cell's secretary), or at a committee or above it (the
office records its own committee); every change keeps who, when, before and
after (django-simple-history) and nothing is deleted.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dangvien.accounts.scope import Scope
from dangvien.core.errors import DomainError
from dangvien.members.models import ACTIVE_STATUSES, Member
from dangvien.organizations import posts as post_services
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import CommitteePost, CommitteePostKind, Organization
from dangvien.web.common import apply_errors, request_scope

DATE_FORMATS = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_HELP = "Ghi theo dạng ngày/tháng/năm, ví dụ 01/10/2025."


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        error_messages={"invalid": f"Ngày không hợp lệ. {DATE_HELP}"},
    )


class AssignForm(forms.Form):
    kind = forms.ChoiceField(label="Chức vụ", choices=CommitteePostKind.choices)
    member = forms.TypedChoiceField(
        label="Đảng viên của tổ chức", required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(
        label="Hoặc: họ và tên (người có hồ sơ ở nơi khác)", required=False, max_length=120
    )
    rank = forms.IntegerField(label="Thứ tự (phó bí thư, ủy viên)", min_value=1, initial=1)
    starts_on = _date("Từ ngày")
    decision_number = forms.CharField(
        label="Số quyết định chuẩn y, chỉ định", required=False, max_length=64
    )
    note = forms.CharField(label="Ghi chú", required=False, max_length=255)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "— chọn —")] + [(m.pk, m.full_name) for m in members]


class EndForm(forms.Form):
    post = forms.IntegerField(widget=forms.HiddenInput)
    ends_on = _date("Thôi giữ chức vụ sau ngày")


class VoidForm(forms.Form):
    post = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Lý do hủy bản ghi", max_length=255)


def may_record_posts(scope: Scope, org: Organization) -> bool:
    """A writing role above a cell, or at a committee or above it."""
    if scope.everything:
        return True
    if org.holds_members:
        return org.parent is not None and scope.writes_path(org.parent.path)
    return scope.writes_path(org.path)


def _members(org: Organization) -> list[Member]:
    """The active members a cell's post may be given to (a committee's are typed)."""
    if not org.holds_members:
        return []
    return list(
        Member.objects.filter(organization=org, status__in=ACTIVE_STATUSES).order_by(
            "sort_key", "id"
        )[:500]
    )


def _post_of(org: Organization, pk) -> CommitteePost:
    post = CommitteePost.objects.filter(organization=org, pk=pk).first()
    if post is None:
        raise Http404
    return post


@login_required
@require_http_methods(["GET", "POST"])
def organization_posts(request: HttpRequest, pk) -> HttpResponse:
    scope = request_scope(request)
    org = org_selectors.organization_get_for(scope, pk)
    may_record = may_record_posts(scope, org)
    members = _members(org) if may_record else []
    assign = AssignForm(members=members, prefix="giao")
    end = EndForm(prefix="thoi")
    void = VoidForm(prefix="huy")
    if request.method == "POST":
        if not may_record:
            raise Http404
        action = request.POST.get("action", "")
        try:
            if action == "assign":
                assign = AssignForm(request.POST, members=members, prefix="giao")
                if assign.is_valid():
                    data = assign.cleaned_data
                    member = next((m for m in members if m.pk == data["member"]), None)
                    if data["member"] is not None and member is None:
                        raise Http404
                    post = post_services.post_assign(
                        actor=request.user,
                        organization=org,
                        kind=data["kind"],
                        member=member,
                        name=data["name"],
                        rank=data["rank"],
                        starts_on=data["starts_on"],
                        decision_number=data["decision_number"],
                        note=data["note"],
                    )
                    messages.success(request, f"Đã ghi: {post}.")
                    return redirect("organization_posts", pk=org.pk)
            elif action == "end":
                end = EndForm(request.POST, prefix="thoi")
                if end.is_valid():
                    post = _post_of(org, end.cleaned_data["post"])
                    post_services.post_end(
                        actor=request.user, post=post, ends_on=end.cleaned_data["ends_on"]
                    )
                    messages.success(request, f"Đã ghi thôi giữ chức vụ: {post.name}.")
                    return redirect("organization_posts", pk=org.pk)
            elif action == "void":
                void = VoidForm(request.POST, prefix="huy")
                if void.is_valid():
                    post = _post_of(org, void.cleaned_data["post"])
                    post_services.post_void(
                        actor=request.user, post=post, reason=void.cleaned_data["reason"]
                    )
                    messages.success(request, f"Đã hủy bản ghi: {post.name}.")
                    return redirect("organization_posts", pk=org.pk)
            else:
                raise Http404
        except DomainError as exc:
            form = {"assign": assign, "end": end, "void": void}[action]
            apply_errors(form, exc)
    today = dt.date.today()
    signer = post_services.signer_for(org, today)
    context = {
        "org": org,
        "today": today,
        "current": list(post_services.posts_on(org, today)),
        "all_posts": list(post_services.posts_of(org).select_related("member")[:200]),
        "signer": signer,
        "may_record": may_record,
        "assign": assign,
        "end": end,
        "void": void,
        "changes": list(
            CommitteePost.history.filter(organization_id=org.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:30]
        ),
    }
    return render(request, "organizations/posts.html", context)
