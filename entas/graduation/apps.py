from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GraduationConfig(AppConfig):
    name = "entas.graduation"
    label = "graduation"
    verbose_name = _("Graduation")

    def ready(self) -> None:
        from entas.core import events
        from entas.graduation import scopes, tally

        scopes.register()
        events.subscribe(tally.on_events)
