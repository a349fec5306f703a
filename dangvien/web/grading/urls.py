from django.urls import path

from . import views

urlpatterns = [
    path("danh-gia/", views.grading_home, name="grading"),
    path("danh-gia/cua-toi/", views.grading_mine, name="grading_mine"),
    path("danh-gia/ket-qua.xlsx", views.grading_results_xlsx, name="grading_results_xlsx"),
    path("danh-gia/dot/<int:pk>/", views.grading_campaign, name="grading_campaign"),
    path("danh-gia/de-nghi/<int:pk>/", views.grading_proposal, name="grading_proposal"),
    path("danh-gia/kiem-diem/<int:pk>/", views.grading_review, name="grading_review"),
    path("danh-gia/quyet-dinh/<int:pk>/", views.grading_decision, name="grading_decision"),
    path("danh-gia/to-chuc/<int:pk>/", views.grading_organization, name="grading_organization"),
]
