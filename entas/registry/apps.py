from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "entas.registry"
    label = "registry"
    verbose_name = _("Beneficiary registry")

    def ready(self) -> None:
        # Registered here so that ingest (below registry) can offer `import_data registry`.
        from entas.ingest import targets
        from entas.regions import sections
        from entas.registry.importer import KINDS, WRITES, plan_for
        from entas.registry.sections import registry_columns

        sections.register(registry_columns)

        targets.register(targets.Target(
            "registry", (*KINDS, targets.AUTO), plan_for, WRITES, source="DTSEN",
            help=_("households, people or assistance (CSV or XLSX)"),
        ))
