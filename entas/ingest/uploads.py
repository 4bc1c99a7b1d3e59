"""Files uploaded through the browser: stored, queued as a pending batch, run by the worker."""

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from entas.accounts.roles import Role
from entas.core import audit
from entas.ingest.models import ImportBatch
from entas.ingest.tasks import run_uploaded_import


def upload_dir() -> Any:
    folder = settings.DATA_DIR / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@transaction.atomic
def queue_upload(actor: Any, *, target: str, upload: UploadedFile, kind: str, mode: str, source: str,
                 extract_date: date | None) -> ImportBatch:
    name = str(upload.name)
    path = upload_dir() / f"{uuid.uuid4().hex}-{name.replace('/', '_')}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():  # streamed: a 1 GB upload never sits in memory
            handle.write(chunk)
    batch = ImportBatch.objects.create(
        target=target, kind=kind, source=source, file_name=name, extract_date=extract_date, mode=mode,
        status=ImportBatch.Status.PENDING, created_by=actor,
    )
    audit.record(actor, f"{target}.import_queued", batch, details={"file": name, "bytes": upload.size, "mode": mode})
    transaction.on_commit(lambda: run_uploaded_import.enqueue(
        batch.pk, str(path), kind, extract_date.isoformat() if extract_date else None))
    return batch


def visible_batches(user: Any) -> QuerySet[ImportBatch]:
    """Batches and their rejects files hold personal data: the uploader's own, or all for the
    national administrators."""
    batches = ImportBatch.objects.order_by("-created_at", "-id")
    if getattr(user, "role", None) == Role.NATIONAL_ADMIN:
        return batches
    return batches.filter(created_by=user)
