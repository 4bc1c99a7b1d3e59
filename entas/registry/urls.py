from django.urls import path

from entas.registry import move_views, views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="households"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("moves/", move_views.move_list, name="moves"),
    path("moves/<int:pk>/decide/", move_views.decide, name="move-decide"),
]
