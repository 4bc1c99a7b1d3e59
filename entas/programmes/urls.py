from django.urls import path

from entas.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("priority/", views.ranking, name="ranking"),
    path("priority/lists/<int:pk>/", views.priority_list_detail, name="priority_list"),
]
