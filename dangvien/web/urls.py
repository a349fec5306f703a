from django.contrib.auth import views as auth_views
from django.urls import include, path

from dangvien.accounts.forms import LoginForm

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="auth/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc-hai-lop/", views.two_factor, name="two_factor"),
    path("tai-khoan/xac-thuc-hai-lop/", views.two_factor_users, name="two_factor_users"),
    path(
        "tai-khoan/<pk>/dat-lai-xac-thuc-hai-lop/",
        views.two_factor_reset,
        name="two_factor_reset",
    ),
    path("to-chuc/<pk>/", views.organization_detail, name="organization_detail"),
    path("to-chuc/<pk>/lich-su.csv", views.organization_audit_csv, name="organization_audit_csv"),
    path("dang-vien/", views.member_list, name="member_list"),
    path("dang-vien/them/", views.member_create, name="member_create"),
    path("dang-vien/<pk>/", views.member_detail, name="member_detail"),
    path("dang-vien/<pk>/sua/", views.member_edit, name="member_edit"),
    path("dang-vien/<pk>/anh/", views.member_photo, name="member_photo"),
    path("dang-vien/<pk>/lich-su.csv", views.member_audit_csv, name="member_audit_csv"),
    path("nhat-ky-truy-cap/", views.access_log, name="access_log"),
    path("nhat-ky-truy-cap/tai-ve.csv", views.access_log_csv, name="access_log_csv"),
    path("dang-vien/<pk>/su-kien/", views.member_event_add, name="member_event_add"),
    path("dang-vien/<pk>/sua/<slug:slug>/", views.member_rows, name="member_rows"),
    path("dia-gioi/xa/", views.communes, name="communes"),
    # Each area keeps its own URL list (dangvien/web/<area>/urls.py).
    path("", include("dangvien.web.cases.urls")),
    path("", include("dangvien.web.admissions.urls")),
    path("", include("dangvien.web.movements.urls")),
    path("", include("dangvien.web.liaison.urls")),
    path("", include("dangvien.web.documents.urls")),
]
