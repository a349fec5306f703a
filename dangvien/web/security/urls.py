from django.urls import path

from . import views

urlpatterns = [
    path("xac-thuc-hai-lop/", views.two_factor, name="two_factor"),
    path("tai-khoan/xac-thuc-hai-lop/", views.two_factor_users, name="two_factor_users"),
    path(
        "tai-khoan/<pk>/dat-lai-xac-thuc-hai-lop/",
        views.two_factor_reset,
        name="two_factor_reset",
    ),
    path("nhat-ky-truy-cap/", views.access_log, name="access_log"),
    path("nhat-ky-truy-cap/tai-ve.csv", views.access_log_csv, name="access_log_csv"),
]
