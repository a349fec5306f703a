from django.urls import path

from . import views

urlpatterns = [
    path("dang-vien/", views.member_list, name="member_list"),
    path("dang-vien/them/", views.member_create, name="member_create"),
    path("dang-vien/<pk>/", views.member_detail, name="member_detail"),
    path("dang-vien/<pk>/sua/", views.member_edit, name="member_edit"),
    path("dang-vien/<pk>/anh/", views.member_photo, name="member_photo"),
    path("dang-vien/<pk>/lich-su.csv", views.member_audit_csv, name="member_audit_csv"),
    path("dang-vien/<pk>/su-kien/", views.member_event_add, name="member_event_add"),
    path("dang-vien/<pk>/sua/<slug:slug>/", views.member_rows, name="member_rows"),
    path("dia-gioi/xa/", views.communes, name="communes"),
]
