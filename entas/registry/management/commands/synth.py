import sys
import time
from argparse import ArgumentParser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import DatabaseError, transaction

from entas.regions.models import Region
from entas.registry import synth

# What `generate` reports, in order, plus the steps around it: one tick each on the progress bar.
STEPS = ("regions", "households", "people", "assistance", "errors", "writing")
EXTRACT_STEPS = ("regions", "households", "people", "assistance", "errors", "extracts", "writing")


class Command(BaseCommand):
    help = (
        "Write synthetic households, people and assistance receipts as CSV (docs/data-formats.md): "
        "real village codes, consistent NIK and KK numbers, deciles, income, housing and bansos. "
        "The same seed always gives the same files."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--people", type=int, default=10_000, help="number of people (default 10,000)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--regions", default=",".join(synth.DEFAULT_REGIONS),
            help="comma-separated province, regency or district codes to place households in "
            f"(default {','.join(synth.DEFAULT_REGIONS)})",
        )
        parser.add_argument(
            "--poor-regions", default=None,
            help="comma-separated codes, inside --regions, whose deciles lean to the poor "
            f"(default: {','.join(synth.DEFAULT_POOR_REGIONS)} where inside --regions, else every second "
            "region given; 'none' for none)",
        )
        parser.add_argument(
            "--errors", type=float, default=0.0,
            help="fraction (0-1) of people rows given a realistic error: typos, bad NIK, bad dates, "
            "duplicates (default 0)",
        )
        parser.add_argument(
            "--extracts", type=int, default=1,
            help="quarterly extracts to write as households-YYYY-MM-DD.csv, oldest first, the last one dated "
            f"{synth.SynthConfig.reference_date.isoformat()} (the reference date of households.csv): incomes "
            "follow a national trend, regency shocks and household noise, desil is recomputed each quarter "
            "(default 1: households.csv only)",
        )
        parser.add_argument(
            "--programme-share", type=float, default=0.0,
            help="fraction (0-1) of the first extract's desil 1-3 households put in a programme (poorer ones more "
            "likely), enrolled in quarterly cohorts from the third extract on; written to programme.csv "
            "(kk_number, enrolled_on). Needs --extracts 3 or more (default 0: no programme)",
        )
        parser.add_argument(
            "--effect", type=float, default=0.08,
            help="the programme's effect on log per-capita income, in full in every extract dated after a "
            "family's enrolment (default 0.08, about +8 %%)",
        )
        parser.add_argument(
            "--pre-trend", type=float, default=0.0,
            help="participants' extra log income growth per quarter before their enrolment: a differential "
            "pre-trend that breaks parallel trends, for testing estimators (default 0)",
        )
        parser.add_argument(
            "--out", type=Path, default=None,
            help="folder for the CSV files (default var/synth, i.e. $ENTAS_DATA_DIR/synth)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            config = synth.SynthConfig(people=options["people"], seed=options["seed"], error_rate=options["errors"])
            synth.check_config(config)  # before any database work
            panel = synth.ExtractConfig(
                extracts=_number(options, "extracts", int), programme_share=_number(options, "programme_share", float),
                effect=_number(options, "effect", float), pre_trend=_number(options, "pre_trend", float),
            )
            synth.check_extracts(panel)
            _check_database()
            regions = synth.parse_codes(options["regions"], "--regions")
            poor = _poor_regions(options["poor_regions"], regions)
            out_dir: Path = options["out"] or Path(settings.DATA_DIR) / "synth"
            with self._progress(EXTRACT_STEPS if panel.extracts > 1 else STEPS) as step:
                step("regions")
                geo = synth.load_geography(regions, poor)
                extracts = None
                if panel.extracts > 1:
                    tables, extracts = synth.generate_extracts(geo, config, panel, progress=step)
                else:
                    tables = synth.generate(geo, config, progress=step)
                step("writing")
                written = synth.write_tables(tables, out_dir)
                if extracts is not None:
                    written += synth.write_extracts(extracts, out_dir)
        except synth.SynthError as exc:
            raise CommandError(str(exc)) from None
        self._report(written, tables, time.perf_counter() - started)

    @contextmanager
    def _progress(self, steps: tuple[str, ...]) -> Iterator[Callable[[str], None]]:
        if not self.stdout.isatty():
            yield lambda _: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("{task.description:<12}"), BarColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(file=_raw_stream(self.stdout)), transient=True) as bar:
            task = bar.add_task("synth", total=len(steps))
            seen: list[str] = []

            def step(name: str) -> None:
                if seen:
                    bar.advance(task)
                seen.append(name)
                bar.update(task, description=name)

            yield step
            bar.advance(task)

    def _report(self, written: list[tuple[Path, int]], tables: synth.SynthTables, seconds: float) -> None:
        people = tables.people.height - int((tables.errors["kind"] == "duplicate_row").sum())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {people:,} people in {tables.households.height:,} households to "
                f"{written[0][0].parent} in {seconds:.1f} s"
            )
        )
        width = max(16, *(len(path.name) for path, _ in written))
        for path, rows in written:
            self.stdout.write(f"  {path.name:<{width}} {rows:>12,} rows")
        if tables.errors.height:
            counts = tables.errors.group_by("kind", maintain_order=True).len().sort("kind")
            kinds = ", ".join(f"{kind} {n:,}" for kind, n in counts.iter_rows())
            self.stdout.write(f"  injected errors: {tables.errors.height:,} people rows ({kinds})")


NOT_READY = ("{}: households are placed in real villages. Run `entas demo` first, or `entas manage migrate` "
             "and then `entas load-regions`")


def _check_database() -> None:
    """A clear word instead of a traceback when the database is new: not migrated, or migrated
    without the Kemendagri regions."""
    try:
        with transaction.atomic():  # a savepoint: the failed query does not spoil the connection
            loaded = Region.objects.filter(level=4).exists()
    except DatabaseError:
        raise CommandError(NOT_READY.format("the database is not set up (no regions table)")) from None
    if not loaded:
        raise CommandError(NOT_READY.format("no villages are loaded in the database"))


def _poor_regions(text: str | None, regions: tuple[str, ...]) -> tuple[str, ...]:
    if text is None:
        return synth.default_poor_regions(regions)
    if text.strip().lower() == "none":
        return ()
    return synth.parse_codes(text, "--poor-regions")


def _number(options: dict[str, Any], name: str, kind: type[int] | type[float]) -> Any:
    """An option as a number: `call_command` hands keyword options over unconverted."""
    value = options[name]
    option = "--" + name.replace("_", "-")
    if isinstance(value, bool):
        raise synth.SynthError(option, f"must be a number, not {value!r}")
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise synth.SynthError(option, f"must be a number, not {value!r}") from None
    if kind is int and isinstance(value, float) and value != number:
        raise synth.SynthError(option, f"must be a whole number, not {value!r}")
    return number


def _raw_stream(wrapper: OutputWrapper) -> IO[str]:
    # Django's wrapper appends a newline to every write, which would stack rich's redraws.
    stream = getattr(wrapper, "_out", None)
    return stream if stream is not None else sys.stdout
