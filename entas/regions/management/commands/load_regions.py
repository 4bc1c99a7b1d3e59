from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from entas.regions.loader import DATA_DIR, RegionFileError, load_regions


class Command(BaseCommand):
    help = (
        "Load the 38 provinces, 514 regencies, 7,285 districts and 83,762 villages "
        "(Kemendagri 2025). Safe to run again: unchanged files are skipped."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder with the four CSV files")
        parser.add_argument("--force", action="store_true", help="reload even if the files are unchanged")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_regions(options["data_dir"], force=options["force"], progress=self.stdout.write)
        except (RegionFileError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        if result.skipped:
            self.stdout.write("Regions already loaded and unchanged; nothing to do.")
        if result.not_in_files:
            self.stdout.write(
                self.style.WARNING(f"{result.not_in_files} regions in the database are not in the files (kept).")
            )
