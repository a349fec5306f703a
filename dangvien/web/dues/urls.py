"""Party dues pages (/dang-phi/) and the dues section of a member's record."""

from django.urls import path

from . import views

urlpatterns = [
    path("dang-phi/", views.dues_home, name="dues"),
    path("dang-phi/cua-toi/", views.my_dues, name="my_dues"),
    path("dang-phi/no-dong/", views.dues_arrears, name="dues_arrears"),
    path("dang-phi/nhac-no/<pk>/", views.dues_notice, name="dues_notice"),
    path("dang-phi/doi-chieu/", views.dues_reconciliation, name="dues_reconciliation"),
    path("dang-phi/so-chi-bo/<pk>/<int:year>.xlsx", views.dues_cell_book, name="dues_cell_book"),
    path(
        "dang-phi/so-dang-bo/<pk>/<int:year>.xlsx",
        views.dues_committee_book,
        name="dues_committee_book",
    ),
    path("dang-vien/<pk>/dang-phi/", views.member_dues, name="member_dues"),
]
