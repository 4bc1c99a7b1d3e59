from django.urls import path

from entas.enterprises import access_views, change_views, views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="enterprises"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("cooperatives/", views.cooperative_list, name="cooperatives"),
    path("cooperatives/<int:pk>/", views.cooperative_detail, name="cooperative"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("<int:pk>/jobs/new/", change_views.record_job, name="record_job"),
    path("jobs/<int:pk>/end/", change_views.end_job, name="end_job"),
    path("cooperatives/new/", change_views.register_cooperative, name="register_cooperative"),
    path("cooperatives/<int:pk>/join/", change_views.join, name="join"),
    path("cooperatives/<int:pk>/access/", access_views.cooperative_access, name="cooperative_access"),
    path("memberships/<int:pk>/leave/", change_views.leave, name="leave"),
    path("groups/new/", change_views.form_group, name="form_group"),
    path("groups/<int:pk>/members/new/", change_views.add_group_member, name="add_group_member"),
]
