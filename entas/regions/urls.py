from django.urls import path

from entas.regions import views

app_name = "regions"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("<str:code>/", views.detail, name="detail"),
]
