"""/dci/: the DCI Social Registry API. No trailing slashes: DCI clients join paths to a base URL."""

from django.urls import path

from entas.sharing import dci_views, openapi

urlpatterns = [
    path("oauth2/client/token", dci_views.token, name="dci-token"),
    path(".well-known/jwks.json", dci_views.jwks, name="dci-jwks"),
    path("openapi.json", openapi.openapi, name="dci-openapi"),
    path("registry/sync/search", dci_views.sync_search, name="dci-sync-search"),
    path("registry/search", dci_views.search, name="dci-search"),
    path("registry/sync/txn/status", dci_views.sync_txn_status, name="dci-sync-txn-status"),
    path("registry/txn/status", dci_views.txn_status, name="dci-txn-status"),
    path("registry/subscribe", dci_views.subscribe, name="dci-subscribe"),
    path("registry/unsubscribe", dci_views.unsubscribe, name="dci-unsubscribe"),
]
