from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from entas.core.scoping import region_q
from entas.graduation import services
from entas.graduation.models import OPEN_STATUSES, Enrolment, SessionKind, TrainingSession
from entas.programmes.management.commands._common import find_programme, refusal, table
from entas.programmes.models import Programme


class Command(BaseCommand):
    help = ("Training and mentoring sessions: list them, record one, record who attended (families by No. KK). "
            "Examples: entas training list --programme 'Graduasi KPM 2025' --region 33.10; "
            "entas training create 'Graduasi KPM 2025' --kind training --topic 'Pembukuan' --date 2025-08-01 "
            "--region 33.10.01 --kk 3310010101250001; entas training attend 12 3310010101250002")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="sessions, newest first, with the number of families attending")
        listing.add_argument("--programme", help="programme id or exact name")
        listing.add_argument("--region", help="only sessions held inside this region code")
        create = actions.add_parser("create", help="record a session")
        create.add_argument("programme", help="programme id or exact name")
        create.add_argument("--kind", required=True, choices=SessionKind.values)
        create.add_argument("--topic", required=True)
        create.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        create.add_argument("--region", required=True, help="where it was held: village, district or regency code")
        create.add_argument("--kk", nargs="*", default=[], help="No. KK of the families who attended")
        attend = actions.add_parser("attend", help="add families to a session's attendance")
        attend.add_argument("session", type=int, help="session id")
        attend.add_argument("kk", nargs="+", help="No. KK of the families who attended")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            {"list": self._list, "create": self._create, "attend": self._attend}[options["action"]](options)
        except ValidationError as error:
            raise refusal(error) from None

    def _list(self, options: dict[str, Any]) -> None:
        sessions = (TrainingSession.objects.select_related("programme").annotate(families=Count("attendees"))
                    .order_by("-date", "-id"))
        if options["programme"]:
            sessions = sessions.filter(programme=find_programme(options["programme"]))
        if options["region"]:
            sessions = sessions.filter(region_q(options["region"], "region_id"))
        rows = [[s.pk, s.date.isoformat(), s.kind, s.topic, s.region_id, s.programme.name, s.families]
                for s in sessions]
        self.stdout.write(table(["id", "date", "kind", "topic", "held in", "programme", "families"], rows))

    def _families(self, programme: Programme, numbers: list[str]) -> list[Enrolment]:
        found = {e.household.kk_number: e for e in Enrolment.objects.select_related("household").filter(
            programme=programme, household__kk_number__in=numbers, status__in=OPEN_STATUSES)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise CommandError(f"kk: no open enrolment in {programme} for No. KK {', '.join(missing)}")
        return [found[n] for n in numbers]

    def _create(self, options: dict[str, Any]) -> None:
        programme = find_programme(options["programme"])
        session = services.record_training(None, programme, kind=options["kind"], topic=options["topic"],
                                           on=options["date"], region_code=options["region"],
                                           attendees=self._families(programme, options["kk"]))
        self.stdout.write(self.style.SUCCESS(f"Recorded session {session.pk} with {len(options['kk'])} families."))

    def _attend(self, options: dict[str, Any]) -> None:
        session = TrainingSession.objects.select_related("programme").filter(pk=options["session"]).first()
        if session is None:
            raise CommandError(f"session: no session with id {options['session']}")
        families = self._families(session.programme, options["kk"])
        services.record_attendance(None, session, families)
        self.stdout.write(self.style.SUCCESS(f"{len(families)} families added; {session.attendees.count()} in all."))
