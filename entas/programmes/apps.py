from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "entas.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from entas.programmes import scopes

        scopes.register()
