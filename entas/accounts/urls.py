from django.urls import URLPattern, URLResolver, path

from entas.accounts import lockout_views, token_views

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("locked/", lockout_views.locked_accounts, name="locked"),
    path("locked/<int:pk>/unlock/", lockout_views.unlock, name="unlock"),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.revoke, name="revoke_token"),
]
