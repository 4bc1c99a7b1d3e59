"""Every change to the registry goes through these functions: checked, in a transaction, audited."""

from datetime import date
from pathlib import Path
from typing import Any

from entas.ingest.models import ImportBatch
from entas.ingest.reading import CHUNK_BYTES, CHUNK_ROWS
from entas.ingest.services import Request, run_import
from entas.ingest.targets import ProgressCallback
from entas.registry.importer import plan_for


def import_registry(
    actor: Any,
    path: Path | str,
    *,
    kind: str = "auto",
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING,
    source: str = "DTSEN",
    extract_date: date | None = None,
    progress: ProgressCallback | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    chunk_rows: int = CHUNK_ROWS,
    batch: ImportBatch | None = None,
) -> ImportBatch:
    """Import a households, people or assistance file (CSV or XLSX); `kind` "auto" tells it from
    the header. The batch returned says how it went: status, counts, messages, rejects file.
    `batch`: a pending batch to run in (an upload queued for the worker). Audited as
    registry.imported or registry.import_failed."""
    request = Request(
        target="registry", kind=kind, path=Path(path), mode=mode, source=source, extract_date=extract_date,
        chunk_bytes=chunk_bytes, chunk_rows=chunk_rows,
    )
    return run_import(actor, request, plan_for, progress, batch)
