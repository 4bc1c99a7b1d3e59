from datetime import date
from pathlib import Path

from django_tasks import task

from entas.core.context import origin
from entas.ingest import targets
from entas.ingest.models import ImportBatch


@task()
def run_uploaded_import(batch_id: int, path: str, kind: str, extract_date: str | None) -> None:
    """Runs in the background worker; the batch row carries the progress the page polls."""
    batch = ImportBatch.objects.get(pk=batch_id)
    actor = batch.created_by
    with origin("task", f"import {batch_id}"):
        targets.get(batch.target).run(
            actor, Path(path), kind=kind, mode=batch.mode, source=batch.source,
            extract_date=date.fromisoformat(extract_date) if extract_date else None, batch=batch,
        )
