"""What an import leaves behind, cleared: batches left "running" by a process that died, staging
files of dead processes, uploaded files (DTSEN personal data) once their import has ended, and
rejects files past their retention. Run at `entas serve` start-up and by `entas cleanup-imports`.

A batch records the process that runs it (`worker`: host, pid and the process's start time, so a
pid reused after a restart is not taken for the old process). Only processes of this host can be
checked; a batch of another host is left alone.
"""

import os
import shutil
import socket
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core import audit
from entas.ingest.models import ImportBatch


def staging_dir() -> Path:
    """Where SQLite imports stage: inside the data folder (not the system's temp folder), so the
    file's personal data stays under the operator's control and is found again after a crash."""
    folder = Path(settings.DATA_DIR) / "staging"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _started(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or '' where /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


def process_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid())}"


def is_alive(token: str) -> bool | None:
    """Whether the process of `token` still runs; None when it ran on another host."""
    host, _sep, rest = token.partition(":")
    pid_text, _sep, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if started:
        return _started(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_stale_batches() -> int:
    """Mark failed the batches whose process died while they ran. Their data transaction never
    committed, so nothing of them was written; the batch says so."""
    failed = 0
    for batch in ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING):
        if batch.worker and is_alive(batch.worker) is not False:
            continue
        with transaction.atomic():
            batch.status, batch.phase, batch.finished_at = ImportBatch.Status.FAILED, "", timezone.now()
            batch.error_message = _("The import stopped because the process running it ended (a restart or a "
                                    "crash). Nothing of this file was written; upload it again.")
            batch.save(update_fields=["status", "phase", "finished_at", "error_message"])
            audit.record(None, audit.Action.IMPORT_FAILED, batch,
                         details={"target": batch.target, "stale": batch.worker})
        failed += 1
    return failed


def staging_prefix() -> str:
    """The start of a staging folder's name: the process that made it (see `remove_dead_staging`)."""
    return f"{os.getpid()}-{_started(os.getpid()) or 0}-"


def remove_dead_staging() -> int:
    """Staging folders of processes of this host that are gone."""
    removed = 0
    for folder in staging_dir().iterdir():
        pid, _sep, rest = folder.name.partition("-")
        started = rest.partition("-")[0]
        token = f"{socket.gethostname()}:{pid}:{'' if started == '0' else started}"
        if is_alive(token) is False:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def release_upload(batch: ImportBatch) -> None:
    """The import of an uploaded file has ended: delete the file now, unless the operator keeps
    uploads for some days (settings.UPLOAD_RETENTION_DAYS), when `remove_expired_files` does."""
    if settings.UPLOAD_RETENTION_DAYS <= 0:
        _remove_upload(batch)


def _remove_upload(batch: ImportBatch) -> None:
    if batch.file_path:
        Path(batch.file_path).unlink(missing_ok=True)
    batch.file_removed_at = timezone.now()
    batch.save(update_fields=["file_removed_at"])


def remove_expired_files() -> tuple[int, int]:
    """Uploads of ended imports past UPLOAD_RETENTION_DAYS, rejects files past
    REJECTS_RETENTION_DAYS: (uploads removed, rejects files removed)."""
    now = timezone.now()
    ended = ImportBatch.objects.filter(status__in=(ImportBatch.Status.DONE, ImportBatch.Status.FAILED))
    uploads = ended.filter(file_removed_at__isnull=True).exclude(file_path="").filter(
        finished_at__lt=now - timedelta(days=settings.UPLOAD_RETENTION_DAYS))
    for batch in uploads:
        _remove_upload(batch)
    kept_until = now - timedelta(days=settings.REJECTS_RETENTION_DAYS)
    rejects = ended.exclude(rejects_path="").filter(finished_at__lt=kept_until)
    for batch in rejects:
        Path(batch.rejects_path).unlink(missing_ok=True)
        batch.rejects_path = ""
        batch.save(update_fields=["rejects_path"])
    return len(uploads), len(rejects)


@dataclass(frozen=True)
class Cleared:
    stale_batches: int
    staging_folders: int
    uploads: int
    rejects_files: int


def clear() -> Cleared:
    uploads, rejects = remove_expired_files()
    return Cleared(fail_stale_batches(), remove_dead_staging(), uploads, rejects)
