from django.urls import path

from . import views

urlpatterns = [
    path("viec-can-lam/", views.case_list, name="case_list"),
]
