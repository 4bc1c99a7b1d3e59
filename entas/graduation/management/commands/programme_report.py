from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from entas.core.scoping import region_q
from entas.graduation import reports
from entas.graduation.models import Enrolment
from entas.programmes.management.commands._common import find_programme, table
from entas.programmes.models import Facilitator

COLUMNS = ["enrolled", "graduated", "sustained", "relapse_count", "exited"]


class Command(BaseCommand):
    help = ("Graduation and relapse rates of a programme by enrolment cohort, regency and facilitator. "
            "Example: entas programme-report 'Graduasi KPM 2025' --by cohort --region 33")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("programme", help="programme id or exact name")
        parser.add_argument("--by", choices=sorted(reports.KEYS), action="append",
                            help="grouping (repeatable); default: all of them")
        parser.add_argument("--region", help="only families inside this region code")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = find_programme(options["programme"])
        enrolments = Enrolment.objects.filter(programme=programme)
        if options["region"]:
            enrolments = enrolments.filter(region_q(options["region"], "village_id"))
        for by in options["by"] or ["cohort", "regency", "facilitator"]:
            self.stdout.write(f"\n{programme.name}: by {by}\n")
            self.stdout.write(table([by, *COLUMNS, "graduation %", "relapse %"], self._rows(enrolments, by)))

    def _rows(self, enrolments: Any, by: str) -> list[list[Any]]:
        found = reports.rates(enrolments, by)
        names = ({f.pk: str(f) for f in Facilitator.objects.select_related("user")
                  .filter(pk__in=[r["key"] for r in found if r["key"]])} if by == "facilitator" else {})
        return [[names.get(r["key"], r["key"] or "-"), *(r[c] or 0 for c in COLUMNS),
                 round(100 * r["graduation_rate"], 1), round(100 * r["relapse_rate"], 1)] for r in found]
