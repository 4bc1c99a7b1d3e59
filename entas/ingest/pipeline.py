"""What a feature app supplies for one kind of file (a Plan), and the streaming stage step.

The app gives the schema, the cross-row checks and the merge; ingest does the rest: reading,
typing and checking each chunk, staging it, collecting warnings, reporting progress.
"""

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from queue import Full, Queue
from typing import Any, Protocol, TypeVar

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from entas.core.messages import Message, translate, translate_message
from entas.ingest.models import ImportBatch
from entas.ingest.progress import Reporter
from entas.ingest.reading import Table
from entas.ingest.schema import HeaderMap, Rule, Schema
from entas.ingest.staging import Staging
from entas.ingest.upsert import Counts

EXAMPLES = 3
NOT_USED = Message(gettext_noop("row 1 (header): columns not used: %(columns)s"))
# Every importable file names its place in this field (the schemas map their aliases onto it).
REGION_COLUMN = "village_code"
T = TypeVar("T")


@dataclass
class Outcome:
    """What the merge did to the main table of the kind, and per table details."""

    inserted: int
    updated: int
    unchanged: int
    details: dict[str, Any] = field(default_factory=dict)
    left_villages: frozenset[str] = frozenset()  # villages that stored rows moved away from


def counted(counts: Counts, rows: int) -> dict[str, int]:
    """A merge's counts for the batch's details; `rows`: the valid rows it was given."""
    result = {"inserted": counts.inserted, "updated": counts.updated,
              "unchanged": rows - counts.inserted - counts.updated}
    return result | ({"kept_newer": counts.kept_newer} if counts.kept_newer else {})


def outcome(details: dict[str, Any], main: str, left: frozenset[str] = frozenset()) -> Outcome:
    """The Outcome whose counts are those of details[main] (a `counted` dict)."""
    counts = details[main]
    return Outcome(counts["inserted"], counts["updated"], counts["unchanged"], details, left)


class Plan(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def schema(self) -> Schema: ...

    def check(self, staging: Staging) -> None:
        """Cross-row checks in SQL: add reasons to the staged rows that fail them."""

    def load(self, staging: Staging) -> Outcome:
        """Merge the staged rows without reasons into the target tables."""


PlanFactory = Callable[[str, list[str], ImportBatch], Plan]
"""(kind asked for, the file's header, the batch) -> the plan; raises ImportFileError when the
kind cannot be told from the header or does not exist."""


@dataclass
class WarningTally:
    rules: tuple[Rule, ...]
    notes: list[str] = field(default_factory=list)  # about the whole file: encoding, unused columns
    counts: list[int] = field(default_factory=list)
    examples: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.rules)
        self.examples = [[] for _ in self.rules]

    def add(self, checked: pl.DataFrame) -> None:
        for i, rule in enumerate(self.rules):
            hits = checked.filter(pl.col(f"_w{i}"))
            self.counts[i] += hits.height
            shown = hits.head(EXAMPLES - len(self.examples[i])).select("_row", rule.message)
            self.examples[i] += [
                _("row %(row)s: %(reasons)s") % {"row": row, "reasons": translate(f"{rule.field}: {text}")}
                for row, text in shown.iter_rows()
            ]

    @property
    def total(self) -> int:
        return sum(self.counts) + len(self.notes)

    def details(self) -> dict[str, Any]:
        found = [
            {"field": rule.field, "count": count, "examples": examples}
            for rule, count, examples in zip(self.rules, self.counts, self.examples, strict=True)
            if count
        ]
        return {"notes": self.notes, "warnings": found}


def stage(
    table: Table, schema: Schema, mapping: HeaderMap, staging: Staging, reporter: Reporter
) -> tuple[int, WarningTally]:
    """Check every chunk and load it into the staging table; (rows read, warnings). Also notes
    in `staging.villages` the villages that the rows passing the row checks name."""
    tally = WarningTally(schema.warnings)
    rows = 0
    named = REGION_COLUMN in staging.columns

    def checked_chunks() -> Iterator[tuple[int, pl.DataFrame, Any]]:
        for chunk in table.chunks():
            checked = schema.validate(chunk.frame, mapping)
            yield chunk.position, checked, staging.encode(checked)

    for position, checked, encoded in prefetched(checked_chunks()):
        # One transaction per chunk: SQLite would otherwise commit every row on its own.
        with transaction.atomic():
            staging.load(encoded)
        tally.add(checked)
        if named:
            valid = checked.filter(pl.col("_reasons").is_null())[REGION_COLUMN]
            staging.villages.update(valid.drop_nulls().unique().to_list())
        rows += checked.height
        reporter.reading(rows, position, table.size)
    staging.finish_loading(rows)
    tally.notes.extend(translate_message(warning) for warning in table.warnings)
    if mapping.unused:
        tally.notes.append(NOT_USED.shown(columns=", ".join(mapping.unused)))
    return rows, tally


def prefetched(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """`items`, produced up to `depth` ahead in a thread: reading, checking and encoding the next
    chunk (Polars works outside the GIL) overlaps loading this one into the database. Memory stays
    bounded by depth + 2 chunks. The thread touches no database connection."""
    queue: Queue[tuple[str, Any]] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                queue.put((kind, value), timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put("item", item):
                    return
            put("end", None)
        except BaseException as exc:  # handed to the consumer, raised there
            put("error", exc)

    worker = threading.Thread(target=produce, name="ingest-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        worker.join()
