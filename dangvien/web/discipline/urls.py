from django.urls import path

from . import views

urlpatterns = [
    path("kiem-tra/", views.inspections_home, name="inspections"),
    path("kiem-tra/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("ky-luat/<int:pk>/", views.discipline_detail, name="discipline_detail"),
    path("ky-luat/dang-vien/<int:pk>/", views.member_record, name="discipline_member"),
    path("ky-luat/di-nuoc-ngoai/<int:pk>/", views.trip_detail, name="discipline_trip"),
    path("ky-luat/to-chuc/de-nghi/", views.org_discipline_new, name="org_discipline_new"),
    path("ky-luat/to-chuc/<int:pk>/", views.org_discipline_detail, name="org_discipline_detail"),
]
