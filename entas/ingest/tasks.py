from pathlib import Path

from django_tasks import task

from entas.core.context import origin
from entas.ingest import housekeeping, targets
from entas.ingest.models import ImportBatch


@task()
def run_uploaded_import(batch_id: int) -> None:
    """Runs in the background worker; the batch row carries the progress the page polls, and the
    stored file, deleted when the import ends however it ends."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    try:
        with origin("task", f"import {batch_id}"):
            targets.get(batch.target).run(
                batch.created_by, Path(batch.file_path), kind=batch.kind, mode=batch.mode, source=batch.source,
                extract_date=batch.extract_date, batch=batch,
            )
    finally:
        housekeeping.release_upload(batch)
