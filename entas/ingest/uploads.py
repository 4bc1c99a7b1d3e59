"""Files uploaded through the browser: stored, queued as a pending batch, run by the worker."""

import hashlib
import os
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit
from entas.ingest.models import ImportBatch
from entas.ingest.tasks import run_uploaded_import


def upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _store(upload: UploadedFile) -> tuple[Path, str]:
    """The upload written to the uploads folder, readable by the owner only, and its SHA-256."""
    path = upload_dir() / f"{uuid.uuid4().hex}{Path(str(upload.name)).suffix.lower()[:8]}"
    digest = hashlib.sha256()
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        for chunk in upload.chunks():  # streamed: a 1 GB upload never sits in memory
            digest.update(chunk)
            handle.write(chunk)
    return path, digest.hexdigest()


@transaction.atomic
def queue_upload(actor: User | None, *, target: str, upload: UploadedFile, kind: str, mode: str, source: str,
                 extract_date: date | None) -> ImportBatch:
    name = str(upload.name)
    path, checksum = _store(upload)
    batch = ImportBatch.objects.create(
        target=target, kind=kind, source=source, file_name=name, extract_date=extract_date, mode=mode,
        status=ImportBatch.Status.PENDING, created_by=actor, file_path=str(path), file_sha256=checksum,
    )
    audit.record(actor, audit.Action.IMPORT_QUEUED, batch,
                 details={"target": target, "file": name, "bytes": upload.size, "mode": mode, "sha256": checksum})
    transaction.on_commit(lambda: run_uploaded_import.enqueue(batch.pk))
    return batch


def visible_batches(user: User | None) -> QuerySet[ImportBatch]:
    """Batches and their rejects files hold personal data: the uploader's own, or all for the
    national administrators."""
    batches = ImportBatch.objects.order_by("-created_at", "-id")
    if user is not None and user.role == Role.NATIONAL_ADMIN:
        return batches
    return batches.filter(created_by=user)
