from django.urls import path

from . import exemptions, residence, working_away

urlpatterns = [
    path("mien-sinh-hoat/", exemptions.exemption_list, name="exemption_list"),
    path("mien-sinh-hoat/them/", exemptions.exemption_create, name="exemption_create"),
    path("mien-sinh-hoat/<pk>/", exemptions.exemption_detail, name="exemption_detail"),
    path("di-lam-an-xa/", working_away.working_away_list, name="working_away_list"),
    path("di-lam-an-xa/them/", working_away.working_away_create, name="working_away_create"),
    path("di-lam-an-xa/<pk>/", working_away.working_away_detail, name="working_away_detail"),
    path("noi-cu-tru/", residence.residence_list, name="residence_list"),
    path("noi-cu-tru/gioi-thieu/", residence.residence_create, name="residence_create"),
    path("noi-cu-tru/chi-bo/<pk>/", residence.residence_cell, name="residence_cell"),
    path("noi-cu-tru/<pk>/", residence.residence_detail, name="residence_detail"),
]
