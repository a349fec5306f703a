"""Pages of transfers and removals (Vietnamese). Each view parses input, calls
one movements service or selector, and renders; outside the scope: 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.core.errors import DomainError
from dangvien.documents.selectors import documents_of
from dangvien.members import selectors as member_selectors
from dangvien.movements import selectors, services
from dangvien.movements.models import (
    RemovalKind,
    RemovalStatus,
    TransferKind,
    TransferStatus,
)
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import MEMBER_HOLDING_LEVELS
from dangvien.web.views import _apply_errors, _scope

from .forms import (
    IncomingForm,
    RemovalDecideForm,
    RemovalProposeForm,
    RemovalRecordForm,
    TransferCancelForm,
    TransferOpenForm,
    TransferReceiveForm,
    TransferReturnForm,
    TransferSendForm,
)


def _org_or_root(request: HttpRequest):
    """The organisation of ?org=, or the caller's single top organisation."""
    scope = _scope(request)
    if request.GET.get("org"):
        return org_selectors.organization_get_for(scope, request.GET.get("org"))
    roots = org_selectors.organization_roots_for(scope)
    if not roots:
        raise Http404
    return roots[0]


def _writable_member(request: HttpRequest, pk):
    scope = _scope(request)
    member = member_selectors.member_get_for(scope, pk)
    if not scope.writes_path(member.org_path):
        raise Http404
    return member


# --- Transfers --------------------------------------------------------------


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    org = _org_or_root(request)
    today = dt.date.today()
    context = {
        "org": org,
        "today": today,
        "transfers": selectors.transfers_of(scope, org)[:200],
        "not_received": selectors.transfers_sent_not_received(scope, org, today),
        "retirees": selectors.retirees_not_moved(scope, org, today),
        "can_register": org.holds_members and org.is_active and scope.writes_path(org.path),
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
    cells = _cells_for(_scope(request)).order_by("path")
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
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã mở hồ sơ chuyển sinh hoạt đảng.")
            return redirect("transfer_detail", pk=transfer.pk)
    return render(request, "movements/transfer_form.html", {"form": form, "member": member})


STEP_FORMS = {
    "gioi-thieu": TransferSendForm,
    "tiep-nhan": TransferReceiveForm,
    "tro-ve": TransferReturnForm,
    "huy": TransferCancelForm,
}


def _transfer_steps(scope, transfer) -> list[str]:
    """The steps the caller may take now: the issuer sends, the receiving cell
    receives, the sending cell records the return or cancels."""
    steps = []
    from_writer = transfer.from_organization is not None and scope.writes_path(transfer.from_path)
    if transfer.status == TransferStatus.OPENED:
        issuer, _ = services.transfer_issuer(transfer)
        if scope.writes_path(issuer.path):
            steps.append("gioi-thieu")
        if from_writer:
            steps.append("huy")
    if (
        transfer.status == TransferStatus.SENT
        and transfer.to_organization is not None
        and scope.writes_path(transfer.to_path)
    ):
        steps.append("tiep-nhan")
    if (
        transfer.kind == TransferKind.TEMPORARY
        and transfer.status in (TransferStatus.SENT, TransferStatus.RECEIVED)
        and from_writer
    ):
        steps.append("tro-ve")
    return steps


@login_required
@require_GET
def transfer_detail(request: HttpRequest, pk) -> HttpResponse:
    scope = _scope(request)
    transfer = selectors.transfer_get_for(scope, pk)
    return _render_transfer(request, scope, transfer)


def _render_transfer(request: HttpRequest, scope, transfer, bound=None) -> HttpResponse:
    """The transfer page with one form per step the caller may take now; `bound`
    is (step, form) when a submitted form comes back with its errors."""
    forms = [
        (step, bound[1] if bound and bound[0] == step else STEP_FORMS[step]())
        for step in _transfer_steps(scope, transfer)
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
    scope = _scope(request)
    transfer = selectors.transfer_get_for(scope, pk)
    if step not in STEP_FORMS or step not in _transfer_steps(scope, transfer):
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
            else:
                services.transfer_cancel(
                    actor=request.user, transfer=transfer, reason=data["cancelled_reason"]
                )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã ghi.")
            return redirect("transfer_detail", pk=transfer.pk)
    return _render_transfer(request, scope, transfer, bound=(step, form))


@login_required
@require_http_methods(["GET", "POST"])
def transfer_incoming(request: HttpRequest) -> HttpResponse:
    """Register a member arriving from outside this installation, from their letter."""
    scope = _scope(request)
    org = org_selectors.organization_get_for(scope, request.GET.get("org"))
    if not (org.holds_members and org.is_active and scope.writes_path(org.path)):
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
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Đã tiếp nhận đảng viên {transfer.member.full_name}.")
            return redirect("member_detail", pk=transfer.member_id)
    return render(request, "movements/incoming_form.html", {"form": form, "org": org})


# --- Removal ----------------------------------------------------------------


@login_required
@require_GET
def removal_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
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
    form_class = RemovalRecordForm if record else RemovalProposeForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if record:
                removal = services.removal_record(actor=request.user, member=member, **data)
            else:
                removal = services.removal_propose(actor=request.user, member=member, **data)
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            if removal.status == RemovalStatus.FAILED_VOTE:
                messages.warning(
                    request,
                    f"Biểu quyết chưa đạt 2/3 ({removal.votes_for}/{removal.official_members} "
                    "đảng viên chính thức): chi bộ chưa đề nghị.",
                )
            else:
                messages.success(request, "Đã ghi.")
            return redirect("removal_detail", pk=removal.pk)
    return render(
        request,
        "movements/removal_form.html",
        {"form": form, "member": member, "record": record},
    )


def _can_decide(scope, removal) -> bool:
    """The competent committee is above the cell: a role held above it decides."""
    parent = removal.organization.parent
    return (
        removal.status == RemovalStatus.PROPOSED
        and parent is not None
        and scope.writes_path(parent.path)
    )


@login_required
@require_http_methods(["GET", "POST"])
def removal_detail(request: HttpRequest, pk) -> HttpResponse:
    scope = _scope(request)
    removal = selectors.removal_get_for(scope, pk)
    can_decide = _can_decide(scope, removal)
    form = RemovalDecideForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if not can_decide:
            raise Http404
        if form.is_valid():
            try:
                services.removal_decide(actor=request.user, removal=removal, **form.cleaned_data)
            except DomainError as exc:
                _apply_errors(form, exc)
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
