from django.urls import path

from . import views

urlpatterns = [
    path("chuyen-sinh-hoat/", views.transfer_list, name="transfer_list"),
    path("chuyen-sinh-hoat/moi/", views.transfer_create, name="transfer_create"),
    path("chuyen-sinh-hoat/den-tu-ngoai/", views.transfer_incoming, name="transfer_incoming"),
    path("chuyen-sinh-hoat/<pk>/", views.transfer_detail, name="transfer_detail"),
    path("chuyen-sinh-hoat/<pk>/<slug:step>/", views.transfer_step, name="transfer_step"),
    path("ra-khoi-dang/", views.removal_list, name="removal_list"),
    path("ra-khoi-dang/moi/", views.removal_create, name="removal_create"),
    path("ra-khoi-dang/<pk>/", views.removal_detail, name="removal_detail"),
]
