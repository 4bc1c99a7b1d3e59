from django.urls import path

from entas.monitoring import target_views, views

app_name = "monitoring"
urlpatterns = [
    path("", views.page, name="national"),
    # Before "<str:code>/": no region code is spelt "targets".
    path("targets/", target_views.target_list, name="targets"),
    path("targets/template.xlsx", target_views.target_template, name="targets_template"),
    path("targets/upload/", target_views.target_upload, name="targets_upload"),
    path("targets/<int:pk>/", target_views.target_detail, name="target"),
    path("targets/<int:pk>/evidence/", target_views.target_evidence, name="target_evidence"),
    path("<str:code>/", views.page, name="region"),
]
