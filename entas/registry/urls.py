from django.urls import path

from entas.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="households"),
    path("households/<int:pk>/", views.household_detail, name="household"),
]
