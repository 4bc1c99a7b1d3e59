from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GraduationConfig(AppConfig):
    name = "entas.graduation"
    label = "graduation"
    verbose_name = _("Graduation")

    def ready(self) -> None:
        from entas.core import events
        from entas.graduation import poverty_import, scopes, tally
        from entas.ingest import targets

        scopes.register()
        events.subscribe(tally.on_events)
        # Registered here so that ingest (below graduation) offers `import_data poverty_lines`.
        targets.register(targets.Target(
            poverty_import.TARGET, (*poverty_import.KINDS, targets.AUTO), poverty_import.plan_for,
            poverty_import.WRITES, source="BPS",
            help=_("BPS poverty lines per province, area and period (CSV or XLSX)"),
        ))
