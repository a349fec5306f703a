"""Pages of the periodic reports (/bao-cao/): an organisation's report over a
quarter, a half-year, a year or any span (?org=, the period in the query), each
figure a link to its members; the forms 1, 3, 4-BTCTW as .xlsx.

The organisation comes through the scope (?org=, 404 outside); a member
without a staff role reaches nothing (404). A bad period is shown at its field
and computes nothing."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dangvien.core.errors import DomainError, NotFound
from dangvien.core.forms import date_field
from dangvien.documents.models import DocumentKind, IssuedDocument
from dangvien.documents.selectors import document_get_for
from dangvien.organizations.models import Organization
from dangvien.reports import figures, selectors, services
from dangvien.reports.compute import DIMENSIONS
from dangvien.reports.errors import ReportError
from dangvien.reports.forms import FORMS, build_forms
from dangvien.reports.jobs import compute_report
from dangvien.reports.models import ReportResult
from dangvien.reports.papers import report_paper_issue, report_paper_pdf, summary_of
from dangvien.reports.periods import PERIOD_KINDS, ReportPeriod, period_between, period_of
from dangvien.reports.xlsx import write_form
from dangvien.web.common import apply_errors, request_scope
from dangvien.web.documents.views import content_disposition, download_name
from dangvien.web.steps import org_from_query, roots

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> dt.date:
    return dt.date.today()


class PeriodForm(forms.Form):
    """The period of a report, as the query string names it (ky, nam, so, tu, den)."""

    ky = forms.ChoiceField(
        label="Kỳ báo cáo",
        choices=list(PERIOD_KINDS.items()),
        error_messages={"invalid_choice": ReportError.PERIOD_KIND_INVALID.text()},
    )
    nam = forms.IntegerField(
        label="Năm", required=False, error_messages={"invalid": "Nhập năm bằng số, ví dụ 2026."}
    )
    so = forms.TypedChoiceField(
        label="Quý / 6 tháng",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": ReportError.NUMBER_INVALID.text()},
        choices=[
            (1, "Quý I / 6 tháng đầu"),
            (2, "Quý II / 6 tháng cuối"),
            (3, "Quý III"),
            (4, "Quý IV"),
        ],
    )
    tu = date_field("Từ ngày", required=False)
    den = date_field("Đến ngày", required=False)
    so_sanh = forms.BooleanField(label="So sánh cùng kỳ năm trước", required=False)

    def __init__(self, *args, org: Organization, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.org, self.today = org, today
        self.period: ReportPeriod | None = None
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "input")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if data["ky"] == "custom":
                for name in ("tu", "den"):
                    if data.get(name) is None:
                        raise DomainError("Vui lòng nhập ngày theo dạng dd/mm/yyyy.", field=name)
                self.period = period_between(data["tu"], data["den"], today=self.today)
            else:
                if data.get("nam") is None:
                    raise DomainError("Vui lòng nhập năm báo cáo.", field="nam")
                self.period = period_of(
                    data["ky"], data["nam"], data.get("so") or 0, today=self.today
                )
            services.report_check_period(self.org, self.period)
        except DomainError as exc:
            self.period = None
            apply_errors(self, exc)
        return data


def _initial(today: dt.date) -> QueryDict:
    q = QueryDict(mutable=True)
    q.update(
        {
            "ky": "quarter",
            "nam": str(today.year),
            "so": str((today.month - 1) // 3 + 1),
            "so_sanh": "on",
        }
    )
    return q


def staff_org(request: HttpRequest) -> Organization | None:
    """The organisation of the page (?org=, or the caller's single root); None
    when the caller must choose; NotFound for a caller without a staff role."""
    scope = request_scope(request)
    if not scope.everything and not scope.paths:
        raise NotFound
    return org_from_query(request)


def choose_org(request: HttpRequest, url: str) -> HttpResponse:
    """The page that asks which of the caller's organisations (then `url`)."""
    return render(request, "liaison/choose_org.html", {"roots": roots(request), "url": url})


def _org_and_period(request: HttpRequest) -> tuple[Organization, PeriodForm]:
    """The organisation and a valid period of a request that needs both (NotFound otherwise)."""
    org = staff_org(request)
    if org is None:
        raise NotFound
    form = _form(request, org)
    if form.period is None:
        raise NotFound
    return org, form  # form.period is set


def _form(request: HttpRequest, org: Organization) -> PeriodForm:
    data = request.GET if "ky" in request.GET else _initial(_today())
    form = PeriodForm(data, org=org, today=_today())
    form.is_valid()
    return form


class ReportPending(Exception):
    """The report is being computed by the job queue (a large organisation)."""


PENDING_TEXT = "Báo cáo của tổ chức lớn được tính bằng việc nền; tải lại trang sau ít phút để xem."
PREVIOUS_QUEUED = "số cùng kỳ năm trước đang được tính (việc nền); tải lại trang sau ít phút."


def _results(
    request: HttpRequest,
    org: Organization,
    form: PeriodForm,
    *,
    refresh: bool = False,
    previous: str = "now",
) -> tuple[ReportResult, ReportResult | None, str]:
    """This period's result and the same period last year's (when asked and the
    organisation existed then; else None and why). `previous`: "now" computes
    last year's in the request, "queue" takes the kept one or queues its
    computation (the page: one computation per view at most), "no" skips it."""
    assert form.period is not None
    if services.report_too_large(org) and (
        refresh or services.report_kept(org, form.period) is None
    ):
        # Too many members to compute in a request: the queue computes it.
        compute_report(org.pk, form.period.start, form.period.end)
        if services.report_kept(org, form.period) is None or refresh:
            raise ReportPending
    result = services.report_result(org, form.period, actor=request.user, refresh=refresh)
    wanted = form.cleaned_data.get("so_sanh") or form.period.kind != "custom"
    if previous == "no" or not wanted:
        return result, None, ""
    before = form.period.same_period_last_year()
    try:
        if previous == "queue" and not refresh:
            kept = services.report_kept(org, before)
            if kept is None:
                services.report_check_period(org, before)
                compute_report(org.pk, before.start, before.end)
                kept = services.report_kept(org, before)  # at once where the queue runs inline
            return result, kept, "" if kept is not None else PREVIOUS_QUEUED
        return (
            result,
            services.report_result(
                org, before, actor=request.user, refresh=refresh, with_activity=False
            ),
            "",
        )
    except DomainError as exc:
        return result, None, exc.message


def _pending(request: HttpRequest, org: Organization, form: PeriodForm) -> HttpResponse:
    """Back to the report page, saying the queue is computing it."""
    messages.info(request, PENDING_TEXT)
    return redirect(f"{reverse('reports')}?{_query(org, form)}")


def _query(org: Organization, form: PeriodForm, **extra) -> str:
    assert form.period is not None
    params = {"org": org.pk, **form.period.query()}
    if form.cleaned_data.get("so_sanh"):
        params["so_sanh"] = "on"
    params.update(extra)
    return urlencode(params)


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    org = staff_org(request)
    if org is None:
        return render(
            request, "liaison/choose_org.html", {"roots": roots(request), "url": "reports"}
        )
    scope = request_scope(request)
    form = _form(request, org)
    context: dict = {
        "org": org,
        "form": form,
        "up": org.parent if org.parent and scope.reaches_path(org.parent.path) else None,
        "forms": [
            (number, f"Biểu số {number}-BTCTW" if number.isdigit() else "Kết quả xếp loại", title)
            for number, title in FORMS.items()
        ],
    }
    if form.period is not None:
        try:
            result, previous, why = _results(request, org, form, previous="queue")
        except ReportPending:
            context["pending"] = True
            return render(request, "reports/page.html", context)
        context.update(
            period=form.period,
            previous_period=form.period.same_period_last_year(),
            result=result,
            previous=previous,
            previous_missing=why,
            lines=selectors.movement_lines(result, previous),
            checks=figures.movement_checks(result.counts["movement"]),
            dimensions=[
                (dim, figures.DIMENSION_LABELS[dim], selectors.composition(result, dim))
                for dim in DIMENSIONS
            ],
            activity=_activity(result),
            query=_query(org, form),
            average_age=result.counts.get("average_age"),
            papers=IssuedDocument.objects.filter(
                organization=org,
                kind=DocumentKind.REPORT,
                summary=summary_of(form.period),
                voided_on__isnull=True,
            ).order_by("-date", "-number"),
            can_issue=scope.writes_path(org.path),
        )
    return render(request, "reports/page.html", context)


def _activity(result: ReportResult) -> list[selectors.ActivitySection] | None:
    """The work of the period for the page; None while the queue computes it."""
    try:
        return selectors.activity_sections(result)
    except services.ActivityPending:
        return None


@login_required
@require_POST
def report_refresh(request: HttpRequest) -> HttpResponse:
    """«Tính lại»: compute the report (and last year's) again from the events now."""
    org, form = _org_and_period(request)
    assert form.period is not None  # _org_and_period answers 404 without one
    try:
        _results(request, org, form, refresh=True)
    except ReportPending:
        messages.success(request, PENDING_TEXT)
    else:
        messages.success(request, "Đã tính lại báo cáo từ dữ liệu hiện có.")
    return redirect(f"{reverse('reports')}?{_query(org, form)}")


@login_required
@require_GET
def report_figure(request: HttpRequest) -> HttpResponse:
    """The members behind one figure (?hang=B1 or dim:age:31_35), 100 a page."""
    org, form = _org_and_period(request)
    assert form.period is not None  # _org_and_period answers 404 without one
    figure = request.GET.get("hang", "")
    try:
        result, _previous, _why = _results(request, org, form, previous="no")
    except ReportPending:
        return _pending(request, org, form)
    try:
        page_number = int(request.GET.get("trang", "1"))
    except ValueError:
        page_number = 1
    try:
        page = selectors.figure_page(request_scope(request), result, figure, page_number)
    except services.ActivityPending:
        return _pending(request, org, form)
    return render(
        request,
        "reports/figure.html",
        {
            "org": org,
            "period": form.period,
            "figure": figure,
            "label": selectors.figure_label(figure),
            "page": page,
            "query": _query(org, form, hang=figure),
            "back": _query(org, form),
            "result": result,
        },
    )


@login_required
@require_GET
def report_form_xlsx(request: HttpRequest, number: str) -> HttpResponse:
    """Form `number`-BTCTW of the report as .xlsx."""
    if number not in FORMS:
        raise NotFound
    org, form = _org_and_period(request)
    assert form.period is not None  # _org_and_period answers 404 without one
    try:
        result, previous, _why = _results(request, org, form)
    except ReportPending:
        return _pending(request, org, form)
    sheets = build_forms(number, result, previous)
    out = io.BytesIO()
    write_form(out, sheets, org, form.period, today=_today())
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    title = f"Biểu {number}-BTCTW" if number.isdigit() else "Kết quả xếp loại"
    name = f"{title} {org.code} từ {form.period.start:%d-%m-%Y} đến {form.period.end:%d-%m-%Y}.xlsx"
    response["Content-Disposition"] = content_disposition(name)
    return response


@login_required
@require_POST
def report_paper(request: HttpRequest) -> HttpResponse:
    """«Lập văn bản báo cáo»: issue the report as a numbered paper of the
    organisation (a writer of the organisation only; 404 otherwise)."""
    org, form = _org_and_period(request)
    assert form.period is not None  # _org_and_period answers 404 without one
    if not request_scope(request).writes_path(org.path):
        raise NotFound
    issued = IssuedDocument.objects.filter(
        organization=org,
        kind=DocumentKind.REPORT,
        summary=summary_of(form.period),
        voided_on__isnull=True,
    ).order_by("-date", "-number")
    if issued.exists() and not request.POST.get("lap_them"):
        # A second paper of the same period takes another number: said first.
        messages.error(
            request,
            f"Kỳ này đã có báo cáo số {issued[0].symbol}; đánh dấu «Lập thêm văn bản mới» "
            "nếu cần một văn bản khác (văn bản đã lập vẫn giữ số của nó).",
        )
        return redirect(f"{reverse('reports')}?{_query(org, form)}#papers")
    # A paper says what the events say now: computed again, not the kept figures
    # (a large organisation's: what the queue computed).
    try:
        result, previous, _why = _results(
            request, org, form, refresh=not services.report_too_large(org)
        )
    except ReportPending:
        return _pending(request, org, form)
    try:
        selectors.activity_sections(result)  # the paper says the work: computed first
    except services.ActivityPending:
        return _pending(request, org, form)
    document = report_paper_issue(
        actor=request.user,
        org=org,
        period=form.period,
        result=result,
        previous=previous,
        on=_today(),
    )
    messages.success(request, f"Đã lập báo cáo số {document.symbol}.")
    return redirect(f"{reverse('reports')}?{_query(org, form)}#papers")


@login_required
@require_GET
def report_paper_download_pdf(request: HttpRequest, pk) -> HttpResponse:
    """An issued report paper as PDF (the .docx is the documents' download)."""
    document = document_get_for(request_scope(request), pk)
    try:
        pdf = report_paper_pdf(document)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("document_list")
    response = HttpResponse(pdf, content_type="application/pdf")
    # The .docx's name with .pdf: "Báo cáo 3-BC-ĐU ngày 30-11-2026.pdf".
    response["Content-Disposition"] = content_disposition(
        download_name(document).removesuffix(".docx") + ".pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
