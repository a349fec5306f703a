from django.urls import path

from . import views

urlpatterns = [
    path("sinh-hoat/", views.meetings_home, name="meetings"),
    path("sinh-hoat/cua-toi/", views.my_meetings, name="my_meetings"),
    path("sinh-hoat/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("sinh-hoat/<int:pk>/ghi-ket-qua/", views.meeting_hold, name="meeting_hold"),
    path("sinh-hoat/<int:pk>/nhiem-vu/", views.meeting_task_add, name="meeting_task_add"),
    path("sinh-hoat/<int:pk>/phan-anh/", views.meeting_feedback_send, name="meeting_feedback_send"),
    path("nhiem-vu/<int:pk>/ket-qua/", views.meeting_task_result, name="meeting_task_result"),
    path("phan-anh/<int:pk>/", views.feedback_detail, name="feedback_detail"),
]
