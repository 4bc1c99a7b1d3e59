from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "entas.enterprises"
    label = "enterprises"
    verbose_name = _("Cooperatives and enterprises (KUMKM)")

    def ready(self) -> None:
        # Registered here so that regions and ingest (below enterprises) never import it.
        from django.core import checks

        from entas.enterprises import kbli, link_import
        from entas.enterprises.importer import KINDS
        from entas.enterprises.sections import enterprise_columns
        from entas.enterprises.services import import_kumkm
        from entas.ingest import targets
        from entas.regions import sections

        checks.register(kbli.check_kbli_file)
        sections.register(enterprise_columns)
        targets.register(targets.Target(
            "kumkm", (*KINDS, "auto"), import_kumkm, help="enterprises (UMKM) or cooperatives (CSV or XLSX)"
        ))
        targets.register(targets.Target(
            link_import.TARGET, (*link_import.KINDS, "auto"), link_import.import_links,
            help="cooperative memberships or jobs of registry people (CSV or XLSX)",
        ))

        from entas.enterprises import scopes

        scopes.register()
