from django.urls import path

from entas.ingest import views

app_name = "ingest"
urlpatterns = [
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/rejects.csv", views.rejects, name="rejects"),
    path("<slug:target>/", views.upload, name="upload"),
]
