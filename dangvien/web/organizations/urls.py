from django.urls import path

from . import posts, views

urlpatterns = [
    path("to-chuc/<pk>/", views.organization_detail, name="organization_detail"),
    path("to-chuc/<pk>/chuc-vu/", posts.organization_posts, name="organization_posts"),
    path("to-chuc/<pk>/lich-su.csv", views.organization_audit_csv, name="organization_audit_csv"),
]
