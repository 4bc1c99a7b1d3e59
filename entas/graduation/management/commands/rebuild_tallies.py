from typing import Any

from django.core.management.base import BaseCommand

from entas.graduation import tally


class Command(BaseCommand):
    help = ("Recount every programme's tally (enrolments per regency, cohort and status) from the "
            "enrolments. The events keep it current; this is for a database changed behind their back.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = tally.rebuild()
        self.stdout.write(f"{rows} tally row(s) written.")
