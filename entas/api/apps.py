from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "entas.api"
    label = "api"
    verbose_name = "API"
