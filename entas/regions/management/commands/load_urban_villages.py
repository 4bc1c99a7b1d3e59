from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from entas.regions.urban import UrbanFileError, load_urban_villages


class Command(BaseCommand):
    help = ("Flag the desa that BPS counts as urban (they read the urban poverty line; kelurahan are urban "
            "anyway), from a CSV with a column 'code'; every desa not listed is rural. Default file: "
            "ENTAS_URBAN_VILLAGES_FILE.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="CSV of urban village codes")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or (Path(settings.URBAN_VILLAGES_FILE) if settings.URBAN_VILLAGES_FILE else None)
        if path is None:
            raise CommandError("name a CSV file, or set ENTAS_URBAN_VILLAGES_FILE")
        try:
            result = load_urban_villages(path)
        except (UrbanFileError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{result.urban:,} desa flagged urban.")
        if result.unknown:
            self.stdout.write(self.style.WARNING(
                f"{len(result.unknown)} codes are no village in the database (ignored): "
                + ", ".join(result.unknown[:10])))
