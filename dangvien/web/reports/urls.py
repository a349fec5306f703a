"""Báo cáo định kỳ: the report of a subtree over a period, the members behind a
figure, the statistical forms as .xlsx."""

from django.urls import path

from . import dashboard, views

urlpatterns = [
    path("tong-quan/", dashboard.dashboard, name="dashboard"),
    path("kiem-soat/", dashboard.compliance_console, name="compliance"),
    path("bao-cao/", views.report_page, name="reports"),
    path("bao-cao/tinh-lai/", views.report_refresh, name="reports_refresh"),
    path("bao-cao/danh-sach/", views.report_figure, name="reports_figure"),
    path("bao-cao/bieu-<str:number>.xlsx", views.report_form_xlsx, name="reports_form_xlsx"),
    path("bao-cao/lap-van-ban/", views.report_paper, name="reports_paper"),
    path("bao-cao/van-ban/<pk>.pdf", views.report_paper_download_pdf, name="reports_paper_pdf"),
]
