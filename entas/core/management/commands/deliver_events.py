from typing import Any

from django.core.management.base import BaseCommand

from entas.core import events


class Command(BaseCommand):
    help = (
        "Deliver the domain events still pending (a process that died after its commit, a subscriber "
        "that failed): monitoring's rollups and the other subscribers catch up. `entas serve` runs this "
        "at start-up."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        delivered = events.deliver_pending()
        left = events.pending().count()
        self.stdout.write(f"{delivered} event(s) delivered, {left} still pending.")
