from django.urls import path

from entas.field import api_views, app_views, views

app_name = "field"

urlpatterns = [
    path("", app_views.app, name="app"),
    path("sw.js", app_views.service_worker, name="sw"),
    path("manifest.webmanifest", app_views.manifest, name="manifest"),
    path("api/devices/", api_views.register, name="api_register"),
    path("api/caseload", api_views.caseload, name="api_caseload"),
    path("api/sync", api_views.sync, name="api_sync"),
    path("api/logout", api_views.logout, name="api_logout"),
    path("devices/", views.devices, name="devices"),
    path("devices/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:pk>/", views.conflict, name="conflict"),
]
