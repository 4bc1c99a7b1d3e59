from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from entas.graduation import services
from entas.programmes.management.commands._common import find_programme, refusal, table


class Command(BaseCommand):
    help = ("Enrol every eligible household of some regions in a programme, assign facilitators by area and "
            "remaining room, and count the households not enrolled by reason. "
            "Example: entas enrol 'Graduasi KPM 2025' 33.10 33.11 --decile-max 1")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("programme", help="programme id or exact name")
        parser.add_argument("regions", nargs="+", help="region codes (province, regency, district or village)")
        parser.add_argument("--decile-max", type=int, help="only desil 1..N (at most the programme's own rule)")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = find_programme(options["programme"])
        try:
            result = services.enrol_in_bulk(None, programme, region_codes=options["regions"],
                                            decile_max=options["decile_max"])
        except ValidationError as error:
            raise refusal(error) from None
        rows: list[list[Any]] = [["enrolled", result.enrolled], ["assigned to a facilitator", result.assigned],
                                 ["waiting for a facilitator", result.unassigned]]
        rows += [[f"not enrolled: {reason.replace('_', ' ')}", n] for reason, n in result.not_enrolled.items()]
        self.stdout.write(table(["households", "count"], rows))
