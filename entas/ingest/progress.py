"""Progress of a running import: kept on the batch row (for a page to poll) and passed to an
optional callback (the CLI's rich progress bar)."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from entas.ingest.models import ImportBatch

ProgressCallback = Callable[[str, int, int], None]
"""Called as progress(phase, done, total); total 0 means unknown."""

PHASES = {
    "read": gettext_lazy("Reading and checking rows"),
    "check": gettext_lazy("Checking across rows"),
    "rejects": gettext_lazy("Writing the rejects file"),
    "load": gettext_lazy("Writing to the database"),
}


class Reporter:
    """Throttled: the batch row is written at most once per `every` seconds while reading."""

    def __init__(self, batch: ImportBatch, callback: ProgressCallback | None, every: float = 1.0) -> None:
        self.batch = batch
        self.callback = callback
        self.every = every
        self.saved_at = 0.0

    def phase(self, name: str, done: int = 0, total: int = 0) -> None:
        self.batch.phase = name
        self._save(force=True)
        if self.callback:
            self.callback(name, done, total)

    def reading(self, rows: int, position: int, size: int) -> None:
        # The row count of a CSV is unknown until its end: estimate it from the bytes read so far.
        total = max(rows, round(rows * size / position)) if position else rows
        self.batch.rows_processed, self.batch.rows_total = rows, total
        self._save()
        if self.callback:
            self.callback("read", rows, total)

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.batch.pk and (force or now - self.saved_at >= self.every):
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                phase=self.batch.phase, rows_processed=self.batch.rows_processed, rows_total=self.batch.rows_total
            )
            self.saved_at = now


@contextmanager
def rich_progress(console: Console | None = None) -> Iterator[ProgressCallback]:
    """A progress bar per phase for the terminal; yields the callback to pass to the import."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                finish()
                tasks[phase] = bar.add_task(str(PHASES.get(phase, phase)), total=total or None)
            bar.update(tasks[phase], completed=done, total=total or None)

        def finish() -> None:
            for task in tasks.values():
                size = bar.tasks[task].total or bar.tasks[task].completed or 1
                bar.update(task, completed=size, total=size)

        yield update
        finish()
