from typing import Any

from django.core.management.base import BaseCommand

from entas.sharing import exchanges


class Command(BaseCommand):
    help = ("Send again the DCI answers and notifications whose callback failed (at most 5 attempts each); "
            "the worker does it by itself where its backend runs tasks later.")

    def handle(self, *args: Any, **options: Any) -> None:
        sent, failed = exchanges.retry_pending()
        self.stdout.write(f"{sent} callback(s) delivered, {failed} failed again.")
