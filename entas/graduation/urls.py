from django.urls import path

from entas.graduation import views

app_name = "graduation"
urlpatterns = [
    path("<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("<int:pk>/<slug:name>/", views.enrolment_action, name="enrolment_action"),
]
