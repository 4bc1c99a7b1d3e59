from django.urls import path

from entas.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="enterprises"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("cooperatives/", views.cooperative_list, name="cooperatives"),
    path("cooperatives/<int:pk>/", views.cooperative_detail, name="cooperative"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
]
