""""My cooperative" (/my-cooperative/, mounted in entas/urls.py): a cooperative manager's own
cooperatives. In the graduation app because its candidates are enrolled families."""

from django.urls import path

from entas.graduation import cooperative_views

app_name = "my_cooperative"
urlpatterns = [
    path("", cooperative_views.mine, name="mine"),
    path("<int:pk>/", cooperative_views.cooperative, name="cooperative"),
    path("<int:pk>/join/", cooperative_views.join, name="join"),
    path("<int:pk>/add/", cooperative_views.add, name="add"),
]
