"""The upload's background half: the worker runs the queued batch through `import_file` and then
releases the stored file, however the import ended."""

from django_tasks import task

from entas.core.context import origin
from entas.ingest import housekeeping
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file


@task()
def run_uploaded_import(batch_id: int) -> None:
    """Runs in the background worker; the batch row carries the progress the page polls, and the
    stored file, deleted when the import ends however it ends."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    try:
        with origin("task", f"import {batch_id}"):
            import_file(batch.created_by, batch.target, batch.file_path, kind=batch.kind, mode=batch.mode,
                        source=batch.source, extract_date=batch.extract_date, batch=batch)
    finally:
        housekeeping.release_upload(batch)
