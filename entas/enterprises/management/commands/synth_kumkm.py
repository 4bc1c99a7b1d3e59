import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from entas.enterprises import synth
from entas.enterprises.synth_links import load_links
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.registry.synth import DEFAULT_REGIONS


class Command(BaseCommand):
    help = (
        "Write synthetic enterprises (UMKM) and cooperatives as KUMKM CSV files, owned by and placed with the "
        "people of the registry (or of `entas synth` files). With --load, import them and add members, business "
        "units, managers, jobs and groups. The same seed gives the same files."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--from-dir", type=Path, default=None,
                            help="read people from these `entas synth` CSV files instead of the database")
        parser.add_argument("--regions", default=",".join(DEFAULT_REGIONS),
                            help="comma-separated region codes whose people to use (database only)")
        parser.add_argument("--enterprises", type=int, default=None,
                            help="number of enterprises (default: one per eight adults)")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--out", type=Path, default=None, help="folder for the CSV files (default var/synth-kumkm)")
        parser.add_argument("--load", action="store_true",
                            help="import the files and add members, units, jobs and groups (database only)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        regions = tuple(c.strip() for c in options["regions"].split(",") if c.strip())
        folder: Path | None = options["from_dir"]
        population = synth.from_files(folder) if folder else synth.from_database(regions)
        if population.people.height == 0:
            raise CommandError("no adults found: run `entas synth` (and import its files) first")
        count = options["enterprises"] if options["enterprises"] is not None else population.people.height // 8
        tables = synth.generate(population, count, options["seed"])
        out: Path = options["out"] or Path(settings.DATA_DIR) / "synth-kumkm"
        for path, rows in synth.write_tables(tables, out):
            self.stdout.write(f"  {path} {rows:>12,} rows")
        if options["load"]:
            self._load(out, regions, options["seed"])
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s"))

    def _load(self, out: Path, regions: tuple[str, ...], seed: int) -> None:
        for name in ("cooperatives.csv", "enterprises.csv"):
            batch = import_file(None, "kumkm", out / name, mode=ImportBatch.Mode.ACCEPT_VALID, source="synthetic")
            if batch.status != ImportBatch.Status.DONE:
                raise CommandError(f"{name}: {batch.error_message}")
            self.stdout.write(f"  imported {name}: {batch.inserted:,} new, {batch.rejected:,} rejected")
        try:
            counts = load_links(None, regions, seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
