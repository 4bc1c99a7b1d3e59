from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "entas.enterprises"
    label = "enterprises"
    verbose_name = _("Cooperatives and enterprises (KUMKM)")

    def ready(self) -> None:
        # Registered here so that regions and ingest (below enterprises) never import it.
        from django.core import checks

        from entas.enterprises import importer, kbli, link_import
        from entas.enterprises.sections import enterprise_columns
        from entas.ingest import targets
        from entas.regions import sections

        checks.register(kbli.check_kbli_file)
        sections.register(enterprise_columns)
        targets.register(targets.Target(
            "kumkm", (*importer.KINDS, targets.AUTO), importer.plan_for, importer.WRITES, source="KUMKM",
            help=_("enterprises (UMKM) or cooperatives (CSV or XLSX)"),
        ))
        targets.register(targets.Target(
            link_import.TARGET, (*link_import.KINDS, targets.AUTO), link_import.plan_for, link_import.WRITES,
            source="KUMKM", help=_("cooperative memberships or jobs of registry people (CSV or XLSX)"),
        ))

        from entas.enterprises import scopes

        scopes.register()
