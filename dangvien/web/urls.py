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
    # Each area keeps its own URL list (dangvien/web/<area>/urls.py).
    path("", include("dangvien.web.security.urls")),
    path("", include("dangvien.web.organizations.urls")),
    path("", include("dangvien.web.members.urls")),
    path("", include("dangvien.web.cases.urls")),
    path("", include("dangvien.web.admissions.urls")),
    path("", include("dangvien.web.movements.urls")),
    path("", include("dangvien.web.liaison.urls")),
    path("", include("dangvien.web.meetings.urls")),
    path("", include("dangvien.web.dues.urls")),
    path("", include("dangvien.web.grading.urls")),
    path("", include("dangvien.web.discipline.urls")),
    path("", include("dangvien.web.badges.urls")),
    path("", include("dangvien.web.imports.urls")),
    path("", include("dangvien.web.exports.urls")),
    path("", include("dangvien.web.quality.urls")),
    path("", include("dangvien.web.reports.urls")),
    path("", include("dangvien.web.notifications.urls")),
    path("", include("dangvien.web.administration.urls")),
    path("", include("dangvien.web.documents.urls")),
    path("", include("dangvien.web.profile.urls")),
]
