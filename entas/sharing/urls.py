"""/sharing/: the pages of data sharing (the DCI API itself is under /dci/, dci_urls.py)."""

from django.urls import path

from entas.sharing import views

app_name = "sharing"
urlpatterns = [
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
    path("clients/<int:pk>/change/", views.client_change, name="client_change"),
    path("clients/<int:pk>/keys/", views.client_keys, name="client_keys"),
    path("clients/<int:pk>/secret/", views.client_secret, name="client_secret"),
    path("agreements/<int:pk>/", views.agreement_disclosures, name="agreement"),
    path("people/<int:pk>/", views.person_disclosures, name="person"),
]
