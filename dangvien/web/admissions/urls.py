from django.urls import path

from . import views

urlpatterns = [
    path("ket-nap/", views.admission_list, name="admission_list"),
    path("ket-nap/chi-tieu/", views.admission_targets, name="admission_targets"),
    path("ket-nap/moi/", views.admission_create, name="admission_create"),
    path("ket-nap/ket-nap-lai/", views.readmission_create, name="readmission_create"),
    path("ket-nap/cong-nhan/den-han/", views.recognition_open_due, name="recognition_open_due"),
    path("ket-nap/cong-nhan/<pk>/", views.recognition_detail_page, name="recognition_detail"),
    path("ket-nap/cong-nhan/<pk>/<slug:step>/", views.recognition_step, name="recognition_step"),
    path("ket-nap/<pk>/", views.admission_detail_page, name="admission_detail"),
    path("ket-nap/<pk>/<slug:step>/", views.admission_step, name="admission_step"),
]
