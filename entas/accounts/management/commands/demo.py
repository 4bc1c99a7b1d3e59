from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from entas.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from entas.core.context import origin


class Command(BaseCommand):
    help = (
        "Prepare a demo: migrate the database, load the regions, create demo agencies and one user "
        "per role, then print the logins. Safe to run again."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-input", action="store_true", help="(accepted for scripts; never asks)")

    def handle(self, *args: Any, **options: Any) -> None:
        with origin("cli", "demo"):
            call_command("migrate", interactive=False, verbosity=0)
            call_command("load_regions", stdout=self.stdout)
            users = ensure_demo_accounts()
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for user in users:
            scope = user.region or "Indonesia"
            self.stdout.write(f"  {user.username:<20} {user.role.label:<28} scope {scope}")
        self.stdout.write(self.style.WARNING("These are demo accounts: do not run `entas demo` on a live system."))
