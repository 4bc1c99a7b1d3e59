from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "entas.impact"
    label = "impact"
    verbose_name = _("Impact evaluation")
    default_auto_field = "django.db.models.BigAutoField"
