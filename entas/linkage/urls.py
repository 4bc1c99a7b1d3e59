from django.urls import path

from entas.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("upload/", views.upload, name="upload"),
    path("upload/<str:token>/", views.map_columns, name="map"),
    path("files/<int:pk>/", views.agency_file, name="file"),
    path("review/", views.review, name="review"),
    path("review/national/", views.review_national, name="review_national"),
    path("review/<int:pk>/decide/", views.decide, name="decide"),
    path("links/", views.links, name="links"),
    path("links/<int:pk>/undo/", views.undo, name="undo"),
]
