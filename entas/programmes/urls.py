from django.urls import path

from entas.programmes import views, welcome_views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("new/", views.programme_create, name="programme_create"),
    path("<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("priority/", views.ranking, name="ranking"),
    path("priority/lists/<int:pk>/", views.priority_list_detail, name="priority_list"),
    path("welcome/<uidb64>/<token>/", welcome_views.welcome, name="welcome"),
]
