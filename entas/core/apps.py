from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "entas.core"
    label = "core"
    verbose_name = "Core"
