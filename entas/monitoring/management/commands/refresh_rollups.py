from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from entas.core.context import origin
from entas.monitoring import rollups


class Command(BaseCommand):
    help = ("Recompute indicator rollups per village (all, or only the given indicators and villages); "
            "with --pending, only what changes since the last run are still waiting for.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--indicator", action="append", dest="indicators", help="indicator code (repeatable)")
        parser.add_argument("--village", action="append", dest="villages", help="village code (repeatable)")
        parser.add_argument("--pending", action="store_true",
                            help="recompute only the waiting refresh requests (e.g. after the worker was down)")

    def handle(self, *args: Any, **options: Any) -> None:
        with origin("cli", "refresh_rollups"):
            if options["pending"]:
                written = rollups.process_pending()
            else:
                written = rollups.refresh(options["indicators"], options["villages"])
        self.stdout.write(f"{written} village rows written; numbers as of {rollups.freshness()}")
