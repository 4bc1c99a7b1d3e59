from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "entas.sharing"
    verbose_name = _("Data sharing (DCI)")

    def ready(self) -> None:
        from entas.core import audit, events
        from entas.sharing import notify, rest

        events.subscribe(notify.on_events)
        audit.listen(rest.disclose_rest_read)
