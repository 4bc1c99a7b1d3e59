"""What imports leave behind: the uploaded file (personal data) goes when its import ends, a batch
left running by a dead process is failed, staging folders of dead processes are removed."""

import hashlib
import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation

from entas.accounts.models import User
from entas.core.models import AuditEntry
from entas.ingest import housekeeping
from entas.ingest.models import ImportBatch
from tests.conftest import client_for
from tests.registry.test_upload import BAD_VILLAGE, GOOD, HEADER, upload

pytestmark = pytest.mark.django_db


def dead_token() -> str:
    """The worker token of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "import os; print(os.getpid())"], stdout=subprocess.PIPE)
    pid = int(child.communicate()[0])
    return housekeeping.process_token().rsplit(":", 2)[0] + f":{pid}:1"


def test_the_uploaded_file_is_deleted_when_its_import_ends(national_admin: User) -> None:
    upload(client_for(national_admin), HEADER + GOOD)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE
    assert batch.file_sha256 == hashlib.sha256((HEADER + GOOD).encode()).hexdigest()
    assert batch.file_path and not Path(batch.file_path).exists()
    assert batch.file_removed_at is not None


def test_the_uploaded_file_is_deleted_when_its_import_fails_too(national_admin: User) -> None:
    upload(client_for(national_admin), HEADER + GOOD + BAD_VILLAGE, mode="all-or-nothing")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.file_path and not Path(batch.file_path).exists() and batch.file_removed_at is not None


@override_settings(UPLOAD_RETENTION_DAYS=3)
def test_an_operator_keeps_uploads_for_some_days(national_admin: User) -> None:
    upload(client_for(national_admin), HEADER + GOOD)
    batch = ImportBatch.objects.get()
    stored = Path(batch.file_path)
    assert stored.exists() and stored.stat().st_mode & 0o077 == 0  # readable by the owner only
    housekeeping.clear()
    assert stored.exists()
    ImportBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now() - timedelta(days=4))
    assert housekeeping.clear().uploads == 1
    assert not stored.exists()
    assert ImportBatch.objects.get().file_removed_at is not None


def test_a_batch_left_running_by_a_dead_process_is_failed(national_admin: User) -> None:
    dead = ImportBatch.objects.create(target="registry", kind="people", file_name="a.csv",
                                      status=ImportBatch.Status.RUNNING, worker=dead_token())
    alive = ImportBatch.objects.create(target="registry", kind="people", file_name="b.csv",
                                       status=ImportBatch.Status.RUNNING, worker=housekeeping.process_token())
    elsewhere = ImportBatch.objects.create(target="registry", kind="people", file_name="c.csv",
                                           status=ImportBatch.Status.RUNNING, worker="another-host:12:34")
    with translation.override("en"):
        call_command("cleanup_imports", stdout=io.StringIO())
    dead.refresh_from_db()
    assert dead.status == ImportBatch.Status.FAILED and "Nothing of this file was written" in dead.error_message
    assert AuditEntry.objects.filter(action="import.failed", object_id=str(dead.pk)).exists()
    for batch in (alive, elsewhere):
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.RUNNING


def test_staging_folders_of_dead_processes_are_removed() -> None:
    pid, _start = dead_token().rsplit(":", 2)[1:]
    left = housekeeping.staging_dir() / f"{pid}-1-abc"
    left.mkdir()
    (left / "staging.sqlite3").write_bytes(b"NIK 3310...")
    mine = housekeeping.staging_dir() / f"{housekeeping.staging_prefix()}xyz"
    mine.mkdir()
    assert housekeeping.remove_dead_staging() == 1
    assert not left.exists() and mine.exists()
    mine.rmdir()
