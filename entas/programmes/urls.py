from django.urls import include, path

from entas.programmes import training_views, views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("<int:pk>/", views.programme_detail, name="programme"),
    path("<int:pk>/enrol/", views.enrol, name="enrol"),
    path("priority/", views.ranking, name="ranking"),
    path("priority/lists/<int:pk>/", views.priority_list_detail, name="priority_list"),
    path("my-families/", views.my_families, name="my_families"),
    path("facilitators/", views.facilitator_report, name="facilitators"),
    path("sessions/", training_views.session_list, name="sessions"),
    path("sessions/new/", training_views.session_create, name="session_create"),
    path("sessions/<int:pk>/", training_views.session_detail, name="session"),
    # The enrolment page acts on the graduation pathway, so it lives in the graduation app (which
    # sits above programmes); included by name so that programmes never imports it.
    path("enrolments/", include("entas.graduation.urls")),
]
