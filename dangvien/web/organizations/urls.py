from django.urls import path

from . import views

urlpatterns = [
    path("to-chuc/<pk>/", views.organization_detail, name="organization_detail"),
    path("to-chuc/<pk>/lich-su.csv", views.organization_audit_csv, name="organization_audit_csv"),
]
