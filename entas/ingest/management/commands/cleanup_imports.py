from typing import Any

from django.core.management.base import BaseCommand

from entas.ingest import housekeeping


class Command(BaseCommand):
    help = (
        "Clear what imports leave behind: batches left running by a process that died are marked failed, "
        "staging files of dead processes and uploaded files of ended imports are deleted (uploads after "
        "ENTAS_UPLOAD_RETENTION_DAYS, rejects files after ENTAS_REJECTS_RETENTION_DAYS). `entas serve` runs "
        "this at start-up; run it daily from cron when uploads are kept."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = housekeeping.clear()
        self.stdout.write(
            f"{done.stale_batches} stale import(s) marked failed, {done.staging_folders} staging folder(s), "
            f"{done.uploads} uploaded file(s) and {done.rejects_files} rejects file(s) removed."
        )
