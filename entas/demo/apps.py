from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`entas demo`: a ready-to-try installation. It reads every app, so nothing imports it."""

    name = "entas.demo"
    label = "demo"
