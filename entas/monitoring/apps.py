from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "entas.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and evaluation")

    def ready(self) -> None:
        # Imports and services below monitoring announce their changes; monitoring listens, so
        # nothing has to import it.
        from entas.monitoring import receivers, scopes

        receivers.connect()
        scopes.register()
