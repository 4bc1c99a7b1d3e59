from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "entas.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and evaluation")

    def ready(self) -> None:
        # Imports and services below monitoring announce their changes; monitoring listens, so
        # nothing has to import it.
        from entas.ingest import targets
        from entas.monitoring import receivers, scopes, target_import

        receivers.connect()
        scopes.register()
        # Target files run through the one import pipeline (ingest sits below monitoring).
        targets.register(targets.Target(
            target_import.TARGET, (*target_import.KINDS, targets.AUTO), target_import.plan_for,
            target_import.WRITES, source="targets",
            help=_("targets per indicator, region and period (XLSX or CSV)"),
        ))
