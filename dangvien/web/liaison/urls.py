from django.urls import path

from . import views

urlpatterns = [
    path("mien-sinh-hoat/", views.exemption_list, name="exemption_list"),
    path("mien-sinh-hoat/them/", views.exemption_create, name="exemption_create"),
    path("mien-sinh-hoat/<pk>/", views.exemption_detail, name="exemption_detail"),
    path("di-lam-an-xa/", views.working_away_list, name="working_away_list"),
    path("di-lam-an-xa/them/", views.working_away_create, name="working_away_create"),
    path("di-lam-an-xa/<pk>/", views.working_away_detail, name="working_away_detail"),
    path("noi-cu-tru/", views.residence_list, name="residence_list"),
    path("noi-cu-tru/gioi-thieu/", views.residence_create, name="residence_create"),
    path("noi-cu-tru/chi-bo/<pk>/", views.residence_cell, name="residence_cell"),
    path("noi-cu-tru/<pk>/", views.residence_detail, name="residence_detail"),
]
