"""Pages of transfers and removals (Vietnamese). Each view parses input, calls
one movements service or selector, and renders; outside the scope: 404.

The forms a page offers are the steps the workflow table opens to the caller
(`TRANSFER.open_steps(obj, user)`, `REMOVAL.open_steps(...)`); the services
check the same table again before writing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.admissions.rules import CELL_VOTE_SHARE
from dangvien.compliance.workflow import may_act_at
from dangvien.core.errors import DomainError, NotFound
from dangvien.documents.selectors import documents_of
from dangvien.members import selectors as member_selectors
from dangvien.movements import rules, selectors, services
from dangvien.movements.models import RemovalKind, RemovalStatus
from dangvien.movements.workflow import REMOVAL, TRANSFER
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS
from dangvien.web.common import apply_errors, request_scope

from .forms import (
    IncomingForm,
    RemovalDecideForm,
    RemovalProposeForm,
    RemovalRecordForm,
    TransferCancelForm,
    TransferOpenForm,
    TransferReceiveForm,
    TransferReissueForm,
    TransferReturnForm,
    TransferSendForm,
)


def _org_or_root(request: HttpRequest):
    """The organisation of ?org=, or the caller's single top organisation."""
    scope = request_scope(request)
    if request.GET.get("org"):
        return org_selectors.organization_get_for(scope, request.GET.get("org"))
    roots = org_selectors.organization_roots_for(scope)
    if not roots:
        raise NotFound()
    return roots[0]


def _writable_member(request: HttpRequest, pk):
    """A member whose cell the caller writes at (or above): they open its
    transfers and removals; others get 404 (the page is not theirs)."""
    scope = request_scope(request)
    member = member_selectors.member_get_for(scope, pk)
    if not may_act_at(scope, member.organization):
        raise NotFound()
    return member


def _rule_values(day: dt.date) -> dict:
    """The numbers the transfer and removal hints show, in force on `day`."""
    share = CELL_VOTE_SHARE.on(day)
    return {
        "start_working_days": rules.TRANSFER_START_WORKING_DAYS.on(day),
        "present_working_days": rules.TRANSFER_PRESENT_WORKING_DAYS.on(day),
        "temporary_min_months": rules.TEMPORARY_MIN_MONTHS.on(day),
        "temporary_max_months_work": rules.TEMPORARY_MAX_MONTHS_WORK.on(day),
        "temporary_max_months_study": rules.TEMPORARY_MAX_MONTHS_STUDY.on(day),
        "vote_share": f"{share[0]}/{share[1]}",
        "missed_months": rules.NAME_DELETION_MONTHS_IN_YEAR.on(day),
        "education_months": rules.NAME_DELETION_EDUCATION_MONTHS.on(day),
        "breach_years": rules.NAME_DELETION_BREACH_YEARS.on(day),
    }


# --- Transfers --------------------------------------------------------------


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_or_root(request)
    today = dt.date.today()
    context = {
        "org": org,
        "today": today,
        "transfers": selectors.transfers_of(scope, org)[:200],
        "not_received": selectors.transfers_sent_not_received(scope, org, today),
        "retirees": selectors.retirees_not_moved(scope, org, today),
        "can_register": org.holds_members and org.is_active and may_act_at(scope, org),
        "rules": _rule_values(today),
    }
    return render(request, "movements/transfer_list.html", context)


