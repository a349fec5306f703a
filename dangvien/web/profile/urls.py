"""«Tài khoản của tôi»: the user's API tokens and password; the administrator's
password reset."""

from django.urls import path

from . import views

urlpatterns = [
    path("tai-khoan/cua-toi/", views.my_account, name="my_account"),
    path(
        "tai-khoan/cua-toi/ma-api/<pk>/thu-hoi/",
        views.my_token_revoke,
        name="my_token_revoke",
    ),
    path("tai-khoan/cua-toi/doi-mat-khau/", views.my_password, name="my_password"),
    path("tai-khoan/dat-lai-mat-khau/", views.password_reset_users, name="password_reset_users"),
    path(
        "tai-khoan/<pk>/dat-lai-mat-khau/",
        views.password_reset,
        name="password_reset",
    ),
]
