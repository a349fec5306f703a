"""Pages of party dues (/dang-phi/): the cell's month sheet (payments inline,
computing, closing with reasons, corrections), the committee's overview of its
cells, arrears with their notices, the reconciliation of shares by level, the
dues book as Excel; the member's dues profile and reliefs on their record, and
the member's own dues. Organisations and members come through the scope
helpers (404 outside); every write is one dues service; a form the caller is
not offered answers 404 on POST."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.compliance.workflow import actor_may_act_at
from dangvien.core.errors import DomainError, NotFound
from dangvien.dues import rules, selectors, services
from dangvien.dues.arrears import notice_settle
from dangvien.dues.errors import DuesError
from dangvien.dues.models import (
    OPEN_STATUSES,
    ArrearsNotice,
    DuesArrangement,
    DuesPayment,
    DuesProfile,
    LedgerStatus,
    NoticeStatus,
    PaymentKind,
)
from dangvien.dues.workflow import ARREARS
from dangvien.members import selectors as member_selectors
from dangvien.members.models import Member
from dangvien.organizations import selectors as org_selectors
from dangvien.organizations.models import Organization
from dangvien.web.common import apply_errors, request_scope
from dangvien.web.steps import StepForm, org_from_query, roots

from . import forms as f

OVERVIEW_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- what the pages share ------------------------------------------------------------


def _today() -> dt.date:
    return dt.date.today()


def _month_from(request: HttpRequest, key: str = "thang", default: dt.date | None = None):
    """(?thang=mm/yyyy as the month's first day, the message when it was unreadable);
    this month (or `default`) when absent or unreadable."""
    fallback = default or rules.month_start(_today())
    value = request.GET.get(key, "").strip()
    if not value:
        return fallback, ""
    month = f.parse_month(value)
    if month is None:
        return fallback, DuesError.MONTH_INVALID.text()
    return month, ""


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return _today().year
    return year if rules.QD_342.year <= year <= 2100 else _today().year


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound from None


def _form(form_class: type[StepForm], ids: str, *args: Any, **kwargs: Any) -> StepForm:
    form = form_class(*args, **kwargs)
    form.set_ids(ids)
    return form


def _posted(request: HttpRequest, offered: dict[str, bool]) -> str | None:
    """The form posted (None on GET); a POST of a form the caller is not
    offered here answers 404 and writes nothing."""
    if request.method != "POST":
        return None
    which = request.POST.get("form", "")
    if not offered.get(which):
        raise NotFound
    return which


def _dong(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def _choose(request: HttpRequest, url: str) -> HttpResponse:
    return render(request, "liaison/choose_org.html", {"roots": roots(request), "url": url})


def _staff_org(request: HttpRequest) -> Organization | None:
    """The organisation of a staff page (?org=, or the caller's single root)."""
    return org_from_query(request)


# --- /dang-phi/: the cell's month sheet or the committee's overview ------------------


@login_required
@require_http_methods(["GET", "POST"])
def dues_home(request: HttpRequest) -> HttpResponse:
    """The month sheet for a cell, the overview of its cells for a committee;
    a member without a role is sent to their own dues."""
    scope = request_scope(request)
    if not scope.everything and not scope.paths and scope.member_id and "org" not in request.GET:
        return redirect("my_dues")
    org = _staff_org(request)
    if org is None:
        return _choose(request, "dues")
    if org.holds_members:
        return _sheet_page(request, org)
    return _overview_page(request, org)


def _payments_by_member(cell: Organization, month: dt.date) -> dict[int, list[DuesPayment]]:
    found: dict[int, list[DuesPayment]] = defaultdict(list)
    for payment in DuesPayment.objects.filter(ledger__organization=cell, month=month).order_by(
        "id"
    ):
        found[payment.member_id].append(payment)
    return found


def _sheet_page(request: HttpRequest, cell: Organization) -> HttpResponse:
    month, month_error = _month_from(request)
    today = _today()
    may_act = actor_may_act_at(request.user, cell)
    rows = selectors.month_sheet(cell, month)
    close = selectors.close_of(cell, month)
    by_member = {r.member.pk: r for r in rows}
    by_ledger = {r.ledger.pk: r for r in rows if r.ledger is not None}
    unpaid = [
        r.member
        for r in rows
        if r.ledger is None or (r.ledger.status in OPEN_STATUSES and r.ledger.amount_due > 0)
    ]
    which = _posted(
        request,
        {
            "compute": may_act and close is None,
            "pay": may_act and close is None,
            "close": may_act and close is None,
            "correct": may_act,
        },
    )
    pay_forms: dict[int, StepForm] = {}
    correct_forms: dict[int, StepForm] = {}
    close_form = _form(f.CloseForm, "close", unpaid=unpaid)
    compute_form = _form(f.ComputeForm, "compute")
    if which == "compute":
        compute_form = _form(f.ComputeForm, "compute", request.POST)
        if compute_form.is_valid():
            try:
                done = services.month_compute(actor=request.user, organization=cell, month=month)
            except DomainError as exc:
                apply_errors(compute_form, exc)
            else:
                text = (
                    f"Đã lập sổ đảng phí tháng {month:%m/%Y}: {done.created} dòng mới, "
                    f"{done.updated} dòng cập nhật, {done.kept} dòng giữ nguyên."
                )
                if done.without_profile:
                    text += (
                        f" {done.without_profile} đảng viên chưa ghi đối tượng đóng đảng phí, "
                        "tạm tính như đảng viên không đóng BHXH."
                    )
                messages.success(request, text)
                return redirect(request.get_full_path())
    elif which == "pay":
        row = by_member.get(_int(request.POST.get("member")))
        if row is None:
            raise NotFound  # not on this cell's sheet this month
        form = pay_forms[row.member.pk] = _form(f.PaymentForm, f"pay{row.member.pk}", request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                payment = services.payment_record(
                    actor=request.user,
                    member=row.member,
                    month=month,
                    amount=d["amount"],
                    channel=d["channel"],
                    paid_on=d["paid_on"],
                    reference=d["reference"],
                    receipt_number=d["receipt_number"],
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Đã ghi đồng chí {row.member.full_name} đóng đảng phí tháng {month:%m/%Y}: "
                    f"{_dong(payment.amount)}, biên lai số {payment.receipt_number}.",
                )
                return redirect(request.get_full_path())
    elif which == "correct":
        row = by_ledger.get(_int(request.POST.get("ledger")))
        if row is None or row.ledger is None:
            raise NotFound
        form = correct_forms[row.member.pk] = _form(
            f.CorrectionForm, f"correct{row.member.pk}", request.POST
        )
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.payment_correct(
                    actor=request.user,
                    ledger=row.ledger,
                    amount=d["amount"],
                    reason=d["reason"],
                    on=d["on"],
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Đã ghi bút toán điều chỉnh {_dong(d['amount'])} tháng {month:%m/%Y} "
                    f"cho đồng chí {row.member.full_name}.",
                )
                return redirect(request.get_full_path())
    elif which == "close":
        close_form = _form(f.CloseForm, "close", request.POST, unpaid=unpaid)
        if close_form.is_valid():
            try:
                result = services.month_close(
                    actor=request.user,
                    organization=cell,
                    month=month,
                    reasons=close_form.reasons(),  # type: ignore[attr-defined]
                )
            except DomainError as exc:
                if exc.field == "reasons":
                    exc.field = None
                apply_errors(close_form, exc)
            else:
                messages.success(
                    request,
                    f"Đã khóa sổ đảng phí tháng {month:%m/%Y}: {result.unpaid + result.excused} "
                    f"đảng viên không đóng ({result.excused} có lý do).",
                )
                return redirect(request.get_full_path())

    payments = _payments_by_member(cell, month)
    lines = []
    for r in rows:
        ledger = r.ledger
        payable = (
            may_act
            and close is None
            and (ledger is None or (ledger.status in OPEN_STATUSES and ledger.amount_due > 0))
        )
        correctable = (
            may_act
            and ledger is not None
            and (close is not None or ledger.closed or ledger.status == LedgerStatus.PAID)
        )
        pay_form = None
        if payable or r.member.pk in pay_forms:
            pay_form = pay_forms.get(r.member.pk) or _form(
                f.PaymentForm,
                f"pay{r.member.pk}",
                initial={
                    "amount": ledger.amount_due if ledger else None,
                    "channel": "cash",
                    "paid_on": today,
                },
            )
        correct_form = None
        if correctable or r.member.pk in correct_forms:
            correct_form = correct_forms.get(r.member.pk) or _form(
                f.CorrectionForm, f"correct{r.member.pk}", initial={"on": today}
            )
        own = payments.get(r.member.pk, [])
        lines.append(
            {
                "member": r.member,
                "anchor": f"m-{r.member.pk}",
                "ledger": ledger,
                "category": (
                    ledger.get_category_display()
                    if ledger
                    else r.profile.get_category_display()
                    if r.profile
                    else ""
                ),
                "payment": next((p for p in own if p.kind == PaymentKind.PAYMENT), None),
                "corrections": [p for p in own if p.kind == PaymentKind.CORRECTION],
                "pay_form": pay_form,
                "correct_form": correct_form,
                "close_field": close_form[f"reason_{r.member.pk}"]
                if f"reason_{r.member.pk}" in close_form.fields
                else None,
            }
        )
    on_ledger = [r.ledger for r in rows if r.ledger is not None]
    totals = {
        "members": len(rows),
        "due": sum(x.amount_due for x in on_ledger),
        "paid": sum(x.amount_paid for x in on_ledger),
        "paid_count": sum(1 for x in on_ledger if x.status == LedgerStatus.PAID),
        "exempt_count": sum(1 for x in on_ledger if x.status == LedgerStatus.EXEMPT),
        "not_computed": sum(1 for r in rows if r.ledger is None),
    }
    month_over = today > rules.month_end(month)
    return render(
        request,
        "dues/sheet.html",
        {
            "cell": cell,
            "month": month,
            "month_error": month_error,
            "previous": rules.previous_month(month),
            "next": rules.next_month(month),
            "system": rules.SYSTEM_LABELS[rules.system_of(month)],
            "lines": lines,
            "totals": totals,
            "close": close,
            "close_due": rules.close_due(month),
            "may_act": may_act,
            "compute_form": compute_form if may_act and close is None else None,
            "close_form": close_form
            if may_act and close is None and (month_over or which == "close")
            else None,
            "close_errors": close_form.non_field_errors() if which == "close" else [],
            "year": min(month.year, today.year),
        },
    )


def _overview_page(request: HttpRequest, org: Organization) -> HttpResponse:
    month, month_error = _month_from(request)
    today = _today()
    may_act = actor_may_act_at(request.user, org)
    which = _posted(request, {"close_all": may_act})
    close_form = _form(f.CloseAllForm, "close_all")
    if which == "close_all":
        close_form = _form(f.CloseAllForm, "close_all", request.POST)
        if close_form.is_valid():
            try:
                result = services.month_close(actor=request.user, organization=org, month=month)
            except DomainError as exc:
                apply_errors(close_form, exc)
            else:
                messages.success(
                    request,
                    f"Đã khóa sổ đảng phí tháng {month:%m/%Y} cho {result.cells} chi bộ "
                    f"({result.already_closed} chi bộ đã khóa trước); {result.unpaid} đảng viên "
                    "không đóng.",
                )
                return redirect(request.get_full_path())
    cells = selectors.committee_overview(org, month, today=today)
    after = request.GET.get("sau", "")
    start = 0
    if after:
        start = next((i + 1 for i, c in enumerate(cells) if str(c.organization.pk) == after), 0)
    page = cells[start : start + OVERVIEW_PAGE]
    more = start + OVERVIEW_PAGE < len(cells)
    totals = {
        "cells": len(cells),
        "members": sum(c.members for c in cells),
        "due": sum(c.due for c in cells),
        "paid": sum(c.paid for c in cells),
        "paid_count": sum(c.paid_count for c in cells),
        "unpaid_count": sum(c.unpaid_count for c in cells),
        "exempt_count": sum(c.exempt_count for c in cells),
        "closed": sum(1 for c in cells if c.closed),
        "late": sum(1 for c in cells if c.late),
    }
    return render(
        request,
        "dues/overview.html",
        {
            "org": org,
            "month": month,
            "month_error": month_error,
            "previous": rules.previous_month(month),
            "next": rules.next_month(month),
            "cells": page,
            "totals": totals,
            "close_due": rules.close_due(month),
            "next_after": page[-1].organization.pk if more and page else None,
            "paged": start > 0,
            "close_form": close_form
            if may_act and today > rules.month_end(month) and totals["closed"] < len(cells)
            else None,
            "close_errors": close_form.errors if which == "close_all" else None,
            "year": min(month.year, today.year),
        },
    )


# --- arrears ---------------------------------------------------------------------------


def _open_notices(org: Organization):
    """The open arrears notices of `org`'s subtree (the scope was checked on `org`)."""
    return (
        ArrearsNotice.objects.filter(
            organization__path__startswith=org.path, status=NoticeStatus.OPEN
        )
        .select_related("member", "organization")
        .order_by("year", "organization__path", "member__sort_key", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def dues_arrears(request: HttpRequest) -> HttpResponse:
    """Members with unpaid months in a year and the amount; those reaching
    R5.8's three months are highlighted; the open notices with «settle»."""
    org = _staff_org(request)
    if org is None:
        return _choose(request, "dues_arrears")
    year = _year(request)
    today = _today()
    notices = list(_open_notices(org)[:500])
    settle_forms: dict[int, StepForm] = {}
    may_settle = {n.pk for n in notices if ARREARS.may_take(n, "settle", request.user)}
    which = _posted(request, {"settle": bool(may_settle)})
    if which == "settle":
        pk = _int(request.POST.get("notice"))
        if pk not in may_settle:
            raise NotFound
        notice = next(n for n in notices if n.pk == pk)
        form = settle_forms[pk] = _form(f.SettleForm, f"settle{pk}", request.POST)
        if form.is_valid():
            try:
                notice_settle(
                    actor=request.user,
                    notice=notice,
                    note=form.cleaned_data["note"],
                    on=form.cleaned_data["on"],
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"Đã ghi kết quả xử lý nợ đảng phí của {notice.member.full_name}."
                )
                return redirect(request.get_full_path())
    items = selectors.arrears(org, year, today=today)
    orgs = Organization.objects.in_bulk({a.member.organization_id for a in items})
    years = sorted(set(selectors.years_on_ledger(org)) | {today.year}, reverse=True)
    return render(
        request,
        "dues/arrears.html",
        {
            "org": org,
            "year": year,
            "years": years,
            "limit": rules.UNPAID_MONTHS_LIMIT.on(dt.date(year, 12, 1)),
            "rows": [(a, orgs.get(a.member.organization_id)) for a in items],
            "candidates": sum(1 for a in items if a.reaches_limit),
            "notices": [
                (
                    n,
                    [dt.date.fromisoformat(m) for m in n.months],
                    settle_forms.get(n.pk)
                    or (
                        _form(f.SettleForm, f"settle{n.pk}", initial={"on": today})
                        if n.pk in may_settle
                        else None
                    ),
                    ARREARS.may_take(n, "propose", request.user),
                )
                for n in notices
            ],
        },
    )


# --- reconciliation ----------------------------------------------------------------


@login_required
@require_GET
def dues_reconciliation(request: HttpRequest) -> HttpResponse:
    """What each organisation of the subtree collected, received, kept and sent
    up over a period of months (selectors.reconciliation)."""
    org = _staff_org(request)
    if org is None:
        return _choose(request, "dues_reconciliation")
    today = _today()
    last_default = rules.previous_month(rules.month_start(today))
    first, first_error = _month_from(request, "tu", last_default.replace(month=1))
    last, last_error = _month_from(request, "den", last_default)
    error = first_error or last_error
    if not error and last < first:
        error = DuesError.RELIEF_PERIOD_ORDER.text()
    if not error and len(rules.months_between(first, last)) > 120:
        error = "Chọn kỳ đối chiếu không quá 120 tháng."
    rows = [] if error else selectors.reconciliation(org, first, last)
    return render(
        request,
        "dues/reconciliation.html",
        {
            "org": org,
            "first": first,
            "last": last,
            "error": error,
            "rows": [(r, r.organization.depth - org.depth) for r in rows],
            "totals": {
                "collected": sum(r.collected for r in rows),
                "kept": sum(r.kept for r in rows),
                "corrections": sum(r.corrections for r in rows),
                "sent_up": rows[0].sent_up if rows else 0,
            },
        },
    )


# --- the dues book as Excel --------------------------------------------------------


def _book_org(request: HttpRequest, pk: Any, year: int) -> Organization:
    org = org_selectors.organization_get_for(request_scope(request), pk)
    if not rules.QD_342.year <= year <= _today().year:
        raise NotFound
    return org


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def dues_cell_book(request: HttpRequest, pk: Any, year: int) -> HttpResponse:
    """The cell's dues book of `year` (books.cell_book)."""
    org = _book_org(request, pk, year)
    if not org.holds_members:
        raise NotFound
    from dangvien.dues import books

    return _xlsx(books.cell_book(org, year), f"so-dang-phi-{org.code}-{year}.xlsx")


@login_required
@require_GET
def dues_committee_book(request: HttpRequest, pk: Any, year: int) -> HttpResponse:
    """The committee's dues book of `year` (books.committee_book)."""
    org = _book_org(request, pk, year)
    if org.holds_members:
        raise NotFound
    from dangvien.dues import books

    return _xlsx(books.committee_book(org, year), f"so-dang-phi-{org.code}-{year}.xlsx")


# --- the member: profile, reliefs, own dues -------------------------------------------


def _temporarily_exempt(member: Member) -> bool:
    from dangvien.liaison.models import Exemption, ExemptionKind, ExemptionStatus

    return Exemption.objects.filter(
        member=member,
        kind=ExemptionKind.TEMPORARY,
        status__in=(ExemptionStatus.DECIDED, ExemptionStatus.IN_FORCE),
    ).exists()


def member_dues_offers(user, member: Member) -> dict[str, bool]:
    """Which dues forms of the member's record the caller is offered: the
    profile and arrangements by the cell, a relief by the body that decides it
    (R5.7), a voluntary amount by the superior committee (addendum 2.10)."""
    cell = member.organization
    decider, _body = services.relief_decider(services.paying_cell(member, _today()))
    active = member.is_active
    return {
        "profile": active and actor_may_act_at(user, cell),
        "voluntary": active and actor_may_act_at(user, cell.parent or cell),
        "relief": active and actor_may_act_at(user, decider),
        "arrangement": active and actor_may_act_at(user, cell) and _temporarily_exempt(member),
    }


@login_required
@require_http_methods(["GET", "POST"])
def member_dues(request: HttpRequest, pk: Any) -> HttpResponse:
    """The member's dues profile (dated), reliefs and arrangements with the
    forms the caller may use, and their ledger."""
    member = member_selectors.member_get_for(request_scope(request), pk)
    offers = member_dues_offers(request.user, member)
    today = _today()
    profiles = list(
        DuesProfile.objects.filter(member=member)
        .select_related("voluntary_approved_by")
        .order_by("-valid_from", "-id")
    )
    waiting = [p for p in profiles if p.voluntary and not p.voluntary_approved_by_id]
    which = _posted(request, {**offers, "voluntary": offers["voluntary"] and bool(waiting)})
    forms_: dict[str, StepForm | None] = {
        "profile": _form(f.ProfileForm, "profile", initial={"valid_from": today}),
        "relief": _form(f.ReliefForm, "relief", initial={"decided_on": today}),
        "arrangement": _form(f.ArrangementForm, "arrangement", initial={"approved_on": today}),
        "voluntary": _form(f.VoluntaryForm, "voluntary"),
    }
    if which:
        posted_form = _form(type(forms_[which]), which, request.POST)  # type: ignore[arg-type]
        forms_[which] = posted_form
        if posted_form.is_valid():
            d = posted_form.cleaned_data
            try:
                text = _member_dues_call(request, which, member, d, waiting)
            except DomainError as exc:
                apply_errors(posted_form, exc)
            else:
                messages.success(request, text)
                return redirect(request.get_full_path())
    for name, allowed in offers.items():
        if not allowed:
            forms_[name] = None
    current = selectors.profile_on(member, today)
    return render(
        request,
        "dues/member.html",
        {
            "member": member,
            "profiles": profiles,
            "current": current,
            "waiting": waiting if offers["voluntary"] else [],
            "reliefs": member.dues_reliefs.select_related("decided_by").order_by("-first_month"),
            "arrangements": DuesArrangement.objects.filter(member=member)
            .select_related("approved_by")
            .order_by("-first_month"),
            "history": _with_payment(selectors.member_history(member)[:24]),
            "system_labels": rules.SYSTEM_LABELS,
            "forms": forms_,
            "with_base": list(rules.Category.WITH_BASE),
        },
    )


def _member_dues_call(
    request: HttpRequest, which: str, member: Member, d: dict, waiting: list[DuesProfile]
) -> str:
    user = request.user
    if which == "profile":
        profile = services.profile_set(
            actor=user,
            member=member,
            valid_from=d["valid_from"],
            category=d["category"],
            base=d["base"],
            voluntary=d["voluntary"],
            note=d["note"],
        )
        return (
            f"Đã ghi đối tượng đóng đảng phí «{profile.get_category_display()}» "
            f"từ ngày {profile.valid_from:%d/%m/%Y}."
        )
    if which == "voluntary":
        chosen = next((p for p in waiting if str(p.pk) == request.POST.get("profile")), None)
        if chosen is None:
            raise NotFound
        services.voluntary_approve(actor=user, profile=chosen)
        return f"Đã đồng ý mức đóng tự nguyện {_dong(chosen.voluntary or 0)}/tháng."
    if which == "relief":
        relief = services.relief_decide(
            actor=user, member=member, **{**d, "percent": d["percent"] or 0}
        )
        return (
            f"Đã ghi {relief.get_kind_display().lower()} ({relief.percent}%) "
            f"từ tháng {relief.first_month:%m/%Y} đến tháng {relief.last_month:%m/%Y}."
        )
    row = services.arrangement_approve(actor=user, member=member, **d)
    return (
        f"Đã ghi {row.get_kind_display().lower()} từ tháng {row.first_month:%m/%Y} "
        f"đến tháng {row.last_month:%m/%Y}."
    )


def _with_payment(rows) -> list[tuple[Any, DuesPayment | None]]:
    """Each ledger row with its payment (payments prefetched by member_history)."""
    return [
        (r, next((p for p in r.payments.all() if p.kind == PaymentKind.PAYMENT), None))
        for r in rows
    ]


@login_required
@require_GET
def my_dues(request: HttpRequest) -> HttpResponse:
    """«Đảng phí của tôi»: the member's months of a year, owed, paid, status and
    the rule applied, their profile and reliefs."""
    scope = request_scope(request)
    if not scope.member_id:
        raise NotFound
    member = member_selectors.member_get_for(scope, scope.member_id)
    year = _year(request)
    rows = list(selectors.member_history(member, year))
    years = sorted(
        {
            d.year
            for d in selectors.member_history(member).prefetch_related(None).dates("month", "year")
        }
        | {year},
        reverse=True,
    )
    return render(
        request,
        "dues/mine.html",
        {
            "member": member,
            "year": year,
            "years": years,
            "rows": _with_payment(rows),
            "system_labels": rules.SYSTEM_LABELS,
            "owed": sum(r.amount_due for r in rows),
            "paid": sum(r.amount_paid for r in rows),
            "outstanding": sum(
                r.outstanding
                for r in rows
                if r.status in (LedgerStatus.UNPAID, LedgerStatus.DUE, LedgerStatus.DEFERRED)
            ),
            "profile": selectors.profile_on(member, _today()),
            "reliefs": member.dues_reliefs.filter(cancelled_on__isnull=True).order_by(
                "-first_month"
            ),
        },
    )


@login_required
@require_GET
def dues_notice(request: HttpRequest, pk: str) -> HttpResponse:
    """An arrears notice's open case leads here: the cell's arrears list of the
    notice's year. 404 outside the caller's scope."""
    from dangvien.dues.models import ArrearsNotice

    try:
        number = int(pk)
    except ValueError:
        raise NotFound from None
    notice = ArrearsNotice.objects.select_related("organization").filter(pk=number).first()
    if notice is None or not request_scope(request).reaches_path(notice.organization.path):
        raise NotFound
    return redirect(f"/dang-phi/no-dong/?org={notice.organization_id}&nam={notice.year}")
