from django.urls import path

from entas.partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.agreement_list, name="agreements"),
    path("expiring/", views.expiring, name="expiring"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("<int:pk>/", views.agreement_detail, name="agreement"),
    path("<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/document/", views.agreement_document, name="document"),
    path("<int:pk>/data-sharing/", views.data_sharing_set, name="data_sharing"),
    path("<int:pk>/data-sharing/revoke/", views.data_sharing_revoke, name="data_sharing_revoke"),
]
