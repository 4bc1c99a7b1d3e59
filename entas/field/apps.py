from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "entas.field"
    label = "field"
    verbose_name = _("Field app")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from entas.field import scopes

        scopes.register()
