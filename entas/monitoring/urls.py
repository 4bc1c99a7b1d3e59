from django.urls import path

from entas.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.page, name="national"),
    path("<str:code>/", views.page, name="region"),
]
