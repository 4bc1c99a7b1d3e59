from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "entas.accounts"
    label = "accounts"
    verbose_name = _("Users and agencies")

    def ready(self) -> None:
        from entas.accounts import scopes, signals  # noqa: F401

        scopes.register()
