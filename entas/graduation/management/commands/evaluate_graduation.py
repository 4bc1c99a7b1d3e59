from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from entas.graduation import criteria, rules, services
from entas.graduation.evaluate import evaluate, lock_programme
from entas.graduation.models import Enrolment, Status
from entas.programmes.management.commands._common import find_programme, refusal, table


class Command(BaseCommand):
    help = ("Evaluate a programme's active graduation rule set on the latest assessment of every active or "
            "ready family: how many meet each criterion and all essential ones. With --mark-ready, active "
            "families that meet them are marked ready (one audited step each). "
            "Example: entas evaluate-graduation 'Graduasi KPM 2025' --mark-ready")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("programme", help="programme id or exact name")
        parser.add_argument("--mark-ready", action="store_true", help="mark active families that qualify as ready")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        programme = find_programme(options["programme"])
        # The version is read once and held: an activation waits until this run ends.
        lock_programme(programme.pk, shared=True)
        try:
            rule_set = rules.active_rule_set(programme)
        except ValidationError as error:
            raise refusal(error) from None
        definition = criteria.definition(rule_set)
        open_ = Enrolment.objects.filter(programme=programme, status__in=(Status.ACTIVE, Status.READY))
        outcomes = evaluate(definition, open_)
        rows: list[list[Any]] = [[criteria.describe(c), "essential" if c["essential"] else "conditional",
                                  sum(o.passed[c["code"]] for o in outcomes)] for c in definition["criteria"]]
        rows.append(["all essential criteria", "", sum(o.essentials_met for o in outcomes)])
        self.stdout.write(f"{programme.name}, rule set v{rule_set.version}: {open_.count()} active or ready "
                          f"families, {len(outcomes)} assessed\n")
        self.stdout.write(table(["criterion", "kind", "families meeting it"], rows))
        if options["mark_ready"]:
            qualified = [o.enrolment_id for o in outcomes if o.essentials_met]
            self._mark_ready(open_.filter(pk__in=qualified, status=Status.ACTIVE))

    def _mark_ready(self, enrolments: Any) -> None:
        # One service call per family: each step is checked, written to the history and audited.
        today, marked = timezone.localdate(), 0
        for enrolment in enrolments.iterator():
            services.mark_ready(None, enrolment, on=today)
            marked += 1
        self.stdout.write(self.style.SUCCESS(f"Marked {marked} families ready to graduate."))
