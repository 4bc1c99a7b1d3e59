"""Mounted under /programmes/ beside the programme's other pages (entas/urls.py)."""

from django.urls import path

from entas.impact import views

app_name = "impact"
urlpatterns = [
    path("<int:pk>/impact/", views.programme_impact, name="programme"),
    path("<int:pk>/impact/<int:analysis_id>/", views.analysis_detail, name="analysis"),
    path("<int:pk>/impact/<int:analysis_id>/report.pdf", views.analysis_pdf, name="pdf"),
    path("<int:pk>/impact/<int:analysis_id>/data.csv", views.analysis_data, name="data"),
]
