"""The pages about enrolled families. Mounted under /programmes/ beside programmes' own pages
(entas/urls.py), so the addresses are those users know; the names are in the `graduation`
namespace."""

from django.urls import path

from entas.graduation import programme_views, training_views, views

app_name = "graduation"
urlpatterns = [
    path("<int:pk>/", programme_views.programme_detail, name="programme"),
    path("<int:pk>/enrol/", programme_views.enrol, name="enrol"),
    path("my-families/", programme_views.my_families, name="my_families"),
    path("facilitators/", programme_views.facilitator_report, name="facilitators"),
    path("sessions/", training_views.session_list, name="sessions"),
    path("sessions/new/", training_views.session_create, name="session_create"),
    path("sessions/<int:pk>/", training_views.session_detail, name="session"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/<slug:name>/", views.enrolment_action, name="enrolment_action"),
]