def _cells_for(scope):
    return org_selectors.organizations_visible_to(scope).filter(
        level__in=MEMBER_HOLDING_LEVELS, valid_to__isnull=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest) -> HttpResponse:
    member = _writable_member(request, request.GET.get("member"))
    cells = _cells_for(request_scope(request)).order_by("path")
    form = TransferOpenForm(request.POST or None, organizations=cells)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.transfer_open(
                actor=request.user,
                member=member,
                kind=data["kind"],
                reason=data["reason"],
                trigger_date=data["trigger_date"],
                to_organization=data["to_organization"],
                to_outside=data["to_outside"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                note=data["note"],
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã mở hồ sơ chuyển sinh hoạt đảng.")
            return redirect("transfer_detail", pk=transfer.pk)
    return render(
        request,
        "movements/transfer_form.html",
        {"form": form, "member": member, "rules": _rule_values(dt.date.today())},
    )


# The page's URL slug and form of each step of the transfer table.
STEP_SLUGS = {
    "send": "gioi-thieu",
    "receive": "tiep-nhan",
    "return": "tro-ve",
    "reissue": "cap-lai",
    "cancel": "huy",
}
STEP_CODES = {slug: code for code, slug in STEP_SLUGS.items()}
STEP_FORMS = {
    "gioi-thieu": TransferSendForm,
    "tiep-nhan": TransferReceiveForm,
    "tro-ve": TransferReturnForm,
    "cap-lai": TransferReissueForm,
    "huy": TransferCancelForm,
}


def _transfer_steps(request: HttpRequest, transfer) -> list[tuple[str, str]]:
    """(slug, label) of the steps the table opens to the caller now."""
    return [
        (STEP_SLUGS[s.code], s.label)
        for s in TRANSFER.open_steps(transfer, request.user)
        if s.code in STEP_SLUGS
    ]


@login_required
@require_GET
def transfer_detail(request: HttpRequest, pk) -> HttpResponse:
    scope = request_scope(request)
    transfer = selectors.transfer_get_for(scope, pk)
    return _render_transfer(request, scope, transfer)


def _render_transfer(request: HttpRequest, scope, transfer, bound=None) -> HttpResponse:
    """The transfer page with one form per step the caller may take now; `bound`
    is (step, form) when a submitted form comes back with its errors."""
    forms = [
        (step, label, bound[1] if bound and bound[0] == step else STEP_FORMS[step]())
        for step, label in _transfer_steps(request, transfer)
    ]
    context = {
        "transfer": transfer,
        "forms": forms,
        "issuer": services.transfer_issuer(transfer)[0] if transfer.from_organization else None,
        "history": transfer.history.select_related("history_user").order_by("history_date"),
        "documents": list(documents_of(transfer)),
        "today": dt.date.today(),
    }
    return render(request, "movements/transfer_detail.html", context)


@login_required
@require_POST
def transfer_step(request: HttpRequest, pk, step: str) -> HttpResponse:
    scope = request_scope(request)
    transfer = selectors.transfer_get_for(scope, pk)
    if step not in STEP_FORMS or step not in dict(_transfer_steps(request, transfer)):
        raise Http404
    form = STEP_FORMS[step](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "gioi-thieu":
                services.transfer_send(actor=request.user, transfer=transfer, **data)
            elif step == "tiep-nhan":
                services.transfer_receive(actor=request.user, transfer=transfer, **data)
            elif step == "tro-ve":
                services.transfer_return(actor=request.user, transfer=transfer, **data)
            elif step == "cap-lai":
                services.transfer_reissue(actor=request.user, transfer=transfer, **data)
            else:
                services.transfer_cancel(
                    actor=request.user, transfer=transfer, reason=data["cancelled_reason"]
                )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã ghi.")
            return redirect("transfer_detail", pk=transfer.pk)
    return _render_transfer(request, scope, transfer, bound=(step, form))


@login_required
@require_http_methods(["GET", "POST"])
def transfer_incoming(request: HttpRequest) -> HttpResponse:
    """Register a member arriving from outside this installation, from their letter."""
    scope = request_scope(request)
    org = org_selectors.organization_get_for(scope, request.GET.get("org"))
    if not (org.holds_members and org.is_active and may_act_at(scope, org)):
        raise Http404
    form = IncomingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.transfer_register_incoming(
                actor=request.user,
                organization=org,
                data=form.record_data(),
                from_outside=data["from_outside"],
                letter_number=data["letter_number"],
                sent_on=data["sent_on"],
                received_on=data["received_on"],
                dossier_checked=data["dossier_checked"],
                dues_paid_through=data["dues_paid_through"],
                late_reason=data["late_reason"],
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã tiếp nhận đảng viên {transfer.member.full_name}.")
            return redirect("member_detail", pk=transfer.member_id)
    return render(request, "movements/incoming_form.html", {"form": form, "org": org})


# --- Removal ----------------------------------------------------------------


@login_required
@require_GET
def removal_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_or_root(request)
    return render(
        request,
        "movements/removal_list.html",
        {"org": org, "removals": selectors.removals_of(scope, org)[:300]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def removal_create(request: HttpRequest) -> HttpResponse:
    member = _writable_member(request, request.GET.get("member"))
    record = request.GET.get("loai") == "ghi"
    form: RemovalRecordForm | RemovalProposeForm
    if record:
        form = RemovalRecordForm(request.POST or None)
    else:
        # Who was present, ticked from the cell's official members (R1.8a).
        vote = selectors.cell_vote_base(member.organization, dt.date.today(), subject=member)
        form = RemovalProposeForm(request.POST or None, vote=vote)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if record:
                removal = services.removal_record(actor=request.user, member=member, **data)
            else:
                removal = services.removal_propose(actor=request.user, member=member, **data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            if removal.status == RemovalStatus.FAILED_VOTE:
                # Only a proposal is voted on, and it is made at a meeting.
                assert removal.meeting_on is not None
                share = (
                    _rule_values(removal.meeting_on)["vote_share"]
                    if removal.kind == "name_deletion"
                    else "quá một nửa"
                )
                messages.warning(
                    request,
                    f"Biểu quyết chưa đạt ({removal.votes_for}/{removal.base} đảng viên "
                    f"chính thức được tính biểu quyết; cần {share}): chi bộ chưa đề nghị.",
                )
            else:
                messages.success(request, "Đã ghi.")
            return redirect("removal_detail", pk=removal.pk)
    return render(
        request,
        "movements/removal_form.html",
        {
            "form": form,
            "member": member,
            "record": record,
            "rules": _rule_values(dt.date.today()),
        },
    )


def _can_decide(request: HttpRequest, removal) -> bool:
    """Whether the table opens the decision to the caller (a role held above
    the cell, never the cell's own)."""
    return any(s.code == "decide" for s in REMOVAL.open_steps(removal, request.user))


@login_required
@require_http_methods(["GET", "POST"])
def removal_detail(request: HttpRequest, pk) -> HttpResponse:
    scope = request_scope(request)
    removal = selectors.removal_get_for(scope, pk)
    can_decide = _can_decide(request, removal)
    form = RemovalDecideForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if form is None:  # the caller may not decide
            raise Http404
        if form.is_valid():
            try:
                services.removal_decide(actor=request.user, removal=removal, **form.cleaned_data)
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Đã ghi quyết định.")
                return redirect("removal_detail", pk=removal.pk)
    context = {
        "removal": removal,
        "form": form,
        "kinds": RemovalKind,
        "documents": list(documents_of(removal)),
        "history": removal.history.select_related("history_user").order_by("history_date"),
    }
    return render(request, "movements/removal_detail.html", context)
