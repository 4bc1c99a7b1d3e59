from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from entas.ingest import targets
from entas.ingest.models import ImportBatch
from entas.ingest.progress import rich_progress
from entas.ingest.services import import_file


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date: '{text}' is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Import a file (CSV or XLSX). Example: entas import registry people.csv --mode accept-valid "
        "--source DTSEN --date 2025-07-31. All-or-nothing (the default) imports nothing if a row is bad; "
        "accept-valid imports the good rows. Either way bad rows go to a rejects file with their reasons."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("target", help="what to import: " + ", ".join(targets.names()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", default="auto", help="which file of the target (registry: households, "
                            "people, assistance); auto tells it from the header")
        parser.add_argument("--mode", default=ImportBatch.Mode.ALL_OR_NOTHING, choices=ImportBatch.Mode.values)
        parser.add_argument("--source", default="DTSEN", help="where the data comes from (default DTSEN)")
        parser.add_argument("--date", type=iso_date, help="date of the extract, YYYY-MM-DD (default today)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = targets.get(options["target"])
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if options["kind"] not in target.kinds:
            raise CommandError(f"--kind: choose one of {', '.join(target.kinds)}")
        run = dict(kind=options["kind"], mode=options["mode"], source=options["source"],
                   extract_date=options["date"])
        if options["no_progress"]:
            batch = import_file(None, target.name, options["file"], **run)
        else:
            with rich_progress() as progress:
                batch = import_file(None, target.name, options["file"], progress=progress, **run)
        self.report(batch)

    def report(self, batch: ImportBatch) -> None:
        for note in batch.details.get("notes", []):
            self.stdout.write(self.style.WARNING(f"warning: {note}"))
        for warning in batch.details.get("warnings", []):
            examples = "; ".join(warning["examples"])
            self.stdout.write(self.style.WARNING(f"warning: {warning['count']:,} rows, e.g. {examples}"))
        if batch.rejects_path:
            self.stdout.write(f"{batch.rejected:,} rows rejected; reasons in {batch.rejects_path}")
        if batch.status != ImportBatch.Status.DONE:
            raise CommandError(f"Import {batch.pk} failed: {batch.error_message}")
        self.stdout.write(self.style.SUCCESS(
            f"Import {batch.pk} ({batch.kind}): {batch.rows_total:,} rows; {batch.inserted:,} inserted, "
            f"{batch.updated:,} updated, {batch.unchanged:,} unchanged, {batch.rejected:,} rejected."
        ))
