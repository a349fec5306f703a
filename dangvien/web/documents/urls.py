from django.urls import path

from . import views

urlpatterns = [
    path("van-ban/", views.document_list, name="document_list"),
    path("van-ban/<pk>/tai-ve/", views.document_download, name="document_download"),
]
